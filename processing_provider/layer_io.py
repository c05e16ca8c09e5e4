"""Layers in, arrays out, and back: the only place that walks QGIS features.

Errors name the layer, the field and the 1-based feature row. Inputs are read
and checked before any sink is created; target points streamed in batches
(`write_appended_batches`) have their geometries checked first, and a bad
value in a later batch fails the run with its row, the staged sink leaving no
output under the user's name."""

import math

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPoint,
    QgsProcessingException,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..algorithms.common.parsing import parse_numeric, thousands_message, thousands_warning
from ..algorithms.common.progress import check_cancelled

# Features per batch of a streamed estimation (`write_appended_batches`): a
# batch of point targets and its outputs take tens of megabytes.
TARGET_BATCH = 65536


def layer_label(source):
    name = source.sourceName() if hasattr(source, "sourceName") else ""
    return name or "input layer"


def plain_value(value):
    """Python value of an attribute, with QGIS NULL as None."""
    if value is None:
        return None
    if isinstance(value, QVariant):
        return None if value.isNull() else value.value()
    return value


def field_names(source):
    return [field.name() for field in source.fields()]


def require_fields(source, names, label=None):
    """Raise naming the layer and the missing field, listing what it has."""
    available = field_names(source)
    for name in names:
        if name not in available:
            listed = ", ".join(available) or "no fields"
            raise QgsProcessingException(f"{label or layer_label(source)}: field '{name}' not found; it has {listed}")


def require_features(source, label=None):
    if source is None:
        raise QgsProcessingException("an input layer could not be loaded")
    if source.featureCount() == 0:
        raise QgsProcessingException(f"{label or layer_label(source)}: the layer is empty")


def read_columns(source, names, feedback=None, label=None):
    """{field: list of raw values} in feature order, plus the features' geometries
    (None for tables) and ids."""
    require_fields(source, names, label)
    indices = [source.fields().lookupField(name) for name in names]
    columns = {name: [] for name in names}
    geometries, fids = [], []
    total = max(source.featureCount(), 1)
    for count, feature in enumerate(source.getFeatures(QgsFeatureRequest())):
        if feedback is not None and count % 1000 == 0:
            check_cancelled(feedback.isCanceled)
        attributes = feature.attributes()
        for name, index in zip(names, indices):
            columns[name].append(plain_value(attributes[index]))
        geometries.append(feature.geometry() if feature.hasGeometry() else None)
        fids.append(feature.id())
        if feedback is not None and count % 1000 == 0:
            feedback.setProgress(10.0 * count / total)
    return columns, geometries, fids


def read_numeric(source, names, negative_is_below_detection=False, below_detection="half", feedback=None, label=None):
    """{field: NumericColumn}; text that is not a number raises naming layer,
    field and row."""
    label = label or layer_label(source)
    columns, _, _ = read_columns(source, names, feedback, label)
    parsed = {
        name: parse_numeric(values, label, name, negative_is_below_detection, below_detection)
        for name, values in columns.items()
    }
    warn_suspicious(parsed, label, feedback)
    return parsed


def warn_suspicious(parsed, label, feedback):
    """Push the parser's warnings ({field: NumericColumn}) about cells that probably mean something else."""
    if feedback is None:
        return
    for name, column in parsed.items():
        warning = thousands_warning(column, label, name)
        if warning:
            feedback.pushWarning(warning)


def point_xyz(geometries, label, first_row=1):
    """(n, 3) coordinates of point geometries; z is NaN for 2D points.
    `first_row` numbers the geometries in an error (batches of a layer)."""
    xyz = np.full((len(geometries), 3), np.nan)
    for row, geometry in enumerate(geometries):
        if geometry is None or geometry.isNull() or geometry.isEmpty():
            raise QgsProcessingException(f"{label}: feature at row {row + first_row} has no geometry")
        if QgsWkbTypes.geometryType(geometry.wkbType()) != QgsWkbTypes.PointGeometry:
            raise QgsProcessingException(f"{label}: feature at row {row + first_row} is not a point")
        point = next(iter(geometry.vertices()))
        xyz[row, 0] = point.x()
        xyz[row, 1] = point.y()
        if QgsWkbTypes.hasZ(geometry.wkbType()) and not math.isnan(point.z()):
            xyz[row, 2] = point.z()
    return xyz


def qgs_fields(spec):
    """QgsFields from [(name, kind)] with kind 'double', 'int' or 'string'."""
    types = {"double": QVariant.Double, "int": QVariant.Int, "string": QVariant.String}
    fields = QgsFields()
    for name, kind in spec:
        fields.append(QgsField(name, types[kind]))
    return fields


