"""Multiple indicator kriging: thresholds, shared neighbourhood, hand-worked ccdf,
order relations, and the algorithm."""
import numpy as np
import pytest

from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.mik import MultipleIndicatorKriging
from ree_grade.algorithms.geostats.neighbourhood import SearchEllipse
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel


def _field(n, seed=0):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1000, (n, 2))
    grade = np.exp(np.sin(xy[:, 0] / 150) + 0.5 * np.cos(xy[:, 1] / 300) + 0.3 * rng.normal(size=n))
    return np.column_stack([xy, np.zeros(n)]), grade


SPHERICAL = VariogramModel(0.02, [Structure("spherical", 0.2, (400.0, 400.0, 400.0))])


def test_three_equidistant_samples_by_hand():
    # A target at the centre of an equilateral triangle of samples gets weights
    # 1/3 each, so each indicator estimate is the share of samples below z_k.
    angles = np.radians([90.0, 210.0, 330.0])
    xyz = np.column_stack([100 * np.cos(angles), 100 * np.sin(angles), np.zeros(3)])
    grades = np.array([1.0, 2.0, 4.0])
    mik = MultipleIndicatorKriging(thresholds=[1.5, 3.0], variograms=[SPHERICAL], min_samples=1, max_samples=3,
                                   zmin=0.0, zmax=6.0, upper="linear")
    # Copies of the triangle far away reach the 10 samples indicator kriging
    # asks for without entering the target's 3-sample neighbourhood.
    far = np.vstack([xyz + [5000.0 * (k + 1), 0, 0] for k in range(4)])
    mik.fit(np.vstack([xyz, far]), np.concatenate([grades, np.tile(grades, 4)]))
    diagnostics = mik.predict(np.zeros((1, 3)))
    ccdf = diagnostics["ccdf"]
    np.testing.assert_allclose(ccdf.threshold_cdf[0], [1 / 3, 2 / 3], atol=1e-12)
    # classes [0,1.5] [1.5,3] [3,6] with 1/3 each, linear: midpoints 0.75, 2.25, 4.5
    assert ccdf.mean[0] == pytest.approx((0.75 + 2.25 + 4.5) / 3)
    assert diagnostics["n_used"][0] == 3


def test_median_ik_equals_ok_of_each_indicator():
    xyz, grade = _field(300)
    mik = MultipleIndicatorKriging(variograms=[SPHERICAL], max_samples=16, min_samples=4, upper="linear")
    mik.fit(xyz[:250], grade[:250])
    diagnostics = mik.predict(xyz[250:])
    ccdf = diagnostics["ccdf"]
    assert diagnostics["estimated"].all()
    raw = []
    for threshold in mik.thresholds_:
        ok = OrdinaryKriging(SPHERICAL, None, 4, 16).fit(xyz[:250], (grade[:250] <= threshold).astype(float))
        raw.append(ok.predict(xyz[250:])["estimate"])
    raw = np.column_stack(raw)
    from ree_grade.algorithms.geostats.ccdf import correct_order_relations

    np.testing.assert_allclose(ccdf.threshold_cdf, correct_order_relations(raw)[0], atol=1e-10)


def test_predictive_is_the_ccdf_and_needs_every_target_estimated():
    from ree_grade.algorithms.common.predictive import Estimator

    xyz, grade = _field(200)
    mik = MultipleIndicatorKriging(variograms=[SPHERICAL], max_samples=8, min_samples=4)
    assert isinstance(mik, Estimator) and not hasattr(mik, "tails_")
    mik.fit(xyz[:150], grade[:150])
    ccdf = mik.predictive(xyz[150:])
    np.testing.assert_array_equal(ccdf.mean, mik.predict(xyz[150:])["ccdf"].mean)
    np.testing.assert_allclose(ccdf.sd, np.sqrt(ccdf.variance))
    far = np.array([[1e6, 1e6, 0.0]])
    searched = MultipleIndicatorKriging(variograms=[SPHERICAL], search=SearchEllipse(50.0), min_samples=4)
    searched.fit(xyz, grade)
    assert searched.predict(far)["n_unestimated"] == 1
    with pytest.raises(ValueError, match="1 of 1 targets have too few samples"):
        searched.predictive(far)


