"""Drillhole science: minimum-curvature desurvey against hand arithmetic, table
checks, compositing and REE oxides, without QGIS."""
import math

import numpy as np
import pytest

from ree_grade.algorithms.common.parsing import parse_distinct
from ree_grade.algorithms.drillholes import oxides
from ree_grade.algorithms.drillholes.composite import (
    composite,
    composite_intervals,
    locate_composites,
    sample_tangents,
)
from ree_grade.algorithms.drillholes.desurvey import desurvey, hole_paths, survey_warnings
from ree_grade.algorithms.drillholes.geometry import (
    HolePath,
    azimuth_dip,
    direction_vectors,
    interpolate_along_holes,
    plunge_from_dip,
)
from ree_grade.algorithms.drillholes.tables import (
    AZIMUTH_NAMES,
    FROM_NAMES,
    HOLE_NAMES,
    Table,
    read_collars,
    read_intervals,
    read_surveys,
    resolve_column,
)


def _path(collar, stations, convention="negative_down"):
    depth, azimuth, dip = (np.array(c, dtype=float) for c in zip(*stations))
    tangents = direction_vectors(azimuth, plunge_from_dip(dip, convention))
    return HolePath(collar, depth, tangents)


def _classic_min_curvature(md1, inc1, az1, md2, inc2, az2):
    """The textbook formula in inclination-from-vertical form (degrees), as
    written in the SPE compendium: returns (dN, dE, dTVD)."""
    i1, i2, a1, a2 = map(math.radians, (inc1, inc2, az1, az2))
    cos_beta = math.cos(i2 - i1) - math.sin(i1) * math.sin(i2) * (1 - math.cos(a2 - a1))
    beta = math.acos(min(1.0, cos_beta))
    rf = 1.0 if beta < 1e-12 else 2 / beta * math.tan(beta / 2)
    half = (md2 - md1) / 2
    d_north = half * (math.sin(i1) * math.cos(a1) + math.sin(i2) * math.cos(a2)) * rf
    d_east = half * (math.sin(i1) * math.sin(a1) + math.sin(i2) * math.sin(a2)) * rf
    d_tvd = half * (math.cos(i1) + math.cos(i2)) * rf
    return d_north, d_east, d_tvd


def test_two_stations_against_hand_arithmetic():
    # Vertical at 0 m, azimuth 90 / dip -60 (inclination 30) at 100 m.
    # cos(beta) = cos(30) - sin(0) sin(30) (1 - cos 90) = 0.866025 -> beta = 30 deg = 0.5235988 rad
    # RF = 2 / 0.5235988 * tan(15 deg) = 3.8197186 * 0.2679492 = 1.0234903
    # dE = 100/2 * (sin 0 sin 0 + sin 30 sin 90) * RF = 50 * 0.5 * 1.0234903 = 25.587257
    # dN = 50 * (sin 0 cos 0 + sin 30 cos 90) * RF = 0
    # dTVD = 50 * (cos 0 + cos 30) * RF = 50 * 1.8660254 * 1.0234903 = 95.492966
    path = _path((1000.0, 2000.0, 500.0), [(0, 0, -90), (100, 90, -60)])
    xyz, tangent = path.locate([100.0])
    np.testing.assert_allclose(xyz[0], [1025.587257, 2000.0, 500.0 - 95.492966], atol=1e-5)
    # The balanced tangent (RF = 1) puts it at dE 25.0, dTVD 93.30: min curvature differs by RF.
    assert abs(xyz[0, 0] - 1025.0) > 0.5 and abs((500.0 - xyz[0, 2]) - 93.30127) > 2.0
    # The same point is on a circle of radius R = 100 / beta: dE = R (1 - cos beta), dTVD = R sin beta.
    radius = 100 / math.radians(30)
    assert xyz[0, 0] - 1000.0 == pytest.approx(radius * (1 - math.cos(math.radians(30))), abs=1e-9)
    np.testing.assert_allclose(azimuth_dip(tangent), ([90.0], [-60.0]), atol=1e-9)


def test_inside_a_segment_the_point_lies_on_the_arc():
    path = _path((0.0, 0.0, 0.0), [(0, 0, -90), (100, 90, -60)])
    radius = 100 / math.radians(30)
    xyz, tangent = path.locate([50.0])
    # Half-way the hole has turned 15 degrees: dE = R (1 - cos 15), dTVD = R sin 15, dip -75.
    np.testing.assert_allclose(xyz[0], [radius * (1 - math.cos(math.radians(15))), 0.0,
                                        -radius * math.sin(math.radians(15))], atol=1e-9)
    assert azimuth_dip(tangent)[1][0] == pytest.approx(-75.0)


