"""Geology-map features: slugs, unit lookup, contact and fault distances, the
saved unit list, on hand-made maps, the real GSWA Hamersley map and the small
sample deposit, with and without QGIS."""
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from ree_grade.algorithms.geology import map_features as geology
from ree_grade.algorithms.io.modelfile import ModelFileError

GSWA = "gswa/gswa_hamersley_geology.gpkg"


# --- names -------------------------------------------------------------------
def test_slugs_are_stable_ascii():
    assert geology.slug("Marra Mamba Iron Formation") == "marra_mamba_iron_formation"
    assert geology.slug("A-HAm-cib") == "a_ham_cib"
    assert geology.slug("Granité (weathered) ") == "granite_weathered"
    assert geology.slug("???") == "unit"
    assert len(geology.slug("x" * 100)) == geology.SLUG_LENGTH
    assert geology.unit_text(12.0) == "12" and geology.unit_text(float("nan")) is None


def test_collisions_and_reserved_names_are_disambiguated_deterministically():
    units = ["a b", "A-b", "a_b", "unit", "dist contact"]
    names = geology.unit_fields(units)
    assert names == geology.unit_fields(list(reversed(units)))
    # Sorted order: "A-b" < "a b" < "a_b" < "dist contact" < "unit".
    assert [names[u] for u in ("A-b", "a b", "a_b")] == ["geo_a_b", "geo_a_b_2", "geo_a_b_3"]
    assert names["unit"] == "geo_unit_2" and names["dist contact"] == "geo_dist_contact_2"
    assert len(set(names.values())) == len(units)


# --- a hand-made map ----------------------------------------------------------
def _toy_map(faults=None, units_list=None):
    # Unit A is drawn as two squares sharing the edge x = 10: an internal
    # boundary, not a contact. Unit B lies east of x = 20. The map is 30 x 10.
    polygons = [box(0, 0, 10, 10), box(10, 0, 20, 10), box(20, 0, 30, 10)]
    return geology.GeologyMap(polygons, ["A", "A", "B"], faults, units_list)


def test_unit_lookup_contacts_and_faults_by_hand():
    fault = LineString([(15, -5), (15, 15)])
    geo = _toy_map([fault])
    xyz = np.array([[9.5, 5.0, 100.0], [18.0, 2.0, 50.0], [26.0, 5.0, 0.0], [20.0, 5.0, 0.0], [40.0, 5.0, 0.0]])
    out = geo.features(xyz)
    assert list(out["geo_unit"]) == ["A", "A", "B", "A", None]
    np.testing.assert_array_equal(out["geo_a"], [1, 1, 0, 1, 0])
    np.testing.assert_array_equal(out["geo_b"], [0, 0, 1, 0, 0])
    # The only contact is x = 20 (0 <= y <= 10): not x = 10, nor the map's outline.
    np.testing.assert_allclose(out["geo_dist_contact"], [10.5, 2.0, 6.0, 0.0, 20.0])
    np.testing.assert_allclose(out["geo_dist_fault"], [5.5, 3.0, 11.0, 5.0, 25.0])
    assert out["n_outside"] == 1
    assert geo.field_names() == ["geo_unit", "geo_a", "geo_b", "geo_dist_contact", "geo_dist_fault"]


def test_boundary_points_do_not_depend_on_feature_order():
    polygons = [box(0, 0, 10, 10), box(10, 0, 20, 10)]
    point = np.array([[10.0, 5.0]])
    first = geology.GeologyMap(polygons, ["zeta", "alpha"]).features(point)
    second = geology.GeologyMap(polygons[::-1], ["alpha", "zeta"]).features(point)
    assert first["geo_unit"][0] == second["geo_unit"][0] == "alpha"


def test_saved_unit_list_fixes_the_fields(tmp_path):
    path = str(tmp_path / "units.json")
    geology.UnitList(["C", "A", "B"], "code").save(path)
    saved = geology.UnitList.load(path)
    units = saved.units
    assert units == ["A", "B", "C"] and saved.unit_field == "code"
    assert saved.header_["params"]["field_names"] == {"A": "geo_a", "B": "geo_b", "C": "geo_c"}
    geo = _toy_map(units_list=units)
    out = geo.features(np.array([[5.0, 5.0]]))
    assert geo.field_names() == ["geo_unit", "geo_a", "geo_b", "geo_c", "geo_dist_contact"]
    assert (out["geo_a"][0], out["geo_b"][0], out["geo_c"][0]) == (1, 0, 0)
    with pytest.raises(ValueError, match=r"row 2 \(and 0 more\) lies in unit 'B', which is not in the saved unit list"):
        _toy_map(units_list=["A"]).features(np.array([[5.0, 5.0], [25.0, 5.0]]))


