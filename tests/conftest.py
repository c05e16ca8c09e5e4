"""Shared fixtures. The checkout is imported under its installed folder name,
`ree_grade`, through the same `.qgis-plugins/ree_grade` link `make setup` makes,
so the tests exercise the relative imports QGIS will use."""
import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
PLUGINS_DIR = REPO / ".qgis-plugins"
DATA = Path(__file__).resolve().parent / "data"


def _link_plugin():
    link = PLUGINS_DIR / "ree_grade"
    if not link.exists():
        PLUGINS_DIR.mkdir(exist_ok=True)
        link.symlink_to(REPO, target_is_directory=True)
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))


_link_plugin()


def pytest_sessionfinish(session, exitstatus):
    session.config._ree_exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without the interpreter's final clean-up. When an algorithm raises,
    QGIS's binding keeps a reference to the Python traceback, whose frames reach
    back into the test and keep its layers alive; finalising those after QGIS
    has shut down segfaults, turning a green run into exit code 139. Everything
    is reported by now, so exiting directly loses nothing."""
    status = getattr(config, "_ree_exit_status", None)
    if status is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


@pytest.fixture(scope="session")
def data_dir():
    return DATA


@pytest.fixture(scope="session")
def provider(qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from ree_grade.processing_provider.provider import REEGradeProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("reegrade") is None:
        registry.addProvider(REEGradeProvider())
    return registry.providerById("reegrade")


@pytest.fixture
def run_algorithm(provider):
    """Run `reegrade:<name>` through processing.run and return its results."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    def run(name, parameters, feedback=None):
        context = QgsProcessingContext()
        return processing.run(
            f"reegrade:{name}", parameters, context=context, feedback=feedback or QgsProcessingFeedback()
        )

    return run