def test_three_stations_against_the_classic_formula():
    stations = [(0, 45, -60), (50, 50, -58), (100, 60, -55)]
    path = _path((0.0, 0.0, 0.0), stations)
    north = east = tvd = 0.0
    for (md1, az1, dip1), (md2, az2, dip2) in zip(stations[:-1], stations[1:]):
        d_north, d_east, d_tvd = _classic_min_curvature(md1, 90 + dip1, az1, md2, 90 + dip2, az2)
        north, east, tvd = north + d_north, east + d_east, tvd + d_tvd
    xyz, _ = path.locate([100.0])
    np.testing.assert_allclose(xyz[0], [east, north, -tvd], atol=1e-9)
    # Tangent method (each segment along its lower station) is visibly off.
    tangent_east = sum(50 * math.cos(math.radians(-d)) * math.sin(math.radians(a)) for _, a, d in stations[1:])
    assert abs(tangent_east - east) > 0.5


def test_straight_inclined_hole_against_trigonometry():
    path = _path((1000.0, 2000.0, 300.0), [(0, 30, -60)])
    xyz, _ = path.locate([10.0, 25.0])
    for depth, point in zip((10.0, 25.0), xyz):
        horizontal = depth * math.cos(math.radians(60))
        np.testing.assert_allclose(point, [1000 + horizontal * math.sin(math.radians(30)),
                                           2000 + horizontal * math.cos(math.radians(30)),
                                           300 - depth * math.sin(math.radians(60))], atol=1e-9)


def test_dip_positive_down_convention_gives_the_same_path():
    negative = _path((0.0, 0.0, 0.0), [(0, 10, -70), (60, 20, -65)], "negative_down")
    positive = _path((0.0, 0.0, 0.0), [(0, 10, 70), (60, 20, 65)], "positive_down")
    depths = [5.0, 30.0, 80.0]
    np.testing.assert_allclose(negative.locate(depths)[0], positive.locate(depths)[0], atol=1e-12)


def test_station_at_zero_is_implied_and_the_end_is_extrapolated():
    path = _path((0.0, 0.0, 0.0), [(20, 0, -60), (40, 0, -50)])
    straight = _path((0.0, 0.0, 0.0), [(0, 0, -60)])
    np.testing.assert_allclose(path.locate([20.0])[0], straight.locate([20.0])[0], atol=1e-12)
    end, tangent = path.locate([40.0])
    beyond, _ = path.locate([50.0])
    np.testing.assert_allclose(beyond[0], end[0] + 10.0 * tangent[0], atol=1e-12)


def _collar_table(**extra):
    columns = {"hole_id": ["A", "B"], "x": [0.0, 100.0], "y": [0.0, 0.0], "z": [10.0, 20.0], **extra}
    return read_collars(Table("collars", columns), {k: k for k in ("hole", "x", "y", "z")} | {"hole": "hole_id"})


def test_collar_checks():
    with pytest.raises(ValueError, match=r"collars: column 'hole_id', row 2: hole 'A' is listed twice"):
        read_collars(Table("collars", {"hole_id": ["A", "A"], "x": [0, 1], "y": [0, 1], "z": [0, 1]}),
                        {"hole": "hole_id", "x": "x", "y": "y", "z": "z"})
    with pytest.raises(ValueError, match=r"collars: column 'z', row 2: 'abc' is not a number"):
        read_collars(Table("collars", {"hole_id": ["A", "B"], "x": [0, 1], "y": [0, 1], "z": [0, "abc"]}),
                        {"hole": "hole_id", "x": "x", "y": "y", "z": "z"})
    with pytest.raises(ValueError, match="collars: the table is empty"):
        Table("collars", {"hole_id": []})
    collars = _collar_table()
    assert collars["B"]["xyz"].tolist() == [100.0, 0.0, 20.0] and collars["A"]["tangent"] is None


def test_collar_direction_orients_unsurveyed_holes():
    table = Table("collars", {"hole_id": ["A"], "x": [0.0], "y": [0.0], "z": [0.0], "azi": [90.0], "dip": [-45.0]})
    collars = read_collars(table, {"hole": "hole_id", "x": "x", "y": "y", "z": "z", "azimuth": "azi", "dip": "dip"})
    xyz, _ = hole_paths(collars, {})["A"].locate([10.0])
    np.testing.assert_allclose(xyz[0], [10 / math.sqrt(2), 0.0, -10 / math.sqrt(2)], atol=1e-12)


