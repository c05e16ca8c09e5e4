"""The catalogue of bad input, shared part: how a case is run and judged, and the
cases every algorithm meets the same way (output files that cannot be written,
formats that cut field names, unexpected errors). The stages' cases live in
test_bad_inputs_<stage>.py and are run by the same `judge`.

A case is refused: the run ends in a QgsProcessingException whose message holds
every expected piece (the layer, field and row where there is one), no Python
traceback, and no file is left in the output folder. Or it is warned: the run
succeeds, one warning holds every expected piece, and `check` confirms the
result is right."""
import importlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pytest
from helpers import REPO
from qgis.core import QgsProcessingException, QgsProcessingFeedback

TRACEBACK_MARKS = ("Traceback", 'File "')
CRS = "EPSG:32648"


class Messages(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.warnings, self.infos, self.errors = [], [], []

    def pushWarning(self, text):  # noqa: N802 (QGIS API name)
        self.warnings.append(text)

    def pushInfo(self, text):  # noqa: N802 (QGIS API name)
        self.infos.append(text)

    def reportError(self, text, fatal=False):  # noqa: N802 (QGIS API name)
        self.errors.append(text)


@dataclass
class Case:
    """`algorithm` run on `parameters(env)`; `expect` the pieces of the message or warning."""

    name: str
    algorithm: str
    parameters: Callable
    expect: tuple
    warned: bool = False
    check: Optional[Callable] = None


def refused(name, algorithm, parameters, *expect):
    return Case(name, algorithm, parameters, expect)


def warned(name, algorithm, parameters, expect, check):
    return Case(name, algorithm, parameters, tuple(expect), warned=True, check=check)


class Env:
    """What a case builds from: memory layers, a scratch folder for inputs and an output folder that must stay
    empty after a refusal."""

    def __init__(self, memory_layer, tmp_path):
        self.layer = memory_layer
        self.tmp = tmp_path
        self.out = tmp_path / "out"
        self.out.mkdir()

    def empty(self, fields=("grade", "hole_id"), name="samples"):
        """A point layer without features."""
        return self.layer({f: "string" if f == "hole_id" else "double" for f in fields}, [], [], name=name,
                          geometry="PointZ")

    def one_hole(self, n=36):
        return self.layer({"grade": "double", "hole_id": "string"}, [[1.0 + k / 10, "H1"] for k in range(n)],
                          [(500000.0 + k, 3000000.0, 10.0) for k in range(n)], name="samples")

    def output(self, name):
        return str(self.out / name)

    def samples(self, grades=None, crs=CRS, name="samples", xy=None, z=True, extra=None):
        """A 3D point layer on a 6 x 6 grid, 20 m apart, with `grade` (varied unless given) and `hole_id`."""
        rng = np.random.default_rng(3)
        xy = xy if xy is not None else [(500000.0 + 20 * i, 3000000.0 + 20 * j) for i in range(6) for j in range(6)]
        n = len(xy)
        grades = list(grades) if grades is not None else list(np.round(rng.lognormal(0.0, 0.5, n), 3))
        coords = [(x, y, 100.0 - 2 * k) if z else (x, y) for k, (x, y) in enumerate(xy)]
        fields = {"grade": "double", "hole_id": "string"}
        rows = [[g, f"H{k % 9}"] for k, g in enumerate(grades)]
        for field, (kind, values) in (extra or {}).items():
            fields[field] = kind
            rows = [row + [v] for row, v in zip(rows, values)]
        return self.layer(fields, rows, coords, crs=crs, name=name, keep_nan=True)

    def targets(self, crs=CRS, name="targets", z=True, xy=None):
        xy = xy or [(500010.0 + 30 * i, 3000010.0 + 30 * j) for i in range(3) for j in range(3)]
        coords = [(x, y, 95.0) if z else (x, y) for x, y in xy]
        return self.layer({"block": "integer"}, [[k] for k in range(len(xy))], coords, crs=crs, name=name)

    def variogram(self, field="grade", nugget=0.05, sill=0.25, rng=150.0):
        from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel

        path = self.tmp / f"variogram_{field}.json"
        VariogramModel(nugget, [Structure("spherical", sill, rng)]).save(str(path), field)
        return str(path)

    def text_file(self, name, text):
        path = self.tmp / name
        path.write_text(text)
        return str(path)

    def huge_raster(self, cells=200_000):
        """A template of cells x cells 1 m cells that takes no room: a VRT without sources."""
        return self.text_file("huge.vrt", (
            f'<VRTDataset rasterXSize="{cells}" rasterYSize="{cells}"><SRS>EPSG:32648</SRS>'
            '<GeoTransform>499000, 1, 0, 3001000, 0, -1</GeoTransform>'
            '<VRTRasterBand dataType="Float32" band="1"/></VRTDataset>'))

    def raster(self, name="template.tif", crs=CRS, bands=1, descriptions=None, origin=(499990.0, 3000110.0),
               size=(6, 6), cell=20.0):
        """A small GeoTIFF (crs None: without CRS)."""
        import rasterio
        from rasterio.transform import from_origin

        path = self.tmp / name
        data = np.arange(bands * size[0] * size[1], dtype="float32").reshape(bands, size[1], size[0])
        with rasterio.open(
            path, "w", driver="GTiff", width=size[0], height=size[1], count=bands, dtype="float32",
            crs=crs or None, transform=from_origin(origin[0], origin[1], cell, cell),
        ) as dst:
            dst.write(data)
            for index, text in enumerate(descriptions or [], start=1):
                dst.set_band_description(index, text)
        return str(path)


@pytest.fixture
def env(memory_layer, tmp_path):
    return Env(memory_layer, tmp_path)


def leftovers(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def judge(case, env, run_algorithm):
    algorithm, parameters = case.algorithm, case.parameters(env)
    feedback = Messages()
    if case.warned:
        result = run_algorithm(algorithm, parameters, feedback)
        assert any(all(piece in text for piece in case.expect) for text in feedback.warnings), (
            f"no warning holds {case.expect}; warnings: {feedback.warnings}")
        case.check(result, env)
        return
    with pytest.raises(QgsProcessingException) as raised:
        run_algorithm(algorithm, parameters, feedback)
    message = str(raised.value)
    missing = [piece for piece in case.expect if piece not in message]
    assert not missing, f"message lacks {missing}: {message}"
    assert not any(mark in message for mark in TRACEBACK_MARKS), message
    assert leftovers(env.out) == [], f"left behind after '{message}'"


# --- cases every algorithm meets the same way ---------------------------------------------------------------------
def _ok_params(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "VARIOGRAM": env.variogram(),
                 "TARGETS": env.targets(), "OUTPUT": env.output("ok.gpkg")}, **extra)


def _variogram_params(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "LAG": 20.0, "N_LAGS": 5,
                 "MODEL_OUT": env.output("v.json")}, **extra)


