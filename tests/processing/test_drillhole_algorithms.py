"""reegrade:desurvey, reegrade:composite and reegrade:treo through
processing.run: parameters, files in and out, bad input, and the chain on the
synthetic deposit."""
import csv
import math
import re
import shutil

import numpy as np
import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback, QgsVectorLayer

from ree_grade.algorithms.drillholes import oxides


class Messages(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.warnings, self.infos = [], []

    def pushWarning(self, text):  # noqa: N802 (QGIS API name)
        self.warnings.append(text)

    def pushInfo(self, text):  # noqa: N802 (QGIS API name)
        self.infos.append(text)


@pytest.fixture
def tables(data_dir, tmp_path):
    """The hand-made collar/survey/assay CSVs, copied so a test may edit them."""
    for name in ("collars.csv", "surveys.csv", "assays.csv"):
        shutil.copy(data_dir / "drillholes" / name, tmp_path / name)
    return tmp_path


def _rewrite(path, edit):
    """Apply `edit` to the rows (lists of strings, header first) of a CSV."""
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    rows = edit(rows)
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _desurvey_params(folder, out, **extra):
    return {"COLLARS": str(folder / "collars.csv"), "COLLAR_CRS": "EPSG:32648", "SURVEYS": str(folder / "surveys.csv"),
            "INTERVALS": str(folder / "assays.csv"), "OUTPUT": str(out), **extra}


def _features(path):
    layer = QgsVectorLayer(str(path), "out", "ogr")
    assert layer.isValid(), path
    return layer, list(layer.getFeatures())


def _xyz(feature):
    point = feature.geometry().constGet()
    return np.array([point.x(), point.y(), point.z()])


def _value(feature, name):
    value = feature[name]
    return None if value is None or str(value) == "NULL" else value


def test_desurvey_hand_made_tables(run_algorithm, tables, tmp_path):
    out = tmp_path / "desurveyed.gpkg"
    feedback = Messages()
    result = run_algorithm("desurvey", _desurvey_params(tables, out), feedback)
    layer, features = _features(result["OUTPUT"])
    assert layer.crs().authid() == "EPSG:32648" and len(features) == 9
    names = [f.name() for f in layer.fields()]
    assert names[names.index("hole_id"):names.index("hole_id") + 3] == ["hole_id", "from_m", "to_m"]
    assert {"La", "Y", "lith", "azimuth", "dip"} <= set(names)
    by_key = {(f["hole_id"], f["from_m"]): f for f in features}
    # DH001: vertical without survey rows, collar z 1000, midpoint 3 m down.
    np.testing.assert_allclose(_xyz(by_key[("DH001", 2.0)]), [500000.0, 3000000.0, 997.0])
    # DH002: vertical at 0, azimuth 90 / dip -60 at 100 m; midpoint 100 m is the station:
    # dE = 25.587257, dTVD = 95.492966 (hand arithmetic in test_drillholes).
    np.testing.assert_allclose(_xyz(by_key[("DH002", 99.0)]), [500125.587257, 3000000.0, 904.507034], atol=1e-5)
    # DH003: straight, azimuth 30, dip -60, midpoint 1.5 m: horizontal 0.75 m.
    np.testing.assert_allclose(_xyz(by_key[("DH003", 0.0)]),
                               [500200 + 0.75 * math.sin(math.radians(30)), 3000000 + 0.75 * math.cos(math.radians(30)),
                                1000 - 1.5 * math.sin(math.radians(60))], atol=1e-9)
    second = by_key[("DH001", 2.0)]
    assert second["Tm"] == 0.25 and second["Lu"] == 0.25  # '<0.5' and '-0.5' -> half the limit
    assert _value(by_key[("DH001", 4.0)], "La") is None and by_key[("DH001", 4.0)]["lith"] == "syenite"
    assert by_key[("DH002", 99.0)]["dip"] == pytest.approx(-60.0)
    assert any("DH002" in w and "beyond the last survey station at 100 m" in w for w in feedback.warnings)
    assert any("deeper than its total depth 100 m" in w for w in feedback.warnings)


def test_desurvey_point_collars_and_positive_dips(run_algorithm, tables, tmp_path):
    uri = f"file://{tables / 'collars.csv'}?type=csv&xField=x&yField=y&crs=EPSG:32648"
    collars = QgsVectorLayer(uri, "collars", "delimitedtext")
    assert collars.isValid()
    _rewrite(tables / "surveys.csv", lambda rows: [rows[0]] + [r[:3] + [str(-float(r[3]))] for r in rows[1:]])
    out = tmp_path / "positive.gpkg"
    params = _desurvey_params(tables, out, COLLARS=collars, COLLAR_CRS=None, DIP_CONVENTION=1)
    _, features = _features(run_algorithm("desurvey", params)["OUTPUT"])
    station = next(f for f in features if f["hole_id"] == "DH002" and f["from_m"] == 99.0)
    np.testing.assert_allclose(_xyz(station), [500125.587257, 3000000.0, 904.507034], atol=1e-5)
    assert station["dip"] == pytest.approx(-60.0)


def test_desurvey_pointz_collars_take_z_from_the_geometry(run_algorithm, memory_layer, tables, tmp_path):
    layer = memory_layer(["BHID:string"], [("DH001",), ("DH002",), ("DH003",)],
                         [(x, 3000000.0, 1200.0) for x in (500000.0, 500100.0, 500200.0)], name="collar points")
    params = _desurvey_params(tables, tmp_path / "z.gpkg", COLLARS=layer, COLLAR_CRS="EPSG:4326")
    out_layer, out = _features(run_algorithm("desurvey", params)["OUTPUT"])
    assert out_layer.crs().authid() == "EPSG:32648", "point collars keep their own CRS"
    first = next(f for f in out if f["hole_id"] == "DH001" and f["from_m"] == 0.0)
    np.testing.assert_allclose(_xyz(first), [500000.0, 3000000.0, 1199.0])


def test_desurvey_upward_holes_are_flagged(run_algorithm, tables, tmp_path):
    _rewrite(tables / "surveys.csv", lambda rows: [rows[0]] + [r[:3] + ["60"] for r in rows[1:]])
    feedback = Messages()
    run_algorithm("desurvey", _desurvey_params(tables, tmp_path / "up.gpkg"), feedback)
    assert any("the dip convention should be 'positive_down'" in w for w in feedback.warnings)


def _append_row(path, row):
    _rewrite(path, lambda rows: rows + [row])


BAD_INPUTS = [
    ("survey_unknown_hole", lambda t: _append_row(t / "surveys.csv", ["DH009", "0", "0", "-90"]),
     r"surveys: column 'hole_id', row 4: hole 'DH009' is not in the collar table"),
    ("interval_unknown_hole", lambda t: _append_row(t / "assays.csv", ["DH7"] + ["1"] * 17 + ["x"]),
     r"assays: column 'hole_id', row 10: hole 'DH7' is not in the collar table"),
    ("from_not_below_to", lambda t: _append_row(t / "assays.csv", ["DH003", "12", "11"] + ["1"] * 15 + ["x"]),
     r"assays: row 10: from 12 is not less than to 11 \(1 such row\(s\) in all\)"),
    ("overlap", lambda t: _append_row(t / "assays.csv", ["DH003", "9", "11"] + ["1"] * 15 + ["x"]),
     r"assays: 1 overlapping pair\(s\) of intervals: hole 'DH003' rows 9 \(3-10 m\) and 10 \(9-11 m\)"),
    ("text_in_numbers", lambda t: _rewrite(
        t / "assays.csv", lambda rows: rows[:3] + [rows[3][:4] + ["n.a.x"] + rows[3][5:]] + rows[4:]),
     r"assays: column 'Ce', row 3: 'n.a.x' is not a number"),
    ("text_in_depths", lambda t: _rewrite(
        t / "surveys.csv", lambda rows: rows[:2] + [["DH002", "1OO", "90", "-60"]] + rows[3:]),
     r"surveys: column 'depth', row 2: '1OO' is not a number"),
    ("empty_intervals", lambda t: _rewrite(t / "assays.csv", lambda rows: rows[:1]),
     r"assays: the layer is empty"),
]


@pytest.mark.parametrize("name,damage,message", BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_desurvey_bad_input_names_the_fault_and_writes_nothing(run_algorithm, tables, tmp_path, name, damage, message):
    damage(tables)
    out = tmp_path / f"{name}.gpkg"
    with pytest.raises(QgsProcessingException, match=message):
        run_algorithm("desurvey", _desurvey_params(tables, out, OVERLAPS=0))
    assert not out.exists()


def test_desurvey_collar_crs_is_required_and_projected(run_algorithm, tables, tmp_path):
    out = tmp_path / "nocrs.gpkg"
    with pytest.raises(QgsProcessingException, match=r"collars: the collar table has no coordinate reference system"):
        run_algorithm("desurvey", _desurvey_params(tables, out, COLLAR_CRS=None))
    assert not out.exists()
    with pytest.raises(QgsProcessingException, match=r"the collar CRS EPSG:4326 is geographic"):
        run_algorithm("desurvey", _desurvey_params(tables, out, COLLAR_CRS="EPSG:4326"))
    assert not out.exists()


def test_desurvey_overlap_policies(run_algorithm, tables, tmp_path):
    _append_row(tables / "assays.csv", ["DH003", "9", "11"] + ["1"] * 15 + ["x"])
    _append_row(tables / "assays.csv", ["DH003", "0", "3", "300", "600", "60", "210", "24", "4.5", "12", "1.5", "6",
                                        "1.2", "3", "0.5", "2.4", "0.4", "30", "fenite"])
    feedback = Messages()
    dropped = run_algorithm("desurvey", _desurvey_params(tables, tmp_path / "drop.gpkg", OVERLAPS=2), feedback)
    assert len(_features(dropped["OUTPUT"])[1]) == 9
    assert any("1 exact duplicate row(s) dropped: row 11 (hole 'DH003')" in w for w in feedback.warnings)
    assert any("the later row dropped" in w and "rows 9 (3-10 m) and 10 (9-11 m)" in w for w in feedback.warnings)
    kept = run_algorithm("desurvey", _desurvey_params(tables, tmp_path / "keep.gpkg", OVERLAPS=1))
    assert len(_features(kept["OUTPUT"])[1]) == 10


def _desurveyed(run_algorithm, tables, tmp_path):
    return run_algorithm("desurvey", _desurvey_params(tables, tmp_path / "points.gpkg"))["OUTPUT"]


def test_composite_algorithm(run_algorithm, tables, tmp_path):
    points = _desurveyed(run_algorithm, tables, tmp_path)
    result = run_algorithm(
        "composite", {"INPUT": points, "LENGTH": 4.0, "RESIDUAL": 0, "OUTPUT": str(tmp_path / "c.gpkg")})
    layer, features = _features(result["OUTPUT"])
    assert layer.crs().authid() == "EPSG:32648"
    rows = {(f["hole_id"], f["from_m"]): f for f in features}
    first = rows[("DH001", 0.0)]
    # DH001 0-4 m: La (1000 x 2 + 500 x 2) / 4 = 750; Tm (1.5 x 2 + 0.25 x 2) / 4.
    assert first["La"] == pytest.approx(750.0) and first["Tm"] == pytest.approx(0.875)
    assert first["length_m"] == 4.0 and first["coverage"] == 1.0 and first["lith"] == "carbonatite"
    np.testing.assert_allclose(_xyz(first), [500000.0, 3000000.0, 998.0], atol=1e-9)
    # DH001 4-6 m: the only sample has no La: La stays missing, Ce does not.
    assert _value(rows[("DH001", 4.0)], "La") is None and rows[("DH001", 4.0)]["Ce"] == 1800.0
    # DH003 0-4 m: 3 m at La 300 and 1 m at 310; residual 8-10 m kept as a short composite.
    assert rows[("DH003", 0.0)]["La"] == pytest.approx((300 * 3 + 310) / 4)
    assert rows[("DH003", 8.0)]["length_m"] == 2.0
    # DH002 composites 96-100 (1 m sampled, 25 %) is below the default 50 % coverage.
    assert ("DH002", 96.0) not in rows and rows[("DH002", 100.0)]["length_m"] == 3.0
    discard = run_algorithm("composite", {"INPUT": points, "LENGTH": 4.0, "RESIDUAL": 1, "RESIDUAL_THRESHOLD": 60,
                                          "OUTPUT": str(tmp_path / "d.gpkg")})
    keys = {(f["hole_id"], f["from_m"]) for f in _features(discard["OUTPUT"])[1]}
    assert ("DH003", 8.0) not in keys and ("DH002", 100.0) in keys


def test_composite_by_domain_and_fields(run_algorithm, tables, tmp_path):
    points = _desurveyed(run_algorithm, tables, tmp_path)
    result = run_algorithm("composite", {"INPUT": points, "LENGTH": 4.0, "RESIDUAL": 0, "DOMAIN": "lith",
                                         "FIELDS": ["La"], "OUTPUT": str(tmp_path / "dom.gpkg")})
    layer, features = _features(result["OUTPUT"])
    assert "Ce" not in [f.name() for f in layer.fields()]
    dh1 = [(f["from_m"], f["to_m"], f["lith"]) for f in features if f["hole_id"] == "DH001"]
    assert dh1 == [(0.0, 4.0, "carbonatite"), (4.0, 6.0, "syenite")]


def test_composite_on_a_plain_interval_table(run_algorithm, tables, tmp_path):
    result = run_algorithm("composite", {"INPUT": str(tables / "assays.csv"), "LENGTH": 4.0, "BELOW_DETECTION": 1,
                                         "OUTPUT": str(tmp_path / "table.gpkg")})
    layer, features = _features(result["OUTPUT"])
    assert not layer.isSpatial()
    first = next(f for f in features if f["hole_id"] == "DH001" and f["from_m"] == 0.0)
    # Lab text columns read as numbers; Tm '<0.5' becomes zero with that policy: (1.5 x 2 + 0) / 4.
    assert first["La"] == pytest.approx(750.0) and first["Tm"] == pytest.approx(0.75)
    assert first["lith"] == "carbonatite" and "azimuth" not in [f.name() for f in layer.fields()]


def test_composite_rejects_overlaps_and_writes_nothing(run_algorithm, tables, tmp_path):
    _append_row(tables / "assays.csv", ["DH003", "9", "11"] + ["1"] * 15 + ["x"])
    points = run_algorithm("desurvey", _desurvey_params(tables, tmp_path / "p.gpkg", OVERLAPS=1))["OUTPUT"]
    out = tmp_path / "c.gpkg"
    with pytest.raises(QgsProcessingException, match=r"hole 'DH003', rows \d+ \(3-10 m\) and \d+ \(9-11 m\) overlap"):
        run_algorithm("composite", {"INPUT": points, "OUTPUT": str(out)})
    assert not out.exists()


def test_treo_algorithm_on_a_table(run_algorithm, tables, tmp_path):
    result = run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "OUTPUT": str(tmp_path / "t.gpkg")})
    _, features = _features(result["OUTPUT"])
    first = features[0]
    ppm = {"La": 1000, "Ce": 2000, "Pr": 200, "Nd": 700, "Sm": 80, "Eu": 15, "Gd": 40, "Tb": 5, "Dy": 20, "Ho": 4,
           "Er": 10, "Tm": 1.5, "Yb": 8, "Lu": 1.2, "Y": 100}
    expected = sum(v * oxides.FACTORS[e] for e, v in ppm.items()) / 1e4
    assert first["TREO_pct"] == pytest.approx(expected, rel=1e-12)
    assert first["CeO2_pct"] == pytest.approx(0.24568)
    assert first["LREO_pct"] + first["HREO_pct"] == pytest.approx(expected)
    # Row 2 has Tm '<0.5' and Lu '-0.5': half the limit by default.
    assert features[1]["Tm2O3_pct"] == pytest.approx(0.25 * 1.1421 / 1e4)
    # Row 3 lacks La: estimated from its pattern for the sums, its oxide field stays NULL.
    assert _value(features[2], "La2O3_pct") is None and features[2]["TREO_pct"] > features[2]["HREO_pct"] > 0
    assert features[2]["TREO_n"] == 14
    strict = run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "MISSING": 2,
                                    "OUTPUT": str(tmp_path / "s.gpkg")})
    _, strict_features = _features(strict["OUTPUT"])
    assert _value(strict_features[2], "TREO_pct") is None and strict_features[2]["HREO_pct"] is not None
    partial = run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "MISSING": 1, "BELOW_DETECTION": 2,
                                     "OUTPUT": str(tmp_path / "p.gpkg")})
    _, partial_features = _features(partial["OUTPUT"])
    assert [f["TREO_n"] for f in partial_features[:3]] == [15, 13, 14]
    assert partial_features[2]["TREO_pct"] < features[2]["TREO_pct"]


