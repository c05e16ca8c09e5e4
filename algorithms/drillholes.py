"""Drillhole preparation: collar, survey and interval tables checked and
desurveyed by minimum curvature, and length-weighted fixed-length compositing.

Directions are unit vectors (east, north, up). Azimuth is clockwise from grid
north; internally a hole's inclination is a plunge, positive downwards, so
that the two dip conventions in use differ only by a sign at the input.

Minimum curvature (Taylor & Mason 1972; Sawaryn & Thorogood 2005): between two
stations with tangents t1, t2 and measured length dMD the hole is a circular
arc; the displacement is dMD / 2 * (t1 + t2) * RF with the dogleg
beta = angle(t1, t2) and the ratio factor RF = 2 / beta * tan(beta / 2) (1 when
beta is 0). Inside a segment the tangent turns uniformly with arc length, so a
point at a fraction f of the segment has the slerp of t1 and t2 as tangent and
lies at the minimum-curvature displacement from t1 to that tangent.
"""
import bisect

import numpy as np

from .common import NumericColumn, check_cancelled, parse_numeric, report_progress

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

DIP_CONVENTIONS = ("negative_down", "positive_down")
OVERLAP_POLICIES = ("error", "keep", "drop")
RESIDUAL_RULES = ("keep", "discard", "merge", "distribute")
OUTPUT_FIELDS = ("hole_id", "from_m", "to_m", "azimuth", "dip")
DEFAULT_MISSING_CODES = (-99.0, -999.0, -9999.0)
MAX_DOGLEG_DEG = 90.0
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


# --- directions -----------------------------------------------------------------
def plunge_from_dip(dip, convention):
    if convention not in DIP_CONVENTIONS:
        raise ValueError(f"unknown dip convention {convention!r}; use one of {DIP_CONVENTIONS}")
    return -np.asarray(dip, dtype=float) if convention == "negative_down" else np.asarray(dip, dtype=float)


def direction_vectors(azimuth_deg, plunge_deg):
    az, plunge = np.radians(azimuth_deg), np.radians(plunge_deg)
    return np.column_stack([np.cos(plunge) * np.sin(az), np.cos(plunge) * np.cos(az), -np.sin(plunge)])


def azimuth_dip(tangents):
    """(azimuth clockwise from north in [0, 360), dip negative downwards) in degrees."""
    tangents = np.atleast_2d(tangents)
    horizontal = np.hypot(tangents[:, 0], tangents[:, 1])
    azimuth = np.where(horizontal > 1e-9, np.degrees(np.arctan2(tangents[:, 0], tangents[:, 1])) % 360.0, 0.0)
    dip = np.degrees(np.arcsin(np.clip(tangents[:, 2], -1.0, 1.0)))
    return azimuth, dip


def dogleg(t1, t2):
    """Angle (radians) between unit tangents, row by row; atan2 keeps it
    accurate for the small angles of real surveys."""
    cross = np.linalg.norm(np.cross(t1, t2), axis=-1)
    return np.arctan2(cross, np.sum(t1 * t2, axis=-1))


def arc_displacement(t1, t2, length):
    """Minimum-curvature displacement (n, 3) over `length` from tangent t1 to t2."""
    beta = dogleg(t1, t2)
    half = beta / 2.0
    ratio = np.where(beta > 1e-9, np.tan(half) / np.where(half > 0, half, 1.0), 1.0)
    return (0.5 * np.asarray(length, dtype=float) * ratio)[:, None] * (t1 + t2)


def slerp(t1, t2, fraction):
    """Tangent a `fraction` of the way from t1 to t2 along the great circle."""
    beta = dogleg(t1, t2)
    fraction = np.asarray(fraction, dtype=float)
    small = beta < 1e-9
    sin_beta = np.where(small, 1.0, np.sin(beta))
    a = np.where(small, 1.0 - fraction, np.sin((1.0 - fraction) * beta) / sin_beta)
    b = np.where(small, fraction, np.sin(fraction * beta) / sin_beta)
    out = a[:, None] * t1 + b[:, None] * t2
    return out / np.linalg.norm(out, axis=1, keepdims=True)


