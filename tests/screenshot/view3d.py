"""The 3D view on the sample deposit, in a standalone QGIS application under Xvfb (Qt3D needs an OpenGL
context, which the offscreen platform of the test session does not give): desurvey and TREO through
Processing, every 7th truth block of three benches as the block model, the dialog's Render, and its picture
saved. Usage: python view3d.py OUT_FOLDER; writes view3d.png, dialog.png and view3d.json there."""
import json
import os
import sys
from pathlib import Path

from qgis.core import QgsApplication, QgsFeature, QgsGeometry, QgsPoint, QgsProject, QgsVectorLayer

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "demo"
CRS = "EPSG:32648"


def block_layer():
    layer = QgsVectorLayer(f"PointZ?crs={CRS}&field=TREO_pct:double", "blocks", "memory")
    features = []
    with open(SAMPLE / "truth_blocks.csv") as handle:
        next(handle)
        for i, line in enumerate(handle):
            x, y, z, grade = (float(v) for v in line.split(",")[:4])
            # Three benches, thinned, so the holes stay visible between the blocks.
            if z in (2125.0, 2205.0, 2285.0) and i % 7 == 0:
                feature = QgsFeature(layer.fields())
                feature.setGeometry(QgsGeometry(QgsPoint(x, y, z)))
                feature["TREO_pct"] = grade
                features.append(feature)
    layer.dataProvider().addFeatures(features)
    layer.updateExtents()
    return layer


def main(out):
    app = QgsApplication([], True)
    app.initQgis()
    sys.path.insert(0, str(REPO / ".qgis-plugins"))  # the ree_grade link `make setup` makes
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing

    Processing.initialize()
    from ree_grade.processing_provider.provider import REEGradeProvider

    provider = REEGradeProvider()  # kept referenced: the registry does not own a Python provider's wrapper
    QgsApplication.processingRegistry().addProvider(provider)
    samples = processing.run("reegrade:desurvey", {
        "COLLARS": str(SAMPLE / "collars.csv"), "COLLAR_CRS": CRS, "SURVEYS": str(SAMPLE / "surveys.csv"),
        "INTERVALS": str(SAMPLE / "assays.csv"), "OUTPUT": str(out / "samples.gpkg")})["OUTPUT"]
    treo = processing.run("reegrade:treo", {"INPUT": samples, "OUTPUT": str(out / "treo.gpkg")})["OUTPUT"]
    traces = QgsVectorLayer(treo, "samples", "ogr")
    blocks = block_layer()
    QgsProject.instance().addMapLayers([traces, blocks])
    from ree_grade.ui.view3d import View3DDialog

    dialog = View3DDialog()
    dialog.traces.setLayer(traces)
    dialog.grade.setField("TREO_pct")
    dialog.blocks.setLayer(blocks)
    dialog.block_field.setField("TREO_pct")
    dialog.block_size.setValue(20.0)
    dialog.exaggeration.setValue(2.0)
    dialog.resize(1400, 700)
    dialog.show()
    image = dialog.render_scene()
    app.processEvents()
    report = {"message": dialog.message.text(), "legends": dialog.legends, "samples": traces.featureCount(),
              "blocks": blocks.featureCount()}
    if image is not None:
        image.save(str(out / "view3d.png"))
        report["size"] = [image.width(), image.height()]
        dialog.grab().save(str(out / "dialog.png"))
    (out / "view3d.json").write_text(json.dumps(report))
    dialog.close()
    os._exit(0)  # QGIS's exit after a Qt3D render can crash; the results are written


if __name__ == "__main__":
    main(Path(sys.argv[1]))