def to_attribute(value):
    """numpy scalar -> Python value QGIS accepts; NaN -> NULL."""
    if value is None:
        return None
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def point_geometry(x, y, z=None):
    if z is None or math.isnan(float(z)):
        return QgsGeometry(QgsPoint(float(x), float(y)))
    return QgsGeometry(QgsPoint(float(x), float(y), float(z)))


def add_feature(sink, feature, row, destination):
    """Add one feature; a refusal (a full disk, a locked or vanished file) names the file and the row."""
    if sink.addFeature(feature, QgsFeatureSink.FastInsert):
        return
    where = (destination or "the output").split("|", 1)[0]
    reason = sink.lastError() if hasattr(sink, "lastError") else ""
    raise QgsProcessingException(
        f"{where}: could not write feature {row}{f' ({reason})' if reason else ''}; the disk may be full or the "
        "file locked by another program; no output was written")


def write_rows(sink, fields, rows, geometries, feedback=None, destination=None, first_row=1):
    """Write attribute rows (and geometries, or None) to a sink created with
    `fields`, honouring cancel; `first_row` numbers them in an error (chunked writes)."""
    total = max(len(rows), 1)
    for count, (row, geometry) in enumerate(zip(rows, geometries)):
        if feedback is not None and count % 1000 == 0:
            check_cancelled(feedback.isCanceled)
            feedback.setProgress(90.0 + 10.0 * count / total)
        feature = QgsFeature(fields)
        feature.setAttributes([to_attribute(value) for value in row])
        if geometry is not None:
            feature.setGeometry(geometry)
        add_feature(sink, feature, count + first_row, destination)


def create_sink(algorithm, parameters, context, output_name, fields, wkb_type, crs=None):
    """(sink, destination) of the feature-sink output `output_name`; one that cannot be created is an error. The
    destination is the final path, where the file appears once the run has succeeded."""
    if crs is None:
        crs = QgsCoordinateReferenceSystem()
    # A local file is written in a hidden folder beside it and moved into place when the run succeeds, so a
    # failure, a cancel or a kill in this or a later phase never leaves a partial file under the user's name.
    staged_parameters, staged, final = algorithm.stage_sink(parameters, output_name)
    sink, destination = algorithm.parameterAsSink(staged_parameters, output_name, context, fields, wkb_type, crs)
    if sink is None:
        raise QgsProcessingException(algorithm.invalidSinkError(parameters, output_name))
    if staged is not None:
        destination = destination.replace(staged, final, 1)
    return sink, destination


def write_appended(algorithm, parameters, context, output_name, source, columns, feedback=None):
    """Copy every feature of `source` to the sink `output_name`, adding
    `columns` ({name: (kind, values in feature order)}); an input field of the
    same name is replaced, so re-running a stage does not duplicate fields.
    Call it only once everything is computed: it creates the output."""
    sink, destination, fields, kept = _appended_sink(algorithm, parameters, context, output_name, source, columns)
    values = [np.asarray(column) if not isinstance(column, list) else column for _, column in columns.values()]
    total = max(source.featureCount(), 1)
    for row, feature in enumerate(source.getFeatures()):
        if feedback is not None and row % 1000 == 0:
            check_cancelled(feedback.isCanceled)
            feedback.setProgress(90.0 + 10.0 * row / total)
        add_feature(sink, _appended_feature(feature, fields, kept, values, row), row + 1, destination)
    return destination


def _appended_sink(algorithm, parameters, context, output_name, source, columns):
    """(sink, destination, fields, kept field indices) for `source`'s fields
    (those named like a column replaced) followed by `columns`."""
    kept = [i for i, field in enumerate(source.fields()) if field.name() not in columns]
    fields = QgsFields()
    for index in kept:
        fields.append(source.fields().at(index))
    for field in qgs_fields([(name, kind) for name, (kind, _) in columns.items()]):
        fields.append(field)
    sink, destination = create_sink(
        algorithm, parameters, context, output_name, fields, source.wkbType(), source.sourceCrs()
    )
    return sink, destination, fields, kept


def _appended_feature(feature, fields, kept, values, index):
    """`feature`'s kept attributes and geometry with the columns' values at `index`."""
    attributes = feature.attributes()
    out = QgsFeature(fields)
    out.setAttributes([attributes[i] for i in kept] + [to_attribute(column[index]) for column in values])
    if feature.hasGeometry():
        out.setGeometry(feature.geometry())
    return out


