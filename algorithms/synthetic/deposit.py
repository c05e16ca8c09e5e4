"""A synthetic carbonatite-fluorite REE deposit (bastnaesite ore, like the
Maoniuping and Dalucao systems of the Mianning-Dechang belt, Sichuan) with
the files a geologist gets and the exact truth, to develop, test, demonstrate
and benchmark the plugin.

API (names are stable; other stages rely on them)
-----------------------------------------------
``generate_deposit(preset="small", seed=0, progress=None, should_stop=None) -> Deposit``
    `preset` is one of PRESETS: ``small`` (tests: 16 holes, about 1,300 assay
    rows, an 80 x 120-pixel cube, about a second), ``demo`` (200 holes, about
    27,000 assay rows, a 100 x 135-pixel cube; bundled in sample_data/demo),
    ``large`` (benchmarks: 500 holes, about 87,000 assay rows or 67,000 2 m
    composites, a 1000 x 1000-pixel, 609-band float32 cube; about a minute of
    CPU and under 1 GB of memory to generate and write). Same preset and seed
    give identical output.
``write_deposit(deposit, folder, progress=None, should_stop=None) -> dict``
    writes the files below (each atomically) and returns {name: path}.

A `Deposit` is a dataclass that also reads like a dict (``deposit["assays"]``):

- ``crs``: "EPSG:32648" (WGS 84 / UTM 48N), metres; ``preset``, ``seed``, ``extent``
  (xmin, ymin, xmax, ymax).
- ``collars``: {hole_id, x, y, z, max_depth} (lists / float arrays).
- ``surveys``: {hole_id, depth, azimuth, dip}; dip negative downwards, azimuth
  clockwise from grid north; readings every 30 or 50 m from depth 0. Vertical
  holes (dip -90) have no survey rows.
- ``assays``: {hole_id, from, to, La, Ce, Pr, Nd, Sm, Eu, Gd, Tb, Dy, Ho, Er,
  Tm, Yb, Lu, Y, Sr, Ba, F}; element cells are strings as a lab CSV has them
  (ppm): numbers, "<0.5" or "-0.5" below detection (the notation alternates
  between lab batches of 20-80 consecutive samples), "" missing (about 5 %);
  a few exact duplicate rows and a few intervals overlapping the one above.
- ``logs``: {hole_id, from, to, description}: free text by four loggers.
- ``geology``: list of (unit code, shapely Polygon) covering the map extent;
  ``units``: the stable list of (code, description) (synthetic.geology.UNITS:
  carbonatite, breccia, syenite, fenite, granite, dyke).
- ``faults``: list of shapely LineString; ``fault_names`` and ``fault_dips``
  ((dip, dip direction) in degrees) beside them.
- ``cube``: a `synthetic.spectra.Cube`: ``reflectance`` (bands, rows, cols)
  float32, ``wavelengths_nm``, ``fwhm_nm``, ``transform`` (rasterio Affine),
  ``crs``; ``rows(r0, r1)``/``blocks()`` give it piecewise (use these for
  ``large``, whose float32 cube is 2.4 GB = 2.27 GiB).
- ``truth``: dict with
  ``blocks`` {x, y, z, TREO_pct, lithology}: block centroids below the
  topography and the block's true mean grade; ``block_grid`` {origin (x, y, z
  of the first centroid), size (dx, dy, dz), shape (nx, ny, nz)};
  ``samples`` {hole_id, from, to, x, y, z, lithology, d_fault (signed distance
  to the main fault plane, m), TREO_pct, flag}: the true
  grade of every assay row (same order; flag "duplicate"/"overlap"/""), i.e.
  before analytical error and lab artefacts, joinable on hole_id/from/to;
  ``logs`` {hole_id, from, to, logger, lithology, bastnaesite_pct, fluorite_pct,
  barite_pct, fluoritisation, baritisation, fenitisation, weathering (classes
  0-3, synthetic.logs.INTENSITY_NAMES: none, weak, moderate, strong), pervasive,
  main_alteration}, one row per log row (logger: synthetic.logs.LOGGERS);
  ``surface`` {TREO_pct, lithology (index into UNITS) as (rows, cols) arrays
  at the cube's pixels, abundances (endmember -> (rows, cols) area fraction)}.

Grades are TREO % (oxides, with the factors of `oxides`); the grade
model is described in synthetic.geology; the cube mixes USGS splib07 spectra
(sample_data/spectra) as described in synthetic.spectra.

Files written (see `synthetic.files`): collars.csv, surveys.csv, assays.csv,
logs.csv, geology.gpkg (layers lithology, faults), cube.tif (int16 x 10000,
scale 0.0001; float32 for large), cube_envi.img/.hdr, truth_blocks.csv,
truth_blocks.npz, truth_samples.csv, truth_logs.csv, README.md.
"""
import math
from dataclasses import dataclass, field

