"""Reading the numbers of lab and survey tables as labs and databases write them.

Assay files are not clean numbers: a result below the detection limit is `<0.5`
or the negated limit `-0.5` (by lab), databases write -99 or -9999 for "no
value", and spreadsheets add thousands separators and tokens such as `NA` or
`IS` (insufficient sample). Every stage that reads such a column goes through
`parse_numeric`, so one rule decides what each cell means and a cell that is no
number stops the run with the table, column and row named. The numeric parameter
strings of the Processing dialogs (cut-offs, lists of codes) are read here too,
for the same reason.
"""
import math
import re

import numpy as np

MISSING_TOKENS = {"", "na", "n/a", "nan", "null", "none", "-", "--", "nd", "ns", "is", "lnr", "np"}


_BELOW_DETECTION = re.compile(r"^\s*<\s*=?\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")


BELOW_DETECTION_POLICIES = ("half", "zero", "missing")


DEFAULT_MISSING_CODES = (-99.0, -999.0, -9999.0)


class NumericColumn:
    """A parsed lab column: values (NaN where missing), which rows were below
    detection, and the detection limit written for those rows."""

    def __init__(self, values, below_detection, detection_limit, thousands=None):
        self.values = values
        self.below_detection = below_detection
        self.detection_limit = detection_limit
        self.thousands = np.zeros(len(values), dtype=bool) if thousands is None else thousands

    @property
    def n_missing(self):
        return int(np.isnan(self.values).sum())

    @property
    def n_below_detection(self):
        return int(self.below_detection.sum())


def parse_numeric(values, table, column, negative_is_below_detection=False, below_detection="half", first_row=1):
    """Parse one column of a lab or survey table into floats.

    Labs write a result below the detection limit either as ``<0.5`` or as the
    negated limit ``-0.5``; the latter is only read that way when
    `negative_is_below_detection` (assays: yes; coordinates and dips: no).
    `below_detection` chooses what such a value becomes: half the limit (the usual
    convention), zero, or missing. Text that is none of these raises a ValueError
    naming the table, column and 1-based data row (`first_row` being the first
    value's, for a batch of a longer table).
    """
    if below_detection not in BELOW_DETECTION_POLICIES:
        raise ValueError(f"unknown below-detection policy {below_detection!r}; use one of {BELOW_DETECTION_POLICIES}")
    n = len(values)
    parsed = np.full(n, np.nan)
    below = np.zeros(n, dtype=bool)
    limits = np.full(n, np.nan)
    thousands = np.zeros(n, dtype=bool)
    for row, raw in enumerate(values):
        value, limit = _parse_cell(raw, table, column, row + first_row - 1, negative_is_below_detection)
        if limit is not None:
            below[row] = True
            limits[row] = limit
            value = {"half": limit / 2.0, "zero": 0.0, "missing": np.nan}[below_detection]
        parsed[row] = value
        thousands[row] = isinstance(raw, str) and _looks_like_thousands(raw.strip())
    return NumericColumn(parsed, below, limits, thousands)


def thousands_warning(column, table, name):
    """A warning when cells read with a thousands separator ('1,500' -> 1500) sit in a column whose other values
    are a hundred times smaller: there the comma is far more likely a decimal comma (1.5), or None."""
    if not column.thousands.any():
        return None
    first = int(np.flatnonzero(column.thousands)[0])
    others = column.values[~column.thousands & np.isfinite(column.values)]
    return thousands_message(table, name, int(column.thousands.sum()), first + 1, column.values[first],
                             float(np.min(np.abs(column.values[column.thousands]))), others)


def thousands_message(table, name, count, first_row, first_value, smallest_read, others):
    """`thousands_warning`'s sentence from its figures (`others`: the other values, or a sample of them), or None
    when the other values are not a hundred times smaller than the smallest value read with a comma."""
    if others.size == 0 or np.median(np.abs(others)) * 100 > smallest_read:
        return None
    return (
        f"{table}: column '{name}': {count} value(s) with a comma (first at row {first_row}, "
        f"read as {first_value:g}) were read as thousands, while the other values are around "
        f"{np.median(others):.3g}; if the comma is a decimal comma, correct the file (1.5, not 1,500)"
    )


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


def parse_missing_codes(text):
    """'-99, -999' -> (-99.0, -999.0): values a database writes for 'no value'."""
    codes = []
    for token in str(text or "").replace(";", ",").split(","):
        if token.strip():
            try:
                codes.append(float(token))
            except ValueError:
                raise ValueError(f"missing-value codes: {token.strip()!r} is not a number") from None
    return tuple(codes)


def blank_missing_codes(values, codes):
    """Cells equal to one of `codes` become None before parsing, so that -99
    is not read as a detection limit of 99."""
    if not codes:
        return list(values)
    codes = set(codes)

    def is_code(value):
        try:
            return float(value) in codes
        except (TypeError, ValueError):
            return False

    return [None if is_code(value) else value for value in values]


def value_index(values):
    """(distinct cells, index of each cell among them); booleans are keyed
    apart so that True is not taken for 1."""
    index = {}
    codes = np.fromiter(
        (index.setdefault(("bool", value) if isinstance(value, bool) else value, len(index)) for value in values),
        dtype=np.int64, count=len(values),
    )
    distinct = [key[1] if isinstance(key, tuple) else key for key in index]
    return distinct, codes


def parse_distinct(values, table, column, **options):
    """`parse_numeric` over the distinct cells only, since lab columns repeat
    values ('<0.5', rounded results); a bad cell is re-parsed over the whole
    column so that the error names its first row."""
    distinct, codes = value_index(values)
    try:
        parsed = parse_numeric(distinct, table, column, **options)
    except ValueError:
        parse_numeric(values, table, column, **options)
        raise
    return NumericColumn(parsed.values[codes], parsed.below_detection[codes], parsed.detection_limit[codes],
                         parsed.thousands[codes])


# Not "none" or "na": an alteration logged "none" is a class (unaltered), and "NA" a code of some logs.
MISSING_CATEGORY_TEXTS = ("", "null", "nan", "n/a")


def category_text(value):
    """The category of one raw cell of a lithology or domain field, or None
    when it is missing (None, NaN, blank or a NULL-like text such as 'NULL'
    or 'n/a', which databases export for an unlogged interval; 'None' and
    'NA' stay categories). Whole numbers
    (3, 3.0) are written without a decimal part, so a code read as an integer
    from one file and as a float from another is one category."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        return str(int(value)) if math.isfinite(value) and float(value).is_integer() else repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    return None if text.lower() in MISSING_CATEGORY_TEXTS else text


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

