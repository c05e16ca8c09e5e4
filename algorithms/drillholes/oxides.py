"""Rare-earth element assays (ppm) to oxide percentages, TREO, LREO and HREO.

Oxide % = element ppm x factor / 10,000, with the mass ratios of the oxide
forms the industry reports: CeO2, Pr6O11 and Tb4O7 for the elements with a
stable +4 state, R2O3 for the rest. TREO sums the fifteen oxides La-Lu (no Pm)
plus Y2O3. The light/heavy split is a convention, so it is a parameter:
"La-Sm" (LREO = La, Ce, Pr, Nd, Sm; HREO = Eu-Lu + Y) or "La-Eu" (the
cerium/yttrium group split: LREO = La-Eu; HREO = Gd-Lu + Y).

A TREO over fewer elements is biased low, so by default a row missing any
element gets no TREO (nor the LREO/HREO that element belongs to); partial
sums can be asked for, and then come with the number of oxides summed.
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


def treo(element_values, units="ppm", split="La-Sm", partial=False, table="input"):
    """Oxide % of each element given ({element: values}) and the sums.

    Returns {oxide field: values, "TREO_pct", "LREO_pct", "HREO_pct"} and,
    when `partial`, "TREO_n" (oxides summed per row). Without `partial`, a
    sum is missing in every row where one of its elements is missing, and an
    element with no column at all is an error."""
    if split not in LIGHT:
        raise ValueError(f"unknown light/heavy split {split!r}; use one of {', '.join(SPLITS)}")
    absent = [element for element in ELEMENTS if element not in element_values]
    if len(absent) == len(ELEMENTS):
        raise ValueError(
            f"{table}: no rare-earth element field found (looked for {', '.join(ELEMENTS)} or <El>_ppm)")
    if absent and not partial:
        raise ValueError(
            f"{table}: TREO needs all of La-Lu and Y; no field for {', '.join(absent)}. Map them, or allow partial sums"
        )
    out = {oxide_field(element): oxide_percent(values, element, units) for element, values in element_values.items()}
    light = [e for e in LIGHT[split] if e in element_values]
    heavy = [e for e in ELEMENTS if e not in LIGHT[split] and e in element_values]
    for name, members in (("TREO_pct", light + heavy), ("LREO_pct", light), ("HREO_pct", heavy)):
        out[name], count = _sum(out, members, partial)
        if name == "TREO_pct" and partial:
            out["TREO_n"] = count
    return out


def _sum(oxides, members, partial):
    n = len(next(iter(oxides.values())))
    if not members:
        return np.full(n, np.nan), np.zeros(n, dtype=int)
    stack = np.column_stack([oxides[oxide_field(element)] for element in members])
    present = ~np.isnan(stack)
    count = present.sum(axis=1)
    total = np.where(present, stack, 0.0).sum(axis=1)
    complete = count == len(members)
    return np.where((count > 0) if partial else complete, total, np.nan), count
