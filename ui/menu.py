"""Plugin menu and toolbar: open the workflow model, the drillhole import, the documentation, the
settings page, the variogram panel and the 3D view."""
import os

from qgis.PyQt.QtCore import QCoreApplication, QUrl
from qgis.PyQt.QtGui import QDesktopServices, QIcon
from qgis.PyQt.QtWidgets import QAction

PLUGIN_DIR = os.path.dirname(os.path.dirname(__file__))
WORKFLOW_MODEL = os.path.join(PLUGIN_DIR, "models", "ree_grade_workflow.model3")
# The user guide shipped in the plugin (scripts/build_docs.py), read offline.
DOCUMENTATION = os.path.join(PLUGIN_DIR, "help", "html", "index.html")
MENU = "&REE Grade"


def tr(text):
    return QCoreApplication.translate("REEGradeMenu", text)


class REEGradeMenu:
    def __init__(self, iface):
        self.iface = iface
        self.actions = []
        self.options_factory = None
        # The interactive variogram panel, one window kept for the session.
        self.variogram_panel = None
        self.import_dialog = None
        self.view3d = None

    def init(self):
        from .settings_page import REEGradeOptionsFactory

        icon = QIcon(os.path.join(PLUGIN_DIR, "icon.svg"))
        workflow = self._action(icon, tr("Open REE grade workflow model"), self.open_workflow)
        self.iface.addToolBarIcon(workflow)
        # Drillhole import: tables to desurveyed intervals and composites, with every problem shown first.
        drillholes = self._action(icon, tr("Import drillholes…"), self.open_import)
        self.iface.addToolBarIcon(drillholes)
        self._action(QIcon(), tr("Documentation"), self.open_documentation)
        self._action(QIcon(), tr("Settings…"), self.open_settings)
        self.options_factory = REEGradeOptionsFactory(os.path.join(PLUGIN_DIR, "icon.svg"))
        self.iface.registerOptionsWidgetFactory(self.options_factory)
        self._action(QIcon(), tr("Variogram panel…"), self.open_variogram_panel)
        # Drill samples and blocks in 3D, coloured by grade, estimate or uncertainty.
        self._action(QIcon(), tr("3D view…"), self.open_view3d)

    def _action(self, icon, text, slot):
        action = QAction(icon, text, self.iface.mainWindow())
        action.triggered.connect(slot)
        self.iface.addPluginToMenu(MENU, action)
        self.actions.append(action)
        return action

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
        self.actions = []
        if self.variogram_panel is not None:
            self.variogram_panel.close()
            self.variogram_panel.deleteLater()
            self.variogram_panel = None
        if self.view3d is not None:
            self.view3d.close()
            self.view3d.deleteLater()
            self.view3d = None
        if self.options_factory is not None:
            self.iface.unregisterOptionsWidgetFactory(self.options_factory)
            self.options_factory = None

    def open_workflow(self):
        """The workflow in the graphical modeler, where a user can run or adapt it."""
        from processing.modeler.ModelerDialog import ModelerDialog
        from qgis.core import QgsProcessingModelAlgorithm

        model = QgsProcessingModelAlgorithm()
        if not model.fromFile(WORKFLOW_MODEL):
            self.iface.messageBar().pushWarning("REE Grade", tr("Could not read {0}").format(WORKFLOW_MODEL))
            return
        dialog = ModelerDialog.create(model)
        dialog.show()

    def open_import(self):
        from .import_dialog import ImportDialog

        self.import_dialog = ImportDialog(self.iface, self.iface.mainWindow())
        self.import_dialog.show()

    def open_documentation(self):
        QDesktopServices.openUrl(QUrl.fromLocalFile(DOCUMENTATION))

    def open_variogram_panel(self):
        from .variogram_panel import VariogramPanel

        if self.variogram_panel is None:
            self.variogram_panel = VariogramPanel(self.iface.mainWindow())
        self.variogram_panel.show()
        self.variogram_panel.raise_()
        return self.variogram_panel

    def open_view3d(self):
        from .view3d import View3DDialog

        if self.view3d is None:
            self.view3d = View3DDialog(self.iface.mainWindow())
        self.view3d.show()
        self.view3d.raise_()
        return self.view3d

    def open_settings(self):
        self.iface.showOptionsDialog(self.iface.mainWindow(), currentPage="REE Grade")
