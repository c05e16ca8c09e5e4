"""reegrade:trainbnn — train the stacked, kriging-guarded network (default), a
Bayesian neural network or a deep ensemble on log-grade from feature fields,
with early stopping on held-out holes."""
import numpy as np
from qgis.core import (
    QgsProcessingException,
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

from ..algorithms.ml.bnn.architecture import METHODS as NETWORK_METHODS
from .base import REEGradeAlgorithm, require, worker_threads
from .checks import errors_naming, require_projected
from .layer_io import layer_label, point_xyz, read_columns, require_crs, require_features

# The METHOD options in order: architecture.METHODS (indices kept), then the stacked estimator.
METHODS = NETWORK_METHODS + ("stacked",)
DEFAULT_METHOD = METHODS.index("stacked")
# What the stacked estimator does not take: it trains its ensemble at these defaults.
NETWORK_ONLY = {"PATIENCE": 40, "LEARNING_RATE": 0.005, "PRIOR_SD": 1.0, "KL_WEIGHT": 1.0, "RECALIBRATE": True}


def sample_coordinates(source, label, feedback, tr=str):
    """(n, 3) coordinates of a point layer in its projected CRS, z 0 when not
    every point has one (a warning when some have), and whether they are 3D.
    A geographic CRS is refused: the kriging distances would be in degrees."""
    require_crs(source.sourceCrs(), label)
    require_projected(source.sourceCrs(), label, "stacked kriging")
    _, geometries, _ = read_columns(source, [], feedback, label)
    xyz = point_xyz(geometries, label)
    if np.all(np.isfinite(xyz[:, 2])):
        return xyz, True
    if np.any(np.isfinite(xyz[:, 2])):
        feedback.pushWarning(tr("{0}: not every point has a z; the kriging is 2D (z ignored)").format(label))
    xyz = xyz.copy()
    xyz[:, 2] = 0.0
    return xyz, False


def check_rows(label, names, matrix, first_row=1):
    """Raise naming field and 1-based row of the first missing value of
    `matrix`'s columns, its first row being the layer's `first_row`."""
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        row, column = bad[0]
        raise QgsProcessingException(
            f"{label}: field '{names[column]}', row {row + first_row}: value is missing; impute it first "
            "(reegrade:knnimpute)")


class TrainBNNAlgorithm(REEGradeAlgorithm):
    NAME = "trainbnn"
    DISPLAY_NAME = "Train Bayesian neural network"
    GROUP = "estimation"
    HELP = (
        "Trains a model of grade from numeric feature fields (PCA components pc_, or any covariates) and "
        "categorical ones ([CATEGORICAL]: a lithology or domain code, one-hot encoded, its categories kept in the "
        "model file) and saves it for reegrade:predictbnn.\n\n"
        "[METHOD] stacked (the default): a deep ensemble that knows where it is. Every sample gets the ordinary "
        "kriging estimate and kriging sd of its location computed without its own hole (automatic variogram, "
        "[MAX_SAMPLES] nearest samples, at most [MAX_PER_HOLE] from one hole), as a new hole "
        "would see them. [DOMAIN_FIELDS] (optional): fields logged at the samples only, e.g. the logged "
        "lithology: each category (the 8 most frequent with at least 10 samples and 1% of the logged ones) is "
        "kriged as an indicator between the holes with its own automatic variogram, every sample's share "
        "again without its own hole, and the shares are inputs beside the covariates, with, per field, the "
        "grade's lognormal kriging inside the domains (one external drift per category, twice [MAX_SAMPLES] "
        "neighbours, mixed by the kriged shares); targets need no such "
        "field (the model file keeps the logged values and their variograms). Kriging searches without radii "
        "rank the nearest samples by the variogram's anisotropic distance. The ensemble takes the covariates, "
        "the coordinates (the layer's geometry, in a projected "
        "CRS; 2D when not every point has a z) and the kriging inputs together, and gives the estimate's "
        "spread and shape. Its mean is a random forest on the same inputs, on the grade scale (200 trees, each "
        "grown on a bootstrap of whole holes), top-cut at the 99.5th percentile of the training grades: an "
        "average of training grades cannot explode on heavy tails as a lognormal mean does. The estimate is "
        "pooled with kriging, w N(OK, sd_K^2) + (1 - w) network centred on the forest (with [DOMAIN_FIELDS], the "
        "kriging side may instead be a field's lognormal kriging inside the domains, N(its mean, its sd^2): one "
        "choice for the model, the side whose pool has the lower out-of-hole error), w chosen by the least "
        "squared error of the pooled mean over every training sample estimated without its own hole (the "
        "forest's out-of-bag estimate against the leave-hole-out kriging), the whole pool scaled by one factor so "
        "that those out-of-hole estimates average the training grades (drillholes cluster where grades are high, "
        "so estimates of a new hole run high), and the spreads stretched so 90% "
        "intervals cover 90% of calibration holes of their own (w = 1 is the kriging side alone: covariates "
        "that add nothing leave the estimate to kriging). Zero and negative grades are floored at half the smallest "
        "positive grade, with a warning counting them. The model file holds the ensemble, the forest's trees "
        "(node arrays, not a pickle), the samples the kriging uses "
        "at prediction, the variogram and every calibration number. The ensemble trains with [HIDDEN], [EPOCHS], "
        "[N_MEMBERS], [VALIDATION_FRACTION] (empty: 0.25 of the holes not kept for calibration; 20% of the holes "
        "are) and [SEED], its weight decay chosen as below, its early stopping waiting at least about 400 "
        "optimiser steps without improving (10 to 40 epochs, fewer on larger sets); [PATIENCE], [LEARNING_RATE], "
        "[PRIOR_SD], [KL_WEIGHT] and [RECALIBRATE] do not apply (a warning says so if they are changed). It is the "
        "estimator reegrade:crossvalidate's bnn method cross-validates.\n\n"
        "[METHOD] bnn: a Bayesian neural network: [HIDDEN] layers of ReLU units (default 64,64,64), every weight "
        "and bias with a Gaussian prior N(0, [PRIOR_SD]^2) and a mean-field Gaussian posterior fitted by "
        "variational inference (reparameterised, Adam at [LEARNING_RATE]), minimising the Gaussian negative "
        "log-likelihood of log([GRADE_FIELD]) plus [KL_WEIGHT] x KL / n. The output is heteroscedastic: a mean and a "
        "spread of log-grade per sample, i.e. a lognormal grade. [METHOD] ensemble: [N_MEMBERS] networks of the "
        "same shape with ordinary weights from different seeds; the prediction mixes them. Each member's loss "
        "adds [WEIGHT_DECAY] / 2 x the sum of its squared weights and biases (MAP under a Gaussian prior); "
        "left empty, the decay is chosen on the held-out holes: one pilot member for each of 0.001, 0.003, "
        "0.01, 0.03, 0.1 and 0.3 (same start, at most [EPOCHS] / 4), and the strongest decay whose member's "
        "validation NLL is "
        "within one standard error (between held-out holes) of the lowest trains the [N_MEMBERS] (roughly "
        "doubling the training time). Unregularised members fit the training holes' detail and predict "
        "confidently wrong grades on new holes.\n\n"
        "Early stopping: whole holes ([HOLE_FIELD]) making up [VALIDATION_FRACTION] of the samples (empty: 0.2) are "
        "held out, "
        "never random rows (neighbouring intervals of a hole are near copies), and each network keeps its "
        "weights from the epoch of lowest validation loss (at most [EPOCHS]; it stops after [PATIENCE] epochs "
        "without improvement). With [RECALIBRATE], one factor stretching the predictive spread (log scale) is "
        "fitted on those held-out holes so central intervals cover their nominal share, and stored.\n\n"
        "Inputs are standardised and the target is log-transformed and standardised; the means and sds are "
        "saved, with each feature's range. At prediction, features are clipped to that range, the spread of "
        "log-grade is bounded by the training log-grades' sd and predicted log-grade means by their range "
        "widened by half an sd, so predictions far from the data do not extrapolate wildly. "
        "Missing grades, non-positive grades (bnn, ensemble), missing numeric feature values (impute first), a "
        "missing hole id, fewer than 20 samples or fewer than 3 holes are errors naming layer, field and row; a "
        "missing category is the category '(missing)'. Same [SEED], same model, bit for bit, on one machine.\n\n"
        "Outputs: [MODEL_OUT], a JSON header (features in order, standardisation, architecture, prior, "
        "recalibration factor, training metadata, checksum; for stacked also the kriging, pooling and "
        "categories) with the weights as .safetensors beside it; the validation NLL, the spread factor and "
        "(stacked) the weight w on kriging (also in the log).\n\n"
        "References: Blundell et al. (2015) Weight uncertainty in neural networks, ICML; Kingma, Salimans and "
        "Welling (2015) Variational dropout and the local reparameterization trick, NeurIPS; "
        "Lakshminarayanan, Pritzel and Blundell (2017) Simple and scalable predictive uncertainty estimation "
        "using deep ensembles, NeurIPS; Kuleshov, Fenner and Ermon (2018) Accurate uncertainties for deep "
        "learning using calibrated regression, ICML; Wolpert (1992) Stacked generalization, Neural Networks 5; "
        "Stone (1961) and Genest and Zidek (1986) on the linear opinion pool."
    )

    PARAMETER_HELP = {
        "INPUT": "Sample points (composites) with the grade and the feature fields, in a projected CRS.",
        "FEATURES": "Numeric covariates the network reads, e.g. the pc_ components of PCA fusion.",
        "CATEGORICAL": "Categorical covariates (a lithology or domain code), one-hot encoded.",
        "DOMAIN_FIELDS": "Fields logged at the samples only (a logged lithology); the stacked method kriges each "
                         "category's share between the holes as an input, and the grade's log inside the domains "
                         "(one external drift per category, mixed by the kriged shares), which replaces ordinary "
                         "kriging as the pool's kriging side when its out-of-hole error is lower (one choice for the "
                         "model); prediction targets need no such field.",
        "GRADE_FIELD": "The grade to model, e.g. TREO_pct (modelled on log scale).",
        "HOLE_FIELD": "The hole id: whole holes are held out for early stopping and calibration, never single "
                      "intervals.",
        "METHOD": "Stacked (the default): an ensemble that also reads the kriging estimate, pooled with kriging; or a "
                  "plain Bayesian network; or a plain deep ensemble.",
        "HIDDEN": "The sizes of the hidden layers, comma separated.",
        "EPOCHS": "The most passes over the training samples; training stops earlier when the held-out holes stop "
                  "improving.",
        "N_MEMBERS": "The number of networks in the ensemble.",
        "PATIENCE": "Epochs without improvement on the held-out holes before training stops.",
        "LEARNING_RATE": "The step size of the Adam optimiser.",
        "PRIOR_SD": "The standard deviation of the Gaussian prior on every weight (bnn).",
        "KL_WEIGHT": "The weight of the prior's KL term in the loss (bnn).",
        "WEIGHT_DECAY": "The ensemble's weight decay; empty: chosen on the held-out holes.",
        "VALIDATION_FRACTION": "The share of holes held out for early stopping; empty: the method's default.",
        "MAX_SAMPLES": "The nearest samples each kriging estimate of the stacked method uses.",
        "MAX_PER_HOLE": "The most samples of one hole in each kriging estimate; 0: no cap.",
        "RECALIBRATE": "Stretch the predictive spread so that its intervals cover their share on the held-out holes.",
        "MODEL_OUT": "Where to save the model (JSON with arrays beside it), for Predict with Bayesian neural network.",
    }

    INPUT = "INPUT"
    FEATURES = "FEATURES"
    CATEGORICAL = "CATEGORICAL"
    DOMAIN_FIELDS = "DOMAIN_FIELDS"
    MAX_SAMPLES = "MAX_SAMPLES"
    MAX_PER_HOLE = "MAX_PER_HOLE"
    OK_WEIGHT = "OK_WEIGHT"
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
            allowMultiple=True, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.CATEGORICAL, self.tr("Categorical fields (one-hot encoded)"), parentLayerParameterName=self.INPUT,
            allowMultiple=True, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.DOMAIN_FIELDS, self.tr("Logged domain fields, samples only (stacked; e.g. log_lith)"),
            parentLayerParameterName=self.INPUT, allowMultiple=True, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field (e.g. TREO_pct)"), parentLayerParameterName=self.INPUT,
            type=numeric))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole field (validation split by hole)"), parentLayerParameterName=self.INPUT))
        # One option per METHODS, in its order.
        self.addParameter(QgsProcessingParameterEnum(
            self.METHOD, self.tr("Method"),
            options=[self.tr("Bayesian neural network (bnn)"), self.tr("Deep ensemble (ensemble)"),
                     self.tr("Ensemble stacked on kriging, guarded by kriging (stacked)")],
            defaultValue=DEFAULT_METHOD))
        self.add_advanced(QgsProcessingParameterString(self.HIDDEN, self.tr("Hidden layer sizes"), "64,64,64"))
        integer, double = QgsProcessingParameterNumber.Integer, QgsProcessingParameterNumber.Double
        self.add_advanced(QgsProcessingParameterNumber(
            self.EPOCHS, self.tr("Maximum epochs"), integer, 400, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
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
            self.VALIDATION_FRACTION, self.tr("Validation fraction (whole holes)"),
            double, optional=True, minValue=0.01, maxValue=0.9))
        self.add_advanced(QgsProcessingParameterNumber(
            self.MAX_SAMPLES, self.tr("Kriging maximum samples (stacked)"), integer, 32, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.MAX_PER_HOLE, self.tr("Kriging maximum samples per hole (stacked; 0 = no cap)"), integer, 0,
            minValue=0))
        self.add_advanced(QgsProcessingParameterBoolean(
            self.RECALIBRATE, self.tr("Recalibrate the spread on the held-out holes"), True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.MODEL_OUT, self.tr("Model file"), self.tr("JSON files (*.json)")))
        self.addOutput(QgsProcessingOutputFile(self.MODEL_OUT, self.tr("Model file")))
        self.addOutput(QgsProcessingOutputNumber(self.VALIDATION_NLL, self.tr("Validation NLL (log-grade)")))
        self.addOutput(QgsProcessingOutputNumber(self.SPREAD_SCALE, self.tr("Spread recalibration factor")))
        self.addOutput(QgsProcessingOutputNumber(self.OK_WEIGHT, self.tr("Weight on kriging (stacked)")))

    def parameter_problem(self, parameters, context):
        """Why the feature and grade fields cannot go together, or None."""
        features = self.parameterAsFields(parameters, self.FEATURES, context)
        categorical = self.parameterAsFields(parameters, self.CATEGORICAL, context)
        grade_field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        method = METHODS[self.parameterAsEnum(parameters, self.METHOD, context)]
        if not features and not categorical and method != "stacked":
            return self.tr("Select at least one feature field")
        if grade_field in features or grade_field in categorical:
            return self.tr("The grade field '{0}' is also selected as a feature").format(grade_field)
        domains = self.parameterAsFields(parameters, self.DOMAIN_FIELDS, context)
        if domains and method != "stacked":
            return self.tr("Logged domain fields are kriged by METHOD stacked only")
        overlap = [name for name in domains if name in features or name in categorical or name == grade_field]
        if overlap:
            return self.tr("The field '{0}' is selected both as a logged domain and as a feature or the grade").format(
                overlap[0])
        both = [name for name in categorical if name in features]
        if both:
            return self.tr("The field '{0}' is selected both as a numeric and as a categorical feature").format(
                both[0])
        return None

    def process(self, parameters, context, feedback):
        require("torch")
        require("safetensors")
        from ..algorithms.common.parsing import parse_numeric
        from ..algorithms.io.modelfile import arrays_path_for
        from ..algorithms.ml.bnn.checks import parse_hidden
        from ..algorithms.ml.bnn.model import CODEC

        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        features = self.parameterAsFields(parameters, self.FEATURES, context)
        categorical = self.parameterAsFields(parameters, self.CATEGORICAL, context)
        grade_field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        method = METHODS[self.parameterAsEnum(parameters, self.METHOD, context)]
        hidden = parse_hidden(self.parameterAsString(parameters, self.HIDDEN, context))
        validation_fraction = self.optional_double(parameters, self.VALIDATION_FRACTION, context)
        model_path = self.parameterAsFileOutput(parameters, self.MODEL_OUT, context)

        domain_fields = self.parameterAsFields(parameters, self.DOMAIN_FIELDS, context)
        columns, _, _ = read_columns(source, list(features) + list(categorical) + list(domain_fields)
                                     + [grade_field, hole_field], feedback, label)
        X = (np.column_stack([parse_numeric(columns[name], label, name).values for name in features]) if features
             else np.zeros((source.featureCount(), 0)))
        grade = parse_numeric(columns[grade_field], label, grade_field).values
        holes = columns[hole_field]
        names = list(features)
        encoder = None
        if categorical:
            from ..algorithms.ml.encoding import CategoryEncoder

            encoder = CategoryEncoder(label=label).fit({name: columns[name] for name in categorical})
            onehot, encoded, _ = encoder.transform({name: columns[name] for name in categorical})
            X, names = np.column_stack([X, onehot]), names + encoded
            feedback.pushInfo(self.tr("{0}: categorical field(s) one-hot encoded as {1} columns: {2}").format(
                label, len(encoded), ", ".join(encoded)))
        progress, should_stop = self.progress_callbacks(feedback, 10, 95)
        if method == "stacked":
            domains = {name: columns[name] for name in domain_fields}
            model = self._fit_stacked(parameters, context, feedback, source, label, X, names, encoder, grade, holes,
                                      domains, hidden, validation_fraction, progress, should_stop)
            network = model.network_
        else:
            model = self._network(parameters, context, method, hidden, validation_fraction, names, label,
                                  grade_field, hole_field)
            if encoder is not None:
                feedback.pushWarning(self.tr(
                    "METHOD {0}: the model file does not keep the categories; reegrade:predictbnn reads the "
                    "one-hot columns by name ({1}); use METHOD stacked to have them encoded at prediction").format(
                    method, ", ".join(names[len(features):])))
            with errors_naming(label):
                model.fit(X, grade, holes, progress=progress, should_stop=should_stop)
            network = model
        self.report_fit(network, feedback)
        if method == "stacked":
            self.report_stacked(model, feedback)
        self.remove_on_failure(model_path, arrays_path_for(model_path, codec=CODEC))
        if method == "stacked":
            crs = source.sourceCrs()
            model.save(model_path, {"crs": crs.authid(), "crs_wkt": crs.toWkt()})
        else:
            model.save(model_path)
        return {
            self.MODEL_OUT: model_path,
            self.VALIDATION_NLL: float(np.mean(network.metadata_["validation_nll"])),
            self.SPREAD_SCALE: network.scale_,
            self.OK_WEIGHT: float(model.weight_) if method == "stacked" else None,
        }

    def _network(self, parameters, context, method, hidden, validation_fraction, names, label, grade_field,
                 hole_field):
        from ..algorithms.ml.bnn.model import BNNRegressor

        return BNNRegressor(
            method=method, hidden=hidden,
            epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            patience=self.parameterAsInt(parameters, self.PATIENCE, context),
            learning_rate=self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
            prior_sd=self.parameterAsDouble(parameters, self.PRIOR_SD, context),
            kl_weight=self.parameterAsDouble(parameters, self.KL_WEIGHT, context),
            n_members=self.parameterAsInt(parameters, self.N_MEMBERS, context),
            weight_decay=self.optional_double(parameters, self.WEIGHT_DECAY, context),
            validation_fraction=0.2 if validation_fraction is None else validation_fraction,
            recalibrate=self.parameterAsBool(parameters, self.RECALIBRATE, context),
            seed=self.seed(parameters, context),
            feature_names=names, label=label, target_name=grade_field, group_name=hole_field,
        )

    def _fit_stacked(self, parameters, context, feedback, source, label, X, names, encoder, grade, holes, domains,
                     hidden, validation_fraction, progress, should_stop):
        """The stacked estimator fitted on coordinates + covariates; rows
        checked first so messages name the layer's rows."""
        from ..algorithms.ml.stacked import StackedNetwork

        grade_field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        for key, default in NETWORK_ONLY.items():
            given = (self.parameterAsBool(parameters, key, context) if isinstance(default, bool)
                     else self.parameterAsDouble(parameters, key, context))
            if given == default:
                continue
            if key == self.PATIENCE:
                feedback.pushWarning(self.tr("PATIENCE does not apply to METHOD stacked, whose ensemble waits at "
                                             "least about 400 optimiser steps without improving (10 to 40 epochs, "
                                             "by the number of samples)"))
            else:
                feedback.pushWarning(self.tr("{0} does not apply to METHOD stacked, whose ensemble trains at the "
                                             "default {1}").format(key, default))
        if self.optional_double(parameters, self.WEIGHT_DECAY, context) is not None:
            feedback.pushWarning(self.tr("WEIGHT DECAY does not apply to METHOD stacked, whose ensemble chooses its "
                                         "decay on the held-out holes"))
        missing = np.flatnonzero(~np.isfinite(grade))
        if missing.size:
            raise QgsProcessingException(
                self.tr("{0}: field '{1}', row {2}: grade is missing").format(label, grade_field, missing[0] + 1))
        for row, hole in enumerate(holes):
            if hole in (None, "") or str(hole).strip() == "":
                raise QgsProcessingException(
                    self.tr("{0}: field '{1}', row {2}: the hole id is missing").format(label, hole_field, row + 1))
        check_rows(label, names, X)
        from ..algorithms.ml.bnn.model import MIN_SAMPLES

        if len(grade) < MIN_SAMPLES:
            raise QgsProcessingException(self.tr(
                "{0}: a neural network needs at least {1} samples, got {2}").format(label, MIN_SAMPLES, len(grade)))
        xyz, is_3d = sample_coordinates(source, label, feedback, self.tr)
        feedback.pushInfo(self.tr("{0}: kriging inputs in {1}").format(label, "3D" if is_3d else "2D"))
        arguments = {} if validation_fraction is None else {"validation_fraction": validation_fraction}
        model = StackedNetwork(
            method="ensemble", n_coords=3, hidden=hidden, epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            n_members=self.parameterAsInt(parameters, self.N_MEMBERS, context),
            max_samples=self.parameterAsInt(parameters, self.MAX_SAMPLES, context),
            max_per_hole=self.parameterAsInt(parameters, self.MAX_PER_HOLE, context) or None,
            seed=self.seed(parameters, context), n_threads=worker_threads(), label=label, target_name=grade_field,
            covariate_names=names, encoder=encoder, **arguments)
        with errors_naming(label):
            model.fit(np.column_stack([xyz, X]), grade, [str(h) for h in holes], domains=domains or None,
                      progress=progress, should_stop=should_stop)
        self.report_domains(model, domains, label, feedback)
        if model.n_floored_:
            feedback.pushWarning(self.tr(
                "{0}: {1} zero or negative grade(s) in '{2}' floored at {3:g} (half the smallest positive "
                "grade)").format(label, model.n_floored_, grade_field, model.floor_))
        return model

    def report_domains(self, model, domains, label, feedback):
        if model.domains_ is None:
            return
        from ..algorithms.geostats.domains import category_labels

        for field in domains:
            kriged = [category for name, category in model.domains_.categories_ if name == field]
            labels = category_labels(domains[field])
            feedback.pushInfo(self.tr("{0}: logged domain '{1}' kriged as {2} categories ({3}); {4} sample(s) "
                                      "without a log value left out of its kriging, {5} in other categories").format(
                label, field, len(kriged), ", ".join(kriged), int(np.sum(labels == "")),
                int(np.sum((labels != "") & ~np.isin(labels.astype(str), kriged)))))

    def report_stacked(self, model, feedback):
        feedback.pushInfo(self.tr(
            "Pooled with {5}: weight on kriging w = {0:g} and mean scale {1:.3f} (least squared error of the "
            "out-of-hole estimates of all training samples), interval stretch {2:.3f} (on {3} calibration samples), "
            "top cut {4:.4g}").format(model.weight_, model.mean_scale_, model.stretch_, model.n_calibration_,
                                      model.top_cut_, model.base_description()))
        chosen = min(model.selection_, key=lambda row: abs(row["weight"] - model.weight_))
        kriging = model.selection_[-1]
        feedback.pushInfo(self.tr(
            "Out-of-hole RMSE {0:.4g} ({5} alone {1:.4g}); on the calibration holes CRPS {2:.4g} ({5} alone "
            "{3:.4g}), 90% coverage {4:.3f}").format(chosen["rmse"], kriging["rmse"], chosen["crps"], kriging["crps"],
                                           chosen["coverage90"], model.base_description()))

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
