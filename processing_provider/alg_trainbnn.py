"""reegrade:trainbnn — train a Bayesian neural network or a deep ensemble on
log-grade from feature fields, with early stopping on held-out holes."""
import numpy as np
from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..algorithms.ml.bnn.architecture import METHODS
from .base import REEGradeAlgorithm, require
from .layer_io import layer_label, read_columns, require_features


class TrainBNNAlgorithm(REEGradeAlgorithm):
    NAME = "trainbnn"
    DISPLAY_NAME = "Train Bayesian neural network"
    GROUP = "estimation"
    HELP = (
        "Trains a model of log-grade from numeric feature fields (PCA components pc_, or any covariates) and "
        "saves it for reegrade:predictbnn.\n\n"
        "METHOD bnn: a Bayesian neural network: HIDDEN layers of ReLU units (default 64,64,64), every weight "
        "and bias with a Gaussian prior N(0, PRIOR SD^2) and a mean-field Gaussian posterior fitted by "
        "variational inference (reparameterised, Adam at LEARNING RATE), minimising the Gaussian negative "
        "log-likelihood of log(GRADE FIELD) plus KL WEIGHT x KL / n. The output is heteroscedastic: a mean and a "
        "spread of log-grade per sample, i.e. a lognormal grade. METHOD ensemble: N MEMBERS networks of the "
        "same shape with ordinary weights from different seeds; the prediction mixes them. Each member's loss "
        "adds WEIGHT DECAY / 2 x the sum of its squared weights and biases (MAP under a Gaussian prior); "
        "left empty, the decay is chosen on the held-out holes: one pilot member for each of 0.001, 0.003, "
        "0.01, 0.03, 0.1 and 0.3 (same start, at most EPOCHS / 4), and the strongest decay whose member's "
        "validation NLL is "
        "within one standard error (between held-out holes) of the lowest trains the N MEMBERS (roughly "
        "doubling the training time). Unregularised members fit the training holes' detail and predict "
        "confidently wrong grades on new holes.\n\n"
        "Early stopping: whole holes (HOLE FIELD) making up VALIDATION FRACTION of the samples are held out, "
        "never random rows (neighbouring intervals of a hole are near copies), and each network keeps its "
        "weights from the epoch of lowest validation loss (at most EPOCHS; it stops after PATIENCE epochs "
        "without improvement). With RECALIBRATE, one factor stretching the predictive spread (log scale) is "
        "fitted on those held-out holes so central intervals cover their nominal share, and stored.\n\n"
        "Inputs are standardised and the target is log-transformed and standardised; the means and sds are "
        "saved, with each feature's range. At prediction, features are clipped to that range, the spread of "
        "log-grade is bounded by the training log-grades' sd and predicted log-grade means by their range "
        "widened by half an sd, so predictions far from the data do not extrapolate wildly. "
        "Missing or non-positive grades, missing feature values (impute first), a missing hole id, fewer "
        "than 20 samples or fewer than 3 holes are errors naming layer, field and row. Same SEED, same "
        "model, bit for bit, on one machine.\n\n"
        "Outputs: MODEL OUT, a JSON header (features in order, standardisation, architecture, prior, "
        "recalibration factor, training metadata, checksum) with the weights as .safetensors beside it; "
        "the validation NLL and the spread factor (also in the log).\n\n"
        "References: Blundell et al. (2015) Weight uncertainty in neural networks, ICML; Kingma, Salimans and "
        "Welling (2015) Variational dropout and the local reparameterization trick, NeurIPS; "
        "Lakshminarayanan, Pritzel and Blundell (2017) Simple and scalable predictive uncertainty estimation "
        "using deep ensembles, NeurIPS; Kuleshov, Fenner and Ermon (2018) Accurate uncertainties for deep "
        "learning using calibrated regression, ICML."
    )

    INPUT = "INPUT"
    FEATURES = "FEATURES"
    GRADE_FIELD = "GRADE_FIELD"
    HOLE_FIELD = "HOLE_FIELD"
    METHOD = "METHOD"
    HIDDEN = "HIDDEN"
    EPOCHS = "EPOCHS"
    PATIENCE = "PATIENCE"
    LEARNING_RATE = "LEARNING_RATE"
    PRIOR_SD = "PRIOR_SD"
    KL_WEIGHT = "KL_WEIGHT"
    N_MEMBERS = "N_MEMBERS"
    WEIGHT_DECAY = "WEIGHT_DECAY"
    VALIDATION_FRACTION = "VALIDATION_FRACTION"
    RECALIBRATE = "RECALIBRATE"
    MODEL_OUT = "MODEL_OUT"
    VALIDATION_NLL = "VALIDATION_NLL"
    SPREAD_SCALE = "SPREAD_SCALE"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples")))
        numeric = QgsProcessingParameterField.Numeric
        self.addParameter(QgsProcessingParameterField(
            self.FEATURES, self.tr("Feature fields"), parentLayerParameterName=self.INPUT, type=numeric,
            allowMultiple=True))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field (e.g. TREO_pct)"), parentLayerParameterName=self.INPUT,
            type=numeric))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole field (validation split by hole)"), parentLayerParameterName=self.INPUT))
        # One option per architecture.METHODS, in its order.
        self.addParameter(QgsProcessingParameterEnum(
            self.METHOD, self.tr("Method"), options=[self.tr("Bayesian neural network (bnn)"),
                                                      self.tr("Deep ensemble (ensemble)")], defaultValue=0))
        self.addParameter(QgsProcessingParameterString(self.HIDDEN, self.tr("Hidden layer sizes"), "64,64,64"))
        integer, double = QgsProcessingParameterNumber.Integer, QgsProcessingParameterNumber.Double
        self.addParameter(QgsProcessingParameterNumber(
            self.EPOCHS, self.tr("Maximum epochs"), integer, 400, minValue=1))
        self.addParameter(QgsProcessingParameterNumber(
            self.N_MEMBERS, self.tr("Members (ensemble)"), integer, 5, minValue=1, maxValue=100))
        self.add_seed_parameter()
        self.add_advanced(QgsProcessingParameterNumber(
            self.PATIENCE, self.tr("Early-stopping patience (epochs)"), integer, 40, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.LEARNING_RATE, self.tr("Learning rate (Adam)"), double, 0.005, minValue=1e-6, maxValue=1.0))
        self.add_advanced(QgsProcessingParameterNumber(
            self.PRIOR_SD, self.tr("Prior sd of weights (bnn)"), double, 1.0, minValue=1e-6))
        self.add_advanced(QgsProcessingParameterNumber(
            self.KL_WEIGHT, self.tr("KL weight (bnn)"), double, 1.0, minValue=0.0))
        self.add_advanced(QgsProcessingParameterNumber(
            self.WEIGHT_DECAY, self.tr("Weight decay (ensemble; empty = chosen on the held-out holes)"), double,
            optional=True, minValue=0.0))
        self.add_advanced(QgsProcessingParameterNumber(
            self.VALIDATION_FRACTION, self.tr("Validation fraction (whole holes)"), double, 0.2, minValue=0.01,
            maxValue=0.9))
        self.add_advanced(QgsProcessingParameterBoolean(
            self.RECALIBRATE, self.tr("Recalibrate the spread on the held-out holes"), True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.MODEL_OUT, self.tr("Model file"), self.tr("JSON files (*.json)")))
        self.addOutput(QgsProcessingOutputFile(self.MODEL_OUT, self.tr("Model file")))
        self.addOutput(QgsProcessingOutputNumber(self.VALIDATION_NLL, self.tr("Validation NLL (log-grade)")))
        self.addOutput(QgsProcessingOutputNumber(self.SPREAD_SCALE, self.tr("Spread recalibration factor")))

    def parameter_problem(self, parameters, context):
        """Why the feature and grade fields cannot go together, or None."""
        features = self.parameterAsFields(parameters, self.FEATURES, context)
        grade_field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        if not features:
            return self.tr("Select at least one feature field")
        if grade_field in features:
            return self.tr("The grade field '{0}' is also selected as a feature").format(grade_field)
        return None

    def process(self, parameters, context, feedback):
        require("torch")
        require("safetensors")
        from ..algorithms.common.parsing import parse_numeric
        from ..algorithms.io.modelfile import arrays_path_for
        from ..algorithms.ml.bnn.checks import parse_hidden
        from ..algorithms.ml.bnn.model import CODEC, BNNRegressor

        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        features = self.parameterAsFields(parameters, self.FEATURES, context)
        grade_field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        model = BNNRegressor(
            method=METHODS[self.parameterAsEnum(parameters, self.METHOD, context)],
            hidden=parse_hidden(self.parameterAsString(parameters, self.HIDDEN, context)),
            epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            patience=self.parameterAsInt(parameters, self.PATIENCE, context),
            learning_rate=self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
            prior_sd=self.parameterAsDouble(parameters, self.PRIOR_SD, context),
            kl_weight=self.parameterAsDouble(parameters, self.KL_WEIGHT, context),
            n_members=self.parameterAsInt(parameters, self.N_MEMBERS, context),
            weight_decay=self.optional_double(parameters, self.WEIGHT_DECAY, context),
            validation_fraction=self.parameterAsDouble(parameters, self.VALIDATION_FRACTION, context),
            recalibrate=self.parameterAsBool(parameters, self.RECALIBRATE, context),
            seed=self.seed(parameters, context),
            feature_names=features, label=label, target_name=grade_field, group_name=hole_field,
        )
        model_path = self.parameterAsFileOutput(parameters, self.MODEL_OUT, context)

        columns, _, _ = read_columns(source, list(features) + [grade_field, hole_field], feedback, label)
        X = np.column_stack([parse_numeric(columns[name], label, name).values for name in features])
        grade = parse_numeric(columns[grade_field], label, grade_field).values
        progress, should_stop = self.progress_callbacks(feedback, 10, 95)
        model.fit(X, grade, columns[hole_field], progress=progress, should_stop=should_stop)

        self.report_fit(model, feedback)
        self.remove_on_failure(model_path, arrays_path_for(model_path, codec=CODEC))
        model.save(model_path)
        return {
            self.MODEL_OUT: model_path,
            self.VALIDATION_NLL: float(np.mean(model.metadata_["validation_nll"])),
            self.SPREAD_SCALE: model.scale_,
        }

    def report_fit(self, model, feedback):
        meta = model.metadata_
        feedback.pushInfo(self.tr(
            "{0}: {1} samples from {2} holes, {3} for training and {4} (whole holes) for validation; stopped "
            "after {5} epochs, best epoch(s) {6}").format(
            model.method, meta["n_samples"], meta["n_holes"], meta["n_train"], meta["n_validation"],
            meta["epochs_run"], meta["best_epochs"]))
        feedback.pushInfo(self.tr(
            "Validation NLL of standardised log-grade: {0}; predictive mixture NLL {1:.4f} before and {2:.4f} "
            "after recalibration; mean interval-coverage error {3:.3f} before, {4:.3f} after (spread factor "
            "{5:.3f})").format(
            ", ".join(f"{v:.4f}" for v in meta["validation_nll"]), model.validation_["nll_before"],
            model.validation_["nll_after"], meta["coverage_error_before"], meta["coverage_error_after"],
            model.scale_))
        if model.method == "ensemble":
            self.report_weight_decay(model, feedback)
        elif model.weight_decay is not None:
            feedback.pushWarning(self.tr("WEIGHT DECAY applies to the ensemble only; the BNN's prior regularises it"))

    def report_weight_decay(self, model, feedback):
        search = model.decay_search_
        if search is None:
            feedback.pushInfo(self.tr("Weight decay {0:g} (given)").format(model.weight_decay_))
            return
        tried = ", ".join(f"{decay:g}: {nll:.4f}" for decay, nll in zip(search["grid"], search["validation_nll"]))
        feedback.pushInfo(self.tr(
            "Weight decay {0:g}: the strongest within one standard error ({1:.4f}) of the lowest validation NLL "
            "of the pilot members ({2})").format(model.weight_decay_, search["standard_error"], tried))