class HolePath:
    """The path of one hole through its survey stations (depths ascending,
    unit tangents); a station at depth 0 takes the first station's direction
    when the survey does not start at the collar."""

    def __init__(self, collar, depths, tangents):
        depths = np.asarray(depths, dtype=float)
        tangents = np.asarray(tangents, dtype=float)
        if depths[0] > 0:
            depths = np.concatenate([[0.0], depths])
            tangents = np.vstack([tangents[:1], tangents])
        self.depths = depths
        self.tangents = tangents
        steps = arc_displacement(tangents[:-1], tangents[1:], np.diff(depths))
        self.stations = np.asarray(collar, dtype=float) + np.vstack([np.zeros(3), np.cumsum(steps, axis=0)])

    @property
    def last_depth(self):
        return float(self.depths[-1])

    def locate(self, depths):
        """(positions (n, 3), tangents (n, 3)) at measured depths; straight
        along the last direction beyond the last station."""
        depths = np.asarray(depths, dtype=float)
        segment = np.clip(np.searchsorted(self.depths, depths, side="right") - 1, 0, len(self.depths) - 1)
        positions = np.empty((len(depths), 3))
        tangents = np.empty((len(depths), 3))
        beyond = segment == len(self.depths) - 1
        if beyond.any():
            last = len(self.depths) - 1
            tangents[beyond] = self.tangents[last]
            positions[beyond] = self.stations[last] + (depths[beyond] - self.depths[last])[:, None] * self.tangents[last]
        inside = ~beyond
        if inside.any():
            i = segment[inside]
            into = depths[inside] - self.depths[i]
            t1, t2 = self.tangents[i], self.tangents[i + 1]
            tangent = slerp(t1, t2, into / (self.depths[i + 1] - self.depths[i]))
            tangents[inside] = tangent
            positions[inside] = self.stations[i] + arc_displacement(t1, tangent, into)
        return positions, tangents


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
        raise ValueError(f"{label}: column '{column}', row {bad[0] + 1}: dip {abs(plunge[bad[0]]):g} is outside -90..90")


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
        raise ValueError(f"{table.label}: column '{columns['depth']}', row {negative[0] + 1}: negative depth {depth[negative[0]]:g}")
    tangents = direction_vectors(np.nan_to_num(azimuth), plunge)
    surveys = {}
    for hole, rows in _rows_by_hole(holes).items():
        rows = rows[np.argsort(depth[rows], kind="stable")]
        repeated = np.flatnonzero(np.diff(depth[rows]) <= DEPTH_TOLERANCE_M)
        if repeated.size:
            a, b = rows[repeated[0]], rows[repeated[0] + 1]
            raise ValueError(f"{table.label}: hole '{hole}', rows {a + 1} and {b + 1}: two stations at depth {depth[a]:g}")
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


def _rows_by_hole(holes):
    """{hole: row indices} in order of first appearance."""
    groups = {}
    for row, hole in enumerate(holes):
        groups.setdefault(hole, []).append(row)
    return {hole: np.array(rows) for hole, rows in groups.items()}


def _check_known(holes, collars, label, column):
    for row, hole in enumerate(holes):
        if hole not in collars:
            raise ValueError(f"{label}: column '{column}', row {row + 1}: hole '{hole}' is not in the collar table")


def hole_paths(collars, surveys):
    """{hole: HolePath}: surveyed holes through their stations, the others
    straight along the collar direction, vertical when there is none."""
    down = direction_vectors([0.0], [90.0])[0]
    paths = {}
    for hole, collar in collars.items():
        if hole in surveys:
            depths, tangents = surveys[hole]
        else:
            tangent = collar["tangent"] if collar["tangent"] is not None else down
            depths, tangents = np.array([0.0]), tangent[None, :]
        paths[hole] = HolePath(collar["xyz"], depths, tangents)
    return paths


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
    _check_depth_order(label, start, end, (columns["from"], columns["to"]))
    names = [name for name in table.columns if name not in (columns["hole"], columns["from"], columns["to"])]
    _check_name_clashes(label, names)
    attributes, below = read_attributes(table, names, kinds, below_detection, missing_codes)
    notices = []
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


def _check_depth_order(label, start, end, columns=("from", "to")):
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


