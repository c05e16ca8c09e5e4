"""Rare-earth element assays (ppm) to oxide percentages, TREO, LREO and HREO.

Oxide % = element ppm x factor / 10,000, with the mass ratios of the oxide
forms the industry reports: CeO2, Pr6O11 and Tb4O7 for the elements with a
stable +4 state, R2O3 for the rest. TREO sums the fifteen oxides La-Lu (no Pm)
plus Y2O3. The light/heavy split is a convention, so it is a parameter:
"La-Sm" (LREO = La, Ce, Pr, Nd, Sm; HREO = Eu-Lu + Y) or "La-Eu" (the
cerium/yttrium group split: LREO = La-Eu; HREO = Gd-Lu + Y).

Missing elements (`MISSING_POLICIES`): a TREO over fewer elements is biased
low, and a TREO left NULL loses the sample, so by default ("pattern") a row
missing up to `MAX_ESTIMATED` elements has them estimated from its own
chondrite-normalised REE pattern, which is smooth in atomic number for the
lanthanides (Eu anomalies aside): log-linear interpolation between the nearest
measured neighbours, extrapolation from the two nearest at the ends (La, Lu),
and Y read at Ho's place (the two share ionic radius and charge, and their
chondritic ratio is nearly constant in igneous rocks). The oxide fields keep
what was measured; only the sums use the estimates. The other policies: a
missing element as zero ("zero", partial sums), as NULL ("null": every sum
with a missing member is NULL), or "light": TREO and LREO only where the
light group is complete, missing heavy elements as zero.
"""
import numpy as np

from ..common.parsing import blank_missing_codes, parse_numeric, thousands_warning

# (element, oxide, factor): the standard element-to-oxide conversion factors.
OXIDES = (
    ("La", "La2O3", 1.1728),
    ("Ce", "CeO2", 1.2284),
    ("Pr", "Pr6O11", 1.2082),
    ("Nd", "Nd2O3", 1.1664),
    ("Sm", "Sm2O3", 1.1596),
    ("Eu", "Eu2O3", 1.1579),
    ("Gd", "Gd2O3", 1.1526),
    ("Tb", "Tb4O7", 1.1762),
    ("Dy", "Dy2O3", 1.1477),
    ("Ho", "Ho2O3", 1.1455),
    ("Er", "Er2O3", 1.1435),
    ("Tm", "Tm2O3", 1.1421),
    ("Yb", "Yb2O3", 1.1387),
    ("Lu", "Lu2O3", 1.1371),
    ("Y", "Y2O3", 1.2699),
)
ELEMENTS = tuple(element for element, _, _ in OXIDES)
FACTORS = {element: factor for element, _, factor in OXIDES}
OXIDE_NAMES = {element: oxide for element, oxide, _ in OXIDES}
LIGHT = {"La-Sm": ELEMENTS[:5], "La-Eu": ELEMENTS[:6]}
SPLITS = tuple(LIGHT)
UNITS = {"ppm": 1.0, "ppb": 1e-3, "pct": 1e4}
MISSING_POLICIES = ("pattern", "zero", "null", "light")
MAX_ESTIMATED = 3  # more missing elements than this and the pattern is too thin to trust: NULL
# CI chondrite, ppm (McDonough and Sun 1995, The composition of the Earth, Chem. Geol. 120, table 1).
CHONDRITE = {"La": 0.237, "Ce": 0.613, "Pr": 0.0928, "Nd": 0.457, "Sm": 0.148, "Eu": 0.0563, "Gd": 0.199,
             "Tb": 0.0361, "Dy": 0.246, "Ho": 0.0546, "Er": 0.160, "Tm": 0.0247, "Yb": 0.161, "Lu": 0.0246,
             "Y": 1.57}
# Places along the pattern: atomic numbers (Pm, 61, is never assayed), Y at Ho's.
PATTERN_PLACE = {"La": 57, "Ce": 58, "Pr": 59, "Nd": 60, "Sm": 62, "Eu": 63, "Gd": 64, "Tb": 65, "Dy": 66,
                 "Ho": 67, "Er": 68, "Tm": 69, "Yb": 70, "Lu": 71, "Y": 67}
IS_LANTHANIDE = np.array([element != "Y" for element in ELEMENTS])  # Y is read along, never a guide


