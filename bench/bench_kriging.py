"""Ordinary kriging: 2D against PyKrige's C backend on the same data, variogram
and neighbourhood; 3D on a 1,000,000-block model of the `large` synthetic
deposit. Engines alternated, best of ROUNDS (wall and CPU each). Writes
bench/results/kriging.json."""
import os
import time

import numpy as np
from common import REPO, import_plugin, load_sentence, write_result

import_plugin()

from ree_grade.algorithms.geostats.experimental import experimental_variogram, parse_directions  # noqa: E402
from ree_grade.algorithms.geostats.kriging import OrdinaryKriging  # noqa: E402
from ree_grade.algorithms.geostats.variogram_fit import fit_variogram  # noqa: E402
from ree_grade.algorithms.synthetic import deposit as syn  # noqa: E402
from ree_grade.algorithms.synthetic.geology import DepositModel  # noqa: E402

N_2D, GRID, NEIGHBOURS, N_BLOCKS = 2000, 300, 32, 1_000_000
ROUNDS = 3
WALKER = REPO / "tests" / "data" / "walker_lake" / "exhaustive_every5th.csv"


def timed(function, *args, **kwargs):
    """(result, wall seconds); `timed_cpu` also gives this process's CPU seconds."""
    result, wall, _ = timed_cpu(function, *args, **kwargs)
    return result, wall


def timed_cpu(function, *args, **kwargs):
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start, time.process_time() - cpu


def bench_2d():
    """2,000 Walker Lake V values (exhaustive nodes, jittered by up to 1 m so no
    two neighbour distances tie) kriged to a 300 x 300 grid."""
    from pykrige.ok import OrdinaryKriging as PyKrigeOK

    table = np.loadtxt(WALKER, delimiter=",", skiprows=1)
    rng = np.random.default_rng(0)
    rows = rng.choice(len(table), N_2D, replace=False)
    xy = table[rows, :2] + rng.uniform(-1.0, 1.0, (N_2D, 2))
    v = table[rows, 3]
    experimental, t_exp = timed(experimental_variogram, xy, v, 10.0, 12)
    fit, t_fit = timed(fit_variogram, experimental, ["spherical"], seed=0)
    model = fit.model
    structure = model.structures[0]
    gx = np.linspace(0.5, 260.5, GRID)
    gy = np.linspace(0.5, 300.5, GRID)
    params = {"psill": structure.sill, "range": structure.ranges[0], "nugget": model.nugget}
    reference = PyKrigeOK(xy[:, 0], xy[:, 1], v, variogram_model="spherical", variogram_parameters=params)
    X, Y = np.meshgrid(gx, gy)
    targets = np.column_stack([X.ravel(), Y.ravel()])
    t_pykrige = cpu_pykrige = np.inf
    timings, cpu, out = {1: np.inf, 2: np.inf}, {1: np.inf, 2: np.inf}, None
    for _ in range(ROUNDS):  # alternated: PyKrige, ours on 1 thread, ours on 2 threads
        (z_ref, ss_ref), wall, used = timed_cpu(
            reference.execute, "grid", gx, gy, backend="C", n_closest_points=NEIGHBOURS
        )
        t_pykrige, cpu_pykrige = min(t_pykrige, wall), min(cpu_pykrige, used)
        for jobs in (1, 2):
            ok = OrdinaryKriging(model, max_samples=NEIGHBOURS, n_jobs=jobs)
            out, wall, used = timed_cpu(lambda: ok.fit(xy, v).predict(targets))
            timings[jobs], cpu[jobs] = min(timings[jobs], wall), min(cpu[jobs], used)
    z_ref, ss_ref = np.asarray(z_ref).ravel(), np.asarray(ss_ref).ravel()
    diff_z = np.abs(out["estimate"] - z_ref)
    diff_s = np.abs(out["variance"] - ss_ref)
    return {
        "model": model.describe(), "t_exp": t_exp, "t_fit": t_fit, "t_pykrige": t_pykrige, "t1": timings[1],
        "t2": timings[2], "cpu_pykrige": cpu_pykrige, "cpu1": cpu[1], "cpu2": cpu[2], "max_abs_z": diff_z.max(),
        "max_rel_z": (diff_z / np.abs(z_ref).max()).max(),
        "max_abs_s": diff_s.max(), "max_rel_s": (diff_s / ss_ref).max(),
    }


