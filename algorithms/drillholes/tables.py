"""Collar, survey and interval tables as they come from a drillhole database,
checked before any geometry is computed on them.

Every later stage trusts what leaves here: each hole id of a survey or interval
is in the collars, depths are numbers that increase, dips are on one convention,
doglegs are physically possible, exact duplicate rows are dropped and
overlapping intervals are resolved by a stated policy. So a bad table stops at
the first wrong cell with its table, column and row named, instead of surfacing
later as a strange composite or kriged grade. The column-name aliases let the
usual database exports (hole_id, BHID, from/to, mFrom/mTo, easting/northing/RL)
be read without the user naming every column.
"""
import bisect

import numpy as np

from ..common.parsing import (
    DEFAULT_MISSING_CODES,
    blank_missing_codes,
    parse_distinct,
    parse_numeric,
    thousands_warning,
    value_index,
)
from .geometry import MAX_DOGLEG_DEG, direction_vectors, dogleg, plunge_from_dip, rows_by_hole

HOLE_NAMES = ("hole_id", "holeid", "bhid", "hole", "dhid", "hole_name", "holename", "borehole")


FROM_NAMES = ("from", "depth_from", "from_m", "mfrom", "from_depth", "fromdepth", "sample_from")


TO_NAMES = ("to", "depth_to", "to_m", "mto", "to_depth", "todepth", "sample_to")


X_NAMES = ("x", "east", "easting", "xcollar", "x_collar", "collar_x")


Y_NAMES = ("y", "north", "northing", "ycollar", "y_collar", "collar_y")


Z_NAMES = ("z", "elevation", "elev", "rl", "zcollar", "z_collar", "collar_z", "height")


SURVEY_DEPTH_NAMES = ("depth", "at", "survey_depth", "md", "distance", "depth_m")


AZIMUTH_NAMES = ("azimuth", "azi", "az", "bearing", "brg")


DIP_NAMES = ("dip", "inclination", "incl")


TOTAL_DEPTH_NAMES = ("max_depth", "maxdepth", "eoh", "total_depth", "hole_depth", "td", "depth", "length")


OVERLAP_POLICIES = ("error", "keep", "drop")


OUTPUT_FIELDS = ("hole_id", "from_m", "to_m", "azimuth", "dip")


DEPTH_TOLERANCE_M = 1e-6


_LISTED = 5


# --- tables ---------------------------------------------------------------------
class Table:
    """A table as read from a file or layer: a label for messages and
    {column: raw values} in row order."""

    def __init__(self, label, columns):
        self.label = label
        self.columns = dict(columns)
        lengths = {len(values) for values in self.columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"{label}: columns have different lengths {sorted(lengths)}")
        self.n_rows = lengths.pop() if lengths else 0
        if self.n_rows == 0:
            raise ValueError(f"{label}: the table is empty")

    def required_numbers(self, column, what):
        """Floats of a column that must be filled in every row (depths, dips)."""
        values = parse_distinct(self.columns[column], self.label, column).values
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            raise ValueError(f"{self.label}: column '{column}', row {missing[0] + 1}: {what} is missing")
        return values

    def hole_ids(self, column):
        return normalise_ids(self.columns[column], self.label, column)


def resolve_column(available, explicit, candidates, table, what, required=True):
    """The column holding `what`: the one named explicitly, else the first of
    `candidates` found (case-insensitive); None or an error naming the table
    and what was looked for when there is none."""
    if explicit:
        if explicit not in available:
            raise ValueError(f"{table}: column '{explicit}' ({what}) not found; it has {', '.join(available)}")
        return explicit
    lower = {name.lower(): name for name in reversed(list(available))}
    for candidate in candidates:
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    if required:
        raise ValueError(
            f"{table}: no {what} column (looked for {', '.join(candidates)}); name it with the parameter"
        )
    return None


def normalise_ids(values, table, column):
    """Hole ids as stripped strings; 101 and 101.0 read as '101' so that a
    numeric collar id matches a text one in the intervals."""
    ids = []
    for row, value in enumerate(values):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if not text or text.lower() in ("nan", "null"):
            raise ValueError(f"{table}: column '{column}', row {row + 1}: the hole id is missing")
        ids.append(text)
    return ids


