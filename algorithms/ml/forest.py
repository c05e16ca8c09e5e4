"""A random forest bagged by hole: the stacked estimator's grade-scale point.

Why a forest beside the network: on the real sets (Jura, Copper Creek) a
forest on the network's own inputs (covariates, coordinates, the
leave-own-hole-out OK estimate and sd) predicts the grade better than the
network's median, and it needs no back-transform from a log scale, so it
cannot explode on heavy tails (an average of training grades stays inside
them).

Why bagged by hole, not by sample: the samples of one hole are correlated,
so a tree that saw some of a hole's samples predicts its others too well.
Each tree draws whole holes with replacement; the trees that did not draw a
hole give its out-of-bag prediction, an honest out-of-hole estimate for every
training sample, which is what the guard chooses its weight on.

The trees are grown by scikit-learn and kept as plain node arrays (feature,
threshold, children, leaf value), so the model file holds numbers, not a
pickle; scikit-learn trees are rebuilt over those arrays to predict.
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..common.optional import optional_import
from ..common.threads import in_order

NODE_ARRAYS = ("feature", "threshold", "left", "right", "value", "roots")
MAX_FEATURES = 0.5
# Rows per tree at most (drawn within its bag), so that a big drillhole set costs no more per tree than this:
# on the `large` preset (66,784 composites, 105 inputs) a tree on all its bag took 15-30 s, one on 4,096 rows 0.4 s.
MAX_ROWS = 4096
CHUNK = 8192  # rows per out-of-bag pass: it holds (rows x trees) leaf values
LEAF_SAMPLES_PER = 2500  # one more sample per leaf for every this many samples (at least 5)


def default_leaf_size(n_rows):
    """Leaves grow with the rows a tree sees, so that big bags keep shallow trees."""
    return max(5, int(n_rows) // LEAF_SAMPLES_PER)


class HoleBaggedForest:
    """Regression forest: fit(X, y, groups) / predict(X); `oob_prediction_`
    holds each training sample's prediction by the trees whose bag lacks its
    hole."""

    def __init__(self, n_trees=200, min_samples_leaf=None, max_features=MAX_FEATURES, max_rows=MAX_ROWS, seed=0,
                 n_threads=1):
        self.n_trees = n_trees
        self.max_rows = max_rows
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.seed = seed
        self.n_threads = n_threads

    def fit(self, X, y, groups, progress=None, should_stop=None):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        _, hole_index = np.unique(np.asarray(groups).astype(str), return_inverse=True)
        hole_index = hole_index.reshape(-1)
        leaf = self.min_samples_leaf or default_leaf_size(min(len(y), self.max_rows))
        workers = max(int(self.n_threads), 1)
        with ThreadPoolExecutor(workers) as pool:
            trees = in_order(pool, lambda t: self._grow(X, y, hole_index, leaf, t), range(self.n_trees), 2 * workers,
                             progress, should_stop)
        self._keep(trees)
        self.oob_prediction_ = self._out_of_bag(X, [bag for _, bag in trees], hole_index)
        return self

    def _grow(self, X, y, hole_index, leaf, tree_number):
        """(node arrays, bag counts per hole) of one tree on a bootstrap of holes."""
        DecisionTreeRegressor = optional_import("sklearn.tree").DecisionTreeRegressor
        rng = np.random.default_rng([int(self.seed), int(tree_number)])
        n_holes = int(hole_index.max()) + 1
        bag = np.bincount(rng.integers(0, n_holes, n_holes), minlength=n_holes)
        weight = bag[hole_index].astype(float)
        rows = np.flatnonzero(weight > 0)
        if len(rows) > self.max_rows:
            rows = np.sort(rng.choice(rows, self.max_rows, replace=False))
        tree = DecisionTreeRegressor(min_samples_leaf=leaf, max_features=self.max_features,
                                     random_state=int(rng.integers(2**31 - 1)))
        tree.fit(X[rows], y[rows], sample_weight=weight[rows])
        t = tree.tree_
        return (t.feature.copy(), t.threshold.copy(), t.children_left.copy(), t.children_right.copy(),
                t.value[:, 0, 0].copy()), bag

    def _keep(self, trees):
        """All trees' node arrays end to end (children local to their tree,
        -1 at a leaf), `roots` the offset of each tree's first node."""
        parts = [nodes for nodes, _ in trees]
        roots = np.cumsum([0] + [len(nodes[4]) for nodes in parts[:-1]])
        self.set_arrays({key: np.concatenate([nodes[i] for nodes in parts]) for i, key in enumerate(NODE_ARRAYS[:5])}
                        | {"roots": roots})

    def set_arrays(self, arrays, label="forest"):
        """Install node arrays (from `arrays()` or a model file), checked, and
        rebuild scikit-learn trees over them for prediction."""
        feature, threshold, left, right, value, roots = (np.asarray(arrays[key]) for key in NODE_ARRAYS)
        n = len(value)
        if n == 0 or not (feature.shape == threshold.shape == left.shape == right.shape == value.shape == (n,)):
            raise ValueError(f"{label}: node arrays empty or of different lengths")
        ends = np.append(roots[1:], n) if roots.ndim == 1 and roots.size else np.zeros(0)
        if roots.ndim != 1 or roots.size == 0 or roots[0] != 0 or np.any(ends <= roots):
            raise ValueError(f"{label}: tree offsets 'roots' are not increasing from 0 within the {n} nodes")
        self._arrays = {"feature": feature.astype(np.int64), "threshold": threshold.astype(np.float64),
                        "left": left.astype(np.int64), "right": right.astype(np.int64),
                        "value": value.astype(np.float64), "roots": roots.astype(np.int64)}
        self.n_features_ = int(self._arrays["feature"].max()) + 1
        self.trees_ = [self._tree(start, end, label) for start, end in zip(roots, ends)]
        return self

    def _tree(self, start, end, label):
        trees = optional_import("sklearn.tree._tree")
        a = {key: array[start:end] for key, array in self._arrays.items() if key != "roots"}
        size = end - start
        leaf = a["left"] < 0
        inner_children = np.concatenate([a["left"][~leaf], a["right"][~leaf]])
        if np.any(leaf != (a["right"] < 0)) or np.any(inner_children <= 0) or np.any(inner_children >= size):
            raise ValueError(f"{label}: tree at node {start} has children outside it")
        nodes = np.zeros(size, dtype=trees.NODE_DTYPE)
        nodes["left_child"], nodes["right_child"] = a["left"], a["right"]
        nodes["feature"] = np.where(leaf, -2, a["feature"])
        nodes["threshold"] = np.where(leaf, -2.0, a["threshold"])
        tree = trees.Tree(self.n_features_, np.ones(1, dtype=np.intp), 1)
        tree.__setstate__({"max_depth": _depth(a["left"], a["right"]), "node_count": size, "nodes": nodes,
                           "values": a["value"].reshape(size, 1, 1)})
        return tree

    def arrays(self):
        return dict(self._arrays)

    def predict(self, X):
        """Mean of the trees, each compared in float32 as scikit-learn does."""
        return self._leaf_values(X).mean(axis=1)

    def _leaf_values(self, X):
        X = np.ascontiguousarray(X, dtype=np.float32)
        if X.ndim != 2 or (len(X) and X.shape[1] < self.n_features_):
            raise ValueError(f"forest: expected at least {self.n_features_} columns, got {X.shape}")
        if not len(X):
            return np.zeros((0, len(self.trees_)))
        return np.column_stack([tree.predict(X).reshape(len(X), -1)[:, 0] for tree in self.trees_])

    def _out_of_bag(self, X, bags, hole_index):
        """Mean over the trees whose bag lacks the row's hole; a row that
        every tree drew (vanishingly rare with many trees) gets all trees."""
        parts, never = [], 0
        for start in range(0, len(X), CHUNK):
            holes = hole_index[start:start + CHUNK]
            out_of_bag = np.stack([bag[holes] == 0 for bag in bags], axis=1)
            values = self._leaf_values(X[start:start + CHUNK])
            counts = out_of_bag.sum(axis=1)
            parts.append(np.where(counts > 0, (values * out_of_bag).sum(axis=1) / np.maximum(counts, 1),
                                  values.mean(axis=1)))
            never += int(np.sum(counts == 0))
        self.n_never_out_of_bag_ = never
        return np.concatenate([np.zeros(0)] + parts)


def _depth(left, right):
    """Longest root-to-leaf path of one tree, in edges (children local, -1 at a leaf)."""
    depth, frontier = 0, np.zeros(1, dtype=np.int64)
    while True:
        frontier = frontier[left[frontier] >= 0]
        if frontier.size == 0:
            return depth
        frontier, depth = np.concatenate([left[frontier], right[frontier]]), depth + 1