def test_thresholds_are_declustered_deciles_plus_tail_cutoffs():
    xyz, grade = _field(400)
    mik = MultipleIndicatorKriging(tail_cutoffs=[3.0], variograms=[SPHERICAL]).fit(xyz, grade)
    assert len(mik.thresholds_) == 10 and 3.0 in mik.thresholds_
    np.testing.assert_allclose(mik.global_cdf_[[0, 4]], [0.1, 0.5], atol=0.02)
    with pytest.raises(ValueError, match="threshold 500 is outside the data range"):
        MultipleIndicatorKriging(thresholds=[1.0, 500.0], variograms=[SPHERICAL]).fit(xyz, grade)


def test_full_mik_is_a_valid_and_useful_ccdf():
    xyz, grade = _field(500, seed=2)
    mik = MultipleIndicatorKriging(median_ik=False, tail_cutoffs=[2.0], max_samples=24).fit(xyz[:400], grade[:400])
    assert len(mik.krigers_) == len(mik.thresholds_)
    diagnostics = mik.predict(xyz[400:])
    ccdf = diagnostics["ccdf"]
    assert np.all(np.diff(ccdf.threshold_cdf, axis=1) >= 0)
    assert diagnostics["n_targets_corrected"] > 0 and 0 < diagnostics["largest_correction"] < 0.5
    rmse = np.sqrt(np.mean((ccdf.mean - grade[400:]) ** 2))
    assert rmse < 0.8 * grade[400:].std()
    inside = np.mean((grade[400:] >= ccdf.quantile(0.1)) & (grade[400:] <= ccdf.quantile(0.9)))
    assert 0.65 < inside < 0.95
    p = ccdf.exceedance(2.0)
    assert np.all((p >= 0) & (p <= 1))


def test_block_support_uses_the_given_discretisation():
    xyz, grade = _field(200)
    coarse = MultipleIndicatorKriging(variograms=[SPHERICAL], block_discretisation=(1, 1, 1)).fit(xyz, grade)
    fine = MultipleIndicatorKriging(variograms=[SPHERICAL], block_discretisation=(4, 4, 1)).fit(xyz, grade)
    assert fine.krigers_[0].block_discretisation == (4, 4, 1)
    targets = xyz[:20] + [7.0, 3.0, 0.0]
    a = coarse.predict(targets, block_size=(50.0, 50.0, 0.0))["ccdf"]
    b = fine.predict(targets, block_size=(50.0, 50.0, 0.0))["ccdf"]
    assert not np.allclose(a.threshold_cdf, b.threshold_cdf)


def _assert_same_models(models, references):
    assert len(models) == len(references)
    for model, alone in zip(models, references):
        assert model.nugget == pytest.approx(alone.nugget, rel=1e-12, abs=1e-15)
        assert len(model.structures) == len(alone.structures)
        for ours, theirs in zip(model.structures, alone.structures):
            assert ours.kind == theirs.kind
            assert ours.sill == pytest.approx(theirs.sill, rel=1e-12)
            np.testing.assert_allclose(ours.ranges, theirs.ranges, rtol=1e-12)
    # The thresholds' variograms differ, so the comparison is not of one model nine times.
    assert len({round(m.total_sill, 6) for m in models}) > 3


@pytest.mark.parametrize("flat", [True, False])
def test_full_mik_variograms_from_one_pass_equal_the_per_threshold_fits(flat):
    from ree_grade.algorithms.geostats.variogram_auto import auto_variogram

    xyz, grade = _field(600, seed=4)
    if not flat:
        xyz[:, 2] = np.random.default_rng(5).uniform(0, 300, len(grade))
    mik = MultipleIndicatorKriging(median_ik=False, max_samples=16, seed=3).fit(xyz, grade)
    indicators = (grade[:, None] <= mik.thresholds_[None, :]).astype(float)
    assert len(mik.thresholds_) == 9
    # 3D: every threshold along the orientation found for the median indicator.
    median = int(np.argmin(np.abs(mik.global_cdf_ - 0.5)))
    angles = None if flat else auto_variogram(xyz, indicators[:, median], seed=3)[0].structures[0].angles
    assert len({m.structures[0].angles for m in mik.models_}) == 1
    _assert_same_models(mik.models_, [auto_variogram(xyz, indicators[:, k], seed=3, angles=angles)[0]
                                      for k in range(9)])


