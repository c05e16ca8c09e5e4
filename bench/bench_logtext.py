"""reegrade:parselogs measured: lithology accuracy and macro-F1 against the
Bungendore water-bore labels (MajorLithCode mapped onto the vocabulary), the
transformer threshold chosen by cross-validation grouped by bore, the
alteration/mineral fields against the sample deposit's truth, and throughput."""
import csv
import os
import time

import numpy as np
from common import REPO, import_plugin, write_result

import_plugin()

from ree_grade.algorithms.logtext import parser as logtext  # noqa: E402
from ree_grade.algorithms.logtext.embedding import TextEmbedder  # noqa: E402
from ree_grade.algorithms.logtext.rules import split_clauses  # noqa: E402
from ree_grade.algorithms.logtext.vocabulary import load_vocabulary  # noqa: E402

BUNGENDORE = REPO / "tests" / "data" / "bungendore" / "litho_logs_sample.csv"
# MajorLithCode -> vocabulary class. Codes that name a rock or sediment are
# mapped; codes that only describe (colour, grain size, hardness, weathering:
# FINE, CRSE, YWBN, HDBD, SFBD, WRCK, ...), generic ones (ROCK, BDRK) and unknown
# ones (SDLC, 23, None) are left out of the scoring.
LITH_MAP = {
    "CLAY": "clay", "SDCY": "clay", "GRVL": "gravel", "SAND": "sand", "FSND": "sand", "SHLE": "shale",
    "CLSN": "shale", "TPSL": "soil_regolith", "SOIL": "soil_regolith", "SILT": "silt", "SLSN": "siltstone",
    "SDSN": "sandstone", "CGLM": "conglomerate", "SLTE": "metamorphic", "PHLT": "metamorphic",
    "QRTZ": "quartz_vein", "GRNT": "granite",
}
# Codes that say the interval is rock without saying which: the right answer
# for these is no class, so they tell the threshold what to reject.
NO_LITHOLOGY_CODES = ("ROCK", "BDRK", "UNKN", "CNZC")
THRESHOLDS = np.round(np.arange(0.20, 0.801, 0.025), 3)
N_FOLDS = 5
SEED = 0


