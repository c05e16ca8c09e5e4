"""k-NN imputation on real data: Jura topsoil metals (259 samples, Goovaerts
1997; the copy in tests/data/jura of ../shared/data/jura), 20 % of the known
values hidden at random (20 seeds), imputed by

- the column mean,
- scikit-learn's KNNImputer(k=5) on the raw metals (no coordinates),
- scikit-learn's KNNImputer(k=5) on standardised metals plus standardised x, y,
- ours, default settings (k = 5, w = 0.5),
- ours with k and w chosen per seed by cross-validation inside the values that
  are still visible (a further 20 % hidden three times), never by the hidden truth,
- ours, default settings, after the Box-Cox stage (and back-transformed).

RMSE per metal, in ppm and in units of the metal's standard deviation. Then the
time to impute 20,000 samples x 20 fields (10 % missing), ours and scikit-learn
side by side."""
import csv
import os
import sys
import time

import numpy as np
from common import REPO, import_plugin, write_result

import_plugin()

from ree_grade.algorithms.geostats.boxcox import BoxCox  # noqa: E402
from ree_grade.algorithms.ml.imputation import KNNImputer3D, mask_at_random, masked_rmse  # noqa: E402

METALS = ["Cd", "Co", "Cr", "Cu", "Ni", "Pb", "Zn"]
SEEDS = range(20)
GRID_K = (3, 5, 8, 12, 20)
GRID_W = (0.0, 0.25, 0.5, 0.75, 1.0)


def load_jura():
    with open(REPO / "tests" / "data" / "jura" / "jura.pred.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    X = np.array([[float(row[m]) for m in METALS] for row in rows])
    xy = np.array([[float(row["Xloc"]), float(row["Yloc"])] for row in rows])
    return X, xy


def column_mean(masked, xy, seed):
    return np.where(np.isnan(masked), np.nanmean(masked, axis=0), masked)


def sklearn_plain(masked, xy, seed):
    from sklearn.impute import KNNImputer

    return KNNImputer(n_neighbors=5).fit_transform(masked)


def sklearn_with_coordinates(masked, xy, seed):
    from sklearn.impute import KNNImputer

    table = np.column_stack([masked, xy])
    mean, sd = np.nanmean(table, axis=0), np.nanstd(table, axis=0)
    filled = KNNImputer(n_neighbors=5).fit_transform((table - mean) / sd) * sd + mean
    return filled[:, : masked.shape[1]]


def ours_default(masked, xy, seed):
    return KNNImputer3D(5, 0.5).fit_transform(masked, xy, METALS)[0]


CHOSEN = []


def ours_tuned(masked, xy, seed):
    scores = {
        (k, w): masked_rmse(masked, xy, METALS, k, w, fraction=0.2, repeats=3, seed=1000 + seed).mean()
        for k in GRID_K for w in GRID_W
    }
    k, w = min(scores, key=scores.get)
    CHOSEN.append((k, w))
    return KNNImputer3D(k, w).fit_transform(masked, xy, METALS)[0]


def ours_after_boxcox(masked, xy, seed):
    transform = BoxCox().fit(masked, METALS)
    filled = KNNImputer3D(5, 0.5).fit_transform(transform.transform(masked), xy, METALS)[0]
    return transform.inverse_transform(filled)


METHODS = [
    ("column mean", column_mean),
    ("scikit-learn KNNImputer(k=5), raw metals", sklearn_plain),
    ("scikit-learn KNNImputer(k=5), standardised metals + x, y", sklearn_with_coordinates),
    ("ours, k=5, w=0.5 (default)", ours_default),
    ("ours, k and w by cross-validation", ours_tuned),
    ("ours, default, on Box-Cox values", ours_after_boxcox),
]


def rmse_per_metal(truth, filled, hidden):
    return np.array([np.sqrt(np.mean((filled[hidden[:, j], j] - truth[hidden[:, j], j]) ** 2))
                     for j in range(truth.shape[1])])


def jura_scores():
    X, xy = load_jura()
    sd = X.std(axis=0)
    raw = {name: [] for name, _ in METHODS}
    for seed in SEEDS:
        hidden = mask_at_random(X, 0.2, np.random.default_rng(seed))
        masked = np.where(hidden, np.nan, X)
        for name, method in METHODS:
            raw[name].append(rmse_per_metal(X, method(masked, xy, seed), hidden))
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    raw = {name: np.array(values) for name, values in raw.items()}
    standardised = {name: values / sd for name, values in raw.items()}
    return raw, standardised


def timing(n=20_000, p=20, missing=0.1, seed=0):
    from sklearn.impute import KNNImputer

    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 3))
    X = latent @ rng.normal(size=(3, p)) + rng.normal(size=(n, p))
    X[rng.random(X.shape) < missing] = np.nan
    xyz = rng.uniform(0, 1000, (n, 3))
    fields = [f"f{j}" for j in range(p)]
    runs = {"ours": lambda: KNNImputer3D(5, 0.5).fit_transform(X, xyz, fields),
            "sklearn": lambda: KNNImputer(n_neighbors=5).fit_transform(X)}
    best = {name: np.inf for name in runs}
    # Alternated and the best of two kept, so a burst of load on a shared
    # machine does not land on one side only.
    for _ in range(2):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    model = KNNImputer3D(5, 0.5).fit(X, xyz, fields)
    targets = rng.uniform(0, 1000, (10 * n, 3))
    start = time.perf_counter()
    model.transform(np.full((len(targets), p), np.nan), targets)
    return best["ours"], best["sklearn"], time.perf_counter() - start


