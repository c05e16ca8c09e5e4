"""Geology-map covariates at points: the mapped unit as one-hot fields, the
distance to the nearest contact between different units and to the nearest
fault.

Field names. The unit at each point is written to `geo_unit` (NULL outside the
map) and as one field per unit, `geo_<slug>`, 1 where the point lies in that
unit and 0 elsewhere. The slug of a unit value is ASCII (accents stripped),
lower case, every run of other characters replaced by `_`, trimmed of `_` and
truncated to `SLUG_LENGTH` characters; an empty slug becomes `unit`. Units are
taken in sorted order; a slug that repeats an earlier one, or that would make
one of the reserved names (`geo_unit`, `geo_dist_contact`, `geo_dist_fault`),
gets `_2`, `_3`, ... . The unit list and this mapping are saved as a
`UnitList`, so targets processed later get exactly the samples' fields.

Geometry. Points are looked up in XY only (a 3D point takes the unit mapped at
its collar-plane position). A point on a boundary shared by two units, or in
overlapping polygons, takes the unit that comes first in the sorted unit list,
so the answer does not depend on feature order. Contacts are the boundaries of
the units after dissolving polygons of the same unit, less the outline of the
mapped area (the edge of a map is not a geological contact).
"""
import re
import unicodedata

import numpy as np

from ..common.progress import check_cancelled, report_progress
from ..io.modelfile import DictOf, Mapping, Nullable, Number, Text, check_arrays, load_model, save_model

SLUG_LENGTH = 40
PREFIX = "geo_"
UNIT_FIELD = "geo_unit"
CONTACT_FIELD = "geo_dist_contact"
FAULT_FIELD = "geo_dist_fault"
RESERVED = (UNIT_FIELD, CONTACT_FIELD, FAULT_FIELD)
KIND = "geologyunits"
FORMAT_VERSION = 1
UNIT_LIST_SCHEMA = Mapping({"unit_field": Nullable(Text()), "field_names": DictOf(Text())},
                           optional={"slug_length": Number(low=1, integer=True)})
_CHUNK = 50_000


def unit_text(value):
    """A unit value as text; whole-number floats lose their '.0', so a code
    read as 12.0 from one file and 12 from another is one unit."""
    if value is None:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
    text = str(value).strip()
    return text or None


def slug(value, length=SLUG_LENGTH):
    ascii_text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:length].strip("_")
    return text or "unit"


def unit_fields(units):
    """{unit: field name} for a unit list, deterministic for a given list."""
    taken = set(RESERVED)
    names = {}
    for unit in sorted(units):
        base = PREFIX + slug(unit)
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(name)
        names[unit] = name
    return names


def map_units(values):
    """The sorted set of non-empty unit values of a polygon layer."""
    return sorted({text for text in (unit_text(v) for v in values) if text is not None})


class UnitList:
    """The units a map was encoded against and the polygon field they came from,
    kept as a file so targets processed later get exactly the samples' fields
    (a target area may lack a unit, or show one the samples never met)."""

    def __init__(self, units, unit_field=None):
        self.units = sorted(units)
        self.unit_field = unit_field

    @property
    def fields(self):
        return unit_fields(self.units)

    def save(self, path, metadata=None):
        """The unit list as arrays; the JSON also shows each unit's field name."""
        names = self.fields
        params = {"unit_field": self.unit_field, "field_names": names, "slug_length": SLUG_LENGTH}
        arrays = {"units": np.array(self.units, dtype=str)}
        return save_model(path, KIND, FORMAT_VERSION, [names[u] for u in self.units], params, arrays, metadata)

    @classmethod
    def load(cls, path):
        header, arrays = load_model(path, KIND, FORMAT_VERSION, params_schema=UNIT_LIST_SCHEMA)
        check_arrays(path, arrays, {"units": (len(header["fields"]),)}, text=("units",))
        unit_list = cls([str(u) for u in arrays["units"]], header["params"].get("unit_field"))
        unit_list.header_ = header
        return unit_list


def _valid_polygons(polygons, units, label):
    """(geometries, unit texts) of the polygons that carry a unit, made valid."""
    import shapely

    geometries = np.asarray(polygons, dtype=object)
    texts = np.array([unit_text(v) for v in units], dtype=object)
    if len(geometries) != len(texts):
        raise ValueError(f"{label}: {len(geometries)} polygons but {len(texts)} unit values")
    for row, geometry in enumerate(geometries):
        if geometry is None or shapely.is_empty(geometry):
            raise ValueError(f"{label}: feature at row {row + 1} has no geometry")
        if shapely.get_type_id(geometry) not in (3, 6, 7):
            raise ValueError(f"{label}: feature at row {row + 1} is not a polygon")
    keep = np.array([t is not None for t in texts], dtype=bool)
    valid = np.array([_polygonal(g) for g in shapely.make_valid(geometries[keep])], dtype=object)
    return valid, texts[keep], int((~keep).sum())


def _polygonal(geometry):
    """The polygon parts of a repaired geometry: make_valid may turn a bow-tie
    into polygons plus a stray line, which is no area of the unit."""
    import shapely

    if shapely.get_type_id(geometry) != 7:
        return geometry
    parts = shapely.get_parts(geometry)
    return shapely.union_all(parts[np.isin(shapely.get_type_id(parts), (3, 6))])


def _segments(lines):
    """Two-point linestrings of every segment of `lines`, for a nearest-segment
    tree (one long contact line would make each distance query scan it all)."""
    import shapely

    parts = shapely.get_parts(shapely.get_parts(np.atleast_1d(lines)))
    parts = parts[shapely.get_type_id(parts) == 1]
    if parts.size == 0:
        return np.empty(0, dtype=object)
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[:-1] == index[1:]
    starts, ends = coords[:-1][same], coords[1:][same]
    return shapely.linestrings(np.stack([starts, ends], axis=1))