def test_treo_field_map_and_missing_elements(run_algorithm, tables, tmp_path):
    _rewrite(tables / "assays.csv", lambda rows: [[c.replace("La", "LA_ICP") for c in rows[0]]] + rows[1:])
    out = tmp_path / "missing.gpkg"
    with pytest.raises(QgsProcessingException, match=r"no field for La\. Map them, or choose another missing-element"):
        run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "MISSING": 2, "OUTPUT": str(out)})
    assert not out.exists()
    estimated = run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "OUTPUT": str(out)})
    assert all(f["TREO_pct"] > 0 for f in _features(estimated["OUTPUT"])[1] if f["TREO_n"] == 14)
    mapped = run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "FIELD_MAP": "La=LA_ICP",
                                    "OUTPUT": str(tmp_path / "m.gpkg")})
    assert _features(mapped["OUTPUT"])[1][0]["La2O3_pct"] == pytest.approx(0.11728)


def test_treo_text_in_element_column(run_algorithm, tables, tmp_path):
    _rewrite(tables / "assays.csv", lambda rows: rows[:2] + [rows[2][:3] + ["abc"] + rows[2][4:]] + rows[3:])
    out = tmp_path / "bad.gpkg"
    with pytest.raises(QgsProcessingException, match=r"assays: column 'La', row 2: 'abc' is not a number"):
        run_algorithm("treo", {"INPUT": str(tables / "assays.csv"), "OUTPUT": str(out)})
    assert not out.exists()


