"""Drill-log descriptions -> interpretable numeric fields (reegrade:parselogs).

Rules first (`logtext.rules`), then, for descriptions in which no rule found a
lithology, the transformer (`text_embedding`): each clause the rules could not
read is embedded with all-MiniLM-L6-v2 and compared by cosine similarity with the
vocabulary's lithology prototypes (a class scores its best prototype); the best
clause's class is taken when its similarity reaches `threshold`.

Output fields, one value per description (NaN / None for skipped rows):

- ``log_lith``: lithology class (a vocabulary canonical), None when neither the
  rules nor the transformer found one;
- ``log_lith_conf`` (0-1): rules: the share of that class among the lithologies
  named (1 when only one is named); transformer: its cosine similarity;
- ``log_source``: ``rule``, ``transformer`` or ``none``;
- ``log_lith_<class>`` for every vocabulary lithology: its share of the
  description (rules: order weights 1, 1/2, 1/3, ... or stated percentages,
  normalised; transformer: softmax of the class similarities at temperature
  `SOFTMAX_TEMPERATURE`); they sum to 1 when a lithology was found, else all 0;
- ``log_alt_<process>`` (0-4: none, weak, moderate, strong, pervasive;
  "weak-moderate" = 1.5) for every vocabulary alteration process;
- ``log_min_<mineral>_pct`` for every vocabulary mineral ("trace" = 0.5 %).

An alteration or mineral that is not named is 0; "no fluorite", "nil",
"absent" also give 0.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from ..common.progress import check_cancelled, report_progress
from .rules import RuleParser
from .vocabulary import load_vocabulary

# The median of the thresholds chosen in 5-fold cross-validation grouped by
# bore on the Bungendore logs (bench/bench_logtext.py: 0.425 in four folds,
# 0.325 in one); each fold's choice maximised right minus wrong classes.
DEFAULT_THRESHOLD = 0.425
SOFTMAX_TEMPERATURE = 0.05
SOURCES = ("rule", "transformer", "none")


def output_fields(vocabulary):
    """[(name, kind)] in output order; kind is 'string' or 'double'."""
    spec = [("log_lith", "string"), ("log_lith_conf", "double"), ("log_source", "string")]
    spec += [(f"log_lith_{c}", "double") for c in vocabulary.lithologies]
    spec += [(f"log_alt_{a}", "double") for a in vocabulary.alterations]
    spec += [(f"log_min_{m}_pct", "double") for m in vocabulary.minerals]
    return spec


@dataclass
class LogTextResult:
    """`columns`: {field: array in input order}; `fields`: [(name, kind)];
    `skipped_rows`: {"empty": [...], "not text": [...]} 0-based rows."""

    columns: dict
    fields: list
    skipped_rows: dict
    counts: dict = field(default_factory=dict)

    def notices(self, table="log intervals", column="description"):
        messages = []
        for reason, rows in self.skipped_rows.items():
            if rows:
                shown = ", ".join(str(r + 1) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")
                messages.append(
                    f"{table}: {len(rows)} {reason} values in '{column}' were skipped (rows {shown}); "
                    "their log_ fields are NULL"
                )
        return messages


def description_text(value):
    """(text, None) for a usable description, else (None, reason)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, "empty"
    if not isinstance(value, str):
        return None, "not text"
    if not value.strip():
        return None, "empty"
    if not any(c.isalpha() for c in value):
        return None, "not text"
    return value, None


class LithologyMatcher:
    """Cosine similarity of clauses with the vocabulary's lithology prototypes."""

    def __init__(self, vocabulary, embedder):
        self.embedder = embedder
        self.classes = [c for c in vocabulary.lithologies if c in vocabulary.prototypes]
        phrases = [(c, p) for c in self.classes for p in vocabulary.prototypes[c]]
        self._owner = np.array([self.classes.index(c) for c, _ in phrases])
        self._prototypes = embedder.embed([p for _, p in phrases])

    def class_similarities(self, clauses, progress=None, should_stop=None):
        """(n clauses, n classes): each class's best prototype similarity."""
        vectors = self.embedder.embed(clauses, progress, should_stop)
        sims = vectors @ self._prototypes.T
        out = np.full((len(clauses), len(self.classes)), -1.0)
        for k in range(len(self.classes)):
            out[:, k] = sims[:, self._owner == k].max(axis=1)
        return out