def test_survey_checks():
    collars = _collar_table()
    columns = {"hole": "hole", "depth": "depth", "azimuth": "az", "dip": "dip"}

    def surveys(**table):
        return read_surveys(Table("surveys", table), columns, collars)

    with pytest.raises(ValueError, match=r"surveys: column 'hole', row 2: hole 'C' is not in the collar table"):
        surveys(hole=["A", "C"], depth=[0, 10], az=[0, 0], dip=[-60, -60])
    with pytest.raises(ValueError, match=r"surveys: hole 'A', rows 1 and 2: two stations at depth 10"):
        surveys(hole=["A", "A"], depth=[10, 10], az=[0, 0], dip=[-60, -61])
    with pytest.raises(ValueError, match=r"turns 120 degrees .* check the dip convention"):
        surveys(hole=["A", "A"], depth=[0, 30], az=[0, 0], dip=[-60, 60])
    with pytest.raises(ValueError, match=r"column 'az', row 1: the azimuth is missing"):
        surveys(hole=["A"], depth=[0], az=[""], dip=[-60])
    with pytest.raises(ValueError, match=r"column 'dip', row 1: dip 95 is outside"):
        surveys(hole=["A"], depth=[0], az=[0], dip=[-95])
    # A vertical station may leave the azimuth blank; rows may come in any order.
    result = surveys(hole=["A", "A"], depth=[50, 0], az=[None, ""], dip=[-90, -90])
    assert result["A"][0].tolist() == [0.0, 50.0]


def _interval_table(**overrides):
    columns = {"hole": ["A", "A", "B"], "from": [0, 2, 0], "to": [2, 4, 3], "La": ["1000", "<0.5", "-0.5"],
               "lith": ["carbonatite", "syenite", "granite"]}
    columns.update(overrides)
    return Table("assays", columns)


INTERVAL_COLUMNS = {"hole": "hole", "from": "from", "to": "to"}


def test_intervals_parse_assays_and_text():
    result = read_intervals(_interval_table(), INTERVAL_COLUMNS, _collar_table())
    assert result["attributes"]["La"][0] == "double"
    np.testing.assert_allclose(result["attributes"]["La"][1], [1000.0, 0.25, 0.25])
    assert result["attributes"]["lith"] == ("string", ["carbonatite", "syenite", "granite"])
    assert result["below_detection"] == {"La": 2}
    zero = read_intervals(_interval_table(), INTERVAL_COLUMNS, _collar_table(), below_detection="zero")
    assert zero["attributes"]["La"][1].tolist() == [1000.0, 0.0, 0.0]
    codes = read_intervals(_interval_table(La=["-99", "5", "-999"]), INTERVAL_COLUMNS, _collar_table())
    assert np.isnan(codes["attributes"]["La"][1][[0, 2]]).all() and codes["attributes"]["La"][1][1] == 5.0


def test_interval_errors_name_table_column_and_row():
    collars = _collar_table()
    with pytest.raises(ValueError, match=r"assays: column 'hole', row 3: hole 'Z' is not in the collar table"):
        read_intervals(_interval_table(hole=["A", "A", "Z"]), INTERVAL_COLUMNS, collars)
    with pytest.raises(ValueError, match=r"assays: row 2: from 4 is not less than to 4"):
        read_intervals(_interval_table(**{"from": [0, 4, 0]}), INTERVAL_COLUMNS, collars)
    with pytest.raises(ValueError, match=r"assays: column 'La', row 2: 'abc' is not a number"):
        read_intervals(_interval_table(La=["1000", "abc", "5"]), INTERVAL_COLUMNS, collars)
    with pytest.raises(ValueError, match=r"assays: column 'from', row 3: negative depth -1"):
        read_intervals(_interval_table(**{"from": [0, 2, -1]}), INTERVAL_COLUMNS, collars)
    with pytest.raises(ValueError, match=r"assays: column 'to', row 1: the to depth is missing"):
        read_intervals(_interval_table(to=["", 4, 3]), INTERVAL_COLUMNS, collars)
    with pytest.raises(ValueError, match=r"column 'dip' has the name of an output field"):
        read_intervals(_interval_table(dip=[1, 2, 3]), INTERVAL_COLUMNS, collars)


