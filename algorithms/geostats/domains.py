"""Logged domains kriged in 3D: the share of each logged category (a
lithology, an alteration class) expected at a location, from indicator
kriging of the drillhole logs.

Why: a block has no log, but the holes around it were logged, and a resource
geologist estimates inside geological domains because grade populations
differ by rock (on the sample deposit the median grade of carbonatite is 30
times granite's). Kriging each category's indicator (1 where the sample was
logged in it) gives a soft domain model between the holes, as an implicit
geological model does; the stacked estimator takes those shares as inputs
beside the grade's own kriging. Measured on the sample deposit (grouped CV,
seed 0): the stacked mean's RMSE against OK went from -0.5 % to -4.7 % with
the logged lithology kriged this way. Each category gets its own automatic
variogram and its own search metric: with the grade's variogram for every
indicator the gain was -2.3 %, with the grade's search -3.7 %.

Samples whose category is missing are left out of the kriging (unknown is not
"none of them"); every sample still gets its leave-own-hole-out share, the
estimate at its location from the other holes' samples.
"""
import numpy as np

from ..common.parsing import category_text
from .kriging import OrdinaryKriging
from .variogram_model import VariogramModel

MAX_CATEGORIES = 8  # per field, the most frequent: rarer ones fall under "none of the kriged ones"
MIN_CATEGORY_SAMPLES = 10
MIN_CATEGORY_SHARE = 0.01


def category_labels(values):
    """Labels as strings, '' where missing (`parsing.category_text`'s rule)."""
    return np.asarray([category_text(value) or "" for value in values], dtype=object)


def kriged_categories(labels, label="samples", field="domain"):
    """The categories of one field worth kriging: at least MIN_CATEGORY_SAMPLES
    samples and MIN_CATEGORY_SHARE of the known ones, the MAX_CATEGORIES most
    frequent, in order of frequency (ties by name)."""
    known = labels[labels != ""]
    if known.size == 0:
        raise ValueError(f"{label}: domain field '{field}' has no value on any sample")
    names, counts = np.unique(known.astype(str), return_counts=True)
    order = sorted(range(len(names)), key=lambda i: (-counts[i], names[i]))
    floor = max(MIN_CATEGORY_SAMPLES, MIN_CATEGORY_SHARE * known.size)
    chosen = [str(names[i]) for i in order if counts[i] >= floor][:MAX_CATEGORIES]
    if len(chosen) < 2:
        raise ValueError(
            f"{label}: domain field '{field}' has {len(chosen)} category with at least {int(np.ceil(floor))} "
            "samples; kriging its shares needs two or more")
    return chosen


class DomainIndicators:
    """fit(xyz, domains, groups) with `domains` {field: one label per sample};
    `leave_group_out()` and `predict(targets)` give (m, K) shares in the order
    of `categories_` [(field, category)]. The kriging takes `max_samples`,
    `max_per_hole` and `seed` as the grade's does."""

    def __init__(self, max_samples=32, max_per_hole=None, seed=0, n_jobs=1, label="samples"):
        self.max_samples = max_samples
        self.max_per_hole = max_per_hole
        self.seed = seed
        self.n_jobs = n_jobs
        self.label = label

    def fit(self, xyz, domains, groups, variograms=None):
        """variograms: one given `VariogramModel` per category (a loaded model
        file), else each category's automatic variogram is fitted."""
        xyz = np.asarray(xyz, dtype=float)
        self.fields_ = list(domains)
        self.categories_, columns = [], []
        for field in self.fields_:
            labels = category_labels(domains[field])
            if len(labels) != len(xyz):
                raise ValueError(f"{self.label}: domain field '{field}' has {len(labels)} values for {len(xyz)} "
                                 "samples")
            for category in kriged_categories(labels, self.label, field):
                self.categories_.append((field, category))
                columns.append(np.where(labels == "", np.nan, (labels == category).astype(float)))
        return self.fit_indicators(xyz, np.column_stack(columns), groups, variograms)

    def fit_indicators(self, xyz, indicators, groups, variograms=None):
        """The kriging of given (n, K) indicators (NaN: unknown), as `fit`
        builds them and a model file keeps them."""
        self.xyz_ = np.asarray(xyz, dtype=float)
        self.indicators_ = np.asarray(indicators, dtype=float)
        self.groups_ = np.asarray(groups).astype(str)
        self.shares_ = np.nanmean(self.indicators_, axis=0)
        self.krigers_ = []
        for k in range(self.indicators_.shape[1]):
            model = None if variograms is None else variograms[k]
            kriger = OrdinaryKriging(model, None, 1, self.max_samples, self.max_per_hole, n_jobs=self.n_jobs,
                                     seed=self.seed, label=f"{self.label}, {self._name(k)}")
            self.krigers_.append(kriger.fit(self.xyz_, self.indicators_[:, k], self.groups_))
        return self

    def _name(self, k):
        field, category = self.categories_[k]
        return f"{field} = {category}"

    def leave_group_out(self):
        """Every fitted sample's shares from the other holes' samples."""
        return self._shares(lambda kriger: kriger.predict(self.xyz_, exclude_groups=self.groups_))

    def predict(self, targets):
        return self._shares(lambda kriger: kriger.predict(np.asarray(targets, dtype=float)))

    def _shares(self, krige):
        """Kriged indicators clipped to [0, 1] (negative weights overshoot);
        where the search found nothing, the category's share of the samples."""
        columns = []
        for kriger, share in zip(self.krigers_, self.shares_):
            estimate = np.asarray(krige(kriger)["estimate"], dtype=float)
            columns.append(np.clip(np.where(np.isfinite(estimate), estimate, share), 0.0, 1.0))
        return np.column_stack(columns)

    def to_dict(self):
        return {"fields": list(self.fields_), "categories": [[field, category] for field, category in self.categories_],
                "variograms": [kriger.model_.to_dict() for kriger in self.krigers_]}

    @classmethod
    def from_dict(cls, params, indicators, xyz, groups, where, **settings):
        """The fitted kriging of a model file's `to_dict` and indicator array."""
        indicators = np.asarray(indicators, dtype=float)
        categories = [tuple(pair) for pair in params["categories"]]
        if indicators.shape != (len(xyz), len(categories)) or len(params["variograms"]) != len(categories):
            raise ValueError(f"{where}: {len(categories)} categories, {len(params['variograms'])} variograms and "
                             f"indicators of shape {indicators.shape} for {len(xyz)} samples do not fit together")
        variograms = [VariogramModel.from_dict(v, f"{where}.variograms[{k}]") for k, v in
                      enumerate(params["variograms"])]
        model = cls(**settings)
        model.fields_, model.categories_ = list(params["fields"]), categories
        return model.fit_indicators(xyz, indicators, groups, variograms)
