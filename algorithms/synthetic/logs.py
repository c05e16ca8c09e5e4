"""Drill-log intervals of the synthetic deposit and the free text four
different loggers would write for them, with the truth each text came from.

Intervals follow lithology contacts and changes of fluoritisation intensity
(as a logger breaks core), long runs split below 20 m. Each logger has a
style (verbose sentences, terse codes, shorthand notes, qualitative words),
spelling habits (fluoritisation/fluoritization, bastnaesite/bastnäsite/
bastnasite, aegirine/aegerine) and estimates mineral percentages by eye (about
30 % relative error, rounded as loggers round).
"""
import numpy as np

from .geology import BRECCIA, CARBONATITE, DYKE, FENITE, GRANITE, OVERBURDEN, SYENITE, UNITS

LOGGERS = ("verbose", "terse", "notes", "qualitative")
INTENSITY_NAMES = ("none", "weak", "moderate", "strong")
ALTERATIONS = ("fluoritisation", "baritisation", "fenitisation", "weathering")
MINERALS = ("bastnaesite", "fluorite", "barite")
# Continuous intensity (0..1) -> class 0..3.
INTENSITY_BOUNDS = (0.15, 0.4, 0.7)
PERVASIVE_AT = 0.6

LITH_WORDS = {
    CARBONATITE: (["carbonatite", "calcite carbonatite (soevite)", "soevite", "sövite", "sovite carbonatite"],
                  ["CARB", "CBT", "SOV"]),
    BRECCIA: (["carbonatite breccia", "hydrothermal breccia", "breccia", "brecciated carbonatite"], ["BX", "BXA"]),
    SYENITE: (["aegirine syenite", "aegirine-augite syenite", "syenite", "aegerine syenite"], ["SYN", "AEG SY", "SY"]),
    FENITE: (["fenite", "fenitised granite", "fenitized granite", "fenite (altered granite)"], ["FEN", "FNT"]),
    GRANITE: (["granite", "biotite granite", "alkali-feldspar granite", "grey granite"], ["GRN", "GR"]),
    DYKE: (["diabase dyke", "dolerite dyke", "mafic dike", "diabase dike"], ["DYK", "DK", "DOL DYKE"]),
    -1: (["soil and colluvium", "overburden", "colluvium, poor recovery"], ["OB", "SOIL"]),
}
TEXTURES = ("fine-grained", "medium-grained", "coarse-grained", "massive", "banded")
COLOURS = {CARBONATITE: ("white", "pale grey", "cream"), BRECCIA: ("grey", "brown-grey"),
           SYENITE: ("pink-grey", "greenish grey", "pink"), FENITE: ("pink", "red-brown", "mottled green-pink"),
           GRANITE: ("grey", "pale pink"), DYKE: ("dark green", "black", "dark grey"), -1: ("brown",)}
ALTERATION_WORDS = {
    "fluoritisation": (["fluoritisation", "fluoritization", "fluorite alteration"], ["FL alt", "FLU"]),
    "baritisation": (["baritisation", "baritization", "barite alteration"], ["BA alt", "BAR"]),
    "fenitisation": (["fenitisation", "fenitization", "sodic (fenite) alteration"], ["FEN alt", "NA"]),
}
INTENSITY_WORDS = {1: (["weak", "minor", "slight"], ["wk", "w"]), 2: (["moderate"], ["mod", "m", "mod."]),
                   3: (["strong", "intense"], ["str", "s", "int"])}
PERVASIVE_WORDS = (["pervasive", "pervasively developed"], ["perv", "pv"])
LOCAL_WORDS = (["patchy", "fracture-controlled", "vein-controlled"], ["patchy", "frac ctrl", "vn"])
MINERAL_WORDS = {
    "bastnaesite": (["bastnaesite", "bastnäsite", "bastnasite", "bastnesite"], ["bast", "bsn", "BAS"]),
    "fluorite": (["fluorite", "purple fluorite"], ["fl", "FL", "fluor"]),
    "barite": (["barite", "baryte"], ["bar", "brt", "BA"]),
}
WEATHERING_WORDS = (["oxidised", "oxidized, limonitic", "weathered, clay-altered"], ["OX", "WX", "lim"])
AMOUNT_WORDS = ((0.0, "trace"), (1.0, "minor"), (5.0, "common"), (15.0, "abundant"))


def intensity_class(values):
    return np.digitize(np.asarray(values, dtype=float), INTENSITY_BOUNDS)


def log_segments(lith, fluor_class, step):
    """(start index, end index) of log intervals over samples `step` m apart:
    breaks at lithology contacts and fluoritisation class changes, runs
    shorter than 2 m merged into the one above, runs over 20 m split."""
    key = lith * 10 + fluor_class
    cuts = [0] + list(np.flatnonzero(np.diff(key)) + 1) + [len(key)]
    runs = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        if runs and (b - a) * step < 2.0 and lith[a] == lith[runs[-1][0]]:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    out = []
    for a, b in runs:
        pieces = int(np.ceil((b - a) * step / 20.0))
        edges = np.linspace(a, b, pieces + 1).round().astype(int)
        out.extend(zip(edges[:-1], edges[1:]))
    return out


