"""The 3D view: its quantile classes and rule-based renderers in the test session, its refusals, and the
picture of the sample deposit rendered by Qt3D in a standalone QGIS under Xvfb (the offscreen platform has no
OpenGL context: "makeCurrent failed"). With REE_DOCS_SCREENSHOTS=<folder> (e.g. docs) the picture is also
written there as view3d.png, which is how docs/view3d.png is made."""
import json
import os
import shutil
import subprocess

import numpy as np
import pytest
from helpers import REPO

CRS = "EPSG:32648"


@pytest.fixture
def layers(qgis_app, memory_layer):
    from qgis.core import QgsFeature, QgsGeometry, QgsPoint, QgsProject, QgsVectorLayer

    def points(name, field, rows):
        layer = QgsVectorLayer(f"PointZ?crs={CRS}&field={field}:double", name, "memory")
        features = []
        for x, y, z, value in rows:
            feature = QgsFeature(layer.fields())
            feature.setGeometry(QgsGeometry(QgsPoint(x, y, z)))
            feature[field] = value
            features.append(feature)
        layer.dataProvider().addFeatures(features)
        layer.updateExtents()
        return layer

    samples = points("samples", "TREO_pct", [(500000.0 + 50 * h, 3000000.0, 1000.0 - 2 * j, 0.1 * j)
                                             for h in range(3) for j in range(20)])
    blocks = points("blocks", "bnn_sd", [(500000.0 + 25 * i, 3000000.0 + 25 * k, 980.0, float(i + 6 * k))
                                         for i in range(6) for k in range(4)])
    QgsProject.instance().addMapLayers([samples, blocks], False)
    yield samples, blocks
    QgsProject.instance().removeMapLayers([samples.id(), blocks.id()])


def test_class_breaks_are_quantiles_of_the_finite_values():
    from ree_grade.ui.view3d import class_breaks

    edges = class_breaks([np.nan, *range(101)], classes=4)
    assert edges == [0.0, 25.0, 50.0, 75.0, 100.0]
    assert class_breaks([3.0, 3.0, 3.0]) == [3.0], "one value is one edge, no class to draw"
    assert class_breaks([np.nan]) == []


def test_renderers_one_rule_per_class_coloured_low_to_high(layers):
    from qgis._3d import QgsRuleBased3DRenderer

    from ree_grade.ui.view3d import map_settings

    samples, blocks = layers
    settings, legends, shown = map_settings(samples, "TREO_pct", blocks, "bnn_sd", exaggeration=3.0)
    assert [layer.name() for layer in settings.layers()] == ["samples", "blocks"]
    renderer = blocks.renderer3D()
    assert isinstance(renderer, QgsRuleBased3DRenderer), "the user's layer keeps the 3D style"
    rules = renderer.rootRule().children()
    assert len(rules) == len(legends["blocks"]) - 1 == 5
    shown_rules = shown[1].renderer3D().rootRule().children()
    assert [r.filterExpression() for r in shown_rules] == [r.filterExpression() for r in rules]
    first, last = (rule.symbol().material().diffuse() for rule in (rules[0], rules[-1]))
    assert first.blue() > first.red() and last.red() > last.blue(), "low blue, high red"
    assert '"bnn_sd" >= 0.0' in rules[0].filterExpression()
    # Exaggeration scales the copies' z, not the user's layers.
    zs = [f.geometry().constGet().z() for f in shown[0].getFeatures()]
    assert max(zs) == pytest.approx(3000.0)
    assert max(f.geometry().constGet().z() for f in samples.getFeatures()) == pytest.approx(1000.0)
    assert shown[1] is not blocks


def test_dialog_explains_what_is_missing(layers, memory_layer):
    from qgis.core import QgsProject

    from ree_grade.ui.view3d import View3DDialog

    samples, _ = layers
    dialog = View3DDialog()
    dialog.traces.setLayer(None)
    assert dialog.render_scene() is None and "drill samples" in dialog.message.text()
    dialog.traces.setLayer(samples)
    dialog.grade.setField("TREO_pct")
    dialog.blocks.setLayer(None)
    empty = memory_layer(["TREO_pct:double"], [[None]], np.array([[500000.0, 3000000.0]]), crs=CRS, name="nulls")
    QgsProject.instance().addMapLayer(empty, False)
    dialog.traces.setLayer(empty)
    dialog.grade.setField("TREO_pct")
    assert dialog.render_scene() is None
    assert dialog.message.text() == "Layer nulls: field TREO_pct has no numeric value to colour by"
    dialog.close()
    QgsProject.instance().removeMapLayer(empty.id())


@pytest.mark.skipif(shutil.which("xvfb-run") is None or not (REPO / ".qgis-plugins").exists(),
                    reason="needs xvfb-run and the plugin link made by `make setup`")
def test_sample_deposit_in_3d_under_xvfb(tmp_path):
    from qgis.PyQt.QtGui import QColor, QImage

    env = {**os.environ, "LIBGL_ALWAYS_SOFTWARE": "1"}
    env.pop("QT_QPA_PLATFORM", None)
    run = subprocess.run(["timeout", "300", "xvfb-run", "-a", "-s", "-screen 0 1280x1024x24",
                          str(REPO / ".venv" / "bin" / "python"), str(REPO / "tests" / "screenshot" / "view3d.py"),
                          str(tmp_path)], env=env, capture_output=True, text=True)
    assert (tmp_path / "view3d.json").exists(), run.stderr[-3000:]
    report = json.loads((tmp_path / "view3d.json").read_text())
    assert report["samples"] == 27167 and report["blocks"] > 1000
    assert len(report["legends"]["traces"]) == 6 and len(report["legends"]["blocks"]) == 6
    image = QImage(str(tmp_path / "view3d.png"))
    assert image.width() == 1200
    # The picture holds the ramp's two ends (samples and blocks drawn), not just the white page.
    counts = {"red": 0, "blue": 0}
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            colour = QColor(image.pixel(x, y))
            if colour.red() > 120 and colour.green() < 60 and colour.blue() < 60:
                counts["red"] += 1
            elif colour.blue() > 100 and colour.red() < 60:
                counts["blue"] += 1
    assert counts["red"] > 200 and counts["blue"] > 200, counts
    folder = os.environ.get("REE_DOCS_SCREENSHOTS")
    if folder:
        shutil.copy(tmp_path / "dialog.png", REPO / folder / "view3d.png")


def test_dialog_speaks_the_users_language(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from ree_grade.ui.view3d import View3DDialog

    translator = QTranslator()
    assert translator.load(str(REPO / "i18n" / "ree_grade_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        dialog = View3DDialog()
        dialog.traces.setLayer(None)
        assert dialog.windowTitle() == "REE Grade 三维视图" and dialog.render_button.text() == "渲染"
        assert dialog.render_scene() is None and dialog.message.text() == "请选择钻孔样品图层及其品位字段。"
        dialog.close()
    finally:
        QCoreApplication.removeTranslator(translator)