def table(raw, standardised):
    head = "| method | " + " | ".join(METALS) + " | mean (sd units) |\n|---|" + "---|" * (len(METALS) + 1) + "\n"
    lines = []
    for name, _ in METHODS:
        cells = [f"{r:.3g} ({s:.3f})" for r, s in zip(raw[name].mean(axis=0), standardised[name].mean(axis=0))]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | **{standardised[name].mean():.3f}** |")
    return head + "\n".join(lines)


def main():
    raw, standardised = jura_scores()
    ours = standardised["ours, k=5, w=0.5 (default)"].mean()
    tuned = standardised["ours, k and w by cross-validation"].mean()
    mean = standardised["column mean"].mean()
    sklearn = standardised["scikit-learn KNNImputer(k=5), raw metals"].mean()
    sklearn_xy = standardised["scikit-learn KNNImputer(k=5), standardised metals + x, y"].mean()
    ours_s, sklearn_s, blank_s = timing()
    load = os.getloadavg()[0]
    chosen = {}
    for setting in CHOSEN:
        chosen[setting] = chosen.get(setting, 0) + 1
    chosen_text = ", ".join(f"k={k}, w={w:g} ({n}x)" for (k, w), n in sorted(chosen.items(), key=lambda kv: -kv[1]))
    wins = (standardised["ours, k=5, w=0.5 (default)"] < standardised["scikit-learn KNNImputer(k=5), raw metals"])
    markdown = (
        "Jura topsoil (259 samples, 7 metals, Goovaerts 1997): 20 % of the known values of each metal hidden at "
        f"random, {len(SEEDS)} seeds; RMSE on the hidden values in ppm, and in brackets in units of the metal's "
        "standard deviation, averaged over the seeds. Lower is better.\n\n"
        + table(raw, standardised)
        + "\n\n"
        f"Cross-validated settings chosen over the seeds (grid k {GRID_K}, w {GRID_W}, chosen only from the still "
        f"visible values): {chosen_text}.\n\n"
        f"Ours (default) beats raw-metal scikit-learn KNNImputer on {int(wins.sum())} of {wins.size} "
        "metal x seed cases. Ratio ours / scikit-learn (mean standardised RMSE): "
        f"{ours / sklearn:.3f} (default), {tuned / sklearn:.3f} (cross-validated). Most of that gain comes from "
        "standardising the metals and using position: against scikit-learn given standardised metals plus x, y "
        f"as features the ratio is {ours / sklearn_xy:.3f}; the mixed distance's advantage over that is small.\n\n"
        f"Speed, 20,000 samples x 20 fields, 10 % missing, k = 5: ours {ours_s:.1f} s (exact: every target "
        f"against every donor), scikit-learn KNNImputer {sklearn_s:.1f} s, measured side by side in one run "
        "(alternated, best of two each). Ours runs its blocks of targets on a thread per core (up to 8); "
        "KNNImputer has no such option, though both use multi-threaded BLAS for the distance products. "
        f"Imputing 200,000 prediction targets that have none of the 20 fields from those 20,000 samples "
        f"(the k-d tree path) took {blank_s:.1f} s. "
        f"Load average during the timing: {load:.1f} on {os.cpu_count()} cores, so absolute times on a shared "
        "machine are inflated; the ratio is the figure to read."
    )
    targets = [
        {"target": "knnimpute RMSE below the column mean (Jura, 20 % hidden, mean sd units)",
         "goal": "< column mean", "reached": f"{ours:.3f} vs {mean:.3f}", "met": bool(ours < mean)},
        {"target": "knnimpute / scikit-learn KNNImputer(k=5) RMSE ratio (Jura, default settings)",
         "goal": "< 1", "reached": f"{ours / sklearn:.3f}", "met": bool(ours < sklearn)},
        {"target": "knnimpute / scikit-learn KNNImputer(k=5) RMSE ratio (Jura, cross-validated k and w)",
         "goal": "< 1", "reached": f"{tuned / sklearn:.3f}", "met": bool(tuned < sklearn)},
        {"target": "knnimpute time, 20,000 x 20 (10 % missing) vs scikit-learn KNNImputer",
         "goal": "no slower than scikit-learn", "reached": f"{ours_s:.1f} s vs {sklearn_s:.1f} s",
         "met": bool(ours_s <= sklearn_s)},
    ]
    write_result("imputation", "k-NN imputation (knnimpute) on Jura", markdown, targets)


if __name__ == "__main__":
    main()
