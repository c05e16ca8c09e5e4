"""Distance from 3D points to mapped faults extended down dip.

Why: a map's fault is a line at the surface, but a drillhole sample or a
block lies hundreds of metres below it, where a fault dipping at 75 degrees
has moved a quarter of that depth sideways. The distance to the surface
trace (`map_features.FAULT_FIELD`) then measures the wrong thing at depth;
a resource geologist projects the fault down its mapped dip instead.

Each fault is taken as the surface through its trace that dips at its mapped
dip towards its mapped dip direction (azimuth, degrees clockwise from grid
north), planar across strike. A point `depth` metres below the surface (the
elevation model at its XY less its z) is moved up dip by depth / tan(dip) to
the surface, where its horizontal distance h to the trace gives the distance
to the fault surface, h sin(d). d is the dip itself where the trace runs
across the dip direction; where a stretch of the trace runs at an angle t
off that (t = 0: across it), the surface swept along the dip direction dips
at tan(d) = tan(dip) / cos(t) across that stretch, which is steeper. The
sign is + on the hanging-wall side (the side the fault dips towards) and -
on the footwall side; a vertical fault takes + on the side its dip
direction points to. A stretch of the trace that runs along the dip
direction has no hanging wall of its own, and its side is whichever its
normal leans to. Where several faults are given, each point takes the
nearest. The depth is the one below the surface above the point, not above
the trace: on a surface that rises by r between them the projection is off
by r / tan(dip) (27 m for r = 100 m at 75 degrees).
"""
import numpy as np

from ..common.progress import check_cancelled, report_progress

FIELD = "geo_fault_plane"
_CHUNK = 50_000


class FaultPlanes:
    """Mapped faults with their dips. `lines`: shapely (multi)linestrings;
    `dips` (degrees from horizontal, in (0, 90]) and `dip_directions`
    (degrees) one per line; `rows` their row numbers in the layer, for
    errors (default 1, 2, ...)."""

    def __init__(self, lines, dips, dip_directions, label="faults", rows=None):
        import shapely

        from .map_features import _segments

        dips, directions = (np.asarray(v, dtype=float) for v in (dips, dip_directions))
        if not (len(lines) == len(dips) == len(directions)):
            raise ValueError(f"{label}: {len(lines)} lines, {len(dips)} dips and {len(directions)} dip directions")
        rows = list(range(1, len(lines) + 1)) if rows is None else list(rows)
        if len(rows) != len(lines):
            raise ValueError(f"{label}: {len(rows)} row numbers for {len(lines)} lines")
        for row, dip, direction in zip(rows, dips, directions):
            if not (np.isfinite(dip) and 0.0 < dip <= 90.0):
                raise ValueError(f"{label}: row {row}: dip {dip} is not in (0, 90] degrees")
            if not np.isfinite(direction):
                raise ValueError(f"{label}: row {row}: the dip direction is missing")
        self.faults = []
        for row, line, dip, direction in zip(rows, lines, dips, directions):
            segments = _segments(np.asarray([line], dtype=object))
            # A repeated vertex is a segment of no length, whose normal has no side.
            segments = segments[shapely.length(segments) > 0]
            if segments.size == 0:
                raise ValueError(f"{label}: row {row} has no line of non-zero length")
            azimuth = np.radians(direction)
            self.faults.append((shapely.STRtree(segments), segments, np.radians(dip),
                                np.array([np.sin(azimuth), np.cos(azimuth)])))

    def distance(self, xyz, surface, label="points", progress=None, should_stop=None):
        """(n,) signed distance (m) from each point (x, y, z) to the nearest
        fault surface; `surface` (n,) the elevation of the ground above each
        point. NaN where the surface is unknown."""
        xyz, surface = np.asarray(xyz, dtype=float), np.asarray(surface, dtype=float)
        if xyz.ndim != 2 or xyz.shape[1] != 3 or surface.shape != (len(xyz),):
            raise ValueError(f"{label}: expected (n, 3) points and one surface elevation each, got "
                             f"{xyz.shape} and {surface.shape}")
        out = np.full(len(xyz), np.nan)
        for start in range(0, len(xyz), _CHUNK):
            check_cancelled(should_stop)
            stop = min(start + _CHUNK, len(xyz))
            out[start:stop] = self._nearest(xyz[start:stop], surface[start:stop])
            report_progress(progress, stop / max(len(xyz), 1))
        return out

    def _nearest(self, xyz, surface):
        known = np.isfinite(surface) & np.all(np.isfinite(xyz), axis=1)
        best = np.full(len(xyz), np.nan)
        for tree, segments, dip, direction in self.faults:
            signed = np.full(len(xyz), np.nan)
            signed[known] = _signed_to_trace(tree, segments, dip, direction, xyz[known], surface[known])
            closer = ~(np.abs(best) <= np.abs(signed)) & np.isfinite(signed)
            best[closer] = signed[closer]
        return best


def _signed_to_trace(tree, segments, dip, direction, xyz, surface):
    """Signed distance to one fault surface (see the module docstring): the
    least h sin(d) over the trace's segments. Only segments within h_min /
    sin(dip) of the point up dip can give it (sin(d) >= sin(dip), and the
    horizontally nearest gives at most h_min), so only those are scored."""
    import shapely

    if not len(xyz):
        return np.zeros(0)
    depth = surface - xyz[:, 2]
    up_dip = xyz[:, :2] - (depth / np.tan(dip))[:, None] * direction[None, :] if dip < np.pi / 2 else xyz[:, :2]
    points = shapely.points(up_dip)
    (point_index, _), nearest = tree.query_nearest(points, return_distance=True, all_matches=False)
    reach = np.empty(len(points))
    reach[point_index] = nearest / np.sin(dip) * (1.0 + 1e-9) + 1e-9
    point_index, segment_index = tree.query(points, predicate="dwithin", distance=reach)
    candidates = segments[segment_index]
    horizontal = shapely.distance(candidates, points[point_index])
    ends = shapely.get_coordinates(candidates).reshape(-1, 2, 2)
    along = ends[:, 1] - ends[:, 0]
    normal = np.column_stack([along[:, 1], -along[:, 0]]) / np.hypot(along[:, 0], along[:, 1])[:, None]
    across = normal @ direction  # cos(t) of the module docstring, signed
    distance = horizontal * _sin_swept_dip(dip, np.abs(across))
    order = np.lexsort((segment_index, distance, point_index))  # per point, the least distance first
    first = order[np.r_[True, point_index[order][1:] != point_index[order][:-1]]]
    best = np.empty(len(points), dtype=np.int64)
    best[point_index[first]] = first
    # The side: the chosen segment's own normal that points down dip, so that a bend in the trace does not flip it.
    closest = shapely.get_coordinates(shapely.shortest_line(candidates[best], points))[0::2]
    towards = normal[best] * np.where(across[best] >= 0, 1.0, -1.0)[:, None]
    side = np.where(np.sum((up_dip - closest) * towards, axis=1) >= 0, 1.0, -1.0)
    return side * distance[best]


def _sin_swept_dip(dip, cos_off):
    """sin(d) of the surface swept along the dip direction, across a stretch of
    trace whose normal is `cos_off` off it: tan(d) = tan(dip) / cos_off."""
    if dip >= np.pi / 2:
        return np.ones_like(cos_off)
    tangent = np.tan(dip)
    return tangent / np.sqrt(cos_off**2 + tangent**2)