def feature_batches(source, request=None):
    """(first row, 1-based, [features]) of `source` in order, TARGET_BATCH at
    a time: a block model of millions of targets is never held whole."""
    batch, first_row = [], 1
    for feature in source.getFeatures(request or QgsFeatureRequest()):
        batch.append(feature)
        if len(batch) == TARGET_BATCH:
            yield first_row, batch
            first_row += len(batch)
            batch = []
    if batch:
        yield first_row, batch


def batch_xyz(features, label, first_row):
    """(n, 3) coordinates of a batch of point features, rows numbered from `first_row`."""
    return point_xyz([feature.geometry() if feature.hasGeometry() else None for feature in features], label,
                     first_row)


def batch_columns(source, features, names, label=None):
    """{field: list of raw values} of a batch of `source`'s features, as `read_columns` gives a whole layer's."""
    require_fields(source, names, label)
    indices = [source.fields().lookupField(name) for name in names]
    return {name: [plain_value(feature.attributes()[index]) for feature in features]
            for name, index in zip(names, indices)}


def batch_numeric(source, features, names, label, first_row, **numeric_options):
    """{field: NumericColumn} of a batch of `source`'s features, rows numbered from `first_row` in an error."""
    return {name: parse_numeric(values, label, name, first_row=first_row, **numeric_options)
            for name, values in batch_columns(source, features, names, label).items()}


