"""PCA fusion: equality with scikit-learn, sign convention, the random Fourier
embedding, the saved transform, bad input, and the algorithm in FIT and APPLY
mode, also on the sample deposit's geology features."""
import json

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from ree_grade.algorithms.io.modelfile import ModelFileError
from ree_grade.algorithms.ml import fusion as fusion

FIELDS = ["La_ppm", "Ce_ppm", "hs_depth", "log_carb", "geo_dist_contact"]


def _data(n=150, seed=0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = latent @ rng.normal(size=(3, len(FIELDS))) + 0.3 * rng.normal(size=(n, len(FIELDS)))
    X = X * [800, 1500, 0.05, 1, 300] + [2000, 4000, 0.2, 0, 500]
    xyz = np.column_stack([rng.uniform(0, 1000, n) + 224000, rng.uniform(0, 800, n) + 3088000,
                           rng.uniform(2000, 2300, n)])
    return X, xyz


def test_equals_scikit_learn_pca():
    X, _ = _data()
    model = fusion.PCAFusion(n_components=4).fit(X, FIELDS)
    Z = StandardScaler().fit_transform(X)
    reference = PCA(n_components=4, svd_solver="full").fit(Z)
    np.testing.assert_allclose(model.explained_variance_ratio_, reference.explained_variance_ratio_, atol=1e-10)
    np.testing.assert_allclose(model.explained_variance_, reference.explained_variance_, rtol=1e-10)
    signs = np.sign(np.sum(model.components_ * reference.components_, axis=1))
    assert np.all(np.abs(signs) == 1)
    np.testing.assert_allclose(model.components_, reference.components_ * signs[:, None], atol=1e-10)
    np.testing.assert_allclose(model.transform(X), reference.transform(Z) * signs, atol=1e-9)
    assert model.component_names_ == ["pc_01", "pc_02", "pc_03", "pc_04"]


def test_largest_loading_is_positive():
    X, _ = _data()
    for flip in (1.0, -1.0):
        model = fusion.PCAFusion(n_components=5).fit(X * flip, FIELDS)
        largest = model.components_[np.arange(5), np.argmax(np.abs(model.components_), axis=1)]
        assert np.all(largest > 0)


def test_variance_threshold_keeps_the_fewest_components():
    X, _ = _data()
    full = fusion.PCAFusion().fit(X, FIELDS)
    cumulative = np.cumsum(full.explained_variance_ratio_)
    for threshold in (0.5, 0.9, 0.99):
        model = fusion.PCAFusion(variance_threshold=threshold).fit(X, FIELDS)
        k = len(model.components_)
        assert cumulative[k - 1] >= threshold and (k == 1 or cumulative[k - 2] < threshold)
    assert len(fusion.PCAFusion(n_components=2, variance_threshold=0.99).fit(X, FIELDS).components_) == 2


def test_random_fourier_features_approximate_the_gaussian_kernel():
    rng = np.random.default_rng(5)
    length = 50.0
    W, b = fusion.draw_rff(20000, 3, length, seed=11)
    x = rng.uniform(-60, 60, (40, 3))
    z = fusion.random_fourier_features(x, W, b)
    approx = z @ z.T
    exact = np.exp(-np.sum((x[:, None] - x[None]) ** 2, axis=-1) / (2 * length**2))
    assert np.abs(approx - exact).max() < 0.04
    assert np.abs(approx - exact).mean() < 0.01


def test_embedding_is_seeded_and_two_dimensional_without_z():
    X, xyz = _data()
    a = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=3).fit_transform(X, FIELDS, xyz)
    b = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=3).fit_transform(X, FIELDS, xyz)
    c = fusion.PCAFusion(n_components=3, rff_features=16, length_scale=200.0, seed=4).fit_transform(X, FIELDS, xyz)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    flat = xyz.copy()
    flat[:, 2] = np.nan
    model = fusion.PCAFusion(n_components=3, rff_features=8, length_scale=200.0).fit(X, FIELDS, flat)
    assert model.W_.shape == (8, 2) and model.dims_ == 2
    np.testing.assert_allclose(model.centre_, xyz[:, :2].mean(axis=0))
    embedding_only = fusion.PCAFusion(n_components=2, rff_features=8, length_scale=200.0).fit_transform(None, [], xyz)
    assert embedding_only.shape == (len(xyz), 2)