def read_attributes(table, names, kinds=None, below_detection="half", missing_codes=DEFAULT_MISSING_CODES):
    """({name: ("double", floats) or ("string", texts)}, {name: count below
    detection}) for columns of `table`; see `read_intervals` for the rule."""
    kinds = kinds or {}
    attributes, below = {}, {}
    for name in names:
        raw = blank_missing_codes(table.columns[name], missing_codes)
        column = _numeric_or_none(raw, table.label, name, kinds.get(name) == "double", below_detection)
        if column is None:
            attributes[name] = ("string", [None if value is None else str(value) for value in raw])
            continue
        attributes[name] = ("double", column.values)
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
    distinct, codes = _distinct(values)
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


def _distinct(values):
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
    distinct, codes = _distinct(values)
    try:
        parsed = parse_numeric(distinct, table, column, **options)
    except ValueError:
        parse_numeric(values, table, column, **options)
        raise
    return NumericColumn(parsed.values[codes], parsed.below_detection[codes], parsed.detection_limit[codes])


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
    for rows in _rows_by_hole([holes[row] for row in keep]).values():
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


# --- desurvey ---------------------------------------------------------------------
def desurvey(collars, surveys, intervals, progress=None, should_stop=None):
    """Midpoints of checked `intervals` (read_intervals) along the holes.

    Returns {"xyz" (n, 3), "azimuth", "dip" (negative downwards) at the
    midpoints, "warnings": [text]} with one warning per hole whose midpoints
    lie beyond its last survey station (extrapolated along the last direction)
    or beyond its recorded total depth."""
    paths = hole_paths(collars, surveys)
    holes = intervals["hole"]
    middle = 0.5 * (intervals["from"] + intervals["to"])
    xyz = np.empty((len(holes), 3))
    tangents = np.empty((len(holes), 3))
    warnings = []
    groups = _rows_by_hole(holes)
    for count, (hole, rows) in enumerate(groups.items()):
        check_cancelled(should_stop)
        path = paths[hole]
        xyz[rows], tangents[rows] = path.locate(middle[rows])
        warnings.extend(_depth_warnings(hole, path, hole in surveys, collars[hole]["total_depth"],
                                        middle[rows], intervals["to"][rows]))
        report_progress(progress, (count + 1) / len(groups))
    azimuth, dip = azimuth_dip(tangents)
    return {"xyz": xyz, "azimuth": azimuth, "dip": dip, "warnings": warnings}


def _depth_warnings(hole, path, surveyed, total_depth, middle, end):
    warnings = []
    beyond = middle > path.last_depth + DEPTH_TOLERANCE_M
    if surveyed and beyond.any():
        warnings.append(
            f"hole '{hole}': {int(beyond.sum())} interval midpoint(s) down to {middle.max():g} m lie beyond the last "
            f"survey station at {path.last_depth:g} m; extrapolated along the last direction"
        )
    if np.isfinite(total_depth) and end.max() > total_depth + 0.01:
        warnings.append(f"hole '{hole}': intervals reach {end.max():g} m, deeper than its total depth {total_depth:g} m")
    return warnings


def upward_warning(collars, surveys, convention):
    """A warning when every hole points upwards: usually the dip convention
    is the wrong way round."""
    tangents = [t[:, 2] for _, t in surveys.values()]
    tangents += [np.array([c["tangent"][2]]) for c in collars.values() if c["tangent"] is not None]
    if tangents and all(np.all(t > 0) for t in tangents):
        other = [c for c in DIP_CONVENTIONS if c != convention][0]
        return f"every surveyed hole points upwards; if they are surface holes, the dip convention should be '{other}'"
    return None


# --- compositing --------------------------------------------------------------------
def composite_intervals(start, end, length, residual="discard", threshold=0.5):
    """(from, to) arrays of composites laid from `start` to `end`.

    Residual rules for the end piece shorter than `length`: keep it as a short
    composite; discard it when shorter than `threshold` x length (kept
    otherwise); merge it into the previous composite when shorter than
    `threshold` x length (kept otherwise); or distribute: equal composites of
    the length closest to `length` that fit the run exactly."""
    if residual not in RESIDUAL_RULES:
        raise ValueError(f"unknown residual rule {residual!r}; use one of {RESIDUAL_RULES}")
    if not length > 0:
        raise ValueError(f"the composite length must be positive, got {length}")
    run = end - start
    if residual == "distribute":
        n = max(1, int(round(run / length)))
        edges = start + run * np.arange(n + 1) / n
        return edges[:-1], edges[1:]
    n_full = int(np.floor(run / length + 1e-9))
    edges = list(start + length * np.arange(n_full + 1))
    rest = end - edges[-1]
    if rest > 1e-9:
        short = rest < threshold * length
        if residual == "merge" and short and n_full > 0:
            edges[-1] = end
        elif not (residual == "discard" and short):
            edges.append(end)
    edges = np.array(edges)
    return edges[:-1], edges[1:]