def test_edited_unit_list_fails_its_checksum(tmp_path):
    path = str(tmp_path / "units.json")
    geology.UnitList(["A", "B"], "code").save(path)
    np.savez(str(tmp_path / "units.npz"), units=np.array(["A", "X"]))
    with pytest.raises(ModelFileError, match="checksum mismatch"):
        geology.UnitList.load(path)


def test_bad_geology_input():
    with pytest.raises(ValueError, match="row 2 is not a polygon"):
        geology.GeologyMap([box(0, 0, 1, 1), LineString([(0, 0), (1, 1)])], ["A", "B"])
    with pytest.raises(ValueError, match="no polygon has a unit value"):
        geology.GeologyMap([box(0, 0, 1, 1)], [None])
    with pytest.raises(ValueError, match="row 2 has no X/Y"):
        _toy_map().features(np.array([[1.0, 1.0], [np.nan, 2.0]]))


def test_self_intersecting_polygon_is_repaired():
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    out = geology.GeologyMap([bowtie], ["A"]).features(np.array([[2.0, 5.0], [5.0, 2.0]]))
    assert list(out["geo_unit"]) == ["A", None]


# --- the real GSWA map --------------------------------------------------------
def _read_gswa(data_dir):
    from osgeo import ogr

    dataset = ogr.Open(str(data_dir / GSWA))
    polygons, codes = [], []
    for feature in dataset.GetLayer(0):
        polygons.append(shapely.from_wkb(bytes(feature.GetGeometryRef().ExportToWkb())))
        codes.append(feature.GetField("code"))
    return np.array(polygons, dtype=object), np.array(codes, dtype=object)


@pytest.fixture(scope="module")
def gswa(data_dir):
    polygons, codes = _read_gswa(data_dir)
    return polygons, codes, geology.GeologyMap(polygons, codes)


def test_gswa_units_match_shapely_contains(gswa):
    polygons, codes, geo = gswa
    assert len(geo.units) == 19 and geo.fields["A-HAm-cib"] == "geo_a_ham_cib"
    # One point certainly inside each polygon, and random points over the map.
    inside = np.array([p.coords[0] for p in shapely.point_on_surface(polygons)])
    rng = np.random.default_rng(1)
    x0, y0, x1, y1 = shapely.total_bounds(polygons)
    scattered = np.column_stack([rng.uniform(x0, x1, 3000), rng.uniform(y0, y1, 3000)])
    xy = np.vstack([inside, scattered])
    out = geo.features(xy)
    assert list(out["geo_unit"][: len(codes)]) == list(codes)
    points = shapely.points(xy)
    for unit in geo.units:
        dissolved = shapely.union_all(polygons[codes == unit])
        expected = shapely.contains(dissolved, points)
        np.testing.assert_array_equal(out[geo.fields[unit]].astype(bool), expected, err_msg=unit)
    one_hot = np.column_stack([out[geo.fields[u]] for u in geo.units])
    assert np.all(one_hot.sum(axis=1) == 1), "the map has no gaps, so every point has exactly one unit"


def test_gswa_contact_distance_against_dissolved_boundaries(gswa):
    polygons, codes, geo = gswa
    rng = np.random.default_rng(2)
    x0, y0, x1, y1 = shapely.total_bounds(polygons)
    xy = np.column_stack([rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400)])
    out = geo.features(xy)
    outline = shapely.boundary(shapely.union_all(polygons))
    points = shapely.points(xy)
    checked = 0
    for i, unit in enumerate(out["geo_unit"]):
        own = shapely.boundary(shapely.union_all(polygons[codes == unit]))
        # Where the map's edge is farther than the unit's own boundary, the
        # nearest boundary point is a contact, so the two distances agree.
        expected = shapely.distance(points[i], own)
        if shapely.distance(points[i], outline) > expected + 1.0:
            assert out["geo_dist_contact"][i] == pytest.approx(expected, abs=1e-6)
            checked += 1
    assert checked > 200
    assert np.all(out["geo_dist_contact"] >= 0) and np.nanmax(out["geo_dist_contact"]) < 20000


def test_gswa_hundred_thousand_points_are_vectorised(gswa):
    polygons, _, geo = gswa
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = shapely.total_bounds(polygons)
    xy = np.column_stack([rng.uniform(x0, x1, 100_000), rng.uniform(y0, y1, 100_000)])
    calls = []
    out = geo.features(xy, progress=calls.append)
    assert len(out["geo_unit"]) == 100_000 and calls[-1] == 1.0 and len(calls) == 2
