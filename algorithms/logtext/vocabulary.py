"""The controlled vocabulary of the log-text parser: a line-based text file,
``kind: canonical = term, term, ...`` (see the header of `log_vocabulary.txt`
beside this module for every kind). A user file in the same format extends the
default one; any line that does not parse raises a ValueError naming the file
and its line number."""
import os
import re
import unicodedata

DEFAULT_VOCABULARY = os.path.join(os.path.dirname(__file__), "log_vocabulary.txt")

KINDS = (
    "lithology", "lithology_adjective", "prototype", "alteration", "mineral",
    "intensity", "style", "amount", "negation", "agent", "ignore", "setting",
)
SETTINGS = {"mineral_present_pct": 1.0, "alteration_present_intensity": 2.0}

_LINE = re.compile(r"^\s*([a-z_]+)\s*:\s*([^=]+?)\s*=\s*(.*?)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD = re.compile(r"[a-z0-9]+")
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "\u2013": "-", "\u2014": "-"})


def normalise_text(text):
    """Lower case, accents folded (sövite -> sovite, søvite -> sovite)."""
    text = str(text).lower().translate(_SPECIAL)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def term_key(term):
    """The word tuple a term is matched by ('calcite-rich' -> ('calcite', 'rich'))."""
    return tuple(_WORD.findall(normalise_text(term)))


class Vocabulary:
    """Classes in file order and a term index: word tuple -> [(kind, canonical, value)]."""

    def __init__(self):
        self.classes = {kind: [] for kind in ("lithology", "alteration", "mineral")}
        self.prototypes = {}
        self.terms = {}
        self.ignore = set()
        self.agents = {}
        self.settings = dict(SETTINGS)
        self.max_words = 1

    @property
    def lithologies(self):
        return list(self.classes["lithology"])

    @property
    def alterations(self):
        return list(self.classes["alteration"])

    @property
    def minerals(self):
        return list(self.classes["mineral"])

    def add_term(self, key, kind, canonical, value):
        entries = [e for e in self.terms.get(key, []) if e[0] != kind]
        entries.append((kind, canonical, value))
        self.terms[key] = entries
        self.max_words = max(self.max_words, len(key))

    def single_words(self, kinds):
        """{word: term entries} of one-word terms of these kinds (the spelling-correction targets)."""
        return {key[0]: entries for key, entries in self.terms.items() if len(key) == 1 and
                any(kind in kinds for kind, _, _ in entries)}


def load_vocabulary(path=None):
    """The default vocabulary, extended by the file at `path` when given."""
    vocabulary = Vocabulary()
    _read_into(vocabulary, DEFAULT_VOCABULARY)
    if path:
        _read_into(vocabulary, path)
    _check_references(vocabulary, path or DEFAULT_VOCABULARY)
    return vocabulary


def _read_into(vocabulary, path):
    if not os.path.isfile(path):
        raise ValueError(f"vocabulary file {path}: not found")
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f"vocabulary file {path}: not UTF-8 text ({error})") from None
    seen = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        _parse_line(vocabulary, line, f"vocabulary file {path}, line {number}", seen)


def _parse_line(vocabulary, line, where, seen):
    match = _LINE.match(line)
    if not match:
        raise ValueError(f"{where}: expected 'kind: canonical = term, term, ...', got {line.strip()!r}")
    kind, canonical, right = match.group(1), normalise_text(match.group(2)).strip(), match.group(3)
    if kind not in KINDS:
        raise ValueError(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not right:
        raise ValueError(f"{where}: nothing after '='")
    if kind == "prototype":
        vocabulary.prototypes.setdefault(canonical, []).append(right)
        return
    if kind == "setting":
        _parse_setting(vocabulary, canonical, right, where)
        return
    if kind == "agent":
        vocabulary.agents.update({normalise_text(t).strip(): canonical for t in right.split(",") if t.strip()})
        return
    value = _canonical_value(kind, canonical, where)
    terms = [t.strip() for t in right.split(",")]
    if any(not t for t in terms):
        raise ValueError(f"{where}: empty term in the list (two commas in a row or a trailing comma)")
    if kind == "ignore":
        vocabulary.ignore.update(term_key(t)[0] for t in terms if term_key(t))
        return
    if kind in vocabulary.classes and canonical not in vocabulary.classes[kind]:
        vocabulary.classes[kind].append(canonical)
    for term in terms:
        _add(vocabulary, kind, canonical, value, term, where, seen)


def _add(vocabulary, kind, canonical, value, term, where, seen):
    key = term_key(term)
    if not key:
        raise ValueError(f"{where}: term {term!r} has no letters or digits")
    previous = seen.get((kind, key))
    if previous is not None and previous != canonical:
        raise ValueError(f"{where}: term {term!r} is already a {kind} term for {previous!r} in this file")
    seen[(kind, key)] = canonical
    vocabulary.add_term(key, kind, canonical, value)


def _canonical_value(kind, canonical, where):
    if kind in ("intensity", "style", "amount", "negation"):
        try:
            value = float(canonical)
        except ValueError:
            raise ValueError(f"{where}: {kind} needs a number before '=', got {canonical!r}") from None
        if kind == "intensity" and not 0 <= value <= 4:
            raise ValueError(f"{where}: intensity {value} is outside 0-4")
        if kind == "style" and not (value == -1 or 0 <= value <= 4):
            raise ValueError(f"{where}: style {value} is neither -1 nor within 0-4")
        if kind == "amount" and not 0 <= value <= 100:
            raise ValueError(f"{where}: amount {value} is not a percentage 0-100")
        return value
    if kind in ("lithology", "lithology_adjective", "alteration", "mineral") and not _NAME.match(canonical):
        raise ValueError(
            f"{where}: {kind} name {canonical!r} must be lower-case letters, digits and '_' "
            "(it becomes a field name)"
        )
    return None


def _parse_setting(vocabulary, name, right, where):
    if name not in SETTINGS:
        raise ValueError(f"{where}: unknown setting {name!r}; use one of {', '.join(SETTINGS)}")
    try:
        vocabulary.settings[name] = float(right)
    except ValueError:
        raise ValueError(f"{where}: setting {name} needs a number, got {right!r}") from None


def _check_references(vocabulary, path):
    lithologies = set(vocabulary.lithologies)
    for key, entries in vocabulary.terms.items():
        for kind, canonical, _ in entries:
            if kind == "lithology_adjective" and canonical not in lithologies:
                raise ValueError(f"vocabulary file {path}: lithology_adjective {canonical!r} is not a lithology")
    for canonical in vocabulary.prototypes:
        if canonical not in lithologies:
            raise ValueError(f"vocabulary file {path}: prototype {canonical!r} is not a lithology")
    for mineral, process in vocabulary.agents.items():
        if mineral not in vocabulary.minerals or process not in vocabulary.alterations:
            raise ValueError(
                f"vocabulary file {path}: agent {process!r} = {mineral!r} needs a known alteration and mineral"
            )