def composite(table, holes, start, end, numeric, text=None, domain=None, length=2.0, residual="discard",
              threshold=0.5, min_coverage=0.5, progress=None, should_stop=None, depth_columns=("from", "to")):
    """Length-weighted composites within each hole (and domain run).

    `numeric` {name: floats} is averaged with weights = overlap length where the
    value is present, so a missing value lowers that field's support, never
    its grade; `text` {name: texts} takes the value covering most length.
    Composites covering less than `min_coverage` of their length with samples
    are dropped; `depth_columns` names the from/to columns in messages. Returns {"hole", "from", "to", "length", "coverage", "domain",
    "numeric", "text", "dropped"}."""
    text = text or {}
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    _check_depth_order(table, start, end, depth_columns)
    out = {"hole": [], "from": [], "to": [], "coverage": [], "domain": [],
           "numeric": [], "text": {name: [] for name in text}, "dropped": 0}
    names = list(numeric)
    values = np.column_stack([np.asarray(numeric[name], dtype=float) for name in names]) if names else np.empty((len(start), 0))
    groups = _rows_by_hole(holes)
    for count, (hole, rows) in enumerate(groups.items()):
        check_cancelled(should_stop)
        rows = rows[np.lexsort((end[rows], start[rows]))]
        _check_no_overlap(table, hole, rows, start, end)
        for run in _domain_runs(rows, domain):
            _composite_run(out, hole, run, start, end, values, text, domain, length, residual, threshold,
                           min_coverage)
        report_progress(progress, (count + 1) / len(groups))
    result = {key: np.array(out[key]) for key in ("from", "to", "coverage")}
    result["length"] = result["to"] - result["from"]
    result.update(hole=out["hole"], domain=out["domain"], text=out["text"], dropped=out["dropped"],
                  numeric=dict(zip(names, np.vstack(out["numeric"] or [np.empty((0, len(names)))]).T)))
    return result


def _check_no_overlap(table, hole, rows, start, end):
    clash = np.flatnonzero(start[rows[1:]] < end[rows[:-1]] - DEPTH_TOLERANCE_M)
    if clash.size:
        a, b = rows[clash[0]], rows[clash[0] + 1]
        raise ValueError(
            f"{table}: hole '{hole}', rows {a + 1} ({start[a]:g}-{end[a]:g} m) and {b + 1} ({start[b]:g}-{end[b]:g} m) "
            "overlap; compositing needs non-overlapping samples (desurvey with the overlap policy 'drop')"
        )


def _domain_runs(rows, domain):
    if domain is None:
        return [rows]
    codes = ["" if domain[row] is None else str(domain[row]) for row in rows]
    breaks = [i for i in range(1, len(rows)) if codes[i] != codes[i - 1]]
    return np.split(rows, breaks)


def _composite_run(out, hole, rows, start, end, values, text, domain, length, residual, threshold, min_coverage):
    c_from, c_to = composite_intervals(start[rows[0]], end[rows[-1]], length, residual, threshold)
    overlap = np.clip(np.minimum(c_to[:, None], end[rows][None, :]) - np.maximum(c_from[:, None], start[rows][None, :]),
                      0.0, None)
    coverage = overlap.sum(axis=1) / (c_to - c_from)
    keep = (coverage >= min_coverage - 1e-9) & (coverage > 0)
    out["dropped"] += int(((coverage > 0) & ~keep).sum())
    overlap = overlap[keep]
    out["hole"].extend([hole] * int(keep.sum()))
    out["from"].extend(c_from[keep])
    out["to"].extend(c_to[keep])
    out["coverage"].extend(coverage[keep])
    code = None if domain is None else domain[rows[0]]
    out["domain"].extend([code] * int(keep.sum()))
    out["numeric"].append(_weighted_means(overlap, values[rows]))
    for name, values in text.items():
        out["text"][name].extend(_dominant(overlap, [values[row] for row in rows]))