import numpy as np

from ..common.progress import check_cancelled, report_progress
from . import drilling as drill
from . import logs as logs_mod
from .geology import DYKE, UNITS, DepositModel
from .spectra import ENDMEMBERS, Cube, endmember_matrix, sensor_bands

CRS = "EPSG:32648"
# The seed of the bundled sample_data/demo (scripts/make_sample_data.py).
DEMO_SEED = 0
CENTRE = (224500.0, 3088500.0)
PRESETS = {
    "small": dict(size=(1200.0, 800.0), strike_length=600.0, holes=16, depth=(60.0, 150.0), pixel=10.0,
                  block=(25.0, 25.0, 10.0), block_depth=200.0, discretisation=(2, 2, 1), map_cell=5.0,
                  sensor="aviris", cube_dtype="int16"),
    "demo": dict(size=(2000.0, 1500.0), strike_length=1600.0, holes=200, depth=(100.0, 300.0), pixel=15.0,
                 block=(25.0, 25.0, 10.0), block_depth=350.0, discretisation=(2, 2, 1), map_cell=5.0,
                 sensor="aviris", cube_dtype="int16"),
    "large": dict(size=(5000.0, 5000.0), strike_length=4400.0, holes=500, depth=(150.0, 400.0), pixel=5.0,
                  block=(25.0, 25.0, 10.0), block_depth=400.0, discretisation=(2, 2, 1), map_cell=10.0,
                  sensor="hires3nm", cube_dtype="float32"),
}
STEP_M = 0.5
DUPLICATE_FRACTION = 0.004
OVERLAP_FRACTION = 0.004


@dataclass
class Deposit:
    crs: str
    preset: str
    seed: int
    extent: tuple
    collars: dict
    surveys: dict
    assays: dict
    logs: dict
    geology: list
    units: tuple
    faults: list
    fault_names: list
    fault_dips: list
    cube: Cube
    truth: dict
    params: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return getattr(self, key)

    def __contains__(self, key):
        return key in self.__dataclass_fields__

    def keys(self):
        return self.__dataclass_fields__.keys()


def generate_deposit(preset="small", seed=0, progress=None, should_stop=None):
    """Generate the deposit of `preset` (PRESETS) with `seed`; see the module
    docstring for what it holds."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
    params = PRESETS[preset]
    rngs = deposit_generators(preset, seed)
    extent = _extent(params)
    model = DepositModel(rngs[0], CENTRE, params["strike_length"])
    report_progress(progress, 0.02)
    drilling = _drill(rngs[1], rngs[2], rngs[3], model, extent, params, should_stop)
    report_progress(progress, 0.35)
    check_cancelled(should_stop)
    geology = map_geology(model, extent, params["map_cell"])
    faults, fault_names, fault_dips = _faults(model, extent)
    report_progress(progress, 0.45)
    cube, surface = _cube(rngs[4], model, extent, params, int(seed))
    report_progress(progress, 0.6)
    check_cancelled(should_stop)
    blocks, grid = block_model(model, extent, params, should_stop)
    report_progress(progress, 1.0)
    truth = {"blocks": blocks, "block_grid": grid, "samples": drilling["truth_samples"],
             "logs": drilling["truth_logs"], "surface": surface}
    return Deposit(CRS, preset, int(seed), extent, drilling["collars"], drilling["surveys"], drilling["assays"],
                   drilling["logs"], geology, UNITS, faults, fault_names, fault_dips, cube, truth,
                   dict(params))


def deposit_generators(preset, seed):
    """The six random generators `generate_deposit(preset, seed)` draws from,
    in its order (geology, holes, samples, logs, cube, spare)."""
    streams = np.random.SeedSequence([int(seed), list(PRESETS).index(preset)]).spawn(6)
    return [np.random.default_rng(s) for s in streams]


def deposit_model(preset="small", seed=0):
    """The geology (`DepositModel`) of `generate_deposit(preset, seed)`, its
    truth's source, without drilling it or building its cube."""
    return DepositModel(deposit_generators(preset, seed)[0], CENTRE, PRESETS[preset]["strike_length"])


