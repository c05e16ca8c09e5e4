"""Peak memory of the QGIS process kriging a large block model (issue 17
item 4): `qgis_process run reegrade:ordinarykriging` on a GeoPackage of
N / 4 and N PointZ block centroids, this checkout (targets read, kriged and
written one batch of layer_io.TARGET_BATCH at a time) against the code at
BASELINE (the whole layer read, kriged, then written), side by side,
alternated: peak RSS of the qgis_process run (GNU time's maximum resident
set), its wall time, and the largest difference between the two outputs'
estimates.

    python bench/bench_streaming.py [--targets 1000000] [--baseline a0ae035]

The baseline runs from a temporary git worktree of this repository at that
commit, exposed to its own QGIS profile; nothing of it stays behind."""
import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from common import REPO, import_plugin, load_sentence, machine, write_result

import_plugin()

from ree_grade.algorithms.geostats.variogram_model import Structure, VariogramModel  # noqa: E402

QGIS_PROCESS = "/usr/bin/qgis_process.bin"
N_SAMPLES, MAX_SAMPLES = 5000, 16
SMALLER = 4  # the smaller model has a quarter of the targets
BOUNDED_GROWTH = 1.25  # peak memory growing less than this for 4x the targets: bounded by a batch
BASELINE = "a0ae035"  # the last commit that held every target of a run in the QGIS process


def write_points(path, layer, xyz, fields):
    """A PointZ GeoPackage layer in EPSG:32648 with `fields` {name: (ogr type, values)}."""
    from osgeo import ogr, osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32648)
    source = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    out = source.CreateLayer(layer, srs, ogr.wkbPoint25D)
    for name, (kind, _) in fields.items():
        out.CreateField(ogr.FieldDefn(name, kind))
    definition = out.GetLayerDefn()
    out.StartTransaction()
    for row, (x, y, z) in enumerate(xyz):
        feature = ogr.Feature(definition)
        for name, (_, values) in fields.items():
            feature.SetField(name, values[row].item() if hasattr(values[row], "item") else values[row])
        point = ogr.Geometry(ogr.wkbPoint25D)
        point.AddPoint(float(x), float(y), float(z))
        feature.SetGeometry(point)
        out.CreateFeature(feature)
    out.CommitTransaction()
    source = None


def make_inputs(folder, n_targets):
    """Seeded samples over a smooth field in a 2000 x 2000 x 400 m box, a
    block grid of about n_targets centroids there, and a variogram file."""
    from osgeo import ogr

    rng = np.random.default_rng(0)
    xyz = rng.uniform(0, 1, (N_SAMPLES, 3)) * [2000.0, 2000.0, 400.0] + [224000.0, 3088000.0, 1800.0]
    grade = np.exp(np.sin(xyz[:, 0] / 300.0) + np.cos(xyz[:, 1] / 180.0) + rng.normal(0, 0.3, N_SAMPLES))
    holes = np.array([f"DH{i // 25:04d}" for i in range(N_SAMPLES)])
    write_points(folder / "samples.gpkg", "samples", xyz,
                 {"TREO_pct": (ogr.OFTReal, grade), "hole_id": (ogr.OFTString, holes)})
    nz = 25
    side = int(round(np.sqrt(n_targets / nz)))
    g = (np.arange(side) + 0.5) * 2000.0 / side
    gz = (np.arange(nz) + 0.5) * 400.0 / nz
    x, y, z = np.meshgrid(g, g, gz, indexing="ij")
    blocks = np.column_stack([x.ravel(), y.ravel(), z.ravel()]) + [224000.0, 3088000.0, 1800.0]
    write_points(folder / "blocks.gpkg", "blocks", blocks, {"block": (ogr.OFTInteger, np.arange(len(blocks)))})
    VariogramModel(0.1, [Structure("spherical", 0.9, (400.0, 400.0, 400.0))]).save(folder / "variogram.json",
                                                                                   "TREO_pct")
    return len(blocks)


