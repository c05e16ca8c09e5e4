"""BNN and deep ensemble: acceptance against Ordinary Kriging under
cross-validation grouped by hole on the sample deposit, and speed.

Acceptance (`demo` sample deposit, 5 folds by hole, the same folds for every
method): the 90% prediction intervals should cover 85-95% of held-out samples,
and the RMSE of the mean grade should be at least 15% below OK's.

Covariates are what a user has per sample, through the plugin's own pipeline:
the drill-log text parsed by the rules of `logtext` (lithology shares,
alteration intensities, logged mineral percentages), joined onto the assay
intervals by hole and depth, and fused with a random-Fourier embedding of the
sample coordinates by `fusion.PCAFusion` (as reegrade:pcafusion), fitted on
each fold's training samples only. Grades are TREO % computed from the lab's
element assays (below-detection as half the limit); rows the preparation stages
would drop (exact duplicates, overlaps, missing elements) are left out.

OK: kriging of TREO % itself (the geologist's usual practice), a nugget plus two
spherical structures fitted on each fold's training samples to an
omnidirectional experimental variogram with 10 m lags, 32 nearest samples,
at most 8 per hole.

Speed: the `large` preset's 2 m composites (its drilling and true grades, as
bench_kriging.py builds them, without the 2.4 GB cube the full preset writes)
with 100 features (pcafusion components of 100 random Fourier features of the
coordinates), default configuration, timed on this machine.
Prediction throughput with 32 posterior samples, and the FLOP rate of the
network's forward pass as a ratio of a plain `torch.mm` of the same FLOP count
in the same run.

`python bench/bench_bnn.py --quick` runs the `small` deposit and fewer
prediction targets, for development only (nothing written).
"""
import argparse
import time

import numpy as np
from common import import_plugin, write_result

import_plugin()

from ree_grade.algorithms.common.parsing import parse_numeric  # noqa: E402
from ree_grade.algorithms.common.predictive import GaussianPredictive  # noqa: E402
from ree_grade.algorithms.common.splits import group_kfold  # noqa: E402
from ree_grade.algorithms.drillholes.interval_join import join_intervals  # noqa: E402
from ree_grade.algorithms.drillholes.oxides import ELEMENTS, treo  # noqa: E402
from ree_grade.algorithms.geostats.experimental import experimental_variogram  # noqa: E402
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging  # noqa: E402
from ree_grade.algorithms.geostats.variogram_fit import fit_variogram  # noqa: E402
from ree_grade.algorithms.logtext.parser import parse_descriptions  # noqa: E402
from ree_grade.algorithms.ml.bnn.model import BNNRegressor  # noqa: E402
from ree_grade.algorithms.ml.bnn.networks import stacked_forward  # noqa: E402
from ree_grade.algorithms.ml.fusion import PCAFusion  # noqa: E402
from ree_grade.algorithms.synthetic.deposit import generate_deposit  # noqa: E402
from ree_grade.algorithms.validation.scores import sample_scores, summarise  # noqa: E402

N_FOLDS = 5
SEED = 0
CUTOFFS = (0.5, 1.5)
# pcafusion settings: 50 random Fourier features of X, Y, Z at a 200 m length
# scale (a few drill-line spacings) and components up to 99% of the variance.
FUSION = dict(variance_threshold=0.99, rff_features=50, length_scale=200.0, seed=SEED, drop_constant=True)


def deposit_table(preset):
    """(xyz, grade, holes, log features, their names) of the sample deposit's assays."""
    deposit = generate_deposit(preset, seed=SEED)
    assays, truth = deposit.assays, deposit.truth["samples"]
    elements = {e: parse_numeric(assays[e], "assays", e, negative_is_below_detection=True).values for e in ELEMENTS}
    grade = treo(elements, missing="null")[0]["TREO_pct"]  # rows missing an element are left out
    keep = (np.asarray(truth["flag"]) == "") & np.isfinite(grade) & (grade > 0)
    logs = deposit.logs
    parsed = parse_descriptions(logs["description"], use_transformer=False).columns
    numeric = {name: np.asarray(values, dtype=float) for name, values in parsed.items()
               if name.startswith(("log_lith_", "log_alt_", "log_min_")) and name != "log_lith_conf"}
    joined = join_intervals(logs["hole_id"], logs["from"], logs["to"], numeric,
                            assays["hole_id"], assays["from"], assays["to"])
    log_names = [n for n in numeric if np.nanstd(joined[n][keep]) > 0]
    xyz = np.column_stack([truth["x"], truth["y"], truth["z"]]).astype(float)
    # An interval no log row covers has logged nothing: 0 % of each mineral and class.
    X = np.column_stack([np.nan_to_num(joined[n], nan=0.0) for n in log_names])
    holes = np.asarray(assays["hole_id"])
    return xyz[keep], grade[keep], holes[keep], X[keep], log_names