def test_parse_distinct_is_parse_numeric():
    from ree_grade.algorithms.common.parsing import parse_numeric

    values = ["1", "<0.5", "1", None, 2.0, "-0.5", "<0.5", 2, ""]
    fast = parse_distinct(values, "t", "c", negative_is_below_detection=True)
    slow = parse_numeric(values, "t", "c", negative_is_below_detection=True)
    np.testing.assert_array_equal(fast.values, slow.values)
    np.testing.assert_array_equal(fast.below_detection, slow.below_detection)
    with pytest.raises(ValueError, match=r"t: column 'c', row 3: 'x' is not a number"):
        parse_distinct(["1", "2", "x", "x"], "t", "c")
    with pytest.raises(ValueError, match=r"row 2: True is not a number"):
        parse_distinct([1, True], "t", "c")


def test_overlap_policies_and_exact_duplicates():
    collars = _collar_table()
    table = _interval_table(hole=["A", "A", "A", "A"], **{"from": [0, 2, 1.5, 2]}, to=[2, 4, 3, 4],
                            La=["1", "2", "3", "2"], lith=["a", "b", "c", "b"])
    # Row 3 (1.5-3 m) overlaps rows 1 and 2: two pairs.
    with pytest.raises(ValueError, match=r"2 overlapping pair\(s\) of intervals: hole 'A' rows 1 \(0-2 m\) and 3 "
                                         r"\(1.5-3 m\); hole 'A' rows 2 \(2-4 m\) and 3"):
        read_intervals(table, INTERVAL_COLUMNS, collars)
    kept = read_intervals(table, INTERVAL_COLUMNS, collars, overlap_policy="keep")
    assert kept["from"].tolist() == [0.0, 1.5, 2.0]
    assert any("exact duplicate row(s) dropped: row 4" in n for n in kept["notices"])
    assert any("both kept" in n for n in kept["notices"])
    dropped = read_intervals(table, INTERVAL_COLUMNS, collars, overlap_policy="drop")
    assert dropped["from"].tolist() == [0.0, 2.0] and dropped["rows"].tolist() == [0, 1]


def test_desurvey_reports_depths_beyond_survey_and_total_depth():
    collars = read_collars(
        Table("collars", {"hole": ["A"], "x": [0.0], "y": [0.0], "z": [0.0], "td": [5.0]}),
        {"hole": "hole", "x": "x", "y": "y", "z": "z", "total_depth": "td"},
    )
    surveys = read_surveys(Table("surveys", {"hole": ["A"], "depth": [0.0], "az": [0.0], "dip": [-90.0]}),
                              {"hole": "hole", "depth": "depth", "azimuth": "az", "dip": "dip"}, collars)
    intervals = read_intervals(Table("assays", {"hole": ["A", "A"], "from": [0, 2], "to": [2, 6]}),
                                  INTERVAL_COLUMNS, collars)
    result = desurvey(collars, surveys, intervals)
    np.testing.assert_allclose(result["xyz"][:, 2], [-1.0, -4.0])
    beyond = "2 interval midpoint(s) down to 4 m lie beyond the last survey station at 0 m"
    assert any(beyond in w for w in result["warnings"])
    assert any("deeper than its total depth 5 m" in w for w in result["warnings"])


def test_resolve_column():
    assert resolve_column(["BHID", "FROM", "TO"], "", HOLE_NAMES, "t", "hole id") == "BHID"
    assert resolve_column(["HoleID", "x"], "", HOLE_NAMES, "t", "hole id") == "HoleID"
    assert resolve_column(["a"], "", AZIMUTH_NAMES, "t", "azimuth", required=False) is None
    with pytest.raises(ValueError, match=r"t: no from depth column \(looked for from, depth_from"):
        resolve_column(["a"], "", FROM_NAMES, "t", "from depth")
    with pytest.raises(ValueError, match=r"t: column 'mfrom' \(from depth\) not found; it has a"):
        resolve_column(["a"], "mfrom", FROM_NAMES, "t", "from depth")


