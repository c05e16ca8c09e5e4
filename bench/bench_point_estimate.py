"""The step from the stacked estimator's inputs to a point estimate (issue
13, item 2), measured side by side on the same fits.

On heavy-tailed grades the network's lognormal mean exp(mu + sigma^2 / 2)
explodes and its median is biased low. The shipped point is a hole-bagged
random forest on the network's own inputs (covariates, coordinates, the
leave-hole-out OK estimate and sd), on the grade scale, top-cut at the
99.5th percentile, pooled with OK with w chosen by the out-of-hole squared
error of every training sample. Each alternative below replaces the point or
the choice of w, on the very same fitted network, forest and kriging:

- `shipped`: the forest point, w by out-of-hole error on all training samples;
- `forest alone`: the forest point without the pool (w = 0);
- `forest, w on calibration holes`: the same point, w chosen as the previous
  design did, on the 20 % calibration holes by squared error plus CRPS
  relative to OK, the largest w within one standard error of the best;
- `scaled median (previous)`: the previous shipped point, the network's
  median scaled by a least-squares factor on the calibration holes, top-cut,
  w on calibration holes as above;
- `capped mean`: the network's lognormal mean, top-cut, w on calibration holes;
- references on the same folds: `rk` (the registry's regression kriging) and
  gradient-boosted trees (scikit-learn's HistGradientBoostingRegressor on the
  same inputs, all training rows, not pooled).

    python bench/bench_point_estimate.py [--cases walker jura_ni jura_cd copper_lith] [--seeds 0 1 2]
                                         [--large-seeds 0] [--rerun]

Runs are kept in bench/results/point_runs/ like bench_spatial's.
"""
import argparse
from pathlib import Path

import numpy as np
from bench_spatial import LARGE, N_FOLDS, case_data
from common import import_plugin, kept_run, write_result

import_plugin()

from ree_grade.algorithms.common.predictive import LogNormalMixturePredictive, crps_from_quantiles  # noqa: E402
from ree_grade.algorithms.common.splits import group_kfold, group_labels  # noqa: E402
from ree_grade.algorithms.geostats.regression_kriging import RegressionKriging  # noqa: E402
from ree_grade.algorithms.ml import stacked  # noqa: E402
from ree_grade.algorithms.ml.stacked import StackedNetwork  # noqa: E402

RUNS = Path(__file__).resolve().parent / "results" / "point_runs"
VARIANTS = ("ok", "shipped", "forest alone", "forest, w on calibration holes", "scaled median (previous)",
            "capped mean", "rk", "boosted trees")
MEAN_SCALE_BOUNDS = (0.25, 4.0)


def hole_standard_error(difference, hole_index):
    n_holes = int(hole_index.max()) + 1
    counts = np.bincount(hole_index, minlength=n_holes)
    means = np.bincount(hole_index, weights=difference, minlength=n_holes) / np.maximum(counts, 1)
    return float(np.std(means, ddof=1) / np.sqrt(n_holes))


def calibration_guard(model, point_calibration, inputs):
    """(pooled mean at `inputs`, w): the previous design's guard, w chosen on
    the calibration holes by squared error / OK's MSE + CRPS / OK's CRPS, the
    largest w within one standard error (between holes) of the best."""
    cal = dict(model.calibration_inputs_, point=point_calibration)
    y = cal["grade"]
    choices, losses = [], []
    for weight in stacked.WEIGHT_GRID:
        coverage = {k: stacked._coverage(model._pooled(weight, k, cal), y) for k in stacked.STRETCH_GRID}
        stretch = min(stacked.STRETCH_GRID, key=lambda k: abs(coverage[k] - stacked.COVERAGE_LEVEL))
        pooled = model._pooled(weight, stretch, cal)
        losses.append(((pooled.mean - y) ** 2, crps_from_quantiles(pooled, y, stacked.SELECTION_LEVELS,
                                                                   iterations=stacked.SELECTION_ITERATIONS)))
        choices.append((weight, stretch))
    per_sample = [sq / losses[-1][0].mean() + crps / losses[-1][1].mean() for sq, crps in losses]
    scores = [loss.mean() for loss in per_sample]
    best = int(np.argmin(scores))
    _, hole_index = group_labels(cal["holes"])
    chosen = max(i for i in range(len(scores))
                 if scores[i] - scores[best] <= hole_standard_error(per_sample[i] - per_sample[best], hole_index))
    weight, stretch = choices[chosen]
    return model._pooled(weight, stretch, inputs).mean, float(weight)


