"""reegrade:composite — length-weighted fixed-length composites within holes
(and domains)."""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)

from ..algorithms.drillholes.composite import RESIDUAL_RULES, composite, locate_composites
from ..algorithms.drillholes.geometry import azimuth_dip
from ..algorithms.drillholes.tables import (
    FROM_NAMES,
    HOLE_NAMES,
    TO_NAMES,
    Table,
    read_attributes,
)
from .base import REEGradeAlgorithm
from .layer_io import (
    create_sink,
    field_names,
    layer_label,
    point_geometry,
    point_xyz,
    qgs_fields,
    read_columns,
    require_features,
    write_rows,
)

# Recomputed for every composite, or the GeoPackage feature id: never averaged.
GENERATED = ("length_m", "coverage", "azimuth", "dip", "fid")


class CompositeAlgorithm(REEGradeAlgorithm):
    NAME = "composite"
    DISPLAY_NAME = "Composite drillhole samples"
    GROUP = "preparation"
    HELP = (
        "Length-weighted compositing to a fixed length within each hole, and optionally within a domain: a "
        "change of the [DOMAIN] field's value down the hole starts a new run, and composites never straddle it. "
        "Composites are laid from the top of each run (the first sample's from depth).\n\n"
        "Input: the desurveyed points of reegrade:desurvey (the usual chain: desurvey, composite, treo) or a "
        "plain interval table, with hole id, from and to fields (found by name when left empty: hole_id/"
        "holeid/BHID/hole, from_m/from/depth_from, to_m/to/depth_to). Samples must not overlap.\n\n"
        "Grades: each of [FIELDS] (when none is chosen: every field typed as numbers, or whose filled cells are "
        "mostly numbers, as in a lab CSV) is averaged with weights equal to the overlap length of the samples "
        "where that field has a value: a missing assay lowers the field's support, it is never counted as "
        "zero. Values still written '<0.5' or '-0.5' are resolved by [BELOW_DETECTION] (half the limit, zero or "
        "missing) and [MISSING_CODES] become missing, as in reegrade:desurvey. Other text fields get the value "
        "covering most of the composite.\n\n"
        "[RESIDUAL]: the end piece of a run shorter than [LENGTH] is kept as a short composite; discarded when "
        "shorter than [RESIDUAL_THRESHOLD] % of [LENGTH] (kept otherwise); merged into the previous composite when "
        "shorter than the threshold (kept otherwise); or every run is divided into equal composites of the "
        "length closest to [LENGTH] (distribute). [MIN_COVERAGE]: composites whose sampled length is less than "
        "this % of their length (gaps, unsampled core) are dropped.\n\n"
        "Output: hole_id, from_m, to_m, length_m, coverage (sampled fraction of the length, 0-1), the domain, "
        "the composited fields and, for points, azimuth and dip (negative downwards) at the composite "
        "midpoint, which is placed along the hole between the input midpoints of the same hole (by minimum "
        "curvature when the input has azimuth and dip fields, else along the chord) and extended straight "
        "beyond the first and last.\n\n"
        "Reference: Sinclair, A.J. & Blackwell, G.H. (2002), Applied Mineral Inventory Estimation, Cambridge "
        "University Press, section 6.4 (compositing)."
    )

    PARAMETER_HELP = {
        "INPUT": "The desurveyed points of Desurvey drillholes, or an interval table with hole id, from and to.",
        "HOLE_FIELD": "The hole id; found by its usual names (hole_id, holeid, BHID, hole) when left empty.",
        "FROM": "The interval's from depth along the hole (m); found by name (from_m, from, depth_from) when left "
                "empty.",
        "TO": "The interval's to depth along the hole (m); found by name (to_m, to, depth_to) when left empty.",
        "DOMAIN": "Optional domain or lithology code: a change of its value down the hole starts a new run, and no "
                  "composite straddles it.",
        "FIELDS": "The grades to average by length; when none is chosen, every numeric field.",
        "LENGTH": "The length of each composite along the hole, in metres (often the bench height).",
        "RESIDUAL": "What becomes of the end piece of a run that is shorter than the composite length.",
        "RESIDUAL_THRESHOLD": "The end piece's length, in % of the composite length, below which it is discarded or "
                              "merged.",
        "MIN_COVERAGE": "Composites whose sampled length is less than this % of their length (gaps, unsampled core) "
                        "are dropped.",
        "OUTPUT": "One feature per composite with hole_id, from_m, to_m, length_m, coverage and the composited fields.",
    }

    INPUT = "INPUT"
    HOLE_FIELD = "HOLE_FIELD"
    FROM = "FROM"
    TO = "TO"
    DOMAIN = "DOMAIN"
    FIELDS = "FIELDS"
    LENGTH = "LENGTH"
    RESIDUAL = "RESIDUAL"
    RESIDUAL_THRESHOLD = "RESIDUAL_THRESHOLD"
    MIN_COVERAGE = "MIN_COVERAGE"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Samples (desurveyed points or intervals)"), [QgsProcessing.TypeVector]
            )
        )
        for name, label in (
            (self.HOLE_FIELD, "Hole id field"),
            (self.FROM, "From field"),
            (self.TO, "To field"),
            (self.DOMAIN, "Domain field"),
        ):
            self.addParameter(
                QgsProcessingParameterField(name, self.tr(label), parentLayerParameterName=self.INPUT, optional=True)
            )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Fields to composite (all numeric when empty)"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            )
        )
        double = QgsProcessingParameterNumber.Double
        self.addParameter(
            QgsProcessingParameterNumber(self.LENGTH, self.tr("Composite length (m)"), double, 2.0, minValue=0.001)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.RESIDUAL,
                self.tr("Residual end piece"),
                options=[
                    self.tr("Keep as a short composite"),
                    self.tr("Discard if shorter than the threshold"),
                    self.tr("Merge into the previous composite if shorter than the threshold"),
                    self.tr("Distribute: equal lengths closest to the composite length"),
                ],
                defaultValue=1,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.RESIDUAL_THRESHOLD,
                self.tr("Residual threshold (% of length)"),
                double,
                50.0,
                minValue=0.0,
                maxValue=100.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MIN_COVERAGE, self.tr("Minimum coverage (%)"), double, 50.0, minValue=0.0, maxValue=100.0
            )
        )
        self.add_below_detection_parameters()
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Composites")))

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        available = field_names(source)
        names = self._names(parameters, context, source, label)
        columns, geometries, _ = read_columns(source, available, feedback, label)
        table = Table(label, columns)
        holes = table.hole_ids(names["hole"])
        start = table.required_numbers(names["from"], "the from depth")
        end = table.required_numbers(names["to"], "the to depth")
        numeric, text = self._values(parameters, context, source, table, names, feedback)
        domain = columns[names["domain"]] if names["domain"] else None
        progress, should_stop = self.progress_callbacks(feedback, 10, 70)
        result = composite(
            label,
            holes,
            start,
            end,
            numeric,
            text,
            domain,
            length=self.parameterAsDouble(parameters, self.LENGTH, context),
            residual=RESIDUAL_RULES[self.parameterAsEnum(parameters, self.RESIDUAL, context)],
            threshold=self.parameterAsDouble(parameters, self.RESIDUAL_THRESHOLD, context) / 100.0,
            min_coverage=self.parameterAsDouble(parameters, self.MIN_COVERAGE, context) / 100.0,
            progress=progress,
            should_stop=should_stop,
            depth_columns=(names["from"], names["to"]),
        )
        if not result["hole"]:
            raise QgsProcessingException(self.tr("{0}: no composite reaches the minimum coverage").format(label))
        if result["dropped"]:
            feedback.pushInfo(self.tr("{0} composite(s) below the minimum coverage dropped").format(result["dropped"]))
        is_points = QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.PointGeometry
        located = self._locate(source, columns, geometries, holes, start, end, result, feedback) if is_points else None
        return {self.OUTPUT: self._write(parameters, context, feedback, source, names, result, located)}

    def _names(self, parameters, context, source, label):
        names = self.resolve_fields(
            parameters,
            context,
            field_names(source),
            label,
            [
                ("hole", self.HOLE_FIELD, HOLE_NAMES, "hole id", True),
                ("from", self.FROM, FROM_NAMES, "from depth", True),
                ("to", self.TO, TO_NAMES, "to depth", True),
            ],
        )
        names["domain"] = self.parameterAsString(parameters, self.DOMAIN, context) or None
        return names

    def _values(self, parameters, context, source, table, names, feedback):
        """({field: floats} to average, {field: texts} to carry by dominance):
        the chosen fields must be numbers; otherwise every field that reads
        as numbers (typed so, or mostly numbers) is averaged."""
        reserved = {name for name in names.values() if name} | set(GENERATED)
        candidates = [
            f.name() for f in source.fields() if f.name() not in reserved and f.name().lower() not in reserved
        ]
        chosen = self.parameterAsFields(parameters, self.FIELDS, context)
        typed = {f.name(): "double" for f in source.fields() if f.isNumeric() or f.name() in chosen}
        notices = []
        attributes, _ = read_attributes(table, candidates, typed, notices=notices,
                                        **self.below_detection_options(parameters, context))
        for notice in notices:
            feedback.pushWarning(notice)
        numeric = {
            name: values
            for name, (kind, values) in attributes.items()
            if kind == "double" and (not chosen or name in chosen)
        }
        text = {name: values for name, (kind, values) in attributes.items() if kind == "string"}
        return numeric, text

    def _locate(self, source, columns, geometries, holes, start, end, result, feedback):
        label = layer_label(source)
        points, directions, vertical = locate_composites(
            label, columns, point_xyz(geometries, label), holes, start, end, result
        )
        if vertical:
            feedback.pushWarning(
                self.tr("{0} hole(s) with a single sample and no azimuth/dip are taken as vertical").format(vertical)
            )
        return points, directions

    def _write(self, parameters, context, feedback, source, names, result, located):
        spec = [
            ("hole_id", "string"),
            ("from_m", "double"),
            ("to_m", "double"),
            ("length_m", "double"),
            ("coverage", "double"),
        ]
        columns = [result["hole"], result["from"], result["to"], result["length"], result["coverage"]]
        if names["domain"]:
            spec.append((names["domain"], "string"))
            columns.append(["" if v is None else str(v) for v in result["domain"]])
        spec += [(name, "double") for name in result["numeric"]] + [(name, "string") for name in result["text"]]
        columns += list(result["numeric"].values()) + list(result["text"].values())
        if located is not None:
            azimuth, dip = azimuth_dip(located[1])
            spec += [("azimuth", "double"), ("dip", "double")]
            columns += [azimuth, dip]
            geometries = [point_geometry(x, y, z) for x, y, z in located[0]]
            wkb, crs = QgsWkbTypes.PointZ, source.sourceCrs()
        else:
            geometries = [None] * len(result["hole"])
            wkb, crs = QgsWkbTypes.NoGeometry, QgsCoordinateReferenceSystem()
        fields = qgs_fields(spec)
        sink, destination = create_sink(self, parameters, context, self.OUTPUT, fields, wkb, crs)
        write_rows(sink, fields, list(zip(*columns)), geometries, feedback, destination)
        feedback.pushInfo(self.tr("{0} composites in {1} holes").format(len(result["hole"]), len(set(result["hole"]))))
        return destination
