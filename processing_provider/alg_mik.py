"""reegrade:mik — Multiple Indicator Kriging (GSLIB ik3d + postik)."""
import numpy as np
from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..algorithms.common.predictive import cutoff_name, summary_field
from .base import REEGradeAlgorithm, require
from .checks import refuse_if_too_large
from .kriging_neighbourhood import KrigingNeighbourhoodMixin
from .layer_io import TARGET_BATCH, layer_label, read_points_with_fields

CLASS_MODELS = ("linear", "power")
UPPER_MODELS = ("linear", "power", "hyperbolic")


class MultipleIndicatorKrigingAlgorithm(KrigingNeighbourhoodMixin, REEGradeAlgorithm):
    NAME = "mik"
    DISPLAY_NAME = "Multiple indicator kriging"
    GROUP = "estimation"
    HELP = (
        "Multiple Indicator Kriging as GSLIB's ik3d and postik define it: the grade's conditional distribution "
        "at each target, from ordinary kriging of indicators i_k = 1 if grade <= z_k.\n\n"
        "Thresholds: [THRESHOLDS] if given, else the nine deciles of the declustered global distribution (cell "
        "declustering, the cell size that minimises the declustered mean) plus [TAIL_CUTOFFS] for the upper "
        "tail; each must lie strictly inside the data range. [MODE]: median IK (one indicator variogram, at the "
        "median, and one set of kriging weights for all thresholds: fast) or full MIK (one variogram and one "
        "kriging per threshold). Variograms are fitted automatically (nugget + spherical; in 3D along the "
        "anisotropy found from the data, the nugget from the downhole variogram of [HOLE_FIELD]'s holes; in 2D "
        "omnidirectional) "
        "unless [VARIOGRAM] gives one model (median IK). The search neighbourhood (radii, angles, min/max "
        "samples, max per hole, block size) is that of ordinary kriging and is shared by all thresholds; radii "
        "and angles left empty come from the [VARIOGRAM] file's longest structure (major radius its major range, "
        "semi-major and minor radii its range ratios, its angles); without a file the search is unlimited, the "
        "nearest samples ranked by the anisotropic distance of the automatic indicator variogram at the middle "
        "threshold. The "
        "log says which values were used and where each came from.\n\n"
        "Order relations are corrected as ik3d does: clip to [0, 1], an upward and a downward pass, and their "
        "average; the number and size of corrections are logged. The ccdf is interpolated with a [LOWER_TAIL] "
        "from [ZMIN] and [MIDDLE] classes that are linear or power ([MIDDLE_OMEGA]), and an [UPPER_TAIL] "
        "that is linear, "
        "power or hyperbolic ([UPPER_OMEGA] > 1) truncated at [ZMAX] (default: the data maximum).\n\n"
        "Outputs: target points with mik_mean (E-type), mik_variance (conditional variance), mik_p10, "
        "mik_p50, mik_p90, mik_p_gt_<cut-off> (decimal point as _) and mik_n; and/or a GeoTIFF on the "
        "template with bands mean, variance, p10, p50, p90, p_gt_<cut-off>, n_samples. Target points are read, "
        "estimated and written 65,536 at a time, so a block model of millions of points never sits whole in "
        "memory.\n\n"
        "Reference: Deutsch & Journel (1998), GSLIB: Geostatistical Software Library, 2nd ed., ik3d and "
        "postik; Journel (1983), Nonparametric estimation of spatial distributions, Math. Geol. 15."
    )

    PARAMETER_HELP = {
        **KrigingNeighbourhoodMixin.NEIGHBOURHOOD_HELP,
        "MODE": "Median IK (default) krige all thresholds with the median indicator's variogram and one set of "
                "weights: fast and robust. Full MIK fits and kriges a variogram per threshold, for grades whose "
                "high values are less continuous than the low ones.",
        "THRESHOLDS": "Grade thresholds z_k, comma separated, in the grade's unit, each strictly inside the data "
                      "range; empty takes the nine declustered deciles.",
        "TAIL_CUTOFFS": "Thresholds added to the deciles, in the grade's unit, to resolve the upper tail (e.g. the "
                        "economic cut-offs above the ninth decile); ignored when thresholds are given.",
        "VARIOGRAM": "One indicator variogram model (JSON in reegrade:variogram's format, e.g. fitted to a 0/1 "
                     "field of grade <= median) for median IK instead of the automatic fit; it also gives the "
                     "search ellipse where radii and angles are left empty.",
        "ZMIN": "The lowest grade the distribution can take (default 0), where the lower tail starts; no sample "
                "may lie below it.",
        "ZMAX": "The highest grade the distribution can take, where the upper tail is truncated; empty takes the "
                "data maximum. Raise it if higher grades are credible than were sampled.",
        "LOWER_TAIL": "How the cdf rises from zmin to the first threshold: linear (default) or power, with the "
                      "lower tail omega.",
        "LOWER_OMEGA": "Power of the lower tail, cdf ((z - zmin) / (z_1 - zmin))^omega: 1 is linear, above 1 "
                       "puts the class's grades nearer the first threshold, below 1 nearer zmin.",
        "MIDDLE": "How the cdf is interpolated between thresholds: linear (default) or power, with the middle "
                  "classes omega.",
        "MIDDLE_OMEGA": "Power within each middle class, as for the lower tail: 1 is linear, above 1 moves a "
                        "class's grades towards its upper threshold.",
        "UPPER_TAIL": "The cdf above the last threshold: linear or power up to zmax, or hyperbolic (default), "
                      "1 - lambda / z^omega truncated at zmax, a long tail as skewed grades have.",
        "UPPER_OMEGA": "Omega of the upper tail (default 1.5). Hyperbolic: it must exceed 1, and values nearer 1 "
                       "give a heavier tail and a higher E-type mean. Power: as for the lower tail, above 1 moves "
                       "the tail's grades towards zmax.",
        "OUTPUT": "The target points with mik_mean (E-type), mik_variance, mik_p10, mik_p50, mik_p90, "
                  "mik_p_gt_<cut-off> and mik_n.",
        "OUTPUT_RASTER": "A GeoTIFF on the raster template with bands mean, variance, p10, p50, p90, "
                         "p_gt_<cut-off> and n_samples.",
    }

    MODE = "MODE"
    THRESHOLDS = "THRESHOLDS"
    TAIL_CUTOFFS = "TAIL_CUTOFFS"
    VARIOGRAM = "VARIOGRAM"
    ZMIN = "ZMIN"
    ZMAX = "ZMAX"
    LOWER_TAIL = "LOWER_TAIL"
    LOWER_OMEGA = "LOWER_OMEGA"
    MIDDLE = "MIDDLE"
    MIDDLE_OMEGA = "MIDDLE_OMEGA"
    UPPER_TAIL = "UPPER_TAIL"
    UPPER_OMEGA = "UPPER_OMEGA"
    OUTPUT = "OUTPUT"
    OUTPUT_RASTER = "OUTPUT_RASTER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        double = QgsProcessingParameterNumber.Double
        self.add_sample_parameters()
        self.addParameter(QgsProcessingParameterEnum(
            self.MODE, self.tr("Mode"),
            options=[self.tr("Median indicator kriging"), self.tr("Full MIK (variogram per threshold)")],
            defaultValue=0,
        ))
        self.addParameter(QgsProcessingParameterString(
            self.THRESHOLDS, self.tr("Thresholds (empty = declustered deciles)"), "", optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.TAIL_CUTOFFS, self.tr("Upper-tail cut-offs added to the deciles"), "", optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.VARIOGRAM, self.tr("Indicator variogram (median IK, optional)"), extension="json", optional=True))
        self.add_target_parameters()
        self.add_neighbourhood_parameters()
        self.add_advanced(QgsProcessingParameterNumber(self.ZMIN, self.tr("Minimum grade zmin"), double, 0.0))
        self.add_advanced(QgsProcessingParameterNumber(
            self.ZMAX, self.tr("Maximum grade zmax (empty = data maximum)"), double, optional=True))
        for key, label, omega_key, omega_label, models, default in (
            (self.LOWER_TAIL, "Lower tail", self.LOWER_OMEGA, "Lower tail omega", CLASS_MODELS, 0),
            (self.MIDDLE, "Middle classes", self.MIDDLE_OMEGA, "Middle classes omega", CLASS_MODELS, 0),
            (self.UPPER_TAIL, "Upper tail", self.UPPER_OMEGA, "Upper tail omega", UPPER_MODELS, 2),
        ):
            self.add_advanced(QgsProcessingParameterEnum(key, self.tr(label), options=list(models),
                                                         defaultValue=default))
            self.add_advanced(QgsProcessingParameterNumber(
                omega_key, self.tr(omega_label), double, 1.5 if key == self.UPPER_TAIL else 1.0, minValue=0.01))
        self.add_cutoffs_parameter("Cut-offs for P(grade > cut-off)")
        self.add_seed_parameter("Random seed (variogram fits)", advanced=True)
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("MIK points"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_RASTER, self.tr("MIK raster"), optional=True, createByDefault=False))

    def parameter_problem(self, parameters, context):
        if self.parameterAsFile(parameters, self.VARIOGRAM, context) and \
                self.parameterAsEnum(parameters, self.MODE, context) != 0:
            return self.tr("A single variogram file serves median IK only; full MIK fits one per threshold")
        return super().parameter_problem(parameters, context)

    @staticmethod
    def _check_zmin(values, zmin, label, field):
        """Grades below the ccdf's lower bound would make thresholds the science refuses without naming a row."""
        below = np.flatnonzero(values < zmin)
        if below.size:
            raise ValueError(
                f"{label}: field '{field}': {below.size} grade(s) lie below the minimum grade zmin ({zmin:g}), the "
                f"first at row {below[0] + 1}: {values[below[0]]:g}; lower zmin (ZMIN) or recode them")

    def process(self, parameters, context, feedback):
        samples = self.parameterAsSource(parameters, self.INPUT, context)
        field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        targets, template = self.wanted_targets(parameters, context, feedback)
        cutoffs = self.cutoffs(parameters, context)
        label = layer_label(samples)
        xyz, values = read_points_with_fields(samples, [field], label, feedback)
        self.check_crs(samples, template, xyz, label, feedback)
        values[field] = self.grade_values(values[field], label, field, feedback)
        self._check_zmin(values[field], self.parameterAsDouble(parameters, self.ZMIN, context), label, field)
        holes = self.holes(parameters, context, samples, label)
        block, discretisation = self.support(parameters, context)
        mik = self._estimator(parameters, context, discretisation, label, feedback)
        results = {}
        if targets is not None:
            results[self.OUTPUT] = self._points(parameters, context, feedback, mik, xyz, values[field], holes,
                                                samples, targets, block, cutoffs, label,
                                                45 if template is not None else 90)
        if template is not None:
            require("rasterio")
            from ..algorithms.io.raster import write_bands

            path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RASTER, context)
            profile, s_xyz, t_xyz = self.template_targets(parameters, context, feedback, xyz, samples, template, label)
            self._fit(mik, s_xyz, values[field], holes, len(t_xyz), feedback)
            progress, should_stop = self.progress_callbacks(feedback, 50, 95)
            out = self.run_on_dask(feedback, mik.predict, t_xyz, block, progress, should_stop)
            self._report(_counts(out), len(t_xyz), feedback)
            summary = _summary(out, cutoffs)
            shape = (profile["height"], profile["width"])
            self.remove_on_failure(path)
            write_bands(path, np.stack([a.astype(float).reshape(shape) for a in summary.values()]), list(summary),
                        profile["transform"], profile["crs"])
            results[self.OUTPUT_RASTER] = path
        return results

    def _points(self, parameters, context, feedback, mik, xyz, values, holes, samples, targets, block, cutoffs,
                label, end):
        """The target points with the mik_ columns, estimated and written one
        batch at a time (`write_point_estimates`)."""
        s_xyz, flat, count = self.streamed_targets(feedback, xyz, targets, label)
        self._fit(mik, s_xyz, values, holes, min(count, TARGET_BATCH), feedback)
        totals = dict.fromkeys(ORDER_COUNTS, 0)

        def estimate(t_xyz, progress, should_stop, cluster):
            out = mik.predict(t_xyz, block, progress, should_stop, cluster=cluster)
            for key, value in _counts(out).items():
                totals[key] = max(totals[key], value) if key == "largest_correction" else totals[key] + value
            return {_column(name): ("int" if name == "n_samples" else "double", array)
                    for name, array in _summary(out, cutoffs).items()}

        destination = self.write_point_estimates(parameters, context, feedback, samples, targets, flat, count, end,
                                                 estimate)
        self._report(totals, count, feedback)
        return destination

    def _estimator(self, parameters, context, discretisation, label, feedback):
        from ..algorithms.common.parsing import parse_numbers
        from ..algorithms.geostats.mik import MultipleIndicatorKriging
        from ..algorithms.geostats.variogram_model import VariogramModel

        variogram_file = self.parameterAsFile(parameters, self.VARIOGRAM, context)
        median_ik = self.parameterAsEnum(parameters, self.MODE, context) == 0
        model = VariogramModel.load(variogram_file) if variogram_file else None
        if model is None:
            feedback.pushInfo(self.tr("No variogram file: with the search radii left empty the search is unlimited and "
                                      "ranks the samples by the anisotropic distance of the automatic indicator "
                                      "variogram at the middle threshold"))
        return MultipleIndicatorKriging(
            thresholds=parse_numbers(self.parameterAsString(parameters, self.THRESHOLDS, context), "thresholds")
            or None,
            tail_cutoffs=parse_numbers(self.parameterAsString(parameters, self.TAIL_CUTOFFS, context),
                                       "tail cut-offs"),
            median_ik=median_ik,
            variograms=[model] if model is not None else None,
            search=self.search(parameters, context, model, feedback),
            min_samples=self.parameterAsInt(parameters, self.MIN_SAMPLES, context),
            max_samples=self.parameterAsInt(parameters, self.MAX_SAMPLES, context),
            max_per_hole=self.max_per_hole(parameters, context),
            zmin=self.parameterAsDouble(parameters, self.ZMIN, context),
            zmax=self.optional_double(parameters, self.ZMAX, context),
            lower=CLASS_MODELS[self.parameterAsEnum(parameters, self.LOWER_TAIL, context)],
            lower_omega=self.parameterAsDouble(parameters, self.LOWER_OMEGA, context),
            middle=CLASS_MODELS[self.parameterAsEnum(parameters, self.MIDDLE, context)],
            middle_omega=self.parameterAsDouble(parameters, self.MIDDLE_OMEGA, context),
            upper=UPPER_MODELS[self.parameterAsEnum(parameters, self.UPPER_TAIL, context)],
            upper_omega=self.parameterAsDouble(parameters, self.UPPER_OMEGA, context),
            block_discretisation=discretisation,
            seed=self.seed(parameters, context),
            label=label,
        )

    def _fit(self, mik, xyz, values, holes, targets_at_once, feedback):
        n_thresholds = len(mik.thresholds) if mik.thresholds is not None else 9 + len(mik.tail_cutoffs)
        # Indicators of every sample and a ccdf (with its order-relation copies) at every target, per threshold.
        refuse_if_too_large((len(xyz) + 8 * targets_at_once) * n_thresholds * 8,
                            f"{n_thresholds} thresholds at {targets_at_once} targets", "use fewer thresholds")
        mik.fit(xyz, values, holes, log=feedback.pushInfo)
        # What each automatic indicator variogram found (anisotropy, or why none); a given file has no notes.
        for model in mik.models_:
            for note in getattr(model, "notes_", ()):
                feedback.pushInfo(note)
        if mik.search is None and mik.search_ is not None:
            feedback.pushInfo(self.tr("Search: unlimited, the nearest samples by the anisotropic distance of the "
                                      "middle threshold's variogram (ranges {0}, azimuth, dip, rake {1})").format(
                "/".join(f"{r:.4g}" for r in mik.search_.radii), "/".join(f"{a:g}" for a in mik.search_.angles)))

    def _report(self, counts, n_targets, feedback):
        feedback.pushInfo(
            self.tr("Order relations: {0} targets corrected, {1} threshold values changed, largest change {2:.4f}")
            .format(counts["n_targets_corrected"], counts["n_thresholds_corrected"], counts["largest_correction"])
        )
        if counts["n_unestimated"]:
            feedback.pushWarning(
                self.tr("{0} of {1} targets have too few samples in the search and are left empty").format(
                    counts["n_unestimated"], n_targets))


ORDER_COUNTS = ("n_targets_corrected", "n_thresholds_corrected", "largest_correction", "n_unestimated")


def _counts(out):
    return {key: out[key] for key in ORDER_COUNTS}


def _column(name):
    return "mik_n" if name == "n_samples" else summary_field("mik", name)


def _summary(out, cutoffs):
    """{band name: array over the predicted targets}, NaN where not estimated."""
    ccdf, estimated = out["ccdf"], out["estimated"]
    per_target = {"mean": ccdf.mean, "variance": ccdf.variance}
    for q in (0.1, 0.5, 0.9):
        per_target[f"p{round(q * 100)}"] = ccdf.quantile(q)
    for cutoff in cutoffs:
        per_target[cutoff_name(cutoff)] = ccdf.exceedance(cutoff)
    summary = {}
    for name, array in per_target.items():
        full = np.full(len(estimated), np.nan)
        full[estimated] = array
        summary[name] = full
    summary["n_samples"] = out["n_used"]
    return summary
