"""Speed of the spatial estimator (issue 13): trainbnn's default, the
stacked network, against the network it replaced as the default, side by
side in one run on the `large` preset.

Training: the `large` preset's 2 m composites with 100 features (the PCA
components of 100 random Fourier features of the coordinates, as
bench_bnn.py builds them): today's default before issue 13, the mean-field
BNN on the features (`BNNRegressor(method="bnn")`), against the stacked
network on the coordinates and the same features (its leave-hole-out
kriging, the ensemble's weight-decay search, five members and the
calibration of its guard included), both in default configuration, the
BNN on one thread (torch's threads do not speed its small layers up), the
stacked network on 1 thread and on 2 (reegrade:trainbnn gives it QGIS's
thread limit, every core by default: its kriging, forest and pool use them).

Prediction: `StackedNetwork.predict` with summaries (mean, sd, P10/P50/P90
and two exceedance probabilities, as reegrade:predictbnn writes them) at
200,000 targets (the samples moved 1 m, so every target is kriged from its
32 neighbours like a block centre), kriging inputs included, on 1 and 2
threads; best of 3.

    python bench/bench_stacked_speed.py [--n-predict 200000]
"""
import argparse
import time

import numpy as np
from bench_bnn import CUTOFFS, SEED, large_case
from common import import_plugin, machine, write_result

import_plugin()

from ree_grade.algorithms.ml.bnn.model import BNNRegressor  # noqa: E402
from ree_grade.algorithms.ml.stacked import StackedNetwork  # noqa: E402

N_FEATURES = 100
THREADS = (1, 2)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def training(X, grade, holes, xyz):
    bnn, bnn_s = timed(lambda: BNNRegressor(method="bnn", seed=SEED).fit(X, grade, holes))
    train = {"bnn_s": bnn_s, "bnn_epochs": bnn.metadata_["epochs_run"]}
    for n_threads in THREADS:
        stacked, train[n_threads] = timed(lambda: StackedNetwork(seed=SEED, n_threads=n_threads).fit(
            np.column_stack([xyz, X]), grade, holes))
    train.update(stacked_epochs=stacked.network_.metadata_["epochs_run"], weight=stacked.weight_)
    return stacked, train


def prediction(stacked, targets):
    rates = {}
    for n_threads in THREADS:
        stacked.n_threads = stacked.kriging_.n_jobs = n_threads
        best = min(timed(lambda: stacked.predict(targets, cutoffs=CUTOFFS))[1] for _ in range(3))
        rates[n_threads] = len(targets) / best
    return rates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-predict", type=int, default=200_000)
    args = parser.parse_args()
    X, grade, holes, xyz = large_case(N_FEATURES)
    stacked, train = training(X, grade, holes, xyz)
    rows = np.arange(args.n_predict) % len(grade)
    targets = np.column_stack([xyz[rows] + 1.0, X[rows]])
    rates = prediction(stacked, targets)
    ratio = {n: train[n] / train["bnn_s"] for n in THREADS}
    markdown = "\n".join([
        __doc__.split("\n\n    python")[0].split("\n\n", 1)[1].replace("\n", " "), "",
        f"{len(grade):,} composites from {len(np.unique(holes))} holes, {N_FEATURES} features.", "",
        "| step | time | epochs | ratio to the BNN |", "|---|---|---|---|",
        f"| train BNN (the default before issue 13), 1 thread | {train['bnn_s']:.1f} s | {train['bnn_epochs']} | |",
        *[f"| train stacked network (the default now), {n} thread{'s' if n > 1 else ''} | {train[n]:.1f} s | "
          f"{train['stacked_epochs']} | {ratio[n]:.2f}x |" for n in THREADS], "",
        f"The stacked network's guard chose w = {train['weight']:.1f} on this data.", "",
        "| threads | stacked prediction with summaries, incl. kriging, targets/s |", "|---|---|",
        *[f"| {n} | {rate:,.0f} |" for n, rate in rates.items()],
    ])
    targets_table = [
        {"target": "stacked training time, `large` preset, 2 threads as trainbnn runs it, vs the BNN default "
                   "before issue 13", "goal": "<= 2x", "reached": f"{ratio[2]:.2f}x (1 thread {ratio[1]:.2f}x)",
         "met": bool(ratio[2] <= 2.0)},
        {"target": "stacked prediction with summaries incl. kriging, 2 threads", "goal": ">= 50,000 targets/s",
         "reached": f"{rates[2]:,.0f}/s", "met": bool(rates[2] >= 50_000)},
    ]
    write_result("stacked_speed", "Spatial estimator: training and prediction speed", markdown, targets_table)
    print(machine())


if __name__ == "__main__":
    main()
