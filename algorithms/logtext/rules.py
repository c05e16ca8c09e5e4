"""Rules that read one drill-log description: lithologies, alteration intensities
(0-4) and mineral percentages, with negation, ranges and spelling variants.

A description is split into clauses at sentence ends, ``;`` and ``,`` and at
the word "with". Inside a clause every term of the vocabulary is found
(longest phrase first; a plural is tried singular; a word of six or more
letters one edit away from exactly one vocabulary word is read as that word,
so "grantie" is granite and "phullite" phyllite). Each alteration takes the
nearest intensity word of its clause, each mineral the nearest amount (``5%``,
``2-3 %``, ``<1%`` = 0.5, ``trace`` = 0.5); a negation word ("no", "nil",
"absent") is an amount and an intensity of 0, so "no fluorite or barite" gives
both 0 and "5% bast, no fluorite" keeps bast at 5. Ties go to the word before.
A bare number right after a mineral is a percentage ("bast 5"). A mineral with
an intensity word and no amount ("FLU mod", "strong hematite") stands for the
alteration it is the `agent` of. A style word ("pervasive" = 4) gives the
intensity only when no degree word qualifies the alteration. Ranges
("weak-moderate", "weak to moderate", "2-3%") give the mean. An alteration or
mineral named without a quantity gets the vocabulary's
`alteration_present_intensity` / `mineral_present_pct` setting; one not named
is 0. A term named twice keeps its largest value.

Lithologies are read in order: drill logs name the main lithology first ("Clay
gravel" is a clay, "Sand clay" a sand), so the k-th lithology named gets weight
1/k, unless a percentage is attached to it, which is then its share. The shares
are normalised to sum to 1. Adjectives ("sandy", "clayey") count only when no
lithology noun is named.
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .vocabulary import normalise_text

_FULL_STOP = re.compile(r"(\w*)\.(?:\s+|$)")
# Words loggers abbreviate with a full stop, after which a sentence does not end.
ABBREVIATIONS = frozenset(
    "ca c approx approximately mod str wk vis wh lt dk med v vf f fg mg cg m g e i incl min max av avg ave "
    "est no nr sp spp dissem diss frac ctrl alt".split()
)
_CLAUSE_SPLIT = re.compile(r"[;,\n]|\bwith\b|\bw/")
_ABOUT = r"(?:([<>~]|approx(?:imately|\.)?|about|around|ca\.?|c\.)\s*)?"
_RANGE_PCT = re.compile(_ABOUT + r"(\d+(?:\.\d+)?)\s*(?:-|to)\s*(\d+(?:\.\d+)?)\s*(?:%|pct\b|percent\b)")
_PCT = re.compile(_ABOUT + r"(\d+(?:\.\d+)?)\s*(?:%|pct\b|percent\b)")
_TOKEN = re.compile(r"\x00(\d+)\x00|\d+(?:\.\d+)?|[a-z0-9]+|-|/")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_RANGE_JOINERS = ("-", "to", "/")
MIN_FUZZY_LENGTH = 6
# Words that say nothing about the rock, so a clause made only of them and of
# quantities is not worth sending to the transformer.
FILLER_WORDS = frozenset(
    "and the with from very alteration altered alt zone zones minor trace veins vein veinlets stringers "
    "disseminated disseminations visible vis present observed".split()
)


@dataclass
class Mention:
    position: int
    kind: str
    canonical: str = ""
    value: float = 0.0
    end: int = 0


@dataclass
class ParsedDescription:
    """What the rules read from one description."""

    lithology: dict = field(default_factory=dict)
    alteration: dict = field(default_factory=dict)
    minerals: dict = field(default_factory=dict)
    unresolved: list = field(default_factory=list)


def _sentences(text):
    pieces, start = [], 0
    for match in _FULL_STOP.finditer(text):
        if match.group(1).lower() not in ABBREVIATIONS:
            pieces.append(text[start:match.start() + len(match.group(1))])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def split_clauses(text):
    """Clauses at sentence ends (a full stop and a space, unless it ends an
    abbreviation such as "ca." or "mod."), ';', ',', new lines and 'with'."""
    clauses = []
    for sentence in _sentences(str(text)):
        clauses += [c.strip() for c in _CLAUSE_SPLIT.split(normalise_text(sentence)) if c and c.strip()]
    return clauses


class RuleParser:
    """Reads descriptions with one vocabulary; term look-ups and spelling
    corrections are memoised because logs repeat the same words."""

    def __init__(self, vocabulary):
        self.vocabulary = vocabulary
        self._targets = vocabulary.single_words(("lithology", "alteration", "mineral"))
        self._correct = lru_cache(maxsize=50000)(self._correct_uncached)

    def parse(self, text):
        lith_mentions, adjective_mentions = [], []
        alteration, minerals, unresolved = {}, {}, []
        offset = 0
        for clause in split_clauses(text):
            mentions, leftover = self.clause_mentions(clause)
            for m in mentions:
                m.position += offset
                m.end += offset
            offset = max((m.end for m in mentions), default=offset) + 1
            self._quantify(mentions, alteration, minerals)
            liths = [m for m in mentions if m.kind == "lithology"]
            lith_mentions += liths
            adjective_mentions += [m for m in mentions if m.kind == "lithology_adjective"]
            if not liths and leftover:
                unresolved.append(clause)
        lithology = lithology_shares(lith_mentions or adjective_mentions)
        return ParsedDescription(lithology, alteration, minerals, [] if lithology else unresolved)

    def clause_mentions(self, clause):
        """Mentions in one clause, ranges merged, in word order, and the words no
        term consumed that could still name a rock (for the transformer)."""
        amounts = []

        def stash(value):
            amounts.append(value)
            return f" \x00{len(amounts) - 1}\x00 "

        text = _RANGE_PCT.sub(lambda m: stash(_range_value(m)), clause)
        text = _PCT.sub(lambda m: stash(_single_value(m)), text)
        tokens = [t.group(0) for t in _TOKEN.finditer(text)]
        mentions = self._match(tokens, amounts)
        covered = {i for m in mentions for i in range(m.position, max(m.end, m.position + 1))}
        leftover = [t for i, t in enumerate(tokens) if i not in covered and len(t) >= 3 and t.isalpha()
                    and t not in FILLER_WORDS]
        return _drop_negated_lithologies(_merge_ranges(mentions)), leftover

    def _match(self, tokens, amounts):
        mentions, i = [], 0
        while i < len(tokens):
            token = tokens[i]
            if token.startswith("\x00"):
                mentions.append(Mention(i, "amount", value=amounts[int(token.strip("\x00"))], end=i + 1))
                i += 1
                continue
            if token in _RANGE_JOINERS:
                mentions.append(Mention(i, "joiner", end=i + 1))
                i += 1
                continue
            if _NUMBER.match(token):
                mentions.append(Mention(i, "number", value=float(token), end=i + 1))
                i += 1
                continue
            length, entries = self._longest_term(tokens, i)
            if entries:
                mentions += [Mention(i, kind, name, value or 0.0, i + length) for kind, name, value in entries]
                i += length
                continue
            if token == "to":
                mentions.append(Mention(i, "joiner", end=i + 1))
            i += 1
        return mentions

    def _longest_term(self, tokens, start):
        terms = self.vocabulary.terms
        for length in range(min(self.vocabulary.max_words, len(tokens) - start), 0, -1):
            words = tokens[start:start + length]
            if any(w.startswith("\x00") or w in _RANGE_JOINERS for w in words):
                continue
            entries = terms.get(tuple(words))
            if entries:
                return length, entries
        corrected = self._correct(tokens[start])
        return (1, corrected) if corrected else (0, None)

    def _correct_uncached(self, word):
        """Entries for a plural or a misspelling of one vocabulary word, else None."""
        terms = self.vocabulary.terms
        for singular in (word[:-1] if word.endswith("s") else None, word[:-2] if word.endswith("es") else None):
            if singular and (singular,) in terms:
                return terms[(singular,)]
        if len(word) < MIN_FUZZY_LENGTH or word in self.vocabulary.ignore or not word.isalpha():
            return None
        hits = {target: entries for target, entries in self._targets.items()
                if abs(len(target) - len(word)) <= 1 and len(target) >= MIN_FUZZY_LENGTH
                and edit_distance_within_one(word, target)}
        canonicals = {(kind, canonical) for entries in hits.values() for kind, canonical, _ in entries}
        return next(iter(hits.values())) if len(canonicals) == 1 else None

    def _quantify(self, mentions, alteration, minerals):
        settings = self.vocabulary.settings
        for m in mentions:
            if m.kind == "alteration":
                value = _first_known(
                    _nearest(m, mentions, ("intensity", "negation")),
                    _nearest(m, [o for o in mentions if o.value >= 0], ("style",)),
                    settings["alteration_present_intensity"],
                )
                _keep_max(alteration, m.canonical, value)
            elif m.kind == "mineral":
                self._quantify_mineral(m, mentions, alteration, minerals)
            elif m.kind == "lithology":
                share = [o.value for o in mentions if o.kind == "amount" and o.end == m.position]
                m.value = share[0] if share else 0.0

    def _quantify_mineral(self, m, mentions, alteration, minerals):
        """A mineral takes an amount; one named with an intensity word and no
        amount ("FLU mod", "strong hematite") is the alteration it is the agent of."""
        amount = _first_known(
            _nearest(m, mentions, ("amount", "negation")),
            next((o.value for o in mentions if o.kind == "number" and o.position == m.end), None),
            None,
        )
        process = self.vocabulary.agents.get(m.canonical)
        if amount is None and process is not None:
            intensity = _nearest(m, mentions, ("intensity",))
            if intensity is not None:
                _keep_max(alteration, process, intensity)
                return
        _keep_max(minerals, m.canonical, self.vocabulary.settings["mineral_present_pct"] if amount is None else amount)


def _first_known(*values):
    return next((v for v in values if v is not None), None)


def _keep_max(values, key, value):
    """A term named twice (e.g. in two clauses) keeps its largest quantity; an
    explicit 0 does not erase a quantity read elsewhere."""
    values[key] = max(values.get(key, 0.0), float(value))


def _nearest(mention, mentions, kinds):
    best, best_key = None, None
    for other in mentions:
        if other.kind not in kinds or other is mention:
            continue
        if other.position >= mention.end:
            distance = other.position - mention.end + 1
        else:
            distance = mention.position - other.end + 1
        key = (distance, other.position > mention.position)
        if best_key is None or key < best_key:
            best, best_key = other, key
    return None if best is None else best.value


def _merge_ranges(mentions):
    """'weak - moderate', 'weak to moderate', 'tr-minor' -> one mention with the mean value."""
    joiners = {m.position for m in mentions if m.kind == "joiner"}
    by_start = {}
    for m in mentions:
        by_start.setdefault((m.kind, m.position), m)
    consumed, merged = set(), []
    for m in mentions:
        if id(m) in consumed or m.kind == "joiner":
            continue
        other = by_start.get((m.kind, m.end + 1)) if m.end in joiners else None
        if m.kind in ("intensity", "amount") and other is not None:
            consumed.add(id(other))
            m = Mention(m.position, m.kind, m.canonical, (m.value + other.value) / 2.0, other.end)
        merged.append(m)
    return merged


def _drop_negated_lithologies(mentions):
    """'no carbonatite' names no lithology."""
    negated_ends = {m.end for m in mentions if m.kind == "negation"}
    return [m for m in mentions if not (m.kind.startswith("lithology") and m.position in negated_ends)]


def _range_value(match):
    low, high = float(match.group(2)), float(match.group(3))
    return (low + high) / 2.0


def _single_value(match):
    value = float(match.group(2))
    return value / 2.0 if match.group(1) == "<" else value


def lithology_shares(mentions):
    """{class: share} from lithology mentions in order (see the module docstring)."""
    weights = {}
    stated = sum(m.value for m in mentions if m.value > 0)
    unstated = [m for m in mentions if m.value <= 0]
    rank = 0
    for m in mentions:
        if m.value > 0:
            weight = m.value
        else:
            rank += 1
            order_weight = 1.0 / rank
            total_order = sum(1.0 / k for k in range(1, len(unstated) + 1))
            weight = order_weight / total_order * max(100.0 - stated, 0.0) if stated else order_weight
        weights[m.canonical] = weights.get(m.canonical, 0.0) + weight
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {name: w / total for name, w in weights.items()}


def edit_distance_within_one(a, b):
    """True when a and b differ by one insertion, deletion, substitution or swap
    of neighbours (optimal string alignment distance <= 1)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs if len(diffs) == 2 else (0, 0)
        return j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]
