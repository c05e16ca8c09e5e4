"""Prediction chunks on a Dask LocalCluster of two worker processes
(`common.distributed`): the same values as in this process, a lost worker
recomputed, a failing chunk's message, cancel (no QGIS)."""
import os
import signal
import time

import numpy as np
import pytest

from ree_grade.algorithms.common.distributed import Cluster, open_cluster, parse_scheduler
from ree_grade.algorithms.common.progress import Cancelled
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging
from ree_grade.algorithms.geostats.mik import MultipleIndicatorKriging
from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel
from ree_grade.algorithms.ml.bnn.model import BNNRegressor
from ree_grade.algorithms.ml.stacked import StackedNetwork

pytest.importorskip("distributed")
pytestmark = pytest.mark.timeout(240)

MODEL = VariogramModel(0.1, [Structure("spherical", 0.9, 40.0)])


@pytest.fixture(scope="module")
def cluster():
    with Cluster(n_workers=2).start() as started:
        yield started


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch):
    """Tasks of a few chunks (the small test grids would make one task)."""
    from ree_grade.algorithms.geostats import kriging

    monkeypatch.setattr(kriging, "TASK_TARGETS", 400)


@pytest.fixture
def two_workers(cluster):
    """The cluster with both workers up (a test may have killed one)."""
    cluster.client.wait_for_workers(2, timeout=60)
    return cluster


def samples(n=300, seed=1):
    rng = np.random.default_rng(seed)
    xyz = np.column_stack([rng.uniform(0, 100, (n, 2)), rng.uniform(0, 10, n)])
    holes = np.array([f"H{i % 30:02d}" for i in range(n)])
    return xyz, np.exp(np.sin(xyz[:, 0] / 20) + rng.normal(0, 0.3, n)), holes


def blocks(n=4000, seed=2):
    return np.random.default_rng(seed).uniform(0, 100, (n, 3)) * [1, 1, 0.1]


def assert_same(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)


@pytest.mark.parametrize(("setting", "parsed"), [
    ("", ("", 0, "")), ("  ", ("", 0, "")), (None, ("", 0, "")), ("local:3", ("local", 3, "")),
    ("LOCAL", ("local", max(os.cpu_count() or 1, 1), "")), ("tcp://10.0.0.5:8786", ("address", 0, "tcp://10.0.0.5:8786")),
])
def test_settings_are_parsed(setting, parsed):
    assert parse_scheduler(setting) == parsed


@pytest.mark.parametrize("setting", ["local:0", "local:two", "cluster", "10.0.0.5:8786"])
def test_a_bad_setting_says_what_is_accepted(setting):
    with pytest.raises(ValueError, match="tcp://host:8786"):
        parse_scheduler(setting)


def test_workers_are_spawned_with_a_python_when_qgis_is_the_executable(monkeypatch):
    import multiprocessing
    import sys

    from ree_grade.algorithms.common import distributed

    chosen = []
    monkeypatch.setattr(multiprocessing, "set_executable", chosen.append)
    monkeypatch.setattr(sys, "executable", sys.executable)
    distributed._python_for_workers()
    assert chosen == []  # a Python already
    monkeypatch.setattr(sys, "executable", "/usr/bin/qgis")
    distributed._python_for_workers()
    assert len(chosen) == 1 and os.path.basename(chosen[0]).startswith("python") and os.path.exists(chosen[0])


def test_empty_setting_runs_in_process():
    assert open_cluster("") is None


def read_environment():
    return os.environ.get("MALLOC_TRIM_THRESHOLD_"), os.environ.get("OPENBLAS_NUM_THREADS")


def test_local_workers_keep_glibcs_adaptive_malloc_and_one_blas_thread(two_workers):
    assert set(two_workers.client.run(read_environment).values()) == {(None, "1")}


def test_ordinary_kriging_on_two_workers_is_bit_for_bit(two_workers):
    xyz, values, holes = samples()
    ok = OrdinaryKriging(MODEL, max_samples=16, chunk_size=200, block_discretisation=(2, 2, 1)).fit(xyz, values,
                                                                                                   holes)
    targets = blocks()
    targets[5] = np.nan  # a missing coordinate stays unestimated on the cluster too
    fractions = []
    on_cluster = ok.predict(targets, (5.0, 5.0, 1.0), progress=fractions.append, cluster=two_workers)
    assert_same(on_cluster, ok.predict(targets, (5.0, 5.0, 1.0)))
    assert on_cluster["n_unestimated"] == 1
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) > 3
    # Leave-one-hole-out: the excluded groups travel with their chunk.
    assert_same(ok.predict(xyz, exclude_groups=holes, cluster=two_workers), ok.leave_group_out())


def test_a_running_scheduler_is_used_by_its_address(two_workers):
    xyz, values, _ = samples()
    ok = OrdinaryKriging(MODEL, max_samples=16, chunk_size=300).fit(xyz, values)
    address = two_workers.client.scheduler.address
    with open_cluster(address) as remote:
        assert remote.where() == f"on the Dask scheduler at {address} (2 worker(s) connected)"
        assert_same(ok.predict(blocks(2000), cluster=remote), ok.predict(blocks(2000)))
    assert two_workers.client.run(os.getpid)  # closing the client left the scheduler and its workers running


def test_mik_on_two_workers_is_bit_for_bit(two_workers):
    xyz, values, _ = samples()
    mik = MultipleIndicatorKriging(variograms=[MODEL], max_samples=12, min_samples=4).fit(xyz, values)
    here, there = mik.predict(blocks(1500)), mik.predict(blocks(1500), cluster=two_workers)
    np.testing.assert_array_equal(there["ccdf"].threshold_cdf, here["ccdf"].threshold_cdf)
    assert there["n_targets_corrected"] == here["n_targets_corrected"]


