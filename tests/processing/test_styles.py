"""Outputs loaded after a run get a grade or an uncertainty colour ramp."""
import numpy as np
import pytest


@pytest.fixture
def _points(memory_layer):
    def make(fields, values):
        return memory_layer(fields, values, [(i, i) for i in range(len(values))], name="out", keep_nan=True)

    return make


def test_vector_grade_ramp_and_spread_ramp(_points, qgis_app):
    from ree_grade.processing_provider.styles import apply_style

    graded = _points(["bnn_sd", "bnn_mean"], [[0.1 * i, float(i)] for i in range(20)])
    assert apply_style(graded)
    assert graded.renderer().type() == "graduatedSymbol"
    assert graded.renderer().classAttribute() == "bnn_mean"
    assert len(graded.renderer().ranges()) == 7
    spread = _points(["ok_variance"], [[float(i)] for i in range(20)])
    assert apply_style(spread) and spread.renderer().classAttribute() == "ok_variance"
    assert not apply_style(_points(["other"], [[1.0]]))


def test_raster_styled_on_its_mean_band(qgis_app, tmp_path):
    from qgis.core import QgsRasterLayer
    from rasterio.transform import from_origin

    from ree_grade.algorithms.io.raster import write_bands
    from ree_grade.processing_provider.styles import apply_style

    path = str(tmp_path / "bnn.tif")
    bands = np.stack([np.random.default_rng(0).uniform(0, 3, (5, 6)), np.ones((5, 6))])
    write_bands(path, bands, ["sd", "mean"], from_origin(0, 5, 1, 1), "EPSG:32648")
    layer = QgsRasterLayer(path, "bnn")
    assert apply_style(layer)
    assert layer.renderer().type() == "singlebandpseudocolor" and layer.renderer().band() == 2


def test_outputs_marked_for_loading_get_the_post_processor(_points, provider, tmp_path):
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback, QgsProject

    from ree_grade.processing_provider.styles import StyleOnLoad

    layer = _points(["p"], [[0.2], [0.9]])
    out = str(tmp_path / "scored.gpkg")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    details = QgsProcessingContext.LayerDetails("scored", QgsProject.instance(), "OUTPUT")
    context.addLayerToLoadOnCompletion(out, details)
    algorithm = provider.algorithm("hyperscore").create()
    parameters = {"INPUT": layer, "PROBABILITY_FIELD": "p", "OUTPUT": out}
    results, ok = algorithm.run(parameters, context, QgsProcessingFeedback())
    assert ok
    assert isinstance(context.layerToLoadOnCompletionDetails(out).postProcessor(), StyleOnLoad)
