"""reegrade:hyperscore — the method's value score from P(grade > cut-off)."""

import numpy as np
from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from ..algorithms.resources import hyperscore as hs
from .base import REEGradeAlgorithm
from .layer_io import layer_label, read_numeric, require_features, write_appended

SOURCES = ("probability", "normal", "lognormal")


class HyperScoreAlgorithm(REEGradeAlgorithm):
    NAME = "hyperscore"
    DISPLAY_NAME = "HyperScore"
    GROUP = "validation"
    HELP = (
        "Scores each target by the probability V that its grade exceeds a cut-off: "
        "HyperScore = 100 x [1 + sigmoid(beta ln V + gamma)^kappa], beta = 5, gamma = -ln 2, kappa = 2 by default.\n\n"
        "Range: for V in [0, 1], ln V <= 0, so the sigmoid term lies between 0 and sigmoid(gamma). With the "
        "defaults sigmoid(-ln 2) = 1/3, so HyperScore runs only from 100 (V = 0) to 111.1 (V = 1); it never "
        "goes below 100. The output therefore also carries hyperscore_norm, the same score mapped linearly "
        "onto 0-100 over the range the parameters allow, and hyperscore_v, the V used.\n\n"
        "Parameters: V [SOURCE] is a probability field (BNN or MIK p_gt_<cut-off>) or, for Ordinary Kriging, "
        "a mean field and a spread field (standard deviation, or kriging variance when [SPREAD_IS_VARIANCE]) "
        "read as a normal or moment-matched lognormal distribution, with [CUTOFF]. [BETA], [GAMMA] and [KAPPA] are "
        "the formula's constants (beta and kappa must be positive).\n\n"
        "Output: the input features with hyperscore, hyperscore_norm and hyperscore_v; targets without a "
        "value get NULL. Probabilities outside [0, 1] are an error naming the row.\n\n"
        "Reference: the HyperScore transform of the REE Grade method description (a sigmoid of the log "
        "probability, sharpened by kappa and offset by gamma); for exceedance probabilities from kriging, "
        "Journel (1983), Math. Geol. 15, and Deutsch & Journel (1998), GSLIB, postik."
    )

    PARAMETER_HELP = {
        "INPUT": "Estimated targets carrying a probability field, or a mean and a spread field.",
        "SOURCE": "Where V, the probability that the grade exceeds the cut-off, comes from: a probability field (BNN "
                  "or MIK), or a mean and a spread read as a normal or lognormal distribution (kriging).",
        "PROBABILITY_FIELD": "The P(grade > cut-off) field, e.g. bnn_p_gt_1_5.",
        "MEAN_FIELD": "The estimate, e.g. ok_estimate, when V comes from a mean and a spread.",
        "SPREAD_FIELD": "The standard deviation or kriging variance of that estimate.",
        "SPREAD_IS_VARIANCE": "Whether the spread field holds a standard deviation or a variance.",
        "CUTOFF": "The grade V refers to, when it comes from a mean and a spread.",
        "BETA": "The slope of the sigmoid of ln V (positive).",
        "GAMMA": "The offset of the sigmoid.",
        "KAPPA": "The exponent that sharpens the score (positive).",
        "OUTPUT": "The input features plus hyperscore, hyperscore_norm (0-100) and hyperscore_v.",
    }

    INPUT = "INPUT"
    SOURCE = "SOURCE"
    PROBABILITY_FIELD = "PROBABILITY_FIELD"
    MEAN_FIELD = "MEAN_FIELD"
    SPREAD_FIELD = "SPREAD_FIELD"
    SPREAD_IS_VARIANCE = "SPREAD_IS_VARIANCE"
    CUTOFF = "CUTOFF"
    BETA = "BETA"
    GAMMA = "GAMMA"
    KAPPA = "KAPPA"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Estimated targets")))
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SOURCE,
                self.tr("V source"),
                options=[
                    self.tr("Probability field"),
                    self.tr("Mean and spread, normal"),
                    self.tr("Mean and spread, lognormal"),
                ],
                defaultValue=0,
            )
        )
        numeric = QgsProcessingParameterField.Numeric
        self.addParameter(
            QgsProcessingParameterField(
                self.PROBABILITY_FIELD,
                self.tr("Probability field"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.MEAN_FIELD,
                self.tr("Mean (estimate) field"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SPREAD_FIELD,
                self.tr("Spread field (sd or variance)"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SPREAD_IS_VARIANCE,
                self.tr("Spread is"),
                options=[self.tr("Standard deviation"), self.tr("Variance")],
                defaultValue=1,
            )
        )
        double = QgsProcessingParameterNumber.Double
        self.addParameter(QgsProcessingParameterNumber(self.CUTOFF, self.tr("Cut-off grade"), double, 1.5))
        self.add_advanced(QgsProcessingParameterNumber(self.BETA, self.tr("beta"), double, hs.DEFAULT_BETA))
        self.add_advanced(QgsProcessingParameterNumber(self.GAMMA, self.tr("gamma"), double, float(hs.DEFAULT_GAMMA)))
        self.add_advanced(QgsProcessingParameterNumber(self.KAPPA, self.tr("kappa"), double, hs.DEFAULT_KAPPA))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("HyperScore")))

    def _needed_fields(self, parameters, context):
        """(parameter, what) of the fields this V SOURCE reads."""
        if SOURCES[self.parameterAsEnum(parameters, self.SOURCE, context)] == "probability":
            return [(self.PROBABILITY_FIELD, "a probability field")]
        return [(self.MEAN_FIELD, "a mean field"), (self.SPREAD_FIELD, "a spread field")]

    def parameter_problem(self, parameters, context):
        for name, what in self._needed_fields(parameters, context):
            if not self.parameterAsString(parameters, name, context):
                return self.tr("This V source needs {0}").format(what)
        return None

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        require_features(source)
        label = layer_label(source)
        beta = self.parameterAsDouble(parameters, self.BETA, context)
        gamma = self.parameterAsDouble(parameters, self.GAMMA, context)
        kappa = self.parameterAsDouble(parameters, self.KAPPA, context)
        v = self._probability(parameters, context, source, label)
        score = hs.hyperscore(v, beta, gamma, kappa, label=f"{label}: V")
        low, high = hs.score_range(beta, gamma, kappa)
        feedback.pushInfo(self.tr("HyperScore range for these parameters: {0:.3f} to {1:.3f}").format(low, high))
        missing = int(np.isnan(score).sum())
        if missing:
            feedback.pushWarning(self.tr("{0} targets have no V and get NULL").format(missing))
        columns = {
            "hyperscore": ("double", score),
            "hyperscore_norm": ("double", hs.normalised_score(score, beta, gamma, kappa)),
            "hyperscore_v": ("double", v),
        }
        return {self.OUTPUT: write_appended(self, parameters, context, self.OUTPUT, source, columns, feedback)}

    def _probability(self, parameters, context, source, label):
        mode = SOURCES[self.parameterAsEnum(parameters, self.SOURCE, context)]
        fields = [
            self.parameterAsString(parameters, name, context) for name, _ in self._needed_fields(parameters, context)
        ]
        if mode == "probability":
            return read_numeric(source, fields, label=label)[fields[0]].values
        mean_field, spread_field = fields
        columns = read_numeric(source, [mean_field, spread_field], label=label)
        return hs.exceedance_from_spread(
            columns[mean_field].values,
            columns[spread_field].values,
            self.parameterAsDouble(parameters, self.CUTOFF, context),
            mode,
            self.parameterAsEnum(parameters, self.SPREAD_IS_VARIANCE, context) == 1,
            label,
            spread_field,
        )
