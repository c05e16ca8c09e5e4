"""reegrade:ordinarykriging — ordinary kriging of a grade on points or a raster."""
import os

import numpy as np
from qgis.core import (
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
)

from .base import REEGradeAlgorithm, require
from .kriging_neighbourhood import KrigingNeighbourhoodMixin
from .layer_io import layer_label, read_points_with_fields

BANDS = ("estimate", "variance", "slope_of_regression", "n_samples")


class OrdinaryKrigingAlgorithm(KrigingNeighbourhoodMixin, REEGradeAlgorithm):
    NAME = "ordinarykriging"
    DISPLAY_NAME = "Ordinary kriging"
    GROUP = "estimation"
    HELP = (
        "Ordinary kriging of a grade field, 2D or 3D, on target points (e.g. block centroids) or on a raster "
        "template, with point or block support and a moving search neighbourhood.\n\n"
        "Parameters: [VARIOGRAM], a model file written by reegrade:variogram. [SEARCH_MAJOR], [SEARCH_SEMI] and "
        "[SEARCH_MINOR] radii (major 0 = unlimited: the nearest [MAX_SAMPLES] at any distance, ranked by the "
        "variogram's anisotropic distance) oriented by "
        "[SEARCH_AZIMUTH], [SEARCH_DIP] and [SEARCH_RAKE] (GSLIB convention, as in the variogram); each left "
        "empty comes from the variogram's longest structure: the major radius is its major range, the semi-major "
        "and minor radii keep its range ratios, the angles are its angles. The log says which values were used "
        "and where each came from. [MIN_SAMPLES]: targets with fewer samples in the search are left empty "
        "(counted in the log). [MAX_SAMPLES]: the nearest ones kept. [MAX_PER_HOLE] (0 = no cap, "
        "needs [HOLE_FIELD]) limits samples from one drillhole. [BLOCK_SIZE] 'dx, dy, dz' (empty = point "
        "kriging) with [DISCRETISATION] 'nx, ny, nz' points per block. The dimension follows the data: samples "
        "and targets with z give 3D kriging; otherwise 2D. A raster template is kriged in 2D, or in 3D at "
        "[TEMPLATE_ELEVATION] when given. Samples at the same location are merged (averaged) with a notice. "
        "Layers in another CRS than the samples are reprojected with a notice (the samples are reprojected to "
        "a raster template's CRS); a layer without CRS is an error.\n\n"
        "Outputs: target points with ok_estimate, ok_variance (kriging variance), ok_slope (slope of "
        "regression of the true on the estimated grade) and ok_n (samples used); and/or a GeoTIFF on the "
        "template with bands estimate, variance, slope_of_regression, n_samples. Target points are read, kriged "
        "and written 65,536 at a time, so a block model of millions of points never sits whole in memory.\n\n"
        "Reference: Deutsch & Journel (1998), GSLIB, 2nd ed. (kt3d); Isaaks & Srivastava (1989), An "
        "Introduction to Applied Geostatistics; Krige (1996) on the slope of regression."
    )

    PARAMETER_HELP = {
        **KrigingNeighbourhoodMixin.NEIGHBOURHOOD_HELP,
        "VARIOGRAM": "The model file (JSON) written by reegrade:variogram for this grade field, in the samples' "
                     "units; it also gives the search ellipse where the radii and angles are left empty.",
        "OUTPUT": "The target points with ok_estimate, ok_variance, ok_slope (slope of regression) and ok_n.",
        "OUTPUT_RASTER": "A GeoTIFF on the raster template with bands estimate, variance, slope_of_regression and "
                         "n_samples.",
    }

    VARIOGRAM = "VARIOGRAM"
    OUTPUT = "OUTPUT"
    OUTPUT_RASTER = "OUTPUT_RASTER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.add_sample_parameters()
        self.addParameter(QgsProcessingParameterFile(self.VARIOGRAM, self.tr("Variogram model"), extension="json"))
        self.add_target_parameters()
        self.add_neighbourhood_parameters()
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Kriged points"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_RASTER, self.tr("Kriged raster"), optional=True, createByDefault=False))

    def process(self, parameters, context, feedback):
        from ..algorithms.geostats.kriging import OrdinaryKriging
        from ..algorithms.geostats.variogram_model import VariogramModel

        samples = self.parameterAsSource(parameters, self.INPUT, context)
        field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        targets, template = self.wanted_targets(parameters, context, feedback)
        model = VariogramModel.load(self.parameterAsFile(parameters, self.VARIOGRAM, context))
        fitted_on = model.header_["fields"]
        if fitted_on and fitted_on[0] != field:
            feedback.pushWarning(
                self.tr("The variogram was fitted on '{0}', not on '{1}'").format(fitted_on[0], field)
            )
        feedback.pushInfo(self.tr("Variogram: {0}").format(model.describe()))
        block, discretisation = self.support(parameters, context)
        label = layer_label(samples)
        xyz, values = read_points_with_fields(samples, [field], label, feedback)
        self.check_crs(samples, template, xyz, label, feedback)
        values[field] = self.grade_values(values[field], label, field, feedback)
        holes = self.holes(parameters, context, samples, label)
        kriging = OrdinaryKriging(
            model, self.search(parameters, context, model, feedback),
            self.parameterAsInt(parameters, self.MIN_SAMPLES, context),
            self.parameterAsInt(parameters, self.MAX_SAMPLES, context),
            self.max_per_hole(parameters, context) if holes else None,
            discretisation, n_jobs=max(1, min(os.cpu_count() or 1, 8)), label=label,
        )
        results = {}
        if targets is not None:
            # With a raster to estimate too, the points take the first half of the bar.
            results[self.OUTPUT] = self._points(parameters, context, feedback, kriging, xyz, values[field], holes,
                                                samples, targets, block, label, 45 if template is not None else 90)
        if template is not None:
            results[self.OUTPUT_RASTER] = self._raster(
                parameters, context, feedback, kriging, xyz, values[field], holes, template, samples, block, label
            )
        return results

    def _points(self, parameters, context, feedback, kriging, xyz, values, holes, samples, targets, block, label,
                end):
        """The target points with the kriged columns, kriged and written one
        batch at a time (`write_point_estimates`)."""
        s_xyz, flat, count = self.streamed_targets(feedback, xyz, targets, label)
        self._fit(kriging, s_xyz, values, holes, label, feedback)
        totals = {"n_unstable": 0, "n_unestimated": 0}

        def estimate(t_xyz, progress, should_stop, cluster):
            out = kriging.predict(t_xyz, block, progress, should_stop, cluster=cluster)
            for key in totals:
                totals[key] += out[key]
            return {"ok_estimate": ("double", out["estimate"]), "ok_variance": ("double", out["variance"]),
                    "ok_slope": ("double", out["slope"]), "ok_n": ("int", out["n_used"])}

        destination = self.write_point_estimates(parameters, context, feedback, samples, targets, flat, count, end,
                                                 estimate)
        self._warn_predicted(kriging, totals, count, feedback)
        return destination

    def _raster(self, parameters, context, feedback, kriging, xyz, values, holes, template, samples, block, label):
        require("rasterio")
        from ..algorithms.io.raster import write_bands

        path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RASTER, context)
        profile, s_xyz, t_xyz = self.template_targets(parameters, context, feedback, xyz, samples, template, label)
        self._fit(kriging, s_xyz, values, holes, label, feedback)
        progress, should_stop = self.progress_callbacks(feedback, 50, 95)
        out = self.run_on_dask(feedback, kriging.predict, t_xyz, block, progress, should_stop)
        self._warn_predicted(kriging, out, len(t_xyz), feedback)
        shape = (profile["height"], profile["width"])
        bands = np.stack([out[name].astype(float).reshape(shape)
                          for name in ("estimate", "variance", "slope", "n_used")])
        self.remove_on_failure(path)
        write_bands(path, bands, list(BANDS), profile["transform"], profile["crs"])
        return path

    def _fit(self, kriging, xyz, values, holes, label, feedback):
        kriging.fit(xyz, values, holes)
        if kriging.n_dropped_:
            feedback.pushWarning(
                self.tr("{0}: {1} samples without a value are left out").format(label, kriging.n_dropped_))
        if kriging.n_merged_:
            feedback.pushWarning(
                self.tr("{0}: {1} samples share a location with another and were merged (values averaged)").format(
                    label, kriging.n_merged_)
            )
        if kriging.constant_:
            feedback.pushWarning(
                self.tr("{0}: every sample has the same value; the estimate is that constant everywhere").format(label)
            )

    def _warn_predicted(self, kriging, counts, n_targets, feedback):
        """Warnings on the counts of unstable and unestimated targets."""
        if counts["n_unstable"]:
            feedback.pushWarning(
                self.tr("{0} targets have unstable weights (nearly singular kriging systems, typical of a Gaussian "
                        "variogram without nugget on clustered samples); add a small nugget").format(
                    counts["n_unstable"])
            )
        if counts["n_unestimated"]:
            feedback.pushWarning(
                self.tr("{0} of {1} targets have fewer than {2} samples in the search and are left empty").format(
                    counts["n_unestimated"], n_targets, kriging.min_samples)
            )
