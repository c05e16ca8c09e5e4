"""A feedback that keeps what an algorithm logs, for the Processing tests (it needs
QGIS, so it lives here and not in tests/helpers.py, which the unit tests import)."""
from qgis.core import QgsProcessingFeedback


class RecordingFeedback(QgsProcessingFeedback):
    """Keeps what the algorithm logs (`infos`, `warnings`) and every progress
    value it reports (`progress`), and still passes them on."""

    def __init__(self):
        super().__init__()
        self.infos, self.warnings, self.progress = [], [], []

    def setProgress(self, progress):  # noqa: N802 (QGIS API name)
        self.progress.append(progress)
        super().setProgress(progress)

    def pushInfo(self, text):  # noqa: N802 (QGIS API name)
        self.infos.append(text)
        super().pushInfo(text)

    def pushWarning(self, text):  # noqa: N802 (QGIS API name)
        self.warnings.append(text)
        super().pushWarning(text)


def recording_feedback():
    return RecordingFeedback()
