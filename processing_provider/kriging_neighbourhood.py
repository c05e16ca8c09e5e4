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

from .checks import refuse_if_too_large
from .layer_io import (
    batch_xyz,
    layer_label,
    read_columns,
    require_crs,
    require_features,
    scan_points,
    write_appended_batches,
    xyz_in_crs,
)

# Bytes held per estimated cell: coordinates, estimates, variances, the ccdf of MIK's thresholds and their copies.
CELL_BYTES = 8 * 64
# Chunks in work at once, as OrdinaryKriging processes them (threads x waves of 4).
CHUNKS_AT_ONCE = 8 * 4


def check_block_memory(discretisation, max_samples):
    """Block kriging averages covariances over every pair of discretisation points (once) and between every
    neighbour and every point (per system): 100 x 100 x 100 points would need terabytes."""
    from ..algorithms.geostats.kriging import default_chunk_size

    points = int(np.prod(discretisation))
    pairs = points * points * 8 * 4
    systems = CHUNKS_AT_ONCE * default_chunk_size(max_samples, points)
    per_systems = systems * max_samples * points * 8 * 2
    refuse_if_too_large(
        max(pairs, per_systems), f"block discretisation {' x '.join(str(n) for n in discretisation)}",
        "use fewer discretisation points per block (e.g. 4, 4, 2)")


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

    # Tooltips of the shared parameters; an algorithm mixing this in merges them into its PARAMETER_HELP.
    NEIGHBOURHOOD_HELP = {
        "INPUT": "The composited drillhole samples as points, in a projected CRS in metres; points with z give 3D "
                 "kriging.",
        "GRADE_FIELD": "The numeric grade to estimate (e.g. TREO_pct); the estimates are in its unit.",
        "HOLE_FIELD": "The drillhole id of each sample: for 'Maximum samples per hole', and for an automatic "
                      "variogram (MIK without a variogram file): in 3D its nugget then comes from the downhole "
                      "variogram wherever an orientation is found (fewer than 3 holes: isotropic, no downhole "
                      "nugget).",
        "TARGETS": "Points to estimate at, usually block centroids from reegrade:targets; written to the points "
                   "output.",
        "TEMPLATE": "A raster whose cell centres are estimated (its grid and CRS); written to the raster output.",
        "TEMPLATE_ELEVATION": "The elevation (m) at which the raster template's cells are estimated in 3D, e.g. a "
                              "bench; empty estimates the template in 2D.",
        "SEARCH_MAJOR": "Search radius (m) along the major axis of the search ellipse. Empty takes the major "
                        "range of the variogram file's longest structure (unlimited without a file); 0 drops the "
                        "ellipse and keeps the nearest samples at any distance.",
        "SEARCH_SEMI": "Search radius (m) along the semi-major axis; empty keeps the variogram's semi-major to "
                       "major range ratio.",
        "SEARCH_MINOR": "Search radius (m) along the minor axis (across the ore body); empty keeps the variogram's "
                        "minor to major range ratio.",
        "SEARCH_AZIMUTH": "Azimuth (degrees clockwise from grid north) of the search ellipse's major axis; empty "
                          "takes the variogram file's (0 without one). Change it only to search along another "
                          "trend than the model's.",
        "SEARCH_DIP": "Dip (degrees, positive up, so a plunge down is negative) of the major axis, GSLIB "
                      "convention; empty takes the variogram file's (0 without one).",
        "SEARCH_RAKE": "Rotation (degrees) of the ellipse about its major axis, GSLIB convention; empty takes the "
                       "variogram file's (0 without one).",
        "MIN_SAMPLES": "Targets with fewer samples in the search are left empty (default 4); raise it to avoid "
                       "estimates from one or two distant samples.",
        "MAX_SAMPLES": "The nearest samples kept in each kriging system (default 24); more smooths the estimate "
                       "and takes longer, fewer gives more negative weights and conditional bias.",
        "MAX_PER_HOLE": "At most this many samples from one drillhole per target (0 = no cap), so that the "
                        "estimate draws on several holes; needs the hole id field.",
        "BLOCK_SIZE": "Block dimensions in metres, 'dx, dy, dz' (or 'dx, dy' in 2D), for block kriging of the "
                      "block's mean grade; empty estimates at the points.",
        "DISCRETISATION": "Points per block along x, y and z, 'nx, ny, nz', over which block covariances are "
                          "averaged (default 4, 4, 2); more points is slower and rarely changes the estimate.",
    }

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
        # Left empty, radii and angles come from the variogram (`search`), so no default value here.
        for name, label in (
                (self.SEARCH_MAJOR, "Search radius, major (empty = the variogram's range, 0 = unlimited)"),
                (self.SEARCH_SEMI, "Search radius, semi-major (empty = the variogram's ratio)"),
                (self.SEARCH_MINOR, "Search radius, minor (empty = the variogram's ratio)")):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), double, None, optional=True,
                                                           minValue=0.0))
        for name, label in ((self.SEARCH_AZIMUTH, "Search azimuth (empty = the variogram's)"),
                            (self.SEARCH_DIP, "Search dip, positive up (empty = the variogram's)"),
                            (self.SEARCH_RAKE, "Search rake (empty = the variogram's)")):
            self.add_advanced(QgsProcessingParameterNumber(name, self.tr(label), double, None, optional=True))
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
        nothing = self.nothing_to_write(parameters)
        if nothing:
            return nothing
        min_samples = self.parameterAsInt(parameters, self.MIN_SAMPLES, context)
        max_samples = self.parameterAsInt(parameters, self.MAX_SAMPLES, context)
        if min_samples > max_samples:
            return self.tr("The minimum number of samples ({0}) exceeds the maximum ({1})").format(
                min_samples, max_samples)
        if self.max_per_hole(parameters, context) and not self.parameterAsString(parameters, self.HOLE_FIELD, context):
            return self.tr("A maximum per hole needs the hole id field")
        block, discretisation = self.support(parameters, context)
        if block is not None:
            check_block_memory(discretisation, max_samples)
        return super().parameter_problem(parameters, context)

    def nothing_to_write(self, parameters):
        """Why the run would write nothing (targets without their output, a template without its raster), or None."""
        points = bool(parameters.get(self.TARGETS)) and self.output_requested(parameters, self.OUTPUT)
        raster = bool(parameters.get(self.TEMPLATE)) and self.output_requested(parameters, self.OUTPUT_RASTER)
        if points or raster:
            return None
        if parameters.get(self.TARGETS) or parameters.get(self.TEMPLATE):
            return self.tr("Nothing would be written: give the points output (OUTPUT) for the target points or the "
                           "raster output (OUTPUT_RASTER) for the template")
        return self.tr("Give target points or a raster template to estimate on")

    def wanted_targets(self, parameters, context, feedback):
        """(target points or None, raster template or None): those whose output is requested; one given without
        its output is left aside with a notice."""
        targets = self.parameterAsSource(parameters, self.TARGETS, context)
        template = self.parameterAsRasterLayer(parameters, self.TEMPLATE, context)
        if targets is not None and not self.output_requested(parameters, self.OUTPUT):
            feedback.pushWarning(self.tr("Target points given without the points output (OUTPUT); not estimated"))
            targets = None
        if template is not None and not self.output_requested(parameters, self.OUTPUT_RASTER):
            feedback.pushWarning(self.tr("Raster template given without the raster output (OUTPUT_RASTER); "
                                         "not estimated"))
            template = None
        if targets is None and template is None:
            raise ValueError(self.tr("Give target points or a raster template to estimate on"))
        return targets, template

    def check_crs(self, samples, template, xyz, label, feedback):
        """Distances are taken in the samples' CRS (point targets) or the template's (raster): both projected."""
        self.require_projected(samples.sourceCrs(), label)
        if template is not None:
            # A template without CRS is refused where the samples are reprojected to it (`raster_inputs`).
            self.require_projected(template.crs(), template.name() or "raster template", missing_ok=True)
        self.warn_if_degrees(xyz, samples.sourceCrs(), label, feedback)

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

    def search(self, parameters, context, model=None, feedback=None):
        """The search ellipse, or None (an unlimited search: the nearest samples at any distance). Radii and
        angles left empty come from `model`, the variogram (`neighbourhood.search_from_variogram`); what was
        used and where it came from goes to `feedback`'s log."""
        from ..algorithms.geostats.neighbourhood import search_from_variogram

        radii = [self.optional_double(parameters, n, context)
                 for n in (self.SEARCH_MAJOR, self.SEARCH_SEMI, self.SEARCH_MINOR)]
        angles = [self.optional_double(parameters, n, context)
                  for n in (self.SEARCH_AZIMUTH, self.SEARCH_DIP, self.SEARCH_RAKE)]
        search, radius_sources, angle_sources = search_from_variogram(model, radii, angles)
        if feedback is not None:
            self._log_search(search, radius_sources, angle_sources, feedback)
        return search

    def _log_search(self, search, radius_sources, angle_sources, feedback):
        words = {"given": self.tr("given"), "variogram": self.tr("from the variogram"),
                 "default": self.tr("default")}
        if search is None:
            feedback.pushInfo(self.tr("Search: unlimited (major radius {0}), the nearest samples at any distance "
                                      "in the variogram's anisotropic metric").format(words[radius_sources[0]]))
            return
        feedback.pushInfo(self.tr("Search ellipse: radii {0} (major {1}, semi-major {2}, minor {3}); azimuth, dip, "
                                  "rake {4} ({5}, {6}, {7})").format(
            "/".join(f"{r:.4g}" for r in search.radii), *(words[s] for s in radius_sources),
            "/".join(f"{a:g}" for a in search.angles), *(words[s] for s in angle_sources)))

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

    def streamed_targets(self, feedback, s_xyz, targets, label):
        """(sample xyz, flat, target count) for point targets read one batch
        at a time (`batch_targets`): every target geometry is checked first,
        and whether all have z, so that the dimension (`dimension`'s rule) is
        known before a batch is kriged and a bad geometry stops the run before
        any output exists."""
        t_label = layer_label(targets)
        require_features(targets, t_label)
        require_crs(targets.sourceCrs(), t_label)
        count, first_without_z, _ = scan_points(targets, t_label, feedback)
        if np.all(np.isfinite(s_xyz[:, 2])) and first_without_z is None:
            return s_xyz, False, count
        return self._flattened(s_xyz, label, feedback), True, count

    def write_point_estimates(self, parameters, context, feedback, samples, targets, flat, count, end, estimate):
        """The OUTPUT sink of `targets` with the columns `estimate(t_xyz,
        progress, should_stop, cluster)` gives each batch ({name: (kind,
        values)}), streamed by `write_appended_batches` over [10, end] % of the
        bar (reading the samples took the first 10 %), one Dask cluster for all
        batches when the setting names one."""
        batches = self.batch_progress(feedback, 10, end, count)
        with self.prediction_cluster(feedback) as cluster:
            def estimate_batch(first_row, features):
                t_xyz = self.batch_targets(context, feedback, samples, targets, features, first_row, flat)
                return estimate(t_xyz, *batches.estimation(first_row, len(features)), cluster)

            return write_appended_batches(self, parameters, context, self.OUTPUT, targets, estimate_batch, feedback,
                                          batches)

    def batch_targets(self, context, feedback, samples, targets, features, first_row, flat):
        """(n, 3) target coordinates of one batch of `targets`' features in
        the samples' CRS, flat (z = 0) when `streamed_targets` said so."""
        t_label = layer_label(targets)
        t_xyz = batch_xyz(features, t_label, first_row)
        # The reprojection notice once, with the first batch.
        t_xyz = xyz_in_crs(t_xyz, targets.sourceCrs(), samples.sourceCrs(), context,
                           feedback if first_row == 1 else None, t_label)
        if flat:
            t_xyz = t_xyz.copy()
            t_xyz[:, 2] = 0.0
        return t_xyz

    def template_targets(self, parameters, context, feedback, xyz, samples, template, label):
        """(template profile, sample xyz, cell-centre xyz) in the template's CRS,
        at TEMPLATE ELEVATION when given (3D), else flat."""
        from ..algorithms.io.raster import template_grid

        require_crs(template.crs(), template.name() or "raster template")
        s_xyz = xyz_in_crs(xyz, samples.sourceCrs(), template.crs(), context, feedback, label)
        width, height = template.width(), template.height()
        name = template.name() or "raster template"
        refuse_if_too_large(width * height * CELL_BYTES, f"{name}: estimating its {width} x {height} cells",
                            "use a template with larger cells")
        profile, gx, gy = template_grid(template.source())
        elevation = self.optional_double(parameters, self.TEMPLATE_ELEVATION, context)
        gz = np.full(len(gx), np.nan if elevation is None else elevation)
        s_xyz, t_xyz = self.dimension(s_xyz, np.column_stack([gx, gy, gz]), label, feedback)
        return profile, s_xyz, t_xyz

    def dimension(self, s_xyz, t_xyz, label, feedback):
        """3D only when samples and targets all have z; otherwise both go flat."""
        if np.all(np.isfinite(s_xyz[:, 2])) and np.all(np.isfinite(t_xyz[:, 2])):
            return s_xyz, t_xyz
        t_xyz = t_xyz.copy()
        t_xyz[:, 2] = 0.0
        return self._flattened(s_xyz, label, feedback), t_xyz

    def _flattened(self, s_xyz, label, feedback):
        if np.any(np.isfinite(s_xyz[:, 2])):
            feedback.pushWarning(self.tr("{0}: targets without z, kriging in 2D (sample z ignored)").format(label))
        s_xyz = s_xyz.copy()
        s_xyz[:, 2] = 0.0
        return s_xyz
