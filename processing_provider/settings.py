"""User defaults kept in QGIS settings (set on the plugin's settings page) that
algorithms use as parameter defaults."""

import os

from qgis.core import QgsSettings

from ..algorithms.common.distributed import ENVIRONMENT_VARIABLE

KEY_CUTOFFS = "ree_grade/default_cutoffs"
KEY_SEED = "ree_grade/default_seed"
KEY_DASK_SCHEDULER = "ree_grade/dask_scheduler"
FACTORY_CUTOFFS = "0.5, 1.5, 3"
FACTORY_SEED = 42


def default_cutoffs():
    return str(QgsSettings().value(KEY_CUTOFFS, FACTORY_CUTOFFS))


def default_seed():
    try:
        return int(QgsSettings().value(KEY_SEED, FACTORY_SEED))
    except (TypeError, ValueError):
        return FACTORY_SEED


def save_defaults(cutoffs, seed):
    settings = QgsSettings()
    settings.setValue(KEY_CUTOFFS, cutoffs)
    settings.setValue(KEY_SEED, int(seed))


def dask_scheduler():
    """(setting, where it came from): the environment variable
    REEGRADE_DASK_SCHEDULER whenever it is set, even empty (so a batch or
    qgis_process run chooses without touching the desktop's settings, and
    `REEGRADE_DASK_SCHEDULER=` forces in-process), else the settings page."""
    if ENVIRONMENT_VARIABLE in os.environ:
        return os.environ[ENVIRONMENT_VARIABLE].strip(), f"the environment variable {ENVIRONMENT_VARIABLE}"
    return saved_dask_scheduler(), "the plugin's settings page"


def saved_dask_scheduler():
    return str(QgsSettings().value(KEY_DASK_SCHEDULER, "") or "").strip()


def save_dask_scheduler(setting):
    QgsSettings().setValue(KEY_DASK_SCHEDULER, (setting or "").strip())