class SuspiciousValues:
    """`warn_suspicious` for a layer read in batches: each field's cells read
    as thousands counted over the whole layer, against the median of the
    other values (of at most OTHERS_KEPT of them, every k-th row), one warning
    per field at the end."""

    OTHERS_KEPT = 100_000

    def __init__(self, label, total_rows):
        self.label = label
        self.stride = max(1, int(total_rows) // self.OTHERS_KEPT)
        self.fields = {}

    def add(self, parsed, first_row):
        """Take a batch's {field: NumericColumn}, its first row being the layer's `first_row`."""
        for name, column in parsed.items():
            sampled = (first_row - 1 + np.arange(len(column.values))) % self.stride == 0
            seen = self.fields.setdefault(name, {"count": 0, "first": None, "smallest": np.inf, "others": []})
            flags = column.thousands
            if flags.any():
                rows = np.flatnonzero(flags)
                seen["count"] += len(rows)
                if seen["first"] is None:
                    seen["first"] = (first_row + int(rows[0]), float(column.values[rows[0]]))
                seen["smallest"] = min(seen["smallest"], float(np.min(np.abs(column.values[flags]))))
            seen["others"].append(column.values[sampled & ~flags & np.isfinite(column.values)])

    def warn(self, feedback):
        for name, seen in self.fields.items():
            if seen["count"]:
                message = thousands_message(self.label, name, seen["count"], *seen["first"], seen["smallest"],
                                            np.concatenate(seen["others"]))
                if message:
                    feedback.pushWarning(message)


def scan_points(source, label, feedback=None):
    """(feature count, the first row without a z or None, whether any point
    has a z) of a point layer, every geometry checked (an error names its
    row) before any output exists."""
    request = QgsFeatureRequest().setNoAttributes()
    count, first_without_z, any_z = 0, None, False
    for first_row, features in feature_batches(source, request=request):
        if feedback is not None:
            check_cancelled(feedback.isCanceled)
        has_z = np.isfinite(batch_xyz(features, label, first_row)[:, 2])
        if first_without_z is None and not has_z.all():
            first_without_z = first_row + int(np.flatnonzero(~has_z)[0])
        any_z = any_z or bool(has_z.any())
        count += len(features)
    return count, first_without_z, any_z


def write_appended_batches(algorithm, parameters, context, output_name, source, estimate, feedback=None,
                           progress=None):
    """`write_appended` one batch of `source` at a time: `estimate(first_row,
    features)` gives the batch's columns ({name: (kind, values)}, the same
    names each batch), and the batch is written before the next is read, so
    memory is that of one batch whatever the layer's size. The sink is staged
    (`create_sink`): a batch that fails leaves nothing under the output's name.
    `progress`: a `base.BatchProgress`, told when a batch is begun, every
    1000 rows written and when it is written."""
    sink = destination = fields = kept = None
    for first_row, features in feature_batches(source):
        if feedback is not None:
            check_cancelled(feedback.isCanceled)
        if progress is not None:
            progress.begun(first_row)
        columns = estimate(first_row, features)
        if sink is None:
            sink, destination, fields, kept = _appended_sink(algorithm, parameters, context, output_name, source,
                                                             columns)
        values = [column for _, column in columns.values()]
        for offset, feature in enumerate(features):
            if offset % 1000 == 0 and feedback is not None:
                check_cancelled(feedback.isCanceled)
                if progress is not None:
                    progress.written(first_row, offset, len(features))
            add_feature(sink, _appended_feature(feature, fields, kept, values, offset), first_row + offset,
                        destination)
        if feedback is not None:
            check_cancelled(feedback.isCanceled)
        if progress is not None:
            progress.written(first_row, len(features), len(features))
    if sink is None:
        raise QgsProcessingException(f"{layer_label(source)}: the layer has no features")
    return destination


def require_crs(crs, label):
    if crs is None or not crs.isValid():
        raise QgsProcessingException(f"{label}: the layer has no coordinate reference system; set one first")


def xyz_in_crs(xyz, from_crs, to_crs, context, feedback, label):
    """Reproject (n, 3) coordinates when two layers disagree on CRS, with a notice;
    a layer without CRS is an error, since a silent mismatch misplaces every point."""
    from qgis.core import QgsCoordinateTransform, QgsPointXY

    require_crs(from_crs, label)
    require_crs(to_crs, "reference layer")
    if from_crs == to_crs:
        return xyz
    if feedback is not None:
        feedback.pushInfo(f"{label}: reprojected from {from_crs.authid()} to {to_crs.authid()}")
    transform = QgsCoordinateTransform(from_crs, to_crs, context.transformContext())
    out = np.array(xyz, dtype=float)
    for row in range(len(out)):
        point = transform.transform(QgsPointXY(out[row, 0], out[row, 1]))
        out[row, 0], out[row, 1] = point.x(), point.y()
    return out


def read_points_with_fields(source, names, label=None, feedback=None, **numeric_options):
    """(xyz, {field: values}) of a point layer, numeric fields parsed and checked."""
    label = label or layer_label(source)
    require_features(source, label)
    columns, geometries, _ = read_columns(source, names, feedback, label)
    parsed = {name: parse_numeric(column, label, name, **numeric_options) for name, column in columns.items()}
    warn_suspicious(parsed, label, feedback)
    return point_xyz(geometries, label), {name: column.values for name, column in parsed.items()}


def save_layer_metadata(layer, metadata):
    """Attach metadata to an output layer so it travels with the file (GeoPackage
    stores it in gpkg_metadata); a memory layer keeps it for the session."""
    from qgis.core import QgsDataProvider, QgsProviderRegistry

    layer.setMetadata(metadata)
    if layer.providerType() != "ogr":
        return
    registry = QgsProviderRegistry.instance()
    parts = registry.decodeUri("ogr", layer.source())
    if not parts.get("layerName"):
        sublayers = layer.dataProvider().subLayers()
        if sublayers:
            parts["layerName"] = sublayers[0].split(QgsDataProvider.SUBLAYER_SEPARATOR)[1]
    registry.saveLayerMetadata("ogr", registry.encodeUri("ogr", parts), metadata)


def read_shapely(source, names, target_crs, context, feedback=None, label=None):
    """(shapely geometries, {field: raw values}) of a polygon or line layer, in
    `target_crs`: a layer in another CRS is reprojected with a notice and one
    without a CRS is an error. A feature without geometry is None."""
    import shapely
    from qgis.core import QgsCoordinateTransform

    label = label or layer_label(source)
    require_features(source, label)
    require_crs(source.sourceCrs(), label)
    require_crs(target_crs, "reference layer")
    columns, geometries, _ = read_columns(source, names, feedback, label)
    transform = None
    if source.sourceCrs() != target_crs:
        if feedback is not None:
            feedback.pushInfo(f"{label}: reprojected from {source.sourceCrs().authid()} to {target_crs.authid()}")
        transform = QgsCoordinateTransform(source.sourceCrs(), target_crs, context.transformContext())
    shapes = []
    for geometry in geometries:
        if geometry is None or geometry.isNull() or geometry.isEmpty():
            shapes.append(None)
            continue
        geometry = QgsGeometry(geometry)
        if transform is not None:
            geometry.transform(transform)
        shapes.append(shapely.from_wkb(bytes(geometry.asWkb())))
    return shapes, columns


def write_table(algorithm, parameters, context, output_name, spec, rows):
    """A table without geometry (CSV, GeoPackage, ...) from `spec`
    [(name, kind)] and rows of values in that order."""
    fields = qgs_fields(spec)
    sink, destination = create_sink(algorithm, parameters, context, output_name, fields, QgsWkbTypes.NoGeometry)
    for number, row in enumerate(rows, start=1):
        feature = QgsFeature(fields)
        feature.setAttributes([to_attribute(value) for value in row])
        add_feature(sink, feature, number, destination)
    return destination