def large_drilling():
    """(preset parameters, extent, deposit model, true sample table) of the
    `large` preset, seed 0, without the slow block truth and the 2.4 GB cube."""
    params = syn.PRESETS["large"]
    rngs = syn.deposit_generators("large", 0)
    extent = syn._extent(params)
    model = DepositModel(rngs[0], syn.CENTRE, params["strike_length"])
    drilling = syn._drill(rngs[1], rngs[2], rngs[3], model, extent, params, None)
    return params, extent, model, drilling["truth_samples"]


def large_samples_and_blocks():
    """2 m composites of the `large` deposit's true sample grades, and the
    1,000,000 shallowest block centroids of its block grid (the same grid as
    synthetic.block_model, without its slow true-grade averaging)."""
    params, extent, model, truth = large_drilling()
    composites = composite_2m(truth)[:2]
    xmin, ymin, xmax, ymax = extent
    dx, dy, dz = params["block"]
    x = xmin + (np.arange(int(round((xmax - xmin) / dx))) + 0.5) * dx
    y = ymin + (np.arange(int(round((ymax - ymin) / dy))) + 0.5) * dy
    xx, yy = np.meshgrid(x, y, indexing="ij")
    surface = model.topography(xx.ravel(), yy.ravel())
    top = np.ceil(surface.max() / dz) * dz
    levels = top - (np.arange(int(params["block_depth"] / dz) + 40) + 0.5) * dz
    blocks = []
    for level in levels:
        below = level < surface
        blocks.append(np.column_stack([xx.ravel()[below], yy.ravel()[below], np.full(below.sum(), level)]))
        if sum(len(b) for b in blocks) >= N_BLOCKS:
            break
    return composites, np.vstack(blocks)[:N_BLOCKS], len(truth["x"])


def composite_2m(truth):
    """Length-weighted 2 m composites per hole: (xyz, grade, hole index)."""
    holes = np.unique(np.asarray(truth["hole_id"]), return_inverse=True)[1]
    start, end = np.asarray(truth["from"], float), np.asarray(truth["to"], float)
    length = end - start
    key = holes * 10_000 + np.floor((start + end) / 4.0).astype(np.int64)
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    weight = np.bincount(group, weights=length)
    columns = [np.bincount(group, weights=np.asarray(truth[c], float) * length) / weight
               for c in ("x", "y", "z", "TREO_pct")]
    return np.column_stack(columns[:3]), columns[3], holes[first]