def oxide_field(element):
    return f"{OXIDE_NAMES[element]}_pct"


def element_fields(available, mapping=None, table="input"):
    """{element: field} found in `available`: the field mapped explicitly,
    else `<El>_ppm` or `<El>` (either case). Mapped fields must exist."""
    mapping = mapping or {}
    lower = {name.lower(): name for name in reversed(list(available))}
    found = {}
    for element in ELEMENTS:
        if element in mapping:
            if mapping[element] not in available:
                raise ValueError(f"{table}: field '{mapping[element]}' mapped to {element} not found")
            found[element] = mapping[element]
            continue
        for candidate in (f"{element}_ppm", element):
            if candidate.lower() in lower:
                found[element] = lower[candidate.lower()]
                break
    return found


def parse_mapping(text):
    """'La=LA_ICP; Ce=Ce_ppm' -> {"La": "LA_ICP", "Ce": "Ce_ppm"}."""
    mapping = {}
    for item in str(text or "").replace(";", ",").split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise ValueError(f"field map: {item.strip()!r} is not of the form Element=field")
        element, field = (part.strip() for part in item.split("=", 1))
        canonical = {e.lower(): e for e in ELEMENTS}.get(element.lower())
        if canonical is None:
            raise ValueError(f"field map: {element!r} is not one of {', '.join(ELEMENTS)}")
        mapping[canonical] = field
    return mapping


def parse_elements(columns, found, table, missing_codes=(), below_detection="half", notices=None):
    """({element: floats}, {element: n below detection}) from raw assay columns
    ({field: values}) for the elements `found` ({element: field}, as
    `element_fields` gives): cells equal to a missing code are blanked, a
    negative value is below detection (`below_detection` policy of
    `parse_numeric`), and text that is not a number raises naming table, field
    and row. Both dicts follow the order of `found`. Suspicious cells (a thousands separator among decimals)
    add a notice to `notices` when it is given."""
    values, below = {}, {}
    for element, field in found.items():
        column = parse_numeric(
            blank_missing_codes(columns[field], missing_codes), table, field,
            negative_is_below_detection=True, below_detection=below_detection,
        )
        values[element] = column.values
        below[element] = column.n_below_detection
        warning = thousands_warning(column, table, field)
        if warning and notices is not None:
            notices.append(warning)
    return values, below


def oxide_percent(values, element, units="ppm"):
    """Oxide % of one element's assays."""
    if units not in UNITS:
        raise ValueError(f"unknown units {units!r}; use one of {', '.join(UNITS)}")
    return np.asarray(values, dtype=float) * UNITS[units] * FACTORS[element] / 1e4


def treo(element_values, units="ppm", split="La-Sm", missing="pattern", table="input"):
    """Oxide % of each element given ({element: values}) and the sums.

    Returns ({oxide field: values, "TREO_pct", "LREO_pct", "HREO_pct",
    "TREO_n"}, {"estimated_rows", "estimated", "null_rows"}): TREO_n counts the
    measured oxides of a row (15 = complete); the second dict counts the rows
    with estimated elements, the estimates per element and the rows left
    without TREO. `missing` is one of `MISSING_POLICIES` (module docstring);
    with "null", an element with no column at all is an error, with "pattern"
    it counts as missing in every row."""
    if split not in LIGHT:
        raise ValueError(f"unknown light/heavy split {split!r}; use one of {', '.join(SPLITS)}")
    if missing not in MISSING_POLICIES:
        raise ValueError(f"unknown missing-element policy {missing!r}; use one of {', '.join(MISSING_POLICIES)}")
    absent = [element for element in ELEMENTS if element not in element_values]
    if len(absent) == len(ELEMENTS):
        raise ValueError(
            f"{table}: no rare-earth element field found (looked for {', '.join(ELEMENTS)} or <El>_ppm)")
    if absent and missing == "null":
        raise ValueError(
            f"{table}: TREO needs all of La-Lu and Y; no field for {', '.join(absent)}. Map them, or choose "
            "another missing-element policy")
    out = {oxide_field(element): oxide_percent(values, element, units) for element, values in element_values.items()}
    n = len(next(iter(out.values())))
    measured = {element: out.get(oxide_field(element), np.full(n, np.nan)) for element in ELEMENTS}
    counts = {"estimated_rows": 0, "estimated": {}}
    summed = measured
    if missing == "pattern":
        summed, counts = estimate_from_pattern(measured)
    light = list(LIGHT[split])
    heavy = [e for e in ELEMENTS if e not in light]
    stack = {name: np.column_stack([summed[e] for e in members])
             for name, members in (("TREO_pct", ELEMENTS), ("LREO_pct", light), ("HREO_pct", heavy))}
    light_complete = ~np.isnan(stack["LREO_pct"]).any(axis=1)
    for name, values in stack.items():
        out[name] = _sum(values, missing, light_complete)
    out["TREO_n"] = np.column_stack([~np.isnan(measured[e]) for e in ELEMENTS]).sum(axis=1)
    counts["null_rows"] = int(np.isnan(out["TREO_pct"]).sum())
    return out, counts


