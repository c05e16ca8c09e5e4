"""The anisotropy the automatic variogram finds (issue 15 item 2): on the sample
deposit against the generator's true direction of greatest continuity, and
ordinary kriging's cross-validation (grouped by hole, 5 folds, the variogram
refitted on every training fold) with the anisotropic against the isotropic
automatic variogram, on the deposit and on Copper Creek. Also the time the
search takes against the isotropic fit, alternated, best of 3.
Writes bench/results/anisotropy.json."""
import csv
import os
import sys
import time

import numpy as np
from common import REPO, import_plugin, write_result

import_plugin()
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "unit")]

from real_data import load_copper_creek  # noqa: E402
from test_anisotropy import demo_model, true_semivariance  # noqa: E402

from ree_grade.algorithms.common.splits import group_kfold  # noqa: E402
from ree_grade.algorithms.geostats import variogram_auto  # noqa: E402
from ree_grade.algorithms.geostats.anisotropy import angle_between_lines  # noqa: E402
from ree_grade.algorithms.geostats.geometry import axis_angles, rotation_matrix  # noqa: E402
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging  # noqa: E402
from ree_grade.algorithms.geostats.neighbourhood import search_from_variogram  # noqa: E402

DEMO = REPO / "sample_data" / "demo" / "truth_samples.csv"
FOLDS, NEIGHBOURS, REPEATS = 5, 24, 3
SEEDS = (0, 1, 2)


def deposit_samples():
    with open(DEMO, newline="") as handle:
        rows = list(csv.DictReader(handle))
    xyz = np.array([[float(r["x"]), float(r["y"]), float(r["z"])] for r in rows])
    return {"xyz": xyz, "grade": np.array([float(r["TREO_pct"]) for r in rows]),
            "holes": np.array([r["hole_id"] for r in rows]), "label": "sample deposit TREO_pct (demo truth samples)"}


def fit(xyz, values, holes, anisotropic, seed=0):
    return variogram_auto.auto_variogram(xyz, values, groups=holes if anisotropic else None, seed=seed,
                                         anisotropy=anisotropic)[0]


def search_time(data):
    """Best of REPEATS seconds per engine (isotropic, anisotropic), alternated, the cache emptied each time."""
    best = {False: np.inf, True: np.inf}
    for _ in range(REPEATS):
        for anisotropic in (False, True):
            variogram_auto._RECENT.clear()
            start = time.perf_counter()
            fit(data["xyz"], data["grade"], data["holes"], anisotropic)
            best[anisotropic] = min(best[anisotropic], time.perf_counter() - start)
    return best


def cross_validate(data):
    """{(anisotropic, search): RMSE} over grouped folds; search 'variogram' (the plugin's default now) or
    'nearest' (the nearest NEIGHBOURS at any distance, ranked by the variogram's anisotropic distance)."""
    errors = {(a, s): [] for a in (False, True) for s in ("variogram", "nearest")}
    for train, test in group_kfold(data["holes"], FOLDS, seed=0):
        xyz, values, holes = data["xyz"][train], data["grade"][train], data["holes"][train]
        for anisotropic in (False, True):
            model = fit(xyz, values, holes, anisotropic)
            for search_kind in ("variogram", "nearest"):
                search = search_from_variogram(model)[0] if search_kind == "variogram" else None
                ok = OrdinaryKriging(model, search, 1, NEIGHBOURS, n_jobs=2).fit(xyz, values, holes)
                estimate = ok.predict(data["xyz"][test])["estimate"]
                errors[(anisotropic, search_kind)].append(estimate - data["grade"][test])
    result = {}
    for key, parts in errors.items():
        error = np.concatenate(parts)
        result[key] = (float(np.sqrt(np.nanmean(error**2))), int(np.isnan(error).sum()))
    return result


def deposit_check(data):
    """Angles of the automatic variogram of ln TREO against the deposit's axes, per seed."""
    model = demo_model()
    anchors = data["xyz"][np.random.default_rng(0).choice(len(data["xyz"]), 3000, replace=False)]
    truth = {name: true_semivariance(model, anchors, axis) for name, axis in
             (("down dip", model.downdip), ("strike", model.u), ("fault normal", model.normal))}
    rows = []
    for seed in SEEDS:
        variogram_auto._RECENT.clear()
        fitted = fit(data["xyz"], np.log(data["grade"]), data["holes"], True, seed)
        structure = fitted.structures[0]
        axes = rotation_matrix(*structure.angles)
        rows.append({"seed": seed, "angles": structure.angles, "ranges": structure.ranges,
                     "major": angle_between_lines(axes[0], model.downdip),
                     "minor": angle_between_lines(axes[2], model.normal), "nugget": fitted.nugget})
    return truth, rows, model


def describe(model):
    s = max(model.structures, key=lambda structure: structure.ranges[0])
    return (f"{'/'.join(f'{a:.1f}' for a in s.angles)} | {'/'.join(f'{r:.0f}' for r in s.ranges)} | "
            f"{model.nugget:.4g} / {model.total_sill:.4g}")