def test_composite_intervals_residual_rules():
    def edges(rule, start=0.0, end=9.0, threshold=0.5):
        c_from, c_to = composite_intervals(start, end, 2.0, rule, threshold)
        return list(zip(c_from.tolist(), c_to.tolist()))

    full = [(0.0, 2.0), (2.0, 4.0), (4.0, 6.0), (6.0, 8.0)]
    assert edges("keep") == full + [(8.0, 9.0)]
    assert edges("discard", end=8.8) == full  # 0.8 m < 50 % of 2 m
    assert edges("discard") == full + [(8.0, 9.0)]  # 1 m is not shorter than 50 %
    assert edges("discard", end=9.5) == full + [(8.0, 9.5)]
    assert edges("merge", end=8.8) == full[:-1] + [(6.0, 8.8)]
    assert edges("merge", end=9.5) == full + [(8.0, 9.5)]
    np.testing.assert_allclose(np.array(edges("distribute")).ravel(), np.repeat(np.linspace(0, 9, 5), 2)[1:-1])
    assert edges("merge", end=1.0) == [(0.0, 1.0)]


def test_composite_weights_exclude_missing_values():
    # Samples 0-1 (La 10, Ce 100), 1-3 (La missing, Ce 40), 3-4 (La 30, Ce missing).
    result = composite(
        "samples", ["A"] * 3, [0, 1, 3], [1, 3, 4],
        {"La": [10.0, np.nan, 30.0], "Ce": [100.0, 40.0, np.nan]},
        text={"lith": ["x", "y", "y"]}, length=4.0,
    )
    # La: (10*1 + 30*1) / 2 = 20, not (10 + 0 + 30) / 4; Ce: (100*1 + 40*2) / 3 = 60.
    assert result["numeric"]["La"].tolist() == [20.0] and result["numeric"]["Ce"].tolist() == [60.0]
    assert result["text"]["lith"] == ["y"] and result["coverage"].tolist() == [1.0]


