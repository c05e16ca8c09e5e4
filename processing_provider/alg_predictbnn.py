"""reegrade:predictbnn — grade distribution from a saved model of
reegrade:trainbnn (stacked on kriging, BNN or deep ensemble) at points or on a
covariate raster."""

import numpy as np
from qgis.core import (
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
)

from ..algorithms.common.predictive import summary_field
from ..algorithms.ml.bnn.checks import check_finite
from .base import REEGradeAlgorithm, require, worker_threads
from .layer_io import (
    SuspiciousValues,
    batch_columns,
    batch_numeric,
    batch_xyz,
    field_names,
    layer_label,
    require_features,
    write_appended_batches,
    xyz_in_crs,
)

PREFIX = "bnn"


class PredictBNNAlgorithm(REEGradeAlgorithm):
    NAME = "predictbnn"
    DISPLAY_NAME = "Predict with Bayesian neural network"
    GROUP = "estimation"
    HELP = (
        "Predicts the grade distribution with a model saved by reegrade:trainbnn (stacked on kriging, BNN or deep "
        "ensemble; the file's header says which), at points ([INPUT]) and/or on the grid of a covariate raster "
        "([COVARIATE_RASTER]).\n\n"
        "Stacked model (trainbnn's default): the kriging estimate and sd every target needs are computed here, "
        "from the samples, variogram and search saved in the model file, at the targets' coordinates (reprojected "
        "to the samples' CRS when they differ). A model trained on 3D samples needs targets with z; on a "
        "covariate raster (no z) only a 2D model predicts, at the cell centres. Categorical fields are "
        "one-hot encoded with the model's categories: a category the training never saw switches no column on "
        "and a warning counts such values per field; a raster cannot carry them. The predictive is the pool "
        "w N(OK, sd^2) + (1 - w) ensemble; mean, sd, P10/P50/P90 and P(grade > c) are its own ([N_SAMPLES] and "
        "[SEED] do not apply).\n\n"
        "[INPUT] must carry every feature field of the model under the same name (e.g. the pc_ fields from "
        "reegrade:pcafusion in APPLY mode); [COVARIATE_RASTER] is a multi-band raster whose band descriptions "
        "are the model's feature names (other bands are ignored; cells where a feature is nodata get nodata). "
        "A missing field or band is an error naming it; so is a model file that was edited, truncated or is "
        "of another kind.\n\n"
        "Per target, the log-grade is a mixture of Gaussians over [N_SAMPLES] posterior weight draws (bnn; drawn "
        "from [SEED]) or over the members (ensemble), and the grade a mixture of lognormals: mean = average of "
        "exp(mu + s^2/2) (not exp(mu)), sd from the mixture's moments, P10/P50/P90 its quantiles, and "
        "P(grade > c) for each cut-off of [CUTOFFS] (comma separated, in the grade's unit).\n\n"
        "Outputs: [OUTPUT], the input points plus bnn_mean, bnn_sd, bnn_p10, bnn_p50, bnn_p90 and "
        "bnn_p_gt_<c> per cut-off, the decimal point written as _ (1.5 -> bnn_p_gt_1_5); [OUTPUT_RASTER], a "
        "multi-band GeoTIFF on the covariate raster's grid with bands described mean, sd, p10, p50, p90, "
        "p_gt_<c> (p_gt_1.5).\n\n"
        "Targets are predicted in chunks on as many threads as QGIS's maximum-threads setting allows (all "
        "cores by default); the values are the same whatever the thread count. Target points are read, "
        "predicted and written 65,536 at a time, so a block model of millions of points never sits whole in "
        "memory.\n\n"
        "Reference: Blundell et al. (2015) Weight uncertainty in neural networks, ICML; Lakshminarayanan, "
        "Pritzel and Blundell (2017) Simple and scalable predictive uncertainty estimation using deep "
        "ensembles, NeurIPS."
    )

    PARAMETER_HELP = {
        "MODEL": "A model file saved by Train Bayesian neural network.",
        "INPUT": "Target points carrying the model's feature fields (e.g. the pc_ fields of PCA fusion applied to the "
                 "targets).",
        "COVARIATE_RASTER": "A multi-band raster whose band descriptions are the model's feature names, to predict on "
                            "its grid.",
        "N_SAMPLES": "Posterior weight draws per target (bnn models only).",
        "OUTPUT": "The target points with bnn_mean, bnn_sd, bnn_p10, bnn_p50, bnn_p90 and bnn_p_gt_ per cut-off.",
        "OUTPUT_RASTER": "A multi-band GeoTIFF on the covariate raster's grid with the same bands.",
    }

    MODEL = "MODEL"
    INPUT = "INPUT"
    COVARIATE_RASTER = "COVARIATE_RASTER"
    N_SAMPLES = "N_SAMPLES"
    OUTPUT = "OUTPUT"
    OUTPUT_RASTER = "OUTPUT_RASTER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(QgsProcessingParameterFile(
            self.MODEL, self.tr("Model file (trainbnn)"), extension="json"))
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Target points"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.COVARIATE_RASTER, self.tr("Covariate raster (bands named as the features)"), optional=True))
        self.add_cutoffs_parameter()
        self.add_seed_parameter()
        self.add_advanced(QgsProcessingParameterNumber(
            self.N_SAMPLES, self.tr("Posterior samples (bnn)"), QgsProcessingParameterNumber.Integer, 32, minValue=1,
            maxValue=4096))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("BNN estimates (points)"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_RASTER, self.tr("BNN estimates (raster)"), optional=True, createByDefault=False))

    def process(self, parameters, context, feedback):
        require("torch")
        require("safetensors")
        from ..algorithms.ml.stacked import load_grade_model

        points = self.parameterAsSource(parameters, self.INPUT, context)
        raster = self.parameterAsRasterLayer(parameters, self.COVARIATE_RASTER, context)
        if not self.output_requested(parameters, self.OUTPUT):
            points = None
        if not self.output_requested(parameters, self.OUTPUT_RASTER):
            raster = None
        if points is None and raster is None:
            # Given but not a readable layer (parameter_problem only sees that something was given).
            raise ValueError(self.tr("Give target points or a covariate raster to predict on"))
        model = load_grade_model(self.parameterAsFile(parameters, self.MODEL, context))
        stacked = hasattr(model, "kriging_")
        if stacked:
            model.n_threads = model.kriging_.n_jobs = worker_threads()
            feedback.pushInfo(self.tr(
                "Stacked model: ensemble of {0} members pooled with kriging at weight {1:g} on {2} samples ({3}D); "
                "N SAMPLES and SEED do not apply").format(model.network_.n_members, model.weight_,
                                                          len(model.samples_[1]), model.dimension()))
            options = {"cutoffs": self.cutoffs(parameters, context)}
        else:
            model.n_threads = worker_threads()
            options = dict(cutoffs=self.cutoffs(parameters, context),
                           n_samples=self.parameterAsInt(parameters, self.N_SAMPLES, context),
                           seed=self.seed(parameters, context))
            if model.method == "ensemble":
                feedback.pushInfo(
                    self.tr("Deep ensemble of {0} members: N SAMPLES does not apply").format(model.n_members))
        results = {}
        if points is not None:
            results[self.OUTPUT] = self._points(parameters, context, feedback, model, points, options,
                                                45 if raster is not None else 90)
        if raster is not None:
            from ..algorithms.io.raster import write_bands

            raster_result = (self._predict_raster_stacked(model, raster, options["cutoffs"], context, feedback)
                             if stacked else self._predict_raster(model, raster, options, feedback))
            path = self.parameterAsOutputLayer(parameters, self.OUTPUT_RASTER, context)
            profile, summary = raster_result
            bands = np.stack([v.reshape(profile["height"], profile["width"]) for v in summary.values()])
            self.remove_on_failure(path)
            write_bands(path, bands, list(summary), profile["transform"], profile["crs"])
            results[self.OUTPUT_RASTER] = path
        return results

    def _points(self, parameters, context, feedback, model, points, options, end):
        """The target points with the bnn_ summaries, read, predicted and
        written one batch at a time (`write_appended_batches`), on one cluster
        when the Dask setting names one."""
        label = layer_label(points)
        require_features(points, label)
        stacked = hasattr(model, "kriging_")
        if stacked:
            self._check_stacked_fields(model, points, label)
        else:
            model.check_features(field_names(points), label)
        batches = self.batch_progress(feedback, 0, end, points.featureCount())
        unseen, suspicious = {}, SuspiciousValues(label, points.featureCount())
        with self.prediction_cluster(feedback) as cluster:
            def estimate(first_row, features):
                progress, should_stop = batches.estimation(first_row, len(features))
                if stacked:
                    X = self._stacked_inputs(model, points, features, first_row, unseen, suspicious, context,
                                             feedback)
                    summary = model.predict(X, options["cutoffs"], progress, should_stop, cluster=cluster)
                else:
                    values = batch_numeric(points, features, model.feature_names_, label, first_row)
                    suspicious.add(values, first_row)
                    X = np.column_stack([values[name].values for name in model.feature_names_])
                    check_finite(X, model.feature_names_, label, first_row)
                    summary = model.predict(X, label=label, progress=progress, should_stop=should_stop,
                                            cluster=cluster, **options)
                return {summary_field(PREFIX, name): ("double", values) for name, values in summary.items()}

            destination = write_appended_batches(self, parameters, context, self.OUTPUT, points, estimate, feedback,
                                                 batches)
        suspicious.warn(feedback)
        self._warn_unseen(model, unseen, label, feedback)
        return destination

    def parameter_problem(self, parameters, context):
        """Why there is nothing to predict on, or None."""
        if not parameters.get(self.INPUT) and not parameters.get(self.COVARIATE_RASTER):
            return self.tr("Give target points or a covariate raster to predict on")
        points = bool(parameters.get(self.INPUT)) and self.output_requested(parameters, self.OUTPUT)
        raster = bool(parameters.get(self.COVARIATE_RASTER)) and self.output_requested(parameters, self.OUTPUT_RASTER)
        if not (points or raster):
            return self.tr("Nothing would be written: give the points output (OUTPUT) for the target points or the "
                           "raster output (OUTPUT_RASTER) for the covariate raster")
        return None

    def _predict_raster(self, model, raster, options, feedback):
        """(profile, summary over every cell); cells with a nodata feature are NaN."""
        require("rasterio")
        from ..algorithms.io.raster import read_bands

        label = raster.name() or "covariate raster"
        profile, bands, names = read_bands(raster.source())
        model.check_features([n for n in names if n], f"{label} (band descriptions)")
        X = np.column_stack([bands[names.index(name)].ravel() for name in model.feature_names_])
        valid = np.all(np.isfinite(X), axis=1)
        feedback.pushInfo(self.tr("{0}: {1} of {2} cells have every feature").format(label, int(valid.sum()), len(X)))
        progress, should_stop = self.progress_callbacks(feedback, 50, 90)
        inside = self.run_on_dask(feedback, model.predict, X[valid], label=label, progress=progress,
                                  should_stop=should_stop, **options)
        return profile, _on_every_cell(inside, valid)


    # ---- the stacked model -------------------------------------------------------------------
    def _model_crs(self, model):
        """The samples' CRS saved in the model file, or None."""
        from qgis.core import QgsCoordinateReferenceSystem

        wkt = model.metadata_.get("crs_wkt")
        crs = QgsCoordinateReferenceSystem.fromWkt(wkt) if wkt else QgsCoordinateReferenceSystem()
        return crs if crs.isValid() else None

    def _in_model_crs(self, model, xy, crs, context, feedback, label):
        model_crs = self._model_crs(model)
        self.require_projected(model_crs, self.tr("the model's samples"))
        return xy if model_crs is None else xyz_in_crs(xy, crs, model_crs, context, feedback, label)

    @staticmethod
    def _numeric_fields(model):
        categorical = set(model.encoder.fields_) if model.encoder is not None else set()
        return [name for name in model.input_fields() if name not in categorical]

    def _check_stacked_fields(self, model, points, label):
        available = set(field_names(points))
        missing = [name for name in model.input_fields() if name not in available]
        if missing:
            raise ValueError(
                f"{label}: feature field(s) {', '.join(repr(m) for m in missing)} of the model are missing; the "
                f"model was trained on {', '.join(model.input_fields()) or 'no covariate'}")

    def _stacked_inputs(self, model, points, features, first_row, unseen, suspicious, context, feedback):
        """(n, 3 + inputs) coordinates and covariates of one batch of target
        features, in the model's CRS; `unseen` counts each categorical field's
        values the training never saw."""
        from .alg_trainbnn import check_rows

        label = layer_label(points)
        numeric = self._numeric_fields(model)
        values = batch_numeric(points, features, numeric, label, first_row)
        suspicious.add(values, first_row)
        X = (np.column_stack([values[name].values for name in numeric]) if numeric
             else np.zeros((len(features), 0)))
        check_rows(label, numeric, X, first_row)
        if model.encoder is not None:
            X = np.column_stack([X, self._encoded(model, points, features, first_row, unseen)])
        # The reprojection notice once, with the first batch.
        xyz = self._in_model_crs(model, batch_xyz(features, label, first_row), points.sourceCrs(), context,
                                 feedback if first_row == 1 else None, label)
        if model.dimension() == 3:
            flat = np.flatnonzero(~np.isfinite(xyz[:, 2]))
            if flat.size:
                raise ValueError(self.tr(
                    "{0}: feature at row {1} has no z; the model's kriging is 3D (trained on samples with z), so "
                    "every target needs one").format(label, first_row + flat[0]))
        else:
            xyz = xyz.copy()
            xyz[:, 2] = 0.0
        return np.column_stack([xyz, X])

    def _encoded(self, model, points, features, first_row, unseen):
        """One-hot columns of the model's categorical fields for a batch of features."""
        label = layer_label(points)
        columns = batch_columns(points, features, list(model.encoder.fields_), label)
        matrix, _, batch_unseen = model.encoder.transform(columns, label, first_row)
        for field, count in batch_unseen.items():
            unseen[field] = unseen.get(field, 0) + count
        return matrix

    def _warn_unseen(self, model, unseen, label, feedback):
        """A warning per categorical field counting the values the training never saw."""
        for field, count in unseen.items():
            if count:
                known = ", ".join(model.encoder.categories_[field])
                feedback.pushWarning(self.tr(
                    "{0}: {1} value(s) of '{2}' are categories the model was not trained on; they are encoded as "
                    "no known category (known: {3})").format(label, count, field, known))

    def _predict_raster_stacked(self, model, raster, cutoffs, context, feedback):
        require("rasterio")
        from ..algorithms.io.raster import read_bands, template_grid

        label = raster.name() or "covariate raster"
        if model.encoder is not None:
            raise ValueError(self.tr(
                "{0}: the model has categorical field(s) {1}, which a raster cannot carry; predict at target points "
                "instead").format(label, ", ".join(model.encoder.fields_)))
        if model.dimension() == 3:
            raise ValueError(self.tr(
                "{0}: the model's kriging is 3D (trained on samples with z) and a raster has no z; predict at "
                "target points with z instead (reegrade:targets)").format(label))
        profile, bands, names = read_bands(raster.source())
        numeric = self._numeric_fields(model)
        missing = [name for name in numeric if name not in names]
        if missing:
            raise ValueError(
                f"{label} (band descriptions): feature field(s) {', '.join(repr(m) for m in missing)} of the model "
                f"are missing; the model was trained on {', '.join(numeric)}")
        _, gx, gy = template_grid(raster.source())
        xy = np.column_stack([gx, gy, np.zeros(len(gx))])
        xyz = self._in_model_crs(model, xy, raster.crs(), context, feedback, label)
        X = np.column_stack([xyz] + [bands[names.index(name)].ravel() for name in numeric])
        valid = np.all(np.isfinite(X), axis=1)
        feedback.pushInfo(self.tr("{0}: {1} of {2} cells have every feature").format(label, int(valid.sum()), len(X)))
        progress, should_stop = self.progress_callbacks(feedback, 50, 90)
        inside = self.run_on_dask(feedback, model.predict, X[valid], cutoffs, progress, should_stop)
        return profile, _on_every_cell(inside, valid)


def _on_every_cell(inside, valid):
    """Summaries of the valid cells spread back over the whole grid (NaN elsewhere)."""
    summary = {}
    for name, values in inside.items():
        full = np.full(len(valid), np.nan)
        full[valid] = values
        summary[name] = full
    return summary