def read_bungendore():
    with open(BUNGENDORE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def macro_f1(truth, predicted):
    from sklearn.metrics import f1_score

    labels = sorted(set(truth))
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


def accuracy(truth, predicted):
    return float(np.mean([t == p for t, p in zip(truth, predicted)]))


def bore_folds(bores):
    """Fold number per row; whole bores go to one fold (seeded shuffle)."""
    unique = sorted(set(bores))
    order = np.random.default_rng(SEED).permutation(len(unique))
    fold_of = {unique[i]: k % N_FOLDS for k, i in enumerate(order)}
    return np.array([fold_of[b] for b in bores])


def thresholded(sims, classes, threshold):
    top = sims.argmax(axis=1)
    return [classes[k] if sims[i, k] >= threshold else "none" for i, k in enumerate(top)]


def net_correct(truth, predicted):
    """+1 a right class, -1 a wrong one (also a class given to a description
    that names none), 0 no class: a wrong lithology misleads a model, a missing
    one is imputed."""
    return sum(0 if p == "none" else (1 if p == t else -1) for t, p in zip(truth, predicted))


def choose_thresholds(truth, sims, classes, folds):
    """Per fold, the threshold with the best net_correct on the other folds."""
    truth = np.asarray(truth, dtype=object)
    chosen = []
    for k in range(N_FOLDS):
        train = folds != k
        scores = [net_correct(truth[train], thresholded(sims[train], classes, t)) for t in THRESHOLDS]
        chosen.append(float(THRESHOLDS[int(np.argmax(scores))]))
    return chosen


def held_out(sims, classes, folds, chosen):
    predicted = np.empty(len(sims), dtype=object)
    for k, threshold in enumerate(chosen):
        test = folds == k
        predicted[test] = thresholded(sims[test], classes, threshold)
    return list(predicted)


def bungendore_section(embedder):
    rows = read_bungendore()
    tuning = [r for r in rows if r["MajorLithCode"] in LITH_MAP or r["MajorLithCode"] in NO_LITHOLOGY_CODES]
    tuning_truth = [LITH_MAP.get(r["MajorLithCode"], "none") for r in tuning]
    scored = [i for i, t in enumerate(tuning_truth) if t != "none"]
    negatives = [i for i, t in enumerate(tuning_truth) if t == "none"]
    truth = [tuning_truth[i] for i in scored]
    vocabulary = load_vocabulary()
    rules = logtext.parse_descriptions([tuning[i]["Description"] for i in scored], vocabulary, use_transformer=False)
    rule_pred = [p if p is not None else "none" for p in rules.columns["log_lith"]]
    matcher = logtext.LithologyMatcher(vocabulary, embedder)
    sims = logtext.best_clause_similarities(matcher, [split_clauses(r["Description"]) for r in tuning])
    folds = bore_folds([r["BoreID"] for r in tuning])
    chosen = choose_thresholds(tuning_truth, sims, matcher.classes, folds)
    transformer_all = held_out(sims, matcher.classes, folds, chosen)
    transformer_cv = [transformer_all[i] for i in scored]
    combined_cv = [r if r != "none" else t for r, t in zip(rule_pred, transformer_cv)]
    negatives_accepted = sum(transformer_all[i] != "none" for i in negatives)
    all_rows = logtext.parse_descriptions([r["Description"] for r in rows], vocabulary, embedder=embedder)
    majority = max(set(truth), key=truth.count)
    return {
        "n_rows": len(rows), "n_scored": len(scored), "n_negatives": len(negatives),
        "negatives_accepted": negatives_accepted, "n_bores": len({r["BoreID"] for r in rows}),
        "majority": (majority, accuracy(truth, [majority] * len(truth)), macro_f1(truth, [majority] * len(truth))),
        "rules": (accuracy(truth, rule_pred), macro_f1(truth, rule_pred), rule_pred.count("none")),
        "transformer_cv": (accuracy(truth, transformer_cv), macro_f1(truth, transformer_cv),
                           transformer_cv.count("none")),
        "combined_cv": (accuracy(truth, combined_cv), macro_f1(truth, combined_cv), combined_cv.count("none")),
        "chosen": chosen,
        "unscored_counts": all_rows.counts,
        "unscored_examples": _transformer_examples(rows, all_rows),
        "classes": sorted(set(truth)),
    }


def _transformer_examples(rows, result):
    out = []
    for r, lith, source, conf in zip(rows, result.columns["log_lith"], result.columns["log_source"],
                                     result.columns["log_lith_conf"]):
        if source == "transformer":
            out.append(f"'{r['Description']}' ({r['MajorLithCode']}) -> {lith} ({conf:.2f})")
    return sorted(set(out))


def deposit_section():
    """Rules + transformer on the sample deposit's logs against the truth each
    description was written from."""
    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    deposit = generate_deposit(preset="small", seed=0)
    descriptions = list(deposit["logs"]["description"])
    truth = deposit["truth"]["logs"]
    columns = logtext.parse_descriptions(descriptions).columns
    true_lith = ["soil_regolith" if t == "overburden" else t for t in truth["lithology"]]
    rows = [("lithology", "class", None, accuracy(true_lith, list(columns["log_lith"])))]
    for process in ("fluoritisation", "baritisation", "fenitisation", "weathering"):
        got, true = columns[f"log_alt_{process}"], np.asarray(truth[process], dtype=float)
        rows.append((f"log_alt_{process}", "intensity 0-4 (truth 0-3)", float(np.mean(np.abs(got - true))),
                     float(np.mean(np.round(got) == true))))
    for mineral in ("bastnaesite", "fluorite", "barite"):
        got, true = columns[f"log_min_{mineral}_pct"], np.asarray(truth[f"{mineral}_pct"], dtype=float)
        rows.append((f"log_min_{mineral}_pct", f"% (true mean {true.mean():.2f})", float(np.mean(np.abs(got - true))),
                     float(np.corrcoef(got, true)[0, 1])))
    return rows, descriptions


def throughput(descriptions, loaded):
    """Descriptions per second, rules + transformer, with an empty embedding
    cache (model loaded) and again warm; and the worst case, every clause of
    every description sent to the model."""
    embedder = loaded.with_empty_cache()
    timings = {}
    for label in ("cold", "warm"):
        start = time.perf_counter()
        logtext.parse_descriptions(descriptions, embedder=embedder)
        timings[label] = len(descriptions) / (time.perf_counter() - start)
    heavy = loaded.with_empty_cache()
    start = time.perf_counter()
    matcher = logtext.LithologyMatcher(load_vocabulary(), heavy)
    logtext.best_clause_similarities(matcher, [split_clauses(d) for d in descriptions])
    timings["all_clauses_cold"] = len(descriptions) / (time.perf_counter() - start)
    timings["texts_embedded"] = heavy.texts_embedded
    return timings


def main():
    start = time.perf_counter()
    embedder = TextEmbedder(threads=2)
    embedder.load()
    load_s = time.perf_counter() - start
    b = bungendore_section(embedder.with_empty_cache())
    deposit = deposit_section()
    descriptions = [r["Description"] for r in read_bungendore()] + deposit[1]
    speed = throughput(descriptions, embedder)
    speed["load_s"] = load_s
    markdown = render(b, deposit, speed, len(descriptions))
    targets = [
        {"target": "Bungendore lithology accuracy, rules + transformer (threshold by CV grouped by bore)",
         "goal": ">= 0.85", "reached": f"{b['combined_cv'][0]:.3f}", "met": b["combined_cv"][0] >= 0.85},
        {"target": "Bungendore lithology accuracy, transformer alone (CV grouped by bore)",
         "goal": "reported (no goal)", "reached": f"{b['transformer_cv'][0]:.3f}", "met": True},
        {"target": "parselogs throughput, 2 threads, embedding cache cold (model loaded)",
         "goal": ">= 200 descriptions/s", "reached": f"{speed['cold']:.0f}/s", "met": speed["cold"] >= 200},
        {"target": "parselogs throughput, warm cache", "goal": "> cold", "reached": f"{speed['warm']:.0f}/s",
         "met": speed["warm"] > speed["cold"]},
    ]
    fluor = next(r for r in deposit[0] if r[0] == "log_alt_fluoritisation")
    targets.append({"target": "sample deposit fluoritisation class accuracy (rules + transformer)",
                    "goal": "measured", "reached": f"{fluor[3]:.3f}", "met": True})
    write_result("logtext", "Log text parsing (parselogs)", markdown, targets)


def render(b, deposit, speed, n_descriptions):
    majority, maj_acc, maj_f1 = b["majority"]
    lines = [
        f"Bungendore water-bore logs (CSIRO pyela sample): {b['n_rows']} intervals in {b['n_bores']} bores; "
        f"{b['n_scored']} have a MajorLithCode that names a lithology and are scored (mapping in "
        "`bench/bench_logtext.py` and `tests/data/README.md`). Classes: " + ", ".join(b["classes"]) + ".",
        "",
        "| variant | accuracy | macro-F1 | no class |",
        "|---|---|---|---|",
        f"| majority class ({majority}) | {maj_acc:.3f} | {maj_f1:.3f} | 0 |",
        f"| rules only | {b['rules'][0]:.3f} | {b['rules'][1]:.3f} | {b['rules'][2]} |",
        f"| transformer alone, threshold by CV | {b['transformer_cv'][0]:.3f} | {b['transformer_cv'][1]:.3f} | "
        f"{b['transformer_cv'][2]} |",
        f"| rules + transformer, threshold by CV | {b['combined_cv'][0]:.3f} | {b['combined_cv'][1]:.3f} | "
        f"{b['combined_cv'][2]} |",
        "",
        f"Threshold: {N_FOLDS}-fold cross-validation grouped by bore (seed {SEED}). The tuning rows are the "
        f"scored rows plus the {b['n_negatives']} rows whose code says rock without saying which (ROCK, BDRK, UNKN, "
        "CNZC: the right answer is no class). In each fold the threshold with the best net score of the "
        "transformer alone on the other folds (+1 a right class, -1 a wrong one, 0 no class: a wrong lithology "
        "misleads a model, a missing one is imputed) is applied to the held-out fold. Chosen per fold: "
        + ", ".join(f"{t:.3f}" for t in b["chosen"]) + f"; the shipped default is {logtext.DEFAULT_THRESHOLD}. "
        f"On the held-out folds the transformer alone gave a class to {b['negatives_accepted']} of the "
        f"{b['n_negatives']} no-class rows: the similarity of MiniLM to a prototype separates 'Bedrock' from "
        "'Clay' poorly, so the threshold mostly guards against clauses that are not rock descriptions at all. "
        "Macro-F1 averages over the scored classes; rare classes (granite 2, metamorphic 5 rows) weigh as much "
        "as clay (404).",
        "",
        "Caveat, honestly: the rules' vocabulary was written by someone who had read these descriptions, so "
        "the rules' row is an in-sample figure (the codes are drillers' codes that follow their first noun); "
        "the transformer-alone row is the out-of-sample measure of the learned part. The rules leave "
        f"{b['rules'][2]} scored descriptions without a lithology, so the transformer changes nothing or almost "
        "nothing there; it acts on unscored rows (generic 'Bedrock', 'Yellow rock', 'Driller'), where with the "
        "default threshold its guesses are:",
        "",
    ]
    lines += [f"- {e}" for e in b["unscored_examples"]] or ["- (none above the threshold)"]
    lines += ["", f"Counts over all {b['n_rows']} rows: {b['unscored_counts']}.", ""]
    deposit_rows, deposit_descriptions = deposit
    lines += [
        f"Sample deposit (`generate_deposit('small', seed=0)`, {len(deposit_descriptions)} log intervals written "
        "by four simulated loggers who estimate percentages by eye with about 30 % relative error), rules + "
        "transformer against the truth each description was written from. Alteration truth is a class 0-3 "
        "(none, weak, moderate, strong), so 'class accuracy' compares the rounded parsed intensity; for minerals "
        "the last column is the Pearson correlation. The loggers' own error is in these figures.",
        "",
        "| field | unit | MAE | class accuracy / correlation |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {unit} | {'' if mae is None else f'{mae:.3f}'} | {score:.3f} |"
              for name, unit, mae, score in deposit_rows]
    lines += [
        "",
        "Known misses: the terse logger writes 'NA' for sodic (fenite) alteration, which the vocabulary does not "
        "read because NA means 'not available' in most tables; weathering is written without a degree "
        "('oxidised'), which reads as the vocabulary's default 2 when the truth is 2 or 3. Caveat: the "
        "vocabulary gained the generator's abbreviations (SOV, BXA, SYN, FNT, GRN, DYK, OB; FLU/BAR with an "
        "intensity word as alteration) after its texts were read, so these are in-sample figures for the rules, "
        "not a test on unseen logging styles.",
    ]
    lines += [
        "",
        f"Throughput on {n_descriptions} descriptions, rules + transformer, 2 torch threads: model load "
        f"{speed['load_s']:.1f} s including the imports of torch and transformers (once per QGIS session), "
        f"then {speed['cold']:.0f} descriptions/s with an empty "
        f"embedding cache and {speed['warm']:.0f}/s warm. Worst case, every clause of every description sent to "
        f"the model ({speed['texts_embedded']} distinct clauses): {speed['all_clauses_cold']:.0f} descriptions/s. "
        f"CPU shared with other jobs while measured.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