def test_full_mik_takes_each_thresholds_nugget_from_its_downhole_variogram():
    from ree_grade.algorithms.geostats.variogram_auto import auto_variogram

    xyz, grade = _field(600, seed=4)
    holes = np.repeat(np.arange(150), 4)  # vertical holes, samples 2 m apart at the first sample's collar
    xyz = np.column_stack([xyz[holes * 4, 0], xyz[holes * 4, 1], 100.0 - 2.0 * np.tile(np.arange(4), 150)])
    xyz[::47, 2] = np.nan  # unsurveyed samples: out of every variogram, the downhole one included
    mik = MultipleIndicatorKriging(median_ik=False, max_samples=16, seed=3).fit(xyz, grade, holes)
    indicators = (grade[:, None] <= mik.thresholds_[None, :]).astype(float)
    median = int(np.argmin(np.abs(mik.global_cdf_ - 0.5)))
    angles = auto_variogram(xyz, indicators[:, median], seed=3, groups=holes)[0].structures[0].angles
    _assert_same_models(mik.models_, [auto_variogram(xyz, indicators[:, k], seed=3, groups=holes, angles=angles)[0]
                                      for k in range(9)])
    without_holes = MultipleIndicatorKriging(median_ik=False, max_samples=16, seed=3).fit(xyz, grade).models_
    assert any(abs(a.nugget - b.nugget) > 1e-6 for a, b in zip(mik.models_, without_holes))


def test_indicator_variograms_drop_an_all_missing_z_like_the_automatic_variogram():
    from ree_grade.algorithms.geostats.mik import indicator_variograms
    from ree_grade.algorithms.geostats.variogram_auto import auto_variogram

    xyz, grade = _field(500, seed=6)
    xyz[:, 2] = np.nan
    thresholds = np.quantile(grade, np.arange(0.1, 1.0, 0.1))
    indicators = (grade[:, None] <= thresholds[None, :]).astype(float)
    models = indicator_variograms(xyz, indicators, thresholds, 2, "samples", 4)
    _assert_same_models(models, [auto_variogram(xyz, indicators[:, k], seed=2)[0] for k in range(9)])


def test_full_mik_kriges_every_threshold_with_one_search_as_each_kriger_alone():
    xyz, grade = _field(400, seed=8)
    holes = np.repeat(np.arange(100), 4)
    # Each threshold its own variogram, so the kriging systems differ.
    models = [VariogramModel(0.01 * (k + 1), [Structure("spherical", 0.2, (300.0 + 40 * k,) * 3)]) for k in range(9)]
    mik = MultipleIndicatorKriging(median_ik=False, variograms=models, max_samples=12, max_per_hole=2,
                                   min_samples=3).fit(xyz[:300], grade[:300], holes[:300])
    targets = np.vstack([xyz[300:] + [3.0, 2.0, 0.0], [[np.nan, 0.0, 0.0]]])
    together = mik.predict(targets, block_size=(20.0, 20.0, 0.0))
    alone = np.column_stack([k.predict(targets, block_size=(20.0, 20.0, 0.0))["estimate"] for k in mik.krigers_])
    estimated = np.all(np.isfinite(alone), axis=1)
    assert not estimated[-1] and estimated[:-1].all()
    np.testing.assert_array_equal(together["estimated"], estimated)
    from ree_grade.algorithms.geostats.ccdf import correct_order_relations

    np.testing.assert_array_equal(together["ccdf"].threshold_cdf, correct_order_relations(alone[estimated])[0])
    assert len({m.describe() for m in mik.models_}) == 9
