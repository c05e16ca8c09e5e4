"""reegrade:crossvalidate — every method on the same folds, grouped by hole."""
import numpy as np
from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..algorithms.validation.methods import METHOD_NAMES
from .base import REEGradeAlgorithm, require, worker_threads
from .checks import errors_naming
from .layer_io import layer_label, read_columns, read_points_with_fields, write_table

# The order of the SCHEME options (the science's names for them).
SCHEMES = ("grouped", "stratified")


class CrossValidateAlgorithm(REEGradeAlgorithm):
    NAME = "crossvalidate"
    DISPLAY_NAME = "Cross-validate estimators"
    GROUP = "validation"
    HELP = (
        "Cross-validates grade estimators on the same folds, the way a resource estimator checks an estimate "
        "before trusting it.\n\n"
        "[INPUT]: sample points; [GRADE_FIELD]: the grade field; [COVARIATES]: numeric feature fields and "
        "[CATEGORICAL]: "
        "categorical ones (a lithology or domain code, one-hot encoded with the categories of each fold's "
        "training rows; a category absent from them encodes as none) for bnn, ensemble, network, GP and rk (OK and "
        "MIK use the coordinates only); [DOMAIN_FIELDS]: fields logged at the samples only (a logged lithology) "
        "that bnn kriges between the holes from each fold's training rows, never reading a held-out sample's own "
        "log; [HOLE_FIELD]: the hole id field; [METHODS]: any of bnn (the estimator "
        "reegrade:trainbnn trains by default: a deep ensemble on coordinates, covariates and the leave-hole-out "
        "kriging estimate and sd, its mean a forest on the same inputs, pooled with kriging; zero grades "
        "floored), ensemble (a "
        "plain deep ensemble on the covariates), ok, mik, gp and network (the plain mean-field variational BNN "
        "on the covariates) and rk (regression kriging: a linear trend on covariates and coordinates plus OK of its "
        "residuals, the classical way kriging takes covariates); ensemble and network use the coordinates when "
        "there is no covariate; [FOLDS] "
        "(default 5); [SCHEME]: grouped by "
        "hole (default: every sample of a hole in one fold, so neighbouring intervals cannot leak) or the "
        "random stratified k-fold of the original method (row-wise, which flatters every method; kept to "
        "reproduce published figures). Every method refits everything, variograms included, on each training "
        "part (in 3D the automatic variograms of OK, MIK and the stacked network take their nugget from the "
        "training holes' downhole variogram wherever they find an orientation). [CUTOFFS]: grades for the Brier "
        "score; [SEED] makes the folds and the fits repeatable.\n\n"
        "Outputs: [OUTPUT], a table with one row per method and fold plus a pooled row (fold 'all') per method: "
        "n, MAE, RMSE, R2, bias (mean of estimate minus truth), coverage90 and width90 of the central 90% "
        "interval, CRPS, NLL and brier_<cut-off>; [REPORT], an HTML page with the table, observed-vs-predicted "
        "scatter plots, calibration curves of the central intervals and swath plots along X, Y and Z.\n\n"
        "Reference: Gneiting & Raftery (2007), Strictly proper scoring rules, prediction, and estimation, "
        "JASA 102; Deutsch & Journel (1998), GSLIB, on cross-validation of kriging."
    )

    PARAMETER_HELP = {
        "INPUT": "Sample points carrying the grade and the covariates, in a projected CRS.",
        "GRADE_FIELD": "The grade every method predicts, e.g. TREO_pct.",
        "COVARIATES": "Numeric covariates (e.g. the pc_ components) for the network methods, GP and regression "
                      "kriging; OK and MIK use the coordinates only.",
        "CATEGORICAL": "Categorical covariates (a lithology or domain code), one-hot encoded for the network methods.",
        "DOMAIN_FIELDS": "Fields logged at the samples only (a logged lithology), kriged between the training holes "
                         "by the bnn method as trainbnn does; a held-out sample's own log is never read.",
        "HOLE_FIELD": "The hole id: with folds grouped by hole, every sample of a hole is held out together.",
        "METHODS": "The estimators compared on the same folds.",
        "FOLDS": "The number of folds; every sample is predicted once, by a fit that did not see it.",
        "SCHEME": "Grouped by hole (as new drilling would test an estimate) or the row-wise random split of the "
                  "original method, which flatters every method.",
        "BNN_EPOCHS": "The most epochs each network trains for in each fold.",
        "N_MEMBERS": "The number of networks in each ensemble.",
        "MAX_SAMPLES": "The nearest samples each kriging estimate uses.",
        "GP_ITERATIONS": "Optimiser iterations of the Gaussian process's hyperparameters in each fold.",
        "OUTPUT": "One row per method and fold, plus a pooled row per method: MAE, RMSE, R2, bias, 90% interval "
                  "coverage and width, CRPS, NLL and the Brier score at each cut-off.",
        "REPORT": "An HTML page with the table, observed-versus-predicted plots, interval calibration and swath plots.",
    }

    INPUT = "INPUT"
    GRADE_FIELD = "GRADE_FIELD"
    COVARIATES = "COVARIATES"
    CATEGORICAL = "CATEGORICAL"
    DOMAIN_FIELDS = "DOMAIN_FIELDS"
    HOLE_FIELD = "HOLE_FIELD"
    METHODS = "METHODS"
    FOLDS = "FOLDS"
    SCHEME = "SCHEME"
    BNN_EPOCHS = "BNN_EPOCHS"
    N_MEMBERS = "N_MEMBERS"
    MAX_SAMPLES = "MAX_SAMPLES"
    GP_ITERATIONS = "GP_ITERATIONS"
    OUTPUT = "OUTPUT"
    REPORT = "REPORT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        integer = QgsProcessingParameterNumber.Integer
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples (points)")))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.COVARIATES, self.tr("Covariate fields"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric, allowMultiple=True, optional=True,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.CATEGORICAL, self.tr("Categorical fields (one-hot encoded)"), parentLayerParameterName=self.INPUT,
            allowMultiple=True, optional=True,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.DOMAIN_FIELDS, self.tr("Logged domain fields, samples only (bnn; e.g. log_lith)"),
            parentLayerParameterName=self.INPUT, allowMultiple=True, optional=True,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole id field"), "hole_id", parentLayerParameterName=self.INPUT))
        self.addParameter(QgsProcessingParameterEnum(
            self.METHODS, self.tr("Methods"), options=list(METHOD_NAMES), allowMultiple=True, defaultValue=[0, 2, 3]))
        self.addParameter(QgsProcessingParameterNumber(self.FOLDS, self.tr("Folds"), integer, 5, minValue=2))
        self.addParameter(QgsProcessingParameterEnum(
            self.SCHEME, self.tr("Scheme"),
            options=[self.tr("Grouped by hole"), self.tr("Random stratified (original method)")], defaultValue=0,
        ))
        self.add_cutoffs_parameter()
        self.add_seed_parameter()
        self.add_advanced(QgsProcessingParameterNumber(
            self.BNN_EPOCHS, self.tr("BNN / ensemble maximum epochs"), integer, 400, minValue=1))
        self.add_advanced(
            QgsProcessingParameterNumber(self.N_MEMBERS, self.tr("Ensemble members"), integer, 5, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.MAX_SAMPLES, self.tr("Kriging maximum samples"), integer, 32, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.GP_ITERATIONS, self.tr("GP optimiser iterations"), integer, 150, minValue=1))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Cross-validation table"), type=5))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.REPORT, self.tr("Cross-validation report"), self.tr("HTML files (*.html)"), optional=True))

    def parameter_problem(self, parameters, context):
        """Why the grade, covariate and categorical fields cannot go together, or None."""
        target = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        covariates = self.parameterAsFields(parameters, self.COVARIATES, context)
        categorical = self.parameterAsFields(parameters, self.CATEGORICAL, context)
        if target in covariates or target in categorical:
            return self.tr("The grade field '{0}' is also selected as a covariate").format(target)
        both = [name for name in categorical if name in covariates]
        if both:
            return self.tr("The field '{0}' is selected both as a numeric and as a categorical covariate").format(
                both[0])
        domains = self.parameterAsFields(parameters, self.DOMAIN_FIELDS, context)
        overlap = [name for name in domains if name in covariates or name in categorical or name == target]
        if overlap:
            return self.tr("The field '{0}' is selected both as a logged domain and as a covariate or the "
                           "grade").format(overlap[0])
        return None

    def process(self, parameters, context, feedback):
        from ..algorithms.validation.cross_validation import cross_validate
        from ..algorithms.validation.methods import method_specs

        methods = [METHOD_NAMES[i] for i in self.parameterAsEnums(parameters, self.METHODS, context)]
        for spec in method_specs(methods):
            for package in spec.packages:
                require(package)
        cutoffs = self.cutoffs(parameters, context)
        seed = self.seed(parameters, context)
        n_folds = self.parameterAsInt(parameters, self.FOLDS, context)
        scheme = SCHEMES[self.parameterAsEnum(parameters, self.SCHEME, context)]
        settings = {
            "bnn_epochs": self.parameterAsInt(parameters, self.BNN_EPOCHS, context),
            "n_members": self.parameterAsInt(parameters, self.N_MEMBERS, context),
            "max_samples": self.parameterAsInt(parameters, self.MAX_SAMPLES, context),
            "gp_iterations": self.parameterAsInt(parameters, self.GP_ITERATIONS, context),
            "n_threads": worker_threads(),
        }
        report = self.parameterAsFileOutput(parameters, self.REPORT, context)
        data = self._data(parameters, context, feedback)
        if data.domains and not any(spec.uses_domains for spec in method_specs(methods)):
            feedback.pushWarning(self.tr("Logged domain fields {0} are read by the bnn method only, which is not "
                                         "among the methods").format(", ".join(data.domains)))
        progress, should_stop = self.progress_callbacks(feedback, 5, 90)
        with errors_naming(data.label):
            result = cross_validate(data, methods, settings, n_folds, seed, cutoffs, scheme, progress, should_stop,
                                    feedback.pushInfo)
        results = {self.OUTPUT: self._write_table(parameters, context, result.rows, result.columns)}
        if report:
            from ..algorithms.reports.cross_validation import write_report

            self.remove_on_failure(report)
            scheme_text = "grouped by hole" if scheme == "grouped" else "random stratified (row-wise)"
            notes = [
                f"{data.label}: {len(data.grade)} samples in {len(set(data.holes))} holes; target {data.target}; "
                f"{n_folds} folds, scheme: {scheme_text}; seed {seed}.",
                "Covariates: " + (", ".join(data.covariate_names) if data.covariate_names else "none") + "; "
                "categorical: " + (", ".join(data.categorical_names) if data.categorical_names else "none") + ".",
            ]
            write_report(report, "REE Grade cross-validation", result.rows, result.columns, result.pooled, data.xyz,
                         data.target, notes)
            results[self.REPORT] = report
        return results

    def _data(self, parameters, context, feedback):
        """The samples with a grade as a `CVData` (rows numbered as in the layer)."""
        from ..algorithms.validation.methods import CVData

        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        target = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        covariates = self.parameterAsFields(parameters, self.COVARIATES, context)
        categorical = self.parameterAsFields(parameters, self.CATEGORICAL, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        self.require_projected(source.sourceCrs(), label)
        xyz, values = read_points_with_fields(source, [target] + covariates, label, feedback)
        self.warn_if_degrees(xyz, source.sourceCrs(), label, feedback)
        domain_fields = self.parameterAsFields(parameters, self.DOMAIN_FIELDS, context)
        raw = read_columns(source, [hole_field] + categorical + domain_fields, feedback, label)[0]
        holes = raw[hole_field]
        grade = values[target]
        keep = np.isfinite(grade)
        if not keep.all():
            feedback.pushWarning(
                self.tr("{0}: {1} samples without '{2}' are left out").format(label, int((~keep).sum()), target))
        matrix = np.column_stack([values[f] for f in covariates]) if covariates else None
        if matrix is not None:
            bad = np.argwhere(keep[:, None] & ~np.isfinite(matrix))
            if bad.size:
                row, column = bad[0]
                raise QgsProcessingException(
                    self.tr("{0}: field '{1}', row {2}: covariate is missing; impute it first "
                            "(reegrade:knnimpute)").format(label, covariates[column], row + 1))
            matrix = matrix[keep]
        for row in np.flatnonzero(keep):
            if holes[row] in (None, ""):
                raise QgsProcessingException(
                    self.tr("{0}: field '{1}', row {2}: the hole id is missing").format(label, hole_field, row + 1))
        categories = {name: [v for v, k in zip(raw[name], keep) if k] for name in categorical}
        domains = {name: [v for v, k in zip(raw[name], keep) if k] for name in domain_fields}
        return CVData(xyz[keep], grade[keep], matrix, [str(h) for h, k in zip(holes, keep) if k], covariates,
                      rows=np.flatnonzero(keep) + 1, label=label, target=target, categories=categories,
                      domains=domains)

    def _write_table(self, parameters, context, rows, columns):
        spec = [("method", "string"), ("fold", "string")] + [(c, "int" if c == "n" else "double") for c in columns]
        values = [[row["method"], row["fold"]] + [row[c] for c in columns] for row in rows]
        return write_table(self, parameters, context, self.OUTPUT, spec, values)
