"""Every problem of a drillhole database at once, per table and row, and the
fix a geologist chose for each kind.

`tables.py` stops at the first bad cell, which is right for a Processing run
but makes a real database (Copper Creek: 167 overlaps, thousands of blanks) a
game of one error at a time. Here the same checks list every row, each kind of
problem gets a fix policy (refuse, drop the row, NULL the cell, truncate an
overlap, ...), and `apply_fixes` returns tables that `tables.py` then reads
without complaint, so desurvey and composite see exactly what the geologist
saw in the validation table.
"""
import numpy as np

from ..common.parsing import DEFAULT_MISSING_CODES, blank_missing_codes, parse_numeric, value_index
from .interval_join import join_intervals
from .tables import (
    AZIMUTH_NAMES,
    DEPTH_TOLERANCE_M,
    DIP_NAMES,
    FROM_NAMES,
    HOLE_NAMES,
    SURVEY_DEPTH_NAMES,
    TO_NAMES,
    TOTAL_DEPTH_NAMES,
    X_NAMES,
    Y_NAMES,
    Z_NAMES,
    _drop_later_overlaps,
    _mostly_numbers,
    _overlapping_pairs,
    resolve_column,
)

LITHOLOGY_NAMES = ("lithology", "lith", "rock", "rock_code", "rock code", "rock_type", "rocktype", "lith_code",
                   "unit", "rock unit", "geology")

# (role, names it is guessed from, required, numeric) per kind of table, in the order the dialog shows them.
ROLES = {
    "collars": (("hole", HOLE_NAMES, True, False), ("x", X_NAMES, True, True), ("y", Y_NAMES, True, True),
                ("z", Z_NAMES, True, True), ("total_depth", TOTAL_DEPTH_NAMES, False, True)),
    "surveys": (("hole", HOLE_NAMES, True, False), ("depth", SURVEY_DEPTH_NAMES, True, True),
                ("azimuth", AZIMUTH_NAMES, True, True), ("dip", DIP_NAMES, True, True)),
    "assays": (("hole", HOLE_NAMES, True, False), ("from", FROM_NAMES, True, True), ("to", TO_NAMES, True, True)),
    "lithology": (("hole", HOLE_NAMES, True, False), ("from", FROM_NAMES, True, True), ("to", TO_NAMES, True, True),
                  ("lithology", LITHOLOGY_NAMES, False, False)),
}

# Fix policies per kind of problem; the first is the default. "refuse" keeps the problem blocking the import.
POLICIES = {
    "duplicate_id": ("refuse", "keep_first"),
    "missing_value": ("refuse", "drop"),
    "text_in_number": ("null", "refuse"),
    "from_to": ("refuse", "drop"),
    "no_collar": ("drop", "refuse"),
    "overlap": ("drop", "truncate", "keep", "refuse"),
    "gap": ("accept", "refuse"),
    "beyond_depth": ("accept", "drop", "refuse"),
    "dip_range": ("refuse", "drop"),
    "duplicate_row": ("drop", "refuse"),
}
DEFAULT_POLICIES = {kind: options[0] for kind, options in POLICIES.items()}
INTERVAL_KINDS = ("assays", "lithology")


def guess_mapping(kind, columns):
    """{role: column or None}, each role found by name as desurvey does (first alias present, ignoring case);
    a column is used for one role only (a collar 'depth' is the total depth, never also x)."""
    mapping, used = {}, set()
    for role, names, _, _ in ROLES[kind]:
        free = [name for name in columns if name not in used]
        found = resolve_column(free, None, names, kind, role, required=False)
        mapping[role] = found
        if found:
            used.add(found)
    return mapping


def grade_columns(table, mapping):
    """Assay columns other than the mapped roles whose filled cells are mostly numbers (the columns desurvey
    reads as numbers)."""
    roles = {column for column in mapping.values() if column}
    return [name for name, values in table.items() if name not in roles and name.lower() != "fid"
            and _mostly_numbers(blank_missing_codes(values, DEFAULT_MISSING_CODES))]


def problem(table, row, kind, message, hole=None, column=None):
    """One row of the validation table; `row` is 1-based (None for a whole-table problem)."""
    return {"table": table, "row": None if row is None else int(row), "kind": kind, "hole": hole, "column": column,
            "message": message}


