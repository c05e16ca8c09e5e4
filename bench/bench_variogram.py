"""Our experimental variogram against GSTools' `vario_estimate` (issue 15):
the same Copper Creek composites, the same bins, side by side in one run,
engines alternated, best of 3, values checked equal before any time counts.

Samples: a seeded random 13,397 of the 30,406 Cu composites
(tests/data/copper_creek, the issue's sample count); 12 lags of the
automatic variogram's length (half the bounding-box diagonal / 12), each bin
|d - k lag| <= lag / 2, which is GSTools' half-open [edge_k, edge_k+1) with
edges at (k -/+ 1/2) lag, the first edge just above 0 (neither counts
coincident pairs). Directional case: the three axes (north, east,
vertical) with a 22.5 degree angular tolerance and a 150 m bandwidth, the
same tolerance semantics in both (angle between the pair vector and the
direction line; distance of the pair vector from that line).

    python bench/bench_variogram.py [--rounds 3]
"""
import argparse
import math
import os
import time

import numpy as np
from common import import_plugin, load_sentence, write_result
from real_data import load_copper_creek

import_plugin()

from ree_grade.algorithms.geostats.experimental import experimental_variogram  # noqa: E402
from ree_grade.algorithms.geostats.geometry import direction_vector  # noqa: E402
from ree_grade.algorithms.geostats.variogram_auto import default_lag  # noqa: E402

N_SAMPLES, N_LAGS, SEED = 13_397, 12, 0
DIRECTIONS = [(0.0, 0.0), (90.0, 0.0), (0.0, 90.0)]
ANGLE, BANDWIDTH = 22.5, 150.0
RTOL = 1e-10
HEADER = ("| case | pairs counted | ours, wall (s) | GSTools, wall (s) | speed-up, wall | ours, CPU (s) | "
          "GSTools, CPU (s) | speed-up, CPU | max rel. difference |\n|---|---|---|---|---|---|---|---|---|")


def samples():
    data = load_copper_creek("Cu_pct")
    pick = np.sort(np.random.default_rng(SEED).choice(len(data["grade"]), N_SAMPLES, replace=False))
    return data["xyz"][pick], data["grade"][pick], len(data["grade"])


def ours(xyz, values, lag, directional):
    kwargs = {"directions": DIRECTIONS, "angle_tolerance": ANGLE, "bandwidth": BANDWIDTH} if directional else {}
    return experimental_variogram(xyz, values, lag, N_LAGS, max_samples=len(values), **kwargs)


def gstools(xyz, values, lag, directional):
    import gstools as gs

    edges = (np.arange(N_LAGS + 2) - 0.5) * lag
    edges[0] = np.nextafter(0.0, 1.0)
    kwargs = {}
    if directional:
        kwargs = {"direction": [direction_vector(*d) for d in DIRECTIONS], "angles_tol": math.radians(ANGLE),
                  "bandwidth": BANDWIDTH}
    _, gamma, counts = gs.vario_estimate(xyz.T, values, edges, return_counts=True, **kwargs)
    return np.atleast_2d(gamma), np.atleast_2d(counts)


def compare(mine, theirs):
    """Largest relative semivariance difference over the bins with pairs;
    the pair counts must be identical (an AssertionError otherwise)."""
    gamma, counts = theirs
    worst = 0.0
    for d in range(len(mine.gammas)):
        present = counts[d] > 0
        np.testing.assert_array_equal(mine.npairs[d], counts[d][present])
        worst = max(worst, float(np.max(np.abs(mine.gammas[d] / gamma[d][present] - 1.0))))
    assert worst <= RTOL, f"semivariances differ by {worst:.2e} relative (allowed {RTOL:g})"
    return worst, int(counts.sum())


def timed(function, *args):
    """(result, wall seconds, CPU seconds of this process over all its threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu


def race(xyz, values, lag, directional, rounds):
    """Alternated runs (ours first, then GSTools, `rounds` times): best wall
    and best CPU seconds of each, the largest difference and the pair count."""
    best = {key: math.inf for key in ("ours", "gstools", "ours_cpu", "gstools_cpu")}
    for _ in range(rounds):
        mine, wall, cpu = timed(ours, xyz, values, lag, directional)
        best["ours"], best["ours_cpu"] = min(best["ours"], wall), min(best["ours_cpu"], cpu)
        theirs, wall, cpu = timed(gstools, xyz, values, lag, directional)
        best["gstools"], best["gstools_cpu"] = min(best["gstools"], wall), min(best["gstools_cpu"], cpu)
        worst, pairs = compare(mine, theirs)
    return best, worst, pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import gstools as gs
    from gstools_cython.variogram import set_num_threads

    gstools_threads = set_num_threads(None)  # what vario_estimate uses by default
    xyz, values, n_all = samples()
    lag = default_lag(xyz, N_LAGS)
    load_before = os.getloadavg()
    cases = {name: race(xyz, values, lag, name == "directional", args.rounds) for name in ("omnidirectional",
                                                                                            "directional")}
    load_after = os.getloadavg()
    rows, targets = [], []
    for name, (best, worst, pairs) in cases.items():
        ratio, cpu_ratio = best["gstools"] / best["ours"], best["gstools_cpu"] / best["ours_cpu"]
        rows.append(f"| {name} | {pairs:,} | {best['ours']:.2f} | {best['gstools']:.2f} | {ratio:.1f} | "
                    f"{best['ours_cpu']:.2f} | {best['gstools_cpu']:.2f} | {cpu_ratio:.1f} | {worst:.1e} |")
        targets.append({"target": f"experimental variogram vs GSTools vario_estimate ({name}, {N_SAMPLES:,} "
                                  "Copper Creek composites, 12 lags)",
                        "goal": ">= 5x, equal to 1e-10",
                        "reached": f"{ratio:.1f}x wall ({cpu_ratio:.1f}x CPU), max rel. diff {worst:.1e}",
                        "met": bool(ratio >= 5.0 and worst <= RTOL)})
    markdown = f"""
{N_SAMPLES:,} Copper Creek Cu composites (a seeded random subset of the {n_all:,} in tests/data), 12 lags of
{lag:.1f} m (the automatic variogram's lag), lag tolerance half a lag. Directional: north, east and vertical,
{ANGLE:g} degree angular tolerance, {BANDWIDTH:g} m bandwidth. Ours: `experimental_variogram`, one thread (two
threads were no faster on the busy cores); GSTools {gs.__version__} `vario_estimate` with its Cython backend
(gstools-cython as its PyPI wheel ships it) on {gstools_threads} thread(s): the wheel is built without OpenMP,
so GSTools' default thread count is 1 here, not the 2 cores. Engines alternated, best of {args.rounds}; the pair
counts of every bin are identical and the semivariances equal to the relative difference shown, checked on
every round.

{HEADER}
{chr(10).join(rows)}

{load_sentence(load_before[0], load_after[0])}; the ratios are side by side in one run. CPU is
this process's CPU time over all its threads.
"""
    write_result("variogram", "Experimental variogram vs GSTools", markdown, targets)


if __name__ == "__main__":
    main()
