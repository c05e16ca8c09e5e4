"""Distance to faults extended down their mapped dip (`geology.fault_planes`, no QGIS)."""
import numpy as np
import pytest

shapely = pytest.importorskip("shapely")

from ree_grade.algorithms.geology.fault_planes import FaultPlanes  # noqa: E402


def north_trace(x=0.0):
    return shapely.LineString([(x, -1000.0), (x, 0.0), (x, 1000.0)])


def test_a_dipping_fault_is_met_down_dip_on_the_hanging_wall_side():
    planes = FaultPlanes([north_trace()], [60.0], [90.0])  # dips east at 60 degrees
    depth = np.array([0.0, 100.0, 100.0, 300.0])
    x = np.array([50.0, 100 / np.tan(np.radians(60)), 0.0, 300.0])
    xyz = np.column_stack([x, np.zeros(4), 500.0 - depth])
    expected = (x - depth / np.tan(np.radians(60))) * np.sin(np.radians(60))
    np.testing.assert_allclose(planes.distance(xyz, np.full(4, 500.0)), expected, atol=1e-9)
    # On the fault at 100 m depth, a point at the trace's XY lies in the footwall (negative).
    assert planes.distance(xyz[2:3], [500.0])[0] < 0


def test_the_side_follows_the_dip_direction_not_the_line_direction():
    reversed_trace = shapely.LineString(north_trace().coords[::-1])
    points = np.array([[40.0, 10.0, 0.0], [-40.0, 10.0, 0.0]])
    for trace in (north_trace(), reversed_trace):
        np.testing.assert_allclose(FaultPlanes([trace], [90.0], [270.0]).distance(points, [0.0, 0.0]), [-40.0, 40.0])


def test_the_nearest_fault_wins_and_an_unknown_surface_gives_nan():
    planes = FaultPlanes([north_trace(0.0), north_trace(200.0)], [90.0, 45.0], [90.0, 270.0])
    points = np.array([[20.0, 0.0, 0.0], [150.0, 0.0, 0.0], [150.0, 0.0, -100.0], [10.0, 0.0, 0.0]])
    got = planes.distance(points, np.array([0.0, 0.0, 0.0, np.nan]))
    # The 45-degree fault at x = 200 dips west: x = 150 at the surface is on its hanging wall (+); at 100 m
    # depth the fault has moved 100 m west, to x = 100, and x = 150 is on its footwall (-).
    np.testing.assert_allclose(got[:3], [20.0, 50.0 * np.sin(np.pi / 4), -50.0 * np.sin(np.pi / 4)])
    assert np.isnan(got[3])


def test_bad_angles_name_their_row():
    with pytest.raises(ValueError, match="faults: row 7: dip 0.0 is not in"):
        FaultPlanes([north_trace()], [0.0], [90.0], rows=[7])
    with pytest.raises(ValueError, match="row 1: the dip direction is missing"):
        FaultPlanes([north_trace()], [80.0], [np.nan])
    with pytest.raises(ValueError, match="expected \\(n, 3\\) points"):
        FaultPlanes([north_trace()], [80.0], [90.0]).distance(np.zeros((3, 2)), np.zeros(3))


def test_a_repeated_vertex_changes_nothing():
    points = np.random.default_rng(0).uniform([-500, -1500, -300], [500, 1500, 0], size=(2000, 3))
    doubled = shapely.LineString([(0.0, -1000.0), (0.0, -1000.0), (0.0, 0.0), (0.0, 0.0), (0.0, 1000.0)])
    np.testing.assert_array_equal(FaultPlanes([doubled], [60.0], [90.0]).distance(points, np.zeros(2000)),
                                  FaultPlanes([north_trace()], [60.0], [90.0]).distance(points, np.zeros(2000)))


def test_a_trace_oblique_to_the_dip_direction_gives_the_distance_to_the_swept_plane():
    # A straight trace striking 30 degrees off the perpendicular to its dip direction: the surface swept down
    # dip is a plane through the trace and the dip vector (cot(dip) along the dip direction per metre down).
    dip, direction = 45.0, 90.0
    strike = np.radians(30.0)
    u = np.array([np.sin(strike), np.cos(strike), 0.0])
    trace = shapely.LineString([tuple(-3000 * u[:2]), tuple(3000 * u[:2])])
    v = np.array([1.0 / np.tan(np.radians(dip)), 0.0, -1.0])
    normal = np.cross(u, v)
    normal /= np.linalg.norm(normal)
    points = np.random.default_rng(1).uniform([-300, -300, -200], [300, 300, 0], size=(500, 3))
    got = FaultPlanes([trace], [dip], [direction]).distance(points, np.zeros(500))
    np.testing.assert_allclose(np.abs(got), np.abs(points @ normal), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(np.sign(got), np.sign(points @ normal) * np.sign(normal[0]))


def test_a_bent_trace_takes_the_segment_nearest_in_three_dimensions():
    # Dip 30 east; the segment across the dip (x = 0) is 150 m from the point down the plane's normal, the
    # oblique one (45 degrees off) 179 m although it is nearer on the map (283 m against 300 m).
    bent = shapely.LineString([(0.0, -2000.0), (0.0, 0.0), (2000.0, 2000.0)])
    got = FaultPlanes([bent], [30.0], [90.0]).distance(np.array([[300.0, -100.0, 0.0]]), [0.0])
    np.testing.assert_allclose(got, [300.0 * np.sin(np.radians(30.0))])