def ordinary_kriging(xyz, grade, holes, train, test):
    experimental = experimental_variogram(xyz[train], grade[train], lag=10.0, n_lags=30, seed=SEED)
    model = fit_variogram(experimental, structures=("spherical", "spherical"), seed=SEED).model
    kriging = OrdinaryKriging(model, max_samples=32, max_per_hole=8).fit(xyz[train], grade[train], holes[train])
    out = kriging.predict(xyz[test])
    return GaussianPredictive(out["estimate"], np.sqrt(np.maximum(out["variance"], 0.0)))


def cross_validation(preset):
    xyz, grade, holes, X, names = deposit_table(preset)
    folds = group_kfold(holes, N_FOLDS, seed=SEED)
    rows, decays = [], []
    for fold, (train, test) in enumerate(folds, start=1):
        predictives = {"OK": ordinary_kriging(xyz, grade, holes, train, test)}
        fusion = PCAFusion(**FUSION)
        train_pc = fusion.fit_transform(X[train], names, xyz=xyz[train])
        kept = [names.index(field) for field in fusion.fields_]  # a field constant in training is dropped
        test_pc = fusion.transform(X[test][:, kept], xyz=xyz[test])
        n_components = train_pc.shape[1]
        for method in ("bnn", "ensemble"):
            start = time.perf_counter()
            model = BNNRegressor(method=method, seed=SEED).fit(train_pc, grade[train], holes[train])
            predictives[method] = model.predictive(test_pc)
            if method == "ensemble":
                decays.append(model.weight_decay_)
            print(f"fold {fold} {method}: {time.perf_counter() - start:.0f} s, "
                  f"stopped at {model.metadata_['epochs_run']}"
                  f", spread factor {model.scale_:.2f}", flush=True)
        for method, predictive in predictives.items():
            figures = summarise(sample_scores(predictive, grade[test], CUTOFFS), CUTOFFS)
            rows.append({"fold": fold, "method": method, "components": n_components, **figures})
            print(f"fold {fold} {method}: RMSE {figures['rmse']:.4f}, coverage90 {figures['coverage90']:.3f}",
                  flush=True)
    return rows, {"n": len(grade), "holes": len(set(holes)), "features": names, "decays": decays}


def pooled(rows, method, key):
    """Sample-weighted mean over folds (RMSE pooled as the root of the mean square)."""
    chosen = [r for r in rows if r["method"] == method]
    weights = np.array([r["n"] for r in chosen], dtype=float)
    values = np.array([r[key] for r in chosen])
    if key == "rmse":
        return float(np.sqrt(np.sum(weights * values**2) / weights.sum()))
    return float(np.sum(weights * values) / weights.sum())


def large_case(d):
    """The `large` preset's 2 m composites (their true TREO, seed 0) with `d`
    features: the PCA components of `d` random Fourier features of the
    coordinates (pcafusion), as a user with no other covariate would have;
    (features, grade, holes, coordinates)."""
    from bench_kriging import composite_2m, large_drilling

    xyz, grade, holes = composite_2m(large_drilling()[3])
    keep = grade > 0
    fusion = PCAFusion(n_components=d, rff_features=d, length_scale=200.0, seed=SEED)
    X = fusion.fit_transform(np.empty((int(keep.sum()), 0)), [], xyz=xyz[keep])
    return X, grade[keep], holes[keep], xyz[keep]


