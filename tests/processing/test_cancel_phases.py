"""Cancel at every phase of ordinarykriging, mik, trainbnn, predictbnn and
hyperspectralfeatures leaves no output: a feedback whose isCanceled() turns
true after N progress reports, N swept from before the first report to the
last, so the cancel lands in reading, fitting, estimating and writing alike."""
import os

import numpy as np
import pytest
from test_bnn_algorithms import FEATURES, covariate_raster, sample_table
from test_hyperspectral import mixture_cube, write_geotiff

ORIGIN = (224000.0, 3088000.0)


def cancelling_feedback(after):
    """A QgsProcessingFeedback cancelled on its `after`-th progress report (at
    once for 0, never for None), counting the reports made after the cancel."""
    from qgis.core import QgsProcessingFeedback

    class CancelAfter(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.reports = self.reports_after_cancel = 0
            self.values = []
            if after == 0:
                self.cancel()

        def setProgress(self, progress):  # noqa: N802 (QGIS API name)
            self.reports_after_cancel += self.isCanceled()
            self.reports += 1
            self.values.append(progress)
            super().setProgress(progress)
            if after is not None and self.reports >= after:
                self.cancel()

    return CancelAfter()


def template_raster(path):
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=1, dtype="float32", crs="EPSG:32648",
                       transform=from_origin(ORIGIN[0], ORIGIN[1] + 800, 100, 100)) as dst:
        dst.write(np.zeros((1, 8, 8), np.float32))
    return str(path)


@pytest.fixture
def data(memory_layer, tmp_path, data_dir):
    xy, X, grade, holes = sample_table(n_holes=16, per_hole=6)
    coords = [(ORIGIN[0] + x, ORIGIN[1] + y) for x, y in xy]
    rows = [list(X[i]) + [float(grade[i]), str(holes[i])] for i in range(len(xy))]
    samples = memory_layer(FEATURES + ["TREO_pct", "hole_id:string"], rows, coords, name="samples")
    targets = memory_layer(FEATURES, [list(r) for r in X[:30] * 0.9], coords[:30], name="targets")
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel
    from ree_grade.algorithms.ml.bnn.model import BNNRegressor

    variogram = str(inputs / "variogram.json")
    VariogramModel(0.1, [Structure("spherical", 0.6, (400.0, 400.0, 400.0))]).save(variogram, "TREO_pct")
    model = str(inputs / "bnn.json")
    BNNRegressor(method="ensemble", hidden=(8,), epochs=5, n_members=2, patience=5, seed=1, weight_decay=0.0,
                 feature_names=FEATURES).fit(X, grade, holes).save(model)
    cube, wavelengths, _ = mixture_cube(data_dir, rows=120, cols=40)
    return {"samples": samples, "targets": targets, "variogram": variogram, "model": model,
            "template": template_raster(inputs / "template.tif"),
            "covariates": str(covariate_raster(inputs / "covariates.tif", X, shape=(12, 8))),
            "cube": write_geotiff(inputs / "cube.tif", cube, wavelengths)}


def ordinary_kriging(data, out, raster=False):
    params = {"INPUT": data["samples"], "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id",
              "VARIOGRAM": data["variogram"], "TARGETS": data["targets"], "MAX_SAMPLES": 12,
              "OUTPUT": str(out / "ok.gpkg")}
    if raster:
        params.update(TEMPLATE=data["template"], OUTPUT_RASTER=str(out / "ok.tif"))
    return "ordinarykriging", params


def mik(data, out, raster=False):
    params = {"INPUT": data["samples"], "GRADE_FIELD": "TREO_pct", "TARGETS": data["targets"], "CUTOFFS": "1.5",
              "MAX_SAMPLES": 12, "OUTPUT": str(out / "mik.gpkg")}
    if raster:
        params.update(TEMPLATE=data["template"], OUTPUT_RASTER=str(out / "mik.tif"))
    return "mik", params


def train_ensemble(data, out):
    return "trainbnn", {"INPUT": data["samples"], "FEATURES": FEATURES, "GRADE_FIELD": "TREO_pct",
                        "HOLE_FIELD": "hole_id", "METHOD": 1, "HIDDEN": "8", "EPOCHS": 12, "PATIENCE": 50,
                        "N_MEMBERS": 2, "SEED": 3, "MODEL_OUT": str(out / "bnn.json")}


def train_stacked(data, out):
    return "trainbnn", {"INPUT": data["samples"], "FEATURES": FEATURES, "GRADE_FIELD": "TREO_pct",
                        "HOLE_FIELD": "hole_id", "HIDDEN": "8", "EPOCHS": 8, "N_MEMBERS": 2, "SEED": 3,
                        "MAX_SAMPLES": 8, "MODEL_OUT": str(out / "stacked.json")}


