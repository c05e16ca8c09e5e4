"""Run inside QGIS desktop (qgis --code, see run_capture.sh): open every REE Grade algorithm's dialog, press its Help
button with a recording handler for file:// URLs in place of the browser, and write {algorithm id: URL opened} into
REE_SCREENSHOT_OUT/help_buttons.json; then quit."""
import json
import os
from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, QTimer, QUrl, pyqtSlot
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import QDialogButtonBox

OUT = Path(os.environ["REE_SCREENSHOT_OUT"])


class Recorder(QObject):
    def __init__(self):
        super().__init__()
        self.urls = []

    @pyqtSlot(QUrl)
    def record(self, url):
        self.urls.append(url.toString())


RECORDER = Recorder()


def press_every_help_button():
    import processing

    QDesktopServices.setUrlHandler("file", RECORDER, "record")
    opened = {}
    provider = QgsApplication.processingRegistry().providerById("reegrade")
    for algorithm in sorted(provider.algorithms() if provider else [], key=lambda a: a.id()):
        dialog = processing.createAlgorithmDialog(algorithm.id(), {})
        if dialog is None:
            opened[algorithm.id()] = None
            continue
        dialog.show()
        RECORDER.urls.clear()
        button = dialog.buttonBox().button(QDialogButtonBox.Help)
        if button is not None:
            button.click()
        opened[algorithm.id()] = RECORDER.urls[-1] if RECORDER.urls else None
        dialog.close()
    QDesktopServices.unsetUrlHandler("file")
    (OUT / "help_buttons.json").write_text(json.dumps(opened, indent=1))
    os._exit(0)  # as capture_docs.py: QGIS 3.22 may abort tearing dialogs down under Xvfb


QTimer.singleShot(4000, press_every_help_button)
