"""reegrade:ordinarykriging and reegrade:predictbnn with the "Dask scheduler"
setting (settings page or REEGRADE_DASK_SCHEDULER) through processing.run:
the same output as in QGIS's process, the log saying where the chunks ran."""
import re

import numpy as np
import pytest
from estimation_inputs import features, kriging_params, stacked_targets, trained_stacked, with_variogram
from recording import recording_feedback

pytest.importorskip("distributed")
pytestmark = pytest.mark.timeout(300)

VARIABLE = "REEGRADE_DASK_SCHEDULER"


@pytest.fixture
def scheduler_setting():
    from ree_grade.processing_provider import settings

    yield settings.save_dask_scheduler
    settings.save_dask_scheduler("")


def sampled_fields(path, fields=("b1", "b2", "b3")):
    """The fields as floats, NULL as NaN."""
    from qgis.core import QgsVectorLayer

    return np.array([[np.nan if f[name] is None or getattr(f[name], "isNull", lambda: False)() else f[name]
                      for name in fields] for f in QgsVectorLayer(str(path), "out", "ogr").getFeatures()], dtype=float)


def test_kriging_on_a_local_cluster_from_the_environment_equals_in_process(run_algorithm, memory_layer, tmp_path,
                                                                          monkeypatch, scheduler_setting):
    params = with_variogram(run_algorithm, kriging_params(memory_layer), tmp_path)
    fields = ["id", "ok_estimate", "ok_variance", "ok_slope", "ok_n"]
    monkeypatch.delenv(VARIABLE, raising=False)
    quiet = recording_feedback()
    run_algorithm("ordinarykriging", dict(params, OUTPUT=str(tmp_path / "here.gpkg")), quiet)
    assert not any("Dask" in m for m in quiet.infos)
    # The environment wins over the settings page, which names a scheduler nobody runs.
    scheduler_setting("tcp://127.0.0.1:9")
    monkeypatch.setenv(VARIABLE, "local:2")
    feedback = recording_feedback()
    run_algorithm("ordinarykriging", dict(params, OUTPUT=str(tmp_path / "there.gpkg")), feedback)
    assert any("set in the environment variable REEGRADE_DASK_SCHEDULER" in m for m in feedback.infos)
    assert any("run on 2 worker process(es) of a local Dask cluster" in m for m in feedback.infos)
    np.testing.assert_array_equal(features(tmp_path / "there.gpkg", fields), features(tmp_path / "here.gpkg", fields))
    # Set but empty, the variable keeps the run in QGIS's process whatever the page says.
    monkeypatch.setenv(VARIABLE, "")
    quiet = recording_feedback()
    run_algorithm("ordinarykriging", dict(params, OUTPUT=str(tmp_path / "empty.gpkg")), quiet)
    assert not any("Dask" in m for m in quiet.infos)


def test_a_bad_setting_names_where_it_was_set_and_writes_nothing(run_algorithm, memory_layer, tmp_path,
                                                                 monkeypatch):
    from qgis.core import QgsProcessingException

    params = with_variogram(run_algorithm, kriging_params(memory_layer), tmp_path)
    monkeypatch.setenv(VARIABLE, "cluster:2")
    with pytest.raises(QgsProcessingException, match=r"Dask scheduler 'cluster:2': expected empty .* \(set in the "
                                                     "environment variable REEGRADE_DASK_SCHEDULER\\)"):
        run_algorithm("ordinarykriging", dict(params, OUTPUT=str(tmp_path / "bad.gpkg")))
    assert not (tmp_path / "bad.gpkg").exists()


