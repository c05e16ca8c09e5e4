"""3D view of drill samples (coloured by grade) and the block model (coloured by estimate or uncertainty),
drawn by QGIS's own 3D renderers (qgis._3d). QGIS 3.22's Python has no Qgs3DMapCanvas, so the window shows
the scene rendered by a layout's 3D map item (the same Qt3D engine as QGIS's 3D map view), with camera
controls that re-render it."""
import math

import numpy as np
from qgis.core import (
    QgsFeature,
    QgsFeatureRequest,
    QgsFieldProxyModel,
    QgsGeometry,
    QgsLayoutExporter,
    QgsMapLayerProxyModel,
    QgsPoint,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsStyle,
    QgsUnitTypes,
    QgsVector3D,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, QSize, Qt
from qgis.PyQt.QtGui import QPixmap
from qgis.PyQt.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)
from qgis.PyQt.QtXml import QDomDocument

CLASSES = 5
RAMP = "Spectral"


def tr(text):
    return QCoreApplication.translate("REEGradeView3D", text)


def class_breaks(values, classes=CLASSES):
    """Quantile class edges of the finite values (as a geologist's graduated legend); fewer classes when
    values repeat."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return []
    return list(np.unique(np.quantile(finite, np.linspace(0.0, 1.0, classes + 1))))


def _field_values(layer, field):
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes([field], layer.fields())
    out = []
    for feature in layer.getFeatures(request):
        value = feature[field]
        out.append(float(value) if isinstance(value, (int, float)) else math.nan)
    return out


def graduated_renderer(layer, field, shape, size):
    """A rule-based 3D renderer, one rule per quantile class of `field`, coloured along the ramp from low
    (blue) to high (red); features without a value are not drawn."""
    from qgis._3d import QgsPhongMaterialSettings, QgsPoint3DSymbol, QgsRuleBased3DRenderer

    edges = class_breaks(_field_values(layer, field))
    if len(edges) < 2:
        raise ValueError(tr("Layer {0}: field {1} has no numeric value to colour by").format(layer.name(), field))
    ramp = QgsStyle.defaultStyle().colorRamp(RAMP)
    ramp.invert()
    root = QgsRuleBased3DRenderer.Rule(None)
    quoted = '"{0}"'.format(field.replace('"', '""'))
    for i in range(len(edges) - 1):
        symbol = QgsPoint3DSymbol()
        symbol.setShape(shape)
        symbol.setShapeProperties({"radius": size / 2.0, "size": size, "length": size})
        material = QgsPhongMaterialSettings()
        colour = ramp.color(i / max(1, len(edges) - 2))
        material.setAmbient(colour.darker(150))
        material.setDiffuse(colour)
        symbol.setMaterial(material)
        low = ">=" if i == 0 else ">"
        expression = f"{quoted} {low} {edges[i]!r} AND {quoted} <= {edges[i + 1]!r}"
        root.appendChild(QgsRuleBased3DRenderer.Rule(symbol, expression, f"{edges[i]:.4g} – {edges[i + 1]:.4g}"))
    return QgsRuleBased3DRenderer(root), edges


def exaggerated(layer, factor):
    """A memory copy of a point layer with every z times `factor` (the layer itself when the factor is 1)."""
    if layer is None or factor == 1.0:
        return layer
    copy = QgsVectorLayer(f"PointZ?crs={layer.crs().authid()}", layer.name(), "memory")
    copy.dataProvider().addAttributes(layer.fields().toList())
    copy.updateFields()
    features = []
    for feature in layer.getFeatures():
        point = feature.geometry().constGet()
        if point is None:
            continue
        out = QgsFeature(copy.fields())
        out.setAttributes(feature.attributes())
        z = point.z() if point.is3D() else 0.0
        out.setGeometry(QgsGeometry(QgsPoint(point.x(), point.y(), z * factor)))
        features.append(out)
    copy.dataProvider().addFeatures(features)
    copy.updateExtents()
    return copy


def scene_extent(layers):
    extent = QgsRectangle()
    extent.setMinimal()
    for layer in layers:
        extent.combineExtentWith(layer.extent())
    return extent


def map_settings(traces, grade_field, blocks, block_field, exaggeration=1.0, sample_size=6.0, block_size=20.0):
    """Qgs3DMapSettings with the samples as spheres and the blocks as cubes, each layer carrying its own
    graduated renderer; vertical exaggeration through exaggerated copies of the layers. Returns the settings,
    the class edges per layer and the layers shown."""
    from qgis._3d import Qgs3D, Qgs3DMapSettings, QgsPoint3DSymbol

    Qgs3D.initialize()  # done by QGIS desktop; a standalone application needs the 3D registries too
    for layer in (traces, blocks):
        if layer is not None and QgsWkbTypes.geometryType(layer.wkbType()) != QgsWkbTypes.PointGeometry:
            raise ValueError(tr("Layer {0}: points expected (desurveyed samples, composites or blocks)").format(
                layer.name()))
    legends, shown = {}, []
    for key, layer, field, shape, size in (("traces", traces, grade_field, QgsPoint3DSymbol.Sphere, sample_size),
                                           ("blocks", blocks, block_field, QgsPoint3DSymbol.Cube, block_size)):
        if layer is None:
            continue
        renderer, legends[key] = graduated_renderer(layer, field, shape, size)
        # The user's layer keeps the classes, so QGIS's own 3D map view (View > New 3D Map View) shows them too.
        layer.setRenderer3D(renderer)
        # Point symbols stand at their z and 3.22 scales only the terrain, so exaggeration works on a copy.
        copy = exaggerated(layer, exaggeration)
        if copy is not layer:
            copy.setRenderer3D(renderer.clone())
        shown.append(copy)
    layers = shown
    settings = Qgs3DMapSettings()
    extent = scene_extent(layers)
    settings.readXml(_flat_terrain_xml(layers[0].crs(), extent), QgsReadWriteContext())
    settings.setCrs(layers[0].crs())
    settings.setOrigin(QgsVector3D(scene_extent(layers).center().x(), scene_extent(layers).center().y(), 0))
    settings.setLayers(layers)
    settings.setTerrainRenderingEnabled(False)
    settings.setMapTileResolution(256)
    return settings, legends, layers


def _flat_terrain_xml(crs, extent):
    """3.22's Python cannot make the flat terrain generator a 3D scene needs (its extent bounds the scene's
    chunks, and Qgs3DMapSettings crashes without one), but readXml makes it from the project-file form."""
    document = QDomDocument()
    root = document.createElement("qgis3d")
    document.appendChild(root)
    crs_element = document.createElement("crs")
    crs.writeXml(crs_element, document)
    root.appendChild(crs_element)
    terrain = document.createElement("terrain")
    terrain.setAttribute("exaggeration", "1")
    terrain.setAttribute("texture-size", "256")
    generator = document.createElement("generator")
    generator.setAttribute("type", "flat")
    margin = 0.05 * max(extent.width(), extent.height(), 1.0)
    box = document.createElement("extent")
    for key, value in (("xmin", extent.xMinimum() - margin), ("ymin", extent.yMinimum() - margin),
                       ("xmax", extent.xMaximum() + margin), ("ymax", extent.yMaximum() + margin)):
        box.setAttribute(key, repr(value))
    generator.appendChild(box)
    terrain.appendChild(generator)
    root.appendChild(terrain)
    return root


def _z_range(layers):
    zs = []
    for layer in layers:
        for feature in layer.getFeatures():
            point = feature.geometry().constGet()
            if point is not None and point.is3D():
                zs.append(point.z())
    return (min(zs), max(zs)) if zs else (0.0, 0.0)


def render(settings, layers, size=QSize(1200, 800), pitch=55.0, yaw=20.0):
    """The scene rendered to a QImage through a print layout's 3D map item (Qt3D offscreen engine)."""
    from qgis._3d import QgsCameraPose, QgsLayoutItem3DMap
    from qgis.core import QgsLayoutPoint, QgsLayoutSize

    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    page = layout.pageCollection().page(0)
    width_mm, height_mm = size.width() / 4.0, size.height() / 4.0
    page.setPageSize(QgsLayoutSize(width_mm, height_mm, QgsUnitTypes.LayoutMillimeters))
    item = QgsLayoutItem3DMap(layout)
    item.setMapSettings(settings)
    item.attemptMove(QgsLayoutPoint(0, 0, QgsUnitTypes.LayoutMillimeters))
    item.attemptResize(QgsLayoutSize(width_mm, height_mm, QgsUnitTypes.LayoutMillimeters))
    extent = scene_extent(layers)
    low, high = _z_range(layers)
    pose = QgsCameraPose()
    # Qt3D's world y is the map's height; the centre is at the middle of the drilled depth.
    pose.setCenterPoint(QgsVector3D(0, (low + high) / 2.0, 0))
    pose.setDistanceFromCenterPoint(1.2 * max(extent.width(), extent.height(), high - low, 1.0))
    pose.setPitchAngle(pitch)
    pose.setHeadingAngle(yaw)
    item.setCameraPose(pose)
    layout.addLayoutItem(item)
    del page
    # Exporting renders the 3D item synchronously (the preview path renders later, on a timer).
    return QgsLayoutExporter(layout).renderPageToImage(0, size)