def _extent(params):
    """Map extent whose sides are whole multiples of the pixel, map cell and
    block sizes, so the cube, the map grid and the block model share edges."""
    step = math.lcm(*(int(round(v)) for v in (params["pixel"], params["map_cell"], *params["block"][:2])))
    width, height = (math.ceil(v / step) * step for v in params["size"])
    x0 = math.floor((CENTRE[0] - width / 2) / step) * step
    y0 = math.floor((CENTRE[1] - height / 2) / step) * step
    return (float(x0), float(y0), float(x0 + width), float(y0 + height))


# --- drillholes ----------------------------------------------------------------
def _drill(rng_holes, rng_samples, rng_logs, model, extent, params, should_stop):
    plan = drill.plan_holes(rng_holes, model, extent, params["holes"], params["depth"])
    ids = drill.hole_ids(plan["line"])
    collars = {"hole_id": ids, "x": plan["x"], "y": plan["y"], "z": plan["z"], "max_depth": plan["length"]}
    surveys = {"hole_id": [], "depth": [], "azimuth": [], "dip": []}
    paths, steps = [], []
    for i, hole in enumerate(ids):
        collar = (plan["x"][i], plan["y"][i], plan["z"][i])
        if plan["dip"][i] <= -89.95:
            station = ([0.0], [0.0], [-90.0])
        else:
            station = drill.survey_stations(rng_holes, plan["azimuth"][i], plan["dip"][i], plan["length"][i])
            for key, values in zip(("depth", "azimuth", "dip"), station):
                surveys[key].extend(float(v) for v in values)
            surveys["hole_id"].extend([hole] * len(station[0]))
        paths.append(drill.hole_path(collar, *station))
        steps.append(np.arange(0.0, plan["length"][i] + 1e-9, STEP_M))
    check_cancelled(should_stop)
    step_props = _properties_along(model, paths, steps)
    # On the log step grid, so log and sample intervals agree on the soil's base.
    overburden = np.round(rng_holes.uniform(0.0, 6.0, len(ids)) / STEP_M) * STEP_M
    samples = _samples(rng_samples, model, ids, paths, steps, step_props, overburden, plan["length"])
    check_cancelled(should_stop)
    log_rows, log_truth = _logs(rng_logs, ids, steps, step_props, overburden, plan["length"])
    return {"collars": collars, "surveys": {k: (v if k == "hole_id" else np.array(v)) for k, v in surveys.items()},
            "assays": samples["assays"], "truth_samples": samples["truth"], "logs": log_rows,
            "truth_logs": log_truth}


def _properties_along(model, paths, steps):
    """Properties at every STEP_M of every hole, as one list entry per hole."""
    xyz = np.vstack([path.locate(d)[0] for path, d in zip(paths, steps)])
    props = _properties(model, xyz)
    bounds = np.cumsum([0] + [len(d) for d in steps])
    return [{k: v[a:b] for k, v in props.items()} for a, b in zip(bounds[:-1], bounds[1:])]


def _properties(model, xyz):
    depth = model.topography(xyz[:, 0], xyz[:, 1]) - xyz[:, 2]
    props = model.properties(xyz, depth)
    props["xyz"] = xyz
    return props