def test_stacked_prediction_on_a_local_cluster_from_the_settings_page_equals_in_process(
        run_algorithm, memory_layer, tmp_path, monkeypatch, scheduler_setting):
    monkeypatch.delenv(VARIABLE, raising=False)
    model = trained_stacked(run_algorithm, memory_layer, tmp_path)
    targets = stacked_targets(memory_layer)
    fields = ["bnn_mean", "bnn_sd", "bnn_p10", "bnn_p50", "bnn_p90", "bnn_p_gt_1_5"]
    params = {"MODEL": model, "INPUT": targets, "CUTOFFS": "1.5"}
    run_algorithm("predictbnn", dict(params, OUTPUT=str(tmp_path / "here.gpkg")))
    scheduler_setting("local:2")
    feedback = recording_feedback()
    run_algorithm("predictbnn", dict(params, OUTPUT=str(tmp_path / "there.gpkg")), feedback)
    assert any("set in the plugin's settings page" in m for m in feedback.infos)
    assert any("run on 2 worker process(es) of a local Dask cluster" in m for m in feedback.infos)
    np.testing.assert_array_equal(features(tmp_path / "there.gpkg", fields), features(tmp_path / "here.gpkg", fields))


def test_hyperspectral_features_on_a_local_cluster_equal_in_process(run_algorithm, tmp_path, data_dir, monkeypatch):
    from test_hyperspectral import mixture_cube, read_features, write_geotiff

    cube, wavelengths, _ = mixture_cube(data_dir, rows=200)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths, tiled=True, blockxsize=16, blockysize=16)
    params = {"INPUT": path, "MEMORY_MB": 1}
    monkeypatch.delenv(VARIABLE, raising=False)
    here = run_algorithm("hyperspectralfeatures", dict(params, OUTPUT=str(tmp_path / "here.tif")))
    monkeypatch.setenv(VARIABLE, "local:2")
    feedback = recording_feedback()
    there = run_algorithm("hyperspectralfeatures", dict(params, OUTPUT=str(tmp_path / "there.tif")), feedback)
    assert any("run on 2 worker process(es) of a local Dask cluster" in m for m in feedback.infos)
    windows = [int(re.search(r"in (\d+) window", m).group(1)) for m in feedback.infos if " window(s)" in m]
    assert windows and windows[0] > 1
    a, names = read_features(there["OUTPUT"])
    b, same_names = read_features(here["OUTPUT"])
    assert names == same_names and np.array_equal(a, b, equal_nan=True)


def test_raster_sampling_on_a_local_cluster_equals_in_process(run_algorithm, memory_layer, tmp_path, monkeypatch):
    """Bilinear sampling of a tiled raster at 2,000 points, 300 points a Dask
    task (so 7 tasks, each opening the raster by path), some points outside
    and on no-data: the same fields to the bit, and the same counts."""
    import rasterio
    from rasterio.transform import from_origin

    from ree_grade.algorithms.spectral import cube as cube_io

    rng = np.random.default_rng(2)
    bands = rng.normal(size=(3, 70, 90)).astype(np.float32)
    bands[:, 10:14, 20:30] = -9999.0
    path = str(tmp_path / "features.tif")
    with rasterio.open(path, "w", driver="GTiff", width=90, height=70, count=3, dtype="float32", crs="EPSG:32648",
                       transform=from_origin(224000.0, 3089000.0, 10.0, 10.0), nodata=-9999.0, tiled=True,
                       blockxsize=16, blockysize=16) as dst:
        dst.write(bands)
    points = np.column_stack([rng.uniform(223950.0, 224950.0, 2000), rng.uniform(3088250.0, 3089050.0, 2000)])
    layer = memory_layer(["hole_id:string"], [(f"P{i}",) for i in range(len(points))],
                         [tuple(p) for p in points], name="targets")
    params = {"INPUT": layer, "RASTER": path, "METHOD": 1}
    monkeypatch.delenv(VARIABLE, raising=False)
    run_algorithm("samplefeatures", dict(params, OUTPUT=str(tmp_path / "here.gpkg")))
    monkeypatch.setenv(VARIABLE, "local:2")
    monkeypatch.setattr(cube_io, "SAMPLE_TASK_POINTS", 300)
    feedback = recording_feedback()
    run_algorithm("samplefeatures", dict(params, OUTPUT=str(tmp_path / "there.gpkg")), feedback)
    assert any("run on 2 worker process(es) of a local Dask cluster" in m for m in feedback.infos)
    here, there = (sampled_fields(tmp_path / name) for name in ("here.gpkg", "there.gpkg"))
    assert np.isnan(here).any() and np.isfinite(here).sum() > 4000
    np.testing.assert_array_equal(there, here)