def predict(data, out, raster=False):
    params = {"MODEL": data["model"], "INPUT": data["targets"], "CUTOFFS": "1.5", "OUTPUT": str(out / "bnn.gpkg")}
    if raster:
        params.update(COVARIATE_RASTER=data["covariates"], OUTPUT_RASTER=str(out / "bnn.tif"))
    return "predictbnn", params


def ordinary_kriging_raster(data, out):
    return ordinary_kriging(data, out, raster=True)


def mik_raster(data, out):
    return mik(data, out, raster=True)


def predict_raster(data, out):
    return predict(data, out, raster=True)


def hyperspectral(data, out):
    return "hyperspectralfeatures", {"INPUT": data["cube"], "MEMORY_MB": 1, "OUTPUT": str(out / "features.tif")}


# The share of the progress bar from which an output is written (a raster, or
# the points of layer_io.write_appended); with a raster too, the raster comes after the points.
WRITING = 90.0
# Stages whose points are estimated and written one batch at a time
# (layer_io.write_appended_batches): the writing interleaves with the estimation, so any report may precede it.
STREAMED = {"ordinary_kriging", "mik", "predict", "ordinary_kriging_raster", "mik_raster", "predict_raster"}
STAGES = [ordinary_kriging, mik, train_ensemble, train_stacked, predict, hyperspectral]
STAGE_IDS = [stage.__name__ for stage in STAGES]
WRITERS = STAGES + [ordinary_kriging_raster, mik_raster, predict_raster]
WRITER_IDS = STAGE_IDS + ["ordinary_kriging_raster", "mik_raster", "predict_raster"]


def _run(run_algorithm, stage, data, out, after):
    from qgis.core import QgsProcessingException

    out.mkdir()
    name, params = stage(data, out)
    feedback = cancelling_feedback(after)
    try:
        run_algorithm(name, params, feedback)
    except QgsProcessingException as error:
        return feedback, str(error)
    return feedback, None


def _full_run(run_algorithm, stage, data, tmp_path):
    """The progress values a run reports when nobody cancels it."""
    feedback, failure = _run(run_algorithm, stage, data, tmp_path / "full", None)
    assert failure is None and os.listdir(tmp_path / "full")
    assert feedback.reports >= 3, f"{stage.__name__} reports progress {feedback.reports} time(s)"
    return feedback.values


def _check_cancelled(run_algorithm, stage, data, tmp_path, afters, total):
    """Cancel after each of `afters` reports; each run that stops must say
    so and leave nothing; one that finishes got the cancel with its last report."""
    cancelled = 0
    for after in afters:
        out = tmp_path / f"after_{after}"
        feedback, failure = _run(run_algorithm, stage, data, out, after)
        if failure is None:
            assert feedback.reports_after_cancel == 0 and after >= total - 1, (after, feedback.reports_after_cancel)
            continue
        cancelled += 1
        assert "Cancelled" in failure, failure
        left = sorted(os.listdir(out))
        assert left == [], f"{stage.__name__} cancelled after {after} of {total} reports left {left}"
    return cancelled


@pytest.mark.parametrize("stage", STAGES, ids=STAGE_IDS)
def test_a_cancel_before_the_output_is_written_leaves_none(run_algorithm, data, tmp_path, stage):
    values = _full_run(run_algorithm, stage, data, tmp_path)
    total = len(values)
    # A cancel on the report just before the writing begins is seen by the writer.
    last_before = next((k for k, value in enumerate(values, start=1) if value >= WRITING), total + 1) - 2
    if stage.__name__ in STREAMED:
        last_before = total - 1
    afters = [after for after in sorted({0, 1, 2, total // 4, total // 2, 3 * total // 4}) if after < last_before]
    assert _check_cancelled(run_algorithm, stage, data, tmp_path, afters, total) == len(afters) >= 1


@pytest.mark.parametrize("stage", WRITERS, ids=WRITER_IDS)
def test_a_cancel_while_the_output_is_written_leaves_none(run_algorithm, data, tmp_path, stage):
    values = _full_run(run_algorithm, stage, data, tmp_path)
    total = len(values)
    writing = {k for k, value in enumerate(values, start=1) if value >= WRITING or stage.__name__ in STREAMED}
    afters = sorted(writing | {min(writing | {total}) - 1, total - 1})
    assert _check_cancelled(run_algorithm, stage, data, tmp_path, afters, total) >= 1