def _samples(rng, model, ids, paths, steps, step_props, overburden, lengths):
    rows = []
    for i, hole in enumerate(ids):
        lith = step_props[i]["lithology"]
        contacts = list(steps[i][1:][np.diff(lith) != 0])
        for a, b in drill.sample_intervals(rng, contacts, overburden[i], lengths[i]):
            rows.append([i, a, b, ""])
    rows = _add_overlaps(rng, rows)
    hole_index = np.array([r[0] for r in rows])
    froms = np.array([r[1] for r in rows])
    tos = np.array([r[2] for r in rows])
    mids = np.empty((len(rows), 3))
    for i, path in enumerate(paths):
        rows_i = hole_index == i
        mids[rows_i] = path.locate(0.5 * (froms[rows_i] + tos[rows_i]))[0]
    props = _properties(model, mids)
    log_treo = props["log_treo"] + drill.sample_nugget(rng, len(rows))
    ppm, _ = drill.interval_chemistry(rng, props, log_treo)
    treo = drill.treo_from_ppm(ppm)
    cells = drill.lab_cells(rng, ppm, drill.lab_batches(rng, len(rows)))
    order, is_duplicate = _with_duplicates(rng, len(rows))
    flags = ["duplicate" if dup else rows[k][3] for k, dup in zip(order, is_duplicate)]
    assays = {"hole_id": [ids[hole_index[k]] for k in order], "from": froms[order], "to": tos[order]}
    assays.update({el: [cells[el][k] for k in order] for el in drill.ASSAY_ELEMENTS})
    truth = {"hole_id": assays["hole_id"], "from": froms[order], "to": tos[order],
             "x": np.round(mids[order, 0], 2), "y": np.round(mids[order, 1], 2), "z": np.round(mids[order, 2], 2),
             "lithology": [UNITS[c][0] for c in props["lithology"][order]],
             "d_fault": np.round(props["d_fault"][order], 2), "TREO_pct": np.round(treo[order], 5), "flag": flags}
    return {"assays": assays, "truth": truth}


def _add_overlaps(rng, rows):
    """Move the start of a few intervals up into the interval above, as a
    re-sampled or mis-keyed interval does."""
    for k in np.flatnonzero(rng.uniform(size=len(rows)) < OVERLAP_FRACTION):
        if k > 0 and rows[k - 1][0] == rows[k][0] and rows[k - 1][2] - rows[k - 1][1] > 0.8:
            rows[k][1] = round(rows[k][1] - float(rng.uniform(0.2, 0.6)), 2)
            rows[k][3] = "overlap"
    return rows


def _with_duplicates(rng, n):
    """(row order, is a duplicate) with a few rows written twice in a row,
    as an exact duplicate in a lab file."""
    twice = rng.uniform(size=n) < DUPLICATE_FRACTION
    order = np.repeat(np.arange(n), np.where(twice, 2, 1))
    is_duplicate = np.zeros(len(order), dtype=bool)
    is_duplicate[1:] = order[1:] == order[:-1]
    return order, is_duplicate


def _logs(rng, ids, steps, step_props, overburden, lengths):
    rows = {"hole_id": [], "from": [], "to": [], "description": []}
    truth_rows = []
    loggers = rng.choice(logs_mod.LOGGERS, size=len(ids))
    for i, hole in enumerate(ids):
        props = step_props[i]
        depth = steps[i]
        soil = depth < overburden[i]
        lith = np.where(soil, -1, props["lithology"])
        props = {k: np.where(soil, 0.0, v) if k in logs_mod.ALTERATIONS else v for k, v in props.items()}
        minerals = drill.minerals_from(props, np.exp(props["log_treo"]))
        minerals = {k: np.where(soil, 0.0, v) for k, v in minerals.items()}
        fluor_class = logs_mod.intensity_class(props["fluoritisation"])
        for a, b in logs_mod.log_segments(lith, fluor_class, STEP_M):
            top = float(depth[a])
            bottom = float(depth[b]) if b < len(depth) else float(lengths[i])
            if bottom - top < 0.05 and truth_rows and truth_rows[-1]["hole_id"] == hole:
                # A sliver at the end of the hole joins the interval above.
                rows["to"][-1] = truth_rows[-1]["to"] = round(bottom, 2)
                continue
            truth = logs_mod.interval_truth(lith, props, minerals, a, b)
            rows["hole_id"].append(hole)
            rows["from"].append(round(top, 2))
            rows["to"].append(round(bottom, 2))
            rows["description"].append(logs_mod.describe(rng, truth, loggers[i]))
            truth.pop("code")
            truth_rows.append({"hole_id": hole, "from": round(top, 2), "to": round(bottom, 2),
                               "logger": str(loggers[i]), **truth})
    truth = {key: [row[key] for row in truth_rows] for key in truth_rows[0]} if truth_rows else {}
    rows["from"], rows["to"] = np.array(rows["from"]), np.array(rows["to"])
    return rows, truth


