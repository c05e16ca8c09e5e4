"""One-hot encoding of categorical covariates (a lithology, a domain code), so
the estimators that take numbers can take them, scikit-learn style:
`CategoryEncoder().fit({field: values})`, then `transform(columns)` ->
(matrix, names, unseen).

- A category is the value as text: numbers that are whole (1, 1.0) are written
  without a decimal part, so a code read as an integer from one file and as a
  float from another is one category; surrounding blanks are stripped.
- Missing values (None, NaN, blanks, NULL-like texts: `parsing.category_text`) are a category of their own,
  "(missing)", by default (`missing="category"`): an unlogged interval is
  information, and a file should not be refused for it. `missing="error"`
  refuses them instead, naming the field and the 1-based row.
- The columns are `field=category`, the fields in the order given to `fit`,
  each field's categories sorted. A value not seen in `fit` is encoded as all
  zeros (no column is switched on) and counted per field in `unseen`, for the
  caller to warn about.
- `to_dict()` / `CategoryEncoder.from_dict(data, source)` are the plain dict a
  model file keeps, so a prediction encodes exactly as the training did.
"""
import numpy as np

from ..common.parsing import category_text
from ..io.modelfile import DictOf, ListOf, Mapping, Text, check_schema

MISSING = "(missing)"
MISSING_POLICIES = ("category", "error")
SCHEMA = Mapping({"fields": ListOf(Text(), min_length=1), "categories": DictOf(ListOf(Text()))},
                 optional={"missing": Text(*MISSING_POLICIES)})


class CategoryEncoder:
    """One-hot encoder of categorical fields. `missing`: "category" (missing
    values are the category "(missing)") or "error" (a ValueError naming
    `label`, field and row); `label` names the data in messages."""

    def __init__(self, missing="category", label="samples"):
        self.missing = missing
        self.label = label

    def _categories_of(self, field, values, label, first_row=1):
        if self.missing not in MISSING_POLICIES:
            raise ValueError(f"missing-value policy must be one of {', '.join(MISSING_POLICIES)}, got {self.missing!r}")
        out = []
        for row, value in enumerate(values, start=first_row):
            text = category_text(value)
            if text is None:
                if self.missing == "error":
                    raise ValueError(f"{label}: field '{field}', row {row}: the category is missing")
                text = MISSING
            out.append(text)
        return out

    def fit(self, columns):
        """Learn each field's categories from {field: values}; returns self."""
        if not columns:
            raise ValueError(f"{self.label}: no categorical field to encode")
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"{self.label}: categorical fields have different lengths {sorted(lengths)}")
        self.fields_ = list(columns)
        self.categories_ = {field: sorted(set(self._categories_of(field, values, self.label)))
                            for field, values in columns.items()}
        return self

    @property
    def names_(self):
        """The one-hot column names, `field=category`, in column order."""
        return [f"{field}={category}" for field in self.fields_ for category in self.categories_[field]]

    def transform(self, columns, label=None, first_row=1):
        """(matrix (n, len(names_)) of 0.0/1.0, names_, {field: number of
        values not seen in fit}) of {field: values}; every fitted field must
        be there (others are ignored). `first_row` numbers the values in an
        error (a batch of a longer layer)."""
        label = label or self.label
        missing = [field for field in self.fields_ if field not in columns]
        if missing:
            raise ValueError(f"{label}: categorical field(s) {', '.join(repr(f) for f in missing)} of the model are "
                             "missing")
        lengths = {len(columns[field]) for field in self.fields_}
        if len(lengths) > 1:
            raise ValueError(f"{label}: categorical fields have different lengths {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        blocks, unseen = [], {}
        for field in self.fields_:
            categories = self.categories_[field]
            position = {category: column for column, category in enumerate(categories)}
            # A model file written when 'NULL'-like texts were categories of their own keeps that column for them.
            legacy = [category for category in categories if category_text(category) is None]
            if MISSING not in position and legacy:
                position[MISSING] = position[legacy[0]]
            texts = self._categories_of(field, columns[field], label, first_row)
            codes = np.array([position.get(text, -1) for text in texts], dtype=np.int64).reshape(n)
            block = np.zeros((n, len(categories)))
            seen = codes >= 0
            block[np.flatnonzero(seen), codes[seen]] = 1.0
            blocks.append(block)
            unseen[field] = int((~seen).sum())
        matrix = np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0))
        return matrix, self.names_, unseen

    def fit_transform(self, columns):
        return self.fit(columns).transform(columns)

    # ---- model file ----------------------------------------------------------------------
    def to_dict(self):
        return {"missing": self.missing, "fields": list(self.fields_),
                "categories": {field: list(self.categories_[field]) for field in self.fields_}}

    @classmethod
    def from_dict(cls, data, source="category encoder"):
        """The fitted encoder of `to_dict()`; a malformed dict is a ValueError naming `source`."""
        check_schema(source, data, SCHEMA)
        fields = list(data["fields"])
        absent = [field for field in fields if field not in data["categories"]]
        if absent:
            raise ValueError(f"{source}: 'categories' lacks field(s) {', '.join(map(repr, absent))}")
        categories = {field: list(data["categories"][field]) for field in fields}
        missing = data.get("missing", "category")
        for field, values in categories.items():
            if values != sorted(set(values)):
                raise ValueError(f"{source}: categories of field '{field}' are not sorted and unique")
        encoder = cls(missing=missing)
        encoder.fields_ = fields
        encoder.categories_ = categories
        return encoder