def _weighted_means(overlap, values):
    """(composites, fields) means; each field weighted by the overlaps where it has a value."""
    present = ~np.isnan(values)
    weights = overlap @ present.astype(float)
    sums = overlap @ np.where(present, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, sums / np.where(weights > 0, weights, 1.0), np.nan)


def _dominant(overlap, values):
    """The text covering most of each composite (ties: the shallower)."""
    categories = []
    for value in values:
        if value not in (None, "") and value not in categories:
            categories.append(value)
    if not categories:
        return [None] * len(overlap)
    onehot = np.array([[value == category for category in categories] for value in values], dtype=float)
    covered = overlap @ onehot
    return [categories[int(np.argmax(row))] if row.max() > 0 else None for row in covered]


def interpolate_along_holes(holes, sample_depths, sample_xyz, query_holes, query_depths, sample_tangents=None):
    """Positions and tangents at `query_depths` along each hole, from points of
    known measured depth (interval midpoints) of the same hole.

    Between two known points the position blends the minimum-curvature arcs
    leaving each end (exact when the hole is one arc there); without tangents
    it is the chord, which departs from the arc by L^2 k / 8 (under a
    millimetre for 2 m spacing and 3 degrees per 30 m). Beyond the first or
    last point the hole is extended straight along the nearest tangent (or
    the nearest chord). Returns (xyz, tangents, n_holes_assumed_vertical)."""
    sample_depths = np.asarray(sample_depths, dtype=float)
    query_depths = np.asarray(query_depths, dtype=float)
    xyz = np.empty((len(query_holes), 3))
    tangents = np.empty((len(query_holes), 3))
    groups = _rows_by_hole(holes)
    vertical = 0
    for hole, queries in _rows_by_hole(query_holes).items():
        rows = groups[hole]
        rows = rows[np.argsort(sample_depths[rows], kind="stable")]
        depth, points = sample_depths[rows], np.asarray(sample_xyz, dtype=float)[rows]
        known = None if sample_tangents is None else np.asarray(sample_tangents, dtype=float)[rows]
        if known is None:
            known, assumed = _chord_tangents(depth, points)
            vertical += assumed
        xyz[queries], tangents[queries] = _along(depth, points, known, query_depths[queries])
    return xyz, tangents, vertical


def _chord_tangents(depth, points):
    """Tangents at known points from the chords to their neighbours; a hole
    with a single point is taken as vertical (reported by the caller)."""
    if len(depth) < 2:
        return direction_vectors([0.0], [90.0]), 1
    chords = np.diff(points, axis=0)
    chords /= np.linalg.norm(chords, axis=1, keepdims=True)
    ends = np.vstack([chords[:1], chords[:-1] + chords[1:], chords[-1:]])
    return ends / np.linalg.norm(ends, axis=1, keepdims=True), 0


def _along(depth, points, tangents, query):
    out = np.empty((len(query), 3))
    out_t = np.empty((len(query), 3))
    i = np.searchsorted(depth, query, side="right") - 1
    outside = (i < 0) | (i >= len(depth) - 1)
    if outside.any():
        end = np.clip(i[outside], 0, len(depth) - 1)
        out_t[outside] = tangents[end]
        out[outside] = points[end] + (query[outside] - depth[end])[:, None] * tangents[end]
    inside = ~outside
    if inside.any():
        k = i[inside]
        span = depth[k + 1] - depth[k]
        fraction = (query[inside] - depth[k]) / span
        tangent = slerp(tangents[k], tangents[k + 1], fraction)
        forward = points[k] + arc_displacement(tangents[k], tangent, query[inside] - depth[k])
        backward = points[k + 1] - arc_displacement(tangent, tangents[k + 1], depth[k + 1] - query[inside])
        out[inside] = (1.0 - fraction)[:, None] * forward + fraction[:, None] * backward
        out_t[inside] = tangent
    return out, out_t
