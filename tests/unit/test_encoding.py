"""One-hot encoding of categorical covariates (`ml.encoding`, no QGIS)."""
import json

import numpy as np
import pytest

from ree_grade.algorithms.common.parsing import category_text
from ree_grade.algorithms.ml.encoding import MISSING, CategoryEncoder


def test_fit_transform_one_hot_with_sorted_categories_per_field():
    columns = {"lith": ["granite", "syenite", "granite", " carbonatite "], "domain": [2, 1.0, 2.0, 1]}
    encoder = CategoryEncoder().fit(columns)
    matrix, names, unseen = encoder.transform(columns)
    assert names == ["lith=carbonatite", "lith=granite", "lith=syenite", "domain=1", "domain=2"]
    np.testing.assert_array_equal(matrix, [[0, 1, 0, 0, 1], [0, 0, 1, 1, 0], [0, 1, 0, 0, 1], [1, 0, 0, 1, 0]])
    assert unseen == {"lith": 0, "domain": 0}
    assert matrix.dtype == float


def test_unseen_categories_are_all_zeros_and_counted():
    encoder = CategoryEncoder().fit({"lith": ["a", "b", "a"]})
    matrix, names, unseen = encoder.transform({"lith": ["b", "c", "c", "a"], "other": [1, 2, 3, 4]})
    assert names == ["lith=a", "lith=b"]
    np.testing.assert_array_equal(matrix, [[0, 1], [0, 0], [0, 0], [1, 0]])
    assert unseen == {"lith": 2}


def test_missing_values_are_their_own_category_or_an_error():
    values = ["a", None, "", "  ", float("nan"), "b"]
    encoder = CategoryEncoder().fit({"lith": values})
    assert encoder.categories_["lith"] == [MISSING, "a", "b"]
    matrix, _, _ = encoder.transform({"lith": values})
    np.testing.assert_array_equal(matrix[:, 0], [0, 1, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="drill logs: field 'lith', row 2: the category is missing"):
        CategoryEncoder(missing="error", label="drill logs").fit({"lith": values})
    strict = CategoryEncoder(missing="error").fit({"lith": ["a", "b"]})
    with pytest.raises(ValueError, match="targets: field 'lith', row 3: the category is missing"):
        strict.transform({"lith": ["a", "b", None]}, label="targets")
    with pytest.raises(ValueError, match="targets: field 'lith', row 65539: the category is missing"):
        strict.transform({"lith": ["a", "b", None]}, label="targets", first_row=65537)
    with pytest.raises(ValueError, match="missing-value policy must be one of category, error"):
        CategoryEncoder(missing="drop").fit({"lith": values})


def test_category_text_of_numbers():
    assert [category_text(v) for v in (3, 3.0, np.int64(3), 2.5, True, None, np.nan)] == [
        "3", "3", "3", "2.5", "True", None, None]


def test_null_like_texts_are_missing_not_a_category():
    assert [category_text(v) for v in (" ore ", "NULL", "n/a", "nan", "  ", "None", "none", "NA")] == [
        "ore", None, None, None, None, "None", "none", "NA"]
    encoder = CategoryEncoder().fit({"lith": ["ore", "NULL", None, "host"]})
    assert encoder.categories_["lith"] == [MISSING, "host", "ore"]
    # A model file written when 'NULL' was a category of its own encodes NULL cells in that column still.
    old_file = CategoryEncoder.from_dict({"fields": ["lith"], "categories": {"lith": ["NULL", "host", "ore"]}})
    matrix, names, unseen = old_file.transform({"lith": ["NULL", None, "ore"]})
    assert names == ["lith=NULL", "lith=host", "lith=ore"]  # the columns the file's network was trained on
    assert matrix.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]] and unseen == {"lith": 0}


def test_dict_round_trip_and_bad_dicts():
    encoder = CategoryEncoder().fit({"lith": ["b", "a"], "unit": ["x", None]})
    data = json.loads(json.dumps(encoder.to_dict()))
    again = CategoryEncoder.from_dict(data)
    assert again.to_dict() == encoder.to_dict() and again.names_ == encoder.names_
    columns = {"lith": ["a", "z"], "unit": [None, "x"]}
    (matrix, names, unseen), (matrix_again, names_again, unseen_again) = (
        encoder.transform(columns), again.transform(columns))
    np.testing.assert_array_equal(matrix, matrix_again)
    assert (names, unseen) == (names_again, unseen_again) and unseen == {"lith": 1, "unit": 0}
    with pytest.raises(ValueError, match=r"model.json: .categories. lacks field\(s\) .lith."):
        CategoryEncoder.from_dict({"fields": ["lith"], "categories": {}}, "model.json")
    with pytest.raises(ValueError, match="categories of field 'lith' are not sorted and unique"):
        CategoryEncoder.from_dict({"fields": ["lith"], "categories": {"lith": ["b", "a"]}})


def test_fields_checked():
    encoder = CategoryEncoder(label="samples").fit({"lith": ["a"]})
    with pytest.raises(ValueError, match=r"targets: categorical field\(s\) 'lith' of the model are missing"):
        encoder.transform({"unit": ["a"]}, label="targets")
    with pytest.raises(ValueError, match="samples: no categorical field to encode"):
        CategoryEncoder().fit({})
    with pytest.raises(ValueError, match="categorical fields have different lengths"):
        CategoryEncoder().fit({"a": [1, 2], "b": [1]})


def test_cross_validation_encodes_the_categories_of_the_training_rows_only():
    from dataclasses import replace

    from ree_grade.algorithms.validation.methods import REGISTRY, CVData, with_categories

    class Recorder:
        def fit(self, X, y, groups=None):
            self.fit_X = X
            return self

        def predictive(self, X):
            self.test_X = X
            return X

    lith = ["a", "b", None, "c", "a", "b"]
    data = CVData(np.zeros((6, 3)), np.ones(6), np.arange(6.0)[:, None], list("112233"), ["cov"],
                  categories={"lith": lith})
    assert list(data.category_levels["lith"]) == [MISSING, "a", "b", "c"]
    recorder = Recorder()
    spec = replace(REGISTRY["ensemble"], factory=lambda settings, X, y: recorder)
    X, factory = with_categories(spec, data)
    assert X.shape == (6, 2)  # the covariate, then the category codes
    train, test = np.array([0, 1, 2, 4, 5]), np.array([3])
    estimator = factory({}, X[train], None).fit(X[train], np.ones(5))
    # Fitted on a, b and (missing): no column for c, which only the held-out row has.
    assert estimator.encoder_.names_ == ["lith=(missing)", "lith=a", "lith=b"]
    np.testing.assert_array_equal(recorder.fit_X[:, 1:], [[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    estimator.predictive(X[test])
    np.testing.assert_array_equal(recorder.test_X, [[3.0, 0, 0, 0]])
    # OK and MIK take no covariate: their inputs stay the coordinates.
    X_ok, factory_ok = with_categories(REGISTRY["ok"], data)
    assert X_ok.shape == (6, 3) and factory_ok is REGISTRY["ok"].factory
