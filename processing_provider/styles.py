"""Styles applied to outputs when QGIS loads them after a run: a grade colour
ramp on the estimate, an uncertainty ramp where only a spread is present."""

from qgis.core import (
    QgsClassificationQuantile,
    QgsColorRampShader,
    QgsGraduatedSymbolRenderer,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterBandStats,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsStyle,
    QgsVectorLayer,
)

GRADE_FIELDS = ("bnn_mean", "ok_estimate", "mik_mean", "gp_mean", "TREO_pct", "hyperscore")
SPREAD_FIELDS = ("bnn_sd", "gp_sd", "ok_variance", "mik_variance")
GRADE_BANDS = ("mean", "estimate")
SPREAD_BANDS = ("sd", "variance")
GRADE_RAMP = "Viridis"
SPREAD_RAMP = "Magma"
CLASSES = 7


def style_for(layer):
    """(field or band index, ramp name) for a layer, or None if nothing fits."""
    if isinstance(layer, QgsVectorLayer):
        names = layer.fields().names()
        for fields, ramp in ((GRADE_FIELDS, GRADE_RAMP), (SPREAD_FIELDS, SPREAD_RAMP)):
            for name in fields:
                if name in names:
                    return name, ramp
    elif isinstance(layer, QgsRasterLayer):
        # QGIS names a described band "Band 1: mean".
        descriptions = [layer.bandName(b).split(": ", 1)[-1] for b in range(1, layer.bandCount() + 1)]
        for bands, ramp in ((GRADE_BANDS, GRADE_RAMP), (SPREAD_BANDS, SPREAD_RAMP)):
            for band, description in enumerate(descriptions, start=1):
                if description in bands:
                    return band, ramp
    return None


def apply_style(layer):
    """Style `layer` in place; True if a style was applied."""
    chosen = style_for(layer)
    if chosen is None:
        return False
    target, ramp_name = chosen
    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name)
    if isinstance(layer, QgsVectorLayer):
        renderer = QgsGraduatedSymbolRenderer(target)
        renderer.setClassificationMethod(QgsClassificationQuantile())
        renderer.updateClasses(layer, CLASSES)
        renderer.updateColorRamp(ramp)
        layer.setRenderer(renderer)
    else:
        stats = layer.dataProvider().bandStatistics(target, QgsRasterBandStats.Min | QgsRasterBandStats.Max)
        function = QgsColorRampShader(stats.minimumValue, stats.maximumValue, ramp)
        function.classifyColorRamp(CLASSES, target, layer.extent(), layer.dataProvider())
        shader = QgsRasterShader()
        shader.setRasterShaderFunction(function)
        layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), target, shader))
    layer.triggerRepaint()
    return True


class StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    # QGIS holds post-processors by raw pointer: keep each alive in Python.
    alive = []

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS API name)
        apply_style(layer)

    @classmethod
    def create(cls):
        processor = cls()
        cls.alive.append(processor)
        return processor


def style_outputs_on_load(results, context):
    """Attach StyleOnLoad to every result QGIS will load when the run ends."""
    for value in results.values():
        if isinstance(value, str) and context.willLoadLayerOnCompletion(value):
            context.layerToLoadOnCompletionDetails(value).setPostProcessor(StyleOnLoad.create())