@pytest.fixture(scope="module")
def deposit(tmp_path_factory):
    from ree_grade.algorithms.synthetic.deposit import generate_deposit

    return generate_deposit("small", seed=0)


@pytest.fixture(scope="module")
def deposit_files(deposit, tmp_path_factory):
    from ree_grade.algorithms.synthetic.deposit import write_deposit

    return write_deposit(deposit, tmp_path_factory.mktemp("deposit"))


def _true_positions(deposit, hole, depths, step=0.05):
    """Positions along a hole by integrating its tangent numerically (0.05 m
    trapezoid steps), the tangent turning uniformly between survey stations
    on a great circle: the definition of the minimum-curvature path, computed
    without the closed form under test. Straight beyond the last station."""
    collars, surveys = deposit["collars"], deposit["surveys"]
    i = collars["hole_id"].index(hole)
    rows = [k for k, h in enumerate(surveys["hole_id"]) if h == hole]
    md = np.array([surveys["depth"][k] for k in rows] or [0.0])
    az = np.radians([surveys["azimuth"][k] for k in rows] or [0.0])
    dip = np.radians([surveys["dip"][k] for k in rows] or [-90.0])
    stations = np.column_stack([np.cos(dip) * np.sin(az), np.cos(dip) * np.cos(az), np.sin(dip)])
    s = np.arange(0.0, max(max(depths), md[-1]) + 2 * step, step)
    k = np.clip(np.searchsorted(md, s, side="right") - 1, 0, len(md) - 1)
    nxt = np.minimum(k + 1, len(md) - 1)
    f = np.where(nxt > k, (s - md[k]) / np.where(nxt > k, md[nxt] - md[k], 1.0), 0.0)
    f = np.clip(f, 0.0, 1.0)
    beta = np.arccos(np.clip(np.sum(stations[k] * stations[nxt], axis=1), -1, 1))
    sin_beta = np.where(beta > 1e-12, np.sin(beta), 1.0)
    a = np.where(beta > 1e-12, np.sin((1 - f) * beta) / sin_beta, 1 - f)
    b = np.where(beta > 1e-12, np.sin(f * beta) / sin_beta, f)
    tangent = a[:, None] * stations[k] + b[:, None] * stations[nxt]
    path = np.vstack([np.zeros(3), np.cumsum(0.5 * step * (tangent[1:] + tangent[:-1]), axis=0)])
    collar = np.array([collars["x"][i], collars["y"][i], collars["z"][i]])
    return collar + np.column_stack([np.interp(depths, s, path[:, axis]) for axis in range(3)])


