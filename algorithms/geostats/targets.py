"""Prediction targets: a 2D grid of cell centres or a 3D block model of block
centroids, optionally clipped by polygons and by topography.

Indexing follows the block-model convention of Datamine and GSLIB: the origin
is the minimum corner (xmin, ymin, zmin), `ix` counts columns eastwards, `iy`
rows northwards and `iz` levels upwards, all from 0, and block i's centroid is
origin + (i + 0.5) * size. An extent that is not a whole number of blocks is
covered by one more (partial) column, row or level, so the model reaches the
whole extent. `block_id` is the row-major index ix + nx * (iy + ny * iz) in the
full model, so it stays the same block when clipping changes. Blocks are not
sub-blocked at the topography: a block is kept when its centroid lies at or
below the surface.
"""
import math

import numpy as np

from ..io.raster import read_surface, template_grid

MAX_BLOCKS = 20_000_000
SAMPLING = ("nearest", "bilinear")


def _count(low, high, size, axis):
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        raise ValueError(f"{axis} range {low:g}..{high:g} is empty; the maximum must exceed the minimum")
    if not math.isfinite(size) or size <= 0:
        raise ValueError(f"block size along {axis} must be positive, got {size:g}")
    # A width that is a whole number of blocks up to float noise must not gain a sliver.
    return max(1, int(math.ceil((high - low) / size - 1e-9)))


def _check_total(counts):
    total = int(np.prod([int(c) for c in counts], dtype=object))
    if total > MAX_BLOCKS:
        shape = " x ".join(str(c) for c in counts)
        raise ValueError(
            f"{shape} = {total:,} blocks is more than the {MAX_BLOCKS:,} allowed; use larger blocks or a smaller extent"
        )
    return total


def grid_2d(xmin, xmax, ymin, ymax, dx, dy):
    """Cell centres of a grid over an extent: dict of ix, iy, block_id, xc, yc,
    dx, dy (1-D arrays, iy slowest)."""
    return block_model(xmin, xmax, ymin, ymax, None, None, dx, dy, None)


