"""reegrade:gradetonnage — tonnage and grade above cut-offs, with BNN posterior bands."""

import numpy as np
from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..algorithms.resources.gradetonnage import (
    METAL_FACTORS,
    block_volume,
    cutoff_series,
    grade_tonnage,
    in_metal_units,
    layer_tonnage,
    posterior_curves,
    volume_fields,
)
from .base import REEGradeAlgorithm, require
from .checks import refuse_if_too_large
from .layer_io import field_names, layer_label, read_numeric, require_features, write_table

UNITS = tuple(METAL_FACTORS)
BAND_COLUMNS = tuple(f"{q}_p{p}" for q in ("tonnage", "grade", "metal") for p in (10, 50, 90))


class GradeTonnageAlgorithm(REEGradeAlgorithm):
    NAME = "gradetonnage"
    DISPLAY_NAME = "Grade-tonnage curves"
    GROUP = "estimation"
    HELP = (
        "Tonnage, mean grade and contained metal above a series of cut-offs for a block model, one curve per "
        "estimate field (e.g. bnn_mean, ok_estimate, mik_mean), with uncertainty bands from the BNN posterior.\n\n"
        "Block tonnage = volume x density. Volume: [VOLUME_FIELD] (reegrade:targets writes 'volume'), else "
        "the product of the dx, dy, dz fields, else [BLOCK_VOLUME]. Density: [DENSITY_FIELD], else [DENSITY] "
        "(t/m3). Cut-offs: [CUTOFF_START] to [CUTOFF_STOP] by [CUTOFF_STEP], in the grade's unit; [GRADE_UNIT] "
        "turns tonnes x grade into tonnes of metal (oxide for TREO_pct).\n\n"
        "Bands: with a BNN [MODEL] (from reegrade:trainbnn) the blocks' features are run through N "
        "[N_REALISATIONS] posterior weight draws (or the ensemble's members); each draw is a coherent grade map "
        "(the expected grade exp(mu + s^2/2) under that draw), so the P10/P50/P90 of the curves across draws "
        "bound the whole curve, which per-block P10/P90 maps cannot (a map of every block's P90 is not a "
        "possible deposit). The bands are the model's uncertainty, not the small-scale variability within "
        "blocks.\n\n"
        "Outputs: [OUTPUT], a table with estimator, cutoff, tonnage_t, grade, metal_t and, for the BNN, "
        "tonnage/grade/metal P10/P50/P90; [PLOT], an HTML page with the curves.\n\n"
        "Reference: Rossi & Deutsch (2014), Mineral Resource Estimation, Springer, ch. 7 (grade-tonnage "
        "curves); Sinclair & Blackwell (2002), Applied Mineral Inventory Estimation."
    )

    PARAMETER_HELP = {
        "INPUT": "The block model: one feature per block with its grade estimates and, ideally, volume and "
                 "density fields.",
        "GRADE_FIELDS": "Estimate fields to draw one curve each for (e.g. bnn_mean, ok_estimate, mik_mean); may "
                        "be empty when a BNN model gives the curve.",
        "GRADE_UNIT": "The unit of the grade fields, which turns tonnes x grade into tonnes of metal (oxide for "
                      "TREO_pct): % divides by 100, ppm and g/t by a million.",
        "VOLUME_FIELD": "Block volume (m3), e.g. 'volume' from reegrade:targets; empty takes dx x dy x dz "
                        "fields, else the block volume below.",
        "BLOCK_VOLUME": "Volume (m3) of every block when there is neither a volume field nor dx, dy, dz fields "
                        "(default 1000, a 10 m cube).",
        "DENSITY_FIELD": "Dry bulk density (t/m3) per block; empty uses the one density below for every block.",
        "DENSITY": "Dry bulk density (t/m3) of every block when there is no density field (default 2.8); use "
                   "your deposit's measured density.",
        "CUTOFF_START": "The lowest cut-off grade of the curve, in the grade's unit (default 0: the whole "
                        "model).",
        "CUTOFF_STOP": "The highest cut-off grade of the curve, in the grade's unit (default 5).",
        "CUTOFF_STEP": "The spacing of the cut-offs, in the grade's unit (default 0.25); smaller gives a "
                       "smoother curve and a longer table.",
        "MODEL": "A BNN model (JSON from reegrade:trainbnn) whose posterior draws give P10/P50/P90 bands of the "
                 "whole curve; the blocks need its feature fields.",
        "N_REALISATIONS": "Posterior weight draws behind the bands (default 32); more gives steadier P10 and P90 "
                          "and takes proportionally longer.",
        "OUTPUT": "A table per estimator and cut-off with tonnage_t, grade and metal_t, and for the BNN their "
                  "P10/P50/P90.",
        "PLOT": "An HTML page with the grade-tonnage curves and their bands.",
    }

    INPUT = "INPUT"
    GRADE_FIELDS = "GRADE_FIELDS"
    GRADE_UNIT = "GRADE_UNIT"
    VOLUME_FIELD = "VOLUME_FIELD"
    BLOCK_VOLUME = "BLOCK_VOLUME"
    DENSITY_FIELD = "DENSITY_FIELD"
    DENSITY = "DENSITY"
    CUTOFF_START = "CUTOFF_START"
    CUTOFF_STOP = "CUTOFF_STOP"
    CUTOFF_STEP = "CUTOFF_STEP"
    MODEL = "MODEL"
    N_REALISATIONS = "N_REALISATIONS"
    OUTPUT = "OUTPUT"
    PLOT = "PLOT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        double = QgsProcessingParameterNumber.Double
        numeric = QgsProcessingParameterField.Numeric
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Block model")))
        self.addParameter(
            QgsProcessingParameterField(
                self.GRADE_FIELDS,
                self.tr("Grade estimate fields"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                allowMultiple=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(self.GRADE_UNIT, self.tr("Grade unit"), options=list(UNITS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.VOLUME_FIELD,
                self.tr("Block volume field"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.BLOCK_VOLUME, self.tr("Block volume (m3) when no field"), double, 1000.0, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.DENSITY_FIELD,
                self.tr("Density field (t/m3)"),
                parentLayerParameterName=self.INPUT,
                type=numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.DENSITY, self.tr("Density (t/m3) when no field"), double, 2.8, minValue=0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.CUTOFF_START, self.tr("First cut-off"), double, 0.0, minValue=0.0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.CUTOFF_STOP, self.tr("Last cut-off"), double, 5.0, minValue=0.0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.CUTOFF_STEP, self.tr("Cut-off step"), double, 0.25, minValue=0.0)
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.MODEL, self.tr("BNN model for uncertainty bands"), extension="json", optional=True
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.N_REALISATIONS,
                self.tr("Posterior realisations"),
                QgsProcessingParameterNumber.Integer,
                32,
                minValue=2,
            )
        )
        self.add_seed_parameter(advanced=True)
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Grade-tonnage table"), type=5))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.PLOT, self.tr("Grade-tonnage plot"), self.tr("HTML files (*.html)"), optional=True
            )
        )

    def parameter_problem(self, parameters, context):
        fields = self.parameterAsFields(parameters, self.GRADE_FIELDS, context)
        if not fields and not self.parameterAsFile(parameters, self.MODEL, context):
            return self.tr("Choose at least one grade field or a BNN model")
        self._cutoffs(parameters, context)  # a start above the stop, or a zero step, raises naming the series
        return None

    def _cutoffs(self, parameters, context):
        start, stop, step = (
            self.parameterAsDouble(parameters, name, context)
            for name in (self.CUTOFF_START, self.CUTOFF_STOP, self.CUTOFF_STEP)
        )
        blocks = self.parameterAsSource(parameters, self.INPUT, context)
        n_blocks = blocks.featureCount() if blocks is not None else 1
        cutoffs = cutoff_series(start, stop, step, n_blocks)
        refuse_if_too_large(len(cutoffs) * n_blocks * 9, f"{len(cutoffs)} cut-offs over {n_blocks} blocks",
                            "use a larger cut-off step")
        return cutoffs

    def process(self, parameters, context, feedback):
        blocks = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(blocks)
        require_features(blocks, label)
        grade_fields = self.parameterAsFields(parameters, self.GRADE_FIELDS, context)
        model_path = self.parameterAsFile(parameters, self.MODEL, context)
        cutoffs = self._cutoffs(parameters, context)
        tonnage = self._tonnage(parameters, context, blocks, label)
        unit = UNITS[self.parameterAsEnum(parameters, self.GRADE_UNIT, context)]
        curves = {}
        if grade_fields:
            grades = read_numeric(blocks, grade_fields, feedback=feedback, label=label)
            for name in grade_fields:
                if not np.isfinite(grades[name].values).any():
                    raise ValueError(self.tr("{0}: field '{1}' has no values (every block is missing); the curve "
                                             "would be empty").format(label, name))
                curves[name] = grade_tonnage(grades[name].values, tonnage, cutoffs)
        if model_path:
            curves["bnn posterior"] = self._posterior_curves(
                parameters, context, blocks, label, model_path, tonnage, cutoffs, feedback
            )
        curves = in_metal_units(curves, unit)
        results = {self.OUTPUT: self._write_table(parameters, context, curves)}
        plot = self.parameterAsFileOutput(parameters, self.PLOT, context)
        if plot:
            from ..algorithms.reports.gradetonnage import write_curve_report
            from ..algorithms.reports.numbers import megatonnes

            self.remove_on_failure(plot)
            notes = [f"{label}: {len(tonnage):,} blocks, {megatonnes(tonnage.sum())} Mt in all; grade unit {unit}."]
            write_curve_report(plot, curves, unit, notes)
            results[self.PLOT] = plot
        return results

    def _tonnage(self, parameters, context, blocks, label):
        fields = volume_fields(field_names(blocks), self.parameterAsString(parameters, self.VOLUME_FIELD, context))
        columns = read_numeric(blocks, fields, label=label) if fields else {}
        volume = block_volume(
            blocks.featureCount(),
            {name: columns[name].values for name in fields},
            self.parameterAsDouble(parameters, self.BLOCK_VOLUME, context),
        )
        density_field = self.parameterAsString(parameters, self.DENSITY_FIELD, context)
        density = (
            read_numeric(blocks, [density_field], label=label)[density_field].values
            if density_field
            else self.parameterAsDouble(parameters, self.DENSITY, context)
        )
        return layer_tonnage(volume, density, label)

    def _posterior_curves(self, parameters, context, blocks, label, model_path, tonnage, cutoffs, feedback):
        require("torch")
        from ..algorithms.ml.bnn.model import BNNRegressor

        model = BNNRegressor.load(model_path)
        model.check_features(field_names(blocks), label)
        features = read_numeric(blocks, model.feature_names_, feedback=feedback, label=label)
        X = np.column_stack([features[name].values for name in model.feature_names_])
        realisations = self.parameterAsInt(parameters, self.N_REALISATIONS, context)
        # (realisations x blocks) log-grade draws, and a (cut-off x block) table per realisation.
        refuse_if_too_large(realisations * len(X) * (32 + len(cutoffs)),
                            f"{realisations} posterior realisations of {len(X)} blocks at {len(cutoffs)} cut-offs",
                            "use fewer realisations or cut-offs")
        mu, sigma = model.predict_log(X, realisations, self.seed(parameters, context), label)
        return posterior_curves(mu, sigma, tonnage, cutoffs)

    def _write_table(self, parameters, context, curves):
        spec = [
            ("estimator", "string"),
            ("cutoff", "double"),
            ("tonnage_t", "double"),
            ("grade", "double"),
            ("metal_t", "double"),
        ] + [(c, "double") for c in BAND_COLUMNS]
        rows = [
            [name, curve["cutoff"][i], curve["tonnage"][i], curve["grade"][i], curve["metal"][i]]
            + [curve[c][i] if c in curve else None for c in BAND_COLUMNS]
            for name, curve in curves.items()
            for i in range(len(curve["cutoff"]))
        ]
        return write_table(self, parameters, context, self.OUTPUT, spec, rows)
