"""A variogram fitted without a user at the controls, for stages that refit on
every cross-validation fold or for every indicator threshold.

3D data: the anisotropy is found from the data (`anisotropy.find_anisotropy`:
a downhole variogram for the nugget when the hole of each sample is given,
directional variograms over a grid of lines, the ellipsoid through their
ranges), then nugget, sill and the three ranges are fitted by weighted least
squares (`variogram_fit.fit_variogram`) with that orientation; an orientation
the user gives wins over the search. 2D data, and 3D data too sparse for the
search, get the omnidirectional (isotropic) fit: lags over half the data's
extent, a nugget plus one spherical structure."""
import hashlib
import threading
from collections import OrderedDict

import numpy as np

from .experimental import experimental_variogram, parse_directions
from .variogram_fit import fit_variogram

DEFAULT_LAGS = 12
DEFAULT_STRUCTURES = ("spherical",)


def is_flat(xyz):
    """True when z is all NaN or one value: kriging hands 2D data over with
    z = 0, so a constant z is flat too and the variogram is 2D."""
    z = np.asarray(xyz, dtype=float)[:, 2]
    return bool(np.all(np.isnan(z)) or np.nanmax(z) == np.nanmin(z))


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
# The directional search reads lags a quarter of the omnidirectional ones (out
# to an eighth of the diagonal): anisotropy shows at short distances, and
# there the sample deposit's true axes come out (checked in bench_anisotropy).
SEARCH_LAG_DIVISOR = 4.0
_RECENT_SIZE = 4
_RECENT_LOCK = threading.Lock()


def auto_variogram(xyz, values, n_lags=DEFAULT_LAGS, structures=DEFAULT_STRUCTURES, seed=0, label="samples",
                   groups=None, angles=None, anisotropy=True, log=None, progress=None, should_stop=None):
    """(model, experimental) of `values` at `xyz` (2D when z is all NaN or all
    equal); the same inputs give the same (shared, not to be modified) objects.
    `groups`: the hole of each sample (a downhole variogram then sets the
    nugget); `angles`: a GSLIB (azimuth, dip, rake) orientation that replaces
    the search; `anisotropy=False`: the omnidirectional fit in 3D too. `log`
    receives one sentence per finding (also kept as the model's `notes_`).
    progress / should_stop: over the 3D directional search, the long part."""
    key = _fit_key(xyz, values, n_lags, structures, seed, groups, angles, anisotropy)
    with _RECENT_LOCK:
        cached = _RECENT.get(key)
        if cached is not None:
            _RECENT.move_to_end(key)
    if cached is None:
        cached = _auto_variogram(xyz, values, n_lags, structures, seed, label, groups, angles, anisotropy, progress,
                                 should_stop)
        with _RECENT_LOCK:
            _RECENT[key] = cached
            while len(_RECENT) > _RECENT_SIZE:
                _RECENT.popitem(last=False)
    if log is not None:
        for note in cached[0].notes_:
            log(note)
    return cached


def _fit_key(xyz, values, n_lags, structures, seed, groups, angles, anisotropy):
    digest = hashlib.sha256()
    for array in (np.ascontiguousarray(xyz, dtype=float), np.ascontiguousarray(values, dtype=float)):
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    if groups is not None:
        digest.update("\0".join(np.asarray(groups).astype(str).reshape(-1)).encode())
    angles = None if angles is None else tuple(float(a) for a in angles)
    digest.update(repr((int(n_lags), tuple(structures), int(seed), groups is None, angles, bool(anisotropy))).encode())
    return digest.hexdigest()


def _auto_variogram(xyz, values, n_lags, structures, seed, label, groups, angles, anisotropy, progress=None,
                    should_stop=None):
    xyz = np.asarray(xyz, dtype=float)
    values = np.asarray(values, dtype=float)
    flat = is_flat(xyz)
    xyz = xyz[:, :2] if flat else xyz
    keep = np.isfinite(values) & np.all(np.isfinite(xyz), axis=1)
    if groups is not None:
        groups = np.asarray(groups).astype(str).reshape(-1)
    notes = []
    if flat:
        if angles is not None:
            return _oriented(xyz, values, n_lags, structures, seed, label, None, angles, notes, "given")
        notes.append(f"{label}: 2D samples, isotropic (omnidirectional) automatic variogram")
    elif angles is not None:
        return _oriented(xyz, values, n_lags, structures, seed, label, groups, angles, notes, "given")
    elif anisotropy:
        found = _found(xyz, values, n_lags, structures, seed, label, groups, keep, notes, progress, should_stop)
        if found is not None:
            return found
    return _isotropic(xyz, values, n_lags, structures, seed, label, notes)


