"""The catalogue of bad input, data preparation: desurvey, composite, treo and
parselogs on hand-broken copies of the drill-hole tables (see test_bad_inputs.py
for how a case is judged)."""
import csv
import shutil

import pytest
from helpers import REPO
from qgis.core import QgsVectorLayer
from test_bad_inputs import Env, judge, refused, warned

TABLES = REPO / "tests" / "data" / "drillholes"


class DrillholeEnv(Env):
    """Env with the hand-made collar, survey and assay CSVs copied, each edited by a case."""

    def table(self, name, edit=None):
        path = self.tmp / name
        if not path.exists():
            shutil.copy(TABLES / name, path)
        if edit is not None:
            with open(path, newline="") as handle:
                rows = list(csv.reader(handle))
            with open(path, "w", newline="") as handle:
                csv.writer(handle).writerows(edit(rows))
        return str(path)

    def desurvey(self, collars=None, surveys=None, assays=None, **extra):
        return dict({"COLLARS": self.table("collars.csv", collars), "COLLAR_CRS": "EPSG:32648",
                     "SURVEYS": self.table("surveys.csv", surveys), "INTERVALS": self.table("assays.csv", assays),
                     "OUTPUT": self.output("desurveyed.gpkg")}, **extra)

    def assays(self, edit=None, **extra):
        return dict({"INPUT": self.table("assays.csv", edit), "OUTPUT": self.output("out.gpkg")}, **extra)


@pytest.fixture
def env(memory_layer, tmp_path):
    return DrillholeEnv(memory_layer, tmp_path)


def _set(row_index, column, value):
    """An edit setting one cell (row 0 is the header) of a CSV."""

    def edit(rows):
        rows[row_index][rows[0].index(column)] = value
        return rows

    return edit


def _append(*new_rows):
    return lambda rows: rows + [list(row) for row in new_rows]


def _features(result):
    layer = QgsVectorLayer(result["OUTPUT"], "out", "ogr")
    assert layer.isValid()
    return list(layer.getFeatures())


def _nine_intervals(result, env):
    assert len(_features(result)) == 9


def _dh003_above_its_collar(result, env):
    z = [f.geometry().constGet().z() for f in _features(result) if f["hole_id"] == "DH003"]
    assert len(z) == 2 and min(z) > 1000.0


def _comma_read_as_thousands(result, env):
    tm = [f["Tm"] for f in _features(result) if f["hole_id"] == "DH001" and f["from_m"] == 0]
    assert tm == [1500.0]


def _composite_tm_as_thousands(result, env):
    first = [f for f in _features(result) if f["hole_id"] == "DH001" and f["from_m"] == 0]
    assert [f["Tm"] for f in first] == [1500.0]


def _treo_with_tm_as_thousands(result, env):
    from ree_grade.algorithms.drillholes.oxides import oxide_percent

    first = _features(result)[0]
    assert first["Tm2O3_pct"] == pytest.approx(oxide_percent([1500.0], "Tm")[0])


def _without_y(rows):
    return [row[:rows[0].index("Y")] + row[rows[0].index("Y") + 1:] for row in rows]


def _treo_with_y_estimated(result, env):
    features = _features(result)
    assert all(f["TREO_pct"] is not None and f["TREO_pct"] > 0 for f in features if f["TREO_n"] == 14)
    assert "Y2O3_pct" not in features[0].fields().names()


