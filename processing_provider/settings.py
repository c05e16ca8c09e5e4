"""User defaults kept in QGIS settings (set on the plugin's settings page) that
algorithms use as parameter defaults."""

from qgis.core import QgsSettings

KEY_CUTOFFS = "ree_grade/default_cutoffs"
KEY_SEED = "ree_grade/default_seed"
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