def forward_flops(n_targets, n_samples, sizes):
    """Multiply-adds of the batched forward pass, counted as 2 FLOPs each."""
    return 2.0 * n_targets * n_samples * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def speed(d, n_predict, threads):
    """Training times on the `large` preset (one thread, the default) and
    prediction figures on each thread count of `threads`."""
    X, grade, groups, _ = large_case(d)
    n = len(grade)
    figures = {"n_train": n}
    for method in ("bnn", "ensemble"):
        start = time.perf_counter()
        model = BNNRegressor(method=method, seed=SEED).fit(X, grade, groups)
        figures[f"train_{method}_s"] = time.perf_counter() - start
        figures[f"epochs_{method}"] = model.metadata_["epochs_run"]
    bnn = BNNRegressor(method="bnn", seed=SEED, epochs=2).fit(X, grade, groups)
    targets = np.tile(X, (int(np.ceil(n_predict / n)), 1))[:n_predict]
    figures["prediction"] = {n_threads: prediction_speed(bnn, targets, n_threads) for n_threads in threads}
    return figures


def prediction_speed(bnn, targets, n_threads):
    import torch

    from ree_grade.algorithms.ml.bnn.training import deterministic_torch

    bnn.n_threads = n_threads
    out = {}
    start = time.perf_counter()
    bnn.predict_log(targets, n_samples=32)
    out["log_targets_per_s"] = len(targets) / (time.perf_counter() - start)
    start = time.perf_counter()
    bnn.predict(targets, cutoffs=CUTOFFS, n_samples=32)
    out["summary_targets_per_s"] = len(targets) / (time.perf_counter() - start)
    sizes = [targets.shape[1]] + list(bnn.hidden) + [2]
    xs = torch.randn(4096, targets.shape[1])
    weights, biases = bnn.component_weights(32, SEED)
    flops = forward_flops(len(xs), 32, sizes)
    # The reference: a square matrix product of the same FLOP count, which
    # runs near the machine's peak (a thin one of that count is memory-bound).
    side = int(round((flops / 2.0) ** (1.0 / 3.0)))
    a, b = torch.randn(side, side), torch.randn(side, side)
    with deterministic_torch(n_threads), torch.no_grad():
        forward_s = _best_time(lambda: stacked_forward(xs, weights, biases))
        mm_s = _best_time(lambda: torch.mm(a, b))
    out["forward_gflops"] = flops / forward_s / 1e9
    out["mm_gflops"] = 2.0 * side**3 / mm_s / 1e9
    out["flop_ratio"] = out["forward_gflops"] / out["mm_gflops"]
    out["mm_side"] = side
    return out