def test_a_lost_worker_is_recomputed_and_the_result_is_the_same(two_workers):
    xyz, values, _ = samples()
    ok = OrdinaryKriging(MODEL, max_samples=16, chunk_size=100).fit(xyz, values)
    targets = blocks(6000)
    pids = sorted(two_workers.client.run(os.getpid).values())
    killed = []

    def kill_one_worker(fraction):
        if not killed and fraction > 0:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(fraction)

    on_cluster = ok.predict(targets, progress=kill_one_worker, cluster=two_workers)
    assert killed and killed[0] < 0.5
    two_workers.client.wait_for_workers(2, timeout=60)
    assert pids[0] not in two_workers.client.run(os.getpid).values()  # the nanny started a new process
    assert_same(on_cluster, ok.predict(targets))


def test_stacked_network_on_two_workers_gives_the_in_process_values(two_workers, monkeypatch):
    from ree_grade.algorithms.ml import stacked

    xyz, values, holes = samples(240)
    X = np.column_stack([xyz, np.random.default_rng(4).normal(size=len(xyz))])
    model = StackedNetwork(hidden=(8, 8), epochs=30, n_members=2, max_samples=12, seed=5).fit(X, values, holes)
    targets = np.column_stack([blocks(900), np.random.default_rng(6).normal(size=900)])
    monkeypatch.setattr(stacked, "PREDICT_CHUNK", 200)
    here = model.predict(targets, cutoffs=[1.5])
    assert_same(model.predict(targets, cutoffs=[1.5], cluster=two_workers), here)


def test_plain_network_on_two_workers_gives_the_in_process_values(two_workers):
    xyz, values, holes = samples(240)
    X = np.column_stack([xyz[:, :2] / 50.0, np.random.default_rng(4).normal(size=len(xyz))])
    model = BNNRegressor(method="bnn", hidden=(8,), epochs=20, n_samples=8, seed=3).fit(X, values, holes)
    targets = np.random.default_rng(7).normal(size=(3000, 3))
    assert_same(model.predict(targets, cutoffs=[2.0], seed=9, cluster=two_workers),
                model.predict(targets, cutoffs=[2.0], seed=9))


def test_knn_imputation_of_targets_on_two_workers_equals_in_process(two_workers, monkeypatch):
    from ree_grade.algorithms.ml import imputation

    rng = np.random.default_rng(8)
    X = rng.normal(size=(400, 3))
    X[rng.random(X.shape) < 0.2] = np.nan
    model = imputation.KNNImputer3D(5, 0.5).fit(X, rng.uniform(0, 100, (400, 3)), ["a", "b", "c"])
    targets = rng.normal(size=(3000, 3))
    targets[rng.random(targets.shape) < 0.3] = np.nan
    targets[:50] = np.nan  # rows with no field: the k-d tree here
    t_xyz = rng.uniform(0, 100, (3000, 3))
    monkeypatch.setattr(imputation, "_CHUNK_CELLS", 100_000)  # 250 rows a block: several blocks
    there, there_mask = model.transform(targets, t_xyz, cluster=two_workers)
    here, here_mask = model.transform(targets, t_xyz)
    assert np.isfinite(there).all() and np.array_equal(there_mask, here_mask)
    np.testing.assert_array_equal(there, here)


def fail_on_seven(shared, item):
    if item == 7:
        raise ValueError(f"chunk {item}: row 12 of blocks has no density")
    return shared + item


def sleep_then_return(shared, item):
    time.sleep(shared)
    return item


def test_a_failing_chunk_fails_the_run_with_its_message(two_workers):
    assert two_workers.map(fail_on_seven, 100, range(6)) == list(range(100, 106))
    with pytest.raises(ValueError, match="chunk 7: row 12 of blocks has no density"):
        two_workers.map(fail_on_seven, 100, range(40))


def test_cancel_stops_the_tasks_on_the_cluster(two_workers):
    done = []
    started = time.monotonic()
    with pytest.raises(Cancelled):
        two_workers.map(sleep_then_return, 0.3, range(200), progress=done.append, should_stop=lambda: len(done) >= 2)
    assert time.monotonic() - started < 20  # 200 chunks of 0.3 s on two workers would take 30 s
    deadline = time.monotonic() + 20
    while two_workers.client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and \
            time.monotonic() < deadline:
        time.sleep(0.2)
    assert two_workers.client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0


def test_hyperspectral_features_on_two_workers_equal_in_process(two_workers, tmp_path, data_dir):
    from test_hyperspectral import mixture_cube, read_features, write_geotiff

    from ree_grade.algorithms.spectral import cube as cube_io

    cube, wavelengths, _ = mixture_cube(data_dir, rows=60)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths, tiled=True, blockxsize=16, blockysize=16)
    fractions = []
    there = cube_io.write_feature_raster(path, str(tmp_path / "there.tif"), memory_mb=0.05,
                                         progress=fractions.append, cluster=two_workers)
    here = cube_io.write_feature_raster(path, str(tmp_path / "here.tif"), memory_mb=0.05)
    assert there == here and here["windows"] == 4 and fractions[-1] == 1.0
    a, names = read_features(tmp_path / "there.tif")
    b, _ = read_features(tmp_path / "here.tif")
    assert names == here["names"] and np.array_equal(a, b, equal_nan=True)
    seen = []
    with pytest.raises(Cancelled):
        cube_io.write_feature_raster(path, str(tmp_path / "out" / "f.tif"), memory_mb=0.05, progress=seen.append,
                                     should_stop=lambda: len(seen) >= 1, cluster=two_workers)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
