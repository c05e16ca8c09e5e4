"""The `reegrade` Processing provider.

Algorithms are discovered from the `alg_*.py` modules of this package, so a new
stage is added by dropping in its module; a module that fails to import (a broken
optional dependency at import time) is reported in the log and the rest still load.
"""
import importlib
import inspect
import os
import pkgutil

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .base import REEGradeAlgorithm

PLUGIN_DIR = os.path.dirname(os.path.dirname(__file__))


def discover_algorithm_classes():
    """Concrete algorithm classes of every `alg_*` module, sorted by name."""
    classes = {}
    for module_info in pkgutil.iter_modules([os.path.dirname(__file__)]):
        if not module_info.name.startswith("alg_"):
            continue
        try:
            module = importlib.import_module(f".{module_info.name}", __package__)
        except Exception as error:  # one broken stage must not hide the others
            QgsMessageLog.logMessage(
                f"REE Grade: could not load {module_info.name}: {error}", "REE Grade", Qgis.Warning
            )
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, REEGradeAlgorithm) and cls.NAME and cls.__module__ == module.__name__:
                classes[cls.NAME] = cls
    return [classes[name] for name in sorted(classes)]


class REEGradeProvider(QgsProcessingProvider):
    def id(self):
        return "reegrade"

    def name(self):
        return QCoreApplication.translate("REEGradeProvider", "REE Grade Estimation")

    def longName(self):  # noqa: N802 (QGIS API name)
        return self.name()

    def icon(self):
        return QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))

    def loadAlgorithms(self):  # noqa: N802 (QGIS API name)
        for cls in discover_algorithm_classes():
            self.addAlgorithm(cls())
        # The bundled graphical-modeler workflow chains the stages above; it is
        # shown with them so a user finds the whole chain in one provider.
        from qgis.core import QgsProcessingModelAlgorithm

        path = os.path.join(PLUGIN_DIR, "models", "ree_grade_workflow.model3")
        model = QgsProcessingModelAlgorithm()
        if model.fromFile(path):
            self.addAlgorithm(model)
        else:
            QgsMessageLog.logMessage(f"REE Grade: could not read {path}", "REE Grade", Qgis.Warning)
