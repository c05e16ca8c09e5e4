"""reegrade:gp — Gaussian-process baseline (GPyTorch)."""
import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from ..algorithms.common.predictive import summary_field
from .base import REEGradeAlgorithm, require
from .checks import errors_naming, refuse_if_too_large
from .layer_io import layer_label, read_points_with_fields, write_appended, xyz_in_crs


class GaussianProcessAlgorithm(REEGradeAlgorithm):
    NAME = "gp"
    DISPLAY_NAME = "Gaussian process (baseline)"
    GROUP = "estimation"
    HELP = (
        "Fits a Gaussian process to a grade field of the samples and predicts it at target points or on a "
        "raster template: Matern 5/2 kernel with one length scale per axis on standardised coordinates "
        "(learned anisotropy), plus optional covariate fields as further dimensions; the noise term plays "
        "the nugget. Up to [EXACT_LIMIT] samples the exact GP is fitted; above it a variational sparse GP with "
        "[N_INDUCING] inducing points, trained on minibatches.\n\n"
        "With [LOG_TRANSFORM] (default) the grade is modelled on log scale and the outputs are those of a "
        "lognormal: mean = exp(mu + s^2/2), sd, P10/P50/P90 and P(grade > cut-off) for each of [CUTOFFS].\n\n"
        "Outputs: target points with gp_mean, gp_sd, gp_p10, gp_p50, gp_p90 and gp_p_gt_<cut-off> (the "
        "decimal point written as _), and/or a multi-band GeoTIFF on the template with bands mean, sd, p10, "
        "p50, p90, p_gt_<cut-off>. Covariates need target points carrying the same fields.\n\n"
        "Reference: Gardner et al. (2018), GPyTorch: Blackbox matrix-matrix Gaussian process inference with "
        "GPU acceleration, NeurIPS; Hensman et al. (2013), Gaussian processes for big data, UAI."
    )

    PARAMETER_HELP = {
        "INPUT": "Sample points with the grade, in a projected CRS.",
        "GRADE_FIELD": "The grade to estimate, e.g. TREO_pct.",
        "COVARIATES": "Optional covariate fields used as further dimensions; the targets must carry them too.",
        "LOG_TRANSFORM": "Model the logarithm of the grade, so the estimates are lognormal (grades are positive and "
                         "skewed).",
        "TARGETS": "Points to estimate at, e.g. the block centroids of Prediction targets.",
        "TEMPLATE": "A raster whose cells are estimated, instead of or beside target points.",
        "EXACT_LIMIT": "Up to this many samples the exact Gaussian process is fitted; above it, a sparse one.",
        "N_INDUCING": "The number of inducing points of the sparse Gaussian process.",
        "ITERATIONS": "Iterations of the optimiser that fits the kernel's length scales and the noise.",
        "OUTPUT": "The target points with gp_mean, gp_sd, gp_p10, gp_p50, gp_p90 and gp_p_gt_ per cut-off.",
        "OUTPUT_RASTER": "A multi-band GeoTIFF on the template with bands mean, sd, p10, p50, p90 and p_gt_ per "
                         "cut-off.",
    }

    INPUT = "INPUT"
    GRADE_FIELD = "GRADE_FIELD"
    COVARIATES = "COVARIATES"
    LOG_TRANSFORM = "LOG_TRANSFORM"
    TARGETS = "TARGETS"
    TEMPLATE = "TEMPLATE"
    EXACT_LIMIT = "EXACT_LIMIT"
    N_INDUCING = "N_INDUCING"
    ITERATIONS = "ITERATIONS"
    OUTPUT = "OUTPUT"
    OUTPUT_RASTER = "OUTPUT_RASTER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        integer = QgsProcessingParameterNumber.Integer
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples")))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.COVARIATES, self.tr("Covariate fields"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric, allowMultiple=True, optional=True,
        ))
        self.addParameter(QgsProcessingParameterBoolean(self.LOG_TRANSFORM, self.tr("Model log-grade"), True))
        self.addParameter(QgsProcessingParameterFeatureSource(self.TARGETS, self.tr("Target points"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(self.TEMPLATE, self.tr("Raster template"), optional=True))
        self.add_advanced(QgsProcessingParameterNumber(
            self.EXACT_LIMIT, self.tr("Exact GP up to n samples"), integer, 2000, minValue=10))
        self.add_advanced(QgsProcessingParameterNumber(
            self.N_INDUCING, self.tr("Inducing points (sparse GP)"), integer, 512, minValue=8))
        self.add_advanced(QgsProcessingParameterNumber(
            self.ITERATIONS, self.tr("Optimiser iterations"), integer, 150, minValue=1))
        self.add_seed_parameter(default=42, advanced=True)
        self.add_cutoffs_parameter(default="1.5")
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("GP estimates (points)"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_RASTER, self.tr("GP estimates (raster)"), optional=True, createByDefault=False))

    def parameter_problem(self, parameters, context):
        if parameters.get(self.TEMPLATE) and self.parameterAsFields(parameters, self.COVARIATES, context):
            return self.tr("Covariates need target points carrying them; a raster template has none")
        points = bool(parameters.get(self.TARGETS)) and self.output_requested(parameters, self.OUTPUT)
        raster = bool(parameters.get(self.TEMPLATE)) and self.output_requested(parameters, self.OUTPUT_RASTER)
        if (parameters.get(self.TARGETS) or parameters.get(self.TEMPLATE)) and not (points or raster):
            return self.tr("Nothing would be written: give the points output (OUTPUT) for the target points or the "
                           "raster output (OUTPUT_RASTER) for the template")
        return None

    def process(self, parameters, context, feedback):
        require("gpytorch")
        from ..algorithms.io.raster import template_grid, write_bands
        from ..algorithms.ml.gp import GPRegressor

        samples = self.parameterAsSource(parameters, self.INPUT, context)
        target = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        covariates = self.parameterAsFields(parameters, self.COVARIATES, context)
        cutoffs = self.cutoffs(parameters, context)
        targets = self.parameterAsSource(parameters, self.TARGETS, context)
        template = self.parameterAsRasterLayer(parameters, self.TEMPLATE, context)
        if not self.output_requested(parameters, self.OUTPUT):
            targets = None
        if not self.output_requested(parameters, self.OUTPUT_RASTER):
            template = None
        if targets is None and template is None:
            raise QgsProcessingException(self.tr("Give target points or a raster template to predict on"))
        raster_path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RASTER, context) if template else None

        log_transform = self.parameterAsBool(parameters, self.LOG_TRANSFORM, context)
        self.require_projected(samples.sourceCrs(), layer_label(samples))
        X, y = self._samples(samples, target, covariates, log_transform, feedback)
        if len(y) <= self.parameterAsInt(parameters, self.EXACT_LIMIT, context):
            refuse_if_too_large(len(y) ** 2 * 8 * 6, f"an exact GP on {len(y)} samples",
                                "lower EXACT LIMIT so that the sparse GP is used")
        else:
            inducing = self.parameterAsInt(parameters, self.N_INDUCING, context)
            refuse_if_too_large(inducing ** 2 * 8 * 6, f"a sparse GP with {inducing} inducing points",
                                "use fewer inducing points")
        model = GPRegressor(
            log_transform=log_transform,
            exact_limit=self.parameterAsInt(parameters, self.EXACT_LIMIT, context),
            n_inducing=self.parameterAsInt(parameters, self.N_INDUCING, context),
            iterations=self.parameterAsInt(parameters, self.ITERATIONS, context),
            seed=self.seed(parameters, context),
            n_coords=3,
        )
        progress, should_stop = self.progress_callbacks(feedback, 0, 70)
        with errors_naming(layer_label(samples)):
            model.fit(X, y, progress=progress, should_stop=should_stop)
        feedback.pushInfo(
            self.tr("{0} GP on {1} samples; length scales {2}").format(
                "Exact" if model.exact_ else "Sparse", len(y), np.array2string(model.length_scales_, precision=1)
            )
        )
        results = {}
        if targets is not None:
            label = layer_label(targets)
            t_xyz, t_values = read_points_with_fields(targets, covariates, label, feedback)
            t_xyz = xyz_in_crs(t_xyz, targets.sourceCrs(), samples.sourceCrs(), context, feedback, label)
            t_X = np.column_stack([t_xyz] + [t_values[f] for f in covariates])
            summary = model.predict(t_X, cutoffs)
            columns = {summary_field("gp", name): ("double", values) for name, values in summary.items()}
            results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, targets, columns, feedback)
        if template is not None:
            refuse_if_too_large(template.width() * template.height() * 8 * 64,
                                f"{template.name()}: predicting its {template.width()} x {template.height()} cells",
                                "use a template with larger cells")
            profile, gx, gy = template_grid(template.source())
            coords = np.column_stack([gx, gy, np.full(len(gx), np.nan)])
            if template.crs().isValid() and samples.sourceCrs().isValid():
                # The model was fitted on the samples' coordinates; the cell centres must be in the same CRS.
                coords = xyz_in_crs(coords, template.crs(), samples.sourceCrs(), context, feedback, template.name())
            summary = model.predict(coords, cutoffs)
            bands = np.stack([v.reshape(profile["height"], profile["width"]) for v in summary.values()])
            self.remove_on_failure(raster_path)
            write_bands(raster_path, bands, list(summary), profile["transform"], profile["crs"])
            results[self.OUTPUT_RASTER] = raster_path
        return results

    def _samples(self, samples, target, covariates, log_transform, feedback):
        """(X: coordinates then covariates, grade) of the samples with a grade."""
        label = layer_label(samples)
        xyz, values = read_points_with_fields(samples, [target] + list(covariates), label, feedback)
        self.warn_if_degrees(xyz, samples.sourceCrs(), label, feedback)
        y = self.grade_values(values[target], label, target, feedback)
        keep = np.isfinite(y)
        if log_transform and np.any(keep & (y <= 0)):
            row = int(np.flatnonzero(keep & (y <= 0))[0])
            raise QgsProcessingException(
                self.tr("{0}: field '{1}', row {2}: grade {3} is not positive; the log transform needs positive "
                        "grades (apply a below-detection policy, or untick log-grade)").format(
                    label, target, row + 1, y[row])
            )
        if not keep.all():
            feedback.pushWarning(
                self.tr("{0}: {1} samples without '{2}' are left out").format(label, int((~keep).sum()), target))
        for name in covariates:
            missing = np.flatnonzero(keep & ~np.isfinite(values[name]))
            if missing.size:
                raise QgsProcessingException(
                    self.tr("{0}: field '{1}', row {2}: covariate is missing; impute it first "
                            "(reegrade:knnimpute)").format(label, name, missing[0] + 1)
                )
        if keep.any() and np.ptp(y[keep]) == 0:
            raise QgsProcessingException(self.tr(
                "{0}: field '{1}': every sample has the same grade ({2:g}); a Gaussian process has no variation to "
                "fit (its length scales and noise would be arbitrary)").format(label, target, y[keep][0]))
        X = np.column_stack([xyz] + [values[f] for f in covariates])
        return X[keep], y[keep]
