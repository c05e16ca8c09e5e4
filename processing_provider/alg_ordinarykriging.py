"""reegrade:ordinarykriging — ordinary kriging of a grade on points or a raster."""
import os

import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import REEGradeAlgorithm, require
from .layer_io import layer_label, read_columns, read_points_with_fields, write_appended, xyz_in_crs

BANDS = ("estimate", "variance", "slope_of_regression", "n_samples")
POINT_FIELDS = ("ok_estimate", "ok_variance", "ok_slope", "ok_n")


class OrdinaryKrigingAlgorithm(REEGradeAlgorithm):
    NAME = "ordinarykriging"
    DISPLAY_NAME = "Ordinary kriging"
    GROUP = "estimation"
    HELP = (
        "Ordinary kriging of a grade field, 2D or 3D, on target points (e.g. block centroids) or on a raster "
        "template, with point or block support and a moving search neighbourhood.\n\n"
        "Parameters: VARIOGRAM, a model file written by reegrade:variogram. SEARCH MAJOR, SEMI-MAJOR and MINOR "
        "radii (0 = unlimited: the nearest MAX SAMPLES at any distance) oriented by SEARCH AZIMUTH, DIP and "
        "RAKE (GSLIB convention, as in the variogram). MIN SAMPLES: targets with fewer samples in the search "
        "are left empty (counted in the log). MAX SAMPLES: the nearest ones kept. MAX PER HOLE (0 = no cap, "
        "needs HOLE FIELD) limits samples from one drillhole. BLOCK SIZE 'dx, dy, dz' (empty = point "
        "kriging) with DISCRETISATION 'nx, ny, nz' points per block. The dimension follows the data: samples "
        "and targets with z give 3D kriging; otherwise 2D. A raster template is kriged in 2D, or in 3D at "
        "TEMPLATE ELEVATION when given. Samples at the same location are merged (averaged) with a notice. "
        "Layers in another CRS than the samples are reprojected with a notice (the samples are reprojected to "
        "a raster template's CRS); a layer without CRS is an error.\n\n"
        "Outputs: target points with ok_estimate, ok_variance (kriging variance), ok_slope (slope of "
        "regression of the true on the estimated grade) and ok_n (samples used); and/or a GeoTIFF on the "
        "template with bands estimate, variance, slope_of_regression, n_samples.\n\n"
        "Reference: Deutsch & Journel (1998), GSLIB, 2nd ed. (kt3d); Isaaks & Srivastava (1989), An "
        "Introduction to Applied Geostatistics; Krige (1996) on the slope of regression."
    )

    INPUT = "INPUT"
    FIELD = "FIELD"
    HOLE_FIELD = "HOLE_FIELD"
    VARIOGRAM = "VARIOGRAM"
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
    OUTPUT = "OUTPUT"
    OUTPUT_RASTER = "OUTPUT_RASTER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        double = QgsProcessingParameterNumber.Double
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples (points)")))
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELD, self.tr("Grade field"), parentLayerParameterName=self.INPUT,
                type=QgsProcessingParameterField.Numeric,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.HOLE_FIELD, self.tr("Hole id field (for max per hole)"), parentLayerParameterName=self.INPUT,
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterFile(self.VARIOGRAM, self.tr("Variogram model"), extension="json"))
        self.addParameter(QgsProcessingParameterFeatureSource(self.TARGETS, self.tr("Target points"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(self.TEMPLATE, self.tr("Raster template"), optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(self.TEMPLATE_ELEVATION, self.tr("Template elevation (3D kriging)"), double,
                                         optional=True)
        )
        self._add_neighbourhood_parameters()
        self.addParameter(
            QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Kriged points"), optional=True, createByDefault=False)
        )
        self.addParameter(
            QgsProcessingParameterRasterDestination(self.OUTPUT_RASTER, self.tr("Kriged raster"), optional=True,
                                                    createByDefault=False)
        )

    def _add_neighbourhood_parameters(self):
        """Search, sample counts and support, shared with indicator kriging."""
        double = QgsProcessingParameterNumber.Double
        integer = QgsProcessingParameterNumber.Integer
        for name, label in ((self.SEARCH_MAJOR, "Search radius, major (0 = unlimited)"),
                            (self.SEARCH_SEMI, "Search radius, semi-major"), (self.SEARCH_MINOR, "Search radius, minor")):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), double, 0.0, minValue=0.0))
        for name, label in ((self.SEARCH_AZIMUTH, "Search azimuth"), (self.SEARCH_DIP, "Search dip (positive up)"),
                            (self.SEARCH_RAKE, "Search rake")):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), double, 0.0))
        self.addParameter(QgsProcessingParameterNumber(self.MIN_SAMPLES, self.tr("Minimum samples"), integer, 4, minValue=1))
        self.addParameter(QgsProcessingParameterNumber(self.MAX_SAMPLES, self.tr("Maximum samples"), integer, 24, minValue=1))
        self.addParameter(
            QgsProcessingParameterNumber(self.MAX_PER_HOLE, self.tr("Maximum samples per hole (0 = no cap)"), integer, 0, minValue=0)
        )
        self.addParameter(
            QgsProcessingParameterString(self.BLOCK_SIZE, self.tr("Block size 'dx, dy, dz' (empty = point)"), "", optional=True)
        )
        self.addParameter(
            QgsProcessingParameterString(self.DISCRETISATION, self.tr("Block discretisation 'nx, ny, nz'"), "4, 4, 2")
        )

    def process(self, parameters, context, feedback):
        from ..algorithms.geostats.kriging import OrdinaryKriging
        from ..algorithms.geostats.variogram_model import load_variogram

        samples = self.parameterAsSource(parameters, self.INPUT, context)
        field = self.parameterAsString(parameters, self.FIELD, context)
        targets = self.parameterAsSource(parameters, self.TARGETS, context)
        template = self.parameterAsRasterLayer(parameters, self.TEMPLATE, context)
        if targets is None and template is None:
            raise QgsProcessingException(self.tr("Give target points or a raster template to krige on"))
        model, header = load_variogram(self.parameterAsFile(parameters, self.VARIOGRAM, context))
        if header["fields"] and header["fields"][0] != field:
            feedback.pushWarning(
                self.tr("The variogram was fitted on '{0}', not on '{1}'").format(header["fields"][0], field)
            )
        feedback.pushInfo(self.tr("Variogram: {0}").format(model.describe()))
        block, discretisation = self._support(parameters, context)
        label = layer_label(samples)
        xyz, values = read_points_with_fields(samples, [field], label, feedback)
        holes = self._holes(parameters, context, samples, label)
        kriging = OrdinaryKriging(
            model, self._search(parameters, context), self.parameterAsInt(parameters, self.MIN_SAMPLES, context),
            self.parameterAsInt(parameters, self.MAX_SAMPLES, context), self._max_per_hole(parameters, context) if holes else None,
            discretisation, n_jobs=max(1, min(os.cpu_count() or 1, 8)),
        )
        results = {}
        if targets is not None:
            s_xyz, t_xyz = self._point_targets(context, feedback, xyz, samples, targets, label)
            out = self._krige(kriging, s_xyz, values[field], holes, t_xyz, block, label, feedback, 0, 45)
            columns = {
                "ok_estimate": ("double", out["estimate"]), "ok_variance": ("double", out["variance"]),
                "ok_slope": ("double", out["slope"]), "ok_n": ("int", out["n_used"]),
            }
            results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, targets, columns, feedback)
        if template is not None:
            results[self.OUTPUT_RASTER] = self._raster(
                parameters, context, feedback, kriging, xyz, values[field], holes, template, samples, block, label
            )
        return results

    def _raster(self, parameters, context, feedback, kriging, xyz, values, holes, template, samples, block, label):
        require("rasterio")
        from ..algorithms.io.raster import write_bands

        path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RASTER, context)
        profile, s_xyz, t_xyz = self._template_targets(parameters, context, feedback, xyz, samples, template, label)
        out = self._krige(kriging, s_xyz, values, holes, t_xyz, block, label, feedback, 50, 95)
        shape = (profile["height"], profile["width"])
        bands = np.stack([out[name].astype(float).reshape(shape) for name in ("estimate", "variance", "slope", "n_used")])
        self.remove_on_failure(path)
        write_bands(path, bands, list(BANDS), profile["transform"], profile["crs"])
        return path

    def _point_targets(self, context, feedback, xyz, samples, targets, label):
        """(sample xyz, target xyz) in the samples' CRS, both 3D or both flat."""
        t_label = layer_label(targets)
        t_xyz, _ = read_points_with_fields(targets, [], t_label, feedback)
        t_xyz = xyz_in_crs(t_xyz, targets.sourceCrs(), samples.sourceCrs(), context, feedback, t_label)
        return self._dimension(xyz, t_xyz, label, feedback)

    def _template_targets(self, parameters, context, feedback, xyz, samples, template, label):
        """(template profile, sample xyz, cell-centre xyz) in the template's CRS,
        at TEMPLATE ELEVATION when given (3D), else flat."""
        from ..algorithms.io.raster import template_grid

        s_xyz = xyz_in_crs(xyz, samples.sourceCrs(), template.crs(), context, feedback, label)
        profile, gx, gy = template_grid(template.source())
        elevation = self.optional_double(parameters, self.TEMPLATE_ELEVATION, context)
        gz = np.full(len(gx), np.nan if elevation is None else elevation)
        s_xyz, t_xyz = self._dimension(s_xyz, np.column_stack([gx, gy, gz]), label, feedback)
        return profile, s_xyz, t_xyz

    def _krige(self, kriging, xyz, values, holes, targets, block, label, feedback, start, end):
        kriging.fit(xyz, values, holes, label=label)
        if kriging.n_dropped_:
            feedback.pushWarning(self.tr("{0}: {1} samples without a value are left out").format(label, kriging.n_dropped_))
        if kriging.n_merged_:
            feedback.pushWarning(
                self.tr("{0}: {1} samples share a location with another and were merged (values averaged)").format(
                    label, kriging.n_merged_)
            )
        if kriging.constant_:
            feedback.pushWarning(
                self.tr("{0}: every sample has the same value; the estimate is that constant everywhere").format(label)
            )
        progress, should_stop = self.progress_callbacks(feedback, start, end)
        out = kriging.predict(targets, block, progress, should_stop)
        if out["n_unstable"]:
            feedback.pushWarning(
                self.tr("{0} targets have unstable weights (nearly singular kriging systems, typical of a Gaussian "
                        "variogram without nugget on clustered samples); add a small nugget").format(out["n_unstable"])
            )
        if out["n_unestimated"]:
            feedback.pushWarning(
                self.tr("{0} of {1} targets have fewer than {2} samples in the search and are left empty").format(
                    out["n_unestimated"], len(targets), kriging.min_samples)
            )
        return out

    def _dimension(self, s_xyz, t_xyz, label, feedback):
        """3D only when samples and targets all have z; otherwise both go flat."""
        if np.all(np.isfinite(s_xyz[:, 2])) and np.all(np.isfinite(t_xyz[:, 2])):
            return s_xyz, t_xyz
        if np.any(np.isfinite(s_xyz[:, 2])):
            feedback.pushWarning(self.tr("{0}: targets without z, kriging in 2D (sample z ignored)").format(label))
        s_xyz, t_xyz = s_xyz.copy(), t_xyz.copy()
        s_xyz[:, 2] = 0.0
        t_xyz[:, 2] = 0.0
        return s_xyz, t_xyz

    def _support(self, parameters, context):
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

    def _search(self, parameters, context):
        from ..algorithms.geostats.neighbourhood import SearchEllipse

        radii = [self.parameterAsDouble(parameters, n, context) for n in (self.SEARCH_MAJOR, self.SEARCH_SEMI, self.SEARCH_MINOR)]
        if radii[0] <= 0:
            return None
        radii = [r if r > 0 else radii[0] for r in radii]
        angles = [self.parameterAsDouble(parameters, n, context) for n in (self.SEARCH_AZIMUTH, self.SEARCH_DIP, self.SEARCH_RAKE)]
        return SearchEllipse(radii, angles)

    def _max_per_hole(self, parameters, context):
        return self.parameterAsInt(parameters, self.MAX_PER_HOLE, context) or None

    def _holes(self, parameters, context, samples, label):
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        if self._max_per_hole(parameters, context) and not hole_field:
            raise ValueError(self.tr("A maximum per hole needs the hole id field"))
        if not hole_field:
            return None
        columns, _, _ = read_columns(samples, [hole_field], label=label)
        return ["" if v is None else str(v) for v in columns[hole_field]]