# --- collars and surveys ----------------------------------------------------------
def read_collars(table, columns, convention="negative_down", geometry_xyz=None):
    """{hole: {"xyz", "tangent" (or None), "total_depth" (NaN if unknown)}}.

    `columns` names hole, x, y, z and optionally azimuth, dip, total_depth; x
    and y (and z when no z column is named) come from `geometry_xyz` when the
    collars are a point layer."""
    holes = table.hole_ids(columns["hole"])
    xyz = np.full((table.n_rows, 3), np.nan)
    if geometry_xyz is not None:
        xyz[:] = geometry_xyz
    else:
        xyz[:, 0] = table.required_numbers(columns["x"], "the collar x")
        xyz[:, 1] = table.required_numbers(columns["y"], "the collar y")
    if columns.get("z"):
        xyz[:, 2] = table.required_numbers(columns["z"], "the collar elevation")
    missing_z = np.flatnonzero(np.isnan(xyz[:, 2]))
    if missing_z.size:
        raise ValueError(
            f"{table.label}: row {missing_z[0] + 1}: the collar has no elevation; name the elevation column "
            "or give the points a z value"
        )
    tangents = _collar_tangents(table, columns, convention)
    total_depth = np.full(table.n_rows, np.nan)
    if columns.get("total_depth"):
        total_depth = parse_numeric(table.columns[columns["total_depth"]], table.label, columns["total_depth"]).values
    collars = {}
    for row, hole in enumerate(holes):
        if hole in collars:
            raise ValueError(f"{table.label}: column '{columns['hole']}', row {row + 1}: hole '{hole}' is listed twice")
        collars[hole] = {"xyz": xyz[row], "tangent": tangents[row], "total_depth": total_depth[row]}
    return collars


def _collar_tangents(table, columns, convention):
    """Per row, the collar's direction from its azimuth/dip columns, or None
    (vertical) where they are not given or empty."""
    if not (columns.get("azimuth") and columns.get("dip")):
        return [None] * table.n_rows
    azimuth = parse_numeric(table.columns[columns["azimuth"]], table.label, columns["azimuth"]).values
    dip = parse_numeric(table.columns[columns["dip"]], table.label, columns["dip"]).values
    plunge = plunge_from_dip(dip, convention)
    _check_dips(table.label, columns["dip"], plunge)
    azimuth = np.where(np.isnan(azimuth) & (np.abs(plunge) == 90.0), 0.0, azimuth)
    tangents = []
    for row in range(table.n_rows):
        if np.isnan(plunge[row]):
            tangents.append(None)
        elif np.isnan(azimuth[row]):
            raise ValueError(f"{table.label}: column '{columns['azimuth']}', row {row + 1}: the azimuth is missing")
        else:
            tangents.append(direction_vectors([azimuth[row]], [plunge[row]])[0])
    return tangents


def _check_dips(label, column, plunge):
    bad = np.flatnonzero(np.abs(np.nan_to_num(plunge)) > 90.0)
    if bad.size:
        raise ValueError(
            f"{label}: column '{column}', row {bad[0] + 1}: dip {abs(plunge[bad[0]]):g} is outside -90..90")


def read_surveys(table, columns, collars, convention="negative_down"):
    """{hole: (depths ascending, tangents)} from a survey table; an azimuth may
    be blank only for a vertical station."""
    holes = table.hole_ids(columns["hole"])
    _check_known(holes, collars, table.label, columns["hole"])
    depth = table.required_numbers(columns["depth"], "the survey depth")
    plunge = plunge_from_dip(table.required_numbers(columns["dip"], "the dip"), convention)
    _check_dips(table.label, columns["dip"], plunge)
    azimuth = parse_numeric(table.columns[columns["azimuth"]], table.label, columns["azimuth"]).values
    blank = np.flatnonzero(np.isnan(azimuth) & (np.abs(plunge) != 90.0))
    if blank.size:
        raise ValueError(f"{table.label}: column '{columns['azimuth']}', row {blank[0] + 1}: the azimuth is missing")
    negative = np.flatnonzero(depth < 0)
    if negative.size:
        raise ValueError(f"{table.label}: column '{columns['depth']}', row {negative[0] + 1}: "
                         f"negative depth {depth[negative[0]]:g}")
    tangents = direction_vectors(np.nan_to_num(azimuth), plunge)
    surveys = {}
    for hole, rows in rows_by_hole(holes).items():
        rows = rows[np.argsort(depth[rows], kind="stable")]
        repeated = np.flatnonzero(np.diff(depth[rows]) <= DEPTH_TOLERANCE_M)
        if repeated.size:
            a, b = rows[repeated[0]], rows[repeated[0] + 1]
            raise ValueError(
                f"{table.label}: hole '{hole}', rows {a + 1} and {b + 1}: two stations at depth {depth[a]:g}")
        turn = np.degrees(dogleg(tangents[rows[:-1]], tangents[rows[1:]]))
        sharp = np.flatnonzero(turn > MAX_DOGLEG_DEG)
        if sharp.size:
            a, b = rows[sharp[0]], rows[sharp[0] + 1]
            raise ValueError(
                f"{table.label}: hole '{hole}', rows {a + 1} and {b + 1}: the hole turns {turn[sharp[0]]:.0f} degrees "
                f"between depths {depth[a]:g} and {depth[b]:g}; check the dip convention and the azimuths"
            )
        surveys[hole] = (depth[rows], tangents[rows])
    return surveys


