"""reegrade:desurvey — collar, survey and interval tables to a PointZ layer of
interval midpoints (minimum curvature)."""

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsWkbTypes,
)

from ..algorithms.drillholes.desurvey import desurvey, survey_warnings, upward_warning
from ..algorithms.drillholes.geometry import DIP_CONVENTIONS
from ..algorithms.drillholes.tables import (
    AZIMUTH_NAMES,
    DIP_NAMES,
    FROM_NAMES,
    HOLE_NAMES,
    OVERLAP_POLICIES,
    SURVEY_DEPTH_NAMES,
    TO_NAMES,
    TOTAL_DEPTH_NAMES,
    X_NAMES,
    Y_NAMES,
    Z_NAMES,
    Table,
    read_collars,
    read_intervals,
    read_surveys,
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

LISTED_WARNINGS = 20


class DesurveyAlgorithm(REEGradeAlgorithm):
    NAME = "desurvey"
    DISPLAY_NAME = "Desurvey drillholes"
    GROUP = "preparation"
    HELP = (
        "Turns collar, downhole survey and interval (assay) tables into a PointZ layer with one point at the "
        "midpoint of every interval, in the collar CRS, carrying hole_id, from_m, to_m, every interval column "
        "and the hole's azimuth and dip at the midpoint (dip in degrees, negative downwards).\n\n"
        "Collars: a point layer (x, y from the geometry; z from the elevation field if named or found, else "
        "the geometry's z) or a plain table with x, y, z columns, whose CRS must then be given in [COLLAR_CRS]. "
        "Optional collar azimuth/dip orient holes that have no survey rows (otherwise they are vertical), and "
        "an optional total-depth field is checked against the intervals. Column parameters left empty are "
        "found by name, ignoring case: hole id hole_id/holeid/BHID/hole/DHID, from from/depth_from/mfrom, to "
        "to/depth_to/mto, survey depth depth/at/md, azimuth azimuth/azi/az/bearing, dip dip/inclination, x "
        "x/easting, y y/northing, z z/elevation/rl, total depth max_depth/eoh/depth.\n\n"
        "Path: minimum curvature between survey stations (circular arcs; dogleg beta, ratio factor "
        "RF = 2/beta tan(beta/2)); a station at depth 0 takes the first station's direction; beyond the last "
        "station the hole is extended along the last direction, with a warning per hole. Azimuths are "
        "clockwise from the grid north of the collar CRS (correct magnetic readings first). [DIP_CONVENTION]: "
        "negative downwards (-90 = vertical down, the default) or positive downwards.\n\n"
        "Interval columns: columns typed as numbers, and text columns whose filled cells are mostly numbers, "
        "are read as numbers: '<0.5' and '-0.5' are below detection and become half the limit, zero or "
        "missing ([BELOW_DETECTION]); the [MISSING_CODES] (-99, -999, -9999 by default) become missing; any other "
        "text in such a column is an error naming table, column and row. Other columns are carried as text.\n\n"
        "Checks (an error names table, column and row, and nothing is written): empty tables, hole ids "
        "missing from the collar table, from >= to, negative depths, text in numeric columns, a collar table "
        "without CRS or with a geographic CRS, two survey stations at one depth, a turn of more than 90 degrees "
        "between stations. Exact duplicate interval rows are dropped with a notice. [OVERLAPS]: the later row "
        "(in table order) dropped, the default, since a later row overlapping an earlier one is usually a re-assay "
        "or a re-sampled run written over the original (the bundled sample has 103 such pairs, Copper Creek "
        "155); both kept; or an error. Each is reported with hole and depths, and a warning counts the rows. "
        "The log lists the column used for each role and whether it was given or found by name. The import "
        "dialog (plugin menu) shows every problem of the tables first, with a fix for each kind.\n\n"
        "Reference: Sawaryn, S.J. & Thorogood, J.L. (2005), A compendium of directional calculations based on "
        "the minimum curvature method, SPE Drilling & Completion 20(1)."
    )

    PARAMETER_HELP = {
        "COLLARS": "One row per drillhole: a point layer (x, y from the geometry) or a plain table with x, y, z "
                   "columns, in a projected CRS in metres.",
        "COLLAR_HOLE": "The hole id in the collar table, matched to the survey and interval tables as text; empty "
                       "finds hole_id, holeid, BHID, hole or DHID.",
        "COLLAR_X": "Easting of the collar, for a table or to override a point layer's geometry; empty finds x or "
                    "easting (a point layer uses its geometry).",
        "COLLAR_Y": "Northing of the collar, as the x field; empty finds y or northing.",
        "COLLAR_Z": "Collar elevation (m); empty finds z, elevation or rl, else takes the point geometry's z.",
        "COLLAR_AZIMUTH": "Collar azimuth (degrees from grid north) for holes without survey rows; empty finds "
                          "azimuth, azi, az or bearing. Holes with neither are vertical.",
        "COLLAR_DIP": "Collar dip (degrees, in the chosen dip convention) for holes without survey rows; empty "
                      "finds dip or inclination.",
        "COLLAR_DEPTH": "Total (end-of-hole) depth (m); a hole whose intervals go deeper is warned of. Empty "
                        "finds max_depth, eoh or depth.",
        "COLLAR_CRS": "The CRS of the x, y columns of a collar table (a projected CRS in metres); not needed for "
                      "a point layer, whose own CRS is used.",
        "SURVEYS": "Downhole survey stations (hole id, depth, azimuth, dip); without them every hole follows "
                   "its collar direction or is vertical.",
        "SURVEY_HOLE": "The hole id in the survey table; empty finds hole_id, holeid, BHID, hole or DHID.",
        "SURVEY_DEPTH": "Downhole (along-hole) depth of each station (m); empty finds depth, at or md.",
        "SURVEY_AZIMUTH": "Azimuth at each station, degrees clockwise from the collar CRS's grid north (correct "
                          "magnetic readings first); empty finds azimuth, azi, az or bearing.",
        "SURVEY_DIP": "Dip at each station, in the chosen dip convention; empty finds dip or inclination.",
        "INTERVALS": "The sampled intervals (assays, logging): hole id, from, to and any other columns, all "
                     "carried to the output points.",
        "INTERVAL_HOLE": "The hole id in the interval table; empty finds hole_id, holeid, BHID, hole or DHID.",
        "FROM": "Downhole depth (m) where the interval starts; empty finds from, depth_from or mfrom.",
        "TO": "Downhole depth (m) where the interval ends, greater than its start; empty finds to, depth_to or "
              "mto.",
        "DIP_CONVENTION": "How dips are signed in the collar and survey tables: negative downwards (-90 = "
                          "vertical down, the default) or positive downwards (90 = down), as some loggers write.",
        "OVERLAPS": "What to do with intervals of one hole that overlap: drop the later row (default, usually a "
                    "re-assay written over the original), keep both, or stop with an error to fix the table.",
        "OUTPUT": "One PointZ per interval midpoint with hole_id, from_m, to_m, every interval column and the "
                  "hole's azimuth and dip there.",
    }

    COLLARS = "COLLARS"
    COLLAR_HOLE = "COLLAR_HOLE"
    COLLAR_X = "COLLAR_X"
    COLLAR_Y = "COLLAR_Y"
    COLLAR_Z = "COLLAR_Z"
    COLLAR_AZIMUTH = "COLLAR_AZIMUTH"
    COLLAR_DIP = "COLLAR_DIP"
    COLLAR_DEPTH = "COLLAR_DEPTH"
    COLLAR_CRS = "COLLAR_CRS"
    SURVEYS = "SURVEYS"
    SURVEY_HOLE = "SURVEY_HOLE"
    SURVEY_DEPTH = "SURVEY_DEPTH"
    SURVEY_AZIMUTH = "SURVEY_AZIMUTH"
    SURVEY_DIP = "SURVEY_DIP"
    INTERVALS = "INTERVALS"
    INTERVAL_HOLE = "INTERVAL_HOLE"
    FROM = "FROM"
    TO = "TO"
    DIP_CONVENTION = "DIP_CONVENTION"
    OVERLAPS = "OVERLAPS"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        vector = [QgsProcessing.TypeVector]
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.COLLARS, self.tr("Collars (points or table)"), vector)
        )
        for name, label in (
            (self.COLLAR_HOLE, "Collar hole id field"),
            (self.COLLAR_X, "Collar x field (tables)"),
            (self.COLLAR_Y, "Collar y field (tables)"),
            (self.COLLAR_Z, "Collar elevation field"),
            (self.COLLAR_AZIMUTH, "Collar azimuth field"),
            (self.COLLAR_DIP, "Collar dip field"),
            (self.COLLAR_DEPTH, "Collar total depth field"),
        ):
            self._field(name, label, self.COLLARS)
        self.addParameter(
            QgsProcessingParameterCrs(self.COLLAR_CRS, self.tr("Collar CRS (for a table)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.SURVEYS, self.tr("Downhole surveys"), vector, optional=True)
        )
        for name, label in (
            (self.SURVEY_HOLE, "Survey hole id field"),
            (self.SURVEY_DEPTH, "Survey depth field"),
            (self.SURVEY_AZIMUTH, "Survey azimuth field"),
            (self.SURVEY_DIP, "Survey dip field"),
        ):
            self._field(name, label, self.SURVEYS)
        self.addParameter(QgsProcessingParameterFeatureSource(self.INTERVALS, self.tr("Intervals (assays)"), vector))
        for name, label in (
            (self.INTERVAL_HOLE, "Interval hole id field"),
            (self.FROM, "From field"),
            (self.TO, "To field"),
        ):
            self._field(name, label, self.INTERVALS)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.DIP_CONVENTION,
                self.tr("Dip convention"),
                options=[self.tr("Negative downwards (-90 = down)"), self.tr("Positive downwards (90 = down)")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.OVERLAPS,
                self.tr("Overlapping intervals"),
                options=[self.tr("Error"), self.tr("Keep both"), self.tr("Drop the later row")],
                defaultValue=2,
            )
        )
        self.add_below_detection_parameters()
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                self.OUTPUT, self.tr("Desurveyed intervals"), QgsProcessing.TypeVectorPoint
            )
        )

    def _field(self, name, label, parent):
        self.addParameter(
            QgsProcessingParameterField(name, self.tr(label), parentLayerParameterName=parent, optional=True)
        )

    def process(self, parameters, context, feedback):
        convention = DIP_CONVENTIONS[self.parameterAsEnum(parameters, self.DIP_CONVENTION, context)]
        collars, crs = self._collars(parameters, context, feedback, convention)
        surveys = self._surveys(parameters, context, feedback, collars, convention)
        intervals = self._intervals(parameters, context, feedback, collars)
        progress, should_stop = self.progress_callbacks(feedback, 30, 90)
        located = desurvey(collars, surveys, intervals, progress, should_stop)
        for message in intervals["notices"]:
            feedback.pushWarning(message)
        for message in located["warnings"][:LISTED_WARNINGS]:
            feedback.pushWarning(message)
        if len(located["warnings"]) > LISTED_WARNINGS:
            feedback.pushWarning(
                self.tr("... and {0} more depth warning(s)").format(len(located["warnings"]) - LISTED_WARNINGS)
            )
        upward = upward_warning(collars, surveys, convention)
        if upward:
            feedback.pushWarning(upward)
        for message in survey_warnings(collars, surveys, convention):
            feedback.pushWarning(message)
        for name, count in intervals["below_detection"].items():
            feedback.pushInfo(self.tr("'{0}': {1} value(s) below detection").format(name, count))
        unsurveyed = sum(1 for hole in set(intervals["hole"]) if hole not in surveys)
        if unsurveyed:
            feedback.pushInfo(
                self.tr("{0} hole(s) without survey rows follow the collar direction or are vertical").format(
                    unsurveyed
                )
            )
        return {self.OUTPUT: self._write(parameters, context, feedback, intervals, located, crs)}

    def _resolve(self, parameters, context, feedback, available, label, specs):
        """resolve_fields, logging which column fills each role and how it was chosen."""
        columns = self.resolve_fields(parameters, context, available, label, specs)
        used = []
        for key, parameter, _, what, _ in specs:
            if columns[key]:
                given = bool(self.parameterAsString(parameters, parameter, context))
                how = self.tr("given") if given else self.tr("found by name")
                used.append(self.tr("{0} = '{1}' ({2})").format(self.tr(what), columns[key], how))
        feedback.pushInfo(self.tr("{0}: columns used: {1}").format(label, "; ".join(used) or self.tr("none")))
        return columns

    def _table(self, parameters, name, context, feedback, names=None):
        source = self.parameterAsSource(parameters, name, context)
        if source is None:
            raise QgsProcessingException(self.tr("The {0} layer could not be loaded").format(name.lower()))
        label = layer_label(source)
        require_features(source, label)
        columns, geometries, _ = read_columns(source, names or field_names(source), feedback, label)
        return source, Table(label, columns), geometries

    def _collars(self, parameters, context, feedback, convention):
        source, table, geometries = self._table(parameters, self.COLLARS, context, feedback)
        is_points = QgsWkbTypes.geometryType(source.wkbType()) == QgsWkbTypes.PointGeometry
        columns = self._resolve(
            parameters,
            context,
            feedback,
            field_names(source),
            table.label,
            [
                ("hole", self.COLLAR_HOLE, HOLE_NAMES, "hole id", True),
                ("x", self.COLLAR_X, X_NAMES, "x", not is_points),
                ("y", self.COLLAR_Y, Y_NAMES, "y", not is_points),
                ("z", self.COLLAR_Z, Z_NAMES, "elevation", False),
                ("azimuth", self.COLLAR_AZIMUTH, AZIMUTH_NAMES, "azimuth", False),
                ("dip", self.COLLAR_DIP, DIP_NAMES, "dip", False),
                ("total_depth", self.COLLAR_DEPTH, TOTAL_DEPTH_NAMES, "total depth", False),
            ],
        )
        explicit_xy = self.parameterAsString(parameters, self.COLLAR_X, context)
        geometry_xyz = point_xyz(geometries, table.label) if is_points and not explicit_xy else None
        collars = read_collars(table, columns, convention, geometry_xyz)
        crs = self._collar_crs(parameters, context, source, table.label, is_points and not explicit_xy)
        self.warn_if_degrees(np.array([c["xyz"] for c in collars.values()]), crs, table.label, feedback)
        return collars, crs

    def _collar_crs(self, parameters, context, source, label, from_geometry):
        """Points placed by their geometry are in the layer's CRS; x/y columns
        are in COLLAR CRS when it is given, else in the layer's."""
        given = self.parameterAsCrs(parameters, self.COLLAR_CRS, context)
        layer_crs = source.sourceCrs()
        crs = layer_crs if (from_geometry and layer_crs.isValid()) or not given.isValid() else given
        if not crs.isValid():
            raise QgsProcessingException(
                self.tr("{0}: the collar table has no coordinate reference system; set COLLAR CRS").format(label)
            )
        if crs.isGeographic():
            raise QgsProcessingException(
                self.tr(
                    "{0}: the collar CRS {1} is geographic (degrees); desurveying needs a projected CRS in metres"
                ).format(label, crs.authid())
            )
        return crs

    def _surveys(self, parameters, context, feedback, collars, convention):
        if self.parameterAsSource(parameters, self.SURVEYS, context) is None:
            return {}
        source, table, _ = self._table(parameters, self.SURVEYS, context, feedback)
        columns = self._resolve(
            parameters,
            context,
            feedback,
            field_names(source),
            table.label,
            [
                ("hole", self.SURVEY_HOLE, HOLE_NAMES, "hole id", True),
                ("depth", self.SURVEY_DEPTH, SURVEY_DEPTH_NAMES, "depth", True),
                ("azimuth", self.SURVEY_AZIMUTH, AZIMUTH_NAMES, "azimuth", True),
                ("dip", self.SURVEY_DIP, DIP_NAMES, "dip", True),
            ],
        )
        return read_surveys(table, columns, collars, convention)

    def _intervals(self, parameters, context, feedback, collars):
        source = self.parameterAsSource(parameters, self.INTERVALS, context)
        # A GeoPackage's feature id is not an interval attribute.
        names = [name for name in field_names(source) if name.lower() != "fid"] if source is not None else None
        source, table, _ = self._table(parameters, self.INTERVALS, context, feedback, names)
        columns = self._resolve(
            parameters,
            context,
            feedback,
            field_names(source),
            table.label,
            [
                ("hole", self.INTERVAL_HOLE, HOLE_NAMES, "hole id", True),
                ("from", self.FROM, FROM_NAMES, "from depth", True),
                ("to", self.TO, TO_NAMES, "to depth", True),
            ],
        )
        kinds = {field.name(): "double" for field in source.fields() if field.isNumeric()}
        return read_intervals(
            table,
            columns,
            collars,
            overlap_policy=OVERLAP_POLICIES[self.parameterAsEnum(parameters, self.OVERLAPS, context)],
            kinds=kinds,
            **self.below_detection_options(parameters, context),
        )

    def _write(self, parameters, context, feedback, intervals, located, crs):
        attributes = intervals["attributes"]
        spec = [("hole_id", "string"), ("from_m", "double"), ("to_m", "double")]
        spec += [(name, kind) for name, (kind, _) in attributes.items()]
        spec += [("azimuth", "double"), ("dip", "double")]
        fields = qgs_fields(spec)
        columns = [intervals["hole"], intervals["from"], intervals["to"]]
        columns += [values for _, values in attributes.values()]
        columns += [located["azimuth"], located["dip"]]
        rows = list(zip(*columns))
        xyz = located["xyz"]
        geometries = [point_geometry(x, y, z) for x, y, z in xyz]
        sink, destination = create_sink(self, parameters, context, self.OUTPUT, fields, QgsWkbTypes.PointZ, crs)
        write_rows(sink, fields, rows, geometries, feedback, destination)
        feedback.pushInfo(self.tr("{0} interval midpoints in {1} holes").format(len(rows), len(set(intervals["hole"]))))
        return destination