def main():
    load_before = os.getloadavg()
    deposit = deposit_samples()
    copper = load_copper_creek("Cu_pct")
    copper["label"] = "Copper Creek Cu_pct (6.1 m composites)"
    truth, seeds, model = deposit_check(deposit)
    lines = [
        "The automatic variogram (`variogram_auto.auto_variogram`, used by OK, MIK, crossvalidate and the "
        "stacked network when no variogram file is given) in 3D: a downhole variogram (pairs within a hole) for "
        "the nugget, directional variograms over 41 lines about 22.5 degrees apart (a seeded 3,000-sample "
        "subsample, lags a quarter of the omnidirectional ones), each direction's stretch against the pooled "
        "curve, the ellipsoid through them (its minor axis), a fan of 18 lines in the plane across the minor axis "
        "for the major axis, then nugget, sill and three ranges by `fit_variogram` with that orientation.",
        "",
        "**Sample deposit: which axis is the generator's major axis.** Its random field is longest along strike "
        "(180/120/35 m along strike, down dip, across), but the ore envelope dominates the true grade: the "
        "semivariance of the true ln TREO (no sample nugget) at 50 m, over 3,000 sample locations, is "
        + ", ".join(f"{name} {gamma:.3f}" for name, gamma in truth.items())
        + f". The direction of greatest continuity is therefore DOWN DIP of the main fault (azimuth "
        f"{axis_angles(model.downdip)[0]:.0f}, dip {axis_angles(model.downdip)[1]:.0f}), and the least across "
        "it (the fault normal); the check compares the fitted major axis with down dip and the minor with the "
        "normal (`tests/unit/test_anisotropy.py` asserts both, seed 0).",
        "",
        "| seed | angles (az/dip/rake) | ranges (m) | major vs down dip | minor vs fault normal |",
        "|---|---|---|---|---|",
    ]
    for row in seeds:
        lines.append(f"| {row['seed']} | {'/'.join(f'{a:.1f}' for a in row['angles'])} | "
                     f"{'/'.join(f'{r:.0f}' for r in row['ranges'])} | {row['major']:.1f} deg | "
                     f"{row['minor']:.1f} deg |")
    targets = [{
        "target": "anisotropy: deposit's fitted major axis vs down dip (seeds " + ", ".join(map(str, SEEDS)) + ")",
        "goal": "<= 15 deg", "reached": ", ".join(f"{row['major']:.1f}" for row in seeds) + " deg",
        "met": all(row["major"] <= 15.0 for row in seeds),
    }]
    lines += ["", f"OK cross-validation grouped by hole, {FOLDS} folds (`group_kfold`, seed 0), the automatic "
              f"variogram refitted on each training fold, {NEIGHBOURS} neighbours; search 'variogram' is the "
              "ellipsoid of the variogram's longest structure (the plugin's default now), 'nearest' the nearest "
              f"{NEIGHBOURS} at any distance, ranked by the variogram's anisotropic distance (min 1 sample). "
              "The 'variogram' RMSE is over the targets it estimates: "
              "held-out holes farther than the search from any other are left empty, so only the 'nearest' "
              "column compares the two variograms on the same targets. Variogram on the whole set: angles | "
              f"ranges | nugget / sill. Search time: the automatic fit on the whole set, best of {REPEATS}, the "
              "two alternated.", "",
              "| data | variogram | angles | ranges | nugget / sill | fit s | RMSE, search variogram | "
              "RMSE, nearest | left empty |", "|---|---|---|---|---|---|---|---|---|"]
    for data in (deposit, copper):
        seconds = search_time(data)
        scores = cross_validate(data)
        for anisotropic in (False, True):
            whole = fit(data["xyz"], data["grade"], data["holes"], anisotropic)
            lines.append(
                f"| {data['label']} ({len(data['grade']):,}) | {'anisotropic' if anisotropic else 'isotropic'} | "
                f"{describe(whole)} | {seconds[anisotropic]:.1f} | {scores[(anisotropic, 'variogram')][0]:.4f} | "
                f"{scores[(anisotropic, 'nearest')][0]:.4f} | {scores[(anisotropic, 'variogram')][1]} |")
        ratio = scores[(True, "nearest")][0] / scores[(False, "nearest")][0]
        targets.append({"target": f"OK CV RMSE anisotropic / isotropic automatic variogram (nearest {NEIGHBOURS}), "
                                  f"{data['label']}",
                        "goal": "< 1 (report)", "reached": f"{ratio:.3f}", "met": ratio < 1.0})
    load_after = os.getloadavg()
    lines += ["", f"Load average (1 min) {load_before[0]:.2f} before and {load_after[0]:.2f} after: the machine is "
              "shared with other engineers' jobs today, so the seconds are indicative; both fits ran in the same "
              "conditions, alternated."]
    write_result("anisotropy", "Anisotropy found by the automatic variogram", "\n".join(lines), targets)


if __name__ == "__main__":
    main()