def profile_for(folder, code, name):
    """(environment) of a QGIS profile in `folder` with the plugin at `code` enabled."""
    plugins, profile = folder / f"{name}_plugins", folder / f"{name}_profile"
    plugins.mkdir()
    profile.mkdir()
    (plugins / "ree_grade").symlink_to(code, target_is_directory=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(profile),
               QGIS_PLUGINPATH=str(plugins), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run([QGIS_PROCESS, "plugins", "enable", "ree_grade"], env=env, capture_output=True, check=False)
    return env


def run(env, folder, output):
    """(peak RSS in MB, wall s) of one ordinarykriging run."""
    times = folder / "time.txt"
    command = ["/usr/bin/time", "-f", "%M %e", "-o", str(times), QGIS_PROCESS, "run", "reegrade:ordinarykriging",
               "--", f"INPUT={folder / 'samples.gpkg'}", "GRADE_FIELD=TREO_pct",
               f"VARIOGRAM={folder / 'variogram.json'}", f"TARGETS={folder / 'blocks.gpkg'}",
               f"MAX_SAMPLES={MAX_SAMPLES}", f"OUTPUT={output}"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"qgis_process failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    kilobytes, wall = times.read_text().split()
    return int(kilobytes) / 1024.0, float(wall)


def estimates(path):
    from osgeo import ogr

    source = ogr.Open(str(path))
    layer = source.GetLayer(0)
    values = np.array([feature.GetField("ok_estimate") for feature in layer], dtype=float)
    source = None
    return values


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--baseline", default=BASELINE)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reegrade_streaming_"))
    baseline = folder / "baseline_code"
    names = ("streamed (this code)", f"whole layer ({args.baseline})")
    figures = {}
    try:
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(baseline), args.baseline],
                       check=True, capture_output=True)
        engines = dict(zip(names, (profile_for(folder, REPO, "current"), profile_for(folder, baseline, "baseline"))))
        load = os.getloadavg()[0]
        for size in (args.targets // SMALLER, args.targets):
            n_blocks = make_inputs(folder, size)
            for name, env in engines.items():
                output = folder / f"out_{names.index(name)}.gpkg"
                rss, wall = run(env, folder, output)
                figures[(name, n_blocks)] = (rss, wall)
                print(f"{name}, {n_blocks:,} targets: peak RSS {rss:,.0f} MB, {wall:.1f} s", flush=True)
            difference = float(np.nanmax(np.abs(estimates(folder / "out_0.gpkg") - estimates(folder / "out_1.gpkg"))))
        load_end = os.getloadavg()[0]
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(baseline)], check=False,
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    sizes = sorted({n for _, n in figures})
    rows = "\n".join(f"| {name} | {n:,} | {figures[(name, n)][0]:,.0f} | {figures[(name, n)][1]:.1f} |"
                      for n in sizes for name in names)
    growth = {name: figures[(name, sizes[1])][0] / figures[(name, sizes[0])][0] for name in names}
    streamed_mb, whole_mb = (figures[(name, sizes[1])][0] for name in names)
    ratio = whole_mb / streamed_mb
    markdown = f"""`qgis_process run reegrade:ordinarykriging`, {N_SAMPLES:,} samples, PointZ block centroids
in a GeoPackage, the {MAX_SAMPLES} nearest samples, point support, at two model sizes; the two codes
alternated, one run each (peak RSS: GNU time's maximum resident set of the qgis_process run).
{load_sentence(load, load_end)}.

| code | targets | peak RSS of the QGIS process (MB) | wall (s) |
|---|---|---|---|
{rows}

From {sizes[0]:,} to {sizes[1]:,} targets the streamed run's peak memory grows {growth[names[0]]:.2f}x, the
whole-layer run's {growth[names[1]]:.2f}x; at {sizes[1]:,} targets the whole-layer code needs {ratio:.1f}x the
memory. Largest difference between the two codes' estimates at {sizes[1]:,} targets: {difference:.1e}."""
    write_result("streaming", "Streamed point targets (QGIS process memory)", markdown, [{
        "target": "QGIS process memory of ordinarykriging on point targets",
        "goal": "bounded by a batch, not by the block model's size",
        "reached": f"peak RSS x{growth[names[0]]:.2f} for {SMALLER}x the targets ({streamed_mb:,.0f} MB at "
                   f"{sizes[1]:,}; the whole-layer code x{growth[names[1]]:.2f}, {whole_mb:,.0f} MB)",
        "met": growth[names[0]] < BOUNDED_GROWTH}])
    print(machine())


if __name__ == "__main__":
    main()
