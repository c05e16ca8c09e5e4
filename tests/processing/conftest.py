"""Fixtures of the tests that run through QGIS: the registered provider,
processing.run, and memory layers built from plain Python values."""
import math

import pytest


@pytest.fixture(scope="session")
def provider(qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from ree_grade.processing_provider.provider import REEGradeProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("reegrade") is None:
        registry.addProvider(REEGradeProvider())
    return registry.providerById("reegrade")


@pytest.fixture
def run_algorithm(provider):
    """Run `reegrade:<name>` through processing.run and return its results."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    def run(name, parameters, feedback=None):
        context = QgsProcessingContext()
        return processing.run(
            f"reegrade:{name}", parameters, context=context, feedback=feedback or QgsProcessingFeedback()
        )

    return run


FIELD_TYPES = ("double", "integer", "string")


def _field_specs(fields):
    """[(name, type)] from {name: type} or ["name:type", ...] (type defaults to double)."""
    items = fields.items() if isinstance(fields, dict) else (
        tuple(spec.split(":", 1)) if ":" in spec else (spec, "double") for spec in fields
    )
    specs = [(name, kind) for name, kind in items]
    for name, kind in specs:
        if kind not in FIELD_TYPES:
            raise ValueError(f"memory_layer: field {name!r} has type {kind!r}; use one of {FIELD_TYPES}")
    return specs


def _attribute(value, kind, keep_nan=False):
    """A Python value QGIS stores as given: None and NaN become NULL (NaN stays
    NaN in a double field with keep_nan), numpy scalars become float / int, text
    stays text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if kind == "string":
        return str(value)
    number = float(value)
    if math.isnan(number):
        return number if keep_nan and kind == "double" else None
    return int(number) if kind == "integer" else number


@pytest.fixture
def memory_layer(qgis_app):
    """Build a memory layer: memory_layer(fields, rows, coords=None, crs="EPSG:32648",
    geometry=None, name="layer", keep_nan=False).

    fields: {name: type} or ["name:type", ...], type one of double / integer /
    string (double when omitted); rows: one sequence of values per feature, in
    field order (None or NaN is NULL; keep_nan stores NaN in double fields as
    NaN), or {field: column} of equal lengths; coords: one (x, y) or (x, y, z)
    or one WKT string per row, or None for a table without geometry; geometry:
    "Point" / "PointZ" / "Polygon" / "None", by default PointZ for three
    coordinates, Point for two, the WKT's own type and None without coords;
    crs: an authority id, or "" / None for a layer without a CRS."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPoint, QgsVectorLayer, QgsWkbTypes

    made = []

    def make(fields, rows=(), coords=None, crs="EPSG:32648", geometry=None, name="layer", keep_nan=False):
        specs = _field_specs(fields)
        if isinstance(rows, dict):
            columns = [list(rows[field]) for field, _ in specs]
            rows = list(zip(*columns)) if columns else []
        rows = [list(row) for row in rows]
        if coords is not None:
            coords = [point if isinstance(point, str) else tuple(float(c) for c in point) for point in coords]
            if len(coords) != len(rows) and specs:
                raise ValueError(f"memory_layer: {len(coords)} coordinates for {len(rows)} rows")
            if not specs:
                rows = [[] for _ in coords]
        if geometry is None and coords and isinstance(coords[0], str):
            geometry = QgsWkbTypes.displayString(QgsGeometry.fromWkt(coords[0]).wkbType())
        if geometry is None:
            geometry = "None" if coords is None else "PointZ" if coords and len(coords[0]) == 3 else "Point"
        options = ([f"crs={crs}"] if crs and geometry != "None" else []) + [f"field={f}:{k}" for f, k in specs]
        uri = geometry + "?" + "&".join(options)
        layer = QgsVectorLayer(uri, name, "memory")
        if not layer.isValid():
            raise ValueError(f"memory_layer: QGIS refused the layer {uri!r}")
        if not crs and geometry != "None":
            layer.setCrs(QgsCoordinateReferenceSystem())
        features = []
        for i, row in enumerate(rows):
            if len(row) != len(specs):
                raise ValueError(f"memory_layer: row {i + 1} has {len(row)} values for {len(specs)} fields")
            feature = QgsFeature(layer.fields())
            feature.setAttributes([_attribute(v, kind, keep_nan) for v, (_, kind) in zip(row, specs)])
            if coords is not None:
                point = coords[i]
                feature.setGeometry(QgsGeometry.fromWkt(point) if isinstance(point, str)
                                    else QgsGeometry(QgsPoint(*point)))
            features.append(feature)
        layer.dataProvider().addFeatures(features)
        layer.updateExtents()
        # Held until the test ends: a layer Python lets go of while QGIS still
        # runs an algorithm on it would vanish under the algorithm.
        made.append(layer)
        return layer

    yield make
    made.clear()