CASES = [
    # ---- desurvey: the collar table
    refused("desurvey_geographic_collars", "desurvey", lambda env: env.desurvey(COLLAR_CRS="EPSG:4326"),
            "collars", "EPSG:4326", "geographic"),
    refused("desurvey_collars_without_crs", "desurvey", lambda env: env.desurvey(COLLAR_CRS=None),
            "collars", "no coordinate reference system", "COLLAR CRS"),
    refused("desurvey_hole_listed_twice", "desurvey", lambda env: env.desurvey(
        collars=_append(["DH001", "500300", "3000000", "1000", "5"])), "collars", "row 4", "'DH001' is listed twice"),
    refused("desurvey_collar_hole_id_missing", "desurvey", lambda env: env.desurvey(collars=_set(2, "hole_id", "")),
            "collars", "column 'hole_id', row 2", "hole id is missing"),
    refused("desurvey_collar_without_elevation", "desurvey", lambda env: env.desurvey(collars=_set(1, "z", "")),
            "collars", "column 'z', row 1", "elevation is missing"),
    refused("desurvey_collar_x_is_text", "desurvey", lambda env: env.desurvey(collars=_set(3, "x", "east")),
            "collars", "'x'", "row 3", "'east'"),
    warned("desurvey_degrees_in_a_projected_table", "desurvey", lambda env: env.desurvey(
        collars=lambda rows: [rows[0]] + [[r[0], f"105.{k}", "21.0", r[3], r[4]] for k, r in enumerate(rows[1:])]),
        ("collars", "look like longitudes", "EPSG:32648"), _nine_intervals),
    # ---- desurvey: the survey table
    warned("desurvey_plus_90_dip_in_a_negative_down_table", "desurvey", lambda env: env.desurvey(
        surveys=_set(3, "dip", "60")), ("hole 'DH003'", "rises above its collar", "negative_down"),
        _dh003_above_its_collar),
    warned("desurvey_station_deeper_than_the_hole", "desurvey", lambda env: env.desurvey(
        surveys=_append(["DH003", "50", "30", "-60"])), ("hole 'DH003'", "50 m is deeper than its total depth 10 m"),
        _nine_intervals),
    refused("desurvey_survey_hole_not_in_collars", "desurvey", lambda env: env.desurvey(
        surveys=_append(["DH999", "0", "0", "-90"])), "surveys", "row 4", "'DH999' is not in the collar table"),
    refused("desurvey_two_stations_at_one_depth", "desurvey", lambda env: env.desurvey(
        surveys=_append(["DH002", "100", "90", "-60"])), "surveys", "hole 'DH002'", "rows 2 and 4",
        "two stations at depth 100"),
    refused("desurvey_dip_beyond_90", "desurvey", lambda env: env.desurvey(surveys=_set(3, "dip", "-120")),
            "surveys", "column 'dip', row 3", "outside -90..90"),
    refused("desurvey_negative_station_depth", "desurvey", lambda env: env.desurvey(surveys=_set(3, "depth", "-5")),
            "surveys", "column 'depth', row 3", "negative depth -5"),
    refused("desurvey_hole_turns_back", "desurvey", lambda env: env.desurvey(surveys=_set(2, "dip", "30")),
            "surveys", "hole 'DH002'", "rows 1 and 2", "turns"),
    refused("desurvey_azimuth_missing_on_an_inclined_station", "desurvey", lambda env: env.desurvey(
        surveys=_set(3, "azimuth", "")), "surveys", "column 'azimuth', row 3", "azimuth is missing"),
    # ---- desurvey: the interval table
    refused("desurvey_interval_from_not_below_to", "desurvey", lambda env: env.desurvey(assays=_set(2, "to", "0")),
            "assays", "row 2", "is not less than"),
    refused("desurvey_negative_interval_depth", "desurvey", lambda env: env.desurvey(assays=_set(1, "from", "-2")),
            "assays", "column 'from', row 1", "negative depth"),
    refused("desurvey_assay_is_text", "desurvey", lambda env: env.desurvey(assays=_set(4, "Ce", "lost")),
            "assays", "'Ce'", "row 4", "'lost' is not a number"),
    refused("desurvey_interval_hole_not_in_collars", "desurvey", lambda env: env.desurvey(
        assays=_set(9, "hole_id", "DH404")), "assays", "DH404"),
    warned("desurvey_thousands_comma_among_decimals", "desurvey", lambda env: env.desurvey(
        assays=_set(1, "Tm", "1,500")), ("assays", "column 'Tm'", "row 1", "read as thousands", "decimal comma"),
        _comma_read_as_thousands),
    # ---- composite and treo on the assay table
    refused("composite_interval_from_not_below_to", "composite", lambda env: env.assays(
        _set(2, "to", "1"), LENGTH=2.0), "assays", "row 2", "is not less than"),
    refused("composite_assay_is_text", "composite", lambda env: env.assays(_set(5, "La", "n.a."), LENGTH=2.0),
            "assays", "'La'", "row 5", "'n.a.'"),
    warned("composite_thousands_comma_among_decimals", "composite", lambda env: env.assays(
        _set(1, "Tm", "1,500"), LENGTH=2.0), ("assays", "column 'Tm'", "row 1", "read as thousands"),
        _composite_tm_as_thousands),
    warned("treo_thousands_comma_among_decimals", "treo", lambda env: env.assays(_set(1, "Tm", "1,500")),
           ("assays", "column 'Tm'", "row 1", "read as thousands"), _treo_with_tm_as_thousands),
    refused("treo_element_is_text", "treo", lambda env: env.assays(_set(3, "Nd", "lots")),
            "assays", "'Nd'", "row 3", "'lots'"),
    refused("treo_field_map_to_a_missing_field", "treo", lambda env: env.assays(FIELD_MAP="La=LA_ICP"),
            "assays", "'LA_ICP'", "not found"),
    refused("treo_field_map_not_element_equals_field", "treo", lambda env: env.assays(FIELD_MAP="lanthanum"),
            "field map", "'lanthanum'", "Element=field"),
    refused("treo_an_element_has_no_field_with_null_sums", "treo", lambda env: env.assays(
        _without_y, MISSING=2), "assays", "no field for Y", "another missing-element policy"),
    warned("treo_an_element_has_no_field", "treo", lambda env: env.assays(_without_y),
           ("No field for Y", "missing in every feature", "estimated from each feature's REE pattern"),
           _treo_with_y_estimated),
    refused("treo_no_element_at_all", "treo", lambda env: {
        "INPUT": env.layer({"hole_id": "string", "note": "string"}, [["DH1", "x"]], name="assays"),
        "OUTPUT": env.output("t.gpkg")}, "assays", "no rare-earth element field"),
    refused("treo_empty_table", "treo", lambda env: {
        "INPUT": env.layer({"La": "double"}, [], name="assays"), "OUTPUT": env.output("t.gpkg")},
        "assays", "the layer is empty"),
    refused("composite_empty_table", "composite", lambda env: {
        "INPUT": env.layer({"hole_id": "string", "from": "double", "to": "double"}, [], name="assays"), "LENGTH": 2.0,
        "OUTPUT": env.output("c.gpkg")}, "assays", "the layer is empty"),
    refused("parselogs_empty_log_table", "parselogs", lambda env: {
        "INPUT": env.layer({"hole_id": "string", "description": "string"}, [], name="logs"),
        "DESCRIPTION_FIELD": "description", "OUTPUT": env.output("logs.gpkg")}, "logs", "empty"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input(case, env, run_algorithm):
    judge(case, env, run_algorithm)


def test_the_warned_values_are_what_the_tables_say(env, run_algorithm):
    """The clean tables give no warning of the kinds above, so each warning comes from its broken cell."""
    from test_bad_inputs import Messages

    feedback = Messages()
    run_algorithm("desurvey", env.desurvey(), feedback)
    assert not [w for w in feedback.warnings if "rises" in w or "a survey station at" in w or "thousands" in w
                or "longitudes" in w]