def bench_3d():
    (samples, blocks, n_assays), t_gen = timed(large_samples_and_blocks)
    xyz, grade = samples
    directions = parse_directions("axes")
    experimental, t_exp = timed(experimental_variogram, xyz, grade, 25.0, 16, directions=directions,
                                angle_tolerance=22.5, max_samples=20000, seed=0)
    fit, t_fit = timed(fit_variogram, experimental, ["spherical", "spherical"], seed=0)
    model = fit.model
    ok = OrdinaryKriging(model, None, min_samples=4, max_samples=NEIGHBOURS, n_jobs=2).fit(xyz, grade)
    t_point = cpu_point = np.inf
    for _ in range(ROUNDS):
        out, wall, used = timed_cpu(ok.predict, blocks)
        t_point, cpu_point = min(t_point, wall), min(cpu_point, used)
    subset = blocks[:: len(blocks) // 100_000][:100_000]
    block_ok = OrdinaryKriging(model, None, 4, NEIGHBOURS, block_discretisation=(2, 2, 1), n_jobs=2).fit(xyz, grade)
    block_out, t_block, cpu_block = timed_cpu(block_ok.predict, subset, block_size=(25.0, 25.0, 10.0))
    return {
        "n_assays": n_assays, "n_samples": len(grade), "n_blocks": len(blocks), "t_gen": t_gen, "t_exp": t_exp,
        "t_fit": t_fit, "model": model.describe(), "fit_warnings": fit.warnings, "t_point": t_point,
        "cpu_point": cpu_point, "mean_n": float(np.mean(out["n_used"])),
        "n_block_subset": len(subset), "t_block": t_block, "cpu_block": cpu_block,
        "block_variance_ratio": float(np.nanmean(block_out["variance"]) / np.nanmean(ok.predict(subset)["variance"])),
    }


def main():
    load = os.getloadavg()[0]
    two = bench_2d()
    three = bench_3d()
    load_end = os.getloadavg()[0]
    wall1, wall2 = two["t_pykrige"] / two["t1"], two["t_pykrige"] / two["t2"]
    cpu1 = two["cpu_pykrige"] / two["cpu1"]
    rate = three["n_blocks"] / three["t_point"]
    cpu_rate = three["n_blocks"] / three["cpu_point"]
    block_rate = three["n_block_subset"] / three["t_block"]
    fit_note = f" (the fit warned: {'; '.join(three['fit_warnings'])})" if three["fit_warnings"] else ""
    pykrige_row = (f"| PyKrige 1.7 `execute(backend=\"C\", n_closest_points={NEIGHBOURS})` | {two['t_pykrige']:.2f} | "
                   f"{two['cpu_pykrige']:.2f} | 1.0 | 1.0 |")
    one_thread_row = (f"| REE Grade `OrdinaryKriging`, 1 thread (fit + predict) | {two['t1']:.2f} | "
                      f"{two['cpu1']:.2f} | {wall1:.1f} | {cpu1:.1f} |")
    point_row = (f"| point, {NEIGHBOURS} nearest at any distance | {three['n_blocks']:,} | {three['t_point']:.1f} | "
                 f"{three['cpu_point']:.1f} | {rate:,.0f} | {cpu_rate:,.0f} |")
    block_row = (f"| block 25 x 25 x 10 m, 2 x 2 x 1 points | {three['n_block_subset']:,} | {three['t_block']:.1f} | "
                 f"{three['cpu_block']:.1f} | {block_rate:,.0f} | "
                 f"{three['n_block_subset'] / three['cpu_block']:,.0f} |")
    markdown = f"""
**2D, same data as PyKrige.** {N_2D} Walker Lake V values (nodes of the exhaustive set, jittered by up to
1 m so that no neighbour distances tie) kriged onto a {GRID} x {GRID} grid with the {NEIGHBOURS} nearest
samples, one isotropic spherical model fitted here ({two['model']}; experimental variogram
{two['t_exp']:.2f} s, weighted least-squares fit {two['t_fit']:.2f} s) and handed to both. PyKrige, ours on 1
thread and ours on 2 threads alternated, best of {ROUNDS} (wall and CPU each).

| engine | wall (s) | CPU (s) | speed-up, wall | speed-up, CPU |
|---|---|---|---|---|
{pykrige_row}
{one_thread_row}
| REE Grade `OrdinaryKriging`, 2 threads | {two['t2']:.2f} | {two['cpu2']:.2f} | {wall2:.1f} | |

Equal results: largest estimate difference {two['max_abs_z']:.2e} ppm ({two['max_rel_z']:.1e} of the
largest estimate); largest kriging-variance difference {two['max_abs_s']:.2e} (relative {two['max_rel_s']:.1e}).

**3D, `large` preset.** {three['n_samples']:,} 2 m composites (length-weighted, of the true grades of
{three['n_assays']:,} sample intervals of the preset's 900 holes; generation {three['t_gen']:.0f} s) and the
{three['n_blocks']:,} shallowest 25 x 25 x 10 m block centroids of its block grid. Variogram along the
north, east and vertical axes ({three['t_exp']:.1f} s on a 20,000-composite subsample) fitted with two
spherical structures in {three['t_fit']:.1f} s: {three['model']}{fit_note}. 2 threads; point support
best of {ROUNDS}, block support one run.

| support | blocks | wall (s) | CPU (s) | blocks/s, wall | blocks per CPU-second |
|---|---|---|---|---|---|
{point_row}
{block_row}

Every block of the first run used {three['mean_n']:.0f} samples. Block kriging variance is
{three['block_variance_ratio']:.2f} x the point kriging variance on average. Agreement with PyKrige's
`OrdinaryKriging3D` (moving window) to 1e-8 relative is a test (`tests/test_kriging.py`, 50 samples):
its constructor's leave-one-out statistics make large n impractical. MIK against OK is measured by
`bench/bench_mik.py`.

{load_sentence(load, load_end)}. CPU time is what each engine itself used; "blocks per CPU-second" is
the rate one core sustains when it is not shared.
"""
    targets = [
        {"target": "2D OK vs PyKrige C backend (2,000 samples, 300 x 300, 32 neighbours)",
         "goal": ">= 5x faster (wall, 2 cores), equal to 1e-8",
         "reached": f"{wall2:.1f}x wall (2 threads), {wall1:.1f}x wall and {cpu1:.1f}x CPU (1 thread); "
                    f"max rel. diff {two['max_rel_z']:.1e}",
         "met": bool(wall2 >= 5 and two["max_rel_z"] < 1e-8 and two["max_rel_s"] < 1e-8)},
        {"target": "3D OK, 1,000,000 blocks, 32 neighbours, point support, 2 cores", "goal": ">= 150,000 blocks/s",
         "reached": f"{rate:,.0f} blocks/s wall; {cpu_rate:,.0f} blocks per CPU-second",
         "met": bool(rate >= 150_000)},
    ]
    write_result("kriging", "Ordinary kriging", markdown, targets)


if __name__ == "__main__":
    main()
