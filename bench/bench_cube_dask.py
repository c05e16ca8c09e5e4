"""Hyperspectral absorption features of a generated cube of at least 20 GB
(issue 17), in this process and on a Dask LocalCluster of 1 and 2 worker
processes, each run in a fresh Python process so its peak memory is its own:
wall time, peak RSS of the QGIS-side process and of each worker, the ratios,
and whether the feature rasters are equal to the bit. One run per engine
(each reads the whole cube from disk: the page cache cannot hold it).

    python bench/bench_cube_dask.py [--folder bench/out] [--rows 3600] [--cols 3600] [--bands 400] [--keep]

The cube is a float32 GeoTIFF (pixel-interleaved, 256 x 256 tiles) written
strip by strip from a seeded mixture of smooth continua and Gaussian
absorption bands at the band table's wavelengths, so every feature has
something to measure; it is deleted after the run unless --keep. Writes
bench/results/cube_dask.json.

`python bench/bench_cube_dask.py --engine <name> --cube PATH --out PATH` is one
measured run (what the main run starts), printing JSON."""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from bench_dask import peak_mb
from common import BENCH, import_plugin, load_sentence, write_result

ENGINES = {"in-process": "", "local:1": "local:1", "local:2": "local:2"}
NAMES = {"in-process": "in-process", "local:1": "LocalCluster, 1 worker process",
         "local:2": "LocalCluster, 2 worker processes"}
MEMORY_MB = 256  # per window: the algorithm's default budget
ABSORPTIONS_NM = (580.0, 740.0, 800.0, 870.0, 900.0, 2200.0, 2330.0)
STRIP_ROWS = 32


def write_cube(path, rows, cols, bands, seed=0):
    """The seeded cube, strip by strip; returns its size in bytes."""
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(seed)
    wavelengths = np.linspace(400.0, 2500.0, bands)
    continuum = np.stack([0.25 + 0.2 * np.sin(wavelengths / 700.0 + phase) for phase in (0.0, 1.3, 2.6)])
    dips = np.stack([np.exp(-0.5 * ((wavelengths - centre) / 12.0) ** 2) for centre in ABSORPTIONS_NM])
    profile = dict(driver="GTiff", width=cols, height=rows, count=bands, dtype="float32", crs="EPSG:32648",
                   transform=from_origin(224000.0, 3089000.0, 5.0, 5.0), tiled=True, blockxsize=256,
                   blockysize=256, interleave="pixel", BIGTIFF="YES", nodata=float("nan"))
    with rasterio.open(path, "w", **profile) as dst:
        for index, w in enumerate(wavelengths, start=1):
            dst.set_band_description(index, f"Band {index} ({w:.2f} nm)")
        for row0 in range(0, rows, STRIP_ROWS):
            height = min(STRIP_ROWS, rows - row0)
            mix = rng.dirichlet(np.ones(3), size=height * cols).astype(np.float32)
            depth = rng.uniform(0.0, 0.3, size=(height * cols, len(ABSORPTIONS_NM))).astype(np.float32)
            spectra = (mix @ continuum.astype(np.float32)) * (1.0 - depth @ dips.astype(np.float32))
            dst.write(np.ascontiguousarray(spectra.T.reshape(bands, height, cols)),
                      window=rasterio.windows.Window(0, row0, cols, height))
    return os.path.getsize(path)


def one_run(engine, cube, out):
    import_plugin()
    from ree_grade.algorithms.common.distributed import open_cluster
    from ree_grade.algorithms.spectral.cube import write_feature_raster

    start = time.perf_counter()
    cluster = open_cluster(ENGINES[engine])
    startup = time.perf_counter() - start
    try:
        start = time.perf_counter()
        summary = write_feature_raster(cube, out, memory_mb=MEMORY_MB, cluster=cluster)
        wall = time.perf_counter() - start
        workers = sorted(cluster.client.run(peak_mb).values()) if cluster is not None else []
    finally:
        if cluster is not None:
            cluster.close()
    return {"engine": engine, "wall": wall, "startup": startup, "client_mb": peak_mb(), "worker_mb": workers,
            "windows": summary["windows"], "bands_read": summary["bands_read"], "features": len(summary["names"]),
            "digest": raster_digest(out)}


