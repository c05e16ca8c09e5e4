"""The drillhole import dialog, offscreen: the bundled sample and raw Copper Creek tables load, the guessed
mapping and every problem show, and the import runs desurvey and composite into the project.

Set REEGRADE_DOCS_SCREENSHOTS=1 to write the README's docs/import_mapping.png and docs/import_validation.png."""
import os
import shutil

import pytest
from helpers import REPO

SAMPLE = REPO / "sample_data" / "demo"
COPPER_CREEK = REPO / "tests" / "data" / "copper_creek"


@pytest.fixture
def dialog(provider):
    from qgis.core import QgsProject

    from ree_grade.ui.import_dialog import ImportDialog

    QgsProject.instance().removeAllMapLayers()
    widget = ImportDialog()
    yield widget
    widget.close()
    QgsProject.instance().removeAllMapLayers()


def _load(dialog, files, crs):
    from qgis.core import QgsCoordinateReferenceSystem

    for kind, path in files.items():
        dialog.file_widgets[kind].setFilePath(str(path))   # fileChanged loads it, as when a user picks the file
        assert kind in dialog.tables, dialog.log.toPlainText()
    dialog.crs.setCrs(QgsCoordinateReferenceSystem(crs))


def _shot(dialog, tab, path):
    from qgis.PyQt.QtWidgets import QApplication

    dialog.tabs.setCurrentWidget(tab)
    dialog.resize(1280, 860)   # wide enough for the validation table's detail column
    dialog.show()
    QApplication.processEvents()
    assert dialog.grab().save(str(path))
    assert path.stat().st_size > 20_000, "the screenshot is (nearly) blank"


