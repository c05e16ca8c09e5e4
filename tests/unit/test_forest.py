"""The hole-bagged forest behind the stacked estimator's point (`ml.forest`)."""
import numpy as np
import pytest
from sklearn.tree import DecisionTreeRegressor

from ree_grade.algorithms.ml.forest import HoleBaggedForest, default_leaf_size


def holes_data(n_holes=60, per_hole=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_holes * per_hole, 4))
    y = np.sin(X[:, 0]) + X[:, 1] ** 2 + 0.3 * rng.normal(size=len(X))
    return X, y, np.repeat([f"H{i}" for i in range(n_holes)], per_hole)


def test_each_tree_is_scikit_learns_tree_on_a_bootstrap_of_holes():
    X, y, holes = holes_data()
    forest = HoleBaggedForest(n_trees=1, seed=4).fit(X, y, holes)
    rng = np.random.default_rng([4, 0])
    _, hole_index = np.unique(holes, return_inverse=True)
    weight = np.bincount(rng.integers(0, 60, 60), minlength=60)[hole_index].astype(float)
    tree = DecisionTreeRegressor(min_samples_leaf=default_leaf_size(min(len(y), 4096)), max_features=0.5,
                                 random_state=int(rng.integers(2**31 - 1)))
    tree.fit(X[weight > 0], y[weight > 0], sample_weight=weight[weight > 0])
    X_new = np.random.default_rng(9).normal(size=(500, 4))
    np.testing.assert_array_equal(forest.predict(X_new), tree.predict(X_new))


def test_out_of_bag_never_sees_the_samples_own_hole():
    # Every hole has its own grade and a feature that names it: a tree that drew
    # the hole reproduces its grade exactly, one that did not cannot.
    n_holes, per_hole = 40, 5
    holes = np.repeat(np.arange(n_holes), per_hole).astype(str)
    grade = np.repeat(np.arange(n_holes, dtype=float) * 10.0, per_hole)
    X = np.column_stack([np.repeat(np.arange(n_holes), per_hole), np.zeros(len(grade))])
    forest = HoleBaggedForest(n_trees=50, min_samples_leaf=1, max_features=1.0, seed=1).fit(X, grade, holes)
    assert np.mean(np.abs(forest.oob_prediction_ - grade)) > 4.0  # out of bag: only neighbours' grades
    assert np.mean(np.abs(forest.predict(X) - grade)) < np.mean(np.abs(forest.oob_prediction_ - grade)) / 2
    assert forest.n_never_out_of_bag_ == 0


def test_same_seed_same_forest_on_any_thread_count_and_node_arrays_round_trip():
    X, y, holes = holes_data(seed=2)
    one = HoleBaggedForest(n_trees=20, seed=3, n_threads=1).fit(X, y, holes)
    two = HoleBaggedForest(n_trees=20, seed=3, n_threads=2).fit(X, y, holes)
    np.testing.assert_array_equal(one.predict(X), two.predict(X))
    np.testing.assert_array_equal(one.oob_prediction_, two.oob_prediction_)
    rebuilt = HoleBaggedForest().set_arrays(one.arrays())
    np.testing.assert_array_equal(rebuilt.predict(X), one.predict(X))
    other = HoleBaggedForest(n_trees=20, seed=4).fit(X, y, holes)
    assert not np.array_equal(other.predict(X), one.predict(X))


def test_broken_node_arrays_are_refused():
    X, y, holes = holes_data(n_holes=20)
    arrays = HoleBaggedForest(n_trees=3, seed=0).fit(X, y, holes).arrays()
    with pytest.raises(ValueError, match="node arrays empty or of different lengths"):
        HoleBaggedForest().set_arrays(dict(arrays, value=arrays["value"][:-1]))
    with pytest.raises(ValueError, match="tree offsets 'roots' are not increasing"):
        HoleBaggedForest().set_arrays(dict(arrays, roots=arrays["roots"][::-1]))
    with pytest.raises(ValueError, match="has children outside it"):
        HoleBaggedForest().set_arrays(dict(arrays, right=np.where(arrays["right"] > 0, 0, arrays["right"])))
    forest = HoleBaggedForest().set_arrays(arrays)
    with pytest.raises(ValueError, match="expected at least 4 columns"):
        forest.predict(X[:, :2])
    assert forest.predict(X[:0]).shape == (0,)


def test_a_row_cap_per_tree_still_learns_and_leaves_every_sample_out_of_bag_somewhere():
    X, y, holes = holes_data(seed=5)
    capped = HoleBaggedForest(n_trees=40, max_rows=60, seed=0).fit(X, y, holes)
    assert capped.n_never_out_of_bag_ == 0
    assert np.corrcoef(capped.oob_prediction_, y)[0, 1] > 0.6
    full = HoleBaggedForest(n_trees=40, seed=0).fit(X, y, holes)
    assert not np.array_equal(capped.predict(X), full.predict(X))