def validate(tables, mappings, grades=None):
    """Every problem of the loaded tables: a list of `problem` dicts in table then row order.

    `tables` {kind: {column: raw values}} for the kinds loaded (collars required), `mappings` {kind: {role:
    column}}, `grades` {kind: [numeric columns to check for text]} (default: `grade_columns`)."""
    problems = []
    collars = tables.get("collars")
    known, depth = set(), {}
    if collars is not None:
        problems += _check_roles("collars", collars, mappings["collars"])
        known, depth = _collar_holes(collars, mappings["collars"], problems)
    for kind in ("surveys",) + INTERVAL_KINDS:
        if tables.get(kind) is None:
            continue
        table, mapping = tables[kind], mappings[kind]
        problems += _check_roles(kind, table, mapping)
        problems += _check_holes(kind, table, mapping, known)
        if kind == "surveys":
            problems += _check_surveys(table, mapping, depth)
        else:
            problems += _check_intervals(kind, table, mapping, depth)
    if tables.get("assays") is not None:
        names = (grades or {}).get("assays", grade_columns(tables["assays"], mappings["assays"]))
        problems += _check_text("assays", tables["assays"], names)
    return sorted(problems, key=lambda p: (list(ROLES).index(p["table"]), p["row"] or 0))


def _missing_roles(kind, mapping):
    return [role for role, _, required, _ in ROLES[kind] if required and not mapping.get(role)]


def _check_roles(kind, table, mapping):
    """Required roles without a column, and blank or non-numeric cells in the mapped numeric roles."""
    problems = [problem(kind, None, "missing_value", f"no column is mapped to '{role}'")
                for role in _missing_roles(kind, mapping)]
    holes = _holes(table, mapping)
    for role, _, required, numeric in ROLES[kind]:
        column = mapping.get(role)
        if not column:
            continue
        if not numeric:
            if role == "hole":
                problems += [problem(kind, row + 1, "missing_value", "the hole id is missing", None, column)
                             for row, hole in enumerate(holes) if not hole]
            continue
        values = _numbers(table[column])
        for row in np.flatnonzero(np.isnan(values)):
            raw = table[column][row]
            text = "" if raw is None else str(raw).strip()
            if text or required:
                what = f"'{text}' is not a number" if text else f"the {role} is missing"
                problems.append(problem(kind, int(row) + 1, "missing_value", what, holes[row], column))
    return problems


def _holes(table, mapping):
    """Hole ids as desurvey reads them (101.0 is '101'); '' where missing or unmapped."""
    column = mapping.get("hole")
    if not column:
        return [""] * _n_rows(table)
    ids = []
    for value in table[column]:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        ids.append("" if text.lower() in ("nan", "null") else text)
    return ids


def _n_rows(table):
    return len(next(iter(table.values()))) if table else 0


def _numbers(values):
    """Floats of a depth or coordinate column, NaN where blank or not a number (distinct cells parsed once)."""
    distinct, codes = value_index(values)
    parsed = np.full(len(distinct), np.nan)
    for i, value in enumerate(distinct):
        try:
            parsed[i] = parse_numeric([value], "", "").values[0]
        except ValueError:
            pass
    return parsed[codes] if len(values) else np.zeros(0)


def _collar_holes(table, mapping, problems):
    """(hole ids with a collar, {hole: total depth}); repeated ids are problems."""
    holes = _holes(table, mapping)
    first = {}
    for row, hole in enumerate(holes):
        if not hole:
            continue
        if hole in first:
            problems.append(problem("collars", row + 1, "duplicate_id",
                                    f"hole '{hole}' is listed twice (first in row {first[hole] + 1})", hole,
                                    mapping["hole"]))
        else:
            first[hole] = row
    depth = {}
    if mapping.get("total_depth"):
        values = _numbers(table[mapping["total_depth"]])
        depth = {hole: values[row] for hole, row in first.items() if not np.isnan(values[row])}
    return set(first), depth


def _check_holes(kind, table, mapping, known):
    holes = _holes(table, mapping)
    return [problem(kind, row + 1, "no_collar", f"hole '{hole}' is not in the collar table", hole, mapping["hole"])
            for row, hole in enumerate(holes) if hole and hole not in known]


def _check_surveys(table, mapping, depth):
    if _missing_roles("surveys", mapping):
        return []
    holes = _holes(table, mapping)
    at = _numbers(table[mapping["depth"]])
    dip = _numbers(table[mapping["dip"]])
    problems = []
    for row in np.flatnonzero(np.abs(dip) > 90.0):
        problems.append(problem("surveys", int(row) + 1, "dip_range", f"dip {dip[row]:g} is outside -90..90",
                                holes[row], mapping["dip"]))
    for row in np.flatnonzero(at < 0):
        problems.append(problem("surveys", int(row) + 1, "from_to", f"negative depth {at[row]:g}", holes[row],
                                mapping["depth"]))
    problems += _beyond("surveys", holes, at, depth, mapping["depth"], "survey station")
    return problems


