"""k-NN imputation in a mixed spatial / feature distance: hand examples, the
limits w = 0 and w = 1, agreement with scikit-learn, saved references, real
data (Jura) and the sample deposit, and the Processing stage."""
import csv
import functools

import numpy as np
import pytest

from ree_grade.algorithms.common.parsing import parse_numeric
from ree_grade.algorithms.io.modelfile import ModelFileError
from ree_grade.algorithms.ml import imputation as imp
from ree_grade.algorithms.ml.imputation import KNNImputer3D, complete_z, mask_at_random

JURA_METALS = ["Cd", "Co", "Cr", "Cu", "Ni", "Pb", "Zn"]

# Target T at the origin lacks g. A is spatially nearest but unlike T in f, B is
# far but identical in f, C is in between on both. f = [0, 10, 0, 5]: mean 3.75,
# sd sqrt(17.1875). With s = 1 the squared spatial distances are A 1, B 100, C 25
# and the squared standardised f differences A 100/17.1875, B 0, C 25/17.1875.
HAND_X = np.array([[0.0, np.nan], [10.0, 1.0], [0.0, 2.0], [5.0, 3.0]])
HAND_XYZ = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 5.0, 0.0]])


def _hand(k, w, weights="distance"):
    filled, imputed = KNNImputer3D(k, w, spatial_scale=1.0, weights=weights).fit_transform(HAND_X, HAND_XYZ, ["f", "g"])
    assert imputed.tolist() == [[False, True], [False, False], [False, False], [False, False]]
    np.testing.assert_array_equal(filled[1:], HAND_X[1:])
    return filled[0, 1]


def test_hand_example_spatial_feature_and_mixed_nearest_donor():
    assert _hand(1, 1.0) == 1.0  # purely spatial: A
    assert _hand(1, 0.0) == 2.0  # purely by similarity: B
    # w = 0.05: A 0.05 + 0.95 * 5.818 = 5.58, B 0.05 * 100 = 5.0, C 1.25 + 0.95 * 1.455 = 2.63.
    assert _hand(1, 0.05) == 3.0
    assert _hand(1, 0.5) == 1.0


def test_hand_example_two_donors_inverse_distance_and_uniform():
    var = 17.1875
    d_c = np.sqrt(0.05 * 25 + 0.95 * 25 / var)
    d_b = np.sqrt(0.05 * 100)
    expected = (3.0 / d_c + 2.0 / d_b) / (1.0 / d_c + 1.0 / d_b)
    assert _hand(2, 0.05) == pytest.approx(expected, rel=1e-12)
    assert _hand(2, 0.05, "uniform") == pytest.approx(2.5, rel=1e-12)


def test_donor_at_zero_distance_takes_all_the_weight():
    X = np.array([[1.0, np.nan], [1.0, 7.0], [1.2, 4.0], [0.8, 5.0]])
    xyz = np.array([[0.0, 0, 0], [0.0, 0, 0], [1.0, 0, 0], [0.0, 2, 0]])
    filled, _ = KNNImputer3D(3, 0.5).fit_transform(X, xyz, ["f", "g"])
    assert filled[0, 1] == 7.0


def test_no_shared_field_counts_as_unrelated_and_ties_go_to_the_first_donor():
    X = np.array([[np.nan, np.nan], [1.0, 5.0], [2.0, 6.0], [3.0, 7.0]])
    xyz = np.array([[0.0, 0, 0], [9.0, 0, 0], [1.0, 0, 0], [5.0, 0, 0]])
    filled, _ = KNNImputer3D(1, 0.0).fit_transform(X, xyz, ["f", "g"])
    np.testing.assert_array_equal(filled[0], [1.0, 5.0])
    # With any spatial weight the unrelated-feature term is equal for all, so space decides.
    filled, _ = KNNImputer3D(1, 0.3).fit_transform(X, xyz, ["f", "g"])
    np.testing.assert_array_equal(filled[0], [2.0, 6.0])