class View3DDialog(QDialog):
    """Layers and fields to show, the vertical exaggeration and camera angles; Render draws the scene."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("REE Grade 3D view"))
        self.traces = QgsMapLayerComboBox()
        self.traces.setFilters(QgsMapLayerProxyModel.PointLayer)
        self.grade = QgsFieldComboBox()
        self.grade.setFilters(QgsFieldProxyModel.Numeric)
        self.blocks = QgsMapLayerComboBox()
        self.blocks.setFilters(QgsMapLayerProxyModel.PointLayer)
        self.blocks.setAllowEmptyLayer(True)
        self.block_field = QgsFieldComboBox()
        self.block_field.setFilters(QgsFieldProxyModel.Numeric)
        self.traces.layerChanged.connect(self.grade.setLayer)
        self.blocks.layerChanged.connect(self.block_field.setLayer)
        self.grade.setLayer(self.traces.currentLayer())
        self.block_field.setLayer(self.blocks.currentLayer())
        self.exaggeration = self._spin(1.0, 0.1, 20.0, 0.5)
        self.pitch = self._spin(55.0, 0.0, 89.0, 5.0)
        self.yaw = self._spin(20.0, -180.0, 180.0, 15.0)
        self.block_size = self._spin(20.0, 0.1, 10000.0, 5.0)
        form = QFormLayout()
        form.addRow(tr("Drill samples (points)"), self.traces)
        form.addRow(tr("Grade field"), self.grade)
        form.addRow(tr("Block model (points)"), self.blocks)
        form.addRow(tr("Colour blocks by"), self.block_field)
        form.addRow(tr("Block size"), self.block_size)
        form.addRow(tr("Vertical exaggeration"), self.exaggeration)
        form.addRow(tr("Camera pitch (°)"), self.pitch)
        form.addRow(tr("Camera heading (°)"), self.yaw)
        self.render_button = QPushButton(tr("Render"))
        self.render_button.clicked.connect(self.render_scene)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.picture = QLabel()
        self.picture.setMinimumSize(600, 400)
        self.picture.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.picture.setAlignment(Qt.AlignCenter)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.render_button)
        side.addWidget(self.message)
        side.addStretch()
        top = QHBoxLayout(self)
        top.addLayout(side)
        top.addWidget(self.picture, 1)
        self.image = None
        self.legends = {}

    def _spin(self, value, low, high, step):
        spin = QDoubleSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setValue(value)
        return spin

    def render_scene(self):
        traces, blocks = self.traces.currentLayer(), self.blocks.currentLayer()
        if traces is None or not self.grade.currentField():
            self.message.setText(tr("Choose the drill samples layer and its grade field."))
            return None
        if blocks is not None and not self.block_field.currentField():
            self.message.setText(tr("Choose the field to colour the blocks by."))
            return None
        try:
            settings, self.legends, layers = map_settings(traces, self.grade.currentField(), blocks,
                                                  self.block_field.currentField(), self.exaggeration.value(),
                                                  block_size=self.block_size.value())
        except ValueError as error:
            self.message.setText(str(error))
            return None
        self.image = render(settings, layers, pitch=self.pitch.value(), yaw=self.yaw.value())
        self.picture.setPixmap(QPixmap.fromImage(self.image).scaled(self.picture.size(), Qt.KeepAspectRatio,
                                                                    Qt.SmoothTransformation))
        self.message.setText(self._legend_text())
        return self.image

    def _legend_text(self):
        lines = []
        for key, title in (("traces", tr("Samples")), ("blocks", tr("Blocks"))):
            edges = self.legends.get(key)
            if edges:
                lines.append(tr("{0}: blue {1:.4g} to red {2:.4g}, {3} quantile classes").format(
                    title, edges[0], edges[-1], len(edges) - 1))
        return "\n".join(lines)
