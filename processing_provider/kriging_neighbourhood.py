"""What ordinary and indicator kriging share in the Processing dialog: the
samples, targets and search neighbourhood parameters and how they are read.
A mixin rather than a base algorithm, so MIK is not an OK that happens to
override everything (and picks up no OK parameter by accident)."""
import numpy as np
from qgis.core import (
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .layer_io import layer_label, read_columns, read_points_with_fields, xyz_in_crs


class KrigingNeighbourhoodMixin:
    """Mixed into a `REEGradeAlgorithm`: parameter keys, declarations and
    readers of the samples, targets and search neighbourhood."""

    INPUT = "INPUT"
    GRADE_FIELD = "GRADE_FIELD"
    HOLE_FIELD = "HOLE_FIELD"
    TARGETS = "TARGETS"
    TEMPLATE = "TEMPLATE"
    TEMPLATE_ELEVATION = "TEMPLATE_ELEVATION"
    SEARCH_MAJOR = "SEARCH_MAJOR"
    SEARCH_SEMI = "SEARCH_SEMI"
    SEARCH_MINOR = "SEARCH_MINOR"
    SEARCH_AZIMUTH = "SEARCH_AZIMUTH"
    SEARCH_DIP = "SEARCH_DIP"
    SEARCH_RAKE = "SEARCH_RAKE"
    MIN_SAMPLES = "MIN_SAMPLES"
    MAX_SAMPLES = "MAX_SAMPLES"
    MAX_PER_HOLE = "MAX_PER_HOLE"
    BLOCK_SIZE = "BLOCK_SIZE"
    DISCRETISATION = "DISCRETISATION"

    def add_sample_parameters(self):
        """Samples, grade field and the (optional) hole id field."""
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples (points)")))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole id field (for max per hole)"), parentLayerParameterName=self.INPUT,
            optional=True,
        ))

    def add_target_parameters(self):
        """Target points and/or a raster template (at an optional elevation)."""
        self.addParameter(QgsProcessingParameterFeatureSource(self.TARGETS, self.tr("Target points"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(self.TEMPLATE, self.tr("Raster template"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.TEMPLATE_ELEVATION, self.tr("Template elevation (3D kriging)"), QgsProcessingParameterNumber.Double,
            optional=True,
        ))

    def add_neighbourhood_parameters(self):
        """Search ellipse, sample counts and block support; the orientation
        angles, the cap per hole and the discretisation are expert settings."""
        double = QgsProcessingParameterNumber.Double
        integer = QgsProcessingParameterNumber.Integer
        for name, label in ((self.SEARCH_MAJOR, "Search radius, major (0 = unlimited)"),
                            (self.SEARCH_SEMI, "Search radius, semi-major"),
                            (self.SEARCH_MINOR, "Search radius, minor")):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), double, 0.0, minValue=0.0))
        for name, label in ((self.SEARCH_AZIMUTH, "Search azimuth"), (self.SEARCH_DIP, "Search dip (positive up)"),
                            (self.SEARCH_RAKE, "Search rake")):
            self.add_advanced(QgsProcessingParameterNumber(name, self.tr(label), double, 0.0))
        self.addParameter(
            QgsProcessingParameterNumber(self.MIN_SAMPLES, self.tr("Minimum samples"), integer, 4, minValue=1))
        self.addParameter(
            QgsProcessingParameterNumber(self.MAX_SAMPLES, self.tr("Maximum samples"), integer, 24, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.MAX_PER_HOLE, self.tr("Maximum samples per hole (0 = no cap)"), integer, 0, minValue=0))
        self.addParameter(QgsProcessingParameterString(
            self.BLOCK_SIZE, self.tr("Block size 'dx, dy, dz' (empty = point)"), "", optional=True))
        self.add_advanced(QgsProcessingParameterString(
            self.DISCRETISATION, self.tr("Block discretisation 'nx, ny, nz'"), "4, 4, 2"))

    def parameter_problem(self, parameters, context):
        """The neighbourhood's cross-parameter checks, through the base class's hook."""
        min_samples = self.parameterAsInt(parameters, self.MIN_SAMPLES, context)
        max_samples = self.parameterAsInt(parameters, self.MAX_SAMPLES, context)
        if min_samples > max_samples:
            return self.tr("The minimum number of samples ({0}) exceeds the maximum ({1})").format(
                min_samples, max_samples)
        if self.max_per_hole(parameters, context) and not self.parameterAsString(parameters, self.HOLE_FIELD, context):
            return self.tr("A maximum per hole needs the hole id field")
        return super().parameter_problem(parameters, context)

    def support(self, parameters, context):
        """(block size or None for point support, discretisation points per axis)."""
        from ..algorithms.common.parsing import parse_numbers

        block = parse_numbers(self.parameterAsString(parameters, self.BLOCK_SIZE, context), "block size") or None
        if block is not None and len(block) not in (2, 3):
            raise ValueError(self.tr("block size: give 'dx, dy' or 'dx, dy, dz'"))
        discretisation = [int(n) for n in parse_numbers(
            self.parameterAsString(parameters, self.DISCRETISATION, context), "block discretisation", 3)]
        if block is not None and len(block) == 2:
            block, discretisation = block + [0.0], discretisation[:2] + [1]
        return block, discretisation

    def search(self, parameters, context):
        """The search ellipse, or None (major radius 0: nearest samples at any distance)."""
        from ..algorithms.geostats.neighbourhood import SearchEllipse

        radii = [self.parameterAsDouble(parameters, n, context)
                 for n in (self.SEARCH_MAJOR, self.SEARCH_SEMI, self.SEARCH_MINOR)]
        if radii[0] <= 0:
            return None
        radii = [r if r > 0 else radii[0] for r in radii]
        angles = [self.parameterAsDouble(parameters, n, context)
                  for n in (self.SEARCH_AZIMUTH, self.SEARCH_DIP, self.SEARCH_RAKE)]
        return SearchEllipse(radii, angles)

    def max_per_hole(self, parameters, context):
        return self.parameterAsInt(parameters, self.MAX_PER_HOLE, context) or None

    def holes(self, parameters, context, samples, label):
        """Hole ids of the samples as strings, or None without a hole field."""
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        if self.max_per_hole(parameters, context) and not hole_field:
            raise ValueError(self.tr("A maximum per hole needs the hole id field"))
        if not hole_field:
            return None
        columns, _, _ = read_columns(samples, [hole_field], label=label)
        return ["" if v is None else str(v) for v in columns[hole_field]]

    def point_targets(self, context, feedback, xyz, samples, targets, label):
        """(sample xyz, target xyz) in the samples' CRS, both 3D or both flat."""
        t_label = layer_label(targets)
        t_xyz, _ = read_points_with_fields(targets, [], t_label, feedback)
        t_xyz = xyz_in_crs(t_xyz, targets.sourceCrs(), samples.sourceCrs(), context, feedback, t_label)
        return self.dimension(xyz, t_xyz, label, feedback)

    def template_targets(self, parameters, context, feedback, xyz, samples, template, label):
        """(template profile, sample xyz, cell-centre xyz) in the template's CRS,
        at TEMPLATE ELEVATION when given (3D), else flat."""
        from ..algorithms.io.raster import template_grid

        s_xyz = xyz_in_crs(xyz, samples.sourceCrs(), template.crs(), context, feedback, label)
        profile, gx, gy = template_grid(template.source())
        elevation = self.optional_double(parameters, self.TEMPLATE_ELEVATION, context)
        gz = np.full(len(gx), np.nan if elevation is None else elevation)
        s_xyz, t_xyz = self.dimension(s_xyz, np.column_stack([gx, gy, gz]), label, feedback)
        return profile, s_xyz, t_xyz

    def dimension(self, s_xyz, t_xyz, label, feedback):
        """3D only when samples and targets all have z; otherwise both go flat."""
        if np.all(np.isfinite(s_xyz[:, 2])) and np.all(np.isfinite(t_xyz[:, 2])):
            return s_xyz, t_xyz
        if np.any(np.isfinite(s_xyz[:, 2])):
            feedback.pushWarning(self.tr("{0}: targets without z, kriging in 2D (sample z ignored)").format(label))
        s_xyz, t_xyz = s_xyz.copy(), t_xyz.copy()
        s_xyz[:, 2] = 0.0
        t_xyz[:, 2] = 0.0
        return s_xyz, t_xyz