def interval_truth(lith, props, minerals, a, b):
    """Truth of one log interval: lithology (most common), mean mineral
    percentages, alteration classes and whether the main alteration is
    pervasive."""
    codes, counts = np.unique(lith[a:b], return_counts=True)
    code = int(codes[np.argmax(counts)])
    means = {name: float(np.mean(props[name][a:b])) for name in ALTERATIONS}
    truth = {"lithology": OVERBURDEN if code < 0 else UNITS[code][0], "code": code}
    for name in MINERALS:
        truth[f"{name}_pct"] = round(float(np.mean(minerals[f"{name}_pct"][a:b])), 3)
    for name in ALTERATIONS:
        truth[name] = int(intensity_class(means[name]))
    main = max(("fluoritisation", "baritisation", "fenitisation"), key=lambda n: means[n])
    truth["pervasive"] = bool(means[main] >= PERVASIVE_AT)
    truth["main_alteration"] = main if truth[main] > 0 else "none"
    return truth


def describe(rng, truth, logger):
    """Free text for one interval in the style of `logger`."""
    terse = logger == "terse"
    pick = _picker(rng, terse)
    code = truth["code"]
    parts = [_lithology_text(rng, pick, code, logger)]
    if code >= 0:
        parts.extend(_alteration_texts(rng, pick, truth, logger))
        minerals = [_mineral_text(rng, pick, name, truth[f"{name}_pct"], logger) for name in MINERALS]
        minerals = [m for m in minerals if m]
        if minerals:
            parts.append(", ".join(minerals))
    if truth["weathering"] >= 2 and code >= 0:
        parts.append(pick(WEATHERING_WORDS))
    parts = [p for p in parts if p]
    if logger == "verbose":
        return " ".join(p[0].upper() + p[1:] + "." for p in parts)
    return {"terse": "; ", "notes": ", ", "qualitative": ", "}[logger].join(parts)


def _picker(rng, terse):
    def pick(words):
        options = words[1] if terse else words[0]
        return options[rng.integers(len(options))]

    return pick


def _lithology_text(rng, pick, code, logger):
    name = pick(LITH_WORDS[code])
    if logger == "verbose":
        colours = COLOURS[code]
        return f"{colours[rng.integers(len(colours))]} {TEXTURES[rng.integers(len(TEXTURES))]} {name}"
    if logger == "notes" and rng.uniform() < 0.5:
        return name.capitalize()
    return name


def _alteration_texts(rng, pick, truth, logger):
    texts = []
    for name in ("fluoritisation", "baritisation", "fenitisation"):
        level = truth[name]
        if level == 0 or (name == "fenitisation" and truth["code"] == FENITE and logger == "qualitative"):
            continue
        intensity = pick(INTENSITY_WORDS[level])
        word = pick(ALTERATION_WORDS[name])
        style = ""
        if name == truth["main_alteration"]:
            style = pick(PERVASIVE_WORDS) if truth["pervasive"] else pick(LOCAL_WORDS)
        if logger == "terse":
            texts.append(" ".join(w for w in (word, intensity, style) if w))
        elif logger == "notes":
            texts.append(" ".join(w for w in ("w/", intensity, style, word) if w))
        else:
            texts.append(" ".join(w for w in (intensity, style, word) if w))
    return texts


def _mineral_text(rng, pick, name, true_pct, logger):
    estimate = true_pct * np.exp(rng.normal(0.0, 0.3))
    word = pick(MINERAL_WORDS[name])
    if estimate < 0.3:
        if true_pct > 0.1 and rng.uniform() < 0.5:
            return f"tr {word}" if logger in ("terse", "notes") else f"trace {word}"
        return f"no {word}" if name == "bastnaesite" and logger == "verbose" and rng.uniform() < 0.3 else ""
    if logger == "qualitative":
        amount = [label for bound, label in AMOUNT_WORDS if estimate >= bound][-1]
        return f"{amount} {word}" if name != "bastnaesite" or estimate < 2 else f"visible {word}, {amount}"
    value = _logger_round(estimate)
    forms = {
        "verbose": (f"{word} {value}%", f"{value}% {word}", f"{word} approximately {value}%"),
        "terse": (f"{word} {value}%", f"{word} {value}"),
        "notes": (f"{word} ~{value} %", f"{word} ca. {value}%", f"{word} vis ~{value}%"),
    }[logger]
    return forms[rng.integers(len(forms))]


def _logger_round(value):
    if value < 2.0:
        return f"{round(value * 2) / 2:g}"
    if value < 10.0:
        return f"{round(value):g}"
    return f"{5 * round(value / 5):g}"
