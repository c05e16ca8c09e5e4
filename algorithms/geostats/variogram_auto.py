"""A variogram fitted without a user at the controls, for stages that refit on
every cross-validation fold or for every indicator threshold: omnidirectional
lags over half the data's extent, a nugget plus one spherical structure, fitted
by weighted least squares (`variogram.fit_variogram`)."""
import hashlib
import threading
from collections import OrderedDict

import numpy as np

from .experimental import experimental_variogram
from .variogram_fit import fit_variogram


def default_lag(xyz, n_lags):
    """Half the diagonal of the data's bounding box, split into `n_lags` lags;
    the usual rule that pairs beyond half the field are too few to trust."""
    xyz = np.asarray(xyz, dtype=float)
    present = ~np.all(np.isnan(xyz), axis=0)
    extent = np.nanmax(xyz[:, present], axis=0) - np.nanmin(xyz[:, present], axis=0)
    diagonal = float(np.linalg.norm(extent))
    if not diagonal > 0:
        raise ValueError("all samples are at one location; a variogram needs spread-out samples")
    return diagonal / 2.0 / n_lags


# Cross-validation fits the same automatic variogram on the same training fold
# for several methods (OK, and the network that stacks OK); the experimental
# variogram of a large drillhole set takes minutes, so the last few fits are kept.
_RECENT = OrderedDict()
_RECENT_SIZE = 4
_RECENT_LOCK = threading.Lock()


def auto_variogram(xyz, values, n_lags=12, structures=("spherical",), seed=0, label="samples"):
    """(model, experimental) of `values` at `xyz` (2D when z is all NaN); the
    same inputs give the same (shared, not to be modified) objects."""
    key = _fit_key(xyz, values, n_lags, structures, seed)
    with _RECENT_LOCK:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return _RECENT[key]
    result = _auto_variogram(xyz, values, n_lags, structures, seed, label)
    with _RECENT_LOCK:
        _RECENT[key] = result
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return result


def _fit_key(xyz, values, n_lags, structures, seed):
    digest = hashlib.sha256()
    for array in (np.ascontiguousarray(xyz, dtype=float), np.ascontiguousarray(values, dtype=float)):
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    digest.update(repr((int(n_lags), tuple(structures), int(seed))).encode())
    return digest.hexdigest()


def _auto_variogram(xyz, values, n_lags, structures, seed, label):
    xyz = np.asarray(xyz, dtype=float)
    if np.all(np.isnan(xyz[:, 2])):
        xyz = xyz[:, :2]
    lag = default_lag(xyz, n_lags)
    experimental = experimental_variogram(xyz, values, lag, n_lags, seed=seed, label=label)
    fit = fit_variogram(experimental, structures=structures, seed=seed)
    return fit.model, experimental
