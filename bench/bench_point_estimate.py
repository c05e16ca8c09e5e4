"""The step from the stacked network's log-grade distribution to a point
estimate (issue 13, item 2), measured side by side on the same fits.

On heavy-tailed grades the lognormal mean exp(mu + sigma^2 / 2) explodes, so
the shipped estimator's point is the network's median, scaled by one factor
fitted on calibration holes and top-cut at the 99.5th percentile, then pooled
with OK (w chosen on those holes). Each alternative below replaces only that
point, on the very same fitted network and kriging, and is pooled under the
same guard (w and the interval stretch chosen again on the same calibration
holes), so a difference is the point estimate's alone:

- `shipped`: the scaled, top-cut median, pooled (what trainbnn trains);
- `median only`: the same point without the pool (w = 0);
- `capped mean`: the members' lognormal mean, top-cut, pooled;
- `smearing`: Duan's (1983) smearing, median x mean(grade / median) over the
  calibration samples, top-cut, pooled;
- `grade-scale head`: a linear head on the grade scale (ridge, penalty 1000 on
  standardised columns) over the ensemble's last hidden layer and the OK
  estimate, fitted on the network's training rows: the mean head beside the
  distribution, without retraining; pooled;
- `calibration regression`: grade ~ a + b OK + c median on the calibration
  holes (it mixes OK itself, so it is not pooled again);
- references on the same folds: `rk` (the registry's regression kriging) and a
  gradient-boosted tree model (scikit-learn's HistGradientBoostingRegressor on
  coordinates, covariates and the leave-hole-out OK estimate and sd: what a
  grade-scale learner gets from the same inputs).

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

import torch  # noqa: E402

from ree_grade.algorithms.common.predictive import LogNormalMixturePredictive  # noqa: E402
from ree_grade.algorithms.common.splits import group_holdout, group_kfold  # noqa: E402
from ree_grade.algorithms.geostats.regression_kriging import RegressionKriging  # noqa: E402
from ree_grade.algorithms.ml.bnn.architecture import layer_tensors  # noqa: E402
from ree_grade.algorithms.ml.stacked import CALIBRATION_SEED_OFFSET, StackedNetwork  # noqa: E402

RUNS = Path(__file__).resolve().parent / "results" / "point_runs"
VARIANTS = ("ok", "shipped", "median only", "capped mean", "smearing", "grade-scale head", "calibration regression",
            "rk", "boosted trees")
HEAD_PENALTY = 1000.0


def last_hidden_layer(network, features):
    """(n, members x width): the ensemble's last hidden activations (the
    network's internals: a bench may look inside, the plugin does not)."""
    weights, biases = layer_tensors(network.tensors_, "weight"), layer_tensors(network.tensors_, "bias")
    a = network._standardised(features).unsqueeze(0).expand(weights[0].shape[0], -1, -1)
    with torch.no_grad():
        for w, b in zip(weights[:-1], biases[:-1]):
            a = torch.baddbmm(b, a, w).relu()
    return a.transpose(0, 1).reshape(len(features), -1).double().numpy()


def ridge(A, y, penalty):
    center, scale = A.mean(axis=0), A.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (A - center) / scale
    coef = np.linalg.solve(Z.T @ Z + penalty * np.eye(Z.shape[1]), Z.T @ (y - y.mean()))
    return lambda B: ((B - center) / scale) @ coef + y.mean()


def training_inputs(model, X):
    """Features of the network's own training rows (leave-hole-out kriging)."""
    estimate, sd = model._kriging_inputs(model.kriging_.leave_group_out())
    return model._features(X, estimate, sd), estimate, sd


def fold_estimates(model, X_train, holes_train, X_test, trained, inputs):
    """{variant: point estimate at X_test} for one fitted model; `trained`:
    `training_inputs` of its training rows, `inputs`: its `pool_inputs` at
    X_test (`rk` and the trees are added by the caller)."""
    cal = model.calibration_inputs_
    median_test = LogNormalMixturePredictive(inputs["mu"], inputs["sigma"]).quantile(0.5)
    median_cal = LogNormalMixturePredictive(cal["mu"], cal["sigma"]).quantile(0.5)
    cut = lambda v: np.clip(v, model.floor_, model.top_cut_)  # noqa: E731
    out = {"shipped": model.predictive(X_test).mean, "median only": inputs["network_point"]}
    points = {
        "capped mean": (cut(LogNormalMixturePredictive(cal["mu"], cal["sigma"]).mean),
                        cut(LogNormalMixturePredictive(inputs["mu"], inputs["sigma"]).mean)),
        "smearing": (cut(median_cal * np.mean(cal["grade"] / median_cal)),
                     cut(median_test * np.mean(cal["grade"] / median_cal))),
    }
    features, estimate, _ = trained
    rest, _ = group_holdout(holes_train, model.calibration_fraction, model.seed + CALIBRATION_SEED_OFFSET)
    cal_rows = np.setdiff1d(np.arange(len(X_train)), rest)
    head = ridge(np.column_stack([last_hidden_layer(model.network_, features[rest]), estimate[rest]]),
                 model.samples_[1][rest], HEAD_PENALTY)
    head_at = lambda F, e: cut(head(np.column_stack([last_hidden_layer(model.network_, F), e])))  # noqa: E731
    points["grade-scale head"] = (head_at(features[cal_rows], estimate[cal_rows]),
                                  head_at(model._features(X_test, inputs["ok_estimate"], inputs["ok_sd"]),
                                          inputs["ok_estimate"]))
    for name, (at_calibration, at_test) in points.items():
        out[name] = model.pool_with_point(at_calibration, dict(inputs, network_point=at_test))[0].mean
    design = lambda e, m: np.column_stack([np.ones(len(e)), e, m])  # noqa: E731
    coef = np.linalg.lstsq(design(cal["ok_estimate"], median_cal), cal["grade"], rcond=None)[0]
    out["calibration regression"] = cut(design(inputs["ok_estimate"], median_test) @ coef)
    out["ok"] = inputs["ok_estimate"]
    return out


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
    weights = []
    for train, test in group_kfold(holes, N_FOLDS, seed):
        model = StackedNetwork(epochs=400, n_members=5, max_samples=32, seed=seed, label="training fold")
        model.fit(X[train], y[train], holes[train])
        trained, inputs = training_inputs(model, X[train]), model.pool_inputs(X[test])
        fold = fold_estimates(model, X[train], holes[train], X[test], trained, inputs)
        _, estimate, sd = trained
        fold["boosted trees"] = boosted_trees(X[train], model.samples_[1], (estimate, sd), X[test],
                                              (inputs["ok_estimate"], inputs["ok_sd"]))
        rk = RegressionKriging(max_samples=32, seed=seed, label="training fold").fit(X[train], y[train], holes[train])
        fold["rk"] = rk.predictive(X[test]).mean
        for name, values in fold.items():
            estimates[name][test] = values
        weights.append(model.weight_)
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
    weights = [w for run in runs for w in run["weights"]]
    lines.append("")
    lines.append(f"Shipped pool's weight on kriging per fold: {', '.join(f'{w:.1f}' for w in weights)}.")
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