def _isotropic(xyz, values, n_lags, structures, seed, label, notes):
    lag = default_lag(xyz, n_lags)
    experimental = experimental_variogram(xyz, values, lag, n_lags, seed=seed, label=label)
    model = fit_variogram(experimental, structures=structures, seed=seed).model
    notes.append(f"{label}: automatic variogram {model.describe()}")
    model.notes_ = notes
    return model, experimental


def _found(xyz, values, n_lags, structures, seed, label, groups, keep, notes, progress=None, should_stop=None):
    """The anisotropic model of the directional search, or None (a note says
    why) to fall back on the isotropic fit."""
    from .anisotropy import Anisotropy, find_anisotropy, ordered_axes

    found = find_anisotropy(xyz[keep], values[keep], default_lag(xyz[keep], n_lags) / SEARCH_LAG_DIVISOR, n_lags,
                            None if groups is None else groups[keep], structures, seed, label, progress, should_stop)
    if not isinstance(found, Anisotropy):
        notes.append(f"{label}: no anisotropy found ({found}); isotropic automatic variogram")
        return None
    notes += [f"{label}: {note}" for note in found.notes]
    try:
        fit = fit_variogram(found.experimental, structures=structures, nugget=found.nugget, angles=found.angles,
                            seed=seed)
    except ValueError as error:
        notes.append(f"{label}: the anisotropic fit failed ({error}); isotropic automatic variogram")
        return None
    model = ordered_axes(fit.model)
    source = "downhole nugget, " if found.nugget is not None else ""
    notes.append(f"{label}: automatic anisotropic variogram ({source}orientation found) {model.describe()}")
    model.notes_ = notes
    return model, found.experimental


def holes_nugget(xyz, values, groups, structures=DEFAULT_STRUCTURES, seed=0):
    """The nugget of the downhole variogram of the rows with a value and a
    position, or None (no holes, too few downhole pairs, no fit): what an
    oriented automatic variogram fixes as its nugget."""
    return holes_nuggets(xyz, np.asarray(values, dtype=float)[:, None], groups, structures, seed)[0]


def holes_nuggets(xyz, columns, groups, structures=DEFAULT_STRUCTURES, seed=0):
    """`holes_nugget` of every column of `columns` (n, c), the downhole pairs
    built once, over the rows where every column has a value (MIK's
    indicators, all from the same grades)."""
    from .anisotropy import downhole_nuggets

    columns = np.asarray(columns, dtype=float).reshape(len(xyz), -1)
    if groups is None:
        return [None] * columns.shape[1]
    xyz = np.asarray(xyz, dtype=float)
    keep = np.all(np.isfinite(columns), axis=1) & np.all(np.isfinite(xyz), axis=1)
    groups = np.asarray(groups).astype(str).reshape(-1)
    found = downhole_nuggets(xyz[keep], columns[keep], groups[keep], structures, seed)
    return [None if downhole is None else downhole[0] for downhole in found]


def _oriented(xyz, values, n_lags, structures, seed, label, groups, angles, notes, origin):
    """Ranges along the axes of the user's orientation `angles`."""
    nugget = holes_nugget(xyz, values, groups, structures, seed)
    dimensions = xyz.shape[1]
    lag = default_lag(xyz, n_lags)
    directions = parse_directions("axes", angles, dimensions)
    experimental = experimental_variogram(xyz, values, lag, n_lags, directions=directions, seed=seed, label=label)
    model = fit_variogram(experimental, structures=structures, nugget=nugget, angles=angles, seed=seed).model
    notes.append(f"{label}: automatic variogram along the {origin} orientation "
                 f"{'/'.join(f'{a:g}' for a in angles)}: {model.describe()}")
    model.notes_ = notes
    return model, experimental
