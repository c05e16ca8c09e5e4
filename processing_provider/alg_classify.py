"""reegrade:classify — Measured / Indicated / Inferred from drill spacing and estimation confidence."""

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
    flatten_if_2d,
    hole_distances,
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
        "Classifies estimated blocks as Measured, Indicated or Inferred from the drill spacing around each "
        "block and the confidence of its estimate (the kriging slope of regression).\n\n"
        "Rule (JORC 2012 / NI 43-101 style): Measured if at least 'Measured: drillholes' distinct holes of the "
        "drillhole samples (grouped by the hole id field) have a sample within 'Measured: search radius' of the "
        "block centre and the slope of regression is at least 'Measured: minimum slope of regression'; "
        "Indicated likewise with the Indicated counts, radius and slope; Inferred if at least 'Inferred: "
        "drillholes' holes lie within 'Inferred: search radius'; otherwise Unclassified. The defaults, 3 holes "
        "within 50 m and slope >= 0.8, 2 holes within 100 m and slope >= 0.5, 1 hole within 200 m, are half, "
        "one and two times a variogram range of about 100 m: set the radii from your deposit's variogram and "
        "drill grid. Without a slope-of-regression field (ok_slope from reegrade:ordinarykriging) only the "
        "spacing is tested. The relative sd test (estimate field and uncertainty field, a standard deviation "
        "or a variance) is off at 0: the sd of a point estimate carries the nugget and is large relative to "
        "low grades however dense the drilling.\n\n"
        "Output: the blocks with res_class (text), res_class_code (1 Measured, 2 Indicated, 3 Inferred, "
        "4 Unclassified), res_spacing (m, the smallest search radius holding the Measured number of holes) and "
        "res_rel_sd; the rule is written into the output layer's metadata "
        "(abstract and keywords) and the log.\n\n"
        "Reference: JORC Code (2012), Table 1 section 3; CIM Estimation of Mineral Resources and Mineral "
        "Reserves Best Practice Guidelines (2019); Krige (1996), A practical analysis of the effects of spatial "
        "structure and of data available and accessed, on conditional biases in ordinary kriging. The "
        "thresholds are a Competent Person's decision."
    )

    PARAMETER_HELP = {
        "INPUT": "The estimated blocks (points, e.g. block centroids from reegrade:ordinarykriging), in the same "
                 "projected CRS as the drillhole samples.",
        "SLOPE_FIELD": "The kriging slope of regression of each block (ok_slope); empty tests the drill spacing "
                       "only.",
        "MEAN_FIELD": "The block's estimate (e.g. bnn_mean), for the optional sd / mean test; needed only when "
                      "a maximum sd / mean is set.",
        "SPREAD_FIELD": "The block's uncertainty (e.g. bnn_sd, or ok_variance as a variance), for the optional "
                        "sd / mean test.",
        "SPREAD_IS": "Whether the uncertainty field holds a standard deviation (default) or a variance, whose "
                     "square root is taken.",
        "SAMPLES": "The drillhole samples (points) whose holes are counted around each block centre.",
        "HOLE_FIELD": "The field grouping the samples into drillholes (default hole_id); holes, not samples, "
                      "are counted.",
        "MEASURED_HOLES": "Distinct drillholes needed within the Measured search radius (default 3); at least "
                          "the Indicated count.",
        "INDICATED_HOLES": "Distinct drillholes needed within the Indicated search radius (default 2); between "
                           "the Inferred and Measured counts.",
        "INFERRED_HOLES": "Distinct drillholes needed within the Inferred search radius (default 1).",
        "MEASURED_SPACING": "Radius (m) around the block centre for the Measured hole count (default 50, about "
                            "half a 100 m variogram range); set it from your variogram and drill grid.",
        "INDICATED_SPACING": "Radius (m) for the Indicated hole count (default 100, about one variogram range); "
                             "at least the Measured radius.",
        "INFERRED_SPACING": "Radius (m) for the Inferred hole count (default 200, about two variogram ranges); "
                            "at least the Indicated radius.",
        "MEASURED_SLOPE": "Smallest slope of regression for Measured (default 0.8, between 0 and 1); ignored "
                          "without a slope field.",
        "INDICATED_SLOPE": "Smallest slope of regression for Indicated (default 0.5), at most the Measured one; "
                           "ignored without a slope field.",
        "MEASURED_REL_SD": "Largest sd / mean of a Measured block (0 = test not used, the default); the sd of a "
                           "point estimate carries the nugget, so use it only with block uncertainties.",
        "INDICATED_REL_SD": "Largest sd / mean of an Indicated block (0 = not used), at least the Measured one.",
        "OUTPUT": "The blocks with res_class, res_class_code (1 Measured to 4 Unclassified), res_spacing (m) and "
                  "res_rel_sd; the rule is in the layer's metadata.",
    }

    INPUT = "INPUT"
    MEAN_FIELD = "MEAN_FIELD"
    SPREAD_FIELD = "SPREAD_FIELD"
    SPREAD_IS = "SPREAD_IS"
    SLOPE_FIELD = "SLOPE_FIELD"
    SAMPLES = "SAMPLES"
    HOLE_FIELD = "HOLE_FIELD"
    MEASURED_HOLES = "MEASURED_HOLES"
    INDICATED_HOLES = "INDICATED_HOLES"
    INFERRED_HOLES = "INFERRED_HOLES"
    MEASURED_SPACING = "MEASURED_SPACING"
    INDICATED_SPACING = "INDICATED_SPACING"
    INFERRED_SPACING = "INFERRED_SPACING"
    MEASURED_SLOPE = "MEASURED_SLOPE"
    INDICATED_SLOPE = "INDICATED_SLOPE"
    MEASURED_REL_SD = "MEASURED_REL_SD"
    INDICATED_REL_SD = "INDICATED_REL_SD"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        numeric = QgsProcessingParameterField.Numeric
        double = QgsProcessingParameterNumber.Double
        integer = QgsProcessingParameterNumber.Integer
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Estimated blocks")))
        self.addParameter(QgsProcessingParameterField(
            self.SLOPE_FIELD, self.tr("Slope of regression field (e.g. ok_slope)"), parentLayerParameterName=self.INPUT,
            type=numeric, optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.MEAN_FIELD, self.tr("Estimate (mean) field"), parentLayerParameterName=self.INPUT, type=numeric,
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            self.SPREAD_FIELD, self.tr("Uncertainty field"), parentLayerParameterName=self.INPUT, type=numeric,
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.SPREAD_IS, self.tr("Uncertainty field is"),
            options=[self.tr("Standard deviation"), self.tr("Variance")], defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSource(self.SAMPLES, self.tr("Drillhole samples")))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole id field"), "hole_id", parentLayerParameterName=self.SAMPLES))
        defaults = ClassificationRule()
        for key, label, default in (
            (self.MEASURED_HOLES, "Measured: drillholes", defaults.measured_holes),
            (self.INDICATED_HOLES, "Indicated: drillholes", defaults.indicated_holes),
            (self.INFERRED_HOLES, "Inferred: drillholes", defaults.inferred_holes),
        ):
            self.addParameter(QgsProcessingParameterNumber(key, self.tr(label), integer, default, minValue=1))
        for key, label, default in (
            (self.MEASURED_SPACING, "Measured: search radius (m)", defaults.measured_radius),
            (self.INDICATED_SPACING, "Indicated: search radius (m)", defaults.indicated_radius),
            (self.INFERRED_SPACING, "Inferred: search radius (m)", defaults.inferred_radius),
        ):
            self.addParameter(QgsProcessingParameterNumber(key, self.tr(label), double, default, minValue=0.0))
        for key, label, default in (
            (self.MEASURED_SLOPE, "Measured: minimum slope of regression", defaults.measured_slope),
            (self.INDICATED_SLOPE, "Indicated: minimum slope of regression", defaults.indicated_slope),
        ):
            self.addParameter(QgsProcessingParameterNumber(key, self.tr(label), double, default, minValue=0.0,
                                                           maxValue=1.0))
        for key, label in ((self.MEASURED_REL_SD, "Measured: maximum sd / mean (0 = not used)"),
                           (self.INDICATED_REL_SD, "Indicated: maximum sd / mean (0 = not used)")):
            self.add_advanced(QgsProcessingParameterNumber(key, self.tr(label), double, 0.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Classified blocks")))

    def parameter_problem(self, parameters, context):
        rule = self._rule(parameters, context)  # thresholds out of order (Measured above Indicated) raise
        if rule.uses_rel_sd and not (self.parameterAsString(parameters, self.MEAN_FIELD, context)
                                     and self.parameterAsString(parameters, self.SPREAD_FIELD, context)):
            return self.tr("The sd / mean test needs the estimate field and the uncertainty field")
        return None

    def _rule(self, parameters, context):
        number = self.parameterAsDouble
        return ClassificationRule(
            measured_radius=number(parameters, self.MEASURED_SPACING, context),
            indicated_radius=number(parameters, self.INDICATED_SPACING, context),
            inferred_radius=number(parameters, self.INFERRED_SPACING, context),
            measured_holes=self.parameterAsInt(parameters, self.MEASURED_HOLES, context),
            indicated_holes=self.parameterAsInt(parameters, self.INDICATED_HOLES, context),
            inferred_holes=self.parameterAsInt(parameters, self.INFERRED_HOLES, context),
            measured_slope=number(parameters, self.MEASURED_SLOPE, context),
            indicated_slope=number(parameters, self.INDICATED_SLOPE, context),
            measured_rel_sd=number(parameters, self.MEASURED_REL_SD, context),
            indicated_rel_sd=number(parameters, self.INDICATED_REL_SD, context),
        )

    def process(self, parameters, context, feedback):
        rule = self._rule(parameters, context)
        blocks = self.parameterAsSource(parameters, self.INPUT, context)
        fields = {key: self.parameterAsString(parameters, key, context)
                  for key in (self.MEAN_FIELD, self.SPREAD_FIELD, self.SLOPE_FIELD)}
        self.require_projected(blocks.sourceCrs(), layer_label(blocks))
        block_xyz, values = read_points_with_fields(blocks, [f for f in fields.values() if f], feedback=feedback)
        mean = values[fields[self.MEAN_FIELD]] if fields[self.MEAN_FIELD] else None
        sd = None
        if fields[self.SPREAD_FIELD]:
            sd = sd_from_spread(values[fields[self.SPREAD_FIELD]],
                                self.parameterAsEnum(parameters, self.SPREAD_IS, context) == 1)
        slope = values[fields[self.SLOPE_FIELD]] if fields[self.SLOPE_FIELD] else None
        if slope is None:
            feedback.pushWarning(self.tr("No slope-of-regression field: the classes test the drill spacing only"))

        samples = self.parameterAsSource(parameters, self.SAMPLES, context)
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        sample_label = layer_label(samples)
        sample_xyz, _ = read_points_with_fields(samples, [], sample_label, feedback)
        holes = read_columns(samples, [hole_field], feedback, sample_label)[0][hole_field]
        sample_xyz = xyz_in_crs(sample_xyz, samples.sourceCrs(), blocks.sourceCrs(), context, feedback, sample_label)
        block_xyz, sample_xyz = flatten_if_2d(block_xyz, sample_xyz)
        distances = hole_distances(block_xyz, sample_xyz, holes, rule.max_holes)
        classes, rel_sd = rule.classify(distances, slope, mean, sd)
        for name in CLASS_CODES:
            feedback.pushInfo(self.tr("{0}: {1} blocks").format(name, int(np.sum(classes == name))))
        self._description = rule.describe(with_slope=slope is not None)
        feedback.pushInfo(self.tr("Rule: {0}").format(self._description))
        spacing = distances[:, rule.measured_holes - 1]
        columns = {
            "res_class": ("string", list(classes)),
            "res_class_code": ("int", [CLASS_CODES[c] for c in classes]),
            "res_spacing": ("double", np.where(np.isfinite(spacing), spacing, np.nan)),
            "res_rel_sd": ("double", np.where(np.isfinite(rel_sd), rel_sd, np.nan)),
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
        metadata.setAbstract(self._description)
        metadata.addKeywords("classification rule", [f"{k}={v}" for k, v in rule.to_dict().items()])
        layer = QgsProcessingUtils.mapLayerFromString(self._destination, context)
        if layer is not None:
            save_layer_metadata(layer, metadata)
        return {self.OUTPUT: self._destination}