def test_save_load_and_apply_to_other_rows(tmp_path):
    X, xyz = _data(200)
    model = fusion.PCAFusion(n_components=4, rff_features=12, length_scale=300.0, seed=2).fit(
        X[:150], FIELDS, xyz[:150])
    path = str(tmp_path / "pca.json")
    model.save(path, {"fitted_on": "samples"})
    loaded = fusion.PCAFusion.load(path)
    np.testing.assert_array_equal(loaded.transform(X[150:], xyz[150:]), model.transform(X[150:], xyz[150:]))
    # Row by row equals all at once: nothing depends on the batch.
    np.testing.assert_allclose(loaded.transform(X[150:151], xyz[150:151]), model.transform(X[150:], xyz[150:])[:1])
    header = json.loads((tmp_path / "pca.json").read_text())
    assert header["kind"] == "pcafusion" and header["fields"] == FIELDS
    assert header["params"]["components"] == ["pc_01", "pc_02", "pc_03", "pc_04"]
    with pytest.raises(ValueError, match="fitted on X, Y, Z but this layer's points have no Z"):
        loaded.transform(X[150:], xyz[150:, :2])


def test_edited_transform_is_refused(tmp_path):
    X, _ = _data()
    path = tmp_path / "pca.json"
    fusion.PCAFusion(n_components=2).fit(X, FIELDS).save(str(path))
    with np.load(tmp_path / "pca.npz") as data:
        arrays = {name: data[name] for name in data.files}
    arrays["means"][0] += 1.0
    np.savez(tmp_path / "pca.npz", **arrays)
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        fusion.PCAFusion.load(str(path))
    with pytest.raises(ModelFileError, match="fields do not match"):
        fusion.PCAFusion.load(str(path), FIELDS[::-1])
    header = json.loads(path.read_text())
    header["kind"] = "boxcox"
    path.write_text(json.dumps(header))
    with pytest.raises(ModelFileError, match="kind is 'boxcox', expected 'pcafusion'"):
        fusion.PCAFusion.load(str(path))


def test_bad_input_is_named():
    X, xyz = _data(30)
    with pytest.raises(ValueError, match=r"fewer samples \(30\) than components \(40\)"):
        fusion.PCAFusion(n_components=40, rff_features=50, length_scale=100.0).fit(X, FIELDS, xyz)
    with pytest.raises(ValueError, match="only 5 input columns"):
        fusion.PCAFusion(n_components=6).fit(X, FIELDS)
    with pytest.raises(ValueError, match="between 1 and 100"):
        fusion.PCAFusion(n_components=101)
    holes = X.copy()
    holes[:, 1] = np.nan
    with pytest.raises(ValueError, match="samples: field 'Ce_ppm' has no values"):
        fusion.PCAFusion(n_components=2).fit(holes, FIELDS, table="samples")
    holes = X.copy()
    holes[6, 3] = np.nan
    with pytest.raises(ValueError, match="field 'log_carb', row 7 is missing"):
        fusion.PCAFusion(n_components=2).fit(holes, FIELDS)
    filled = fusion.PCAFusion(n_components=2, fill_missing="mean").fit(holes, FIELDS)
    np.testing.assert_allclose(filled.fill_values_[3], np.nanmean(holes[:, 3]))
    constant = X.copy()
    constant[:, 2] = 0.2
    with pytest.raises(ValueError, match="field 'hs_depth' is constant"):
        fusion.PCAFusion(n_components=2).fit(constant, FIELDS)
    dropped = fusion.PCAFusion(n_components=2, drop_constant=True).fit(constant, FIELDS)
    assert dropped.dropped_fields_ == ["hs_depth"] and "hs_depth" not in dropped.fields_
    no_z = xyz.copy()
    no_z[3, 2] = np.nan
    with pytest.raises(ValueError, match="row 4 has no Z coordinate"):
        fusion.PCAFusion(n_components=2, rff_features=4, length_scale=10.0).fit(X, FIELDS, no_z)