def raster_digest(path):
    """SHA-256 of the feature raster's values (not of the file, whose bytes hold timestamps)."""
    import rasterio

    digest = hashlib.sha256()
    with rasterio.open(path) as src:
        for _, window in src.block_windows(1):
            digest.update(src.read(window=window).tobytes())
    return digest.hexdigest()


def measured(engine, cube, out):
    command = [sys.executable, __file__, "--engine", engine, "--cube", str(cube), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(runs, size, shape, write_seconds, load):
    reference = runs["in-process"]["wall"]
    lines = [f"Hyperspectral absorption features of a generated float32 cube of {size / 1e9:.1f} GB "
             f"({shape[2]} bands x {shape[0]:,} x {shape[1]:,} pixels, written in {write_seconds:.0f} s), "
             f"{runs['in-process']['features']} features from {runs['in-process']['bands_read']} bands read, "
             f"{runs['in-process']['windows']} windows of at most {MEMORY_MB} MB; one run per engine, each in a "
             "fresh process and each reading the whole cube from disk (the page cache, 24 GB, cannot hold it "
             "beside the runs).", "",
             "| engine | wall (s) | in-process / engine | cluster start-up (s) | peak RSS, QGIS-side process (MB) | "
             "peak RSS per worker (MB) |", "|---|---|---|---|---|---|"]
    for engine, run in runs.items():
        workers = ", ".join(f"{mb:,.0f}" for mb in run["worker_mb"]) or "-"
        lines.append(f"| {NAMES[engine]} | {run['wall']:.1f} | {reference / run['wall']:.2f} | "
                     f"{run['startup']:.1f} | {run['client_mb']:,.0f} | {workers} |")
    same = len({run["digest"] for run in runs.values()}) == 1
    scaling = runs["local:1"]["wall"] / runs["local:2"]["wall"]
    lines += ["", f"Feature rasters equal to the bit across engines: {same}. LocalCluster(1) / LocalCluster(2) "
              f"wall: {scaling:.2f}. {load}"]
    return "\n".join(lines), same, scaling


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=sorted(ENGINES))
    parser.add_argument("--cube")
    parser.add_argument("--out")
    parser.add_argument("--folder", default=str(BENCH / "out"))
    parser.add_argument("--rows", type=int, default=3600)
    parser.add_argument("--cols", type=int, default=3600)
    parser.add_argument("--bands", type=int, default=400)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(one_run(args.engine, args.cube, args.out)))
        return
    import_plugin()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    cube = folder / "cube_20gb.tif"
    start = time.perf_counter()
    size = write_cube(cube, args.rows, args.cols, args.bands)
    write_seconds = time.perf_counter() - start
    print(f"cube {size / 1e9:.1f} GB in {write_seconds:.0f} s", flush=True)
    load_start = os.getloadavg()[0]
    runs = {}
    try:
        for engine in ENGINES:
            runs[engine] = measured(engine, cube, folder / f"features_{engine.replace(':', '_')}.tif")
            print(runs[engine], flush=True)
    finally:
        if not args.keep:
            cube.unlink(missing_ok=True)
        for engine in ENGINES:
            (folder / f"features_{engine.replace(':', '_')}.tif").unlink(missing_ok=True)
    text, same, scaling = markdown(runs, size, (args.rows, args.cols, args.bands), write_seconds,
                                   load_sentence(load_start, os.getloadavg()[0]) + ".")
    ratio = runs["local:2"]["wall"] / runs["in-process"]["wall"]
    write_result("cube_dask", "Hyperspectral features of a >= 20 GB cube on a Dask cluster", text, [
        {"target": "cube features on LocalCluster(2) equal in-process", "goal": "bit for bit",
         "reached": str(same), "met": same},
        {"target": "cube size", "goal": ">= 20 GB", "reached": f"{size / 1e9:.1f} GB", "met": size >= 20e9},
        {"target": "LocalCluster(2) / in-process wall (cube)", "goal": "measured", "reached": f"{ratio:.2f}",
         "met": True},
    ])


if __name__ == "__main__":
    main()