def _truth(paths):
    with open(paths["truth_samples.csv"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {(r["hole_id"], round(float(r["from"]), 2), round(float(r["to"]), 2)): r for r in rows if not r["flag"]}


def test_chain_on_the_synthetic_deposit(run_algorithm, deposit, deposit_files, tmp_path):
    params = {"COLLARS": deposit_files["collars.csv"], "COLLAR_CRS": "EPSG:32648",
              "SURVEYS": deposit_files["surveys.csv"], "INTERVALS": deposit_files["assays.csv"]}
    with pytest.raises(QgsProcessingException, match=r"overlapping pair\(s\) of intervals: hole 'ZK"):
        run_algorithm("desurvey", {**params, "OVERLAPS": 0, "OUTPUT": str(tmp_path / "x.gpkg")})
    feedback = Messages()
    # The defaults run on the sample: the later of each overlapping pair is dropped, with a warning counting them,
    # and the log says which column filled each role.
    points = run_algorithm("desurvey", {**params, "OUTPUT": str(tmp_path / "points.gpkg")}, feedback)["OUTPUT"]
    assert any(re.search(r"assays: \d+ overlapping pair\(s\) of intervals, the later row dropped", w)
               for w in feedback.warnings), feedback.warnings
    assert any("assays: columns used: hole id = 'hole_id' (found by name); from depth = 'from' (found by name)" in m
               for m in feedback.infos), feedback.infos
    truth = _truth(deposit_files)
    layer, features = _features(points)
    assert layer.crs().authid() == "EPSG:32648"
    matched = [(f, truth[(f["hole_id"], round(f["from_m"], 2), round(f["to_m"], 2))]) for f in features
               if (f["hole_id"], round(f["from_m"], 2), round(f["to_m"], 2)) in truth]
    assert len(matched) >= 0.95 * len(truth)
    offsets = np.array([_xyz(f) - [float(t["x"]), float(t["y"]), float(t["z"])] for f, t in matched])
    assert np.abs(offsets).max() < 0.01, "midpoints differ from the generator's sample positions"
    for hole in sorted({f["hole_id"] for f in features})[1::3]:
        mine = [f for f in features if f["hole_id"] == hole]
        truth_xyz = _true_positions(deposit, hole, [0.5 * (f["from_m"] + f["to_m"]) for f in mine])
        np.testing.assert_allclose([_xyz(f) for f in mine], truth_xyz, atol=0.01)

    graded = run_algorithm("treo", {"INPUT": points, "OUTPUT": str(tmp_path / "graded.gpkg")})["OUTPUT"]
    sample_treo = {(f["hole_id"], round(f["from_m"], 2)): _value(f, "TREO_pct") for f in _features(graded)[1]}
    pairs = np.array([(sample_treo[(f["hole_id"], round(f["from_m"], 2))], float(t["TREO_pct"]))
                      for f, t in matched if sample_treo[(f["hole_id"], round(f["from_m"], 2))] is not None])
    assert len(pairs) > 0.4 * len(matched)
    relative = np.abs(pairs[:, 0] / pairs[:, 1] - 1)
    assert np.median(relative) < 0.03, "TREO from the lab assays strays from the true grade"

    composites = run_algorithm("composite", {"INPUT": points, "LENGTH": 2.0, "OUTPUT": str(tmp_path / "comp.gpkg")})
    final = run_algorithm("treo", {"INPUT": composites["OUTPUT"], "OUTPUT": str(tmp_path / "final.gpkg")})["OUTPUT"]
    layer, features = _features(final)
    assert layer.crs().authid() == "EPSG:32648" and 500 < len(features) < 1200
    for hole in sorted({f["hole_id"] for f in features})[::3]:
        mine = [f for f in features if f["hole_id"] == hole]
        truth_xyz = _true_positions(deposit, hole, [0.5 * (f["from_m"] + f["to_m"]) for f in mine])
        # Composite midpoints sit on the hole path, not just near the samples.
        np.testing.assert_allclose([_xyz(f) for f in mine], truth_xyz, atol=0.01)
    treo = np.array([_value(f, "TREO_pct") or np.nan for f in features])
    assert np.isfinite(treo).mean() > 0.9, "compositing should fill most single missing assays"
    errors = [abs(value / _true_composite(truth, f) - 1) for f, value in zip(features, treo) if np.isfinite(value)]
    assert np.median(errors) < 0.03


def _true_composite(truth, feature):
    """Length-weighted true TREO of the samples inside one composite."""
    hole, start, end = feature["hole_id"], feature["from_m"], feature["to_m"]
    weights = values = 0.0
    for (h, a, b), row in truth.items():
        overlap = min(b, end) - max(a, start)
        if h == hole and overlap > 0:
            weights += overlap
            values += overlap * float(row["TREO_pct"])
    return values / weights
