"""reegrade:classify — Measured / Indicated / Inferred from uncertainty and drill spacing."""

import numpy as np
from qgis.core import (
    QgsLayerMetadata,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
)

from ..algorithms.resources.classification import (
    CLASS_CODES,
    ClassificationRule,
    drill_spacing,
    flatten_if_2d,
    sd_from_spread,
)
from .base import REEGradeAlgorithm
from .layer_io import (
    layer_label,
    read_columns,
    read_points_with_fields,
    save_layer_metadata,
    write_appended,
    xyz_in_crs,
)


class ClassifyAlgorithm(REEGradeAlgorithm):
    NAME = "classify"
    DISPLAY_NAME = "Classify resources (Measured / Indicated / Inferred)"
    GROUP = "estimation"
    HELP = (
        "Classifies estimated blocks as Measured, Indicated or Inferred from the estimate's relative "
        "uncertainty (sd / mean) and the drill spacing around each block.\n\n"
        "Spacing is the mean distance from the block to the nearest sample of each of the [N_HOLES] nearest "
        "distinct drillholes of [SAMPLES] (grouped by [HOLE_FIELD]), so a single hole never classifies a block. "
        "Rule: Measured if sd/mean <= [MEASURED_REL_SD] and spacing <= [MEASURED_SPACING]; Indicated if sd/mean "
        "<= [INDICATED_REL_SD] and spacing <= [INDICATED_SPACING]; Inferred if spacing <= [INFERRED_SPACING]; "
        "otherwise Unclassified. The spread field is a standard deviation (BNN/GP sd) or a variance (OK "
        "kriging variance).\n\n"
        "Output: the blocks with res_class (text), res_class_code (1 Measured, 2 Indicated, 3 Inferred, "
        "4 Unclassified), res_rel_sd and res_spacing; the rule and its thresholds are written into the "
        "output layer's metadata (abstract and keywords) and the log.\n\n"
        "Reference: JORC Code (2012), Table 1 section 3; CIM Estimation of Mineral Resources and Mineral "
        "Reserves Best Practice Guidelines (2019). The thresholds are a Competent Person's decision."
    )

    INPUT = "INPUT"
    MEAN_FIELD = "MEAN_FIELD"
    SPREAD_FIELD = "SPREAD_FIELD"
    SPREAD_IS = "SPREAD_IS"
    SAMPLES = "SAMPLES"
    HOLE_FIELD = "HOLE_FIELD"
    N_HOLES = "N_HOLES"
    MEASURED_REL_SD = "MEASURED_REL_SD"
    INDICATED_REL_SD = "INDICATED_REL_SD"
    MEASURED_SPACING = "MEASURED_SPACING"
    INDICATED_SPACING = "INDICATED_SPACING"
    INFERRED_SPACING = "INFERRED_SPACING"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        numeric = QgsProcessingParameterField.Numeric
        double = QgsProcessingParameterNumber.Double
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Estimated blocks")))
        self.addParameter(
            QgsProcessingParameterField(
                self.MEAN_FIELD, self.tr("Estimate (mean) field"), parentLayerParameterName=self.INPUT, type=numeric
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.SPREAD_FIELD, self.tr("Uncertainty field"), parentLayerParameterName=self.INPUT, type=numeric
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SPREAD_IS,
                self.tr("Uncertainty field is"),
                options=[self.tr("Standard deviation"), self.tr("Variance")],
                defaultValue=0,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSource(self.SAMPLES, self.tr("Drillhole samples")))
        self.addParameter(
            QgsProcessingParameterField(
                self.HOLE_FIELD, self.tr("Hole id field"), "hole_id", parentLayerParameterName=self.SAMPLES
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.N_HOLES,
                self.tr("Distinct drillholes for spacing"),
                QgsProcessingParameterNumber.Integer,
                3,
                minValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MEASURED_REL_SD, self.tr("Measured: maximum sd / mean"), double, 0.15, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.INDICATED_REL_SD, self.tr("Indicated: maximum sd / mean"), double, 0.30, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.MEASURED_SPACING, self.tr("Measured: maximum spacing"), double, 50.0, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.INDICATED_SPACING, self.tr("Indicated: maximum spacing"), double, 100.0, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.INFERRED_SPACING, self.tr("Inferred: maximum spacing"), double, 200.0, minValue=0.0
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Classified blocks")))

    def parameter_problem(self, parameters, context):
        self._rule(parameters, context)  # thresholds out of order (Measured above Indicated) raise
        return None

    def _rule(self, parameters, context):
        return ClassificationRule(
            self.parameterAsDouble(parameters, self.MEASURED_REL_SD, context),
            self.parameterAsDouble(parameters, self.INDICATED_REL_SD, context),
            self.parameterAsDouble(parameters, self.MEASURED_SPACING, context),
            self.parameterAsDouble(parameters, self.INDICATED_SPACING, context),
            self.parameterAsDouble(parameters, self.INFERRED_SPACING, context),
            self.parameterAsInt(parameters, self.N_HOLES, context),
        )

    def process(self, parameters, context, feedback):
        rule = self._rule(parameters, context)
        blocks = self.parameterAsSource(parameters, self.INPUT, context)
        mean_field = self.parameterAsString(parameters, self.MEAN_FIELD, context)
        spread_field = self.parameterAsString(parameters, self.SPREAD_FIELD, context)
        self.require_projected(blocks.sourceCrs(), layer_label(blocks))
        block_xyz, values = read_points_with_fields(blocks, [mean_field, spread_field], feedback=feedback)
        spread = sd_from_spread(values[spread_field], self.parameterAsEnum(parameters, self.SPREAD_IS, context) == 1)

        samples = self.parameterAsSource(parameters, self.SAMPLES, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        sample_label = layer_label(samples)
        sample_xyz, _ = read_points_with_fields(samples, [], sample_label, feedback)
        holes = read_columns(samples, [hole_field], feedback, sample_label)[0][hole_field]
        sample_xyz = xyz_in_crs(sample_xyz, samples.sourceCrs(), blocks.sourceCrs(), context, feedback, sample_label)
        block_xyz, sample_xyz = flatten_if_2d(block_xyz, sample_xyz)
        spacing = drill_spacing(block_xyz, sample_xyz, holes, rule.n_holes)
        classes, rel_sd = rule.classify(values[mean_field], spread, spacing)
        for name in CLASS_CODES:
            feedback.pushInfo(self.tr("{0}: {1} blocks").format(name, int(np.sum(classes == name))))
        feedback.pushInfo(self.tr("Rule: {0}").format(rule.describe()))
        columns = {
            "res_class": ("string", list(classes)),
            "res_class_code": ("int", [CLASS_CODES[c] for c in classes]),
            "res_rel_sd": ("double", np.where(np.isfinite(rel_sd), rel_sd, np.nan)),
            "res_spacing": ("double", np.where(np.isfinite(spacing), spacing, np.nan)),
        }
        destination = write_appended(self, parameters, context, self.OUTPUT, blocks, columns, feedback)
        self._rule_metadata = rule
        self._destination = destination
        return {self.OUTPUT: destination}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802 (QGIS API name)
        """The sink is closed only after processAlgorithm, so metadata goes in here."""
        rule = getattr(self, "_rule_metadata", None)
        if rule is None:
            return {}
        metadata = QgsLayerMetadata()
        metadata.setTitle("Resource classification")
        metadata.setAbstract(rule.describe())
        metadata.addKeywords("classification rule", [f"{k}={v}" for k, v in rule.to_dict().items()])
        layer = QgsProcessingUtils.mapLayerFromString(self._destination, context)
        if layer is not None:
            save_layer_metadata(layer, metadata)
        return {self.OUTPUT: self._destination}