# --- geology map ---------------------------------------------------------------
def map_geology(model, extent, cell):
    """(unit code, Polygon) pieces of the bedrock surface geology, covering
    `extent`, traced on a `cell` m grid and simplified as a coverage."""
    import shapely
    from rasterio.features import shapes
    from rasterio.transform import from_origin
    from shapely.geometry import shape

    xmin, ymin, xmax, ymax = extent
    nx, ny = int(round((xmax - xmin) / cell)), int(round((ymax - ymin) / cell))
    x = xmin + (np.arange(nx) + 0.5) * cell
    y = ymax - (np.arange(ny) + 0.5) * cell
    xx, yy = np.meshgrid(x, y)
    z = model.topography(xx.ravel(), yy.ravel()) - 1.0
    lith = model.properties(np.column_stack([xx.ravel(), yy.ravel(), z]), np.ones(z.size))["lithology"]
    grid = lith.reshape(ny, nx).astype(np.int32)
    pieces = [(int(value), shape(geom)) for geom, value in shapes(grid, transform=from_origin(xmin, ymax, cell, cell))]
    simplified = shapely.coverage_simplify(np.array([p for _, p in pieces], dtype=object), cell * 0.75)
    return [(UNITS[code][0], poly) for (code, _), poly in zip(pieces, simplified) if not poly.is_empty]


def _faults(model, extent):
    from shapely.geometry import LineString, box

    frame = box(*extent)
    lines, names, dips = [], [], []
    for name, vertices, dip, dip_direction in model.fault_traces(extent):
        clipped = LineString(vertices).intersection(frame)
        if clipped.is_empty or clipped.geom_type != "LineString":
            continue
        lines.append(clipped)
        names.append(name)
        dips.append((dip, dip_direction))
    return lines, names, dips


# --- hyperspectral cube --------------------------------------------------------
def _cube(rng, model, extent, params, seed):
    from rasterio.transform import from_origin

    xmin, ymin, xmax, ymax = extent
    pixel = params["pixel"]
    nx, ny = int(round((xmax - xmin) / pixel)), int(round((ymax - ymin) / pixel))
    x = xmin + (np.arange(nx) + 0.5) * pixel
    y = ymax - (np.arange(ny) + 0.5) * pixel
    xx, yy = (a.ravel() for a in np.meshgrid(x, y))
    z = model.topography(xx, yy)
    props = model.properties(np.column_stack([xx, yy, z - 0.5]), np.full(z.size, 0.5))
    treo = np.exp(props["log_treo"])
    minerals = drill.minerals_from(props, treo)
    clay = np.clip(0.08 + 0.07 * model.weathering_field(np.column_stack([xx, yy, z]) - [*model.centre, 0.0]),
                   0.0, 0.25)
    abundances = surface_abundances(props, minerals, clay, rng)
    albedo = np.where(props["lithology"] == DYKE, 0.35, 1.0) * _illumination(model, xx, yy, pixel)
    centres, fwhm = sensor_bands(params["sensor"])
    stack = np.stack([abundances[name].reshape(ny, nx) for name in ENDMEMBERS])
    cube = Cube(stack, endmember_matrix(centres, fwhm), albedo.reshape(ny, nx), centres, fwhm,
                from_origin(xmin, ymax, pixel, pixel), CRS, seed)
    surface = {"TREO_pct": treo.reshape(ny, nx), "lithology": props["lithology"].reshape(ny, nx),
               "abundances": {name: stack[k] for k, name in enumerate(ENDMEMBERS)}}
    return cube, surface


# Area fractions of each endmember in a unit's outcrop, in UNITS order.
BASE_ABUNDANCE = {
    "calcite": np.array([0.40, 0.20, 0.03, 0.02, 0.0, 0.02]),
    "dolomite": np.array([0.12, 0.06, 0.0, 0.0, 0.0, 0.0]),
    "fluorapatite": np.array([0.04, 0.02, 0.01, 0.0, 0.0, 0.0]),
    "phlogopite": np.array([0.05, 0.05, 0.08, 0.15, 0.03, 0.10]),
    "hematite": np.array([0.0, 0.01, 0.0, 0.02, 0.0, 0.0]),
}
# Bastnaesite resists weathering and concentrates in the residual soil and
# outcrop surface, as at Maoniuping; its surface fraction is this times the
# modal fraction of the rock below.
SURFACE_BASTNAESITE_ENRICHMENT = 2.0
CLAY_HOST = np.array([0.4, 0.7, 1.0, 1.0, 1.0, 0.6])


