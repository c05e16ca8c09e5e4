"""reegrade:report — one HTML report of a workflow run, shown in the results viewer."""

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import REEGradeAlgorithm, require
from .layer_io import field_names, layer_label, read_columns, read_numeric

MAP_TITLES = {
    "MAP_BNN_MEAN": "BNN mean TREO %",
    "MAP_BNN_SD": "BNN sd TREO %",
    "MAP_BNN_P": "BNN P(TREO > cut-off)",
    "MAP_OK": "OK estimate TREO %",
    "MAP_MIK": "MIK E-type mean TREO %",
}
PAGE_TITLES = {
    "VARIOGRAM_PLOT": "Variogram",
    "CV_REPORT": "Cross-validation (grouped by hole)",
    "GT_PLOT": "Grade-tonnage of the block model (BNN bands)",
}


class WorkflowReportAlgorithm(REEGradeAlgorithm):
    NAME = "report"
    DISPLAY_NAME = "Workflow report"
    GROUP = "validation"
    HELP = (
        "Gathers the outputs of a grade-estimation run into one self-contained HTML page that decides first: "
        "the cross-validation verdict and the resource statement (Measured / Indicated / Inferred in Mt, TREO % "
        "and contained TREO t for each estimator).\n\n"
        "The page is listed in the Processing results viewer. The verdict is one line from the cross-validation "
        "table: which method has the lowest RMSE, by how much, and how often its 90 % intervals hold the "
        "held-out grade. The statement gives Measured, Indicated, their sum and Inferred, in Mt, TREO % "
        "and contained TREO t above the cut-off grade (and any more cut-offs given), for each estimate of the "
        "estimated blocks (bnn_mean, "
        "ok_estimate, mik_mean), by the blocks' res_class from reegrade:classify, block tonnage = volume x "
        "density. Then maps of the BNN mean grade, sd and P(grade > cut-off) beside the OK and MIK estimates "
        "(single-band rasters, e.g. one bench rasterised from the block model), and the pages written by "
        "reegrade:variogram, reegrade:crossvalidate (scatter, calibration and swath plots) and "
        "reegrade:gradetonnage (curves and a short table in Mt). Every input is optional; what is given is "
        "shown. The classification rule text is printed with the statement.\n\n"
        "True block grades: for a synthetic deposit (reegrade:syntheticdeposit writes truth_blocks.npz) the "
        "blocks' bnn_mean, ok_estimate and mik_mean are scored against the true block grades (RMSE, MAE, bias, "
        "correlation, ore blocks misclassified at the cut-off, grade-tonnage of each against the truth), and the "
        "true grades of the bench at the bench elevation are mapped beside the estimates. Notes: text shown "
        "under the statement.\n\n"
        "Reference: Rossi & Deutsch (2014), Mineral Resource Estimation, Springer (validation of block models "
        "by swath plots, grade-tonnage and cross-validation); JORC Code (2012), Table 1 section 3 and its "
        "reporting of Mineral Resources by class."
    )

    PARAMETER_HELP = {
        "BLOCKS": "The estimated and classified blocks (res_class from reegrade:classify, bnn_mean, ok_estimate, "
                  "mik_mean) with a volume field (m3), for the resource statement.",
        "MAP_BNN_MEAN": "A single-band raster of the BNN mean grade, e.g. one bench rasterised from the block "
                        "model.",
        "MAP_BNN_SD": "A single-band raster of the BNN standard deviation, mapped beside the mean.",
        "MAP_BNN_P": "A single-band raster of the BNN probability that the grade exceeds a cut-off "
                     "(a p_gt_ band of reegrade:predictbnn).",
        "MAP_OK": "A single-band raster of the ordinary kriging estimate, mapped beside the BNN mean.",
        "MAP_MIK": "A single-band raster of the MIK E-type mean, mapped beside the BNN mean.",
        "CV_TABLE": "The table from reegrade:crossvalidate, from which the one-line verdict is drawn (lowest "
                    "RMSE, by how much, 90 % interval coverage).",
        "RULE": "The classification rule in words, printed with the statement (the rule reegrade:classify "
                "logged).",
        "VARIOGRAM_PLOT": "The HTML page written by reegrade:variogram, embedded in the report.",
        "CV_REPORT": "The HTML page written by reegrade:crossvalidate (scatter, calibration and swath plots).",
        "GT_PLOT": "The HTML page written by reegrade:gradetonnage (curves and bands).",
        "TRUTH": "For a synthetic deposit only: truth_blocks.npz from reegrade:syntheticdeposit, against which "
                 "the estimates are scored.",
        "CUTOFF": "The cut-off grade (% TREO, default 1) of the resource statement, of the ore/waste "
                  "misclassification in the truth scores.",
        "STATEMENT_CUTOFFS": "More cut-off grades (% TREO), comma separated, reported in the statement beside "
                             "the cut-off grade.",
        "DENSITY": "Dry bulk density (t/m3) turning block volume into tonnes (default 2.8); use your deposit's "
                   "measured density.",
        "BENCH_ELEVATION": "The elevation (m) of the bench the maps show, named in their heading; with true "
                           "block grades it also maps the truth at that bench (empty: no truth map).",
        "NOTES": "Free text shown under the resource statement (data cut-off date, Competent Person, caveats).",
        "OUTPUT": "The self-contained HTML report, listed in the Processing results viewer.",
    }

    BLOCKS = "BLOCKS"
    CV_TABLE = "CV_TABLE"
    RULE = "RULE"
    STATEMENT_CUTOFFS = "STATEMENT_CUTOFFS"
    TRUTH = "TRUTH"
    CUTOFF = "CUTOFF"
    DENSITY = "DENSITY"
    BENCH_ELEVATION = "BENCH_ELEVATION"
    NOTES = "NOTES"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        double = QgsProcessingParameterNumber.Double
        self.addParameter(QgsProcessingParameterFeatureSource(self.BLOCKS, self.tr("Estimated blocks"), optional=True))
        for name, title in MAP_TITLES.items():
            self.addParameter(QgsProcessingParameterRasterLayer(name, self.tr(f"Map: {title}"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.CV_TABLE, self.tr("Cross-validation table (for the verdict)"), [QgsProcessing.TypeVector],
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.RULE, self.tr("Classification rule (shown with the statement)"), "", optional=True))
        for name, title in PAGE_TITLES.items():
            self.addParameter(
                QgsProcessingParameterFile(name, self.tr(f"Page: {title}"), extension="html", optional=True)
            )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TRUTH, self.tr("True block grades (truth_blocks.npz)"), extension="npz", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.CUTOFF, self.tr("Cut-off grade"), double, 1.0, minValue=0.0)
        )
        self.addParameter(QgsProcessingParameterString(
            self.STATEMENT_CUTOFFS, self.tr("More cut-offs for the resource statement (e.g. 0.5, 1.5)"), "",
            optional=True))
        self.addParameter(
            QgsProcessingParameterNumber(self.DENSITY, self.tr("Density (t/m3)"), double, 2.8, minValue=0.0)
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.BENCH_ELEVATION, self.tr("Bench elevation of the maps"), double, optional=True
            )
        )
        self.addParameter(QgsProcessingParameterString(self.NOTES, self.tr("Notes"), "", multiLine=True, optional=True))
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.OUTPUT, self.tr("Workflow report"), self.tr("HTML files (*.html)")
            )
        )

    def process(self, parameters, context, feedback):
        require("matplotlib")
        from ..algorithms.reports import workflow as demo_report

        maps = [
            (title, self.parameterAsRasterLayer(parameters, name, context).source())
            for name, title in MAP_TITLES.items()
            if self.parameterAsRasterLayer(parameters, name, context)
        ]
        pages = [
            (title, self.parameterAsFile(parameters, name, context))
            for name, title in PAGE_TITLES.items()
            if self.parameterAsFile(parameters, name, context)
        ]
        self._check_blocks(parameters, context)
        truth = self._truth(parameters, context)
        blocks = self._blocks(parameters, context, feedback, truth is not None)
        cv_rows = self._cv_rows(parameters, context, feedback)
        notes = [n for n in self.parameterAsString(parameters, self.NOTES, context).split("\n") if n.strip()]
        if not (maps or pages or truth is not None or notes or blocks is not None or cv_rows):
            raise ValueError(self.tr("Nothing to report: give at least one map, page, table, truth file or note"))
        path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        self.remove_on_failure(path)
        demo_report.write_workflow_report(
            path,
            blocks,
            maps,
            pages,
            truth,
            cutoff=self.parameterAsDouble(parameters, self.CUTOFF, context),
            density=self.parameterAsDouble(parameters, self.DENSITY, context),
            bench_elevation=self.optional_double(parameters, self.BENCH_ELEVATION, context),
            notes=notes,
            cv_rows=cv_rows,
            rule=self.parameterAsString(parameters, self.RULE, context).strip().rstrip("."),
            statement_cutoffs=self._statement_cutoffs(parameters, context),
        )
        if cv_rows:
            feedback.pushInfo(demo_report.verdict(cv_rows, "% TREO"))
        feedback.pushInfo(self.tr("Report: {0}").format(path))
        return {self.OUTPUT: path}

    def _statement_cutoffs(self, parameters, context):
        text = self.parameterAsString(parameters, self.STATEMENT_CUTOFFS, context)
        cutoffs = []
        for item in text.replace(";", ",").replace(" ", ",").split(","):
            if item.strip():
                try:
                    cutoffs.append(float(item))
                except ValueError:
                    raise ValueError(self.tr("More cut-offs for the resource statement: '{0}' is not a number")
                                     .format(item.strip())) from None
        return cutoffs

    def _check_blocks(self, parameters, context):
        """An empty block layer would make a report of a bare title."""
        source = self.parameterAsSource(parameters, self.BLOCKS, context)
        if source is not None and source.featureCount() == 0:
            raise ValueError(self.tr("{0}: the estimated block layer has no features; nothing to report on").format(
                layer_label(source)))

    def _truth(self, parameters, context):
        from ..algorithms.reports.workflow import check_truth

        path = self.parameterAsFile(parameters, self.TRUTH, context)
        if not path:
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                truth = {name: data[name] for name in data.files}
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: cannot be read as an npz file ({error})") from None
        return check_truth(truth, path)

    def _blocks(self, parameters, context, feedback, for_truth):
        """{column: values} of the estimated blocks: every BLOCK_COLUMNS field
        for the truth comparison, else the volume, estimates and class present."""
        from ..algorithms.reports.workflow import BLOCK_COLUMNS, CLASS_FIELD

        source = self.parameterAsSource(parameters, self.BLOCKS, context)
        if source is None:
            if for_truth:
                # Checked after the truth file is read, so a wrong file is reported first.
                raise ValueError(self.tr("Comparing with the truth needs the estimated blocks"))
            return None
        label = layer_label(source)
        names = field_names(source)
        missing = [c for c in BLOCK_COLUMNS if c not in names]
        if for_truth and missing:
            raise ValueError(f"{label}: the truth comparison needs the fields {', '.join(missing)}")
        numeric = [c for c in BLOCK_COLUMNS if c in names]
        columns = {name: column.values
                   for name, column in read_numeric(source, numeric, feedback=feedback, label=label).items()}
        if CLASS_FIELD in names:
            raw = read_columns(source, [CLASS_FIELD], feedback, label)[0][CLASS_FIELD]
            columns[CLASS_FIELD] = np.array(["Unclassified" if v is None else str(v) for v in raw], dtype=object)
        return columns

    def _cv_rows(self, parameters, context, feedback):
        """The rows of a reegrade:crossvalidate table ({method, fold, rmse,
        coverage90}), None when none is given."""
        source = self.parameterAsSource(parameters, self.CV_TABLE, context)
        if source is None:
            return None
        label = layer_label(source)
        names = {name.lower(): name for name in field_names(source)}
        missing = [c for c in ("method", "fold", "rmse", "coverage90") if c not in names]
        if missing:
            raise ValueError(f"{label}: not a reegrade:crossvalidate table (lacks {', '.join(missing)})")
        text = read_columns(source, [names["method"], names["fold"]], feedback, label)[0]
        numbers = read_numeric(source, [names["rmse"], names["coverage90"]], feedback=feedback, label=label)
        return [{"method": method, "fold": str(fold), "rmse": rmse, "coverage90": coverage}
                for method, fold, rmse, coverage in zip(text[names["method"]], text[names["fold"]],
                                                        numbers[names["rmse"]].values,
                                                        numbers[names["coverage90"]].values)]