def _check_known(holes, collars, label, column):
    for row, hole in enumerate(holes):
        if hole not in collars:
            raise ValueError(f"{label}: column '{column}', row {row + 1}: hole '{hole}' is not in the collar table")


# --- intervals --------------------------------------------------------------------
def read_intervals(table, columns, collars, overlap_policy="error", below_detection="half",
                   missing_codes=DEFAULT_MISSING_CODES, kinds=None):
    """Checked intervals sorted by hole and depth.

    Returns {"hole", "from", "to", "rows" (0-based table rows kept),
    "attributes" {name: ("double", floats) or ("string", texts)}, "notices",
    "below_detection" {name: count}}. Every column other than hole/from/to is
    an attribute; `kinds` {name: "double"} marks columns already typed as
    numbers, the others are numbers when most of their cells are."""
    if overlap_policy not in OVERLAP_POLICIES:
        raise ValueError(f"unknown overlap policy {overlap_policy!r}; use one of {OVERLAP_POLICIES}")
    label = table.label
    holes = table.hole_ids(columns["hole"])
    _check_known(holes, collars, label, columns["hole"])
    start = table.required_numbers(columns["from"], "the from depth")
    end = table.required_numbers(columns["to"], "the to depth")
    check_depth_order(label, start, end, (columns["from"], columns["to"]))
    names = [name for name in table.columns if name not in (columns["hole"], columns["from"], columns["to"])]
    _check_name_clashes(label, names)
    notices = []
    attributes, below = read_attributes(table, names, kinds, below_detection, missing_codes, notices)
    keep = _drop_exact_duplicates(table, holes, notices)
    keep = _resolve_overlaps(label, holes, start, end, keep, overlap_policy, notices)
    first = _first_row(holes)
    order = sorted(keep, key=lambda row: (first[holes[row]], start[row], end[row]))
    rows = np.array(order, dtype=int)
    return {
        "hole": [holes[row] for row in rows],
        "from": start[rows],
        "to": end[rows],
        "rows": rows,
        "attributes": {
            name: (kind, values[rows] if kind == "double" else [values[row] for row in rows])
            for name, (kind, values) in attributes.items()
        },
        "notices": notices,
        "below_detection": below,
    }


def _first_row(holes):
    first = {}
    for row, hole in enumerate(holes):
        first.setdefault(hole, row)
    return first


def check_depth_order(label, start, end, columns=("from", "to")):
    negative = np.flatnonzero(start < 0)
    if negative.size:
        row = negative[0]
        raise ValueError(f"{label}: column '{columns[0]}', row {row + 1}: negative depth {start[row]:g}")
    reversed_rows = np.flatnonzero(start >= end)
    if reversed_rows.size:
        row = reversed_rows[0]
        raise ValueError(
            f"{label}: row {row + 1}: {columns[0]} {start[row]:g} is not less than {columns[1]} {end[row]:g} "
            f"({reversed_rows.size} such row(s) in all)"
        )


def _check_name_clashes(label, names):
    reserved = {name.lower() for name in OUTPUT_FIELDS}
    for name in names:
        if name.lower() in reserved:
            raise ValueError(f"{label}: column '{name}' has the name of an output field; rename it")


def read_attributes(table, names, kinds=None, below_detection="half", missing_codes=DEFAULT_MISSING_CODES,
                    notices=None):
    """({name: ("double", floats) or ("string", texts)}, {name: count below
    detection}) for columns of `table`; see `read_intervals` for the rule. Suspicious cells (a thousands
    separator among decimals) add a notice to `notices` when it is given."""
    kinds = kinds or {}
    attributes, below = {}, {}
    for name in names:
        raw = blank_missing_codes(table.columns[name], missing_codes)
        column = _numeric_or_none(raw, table.label, name, kinds.get(name) == "double", below_detection)
        if column is None:
            attributes[name] = ("string", [None if value is None else str(value) for value in raw])
            continue
        attributes[name] = ("double", column.values)
        warning = thousands_warning(column, table.label, name)
        if warning and notices is not None:
            notices.append(warning)
        if column.n_below_detection:
            below[name] = column.n_below_detection
    return attributes, below