def _trainbnn_params(env, **extra):
    return dict({"INPUT": env.samples(), "GRADE_FIELD": "grade", "HOLE_FIELD": "hole_id", "METHOD": 2,
                 "EPOCHS": 2, "N_MEMBERS": 1, "MODEL_OUT": env.output("m.json")}, **extra)


CASES = [
    refused("output_folder_cannot_be_made", "ordinarykriging", lambda env: _ok_params(
        env, OUTPUT="/proc/no_such_folder/ok.gpkg"), "Kriged points (OUTPUT)", "'/proc'", "nothing can be written"),
    refused("output_folder_under_a_file", "ordinarykriging", lambda env: _ok_params(
        env, OUTPUT=env.text_file("plain.txt", "x") + "/ok.gpkg"), "(OUTPUT)", "plain.txt", "is a file"),
    refused("output_folder_not_writable", "variogram", lambda env: _variogram_params(
        env, MODEL_OUT="/proc/reegrade_variogram.json"), "(MODEL_OUT)", "'/proc'", "nothing can be written"),
    refused("output_folder_for_the_synthetic_deposit_not_writable", "syntheticdeposit", lambda env: {
        "OUTPUT_FOLDER": "/proc/synthetic"}, "(OUTPUT_FOLDER)", "nothing can be written"),
    refused("output_is_a_folder", "variogram", lambda env: _variogram_params(env, MODEL_OUT=str(env.tmp)),
            "(MODEL_OUT)", "is a folder, not a file"),
    refused("trainbnn_output_not_writable_before_training", "trainbnn", lambda env: _trainbnn_params(
        env, MODEL_OUT="/proc/gone/m.json"), "Model file (MODEL_OUT)", "nothing can be written"),
    refused("shapefile_cuts_cutoff_field_names", "mik", lambda env: {
        "INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(), "CUTOFFS": "1.5, 2",
        "OUTPUT": env.output("mik.shp")}, "MIK points (OUTPUT)", "Shapefile", "10 characters", ".gpkg"),
    refused("zipped_shapefile_shz_cuts_field_names", "mik", lambda env: {
        "INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(), "CUTOFFS": "1.5, 2",
        "OUTPUT": env.output("mik.shz")}, "MIK points (OUTPUT)", "Shapefile", "10 characters", ".gpkg"),
    refused("zipped_shapefile_shp_zip_cuts_field_names", "ordinarykriging", lambda env: _ok_params(
        env, OUTPUT=env.output("ok.SHP.ZIP")), "(OUTPUT)", "Shapefile", "10 characters"),
    refused("shapefile_for_predictbnn", "predictbnn", lambda env: {
        "MODEL": env.text_file("m.json", "{}"), "INPUT": env.targets(), "OUTPUT": env.output("p.shp")},
        "(OUTPUT)", "Shapefile", "bnn_p_gt_2"),
    refused("dbase_table_output", "gradetonnage", lambda env: {
        "INPUT": env.samples(), "GRADE_FIELDS": ["grade"], "OUTPUT": env.output("gt.dbf")}, "dBase", ".gpkg"),
    refused("dxf_output_drops_the_fields", "ordinarykriging", lambda env: _ok_params(env, OUTPUT=env.output("ok.dxf")),
            "(OUTPUT)", "DXF", "does not keep attribute fields"),
    refused("two_outputs_one_file", "ordinarykriging", lambda env: _ok_params(
        env, TEMPLATE=env.raster(), OUTPUT_RASTER=env.output("ok.gpkg")),
        "Kriged points (OUTPUT) and Kriged raster (OUTPUT_RASTER)", "ok.gpkg", "overwrite"),
    refused("plot_over_the_model", "variogram", lambda env: _variogram_params(env, PLOT=env.output("v.json")),
            "Variogram model (MODEL_OUT) and Variogram plot (PLOT)", "v.json", "overwrite"),
    refused("plot_over_the_models_arrays_file", "variogram", lambda env: _variogram_params(
        env, PLOT=env.output("v.npz")), "(MODEL_OUT) and Variogram plot (PLOT)", "v.npz", "arrays file beside it"),
    refused("more_cutoffs_than_outputs_can_hold", "mik", lambda env: {
        "INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(),
        "CUTOFFS": ", ".join(f"{k / 100:g}" for k in range(1, 102)), "OUTPUT": env.output("mik.gpkg")},
        "cut-offs: 101 given; at most 100"),
    refused("cutoff_more_digits_than_field_name", "mik", lambda env: {
        "INPUT": env.samples(), "GRADE_FIELD": "grade", "TARGETS": env.targets(), "CUTOFFS": "1.23456789",
        "OUTPUT": env.output("mik.gpkg")}, "1.23456789", "significant digits", "1.23457"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case, env, run_algorithm):
    judge(case, env, run_algorithm)


def test_unexpected_error_is_one_sentence_with_the_traceback_in_the_log(provider, monkeypatch, env):
    """A bug (here a TypeError planted in the variogram algorithm) reaches the user as one sentence naming the
    algorithm; the traceback goes to the log, and the partial output is removed."""
    import processing
    from qgis.core import QgsProcessingContext

    from ree_grade.processing_provider.alg_variogram import VariogramAlgorithm

    def broken(*args, **kwargs):
        raise TypeError("'int' object is not iterable")

    # On the class, not on a science function: a module imported while a function is patched would keep it.
    monkeypatch.setattr(VariogramAlgorithm, "_coordinates", broken)
    feedback = Messages()
    with pytest.raises(QgsProcessingException) as raised:
        processing.run("reegrade:variogram", _variogram_params(env), context=QgsProcessingContext(),
                       feedback=feedback)
    message = str(raised.value)
    assert "reegrade:variogram" in message and "bug in REE Grade" in message and "TypeError" in message
    assert not any(mark in message for mark in TRACEBACK_MARKS)
    assert any("Traceback" in text and "not iterable" in text for text in feedback.errors)
    assert leftovers(env.out) == []


def test_a_bug_in_the_parameter_checks_is_a_sentence_too(provider, monkeypatch, env):
    """checkParameterValues runs in the dialog, outside processAlgorithm: a bug there must not show a traceback."""
    from qgis.core import QgsProcessingContext

    from ree_grade.processing_provider.alg_variogram import VariogramAlgorithm

    def broken(self, parameters, context):
        raise KeyError("DIMENSION")

    monkeypatch.setattr(VariogramAlgorithm, "parameter_problem", broken)
    algorithm = provider.algorithm("variogram").create()
    ok, message = algorithm.checkParameterValues(_variogram_params(env), QgsProcessingContext())
    assert not ok and "reegrade:variogram" in message and "KeyError" in message and "bug in REE Grade" in message
    assert not any(mark in message for mark in TRACEBACK_MARKS)


def test_a_failing_raster_phase_leaves_no_points_file(env, run_algorithm):
    """OK writes the target points first; a raster template without CRS then fails the run, and the points
    GeoPackage written before must go with it."""
    parameters = _ok_params(env, TEMPLATE=env.raster(crs=None), OUTPUT_RASTER=env.output("ok.tif"))
    with pytest.raises(QgsProcessingException, match="template: the layer has no coordinate reference system"):
        run_algorithm("ordinarykriging", parameters)
    assert leftovers(env.out) == []


def test_a_cancel_in_the_raster_phase_leaves_no_points_file(env, run_algorithm):
    """Cancelled once the points are all written (they take the bar's first 45 %, reported when the last batch
    is written), the run stops in the raster kriging, and the points GeoPackage written by then must go with it,
    since the message says no output was written."""

    class CancelInRasterPhase(Messages):
        def setProgress(self, value):  # noqa: N802 (QGIS API name)
            super().setProgress(value)
            if value >= 45.0:
                self.cancel()

    feedback = CancelInRasterPhase()
    parameters = _ok_params(env, TEMPLATE=env.raster(), OUTPUT_RASTER=env.output("ok.tif"))
    with pytest.raises(QgsProcessingException, match="Cancelled by the user; no output was written"):
        run_algorithm("ordinarykriging", parameters, feedback)
    assert leftovers(env.out) == []


def test_a_models_weights_file_clashes_with_an_output_of_that_name(tmp_path):
    """A network's JSON writes its .safetensors beside it, a transform's its .npz: either name taken by another
    output is a clash; other names in the folder are not."""
    from ree_grade.processing_provider.outputs import clash_problem

    model = ("Model file (MODEL_OUT)", str(tmp_path / "m.json"))
    clash = clash_problem([model, ("Report (REPORT)", str(tmp_path / "m.safetensors"))])
    assert clash and "Model file (MODEL_OUT) and Report (REPORT)" in clash and "m.safetensors" in clash
    assert clash_problem([model, ("Report (REPORT)", str(tmp_path / "m.html"))]) is None
    assert clash_problem([model, ("Other model (OTHER)", str(tmp_path / "sub" / ".." / "m.json"))])


def test_a_feature_the_sink_refuses_names_the_file_and_row(env):
    """A sink that stops taking features (a full disk) is an error naming the file, the row and the likely cause."""
    from qgis.core import QgsFields

    from ree_grade.processing_provider.layer_io import write_rows

    class FullDisk:
        def __init__(self):
            self.taken = 0

        def addFeature(self, feature, flags):  # noqa: N802 (QGIS API name)
            self.taken += 1
            return self.taken < 3

        def lastError(self):  # noqa: N802 (QGIS API name)
            return "No space left on device"

    path = env.output("t.gpkg")
    with pytest.raises(QgsProcessingException) as raised:
        write_rows(FullDisk(), QgsFields(), [[]] * 5, [None] * 5, destination=path + "|layername=t", first_row=11)
    message = str(raised.value)
    assert message.startswith(path + ": could not write feature 13 (No space left on device)"), message
    assert "disk may be full" in message


def test_a_vector_output_appears_only_once_written_whole(env, run_algorithm):
    """A sink is written in a hidden folder beside the output and moved into place when the run succeeds: while the
    targets are written, nothing is under the asked name (a kill then leaves no partial t.gpkg); afterwards the
    file is there alone, whole, its GeoPackage layer named after it, and a second run replaces it only when done."""
    import sqlite3

    from qgis.core import QgsVectorLayer

    seen = []

    class Watch(Messages):
        def setProgress(self, value):  # noqa: N802 (QGIS API name)
            super().setProgress(value)
            seen.append(leftovers(env.out))

    parameters = {"MODE": 0, "EXTENT": "500000,500200,3000000,3000200 [EPSG:32648]", "DX": 50.0, "DY": 50.0,
                  "OUTPUT": env.output("t.gpkg")}
    for run in range(2):
        seen.clear()
        result = run_algorithm("targets", parameters, Watch())
        assert result["OUTPUT"].split("|")[0] == env.output("t.gpkg")
        during = [names for names in seen if any(".reegrade-" in name for name in names)]
        # The first run has no t.gpkg until it is done; the second keeps the first's whole file until then.
        assert during and all(("t.gpkg" in names) == (run == 1) for names in during), seen
        assert leftovers(env.out) == ["t.gpkg"]
        assert QgsVectorLayer(result["OUTPUT"], "t", "ogr").featureCount() == 16
        with sqlite3.connect(env.output("t.gpkg")) as db:
            assert db.execute("select table_name from gpkg_contents").fetchall() == [("t",)]


def test_a_staged_output_is_loaded_from_its_final_path(provider, env):
    """The dialog loads a sink's layer when the run ends: it must be pointed at the moved file, not the folder."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingOutputLayerDefinition, QgsProject

    context = QgsProcessingContext()
    output = QgsProcessingOutputLayerDefinition(env.output("t.gpkg"), QgsProject.instance())
    processing.run("reegrade:targets", {"MODE": 0, "EXTENT": "500000,500200,3000000,3000200 [EPSG:32648]",
                                        "DX": 50.0, "DY": 50.0, "OUTPUT": output}, context=context)
    loads = list(context.layersToLoadOnCompletion())
    assert loads and all(".reegrade-" not in key for key in loads), loads
    assert any(key.split("|")[0] == env.output("t.gpkg") for key in loads), loads


def test_a_good_run_still_writes_where_it_was_asked(env, run_algorithm):
    """The output checks refuse only what cannot be written: a folder that does not exist yet is made."""
    result = run_algorithm("ordinarykriging", _ok_params(env, OUTPUT=str(env.tmp / "new" / "deeper" / "ok.gpkg")))
    assert os.path.exists(result["OUTPUT"].split("|")[0])


# --- the README's table of the catalogue --------------------------------------------------------------------------
TABLE_START = "<!-- bad-input catalogue: made by catalogue_table() in tests/processing/test_bad_inputs.py -->"
TABLE_END = "<!-- end of the bad-input catalogue -->"


def catalogue_table():
    """The Markdown table of the cases of every test_bad_inputs*.py, by stage (the file's suffix)."""
    lines = ["| Stage | File | Refused | Warned | Kinds |", "|---|---|---:|---:|---:|"]
    totals = [0, 0]
    for path in sorted(Path(__file__).parent.glob("test_bad_inputs*.py")):
        cases = getattr(importlib.import_module(path.stem), "CASES", [])
        warned_count = sum(bool(getattr(case, "warned", False)) for case in cases)
        counts = [len(cases) - warned_count, warned_count]
        totals = [a + b for a, b in zip(totals, counts)]
        stage = path.stem[len("test_bad_inputs_"):] or "every algorithm"
        lines.append(f"| {stage} | `{path.name}` | {counts[0]} | {counts[1]} | {sum(counts)} |")
    lines.append(f"| **all** | | **{totals[0]}** | **{totals[1]}** | **{sum(totals)}** |")
    return "\n".join(lines)


def test_readme_lists_the_catalogue_counts():
    readme = (REPO / "README.md").read_text()
    found = re.search(re.escape(TABLE_START) + r"\n(.*?)\n" + re.escape(TABLE_END), readme, re.S)
    expected = catalogue_table()
    assert found, f"README.md lacks the catalogue table; put this between {TABLE_START} and {TABLE_END}:\n{expected}"
    assert found.group(1) == expected, f"README.md's catalogue table is stale; it should read:\n{expected}"