def test_default_spatial_scale_is_the_total_coordinate_sd():
    model = KNNImputer3D(1).fit(HAND_X[:, :1], HAND_XYZ, ["f"])
    assert model.scale_ == pytest.approx(np.sqrt(HAND_XYZ[:, 0].var() + HAND_XYZ[:, 1].var()))


def _random_table(seed=3, n=300, p=5, missing=0.15):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    X = latent @ rng.normal(size=(1, p)) + 0.5 * rng.normal(size=(n, p)) + np.arange(p) * 10
    xyz = rng.uniform(0, 500, (n, 3))
    masked = X.copy()
    masked[rng.random(X.shape) < missing] = np.nan
    return X, masked, xyz


def test_pure_feature_distance_is_sklearn_knnimputer_on_standardised_data():
    from sklearn.impute import KNNImputer

    _, masked, xyz = _random_table()
    fields = [f"f{j}" for j in range(masked.shape[1])]
    mean, sd = np.nanmean(masked, axis=0), np.nanstd(masked, axis=0)
    ours, _ = KNNImputer3D(5, 0.0, weights="uniform").fit_transform(masked, xyz, fields)
    theirs = KNNImputer(n_neighbors=5).fit_transform((masked - mean) / sd) * sd + mean
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)


def test_observed_values_kept_flags_exact_deterministic_and_chunk_independent(monkeypatch):
    _, masked, xyz = _random_table(n=400)
    fields = [f"f{j}" for j in range(masked.shape[1])]
    first, flags = KNNImputer3D(4, 0.4).fit_transform(masked, xyz, fields)
    np.testing.assert_array_equal(flags, np.isnan(masked))
    np.testing.assert_array_equal(first[~flags], masked[~flags])
    assert np.isfinite(first).all()
    again, _ = KNNImputer3D(4, 0.4).fit_transform(masked, xyz, fields)
    np.testing.assert_array_equal(first, again)
    monkeypatch.setattr(imp, "_CHUNK_CELLS", 7 * 400)
    chunked, _ = KNNImputer3D(4, 0.4).fit_transform(masked, xyz, fields)
    np.testing.assert_array_equal(first, chunked)


def test_progress_and_cancel():
    from ree_grade.algorithms.common.progress import Cancelled

    _, masked, xyz = _random_table()
    seen = []
    model = KNNImputer3D().fit(masked, xyz, list("abcde"))
    model.transform(masked, xyz, progress=seen.append)
    assert seen and seen[-1] == 1.0
    with pytest.raises(Cancelled):
        model.transform(masked, xyz, should_stop=lambda: True)


def test_saved_reference_imputes_targets_as_the_fitted_model(tmp_path):
    _, masked, xyz = _random_table()
    fields = list("abcde")
    model = KNNImputer3D(3, 0.7, weights="uniform").fit(masked, xyz, fields)
    path = tmp_path / "ref.json"
    model.save(str(path), crs={"authid": "EPSG:32648", "wkt": ""})
    loaded = KNNImputer3D.load(str(path), fields)
    assert loaded.crs_["authid"] == "EPSG:32648" and loaded.k == 3 and loaded.weights == "uniform"
    assert loaded.header_["metadata"]["n_samples"] == len(masked)
    targets = np.full((4, 5), np.nan)
    targets[:, 0] = [10.0, 11.0, 9.0, 12.0]
    target_xyz = np.array([[100.0, 100, 100], [200, 300, 50], [0, 0, 0], [499, 499, 499]])
    np.testing.assert_array_equal(loaded.transform(targets, target_xyz)[0], model.transform(targets, target_xyz)[0])
    with pytest.raises(ModelFileError, match=r"fields do not match"):
        KNNImputer3D.load(str(path), ["a", "b"])
    with np.load(tmp_path / "ref.npz") as data:
        arrays = {name: data[name] for name in data.files}
    arrays["donors"][0, 0] += 1.0
    np.savez(tmp_path / "ref.npz", **arrays)
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        KNNImputer3D.load(str(path))