def test_composite_domains_gaps_and_coverage():
    result = composite(
        "samples", ["A"] * 4 + ["B"], [0, 2, 4, 10, 0], [2, 4, 5, 11, 2],
        {"La": [1.0, 3.0, 5.0, 7.0, 9.0]}, domain=["ore", "ore", "waste", "waste", "ore"], length=2.0,
        residual="keep", min_coverage=0.5,
    )
    # Hole A: ore run 0-4 -> two composites; waste run 4-11 -> 4-6 covers 1 m (50 %, kept),
    # 6-8 and 8-10 have no samples, 10-11 is a 1 m short composite, fully covered.
    assert list(zip(result["hole"], result["from"].tolist(), result["to"].tolist())) == [
        ("A", 0.0, 2.0), ("A", 2.0, 4.0), ("A", 4.0, 6.0), ("A", 10.0, 11.0), ("B", 0.0, 2.0)]
    assert result["domain"] == ["ore", "ore", "waste", "waste", "ore"]
    np.testing.assert_allclose(result["coverage"], [1.0, 1.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(result["numeric"]["La"], [1.0, 3.0, 5.0, 7.0, 9.0])
    strict = composite("samples", ["A"] * 3, [0, 2, 4], [2, 4, 5], {"La": [1.0, 3.0, 5.0]}, length=2.0,
                          residual="keep", min_coverage=0.6)
    assert strict["to"].tolist() == [2.0, 4.0, 5.0] and strict["dropped"] == 0
    with pytest.raises(ValueError, match=r"samples: hole 'A', rows 1 \(0-2 m\) and 2 \(1-3 m\) overlap"):
        composite("samples", ["A", "A"], [0, 1], [2, 3], {"La": [1.0, 2.0]})


def test_composite_keeps_the_metal_of_every_sample():
    rng = np.random.default_rng(3)
    lengths = rng.choice([0.5, 1.0, 1.5, 2.0], size=60)
    edges = np.concatenate([[0.0], np.cumsum(lengths)])
    grade = rng.lognormal(0.0, 1.0, 60)
    result = composite("samples", ["A"] * 60, edges[:-1], edges[1:], {"g": grade}, length=3.0,
                          residual="keep", min_coverage=0.0)
    # Complete field, every metre composited once: sum of grade x length is unchanged.
    metal = result["numeric"]["g"] * result["coverage"] * result["length"]
    assert metal.sum() == pytest.approx((grade * lengths).sum(), rel=1e-12)
    assert result["to"][-1] == edges[-1] and np.all(result["length"][:-1] == 3.0)


def test_interpolation_along_holes_follows_the_arc():
    path = _path((0.0, 0.0, 0.0), [(0, 0, -90), (100, 90, -60)])
    depths = np.arange(1.0, 100.0, 2.0)
    xyz, tangents = path.locate(depths)
    holes = ["A"] * len(depths)
    query = np.array([0.5, 10.0, 55.0, 99.5])
    truth, _ = path.locate(query)
    with_tangents, _, _ = interpolate_along_holes(holes, depths, xyz, ["A"] * 4, query, tangents)
    chord, _, vertical = interpolate_along_holes(holes, depths, xyz, ["A"] * 4, query)
    # Between midpoints: on the arc. Half a metre beyond the ends: straight, off by the
    # sagitta 0.5^2 k / 2 = 6.5e-4 m for k = 30 degrees per 100 m.
    np.testing.assert_allclose(with_tangents[1:3], truth[1:3], atol=1e-6)
    np.testing.assert_allclose(with_tangents[[0, 3]], truth[[0, 3]], atol=1e-3)
    np.testing.assert_allclose(chord, truth, atol=5e-3)
    assert vertical == 0
    _, _, vertical = interpolate_along_holes(["B"], [1.0], [[0.0, 0.0, -1.0]], ["B"], [2.0])
    assert vertical == 1


def test_oxide_factors_are_molar_mass_ratios():
    atomic = {"La": 138.905, "Ce": 140.116, "Pr": 140.908, "Nd": 144.242, "Sm": 150.36, "Eu": 151.964,
              "Gd": 157.25, "Tb": 158.925, "Dy": 162.5, "Ho": 164.93, "Er": 167.259, "Tm": 168.934,
              "Yb": 173.045, "Lu": 174.967, "Y": 88.906}
    formula = {"CeO2": (1, 2), "Pr6O11": (6, 11), "Tb4O7": (4, 7)}
    for element, oxide, factor in oxides.OXIDES:
        n_metal, n_oxygen = formula.get(oxide, (2, 3))
        ratio = (n_metal * atomic[element] + n_oxygen * 15.999) / (n_metal * atomic[element])
        assert factor == pytest.approx(ratio, abs=1e-4), oxide


def test_treo_hand_values_and_missing_policies():
    ppm = {element: np.array([1000.0, 1000.0]) for element in oxides.ELEMENTS}
    ppm["Lu"] = np.array([1000.0, np.nan])
    result, counts = oxides.treo(ppm, missing="null")
    # 1000 ppm of each: oxide % = 0.1 x factor; TREO = 0.1 x sum of the fifteen factors.
    assert result["La2O3_pct"][0] == pytest.approx(0.11728)
    assert result["TREO_pct"][0] == pytest.approx(0.1 * sum(oxides.FACTORS.values()))
    assert result["LREO_pct"][0] == pytest.approx(0.1 * (1.1728 + 1.2284 + 1.2082 + 1.1664 + 1.1596))
    assert result["LREO_pct"][0] + result["HREO_pct"][0] == pytest.approx(result["TREO_pct"][0])
    assert np.isnan(result["TREO_pct"][1]) and np.isnan(result["HREO_pct"][1]) and not np.isnan(result["LREO_pct"][1])
    assert counts["null_rows"] == 1 and result["TREO_n"].tolist() == [15, 14]
    partial, _ = oxides.treo(ppm, missing="zero", split="La-Eu")
    assert partial["TREO_pct"][1] == pytest.approx(0.1 * (sum(oxides.FACTORS.values()) - 1.1371))
    assert partial["LREO_pct"][0] == pytest.approx(0.1 * (1.1728 + 1.2284 + 1.2082 + 1.1664 + 1.1596 + 1.1579))
    assert oxides.treo({"Ce": [1.0]}, units="pct", missing="zero")[0]["CeO2_pct"][0] == pytest.approx(1.2284)
    light, _ = oxides.treo(dict(ppm, La=np.array([np.nan, 1000.0])), missing="light")
    assert np.isnan(light["TREO_pct"][0]) and light["TREO_pct"][1] == pytest.approx(partial["TREO_pct"][1])


def chondritic(pattern_slope, n=4):
    """ppm of a pattern exactly log-linear in atomic number, chondrite-normalised."""
    return {e: np.full(n, oxides.CHONDRITE[e] * 100.0 * np.exp(pattern_slope * (oxides.PATTERN_PLACE[e] - 57)))
            for e in oxides.ELEMENTS}


def test_missing_elements_are_estimated_from_a_log_linear_pattern_exactly():
    ppm = chondritic(-0.3)
    complete, _ = oxides.treo(ppm, missing="null")
    ppm["La"][0] = np.nan  # an end: extrapolated from Ce and Pr
    ppm["Eu"][1] = ppm["Tb"][1] = np.nan
    ppm["Y"][2] = np.nan  # read at Ho's place
    ppm["Lu"][3] = ppm["Tm"][3] = ppm["Ce"][3] = np.nan
    estimated, counts = oxides.treo(ppm)
    np.testing.assert_allclose(estimated["TREO_pct"], complete["TREO_pct"], rtol=1e-12)
    assert np.isnan(estimated["La2O3_pct"][0])  # the oxide fields keep what was measured
    assert counts["estimated_rows"] == 4 and counts["estimated"]["Eu"] == 1 and counts["null_rows"] == 0
    assert estimated["TREO_n"].tolist() == [14, 13, 14, 12]


def test_too_thin_a_pattern_is_not_estimated():
    ppm = chondritic(-0.2, n=2)
    for element in ("La", "Ce", "Pr", "Nd"):
        ppm[element][0] = np.nan
    ppm["Yb"][1] = 0.0  # a zero (below detection as zero) is no guide to its neighbours, but is summed
    ppm["Lu"][1] = np.nan
    estimated, counts = oxides.treo(ppm)
    assert np.isnan(estimated["TREO_pct"][0]) and counts["null_rows"] == 1
    assert np.isfinite(estimated["TREO_pct"][1]) and counts["estimated"]["Lu"] == 1


def test_absent_field_is_estimated_by_default_and_refused_with_null_sums():
    ppm = chondritic(-0.3, n=3)
    complete, _ = oxides.treo(ppm)
    del ppm["Tm"]
    estimated, counts = oxides.treo(ppm)
    np.testing.assert_allclose(estimated["TREO_pct"], complete["TREO_pct"], rtol=1e-12)
    assert counts["estimated"]["Tm"] == 3
    with pytest.raises(ValueError, match=r"no field for Tm\. Map them, or choose another missing-element policy"):
        oxides.treo(ppm, missing="null")
    with pytest.raises(ValueError, match="unknown missing-element policy"):
        oxides.treo(ppm, missing="guess")


def test_treo_needs_some_element():
    with pytest.raises(ValueError, match="no rare-earth element field found"):
        oxides.treo({})


def test_element_fields_and_mapping():
    fields = ["LA", "Ce_ppm", "pr", "Nd_ICP", "Y", "Yb_ppm"]
    mapping = oxides.parse_mapping("nd = Nd_ICP")
    assert oxides.element_fields(fields, mapping) == {"La": "LA", "Ce": "Ce_ppm", "Pr": "pr", "Nd": "Nd_ICP",
                                                      "Yb": "Yb_ppm", "Y": "Y"}
    with pytest.raises(ValueError, match="'Xx' is not one of"):
        oxides.parse_mapping("Xx=a")
    with pytest.raises(ValueError, match=r"input: field 'nope' mapped to La not found"):
        oxides.element_fields(fields, {"La": "nope"})


def test_sample_tangents_from_azimuth_and_dip_columns():
    # Azimuth 90, dip -60 (negative down): east and down, (cos 60, 0, -sin 60).
    tangents = sample_tangents("samples", {"Azimuth": ["90", 90.0], "DIP": ["-60", -60.0], "La": [1, 2]})
    np.testing.assert_allclose(tangents, [[0.5, 0.0, -math.sqrt(3) / 2]] * 2, atol=1e-12)
    assert sample_tangents("samples", {"azimuth": [90.0]}) is None
    assert sample_tangents("samples", {"azimuth": [90.0, 90.0], "dip": [-60.0, None]}) is None
    with pytest.raises(ValueError, match=r"samples: column 'dip', row 2: 'steep' is not a number"):
        sample_tangents("samples", {"azimuth": [90.0, 90.0], "dip": [-60.0, "steep"]})


def test_composites_are_placed_along_the_hole():
    # A straight hole from (100, 200, 50), azimuth 90, dip -60: a point at measured
    # depth d is (100 + d/2, 200, 50 - d sqrt(3)/2). Samples 0-1, 1-3, 3-4 sit at
    # their midpoints 0.5, 2 and 3.5; 2 m composites have mid-depths 1 and 3.
    start, end = np.array([0.0, 1.0, 3.0]), np.array([1.0, 3.0, 4.0])
    middle = 0.5 * (start + end)
    on_hole = np.column_stack([100 + middle / 2, np.full(3, 200.0), 50 - middle * math.sqrt(3) / 2])
    holes = ["A"] * 3
    result = composite("samples", holes, start, end, {"La": [1.0, 2.0, 3.0]}, length=2.0)
    columns = {"azimuth": [90.0] * 3, "dip": [-60.0] * 3}
    points, tangents, vertical = locate_composites("samples", columns, on_hole, holes, start, end, result)
    np.testing.assert_allclose(points, [[100.5, 200.0, 50 - math.sqrt(3) / 2], [101.5, 200.0, 50 - 1.5 * math.sqrt(3)]],
                               atol=1e-9)
    np.testing.assert_allclose(tangents, [[0.5, 0.0, -math.sqrt(3) / 2]] * 2, atol=1e-9)
    assert vertical == 0
    # Without azimuth/dip the chords of a straight hole give the same points.
    chord, _, vertical = locate_composites("samples", {}, on_hole, holes, start, end, result)
    np.testing.assert_allclose(chord, points, atol=1e-9)
    # A single sample without a direction: the hole is taken as vertical below it.
    # One 0-4 m sample at (0, 0, 8) (its midpoint, 2 m): composites at 1 m and 3 m lie 1 m above and below.
    single = composite("samples", ["B"], [0.0], [4.0], {"La": [1.0]}, length=2.0)
    points, tangents, vertical = locate_composites("samples", {}, [[0.0, 0.0, 8.0]], ["B"], [0.0], [4.0], single)
    assert vertical == 1
    np.testing.assert_allclose(points, [[0.0, 0.0, 9.0], [0.0, 0.0, 7.0]], atol=1e-12)
    np.testing.assert_allclose(tangents, [[0.0, 0.0, -1.0]] * 2, atol=1e-12)


def test_parse_elements_blanks_codes_and_counts_below_detection():
    columns = {"La_ppm": ["<10", "-99", "250"], "CE": ["-4", "30", "abc"]}
    found = {"La": "La_ppm", "Ce": "CE"}
    values, below = oxides.parse_elements({**columns, "CE": ["-4", "30", "60"]}, found, "assays", [-99.0], "half")
    np.testing.assert_array_equal(values["La"][[0, 2]], [5.0, 250.0])
    assert np.isnan(values["La"][1]), "-99 is a missing code, not a detection limit of 99"
    np.testing.assert_array_equal(values["Ce"], [2.0, 30.0, 60.0])
    assert below == {"La": 1, "Ce": 1} and list(values) == ["La", "Ce"]
    values, below = oxides.parse_elements({"La_ppm": ["-99"]}, {"La": "La_ppm"}, "assays")
    assert values["La"][0] == pytest.approx(49.5) and below == {"La": 1}
    with pytest.raises(ValueError, match=r"assays: column 'CE', row 3: 'abc' is not a number"):
        oxides.parse_elements(columns, found, "assays", [-99.0])


def _surveyed(dips, total_depth=None):
    columns = {"hole_id": ["A", "B"], "x": [0.0, 100.0], "y": [0.0, 0.0], "z": [10.0, 20.0],
               "td": [total_depth or 50.0] * 2}
    collars = read_collars(Table("collars", columns),
                           {"hole": "hole_id", "x": "x", "y": "y", "z": "z", "total_depth": "td"})
    table = {"hole": ["A", "A", "B"], "depth": [0.0, 40.0, 0.0], "az": [0.0, 0.0, 0.0], "dip": dips}
    columns = {"hole": "hole", "depth": "depth", "azimuth": "az", "dip": "dip"}
    return collars, read_surveys(Table("surveys", table), columns, collars)


def test_survey_warnings_name_a_rising_hole_among_downward_ones():
    collars, surveys = _surveyed([-60.0, -60.0, 60.0])
    warnings = survey_warnings(collars, surveys, "negative_down")
    assert len(warnings) == 1 and "hole 'B'" in warnings[0] and "rises above its collar" in warnings[0]
    assert survey_warnings(*_surveyed([-60.0, -60.0, -70.0]), "negative_down") == []


def test_survey_warnings_name_a_station_below_the_total_depth():
    collars, surveys = _surveyed([-60.0, -60.0, -70.0], total_depth=30.0)
    warnings = survey_warnings(collars, surveys, "negative_down")
    assert warnings == ["hole 'A': a survey station at 40 m is deeper than its total depth 30 m in the collar table; "
                        "check the depth or the total depth"]


def test_treo_errors_name_the_table():
    with pytest.raises(ValueError, match="assays: TREO needs all of La-Lu and Y; no field for"):
        oxides.treo({"La": np.array([1.0])}, table="assays", missing="null")
