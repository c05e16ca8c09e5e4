"""Checks of what an algorithm is given that the science cannot make itself: whether an allocation fits in this
computer's memory, whether distances would be taken in degrees, and grade values that are codes rather than
grades. Each names the layer (and field) it is about."""
import os
from contextlib import contextmanager

import numpy as np
from qgis.core import QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from ..algorithms.common.parsing import DEFAULT_MISSING_CODES

# Fields whose values are negative by nature (Box-Cox, PCA components, embeddings), never detection-limit codes.
SIGNED_FIELD_PREFIXES = ("bc_", "pc_", "emb_")
# Labs use one or a few detection limits per element; many distinct negative values are real values instead.
MAX_DETECTION_LIMITS = 3


def physical_memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 16 * 2**30


def refuse_if_too_large(n_bytes, what, advice):
    """A ValueError before an allocation that this computer's memory cannot hold (numpy would fail late, or swap)."""
    available = physical_memory_bytes()
    if n_bytes > available:
        raise ValueError(
            f"{what} would need {n_bytes / 2**30:,.1f} GiB of memory, more than the {available / 2**30:,.1f} GiB "
            f"this computer has; {advice}"
        )


@contextmanager
def errors_naming(label):
    """Science errors raised inside name `label` (the layer, or the layer and field): a fit deep in a model
    often knows no layer name."""
    try:
        yield
    except ValueError as error:
        if str(error).startswith(label):
            raise
        raise ValueError(f"{label}: {error}") from None


def require_projected(crs, label, algorithm_name, missing_ok=False):
    """Refuse a layer whose distances would be taken in degrees: a variogram range, a search radius or a cell size
    in metres means nothing there, and the results would be wrong without a word. A layer without a (valid) CRS
    is refused too, since nothing says its coordinates are not degrees; `missing_ok` for a CRS checked later
    (a raster template reprojected to) or absent by design."""
    if crs is None or not crs.isValid():
        if missing_ok:
            return
        raise QgsProcessingException(QCoreApplication.translate(
            "REEGradeAlgorithm",
            "{0}: the layer has no coordinate reference system (or an invalid one), but {1} measures distances in "
            "metres; set its projected CRS first (for a local mine grid, any projected CRS in metres)").format(
            label, algorithm_name))
    if crs.isGeographic():
        raise QgsProcessingException(QCoreApplication.translate(
            "REEGradeAlgorithm",
            "{0}: its CRS {1} ({2}) is geographic, in degrees, but {3} measures distances in metres; reproject the "
            "layer to a projected CRS (e.g. its UTM zone) first").format(
            label, crs.authid() or "without an authority id", crs.description(), algorithm_name))


def grade_values(values, label, field):
    """(values, warnings): a grade field's values with the codes labs and databases write read as such: -99-style
    'no value' codes become missing, and negated detection limits (-0.05 for <0.05) become below-detection results
    at half the limit; kriging and variograms would otherwise take them for real negative grades. Other negative
    values (too many distinct ones for detection limits) are kept, with a warning naming the rows. A transformed
    field (bc_, pc_, emb_: negative by nature) is kept as it is."""
    values = np.array(values, dtype=float)
    if field.lower().startswith(SIGNED_FIELD_PREFIXES):
        return values, []
    warnings = []
    codes = np.isin(values, DEFAULT_MISSING_CODES)
    if codes.any():
        listed = ", ".join(f"{v:g}" for v in np.unique(values[codes]))
        warnings.append(f"{label}: field '{field}': {int(codes.sum())} value(s) are missing-value codes ({listed}; "
                        f"first at row {int(np.flatnonzero(codes)[0]) + 1}) and are left out")
        values[codes] = np.nan
    negative = values < 0
    if not negative.any():
        return values, warnings
    finite = int(np.isfinite(values).sum())
    first = int(np.flatnonzero(negative)[0])
    distinct = len(np.unique(values[negative]))
    if negative.sum() * 2 <= finite and distinct <= MAX_DETECTION_LIMITS:
        warnings.append(
            f"{label}: field '{field}': {int(negative.sum())} negative value(s) (first at row {first + 1}: "
            f"{values[first]:g}) are read as below-detection results (-0.05 means <0.05) at half the limit; a grade "
            "is never negative")
        values[negative] = -values[negative] / 2.0
    else:
        # Too many distinct values (or too many rows) for detection limits: kept as they are, but never silently,
        # since a grade is not negative and kriging them pulls every estimate near them down.
        why = (f"{distinct} distinct values, more than the {MAX_DETECTION_LIMITS} detection limits a lab uses"
               if distinct > MAX_DETECTION_LIMITS else "more than half of the values")
        warnings.append(
            f"{label}: field '{field}': {int(negative.sum())} negative value(s) (first at row {first + 1}: "
            f"{values[first]:g}) are used as real negative grades, not read as below-detection results ({why}); "
            "a grade is never negative, so if they are codes, recode them ('<0.05') or make them missing first")
    return values, warnings


def degrees_warning(xyz, crs, label):
    """A warning when coordinates look like longitudes and latitudes in a layer declared projected, or None: a
    deposit spans more than a few metres, so x within 180 and y within 90 spanning under 5 units are degrees."""
    if crs is None or not crs.isValid() or crs.isGeographic() or len(xyz) == 0:
        return None
    x, y = np.asarray(xyz)[:, 0], np.asarray(xyz)[:, 1]
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    if x.size == 0 or y.size == 0:
        return None
    in_degrees = np.all(np.abs(x) <= 180.0) and np.all(np.abs(y) <= 90.0)
    if not (in_degrees and np.ptp(x) < 5.0 and np.ptp(y) < 5.0):
        return None
    return (f"{label}: all {len(xyz)} x, y values lie between -180 and 180, -90 and 90 and span under 5 units, "
            f"though the CRS {crs.authid()} is projected (metres): they look like longitudes and latitudes; if so, "
            "declare EPSG:4326 and reproject to a projected CRS")