def _best_time(function, repeats=7):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def report(rows, info, speeds, preset):
    lines = [
        f"Sample deposit `{preset}` (seed {SEED}): {info['n']} assay intervals from {info['holes']} holes, "
        f"{N_FOLDS}-fold cross-validation grouped by hole (`grouped_split.group_kfold`, seed {SEED}); the same "
        "folds for OK, the BNN and the deep ensemble (5 members), all in default configuration.",
        "",
        f"BNN covariates: {len(info['features'])} numeric fields from the drill-log text parsed by `logtext` "
        "rules (lithology shares, alteration intensities, logged mineral %; "
        f"{', '.join(info['features'])}), joined to the assay intervals by depth, and 50 random Fourier "
        "features of the sample coordinates (200 m length scale), fused by `fusion.PCAFusion` into the "
        "components explaining 99% of their variance (components per fold: "
        f"{', '.join(str(r['components']) for r in rows if r['method'] == 'bnn')}), fitted on each fold's "
        "training samples: what a user has through pcafusion, not the deposit's true covariates. OK kriges "
        "TREO % with a two-structure spherical variogram fitted per fold (omnidirectional, 10 m lags), "
        "32 samples, max 8 per hole.",
        "",
        "The ensemble's weight decay is chosen inside each fit on the training holes' own validation holes "
        "(one pilot member per value of 0.001-0.3, all from the same start, at most a quarter of the epochs, "
        "the strongest decay within one standard error of the lowest validation NLL), never on the fold's "
        "test holes; "
        f"chosen per fold: {', '.join(f'{d:g}' for d in info['decays'])}.",
        "",
        "| fold | method | n | RMSE (TREO %) | RMSE vs OK | 90% PI coverage | 90% PI width | CRPS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ok_rmse = {r["fold"]: r["rmse"] for r in rows if r["method"] == "OK"}
    for r in rows:
        change = "" if r["method"] == "OK" else f"{100 * (r['rmse'] / ok_rmse[r['fold']] - 1):+.1f}%"
        lines.append(f"| {r['fold']} | {r['method']} | {r['n']} | {r['rmse']:.4f} | {change} | "
                     f"{r['coverage90']:.3f} | {r['width90']:.3f} | {r['crps']:.4f} |")
    for method in ("OK", "bnn", "ensemble"):
        ratio = pooled(rows, method, "rmse") / pooled(rows, "OK", "rmse")
        change = "" if method == "OK" else f"{100 * (ratio - 1):+.1f}%"
        lines.append(f"| all | {method} | {info['n']} | {pooled(rows, method, 'rmse'):.4f} | {change} | "
                     f"{pooled(rows, method, 'coverage90'):.3f} | {pooled(rows, method, 'width90'):.3f} | "
                     f"{pooled(rows, method, 'crps'):.4f} |")
    lines += [
        "",
        f"Speed ({speeds['case']}, default configuration, torch on one thread as BNNRegressor's default): "
        f"training the BNN {speeds['train_bnn_s']:.1f} s ({speeds['epochs_bnn']} epochs, early stopping), the "
        f"5-member ensemble {speeds['train_ensemble_s']:.1f} s including its weight-decay search "
        f"({speeds['epochs_ensemble']} epochs after it).",
        "",
        f"Prediction with 32 posterior samples ({speeds['n_predict']:,} targets; network = the mixture components "
        f"of log-grade; "
        "with summaries = plus mean, sd, P10/P50/P90 by safeguarded Newton on the mixture CDF and two exceedance "
        "probabilities, as reegrade:predictbnn computes them: chunks of 16,384 targets on that many workers, "
        "each running torch on one thread; FLOP rate of the forward pass on 4,096 targets against a square "
        "torch.mm of the same FLOP count, same run):",
        "",
        "| threads | network targets/s | with summaries targets/s | forward GFLOP/s | torch.mm GFLOP/s | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for n_threads, p in speeds["prediction"].items():
        lines.append(f"| {n_threads} | {p['log_targets_per_s']:,.0f} | {p['summary_targets_per_s']:,.0f} | "
                     f"{p['forward_gflops']:.1f} | {p['mm_gflops']:.1f} ({p['mm_side']}^3) | {p['flop_ratio']:.2f} |")
    return "\n".join(lines)


def targets_for(rows, speeds):
    out = []
    ok = pooled(rows, "OK", "rmse")
    for method in ("bnn", "ensemble"):
        coverage = pooled(rows, method, "coverage90")
        reduction = 1.0 - pooled(rows, method, "rmse") / ok
        out.append({"target": f"{method}: 90% PI coverage, grouped-by-hole CV", "goal": "0.85-0.95",
                    "reached": f"{coverage:.3f}", "met": bool(0.85 <= coverage <= 0.95)})
        out.append({"target": f"{method}: RMSE below OK's, same folds", "goal": ">= 15%",
                    "reached": f"{100 * reduction:.1f}%", "met": bool(reduction >= 0.15)})
    out.append({"target": f"BNN training, `large` preset ({speeds['n_train']:,} x 100), default config",
                "goal": "<= 120 s",
                "reached": f"{speeds['train_bnn_s']:.1f} s", "met": bool(speeds["train_bnn_s"] <= 120)})
    best = max(speeds["prediction"].values(), key=lambda p: p["log_targets_per_s"])
    out.append({"target": "BNN prediction, 32 posterior samples (network)", "goal": ">= 50,000 targets/s",
                "reached": f"{best['log_targets_per_s']:,.0f}/s", "met": bool(best["log_targets_per_s"] >= 50000)})
    best = max(speeds["prediction"].values(), key=lambda p: p["summary_targets_per_s"])
    out.append({"target": "BNN prediction, 32 samples, with summaries", "goal": ">= 50,000 targets/s",
                "reached": f"{best['summary_targets_per_s']:,.0f}/s",
                "met": bool(best["summary_targets_per_s"] >= 50000)})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")

    args = parser.parse_args()
    preset = "small" if args.quick else "demo"
    d, n_predict = (100, 20000) if args.quick else (100, 200000)
    rows, info = cross_validation(preset)
    speeds = speed(d, n_predict, threads=(1, 2))
    speeds.update(case=f"`large` preset, {speeds['n_train']:,} composites x {d} features", n_predict=n_predict)
    markdown = report(rows, info, speeds, preset)
    if args.quick:
        print(markdown)
        return
    write_result("bnn", "Bayesian neural network and deep ensemble", markdown, targets_for(rows, speeds))


if __name__ == "__main__":
    main()
