"""The plugin's page in Settings > Options: default cut-offs and seed, and
the Dask scheduler prediction chunks run on."""
from qgis.gui import QgsOptionsPageWidget, QgsOptionsWidgetFactory
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QFormLayout, QLabel, QLineEdit, QSpinBox

from ..algorithms.common.distributed import parse_scheduler
from ..algorithms.common.predictive import parse_cutoffs
from ..processing_provider.settings import (
    default_cutoffs,
    default_seed,
    save_dask_scheduler,
    save_defaults,
    saved_dask_scheduler,
)


def tr(text):
    return QCoreApplication.translate("REEGradeSettings", text)


class REEGradeOptionsPage(QgsOptionsPageWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QFormLayout(self)
        self.cutoffs = QLineEdit(default_cutoffs())
        self.cutoffs.setToolTip(tr("Grades (e.g. TREO %) at which P(grade > cut-off) is reported"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(default_seed())
        self.scheduler = QLineEdit(saved_dask_scheduler())
        self.scheduler.setPlaceholderText(tr("empty: in QGIS's own process"))
        self.scheduler.setToolTip(tr(
            "Where kriging, MIK and BNN prediction run their chunks: empty = in QGIS's own process; local or local:N = "
            "N worker processes on this machine; tcp://host:8786 = a running Dask scheduler. The environment variable "
            "REEGRADE_DASK_SCHEDULER, when set, wins over this field"))
        self.message = QLabel()
        layout.addRow(tr("Default cut-offs"), self.cutoffs)
        layout.addRow(tr("Default random seed"), self.seed)
        layout.addRow(tr("Dask scheduler"), self.scheduler)
        layout.addRow(self.message)

    def apply(self):
        try:
            cutoffs = ", ".join(f"{c:g}" for c in parse_cutoffs(self.cutoffs.text()))
            parse_scheduler(self.scheduler.text())
        except ValueError as error:
            self.message.setText(str(error))
            return
        save_defaults(cutoffs, self.seed.value())
        save_dask_scheduler(self.scheduler.text())


class REEGradeOptionsFactory(QgsOptionsWidgetFactory):
    def __init__(self, icon_path):
        super().__init__()
        self.setTitle(tr("REE Grade"))
        self._icon = QIcon(icon_path)

    def icon(self):
        return self._icon

    def createWidget(self, parent):  # noqa: N802 (QGIS API name)
        return REEGradeOptionsPage(parent)