def parse_descriptions(descriptions, vocabulary=None, use_transformer=True, threshold=DEFAULT_THRESHOLD,
                       embedder=None, progress=None, should_stop=None):
    """Parse every description; see the module docstring for the fields."""
    vocabulary = vocabulary or load_vocabulary()
    parser = RuleParser(vocabulary)
    skipped = {"empty": [], "not text": []}
    parsed = [None] * len(descriptions)
    for row, value in enumerate(descriptions):
        if row % 500 == 0:
            check_cancelled(should_stop)
            report_progress(progress, 0.3 * row / max(len(descriptions), 1))
        text, reason = description_text(value)
        if reason:
            skipped[reason].append(row)
            continue
        parsed[row] = parser.parse(text)
    matches = {}
    if use_transformer:
        matches = _transformer_matches(parsed, vocabulary, embedder, threshold, progress, should_stop)
    columns = _columns(parsed, matches, vocabulary)
    report_progress(progress, 1.0)
    sources = columns["log_source"]
    counts = {s: int(sum(1 for v in sources if v == s)) for s in SOURCES}
    counts.update({reason: len(rows) for reason, rows in skipped.items()})
    return LogTextResult(columns, output_fields(vocabulary), skipped, counts)


def _transformer_matches(parsed, vocabulary, embedder, threshold, progress, should_stop):
    """{row: (class, similarity, class probabilities)} for rows the rules left without a lithology."""
    pending = {row: p.unresolved for row, p in enumerate(parsed) if p is not None and not p.lithology and p.unresolved}
    if not pending:
        return {}
    from .embedding import get_embedder

    matcher = LithologyMatcher(vocabulary, embedder or get_embedder())
    sub_progress = None if progress is None else (lambda f: progress(0.3 + 0.6 * f))
    best = best_clause_similarities(matcher, list(pending.values()), sub_progress, should_stop)
    matches = {}
    for row, sims in zip(pending, best):
        top = int(sims.argmax())
        if sims[top] >= threshold:
            weights = np.exp((sims - sims[top]) / SOFTMAX_TEMPERATURE)
            matches[row] = (matcher.classes[top], float(sims[top]), dict(zip(matcher.classes, weights / weights.sum())))
    return matches


def best_clause_similarities(matcher, clause_lists, progress=None, should_stop=None):
    """(n lists, n classes): for each list of clauses, the class similarities of
    its clause with the highest similarity to any class. Each distinct clause is
    embedded once."""
    clauses = sorted({c for cs in clause_lists for c in cs})
    index = {c: i for i, c in enumerate(clauses)}
    sims = matcher.class_similarities(clauses, progress, should_stop)
    out = np.full((len(clause_lists), len(matcher.classes)), -1.0)
    for row, row_clauses in enumerate(clause_lists):
        if row_clauses:
            candidates = sims[[index[c] for c in row_clauses]]
            out[row] = candidates[candidates.max(axis=1).argmax()]
    return out


def _columns(parsed, matches, vocabulary):
    n = len(parsed)
    columns = {name: (np.full(n, None, dtype=object) if kind == "string" else np.full(n, np.nan))
               for name, kind in output_fields(vocabulary)}
    for row, p in enumerate(parsed):
        if p is None:
            continue
        if p.lithology:
            shares, source = p.lithology, "rule"
            lith = max(shares, key=shares.get)
            conf = shares[lith]
        elif row in matches:
            lith, conf, shares = matches[row]
            source = "transformer"
        else:
            lith, conf, shares, source = None, np.nan, {}, "none"
        columns["log_lith"][row] = lith
        columns["log_lith_conf"][row] = conf
        columns["log_source"][row] = source
        for c in vocabulary.lithologies:
            columns[f"log_lith_{c}"][row] = shares.get(c, 0.0)
        for a in vocabulary.alterations:
            columns[f"log_alt_{a}"][row] = p.alteration.get(a, 0.0)
        for m in vocabulary.minerals:
            columns[f"log_min_{m}_pct"][row] = p.minerals.get(m, 0.0)
    return columns
