"""Real public data sets for the spatial-estimator benchmarks, as plain numpy arrays.

Every loader reads `tests/data/` only (a clone has no `../shared`) with the csv module
and numpy, no QGIS and no plugin import, and returns a dict:
`xyz` (n, 3) float, `grade` (n,) float, `holes` (n,) str (the groups a by-hole
cross-validation keeps together), `categorical` {name: (n,) str}, `label`, `element`,
`units`, `n_zero` (grades exactly 0).

- `load_jura(element)`: the 259 Swiss Jura topsoil samples (z = 0, every sample its own group).
- `load_walker_lake()`: the 470 Walker Lake samples, V (ppm) as the grade.
- `load_copper_creek(element="Cu_pct")`: the Copper Creek 6.096 m drillhole composites.

`python bench/real_data.py build-copper-creek [--shared DIR] [--out PATH]` rebuilds
`tests/data/copper_creek/composites.csv` (and `collars.csv`) from the four raw tables in
`../shared/data/copper_creek` with the plugin's own drillhole science (see
`build_copper_creek_composites`); it is not needed at test or benchmark time.
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DATA = REPO / "tests" / "data"
JURA = DATA / "jura" / "jura.pred.csv"
WALKER = DATA / "walker_lake" / "pygslib_walker_sample.dat"
COPPER_CREEK = DATA / "copper_creek" / "composites.csv"
COPPER_CREEK_COLLARS = DATA / "copper_creek" / "collars.csv"
SHARED_COPPER_CREEK = REPO.parent / "shared" / "data" / "copper_creek"

JURA_ELEMENTS = ("Cd", "Co", "Cr", "Cu", "Ni", "Pb", "Zn")
COPPER_CREEK_ELEMENTS = ("Cu_pct", "Mo_pct")
# 20 ft: two of the modal 10 ft (3.048 m) samples, the usual bench-scale support of a porphyry Cu model.
COMPOSITE_LENGTH_M = 6.096
COMPOSITE_COLUMNS = ("hole_id", "x", "y", "z", "from_m", "to_m", "Cu_pct", "Mo_pct", "lith")


def _read_csv(path, encoding="utf-8-sig"):
    """(header, {column: [raw strings]}) of a CSV file (a UTF-8 byte-order mark is skipped)."""
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    return header, {name: [row[i] for row in rows] for i, name in enumerate(header)}


def _floats(values):
    return np.array([float(v) if v.strip() else np.nan for v in values], dtype=float)


def _result(xyz, grade, holes, categorical, label, element, units):
    grade = np.asarray(grade, dtype=float)
    return {
        "xyz": np.asarray(xyz, dtype=float),
        "grade": grade,
        "holes": np.asarray(holes, dtype=str),
        "categorical": {name: np.asarray(codes, dtype=str) for name, codes in categorical.items()},
        "label": label,
        "element": element,
        "units": units,
        "n_zero": int((grade == 0).sum()),
    }


# --- loaders ------------------------------------------------------------------------
def load_jura(element="Ni"):
    """Jura topsoil (Goovaerts 1997): 259 samples, Xloc/Yloc in km, z = 0; `element`
    one of Cd Co Cr Cu Ni Pb Zn (ppm); categorical rock and land use as their names."""
    if element not in JURA_ELEMENTS:
        raise ValueError(f"jura: unknown element {element!r}; use one of {JURA_ELEMENTS}")
    _, columns = _read_csv(JURA)
    n = len(columns["Xloc"])
    xyz = np.column_stack([_floats(columns["Xloc"]), _floats(columns["Yloc"]), np.zeros(n)])
    holes = [f"jura-{i + 1}" for i in range(n)]
    categorical = {"rock": columns["Rock"], "landuse": columns["Landuse"]}
    return _result(xyz, _floats(columns[element]), holes, categorical, f"Jura {element} (ppm, 259 topsoil samples)",
                   element, "ppm")


def load_walker_lake():
    """Walker Lake (Isaaks & Srivastava 1989): the 470 samples of the GSLIB file, X/Y in m,
    z = 0, V (ppm) as the grade (it has zeros), categorical the type indicator T."""
    with open(WALKER) as handle:
        lines = handle.read().splitlines()
    n_vars = int(lines[1].split()[0])
    table = np.array([line.split() for line in lines[2 + n_vars:] if line.strip()], dtype=float)
    ids, x, y, v, _, t = table.T
    xyz = np.column_stack([x, y, np.zeros(len(x))])
    holes = [f"walker-{int(i)}" for i in ids]
    return _result(xyz, v, holes, {"type": [str(int(code)) for code in t]},
                   "Walker Lake V (ppm, 470 samples)", "V", "ppm")


def load_copper_creek(element="Cu_pct"):
    """Copper Creek porphyry Cu-Mo: 6.096 m composites of the assays, XYZ at their
    midpoints (UTM 12N, m), grouped by hole; categorical the dominant lithology code.
    Composites without a value of `element` (Mo is not assayed everywhere) are left out."""
    if element not in COPPER_CREEK_ELEMENTS:
        raise ValueError(f"copper_creek: unknown element {element!r}; use one of {COPPER_CREEK_ELEMENTS}")
    _, columns = _read_csv(COPPER_CREEK)
    grade = _floats(columns[element])
    keep = np.flatnonzero(~np.isnan(grade))
    xyz = np.column_stack([_floats(columns[name]) for name in ("x", "y", "z")])[keep]
    holes = np.asarray(columns["hole_id"], dtype=str)[keep]
    lith = np.asarray(columns["lith"], dtype=str)[keep]
    result = _result(xyz, grade[keep], holes, {"lith": lith},
                     f"Copper Creek {element} ({COMPOSITE_LENGTH_M:g} m composites)", element, "%")
    result["from_m"] = _floats(columns["from_m"])[keep]
    result["to_m"] = _floats(columns["to_m"])[keep]
    return result


def load_copper_creek_collars():
    """{hole: (x, y, z, max_depth, upward)}: the collars, with max_depth the deepest survey
    station, assay or lithology interval of the hole and upward 1 when a survey station
    of the hole points upwards (the underground holes EH*, UG7, UG8), else 0."""
    _, columns = _read_csv(COPPER_CREEK_COLLARS)
    values = np.column_stack([_floats(columns[name]) for name in ("x", "y", "z", "max_depth", "upward")])
    return dict(zip(columns["hole_id"], map(tuple, values)))


# --- building the Copper Creek composites ---------------------------------------------
def _import_science():
    sys.path.insert(0, str(BENCH))
    from common import import_plugin

    import_plugin()
    from ree_grade.algorithms.drillholes import composite, desurvey, interval_join, tables

    return tables, desurvey, composite, interval_join


def _table(tables, path, label):
    _, columns = _read_csv(path)
    return tables.Table(label, columns)


def _round(value, digits):
    return "" if value is None or not np.isfinite(value) else f"{round(float(value), digits):.{digits}f}".rstrip(
        "0").rstrip(".")


def build_copper_creek_composites(shared_dir=SHARED_COPPER_CREEK, out_path=COPPER_CREEK, length=COMPOSITE_LENGTH_M):
    """Desurvey, composite and attach lithology to the Copper Creek tables; write
    `out_path` (COMPOSITE_COLUMNS) and `collars.csv` beside it; return a summary dict.

    The chain of reegrade:desurvey and reegrade:composite, called directly: assays read
    with read_intervals (negative results are below detection and become half the limit;
    exact duplicates dropped; overlapping intervals: the later row dropped), Cu_pct and
    Mo_pct length-weighted into `length` composites within each hole (the end piece
    discarded when shorter than half the length, composites sampled over less than half
    their length dropped), placed at their midpoints by minimum curvature, and given the
    lithology code covering most of their length (join_intervals); composites without Cu
    are dropped."""
    tables, desurvey, composite, interval_join = _import_science()
    shared_dir, out_path = Path(shared_dir), Path(out_path)
    collar_table = _table(tables, shared_dir / "collar.csv", "collar.csv")
    collars = tables.read_collars(collar_table, {"hole": "hole_ID", "x": "x", "y": "y", "z": "z"})
    survey_table = _table(tables, shared_dir / "survey.csv", "survey.csv")
    surveys = tables.read_surveys(survey_table, {"hole": "hole_ID", "depth": "depth", "azimuth": "azimuth",
                                                 "dip": "dip"}, collars)
    assay_table = _table(tables, shared_dir / "assay.csv", "assay.csv")
    assay_columns = {"hole": "hole_ID", "from": "depth_from", "to": "depth_to"}
    assays = tables.read_intervals(assay_table, assay_columns, collars, overlap_policy="drop")
    located = desurvey.desurvey(collars, surveys, assays)

    numeric = {name: assays["attributes"][name][1] for name in COPPER_CREEK_ELEMENTS}
    comps = composite.composite("assay.csv", assays["hole"], assays["from"], assays["to"], numeric, length=length,
                                residual="discard", threshold=0.5, min_coverage=0.5)
    has_cu = ~np.isnan(comps["numeric"]["Cu_pct"])
    keep = np.flatnonzero(has_cu)
    holes = [comps["hole"][i] for i in keep]
    c_from, c_to = comps["from"][keep], comps["to"][keep]
    placed = desurvey.desurvey(collars, surveys, {"hole": holes, "from": c_from, "to": c_to})

    lith_table = _table(tables, shared_dir / "lithology.csv", "lithology.csv")
    lith = tables.read_intervals(lith_table, {"hole": "hole_ID", "from": "depth_from", "to": "to_depth"}, collars,
                                 overlap_policy="keep")
    codes = np.array(lith["attributes"]["rock code"][1], dtype=object)
    joined = interval_join.join_intervals(lith["hole"], lith["from"], lith["to"], {"lith": codes}, holes, c_from,
                                          c_to, log_table="lithology.csv", sample_table="composites")
    lith_codes = ["" if code is None else str(code) for code in joined["lith"]]

    out_path.parent.mkdir(parents=True, exist_ok=True)
    cu, mo = comps["numeric"]["Cu_pct"][keep], comps["numeric"]["Mo_pct"][keep]
    with open(out_path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COMPOSITE_COLUMNS)
        for i, hole in enumerate(holes):
            x, y, z = placed["xyz"][i]
            writer.writerow([hole, _round(x, 2), _round(y, 2), _round(z, 2), _round(c_from[i], 3),
                             _round(c_to[i], 3), _round(cu[i], 5), _round(mo[i], 6), lith_codes[i]])

    deepest = {}
    for hole_list, ends in ((assays["hole"], assays["to"]), (lith["hole"], lith["to"])):
        for hole, end in zip(hole_list, ends):
            deepest[hole] = max(deepest.get(hole, 0.0), float(end))
    for hole, (depths, _) in surveys.items():
        deepest[hole] = max(deepest.get(hole, 0.0), float(depths[-1]))
    upward = sorted(hole for hole, (_, tangents) in surveys.items() if (tangents[:, 2] > 0).any())
    with open(out_path.parent / "collars.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("hole_id", "x", "y", "z", "max_depth", "upward"))
        for hole, collar in collars.items():
            writer.writerow([hole] + [_round(v, 2) for v in collar["xyz"]]
                            + [_round(deepest.get(hole, 0.0), 2), int(hole in upward)])
    categories, counts = np.unique(lith_codes, return_counts=True)
    return {
        "assay_rows": assay_table.n_rows,
        "assay_rows_kept": len(assays["hole"]),
        "notices": assays["notices"],
        "lithology_notices": lith["notices"],
        "below_detection": assays["below_detection"],
        "missing": {name: int(np.isnan(values).sum()) for name, values in numeric.items()},
        "zero": {name: int((values == 0).sum()) for name, values in numeric.items()},
        "desurvey_warnings": len(located["warnings"]),
        "composites": int(len(comps["hole"])),
        "dropped_low_coverage": comps["dropped"],
        "dropped_no_cu": int((~has_cu).sum()),
        "rows": len(holes),
        "holes": len(set(holes)),
        "mo_missing": int(np.isnan(mo).sum()),
        "composite_zero": {"Cu_pct": int((cu == 0).sum()), "Mo_pct": int((mo == 0).sum())},
        "lith": dict(zip(categories.tolist(), counts.tolist())),
        "upward_holes": upward,
        "bytes": out_path.stat().st_size,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build-copper-creek", help="rebuild tests/data/copper_creek/composites.csv")
    build.add_argument("--shared", default=str(SHARED_COPPER_CREEK), help="folder of the four raw tables")
    build.add_argument("--out", default=str(COPPER_CREEK), help="composites CSV to write")
    args = parser.parse_args(argv)
    summary = build_copper_creek_composites(args.shared, args.out)
    for key, value in summary.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