def fold_estimates(model, X_test, inputs):
    """{variant: point estimate at X_test}, {variant: w} for one fitted model;
    `inputs`: its `pool_inputs` at X_test (`rk` and the trees are added by
    the caller)."""
    cal = model.calibration_inputs_
    cut = model._cut
    out = {"ok": inputs["ok_estimate"], "shipped": model.predictive(X_test).mean, "forest alone": inputs["point"]}
    weights = {"shipped": model.weight_}
    median_cal = LogNormalMixturePredictive(cal["mu"], cal["sigma"]).quantile(0.5)
    median_test = LogNormalMixturePredictive(inputs["mu"], inputs["sigma"]).quantile(0.5)
    scale = float(np.clip(np.sum(cal["grade"] * median_cal) / np.sum(median_cal**2), *MEAN_SCALE_BOUNDS))
    points = {
        "forest, w on calibration holes": (cal["point"], inputs["point"]),
        "scaled median (previous)": (cut(scale * median_cal), cut(scale * median_test)),
        "capped mean": (cut(LogNormalMixturePredictive(cal["mu"], cal["sigma"]).mean),
                        cut(LogNormalMixturePredictive(inputs["mu"], inputs["sigma"]).mean)),
    }
    for name, (at_calibration, at_test) in points.items():
        out[name], weights[name] = calibration_guard(model, at_calibration, dict(inputs, point=at_test))
    return out, weights


def boosted_trees(X_train, y_train, ok_train, X_test, ok_test):
    from sklearn.ensemble import HistGradientBoostingRegressor

    trees = HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05,
                                          min_samples_leaf=20 if len(y_train) < 5000 else 50, random_state=0)
    trees.fit(np.column_stack([X_train, *ok_train]), y_train)
    return trees.predict(np.column_stack([X_test, *ok_test]))


def run_seed(data, seed):
    X = data.flat_coordinates_and_covariates()
    y, holes = data.grade, data.holes
    estimates = {name: np.full(len(y), np.nan) for name in VARIANTS}
    weights = {}
    for train, test in group_kfold(holes, N_FOLDS, seed):
        model = StackedNetwork(epochs=400, n_members=5, max_samples=32, seed=seed, label="training fold")
        model.fit(X[train], y[train], holes[train])
        inputs = model.pool_inputs(X[test])
        fold, fold_weights = fold_estimates(model, X[test], inputs)
        estimate, sd = model._kriging_inputs(model.kriging_.leave_group_out())
        fold["boosted trees"] = boosted_trees(X[train], model.samples_[1], (estimate, sd), X[test],
                                              (inputs["ok_estimate"], inputs["ok_sd"]))
        rk = RegressionKriging(max_samples=32, seed=seed, label="training fold").fit(X[train], y[train], holes[train])
        fold["rk"] = rk.predictive(X[test]).mean
        for name, values in fold.items():
            estimates[name][test] = values
        for name, weight in fold_weights.items():
            weights.setdefault(name, []).append(weight)
    rmse = {name: float(np.sqrt(np.mean((values - y) ** 2))) for name, values in estimates.items()}
    bias = {name: float(np.mean(values - y)) for name, values in estimates.items()}
    return {"seed": seed, "rmse": rmse, "bias": bias, "weights": weights}


def run_case(name, seeds, rerun):
    title, data = case_data(name)
    runs = []
    for seed in seeds:
        runs.append(kept_run(RUNS / f"{name}_seed{seed}.json", rerun, lambda seed=seed: run_seed(data, seed)))
        print(f"{title}, seed {seed}: {runs[-1]['seconds']:.0f} s", flush=True)
    return title, data, runs


def case_markdown(title, data, runs):
    mean_grade = float(np.mean(data.grade))
    seeds = ", ".join(str(run["seed"]) for run in runs)
    lines = [f"### {title}: {len(data.grade)} samples, mean grade {mean_grade:.4g}, fold seeds {seeds}", "",
             "| point estimate | RMSE vs OK, mean | per seed | bias (% of mean) |", "|---|---|---|---|"]
    for name in VARIANTS:
        ratios = [run["rmse"][name] / run["rmse"]["ok"] - 1 for run in runs]
        bias = np.mean([run["bias"][name] for run in runs]) / mean_grade
        lines.append(f"| {name} | {np.mean(ratios):+.1%} | {', '.join(f'{r:+.1%}' for r in ratios)} | {bias:+.1%} |")
    lines.append("")
    for name in runs[0]["weights"]:
        weights = [w for run in runs for w in run["weights"][name]]
        lines.append(f"- Weight on kriging per fold, {name}: {', '.join(f'{w:.1f}' for w in weights)}.")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", nargs="*", default=["walker", "jura_ni", "jura_cd", "copper_lith"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument("--large-seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--rerun", action="store_true")
    args = parser.parse_args()
    sections = [__doc__.split("\n\n    python")[0].split("\n\n", 1)[1]]
    for name in args.cases:
        seeds = args.large_seeds if name in LARGE else args.seeds
        sections.append(case_markdown(*run_case(name, seeds, args.rerun)))
    write_result("point_estimate", "Spatial estimator: the point estimate from the log-grade distribution",
                 "\n\n".join(sections), [])


if __name__ == "__main__":
    main()