def _problem_rows(dialog):
    model = dialog.problem_view.model()
    return [[str(model.index(row, column).data()) for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def test_sample_imports_to_composites(dialog, tmp_path):
    from qgis.core import QgsProject

    _load(dialog, {"collars": SAMPLE / "collars.csv", "surveys": SAMPLE / "surveys.csv",
                   "assays": SAMPLE / "assays.csv"}, "EPSG:32648")
    combos = dialog.mapping_combos
    assert [combos["collars"][r].currentText() for r in ("hole", "x", "y", "z", "total_depth")] == [
        "hole_id", "x", "y", "z", "max_depth"]
    assert combos["assays"]["from"].currentText() == "from" and dialog.grade_names()[:2] == ["La", "Ce"]
    assert dialog.previews["assays"].model().rowCount() == 20
    rows = _problem_rows(dialog)
    overlaps = [row for row in rows if row[4].startswith("Overlapping")]
    assert len(overlaps) == 103 and overlaps[0][:3] == ["Assays", "235", "ZK0002"]
    assert all(row[5] == "Drop the later row" for row in overlaps)
    _shot(dialog, dialog.tabs.widget(0), tmp_path / "sample_tables.png")
    _shot(dialog, dialog.mapping_tab, tmp_path / "sample_mapping.png")
    _shot(dialog, dialog.validation_tab, tmp_path / "sample_validation.png")
    assert dialog.run_button.isEnabled()
    outputs = dialog.run_import()
    assert set(outputs) == {"desurveyed", "composites"}, dialog.log.toPlainText()
    log = dialog.log.toPlainText()
    assert "assays: 103 overlapping interval(s), the later row dropped" in log
    assert "columns used: hole id = 'hole_id' (given)" in log
    assert outputs["desurveyed"].featureCount() == 27381 - 103 - 111
    assert outputs["composites"].featureCount() > 1000
    assert {"La", "Ce"} <= {f.name() for f in outputs["composites"].fields()}
    assert len(QgsProject.instance().mapLayers()) == 2
    assert dialog.progress.value() == 100


def test_copper_creek_shows_every_problem_and_imports_with_lithology(dialog, tmp_path):
    _load(dialog, {kind: COPPER_CREEK / f"raw_{name}.csv" for kind, name in (
        ("collars", "collar"), ("surveys", "survey"), ("assays", "assay"), ("lithology", "lithology"))},
        "EPSG:26912")
    assert dialog.mapping_combos["assays"]["from"].currentText() == "depth_from"
    assert dialog.mapping_combos["lithology"]["to"].currentText() == "to_depth"
    assert dialog.mapping_combos["lithology"]["lithology"].currentText() == "rock code"
    assert dialog.grade_names() == ["Cu_pct", "Mo_pct", "Ag_ppm", "Au_ppm"]
    rows = _problem_rows(dialog)
    kinds = {row[4] for row in rows}
    assert {"Overlapping intervals", "Gaps between intervals"} <= kinds
    assert any(row[:3] == ["Assays", "3703", "CA28_PLUS_8"] for row in rows) is False  # rows are the subset's own
    assert any(row[0] == "Assays" and row[2] == "CA28_PLUS_8" and row[4] == "Overlapping intervals" for row in rows)
    assert any(row[0] == "Lithology" and row[4] == "Overlapping intervals" for row in rows)
    # A click on a header sorts the table; the picture shows the overlaps first (by problem, descending).
    dialog.problem_view.sortByColumn(4, 1)
    assert _problem_rows(dialog)[0][4] == "Overlapping intervals"
    docs = os.environ.get("REEGRADE_DOCS_SCREENSHOTS")
    for tab, name in ((dialog.mapping_tab, "import_mapping.png"), (dialog.validation_tab, "import_validation.png")):
        _shot(dialog, tab, tmp_path / name)
        if docs:
            shutil.copy(tmp_path / name, REPO / "docs" / name)
    # Refusing overlaps blocks the import until the geologist picks a fix.
    dialog.policy_combos["overlap"].setCurrentIndex(dialog.policy_combos["overlap"].findData("refuse"))
    assert not dialog.run_button.isEnabled()
    assert dialog.run_import() == {} and "whose fix policy is 'refuse'" in dialog.log.toPlainText()
    dialog.policy_combos["overlap"].setCurrentIndex(dialog.policy_combos["overlap"].findData("truncate"))
    assert dialog.run_button.isEnabled()
    dialog.by_lithology.setChecked(True)
    outputs = dialog.run_import()
    assert set(outputs) == {"desurveyed", "composites"}, dialog.log.toPlainText()
    assert "overlapping interval(s) truncated" in dialog.log.toPlainText()
    desurveyed = outputs["desurveyed"]
    assert desurveyed.crs().authid() == "EPSG:26912"
    liths = {f["rock code"] for f in desurveyed.getFeatures()}
    assert len(liths - {None}) >= 3, liths
    # Composited within lithology: no composite spans two rock codes, so each carries one.
    composites = list(outputs["composites"].getFeatures())
    assert {f["rock code"] for f in composites} - {"", None} == liths - {None}


def test_semicolon_csv_with_bom_and_a_geopackage_load(dialog, tmp_path):
    from qgis.core import QgsVectorFileWriter, QgsVectorLayer

    semicolon = tmp_path / "collars.csv"
    semicolon.write_text("\ufeffHOLEID;EAST;NORTH;RL\nA1;500000;3000000;100\nA2;500010;3000000;101\n",
                         encoding="utf-8")
    assert dialog.load("collars", str(semicolon))
    assert dialog.tables["collars"]["HOLEID"] == ["A1", "A2"]
    assert dialog.mapping_combos["collars"]["x"].currentText() == "EAST"
    piped = tmp_path / "with space" / "surveys.txt"
    piped.parent.mkdir()
    piped.write_text("\ufeffBHID|AT|BRG|INCL\nA1|0|10|-60\nA1|30|11|-59\n", encoding="utf-8")
    assert dialog.load("surveys", str(piped))
    assert dialog.tables["surveys"]["BHID"] == ["A1", "A1"] and dialog.tables["surveys"]["INCL"] == ["-60", "-59"]
    points = QgsVectorLayer("PointZ?crs=EPSG:32648&field=hole_id:string", "collars", "memory")
    from qgis.core import QgsFeature, QgsGeometry, QgsPoint

    feature = QgsFeature(points.fields())
    feature.setAttributes(["B1"])
    feature.setGeometry(QgsGeometry(QgsPoint(1.0, 2.0, 3.0)))
    points.dataProvider().addFeatures([feature])
    path = str(tmp_path / "collars.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    QgsVectorFileWriter.writeAsVectorFormatV3(points, path, points.transformContext(), options)
    assert dialog.load("collars", path)
    assert dialog.tables["collars"]["x"] == [1.0] and dialog.tables["collars"]["z"] == [3.0]
    assert dialog.crs.crs().authid() == "EPSG:32648"


def test_memory_tables_keep_every_digit(qgis_app):
    from ree_grade.ui.import_dialog import memory_table

    layer = memory_table("collars", {"hole": ["A"], "y": [3623730.41], "z": [None]})
    assert next(layer.getFeatures()).attributes()[1:] == ["3623730.41", None]


def test_dialog_labels_come_from_the_translation(provider):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from ree_grade.ui.import_dialog import ImportDialog

    translator = QTranslator()
    assert translator.load(str(REPO / "i18n" / "ree_grade_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        dialog = ImportDialog()
        assert dialog.windowTitle() == "导入钻孔"
        assert [dialog.tabs.tabText(i) for i in range(3)] == ["表格", "列映射", "校验"]
        assert dialog.policy_combos["overlap"].itemText(0) == "删除后出现的行"
        dialog.close()
    finally:
        QCoreApplication.removeTranslator(translator)


def test_an_excel_sheet_loads_through_gdal(dialog, tmp_path):
    from qgis.core import QgsVectorFileWriter

    from ree_grade.ui.import_dialog import memory_table

    sheet = memory_table("surveys", {"Hole": ["DH1", "DH1"], "Depth": ["0", "50"], "Azi": ["10", "12"],
                                     "Dip": ["-60", "-58"]})
    path = str(tmp_path / "surveys.xlsx")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "XLSX"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(sheet, path, sheet.transformContext(), options)
    assert error[0] == QgsVectorFileWriter.NoError, error
    assert dialog.load("surveys", path)
    assert dialog.tables["surveys"].get("Hole") == ["DH1", "DH1"], dialog.tables["surveys"]
    assert [dialog.mapping_combos["surveys"][role].currentText() for role in ("hole", "depth", "azimuth", "dip")] == [
        "Hole", "Depth", "Azi", "Dip"]


@pytest.mark.skipif(shutil.which("xvfb-run") is None or not (REPO / ".qgis-profile").exists(),
                    reason="needs xvfb-run and the profile made by `make setup`")
def test_the_desktop_menu_imports_the_sample(tmp_path):
    """QGIS desktop under Xvfb: the menu entry opens the dialog, the sample loads and imports into the project."""
    import json
    import subprocess

    script = REPO / "tests" / "screenshot" / "import_dialog.py"
    run = subprocess.run([str(REPO / "tests" / "screenshot" / "run_capture.sh"), str(tmp_path), str(script)],
                         capture_output=True, text=True, timeout=240)
    result = tmp_path / "import_dialog.json"
    assert result.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    state = json.loads(result.read_text())
    assert "error" not in state, state
    assert state["opened"] and state["saved"] and state["problems"] == 214
    assert state["outputs"]["desurveyed"] == 27167 and state["outputs"]["composites"] > 1000
    assert state["project_layers"] == ["Composites", "Desurveyed intervals"]
    assert (tmp_path / "import_desktop.png").stat().st_size > 20_000