@pytest.mark.parametrize("w, weights", [(0.3, "distance"), (1.0, "uniform")])
def test_blank_targets_by_kd_tree_equal_the_full_search(monkeypatch, w, weights):
    """Targets with none of the fields take the k-d tree path; it must choose
    the same donors, ties (a regular grid, a duplicated sample) included."""
    rng = np.random.default_rng(0)
    grid = np.array([[x, y, 0.0] for x in range(12) for y in range(12)], dtype=float)
    xyz = np.vstack([grid, rng.uniform(0, 11, (300, 3))])
    X = rng.normal(size=(len(xyz), 3))
    X[rng.random(X.shape) < 0.2] = np.nan
    xyz[200], X[200] = xyz[150], X[150]
    targets = np.full((400, 3), np.nan)
    targets[:40, 0] = 0.5
    target_xyz = np.vstack([grid[:100] + [0.5, 0.5, 0.0], xyz[150:151], rng.uniform(0, 11, (299, 3))])
    model = KNNImputer3D(4, w, weights=weights).fit(X, xyz, list("abc"))
    fast, _ = model.transform(targets, target_xyz)
    monkeypatch.setattr(KNNImputer3D, "_impute_blank_rows", lambda self, filled, xyz, missing, rows, sets, stop: rows)
    full, _ = model.transform(targets, target_xyz)
    np.testing.assert_allclose(fast, full, rtol=1e-12, atol=1e-12)


def test_targets_without_any_value_take_their_spatial_neighbours():
    X = np.array([[1.0], [2.0], [3.0]])
    xyz = np.array([[0.0, 0, 0], [10.0, 0, 0], [20.0, 0, 0]])
    model = KNNImputer3D(1, 0.5).fit(X, xyz, ["g"])
    filled, _ = model.transform(np.full((2, 1), np.nan), np.array([[11.0, 0, 0], [19.0, 0, 0]]))
    np.testing.assert_array_equal(filled[:, 0], [2.0, 3.0])


