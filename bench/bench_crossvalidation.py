"""Cross-validation of every method on the real Jura and Walker Lake data (and
on the sample deposit when its composites with covariates are given), the
tables recorded whatever they show. Writes bench/results/crossvalidation.json.

`python bench/bench_crossvalidation.py [--quick]`: --quick runs fewer epochs
and GP iterations (a smoke run, not for RESULTS.md)."""
import sys
import time

import numpy as np
from common import REPO, import_plugin, write_result

import_plugin()

from ree_grade.algorithms.validation.cross_validation import cross_validate  # noqa: E402
from ree_grade.algorithms.validation.methods import CVData  # noqa: E402

DATA = REPO / "tests" / "data"
METHODS = ["ok", "mik", "gp", "bnn", "ensemble"]
CUTOFFS = {"jura": [20.0, 30.0], "walker": [300.0, 600.0], "deposit": [0.5, 1.5]}
TITLES = {"jura": "Jura", "walker": "Walker Lake", "deposit": "Sample deposit (demo preset, seed 0)"}
SHOWN = ("rmse", "mae", "r2", "bias", "coverage90", "width90", "crps", "nll")


def jura():
    """259 topsoil samples, Ni (ppm); covariates: one-hot rock type and land use
    (a geology map's information). No holes: each sample is its own group."""
    import csv

    with open(DATA / "jura" / "jura.pred.csv") as handle:
        rows = list(csv.DictReader(handle))
    xyz = np.array([[float(r["Xloc"]) * 1000, float(r["Yloc"]) * 1000, np.nan] for r in rows])
    grade = np.array([float(r["Ni"]) for r in rows])
    names, columns = [], []
    for field in ("Rock", "Landuse"):
        for value in sorted({r[field] for r in rows}):
            names.append(f"{field}_{value}")
            columns.append([1.0 if r[field] == value else 0.0 for r in rows])
    return CVData(xyz, grade, np.array(columns).T, [str(i) for i in range(len(rows))], names), "Ni (ppm)"


def walker():
    """470 Walker Lake samples, V + 1 ppm (22 samples are 0, which log-scale
    methods cannot take; the shift changes nothing for OK and MIK); covariate:
    the type indicator T. No holes: each sample is its own group."""
    table = np.loadtxt(DATA / "walker_lake" / "pygslib_walker_sample.dat", skiprows=8)
    xyz = np.column_stack([table[:, 1], table[:, 2], np.full(len(table), np.nan)])
    return CVData(xyz, table[:, 3] + 1.0, table[:, 5:6], [str(i) for i in range(len(table))], ["T"]), "V + 1 (ppm)"


def deposit():
    """The sample deposit's assay intervals (TREO %) with the covariates a user
    has from the drill logs (parsed log_ fields joined by depth), built as in
    bench_bnn.py; grouped by hole."""
    from bench_bnn import deposit_table

    xyz, grade, holes, X, names = deposit_table("demo")
    return CVData(xyz, grade, X, holes, names), "TREO (%)"


def run(name, data, cutoffs, settings, scheme="grouped", folds=5):
    start = time.perf_counter()
    result = cross_validate(data, METHODS, settings, folds, settings["seed"], cutoffs, scheme, log=print)
    return result.rows, time.perf_counter() - start


def table(rows, cutoffs):
    columns = list(SHOWN) + [f"brier_{c:g}" for c in cutoffs]
    head = "| method | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns) + "\n"
    body = "".join(
        f"| {r['method']} | " + " | ".join(f"{r[c]:.4g}" for c in columns) + " |\n" for r in rows if r["fold"] == "all"
    )
    return head + body


def main():
    quick = "--quick" in sys.argv
    settings = {"seed": 0, "bnn_epochs": 60 if quick else 400, "gp_iterations": 30 if quick else 150,
                "n_members": 5, "max_samples": 32}
    sections = []
    for key, load in (("jura", jura), ("walker", walker), ("deposit", deposit)):
        data, target = load()
        # The deposit's 13,000 training samples put the GP on its sparse path;
        # fewer passes keep the run in minutes.
        run_settings = settings
        if key == "deposit":
            run_settings = dict(settings, gp_iterations=min(settings["gp_iterations"], 20))
        rows, seconds = run(key, data, CUTOFFS[key], run_settings)
        grouping = "grouped by hole" if key == "deposit" else "samples have no holes, so grouping is by sample"
        sections.append(
            f"### {TITLES[key]}: {target}, {len(data.grade)} samples, {len(set(data.holes))} groups, covariates "
            f"{', '.join(data.covariate_names)}\n\n5 folds ({grouping}), seed 0, {seconds:.0f} s for all methods. "
            "Pooled over folds:\n\n" + table(rows, CUTOFFS[key])
        )
    markdown = (
        "Every method refits on each training part (variograms included) and is scored on the held-out part; "
        "OK and MIK see only coordinates, GP, BNN and ensemble also the covariates. OK's interval is Gaussian "
        "with the kriging variance; MIK's comes from its ccdf; GP, BNN and ensemble are lognormal.\n\n"
        + "\n\n".join(sections)
    )
    write_result("crossvalidation", "Cross-validation on real data", markdown, [])


if __name__ == "__main__":
    main()
