"""Paths every test needs, importable from tests/unit and tests/processing alike
(`from helpers import REPO`); pure Python so the unit tests stay free of QGIS."""
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
UNIT = TESTS / "unit"
# `make setup` links the checkout here under its installed folder name, so the
# tests import it as `ree_grade` and exercise the relative imports QGIS uses.
PLUGINS_DIR = REPO / ".qgis-plugins"


def recording_feedback():
    """A QgsProcessingFeedback that keeps what the algorithm logs (`infos`,
    `warnings`) and still passes it on; qgis is imported here, not at the top,
    so the unit tests can import this module."""
    from qgis.core import QgsProcessingFeedback

    class RecordingFeedback(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.infos, self.warnings = [], []

        def pushInfo(self, text):  # noqa: N802 (QGIS API name)
            self.infos.append(text)
            super().pushInfo(text)

        def pushWarning(self, text):  # noqa: N802 (QGIS API name)
            self.warnings.append(text)
            super().pushWarning(text)

    return RecordingFeedback()
