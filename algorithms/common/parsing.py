"""(split from common; docstring to write)"""
import math
import re

import numpy as np

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "--", "nd", "ns", "is", "lnr", "np"}


_BELOW_DETECTION = re.compile(r"^\s*<\s*=?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")


BELOW_DETECTION_POLICIES = ("half", "zero", "missing")


class NumericColumn:
    """A parsed lab column: values (NaN where missing), which rows were below
    detection, and the detection limit written for those rows."""

    def __init__(self, values, below_detection, detection_limit):
        self.values = values
        self.below_detection = below_detection
        self.detection_limit = detection_limit

    @property
    def n_missing(self):
        return int(np.isnan(self.values).sum())

    @property
    def n_below_detection(self):
        return int(self.below_detection.sum())


def parse_numeric(values, table, column, negative_is_below_detection=False, below_detection="half"):
    """Parse one column of a lab or survey table into floats.

    Labs write a result below the detection limit either as ``<0.5`` or as the
    negated limit ``-0.5``; the latter is only read that way when
    `negative_is_below_detection` (assays: yes; coordinates and dips: no).
    `below_detection` chooses what such a value becomes: half the limit (the usual
    convention), zero, or missing. Text that is none of these raises a ValueError
    naming the table, column and 1-based data row.
    """
    if below_detection not in BELOW_DETECTION_POLICIES:
        raise ValueError(f"unknown below-detection policy {below_detection!r}; use one of {BELOW_DETECTION_POLICIES}")
    n = len(values)
    parsed = np.full(n, np.nan)
    below = np.zeros(n, dtype=bool)
    limits = np.full(n, np.nan)
    for row, raw in enumerate(values):
        value, limit = _parse_cell(raw, table, column, row, negative_is_below_detection)
        if limit is not None:
            below[row] = True
            limits[row] = limit
            value = {"half": limit / 2.0, "zero": 0.0, "missing": np.nan}[below_detection]
        parsed[row] = value
    return NumericColumn(parsed, below, limits)


def _parse_cell(raw, table, column, row, negative_is_below_detection):
    """(value, detection limit or None) for one cell."""
    if raw is None:
        return np.nan, None
    if isinstance(raw, bool):
        raise ValueError(_bad_cell(table, column, row, raw))
    if isinstance(raw, (int, float, np.integer, np.floating)):
        value = float(raw)
        if math.isnan(value) or math.isinf(value):
            return np.nan, None
        if negative_is_below_detection and value < 0:
            return np.nan, -value
        return value, None
    text = str(raw).strip()
    if text.lower() in MISSING_TOKENS:
        return np.nan, None
    match = _BELOW_DETECTION.match(text)
    if match:
        return np.nan, float(match.group(1))
    try:
        value = float(text.replace(",", "")) if _looks_like_thousands(text) else float(text)
    except ValueError:
        raise ValueError(_bad_cell(table, column, row, raw)) from None
    return _parse_cell(value, table, column, row, negative_is_below_detection)


def _looks_like_thousands(text):
    return bool(re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text))


def _bad_cell(table, column, row, raw):
    return f"{table}: column '{column}', row {row + 1}: {raw!r} is not a number"


def as_columns(X, fields, table="input"):
    """X as a float (rows, fields) array, one column per named field; a 1D array
    is one column. A shape that does not match the fields is an error naming them."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[1] != len(fields):
        raise ValueError(f"{table}: expected {len(fields)} column(s) ({', '.join(fields)}), got shape {X.shape}")
    return X




def parse_numbers(text, name, count=None):
    """Floats from 'a, b, c' (commas, semicolons, slashes or spaces); ValueError
    naming the parameter on anything else."""
    parts = [p for p in str(text or "").replace(";", ",").replace("/", ",").replace(" ", ",").split(",") if p]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a list of numbers") from None
    if count is not None and len(numbers) != count:
        raise ValueError(f"{name}: expected {count} numbers, got {text!r}")
    return numbers