def _beyond(kind, holes, deepest, depth, column, what):
    return [problem(kind, row + 1, "beyond_depth",
                    f"{what} at {deepest[row]:g} m is below the hole's total depth {depth[hole]:g} m", hole, column)
            for row, hole in enumerate(holes)
            if hole in depth and deepest[row] > depth[hole] + DEPTH_TOLERANCE_M]


def _check_intervals(kind, table, mapping, depth):
    if _missing_roles(kind, mapping):
        return []
    holes = _holes(table, mapping)
    start, end = _numbers(table[mapping["from"]]), _numbers(table[mapping["to"]])
    problems = []
    filled = ~(np.isnan(start) | np.isnan(end))
    for row in np.flatnonzero(filled & ((start >= end) | (start < 0))):
        problems.append(problem(kind, int(row) + 1, "from_to",
                                f"from {start[row]:g} is not less than to {end[row]:g}" if start[row] >= end[row]
                                else f"negative depth {start[row]:g}", holes[row], mapping["from"]))
    good = [row for row in np.flatnonzero(filled & (start < end) & (start >= 0)) if holes[row]]
    keep = _without_duplicates(kind, table, holes, good, problems)
    for a, b in _overlapping_pairs(holes, start, end, keep):
        problems.append(problem(kind, b + 1, "overlap",
                                f"{start[b]:g}-{end[b]:g} m overlaps row {a + 1} ({start[a]:g}-{end[a]:g} m)",
                                holes[b], mapping["from"]))
    problems += _gaps(kind, holes, start, end, keep, mapping["from"])
    problems += _beyond(kind, holes, np.where(filled, end, -np.inf), depth, mapping["to"], "interval end")
    return problems


def _without_duplicates(kind, table, holes, rows, problems):
    """`rows` without those repeating an earlier row cell for cell (desurvey drops them too), each a problem."""
    seen, keep = {}, []
    columns = list(table.values())
    for row in rows:
        key = tuple(values[row] for values in columns)
        if key in seen:
            problems.append(problem(kind, int(row) + 1, "duplicate_row", f"repeats row {seen[key] + 1} cell for cell",
                                    holes[row]))
            continue
        seen[key] = row
        keep.append(row)
    return keep


def _gaps(kind, holes, start, end, rows, column):
    """A sampled hole's unsampled stretches between intervals (not above the first one: collars are often
    unsampled)."""
    problems = []
    by_hole = {}
    for row in rows:
        by_hole.setdefault(holes[row], []).append(row)
    for hole, hole_rows in by_hole.items():
        hole_rows = sorted(hole_rows, key=lambda r: (start[r], end[r]))
        deepest = end[hole_rows[0]]
        for row in hole_rows[1:]:
            if start[row] > deepest + DEPTH_TOLERANCE_M:
                problems.append(problem(kind, int(row) + 1, "gap", f"no interval between {deepest:g} and "
                                        f"{start[row]:g} m", hole, column))
            deepest = max(deepest, end[row])
    return problems


def _check_text(kind, table, names):
    """Cells of numeric grade columns that are neither numbers, below-detection values nor missing codes."""
    problems = []
    for name in names:
        raw = blank_missing_codes(table[name], DEFAULT_MISSING_CODES)
        distinct, codes = value_index(raw)
        bad = set()
        for i, value in enumerate(distinct):
            try:
                parse_numeric([value], "", "", negative_is_below_detection=True)
            except ValueError:
                bad.add(i)
        problems += [problem(kind, row + 1, "text_in_number", f"'{raw[row]}' is not a number", None, name)
                     for row in np.flatnonzero(np.isin(codes, list(bad)))] if bad else []
    return problems


def blocking(problems, policies):
    """The problems whose kind's policy is 'refuse': the import waits until they are fixed."""
    return [p for p in problems if policies.get(p["kind"], DEFAULT_POLICIES[p["kind"]]) == "refuse"]