def block_model(xmin, xmax, ymin, ymax, zmin, zmax, dx, dy, dz):
    """Block centroids over an extent (zmin/zmax/dz None for a 2D grid): dict of
    block_id, ix, iy, (iz,) xc, yc, (zc,) dx, dy, (dz, volume)."""
    counts = [_count(xmin, xmax, dx, "X"), _count(ymin, ymax, dy, "Y")]
    three_d = zmin is not None
    if three_d:
        counts.append(_count(zmin, zmax, dz, "Z"))
    total = _check_total(counts)
    block_id = np.arange(total, dtype=np.int64)
    ix = (block_id % counts[0]).astype(np.int32)
    iy = ((block_id // counts[0]) % counts[1]).astype(np.int32)
    out = {"block_id": block_id, "ix": ix, "iy": iy}
    if three_d:
        out["iz"] = (block_id // (counts[0] * counts[1])).astype(np.int32)
    out["xc"] = xmin + (ix + 0.5) * dx
    out["yc"] = ymin + (iy + 0.5) * dy
    if three_d:
        out["zc"] = zmin + (out["iz"] + 0.5) * dz
    out["dx"] = np.full(total, float(dx))
    out["dy"] = np.full(total, float(dy))
    if three_d:
        out["dz"] = np.full(total, float(dz))
        out["volume"] = np.full(total, float(dx) * float(dy) * float(dz))
    return out


def template_targets(x, y, width, height, dx, dy):
    """Targets at the cell centres of a raster template (`template_grid`'s x, y,
    row-major from the top row), indexed like `block_model`: iy counts rows up
    from the bottom row."""
    n = width * height
    _check_total([width, height])
    row, col = np.divmod(np.arange(n, dtype=np.int64), width)
    iy = (height - 1 - row).astype(np.int32)
    ix = col.astype(np.int32)
    return {
        "block_id": ix.astype(np.int64) + width * iy.astype(np.int64), "ix": ix, "iy": iy,
        "xc": np.asarray(x, dtype=float), "yc": np.asarray(y, dtype=float),
        "dx": np.full(n, abs(float(dx))), "dy": np.full(n, abs(float(dy))),
    }


def targets_from_template(path, label):
    """Targets at the cell centres of the raster at `path` (`template_targets`);
    a rotated raster (shear terms in its transform) is refused naming `label`."""
    profile, x, y = template_grid(path)
    transform = profile["transform"]
    if transform.b or transform.d:
        raise ValueError(f"{label}: a rotated raster cannot be a target grid")
    return template_targets(x, y, profile["width"], profile["height"], transform.a, transform.e)


def subset(targets, keep):
    return {name: values[keep] for name, values in targets.items()}


def inside_polygons(x, y, polygons):
    """Mask of the points inside (or on the edge of) any of the polygons."""
    import shapely

    geometries = np.asarray([g for g in polygons if g is not None and not shapely.is_empty(g)], dtype=object)
    if geometries.size == 0:
        raise ValueError("the clip layer has no polygon")
    tree = shapely.STRtree(geometries)
    keep = np.zeros(len(x), dtype=bool)
    for start in range(0, len(x), 200_000):
        points = shapely.points(np.column_stack([x[start : start + 200_000], y[start : start + 200_000]]))
        hit, _ = tree.query(points, predicate="intersects")
        keep[start + hit] = True
    return keep


def sample_surface(values, transform, x, y, method="nearest", nodata=None):
    """Surface elevation at (x, y) from a raster band (2-D array, affine
    `transform` of its top-left corner); NaN outside the raster or on nodata.
    Nearest takes the cell the point falls in; bilinear blends the four
    surrounding cell centres."""
    if method not in SAMPLING:
        raise ValueError(f"unknown sampling method {method!r}; use one of {SAMPLING}")
    grid = np.asarray(values, dtype=float)
    if nodata is not None and not np.isnan(nodata):
        grid = np.where(grid == nodata, np.nan, grid)
    inverse = ~transform
    col, row = inverse * (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    height, width = grid.shape
    nearest = _nearest(grid, row, col)
    if method == "nearest":
        return nearest
    # Cell centres sit at half-integer pixel coordinates; within half a cell of
    # the raster's edge, or next to nodata, there are not four centres to blend,
    # and the nearest cell is used so a DEM cut to the model extent keeps its edge.
    fr, fc = row - 0.5, col - 0.5
    r0, c0 = np.floor(fr).astype(np.int64), np.floor(fc).astype(np.int64)
    inside = (r0 >= 0) & (r0 + 1 < height) & (c0 >= 0) & (c0 + 1 < width)
    r0, c0, tr, tc = r0[inside], c0[inside], (fr - np.floor(fr))[inside], (fc - np.floor(fc))[inside]
    blended = (
        grid[r0, c0] * (1 - tr) * (1 - tc) + grid[r0, c0 + 1] * (1 - tr) * tc
        + grid[r0 + 1, c0] * tr * (1 - tc) + grid[r0 + 1, c0 + 1] * tr * tc
    )
    out = nearest.copy()
    out[np.flatnonzero(inside)[np.isfinite(blended)]] = blended[np.isfinite(blended)]
    return out


def _nearest(grid, row, col):
    height, width = grid.shape
    r, c = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
    inside = (r >= 0) & (r < height) & (c >= 0) & (c < width)
    out = np.full(len(r), np.nan)
    out[inside] = grid[r[inside], c[inside]]
    return out


def below_surface(zc, surface):
    """(keep, n_uncovered): blocks whose centroid is at or below the surface;
    blocks where the surface is unknown are dropped and counted."""
    uncovered = np.isnan(surface)
    keep = ~uncovered & (np.asarray(zc, dtype=float) <= surface)
    return keep, int(uncovered.sum())


def below_topography(targets, dem_path, method="nearest", targets_crs=None):
    """(targets kept, n_uncovered): the targets whose centroid lies at or below
    the surface of the DEM at `dem_path` (first band, sampled by `method` at the
    targets' xc, yc, warped from `targets_crs` into the DEM's CRS when given);
    targets off the DEM or on its nodata cells are dropped and counted."""
    values, transform, nodata, x, y = read_surface(dem_path, targets["xc"], targets["yc"], targets_crs)
    surface = sample_surface(values, transform, x, y, method, nodata)
    keep, uncovered = below_surface(targets["zc"], surface)
    return subset(targets, keep), uncovered