def _lines_of(geometries):
    import shapely

    lines = shapely.boundary(np.asarray(geometries, dtype=object))
    return lines[~shapely.is_empty(lines)]


class GeologyMap:
    """A polygon geology map (and optional fault lines) ready for fast lookups.

    `polygons`: shapely polygons; `units`: their unit values (None/NaN for a
    polygon without a unit, which is left out and counted in
    `n_without_unit`); `faults`: shapely lines or None; `units_list`: a saved
    unit list to encode against (default: every unit of the map, sorted).
    """

    def __init__(self, polygons, units, faults=None, units_list=None, label="geology"):
        import shapely

        geometries, texts, self.n_without_unit = _valid_polygons(polygons, units, label)
        if len(geometries) == 0:
            raise ValueError(f"{label}: no polygon has a unit value")
        self.map_units = map_units(texts)
        self.units = sorted(units_list) if units_list is not None else list(self.map_units)
        if not self.units:
            raise ValueError(f"{label}: the unit list is empty")
        self.fields = unit_fields(self.units)
        rank = {unit: i for i, unit in enumerate(sorted(set(self.units) | set(self.map_units)))}
        self._all_units = sorted(rank, key=rank.get)
        self._polygon_rank = np.array([rank[t] for t in texts])
        self._polygon_tree = shapely.STRtree(geometries)
        self._contact_tree = self._contacts(geometries, texts)
        self._fault_tree = None
        if faults is not None:
            segments = _segments(np.asarray(faults, dtype=object))
            if segments.size == 0:
                raise ValueError(f"{label}: the fault layer has no lines")
            self._fault_tree = shapely.STRtree(segments)

    @staticmethod
    def _contacts(geometries, texts):
        import shapely

        dissolved = [shapely.union_all(geometries[texts == unit]) for unit in sorted(set(texts))]
        outline = shapely.boundary(shapely.union_all(dissolved))
        extent = shapely.bounds(outline)
        tolerance = 1e-7 * max(extent[2] - extent[0], extent[3] - extent[1], 1.0)
        # Shared edges are drawn twice (once per unit); snapping them to one line
        # before taking away the map outline keeps float noise out of the contacts.
        contacts = shapely.union_all(_lines_of(dissolved))
        contacts = shapely.difference(contacts, shapely.buffer(outline, tolerance))
        segments = _segments(contacts)
        return shapely.STRtree(segments) if segments.size else None

    def unit_index(self, xy):
        """Index into `self._all_units` of each point's unit, -1 outside the map."""
        import shapely

        points = shapely.points(np.asarray(xy, dtype=float)[:, :2])
        hit_point, hit_polygon = self._polygon_tree.query(points, predicate="intersects")
        index = np.full(len(points), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(index, hit_point, self._polygon_rank[hit_polygon])
        index[index == np.iinfo(np.int64).max] = -1
        return index

    @staticmethod
    def _distance(tree, xy):
        import shapely

        if tree is None:
            return np.full(len(xy), np.nan)
        points = shapely.points(np.asarray(xy, dtype=float)[:, :2])
        (point_index, _), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
        out = np.full(len(points), np.nan)
        out[point_index] = distance
        return out

    def features(self, xyz, label="points", progress=None, should_stop=None):
        """Dict of the geology covariates at `xyz` ((n, 2) or (n, 3), XY used):
        `geo_unit` (object array, None outside the map), each one-hot field
        (uint8), `geo_dist_contact`, `geo_dist_fault` when faults were given,
        and the counts `n_outside` and `n_without_unit`."""
        xyz = np.asarray(xyz, dtype=float)
        if xyz.ndim != 2 or xyz.shape[1] < 2:
            raise ValueError(f"{label}: expected (n, 2) or (n, 3) coordinates, got shape {xyz.shape}")
        bad = np.flatnonzero(~np.isfinite(xyz[:, :2]).all(axis=1))
        if bad.size:
            raise ValueError(f"{label}: row {bad[0] + 1} has no X/Y coordinate")
        n = len(xyz)
        index = np.empty(n, dtype=np.int64)
        contact = np.empty(n)
        fault = np.empty(n)
        for start in range(0, n, _CHUNK):
            check_cancelled(should_stop)
            block = xyz[start : start + _CHUNK]
            index[start : start + len(block)] = self.unit_index(block)
            contact[start : start + len(block)] = self._distance(self._contact_tree, block)
            fault[start : start + len(block)] = self._distance(self._fault_tree, block)
            report_progress(progress, (start + len(block)) / n)
        self._check_known(index, label)
        names = np.array(self._all_units + [None], dtype=object)
        unit = names[index]
        out = {UNIT_FIELD: unit}
        for value, field in self.fields.items():
            out[field] = (unit == value).astype(np.uint8)
        out[CONTACT_FIELD] = contact
        if self._fault_tree is not None:
            out[FAULT_FIELD] = fault
        out["n_outside"] = int((index < 0).sum())
        out["n_without_unit"] = self.n_without_unit
        return out

    def _check_known(self, index, label):
        """A point in a unit the saved list lacks would silently get all zeros."""
        known = set(self.units)
        for i, unit in enumerate(self._all_units):
            if unit not in known:
                rows = np.flatnonzero(index == i)
                if rows.size:
                    raise ValueError(
                        f"{label}: row {rows[0] + 1} (and {rows.size - 1} more) lies in unit {unit!r}, "
                        f"which is not in the saved unit list; refit the unit list on this map"
                    )

    def field_names(self):
        fields = [UNIT_FIELD] + [self.fields[u] for u in self.units] + [CONTACT_FIELD]
        return fields + ([FAULT_FIELD] if self._fault_tree is not None else [])
