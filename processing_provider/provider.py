"""The `reegrade` Processing provider.

Algorithms are discovered from the `alg_*.py` modules of this package, so a new
stage is added by dropping in its module. A module that fails to import (a broken
optional dependency at import time) must not hide the others, nor vanish without a
trace: the rest still load, and the failure is logged and kept in
`REEGradeProvider.load_errors`, which the tests require to be empty.
"""
import importlib
import inspect
import os
import pkgutil

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication, QUrl
from qgis.PyQt.QtGui import QIcon

from .base import PLUGIN_DIR, WORKFLOW_GROUP, REEGradeAlgorithm, workflow_page


def discover_algorithm_classes(errors=None):
    """Concrete algorithm classes of every `alg_*` module, sorted by name. A module
    that fails to import is logged and, when `errors` is a list, appended to it as
    (module name, message)."""
    classes = {}
    for module_info in pkgutil.iter_modules([os.path.dirname(__file__)]):
        if not module_info.name.startswith("alg_"):
            continue
        try:
            module = importlib.import_module(f".{module_info.name}", __package__)
        except Exception as error:  # one broken stage must not hide the others
            message = f"{type(error).__name__}: {error}"
            QgsMessageLog.logMessage(
                f"REE Grade: could not load {module_info.name}: {message}", "REE Grade", Qgis.Warning
            )
            if errors is not None:
                errors.append((module_info.name, message))
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, REEGradeAlgorithm) and cls.NAME and cls.__module__ == module.__name__:
                classes[cls.NAME] = cls
    return [classes[name] for name in sorted(classes)]


class REEGradeProvider(QgsProcessingProvider):
    def __init__(self):
        super().__init__()
        # (source, message) of every stage or model that failed to load, so a
        # broken stage shows up in a test rather than as a missing menu entry.
        self.load_errors = []

    def id(self):
        return "reegrade"

    def name(self):
        return QCoreApplication.translate("REEGradeProvider", "REE Grade Estimation")

    def longName(self):  # noqa: N802 (QGIS API name)
        return self.name()

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def loadAlgorithms(self):  # noqa: N802 (QGIS API name)
        # QGIS calls this again on a refresh; only the latest load's errors count.
        self.load_errors = []
        for cls in discover_algorithm_classes(self.load_errors):
            self.addAlgorithm(cls())
        # The bundled graphical-modeler workflow chains the stages above; it is
        # shown with them so a user finds the whole chain in one provider.
        from qgis.core import QgsProcessingModelAlgorithm

        path = os.path.join(PLUGIN_DIR, "models", "ree_grade_workflow.model3")
        model = QgsProcessingModelAlgorithm()
        if model.fromFile(path):
            # The group name is stored in English in the file; shown in the user's language like the others, and
            # the Help button opens the workflow's local page.
            model.setGroup(QCoreApplication.translate("REEGradeAlgorithm", WORKFLOW_GROUP))
            model.setHelpContent(dict(model.helpContent(), HELP_URL=QUrl.fromLocalFile(workflow_page()).toString()))
            self.addAlgorithm(model)
        else:
            QgsMessageLog.logMessage(f"REE Grade: could not read {path}", "REE Grade", Qgis.Warning)
            self.load_errors.append((os.path.basename(path), "the model file could not be read"))
