"""reegrade:treo — rare-earth element assays to oxide %, TREO, LREO and HREO."""

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
)

from ..algorithms.drillholes import oxides
from .base import REEGradeAlgorithm
from .layer_io import field_names, layer_label, read_columns, require_features, write_appended

UNIT_OPTIONS = ("ppm", "ppb", "pct")


class TreoAlgorithm(REEGradeAlgorithm):
    NAME = "treo"
    DISPLAY_NAME = "REE oxides and TREO"
    GROUP = "preparation"
    HELP = (
        "Converts rare-earth element assays to oxide % and adds TREO_pct, LREO_pct and HREO_pct to every "
        "feature (points or table).\n\n"
        "Oxide % = element x factor / 10,000 (ppm) with the standard factors: La2O3 1.1728, CeO2 1.2284, "
        "Pr6O11 1.2082, Nd2O3 1.1664, Sm2O3 1.1596, Eu2O3 1.1579, Gd2O3 1.1526, Tb4O7 1.1762, Dy2O3 1.1477, "
        "Ho2O3 1.1455, Er2O3 1.1435, Tm2O3 1.1421, Yb2O3 1.1387, Lu2O3 1.1371, Y2O3 1.2699. Output fields are "
        "named La2O3_pct, CeO2_pct, Pr6O11_pct, ..., Y2O3_pct. TREO is the sum of the fifteen oxides (La-Lu "
        "and Y2O3). LIGHT/HEAVY SPLIT: LREO = La-Sm and HREO = Eu-Lu + Y (default), or LREO = La-Eu and "
        "HREO = Gd-Lu + Y (cerium/yttrium groups).\n\n"
        "Element fields are found as <El>_ppm or <El> (any case: La_ppm, LA, la); FIELD MAP names others, as "
        "'La=LA_ICP; Ce=CE_ICP'. UNITS: ppm (default), ppb or %. Text values '<0.5' or negative values are "
        "below detection and become half the limit (default), zero or missing (BELOW DETECTION); values "
        "from reegrade:desurvey were already resolved by its own policy. MISSING CODES become missing.\n\n"
        "Missing values: a TREO over fewer elements is biased low, so a feature missing any element gets no "
        "TREO (NULL), and no LREO/HREO for the group the element belongs to, and every element must have a "
        "field. With ALLOW PARTIAL SUMS, the sums run over the elements present and TREO_n counts the oxides "
        "summed (15 = complete).\n\n"
        "Reference: element-to-oxide factors are molar-mass ratios (IUPAC standard atomic weights); see "
        "e.g. Dostal, J. (2017), Rare earth element deposits of alkaline igneous rocks, Resources 6(3), 34."
    )

    INPUT = "INPUT"
    FIELD_MAP = "FIELD_MAP"
    UNITS = "UNITS"
    SPLIT = "SPLIT"
    PARTIAL = "PARTIAL"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Samples with element assays"), [QgsProcessing.TypeVector]
            )
        )
        self.addParameter(
            QgsProcessingParameterString(self.FIELD_MAP, self.tr("Field map (El=field; ...)"), optional=True)
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.UNITS, self.tr("Element units"), options=["ppm", "ppb", "%"], defaultValue=0
            )
        )
        self.add_below_detection_parameters()
        self.addParameter(
            QgsProcessingParameterEnum(
                self.SPLIT,
                self.tr("Light/heavy split"),
                options=[self.tr("LREO La-Sm, HREO Eu-Lu + Y"), self.tr("LREO La-Eu, HREO Gd-Lu + Y")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.PARTIAL, self.tr("Allow partial sums (adds TREO_n)"), False)
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Samples with oxides and TREO")))

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        mapping = oxides.parse_mapping(self.parameterAsString(parameters, self.FIELD_MAP, context))
        found = oxides.element_fields(field_names(source), mapping, label)
        options = self.below_detection_options(parameters, context)
        columns, _, _ = read_columns(source, list(found.values()), feedback, label)
        notices = []
        values, below = oxides.parse_elements(
            columns, found, label, options["missing_codes"], options["below_detection"], notices
        )
        for notice in notices:
            feedback.pushWarning(notice)
        for element, count in below.items():
            if count:
                feedback.pushInfo(self.tr("'{0}': {1} value(s) below detection").format(found[element], count))
        partial = self.parameterAsBool(parameters, self.PARTIAL, context)
        result = oxides.treo(
            values,
            units=UNIT_OPTIONS[self.parameterAsEnum(parameters, self.UNITS, context)],
            split=oxides.SPLITS[self.parameterAsEnum(parameters, self.SPLIT, context)],
            partial=partial,
            table=label,
        )
        feedback.pushInfo(self.tr("Elements read: {0}").format(", ".join(f"{e}={f}" for e, f in found.items())))
        missing = int(np.isnan(result["TREO_pct"]).sum())
        if missing:
            feedback.pushWarning(
                self.tr("{0} of {1} features have no TREO (an element is missing){2}").format(
                    missing, len(result["TREO_pct"]), "" if partial else self.tr("; allow partial sums to sum the rest")
                )
            )
        columns = {name: ("int" if name == "TREO_n" else "double", array) for name, array in result.items()}
        return {self.OUTPUT: write_appended(self, parameters, context, self.OUTPUT, source, columns, feedback)}