def _sum(values, missing, light_complete):
    present = ~np.isnan(values)
    total = np.where(present, values, 0.0).sum(axis=1)
    if missing == "zero":
        return np.where(present.any(axis=1), total, np.nan)
    if missing == "light":
        return np.where(light_complete, total, np.nan)
    return np.where(present.all(axis=1), total, np.nan)


def estimate_from_pattern(oxides, max_estimated=MAX_ESTIMATED):
    """({element: oxide %} with missing values estimated from each row's
    chondrite-normalised pattern, counts): rows are grouped by which elements
    they lack, and each group's estimates are one fixed linear combination of
    its measured log-normalised values (the interpolation weights depend only
    on the places measured), so the work is a matrix product per group. Rows
    lacking more than `max_estimated` elements, or with fewer than two
    positive measured lanthanides, are left as they are. Oxide % is
    normalised as element ppm would be: the factors cancel in the log-linear
    interpolation up to each element's own constant, which is undone."""
    filled = {element: np.array(values, dtype=float) for element, values in oxides.items()}
    scale = np.array([FACTORS[e] / 1e4 * CHONDRITE[e] for e in ELEMENTS])
    stack = np.column_stack([filled[e] for e in ELEMENTS])
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(stack / scale)
    usable = np.isfinite(logs)
    lacking = np.isnan(stack)
    counts = {"estimated_rows": 0, "estimated": {e: 0 for e in ELEMENTS}}
    candidates = np.flatnonzero(lacking.any(axis=1) & (lacking.sum(axis=1) <= max_estimated))
    patterns, group = np.unique(np.column_stack([lacking[candidates], usable[candidates]]), axis=0,
                                return_inverse=True)
    for index, pattern in enumerate(patterns):
        rows = candidates[group.reshape(-1) == index]
        lacks, usable_here = pattern[:len(ELEMENTS)], pattern[len(ELEMENTS):]
        wanted, sources = np.flatnonzero(lacks), np.flatnonzero(usable_here & IS_LANTHANIDE)
        if len(sources) < 2:
            continue
        weights = _interpolation_weights([PATTERN_PLACE[ELEMENTS[i]] for i in wanted],
                                         [PATTERN_PLACE[ELEMENTS[i]] for i in sources])
        estimates = np.exp(logs[np.ix_(rows, sources)] @ weights.T) * scale[wanted]
        for column, i in enumerate(wanted):
            filled[ELEMENTS[i]][rows] = estimates[:, column]
            counts["estimated"][ELEMENTS[i]] += len(rows)
        counts["estimated_rows"] += len(rows)
    return filled, counts


def _interpolation_weights(places, known):
    """(len(places), len(known)) weights: each place from its nearest known
    neighbour on either side (linear), or from the two nearest on its one
    side when it lies beyond them (linear extrapolation)."""
    known = np.asarray(known, dtype=float)
    weights = np.zeros((len(places), len(known)))
    for row, place in enumerate(places):
        left, right = np.flatnonzero(known < place), np.flatnonzero(known > place)
        if (known == place).any():
            weights[row, np.flatnonzero(known == place)[0]] = 1.0
            continue
        if left.size and right.size:
            a, b = left[-1], right[0]
        elif right.size:
            a, b = right[0], right[1]
        else:
            a, b = left[-2], left[-1]
        weights[row, a] = (known[b] - place) / (known[b] - known[a])
        weights[row, b] = (place - known[a]) / (known[b] - known[a])
    return weights
