"""Cross-validation speed of OK + MIK (issue 15): the plugin's
`run_cross_validation` on Copper Creek composites, 5 folds grouped by hole,
before the variogram work (the code at BEFORE, exported with `git archive`)
and now, each in a fresh process so no variogram cache carries over.

Samples: the Cu composites of a seeded random subset of the holes, taken
until 16,000 composites are reached (the issue's ~16,000); OK and MIK in the
crossvalidate defaults (automatic variogram per training fold, 32
neighbours, median IK with the declustered deciles; cut-offs 0.2 and 0.5 %
Cu as extra MIK thresholds). The old code's variogram takes minutes per fold,
so it is timed on the first `--old-folds` folds and scaled to 5 by the
folds' share of the training samples; the new code runs all 5 (and its
first folds are shown for the like-for-like comparison).

    python bench/bench_cv_speed.py [--old-folds 1]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import REPO, load_sentence, write_result

BEFORE = "3a6d917^"  # main before the tiled variogram (merge of i15var)
N_TARGET, SEED, FOLDS = 16_000, 0, 5
METHODS = ("ok", "mik")
CUTOFFS = [0.2, 0.5]


def copper_creek_subset():
    """(xyz, grade, holes, n_holes, n_all) of whole holes until N_TARGET composites."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from real_data import load_copper_creek

    data = load_copper_creek("Cu_pct")
    holes = np.asarray(data["holes"])
    names = np.unique(holes)
    order = np.random.default_rng(SEED).permutation(len(names))
    sizes = np.array([np.sum(holes == names[i]) for i in order])
    chosen = names[order[: int(np.searchsorted(np.cumsum(sizes), N_TARGET)) + 1]]
    keep = np.isin(holes, chosen)
    return data["xyz"][keep], data["grade"][keep], holes[keep], len(chosen), len(holes)


def measure(plugins_dir, n_folds):
    """Seconds per (method, fold) and pooled RMSE per method, with the
    `ree_grade` package found in `plugins_dir`."""
    sys.path.insert(0, str(plugins_dir))
    from ree_grade.algorithms.common.splits import group_kfold
    from ree_grade.algorithms.validation.cross_validation import run_cross_validation
    from ree_grade.algorithms.validation.methods import CVData, method_specs, with_categories

    xyz, grade, holes, _, _ = copper_creek_subset()
    data = CVData(xyz, grade, None, list(holes))
    folds = group_kfold(data.holes, FOLDS, SEED)[:n_folds]
    settings = {"seed": SEED, "cutoffs": CUTOFFS, "max_samples": 32}
    out = {"seconds": {}, "rmse": {}, "train": [len(train) for train, _ in folds]}
    for spec in method_specs(list(METHODS)):
        X, factory = with_categories(spec, data)
        methods = {spec.name: (X, lambda X, y, factory=factory: factory(settings, X, y))}
        out["seconds"][spec.name] = []
        for fold in folds:
            start = time.perf_counter()
            rows, _ = run_cross_validation(methods, data.grade, [fold], data.holes, CUTOFFS)
            out["seconds"][spec.name].append(time.perf_counter() - start)
        out["rmse"][spec.name] = [r["rmse"] for r in rows if r["fold"] == "all"][0]
    return out


def in_fresh_process(plugins_dir, n_folds):
    command = [sys.executable, __file__, "--measure", str(plugins_dir), "--folds", str(n_folds)]
    result = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def old_plugin(directory):
    """The plugin at BEFORE as <directory>/ree_grade."""
    target = Path(directory) / "ree_grade"
    target.mkdir()
    archive = subprocess.run(["git", "archive", BEFORE], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return Path(directory)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old-folds", type=int, default=1)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--folds", type=int, default=FOLDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure), args.folds)))
        return
    _, grade, _, n_holes, n_all = copper_creek_subset()
    load_before = os.getloadavg()
    new = in_fresh_process(REPO / ".qgis-plugins", FOLDS)
    with tempfile.TemporaryDirectory() as directory:
        old = in_fresh_process(old_plugin(directory), args.old_folds)
    load_after = os.getloadavg()
    k = args.old_folds
    # Scaled by training samples: the variogram, most of the old time, grows with them.
    scale = sum(new["train"]) / sum(new["train"][:k])
    folds_shown = "fold 1" if k == 1 else f"folds 1-{k}"
    rows, totals = [], {"old": 0.0, "new": 0.0, "new_k": 0.0, "old_k": 0.0}
    for method in METHODS:
        old_k, new_k = sum(old["seconds"][method]), sum(new["seconds"][method][:k])
        new_all = sum(new["seconds"][method])
        totals["old_k"] += old_k
        totals["new_k"] += new_k
        totals["old"] += old_k * scale
        totals["new"] += new_all
        rows.append(f"| {method.upper()} | {old_k:.1f} | {new_k:.1f} | {old_k / new_k:.1f} | {old_k * scale:.0f} "
                    f"(scaled) | {new_all:.1f} | {new['rmse'][method]:.4f} |")
    rows.append(f"| OK + MIK | {totals['old_k']:.1f} | {totals['new_k']:.1f} | {totals['old_k'] / totals['new_k']:.1f} "
                f"| {totals['old']:.0f} (scaled) | {totals['new']:.1f} | |")
    header = (f"| method | before, {folds_shown} (s) | now, {folds_shown} (s) | speed-up | before, 5 folds (s) | "
              "now, 5 folds (s) | RMSE now (% Cu) |\n|---|---|---|---|---|---|---|")
    speedup = totals["old"] / totals["new"]
    markdown = f"""
Copper Creek Cu composites of {n_holes} whole holes (seeded, {len(grade):,} of the {n_all:,} composites),
5 folds grouped by hole; OK and MIK as crossvalidate runs them (automatic variogram refitted on every training
fold, 32 neighbours, median IK). Before: the plugin at `{BEFORE}` (the k-d tree variogram); now: this checkout.
Each in a fresh process. The old code was timed on {folds_shown} only and scaled to 5 folds by training
samples (x{scale:.2f}).

{header}
{chr(10).join(rows)}

{load_sentence(load_before[0], load_after[0])}; both codes ran in the same session, one after the other.
"""
    targets = [{"target": f"crossvalidate OK + MIK, {len(grade):,} Copper Creek composites, 5 folds, end to end",
                "goal": ">= 10x faster than before issue 15",
                "reached": f"{speedup:.1f}x ({totals['old']:.0f} s scaled from {folds_shown} -> {totals['new']:.0f} s)",
                "met": bool(speedup >= 10)}]
    write_result("cv_speed", "Cross-validation speed (OK + MIK)", markdown, targets)


if __name__ == "__main__":
    main()