def apply_fixes(tables, mappings, problems, policies):
    """({kind: fixed table}, [summary lines]): the chosen policy applied to every problem.

    Dropped rows leave the table; 'null' blanks the cell; 'keep_first' drops repeated collars; overlap 'drop'
    drops the later row in table order (as desurvey's 'drop the later row'), 'truncate' moves the deeper-starting
    interval's from down to where the one above ends (dropped when nothing is left); 'keep' and 'accept' change
    nothing. Rows of a hole whose collar row was dropped go too (desurvey needs a collar for every hole), unless
    holes without collar are refused. Raises ValueError when a problem's policy is 'refuse'."""
    policies = {**DEFAULT_POLICIES, **policies}
    refused = blocking(problems, policies)
    if refused:
        first = refused[0]
        raise ValueError(f"{first['table']}: row {first['row']}: {first['message']} ({len(refused)} problem(s) "
                         "whose fix policy is 'refuse')")
    fixed, summary, known = {}, [], None
    for kind in ROLES:
        table = tables.get(kind)
        if table is None:
            continue
        table = {name: list(values) for name, values in table.items()}
        own = [p for p in problems if p["table"] == kind]
        drop = {p["row"] - 1 for p in own if p["row"] and policies[p["kind"]] in ("drop", "keep_first")
                and p["kind"] != "overlap"}
        nulled = [p for p in own if p["kind"] == "text_in_number" and policies[p["kind"]] == "null"]
        for p in nulled:
            table[p["column"]][p["row"] - 1] = None
        if nulled:
            summary.append(f"{kind}: {len(nulled)} text cell(s) in number columns set to NULL")
        if kind in INTERVAL_KINDS and not _missing_roles(kind, mappings[kind]):
            drop |= _fix_overlaps(kind, table, mappings[kind], drop, policies["overlap"], summary)
        if known is not None:
            drop |= _orphans(kind, table, mappings[kind], known, drop, policies["no_collar"], summary)
        if drop:
            summary.append(f"{kind}: {len(drop)} row(s) dropped")
        keep = [row for row in range(_n_rows(table)) if row not in drop]
        fixed[kind] = {name: [values[row] for row in keep] for name, values in table.items()}
        if kind == "collars":
            known = set(_holes(fixed[kind], mappings[kind]))
    return fixed, summary


def _orphans(kind, table, mapping, known, dropped, policy, summary):
    """Rows (not dropped already) of holes left without a collar once the collar fixes are applied."""
    holes = _holes(table, mapping)
    rows = {row for row, hole in enumerate(holes) if hole and hole not in known and row not in dropped}
    if rows and policy == "refuse":
        row = min(rows)
        raise ValueError(f"{kind}: row {row + 1}: hole '{holes[row]}' lost its collar to a fix, and holes without "
                         "collar are refused")
    if rows:
        summary.append(f"{kind}: {len(rows)} row(s) of holes whose collar row was dropped")
    return rows


def _fix_overlaps(kind, table, mapping, dropped, policy, summary):
    """Rows to drop for the overlap policy; 'truncate' edits the from cells in place."""
    if policy == "keep":
        return set()
    holes = _holes(table, mapping)
    start, end = _numbers(table[mapping["from"]]), _numbers(table[mapping["to"]])
    rows = [row for row in range(len(holes)) if row not in dropped and holes[row]
            and not np.isnan(start[row]) and not np.isnan(end[row]) and start[row] < end[row]]
    if policy == "drop":
        kept, overlaps = _drop_later_overlaps(holes, start, end, rows)
        if overlaps:
            summary.append(f"{kind}: {len(overlaps)} overlapping interval(s), the later row dropped")
        return set(rows) - set(kept)
    return _truncate(kind, table, mapping, holes, start, end, rows, summary)


def _truncate(kind, table, mapping, holes, start, end, rows, summary):
    by_hole, drop, moved = {}, set(), 0
    for row in rows:
        by_hole.setdefault(holes[row], []).append(row)
    for hole_rows in by_hole.values():
        hole_rows.sort(key=lambda r: (start[r], end[r]))
        deepest = end[hole_rows[0]]
        for row in hole_rows[1:]:
            if start[row] < deepest - DEPTH_TOLERANCE_M:
                if end[row] <= deepest + DEPTH_TOLERANCE_M:
                    drop.add(row)
                    continue
                table[mapping["from"]][row] = float(deepest)
                moved += 1
            deepest = max(deepest, end[row])
    if moved or drop:
        summary.append(f"{kind}: {moved} overlapping interval(s) truncated to start where the one above ends, "
                       f"{len(drop)} inside another dropped")
    return drop


def with_lithology(assays, assay_mapping, lithology, lithology_mapping):
    """(the assay table with the lithology of the longest overlapping log interval of each sample (None where no
    log covers it), that column's name): named as the lithology table's column, suffixed '_log' when the assays
    have one; (assays, None) when no lithology column is mapped."""
    source = lithology_mapping.get("lithology")
    if not source:
        return assays, None
    name = source if source not in assays else f"{source}_log"
    joined = join_intervals(
        _holes(lithology, lithology_mapping), _numbers(lithology[lithology_mapping["from"]]),
        _numbers(lithology[lithology_mapping["to"]]),
        {name: np.array([None if v is None else str(v) for v in lithology[source]], dtype=object)},
        _holes(assays, assay_mapping), _numbers(assays[assay_mapping["from"]]), _numbers(assays[assay_mapping["to"]]),
        log_table="lithology", sample_table="assays")
    return {**assays, name: list(joined[name])}, name
