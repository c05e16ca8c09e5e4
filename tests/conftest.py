"""Shared by tests/unit and tests/processing, so nothing here imports QGIS: the
unit tests run without it (`pytest tests/unit -p no:pytest_qgis`). The QGIS
fixtures (`provider`, `run_algorithm`, `memory_layer`) are in
tests/processing/conftest.py.

The checkout is imported under its installed folder name, `ree_grade`, through
the same `.qgis-plugins/ree_grade` link `make setup` makes, so the tests exercise
the relative imports QGIS will use."""
import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from helpers import DATA, PLUGINS_DIR, REPO, UNIT  # noqa: E402 (needs the line above)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The processing tests reuse the pure data builders and fixtures of their unit
# siblings (`from test_boxcox import _jura_metals`); test file names are unique
# across both folders, so one flat import namespace is unambiguous.
if str(UNIT) not in sys.path:
    sys.path.insert(1, str(UNIT))


def _link_plugin():
    link = PLUGINS_DIR / "ree_grade"
    if not link.exists():
        PLUGINS_DIR.mkdir(exist_ok=True)
        link.symlink_to(REPO, target_is_directory=True)
    if str(PLUGINS_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGINS_DIR))


_link_plugin()


def _isolate_settings():
    """A throw-away settings home for this run, set before QGIS starts (as North
    Road's processing_r tests keep theirs apart): the plugin's settings page and
    QGIS itself write QSettings, and a test run must neither read a developer's
    real settings nor leave its own behind. QGIS keeps its QSettings in the
    profile named by QGIS_CUSTOM_CONFIG_PATH (pytest-qgis points that at a fresh
    temporary folder of its own when present; this one covers child processes
    started without it); Qt's own files go under XDG_CONFIG_HOME."""
    root = tempfile.mkdtemp(prefix="reegrade-tests-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(root, "config")
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(root, "profile")
    os.environ["REE_GRADE_TEST_SETTINGS"] = root
    return root


SETTINGS_ROOT = _isolate_settings()


def pytest_addoption(parser, pluginmanager):
    """pytest.ini sets pytest-qgis's option; without the plugin (the unit run)
    it is declared here so pytest does not warn about an unknown option."""
    if not pluginmanager.has_plugin("pytest_qgis"):
        parser.addini("qgis_qui_enabled", "pytest-qgis: show the QGIS window (unused without QGIS)", type="bool")


def pytest_sessionfinish(session, exitstatus):
    session.config._ree_exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without the interpreter's final clean-up. When an algorithm raises,
    QGIS's binding keeps a reference to the Python traceback, whose frames reach
    back into the test and keep its layers alive; finalising those after QGIS
    has shut down segfaults, turning a green run into exit code 139. Everything
    is reported by now, so exiting directly loses nothing."""
    shutil.rmtree(SETTINGS_ROOT, ignore_errors=True)
    status = getattr(config, "_ree_exit_status", None)
    if status is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


@pytest.fixture(scope="session")
def data_dir():
    return DATA