def surface_abundances(props, minerals, clay, rng):
    """Endmember -> area fraction at surface points, summing to 1."""
    lith = props["lithology"]
    n = len(lith)
    variation = np.exp(rng.normal(0.0, 0.15, (len(BASE_ABUNDANCE), n)))
    out = {name: BASE_ABUNDANCE[name][lith] * variation[k] for k, name in enumerate(BASE_ABUNDANCE)}
    out["bastnaesite"] = np.minimum(SURFACE_BASTNAESITE_ENRICHMENT * minerals["bastnaesite_pct"] / 100.0, 0.4)
    out["barite"] = np.minimum(1.5 * minerals["barite_pct"] / 100.0, 0.3)
    out["goethite"] = 0.12 * props["iron_oxide"] + 0.03 * props["weathering"]
    out["hematite"] = out["hematite"] + 0.06 * props["iron_oxide"]
    clay = clay * CLAY_HOST[lith]
    share = np.clip(rng.normal(0.6, 0.1, n), 0.3, 0.9)
    out["kaolinite"], out["montmorillonite"] = clay * share, clay * (1.0 - share)
    total = sum(out.values())
    scale = np.where(total > 0.95, 0.95 / total, 1.0)
    out = {name: value * scale for name, value in out.items()}
    out["featureless"] = 1.0 - sum(out.values())
    return {name: out[name] for name in ENDMEMBERS}


def _illumination(model, x, y, pixel, sun_azimuth=135.0, sun_elevation=55.0):
    """Cosine of the solar incidence on the topography relative to flat ground."""
    dzdx = (model.topography(x + pixel, y) - model.topography(x - pixel, y)) / (2 * pixel)
    dzdy = (model.topography(x, y + pixel) - model.topography(x, y - pixel)) / (2 * pixel)
    normal = np.column_stack([-dzdx, -dzdy, np.ones_like(dzdx)])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    az, el = np.radians(sun_azimuth), np.radians(sun_elevation)
    sun = np.array([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)])
    return np.clip(normal @ sun / np.sin(el), 0.5, 1.2)


# --- block model ---------------------------------------------------------------
def block_model(model, extent, params, should_stop=None):
    """True block grades: the mean of the point grade exp(L) over a regular
    discretisation of each block, for blocks whose centroid lies below the
    topography. Returns (blocks, grid)."""
    xmin, ymin, xmax, ymax = extent
    dx, dy, dz = params["block"]
    nx, ny = int(round((xmax - xmin) / dx)), int(round((ymax - ymin) / dy))
    x = xmin + (np.arange(nx) + 0.5) * dx
    y = ymin + (np.arange(ny) + 0.5) * dy
    xx, yy = np.meshgrid(x, y, indexing="ij")
    surface = model.topography(xx.ravel(), yy.ravel()).reshape(nx, ny)
    z_top = np.ceil(surface.max() / dz) * dz
    z_bottom = np.floor((surface.min() - params["block_depth"]) / dz) * dz
    nz = int(round((z_top - z_bottom) / dz))
    z = z_bottom + (np.arange(nz) + 0.5) * dz
    offsets = _discretisation(params["block"], params["discretisation"])
    columns = {"x": [], "y": [], "z": [], "TREO_pct": [], "lithology": []}
    for k, level in enumerate(z):
        check_cancelled(should_stop)
        below = level < surface
        if not below.any():
            continue
        cx, cy = xx[below], yy[below]
        centroids = np.column_stack([cx, cy, np.full(cx.size, level)])
        points = (centroids[:, None, :] + offsets[None, :, :]).reshape(-1, 3)
        grade = np.exp(model.rock(points)["log_treo"]).reshape(len(cx), len(offsets)).mean(axis=1)
        lith = model.rock(centroids)["lithology"]
        for key, values in zip(columns, (cx, cy, centroids[:, 2], grade, lith)):
            columns[key].append(values)
    blocks = {key: np.concatenate(values) for key, values in columns.items()}
    blocks["lithology"] = [UNITS[c][0] for c in blocks["lithology"]]
    grid = {"origin": (float(x[0]), float(y[0]), float(z[0])), "size": (dx, dy, dz), "shape": (nx, ny, nz)}
    return blocks, grid


def _discretisation(size, counts):
    axes = [((np.arange(n) + 0.5) / n - 0.5) * s for s, n in zip(size, counts)]
    return np.array(np.meshgrid(*axes, indexing="ij")).reshape(3, -1).T


def write_deposit(deposit, folder, progress=None, should_stop=None):
    """Write the deposit's files into `folder`; returns {name: path}."""
    from .files import write_all

    return write_all(deposit, folder, progress, should_stop)