@pytest.mark.parametrize(
    "X, xyz, kwargs, message",
    [
        (np.array([[1.0, np.nan], [2.0, np.nan]]), np.zeros((2, 3)), {"k": 1}, r"samples: field 'g' has no values"),
        (np.array([[1.0, 1.0], [2.0, np.nan]]), np.zeros((2, 3)), {"k": 2},
         r"samples: field 'g' has 1 observed value\(s\), fewer than k = 2"),
        (np.ones((2, 2)), np.array([[0.0, 0, 1], [0, 0, np.nan]]), {}, r"samples: row 2 has no z while other rows do"),
        (np.ones((2, 2)), np.array([[0.0, 0, 1], [np.nan, 0, 1]]), {}, r"samples: row 2 has no x or y"),
        (np.ones((2, 2)), np.zeros((2, 3)), {"spatial_weight": 1.5}, r"spatial weight must lie between 0 and 1"),
    ],
)
def test_bad_input_names_table_field_and_row(X, xyz, kwargs, message):
    params = {"k": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        KNNImputer3D(**params).fit(X, xyz, ["f", "g"], table="samples")


def test_two_d_coordinates_become_z_zero_and_dimensions_must_agree():
    xyz, has_z = complete_z(np.array([[1.0, 2.0, np.nan], [3.0, 4.0, np.nan]]))
    assert not has_z and xyz[:, 2].tolist() == [0.0, 0.0]
    model = KNNImputer3D(1).fit(np.array([[1.0], [2.0]]), np.array([[0.0, 0], [1, 1]]), ["g"])
    with pytest.raises(ValueError, match="targets: the layer has z coordinates but the reference samples do not"):
        model.transform(np.array([[np.nan]]), np.array([[0.0, 0, 5]]), table="targets")


def _jura(data_dir):
    with open(data_dir / "jura" / "jura.pred.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    X = np.array([[float(row[m]) for m in JURA_METALS] for row in rows])
    xy = np.array([[float(row["Xloc"]), float(row["Yloc"])] for row in rows])
    return X, xy


def _standardised_rmse(truth, filled, hidden):
    sd = truth.std(axis=0)
    return np.array([
        np.sqrt(np.mean((filled[hidden[:, j], j] - truth[hidden[:, j], j]) ** 2)) / sd[j] for j in range(truth.shape[1])
    ])


@pytest.mark.slow
def test_jura_imputation_beats_the_column_mean(data_dir):
    X, xy = _jura(data_dir)
    ours_all, mean_all = [], []
    for seed in range(5):
        hidden = mask_at_random(X, 0.2, np.random.default_rng(seed))
        masked = np.where(hidden, np.nan, X)
        filled, flags = KNNImputer3D(5, 0.5).fit_transform(masked, xy, JURA_METALS, table="jura")
        np.testing.assert_array_equal(flags, hidden)
        column_mean = np.where(hidden, np.nanmean(masked, axis=0), X)
        ours_all.append(_standardised_rmse(X, filled, hidden))
        mean_all.append(_standardised_rmse(X, column_mean, hidden))
    ours, mean = np.mean(ours_all, axis=0), np.mean(mean_all, axis=0)
    assert ours.mean() < 0.9 * mean.mean()
    # Co, Cr, Ni and Zn are strongly inter-correlated in Jura: each beats the mean.
    for metal in ("Co", "Cr", "Ni", "Zn"):
        j = JURA_METALS.index(metal)
        assert ours[j] < mean[j], metal


def test_masked_rmse_scores_choose_between_settings(data_dir):
    X, xy = _jura(data_dir)
    good = imp.masked_rmse(X, xy, JURA_METALS, 5, 0.5, repeats=2, seed=1)
    assert good.shape == (2, 7) and np.isfinite(good).all()
    # One donor chosen purely spatially is noisier than five mixed ones.
    assert good.mean() < imp.masked_rmse(X, xy, JURA_METALS, 1, 1.0, repeats=2, seed=1).mean()


DEPOSIT_FIELDS = ["La", "Ce", "Nd", "Eu", "Tb", "Y", "Sr", "Ba"]


@functools.lru_cache(maxsize=1)
def _deposit():
    """The small sample deposit, made once per session."""
    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    return generate_deposit("small", seed=0)


def _deposit_assays():
    """(parsed assays of DEPOSIT_FIELDS, xyz of each assay interval)."""
    deposit = _deposit()
    X = np.column_stack([
        parse_numeric(deposit["assays"][f], "assays", f, negative_is_below_detection=True).values
        for f in DEPOSIT_FIELDS
    ])
    truth = deposit["truth"]["samples"]
    return X, np.column_stack([truth["x"], truth["y"], truth["z"]])


@pytest.mark.slow
def test_sample_deposit_assays_imputed_better_than_the_mean():
    X, xyz = _deposit_assays()
    fields = DEPOSIT_FIELDS
    natively_missing = np.isnan(X)
    assert natively_missing.any()
    hidden = mask_at_random(X, 0.2, np.random.default_rng(0))
    masked = np.where(hidden, np.nan, X)
    filled, flags = KNNImputer3D(5, 0.5).fit_transform(masked, xyz, fields, table="assays")
    np.testing.assert_array_equal(flags, hidden | natively_missing)
    assert np.isfinite(filled).all()
    complete = ~natively_missing
    ours = [np.sqrt(np.mean((filled[hidden[:, j] & complete[:, j], j] - X[hidden[:, j] & complete[:, j], j]) ** 2))
            for j in range(len(fields))]
    mean = [np.sqrt(np.mean((np.nanmean(masked[:, j]) - X[hidden[:, j] & complete[:, j], j]) ** 2))
            for j in range(len(fields))]
    assert all(o < m for o, m in zip(ours, mean)), (ours, mean)