def _numeric_or_none(raw, label, name, typed_numeric, below_detection):
    """The parsed column, or None for a text column. A column is numeric when
    typed so or when more than half of its filled cells read as numbers (or
    below-detection values); its other cells are then bad cells, reported."""
    try:
        return parse_distinct(raw, label, name, negative_is_below_detection=True, below_detection=below_detection)
    except ValueError:
        if typed_numeric or _mostly_numbers(raw):
            raise
        return None


def _mostly_numbers(values):
    distinct, codes = value_index(values)
    counts = np.bincount(codes, minlength=len(distinct))
    filled = numbers = 0
    for value, count in zip(distinct, counts):
        try:
            parsed = parse_numeric([value], "", "", negative_is_below_detection=True)
        except ValueError:
            filled += count
            continue
        if not (parsed.n_missing and not parsed.n_below_detection):
            filled += count
            numbers += count
    return numbers * 2 > filled


def _drop_exact_duplicates(table, holes, notices):
    """Rows repeating an earlier row cell for cell (a lab file written twice)."""
    seen, keep, dropped = set(), [], []
    for row, key in enumerate(zip(*table.columns.values())):
        if key in seen:
            dropped.append(row)
            continue
        seen.add(key)
        keep.append(row)
    if dropped:
        listed = ", ".join(f"row {row + 1} (hole '{holes[row]}')" for row in dropped[:_LISTED])
        notices.append(f"{table.label}: {len(dropped)} exact duplicate row(s) dropped: {listed}"
                       + (" ..." if len(dropped) > _LISTED else ""))
    return keep


def _resolve_overlaps(label, holes, start, end, keep, policy, notices):
    """Find intervals overlapping another of the same hole: an error, kept
    with a notice, or the later row dropped."""
    if policy == "drop":
        result, overlaps = _drop_later_overlaps(holes, start, end, keep)
    else:
        result, overlaps = keep, _overlapping_pairs(holes, start, end, keep)
    if not overlaps:
        return result
    described = "; ".join(
        f"hole '{holes[b]}' rows {a + 1} ({start[a]:g}-{end[a]:g} m) and {b + 1} ({start[b]:g}-{end[b]:g} m)"
        for a, b in overlaps[:_LISTED]
    ) + (" ..." if len(overlaps) > _LISTED else "")
    if policy == "error":
        raise ValueError(
            f"{label}: {len(overlaps)} overlapping pair(s) of intervals: {described}. Correct the table, or choose "
            "the overlap policy 'keep both' or 'drop the later row'"
        )
    action = "the later row dropped" if policy == "drop" else "both kept"
    notices.append(f"{label}: {len(overlaps)} overlapping pair(s) of intervals, {action}: {described}")
    return result


def _overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end - DEPTH_TOLERANCE_M and a_end > b_start + DEPTH_TOLERANCE_M


def _overlapping_pairs(holes, start, end, keep):
    """(earlier row, later row) of every overlap found by sweeping each hole
    by depth against the interval reaching deepest so far."""
    keep = np.asarray(keep, dtype=int)
    pairs = []
    for rows in rows_by_hole([holes[row] for row in keep]).values():
        rows = keep[rows]
        rows = rows[np.lexsort((end[rows], start[rows]))]
        deepest = rows[0]
        for row in rows[1:]:
            if _overlaps(start[row], end[row], start[deepest], end[deepest]):
                pairs.append((min(row, deepest), max(row, deepest)))
            if end[row] > end[deepest]:
                deepest = row
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))


def _drop_later_overlaps(holes, start, end, keep):
    """Rows in table order, each dropped when it overlaps one already kept.
    The kept intervals of a hole are disjoint, so sorted by start their ends
    are sorted too and only the last one starting above a row's end can clash."""
    starts, kept_rows, result, overlaps = {}, {}, [], []
    for row in keep:
        hole_starts = starts.setdefault(holes[row], [])
        hole_rows = kept_rows.setdefault(holes[row], [])
        i = bisect.bisect_left(hole_starts, end[row] - DEPTH_TOLERANCE_M)
        if i > 0 and _overlaps(start[row], end[row], start[hole_rows[i - 1]], end[hole_rows[i - 1]]):
            overlaps.append((hole_rows[i - 1], row))
            continue
        hole_starts.insert(i, start[row])
        hole_rows.insert(i, row)
        result.append(row)
    return result, overlaps

