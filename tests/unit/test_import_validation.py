"""The import dialog's validation: every problem per table and row, and the fixes."""
import pytest

from ree_grade.algorithms.drillholes import validation as v
from ree_grade.algorithms.drillholes.tables import Table, read_collars, read_intervals


def _tables():
    collars = {"BHID": ["A", "B", "B", "C"], "Easting": ["1", "2", "3", "4"], "Northing": ["1", "2", "3", "4"],
               "RL": ["10", "10", "10", ""], "EOH": ["50", "30", "30", "20"]}
    surveys = {"hole_id": ["A", "A", "B", "Z"], "at": ["0", "60", "0", "0"], "azi": ["0", "0", "0", "0"],
               "dip": ["-90", "-60", "-95", "-90"]}
    assays = {"HoleID": ["A", "A", "A", "A", "B", "B", "Z", "A", "C"],
              "mFrom": ["0", "2", "3", "8", "5", "4", "0", "8", "0"],
              "mTo": ["2", "4", "6", "10", "4", "6", "1", "10", "5"],
              "Ce_ppm": ["10", "<0.5", "n.a.", "12", "-99", "3", "1", "12", "4"],
              "lith": ["x", "y", "x", "x", "x", "x", "x", "x", "x"]}
    return {"collars": collars, "surveys": surveys, "assays": assays}


def _mappings(tables):
    return {kind: v.guess_mapping(kind, list(table)) for kind, table in tables.items()}


def test_mapping_is_guessed_by_the_names_desurvey_accepts():
    tables = _tables()
    mappings = _mappings(tables)
    assert mappings["collars"] == {"hole": "BHID", "x": "Easting", "y": "Northing", "z": "RL", "total_depth": "EOH"}
    assert mappings["surveys"] == {"hole": "hole_id", "depth": "at", "azimuth": "azi", "dip": "dip"}
    assert mappings["assays"] == {"hole": "HoleID", "from": "mFrom", "to": "mTo"}
    assert v.grade_columns(tables["assays"], mappings["assays"]) == ["Ce_ppm"]
    lith = v.guess_mapping("lithology", ["hole_ID", "depth_from", "to_depth", "rock unit", "rock code"])
    assert lith == {"hole": "hole_ID", "from": "depth_from", "to": "to_depth", "lithology": "rock code"}


def test_every_problem_is_listed_with_table_row_and_kind():
    tables = _tables()
    found = {(p["table"], p["row"], p["kind"]) for p in v.validate(tables, _mappings(tables))}
    assert found == {
        ("collars", 3, "duplicate_id"),        # B twice
        ("collars", 4, "missing_value"),       # C has no elevation
        ("surveys", 2, "beyond_depth"),        # A's station at 60 m, EOH 50 m
        ("surveys", 3, "dip_range"),           # -95
        ("surveys", 4, "no_collar"),           # Z
        ("assays", 3, "overlap"),              # A 3-6 over 2-4
        ("assays", 4, "gap"),                  # A 6-8 unsampled
        ("assays", 3, "text_in_number"),       # 'n.a.' in Ce_ppm ('<0.5' and the -99 code are not text)
        ("assays", 5, "from_to"),              # B 5-4
        ("assays", 7, "no_collar"),            # Z
        ("assays", 8, "duplicate_row"),        # row 4 again
    }


def test_refused_problems_block_and_name_their_row():
    tables = _tables()
    problems = v.validate(tables, _mappings(tables))
    assert {p["kind"] for p in v.blocking(problems, v.DEFAULT_POLICIES)} == {
        "duplicate_id", "missing_value", "dip_range", "from_to"}
    with pytest.raises(ValueError, match=r"collars: row 3: hole 'B' is listed twice"):
        v.apply_fixes(tables, _mappings(tables), problems, {})


def test_fixes_give_tables_desurvey_reads():
    tables = _tables()
    mappings = _mappings(tables)
    problems = v.validate(tables, mappings)
    policies = {"duplicate_id": "keep_first", "missing_value": "drop", "dip_range": "drop", "from_to": "drop"}
    fixed, summary = v.apply_fixes(tables, mappings, problems, policies)
    assert fixed["collars"]["BHID"] == ["A", "B"]
    assert fixed["surveys"]["dip"] == ["-90", "-60"]
    assert fixed["assays"]["mFrom"] == ["0", "2", "8", "4"]   # overlap 3-6 dropped, 5-4, Z and the repeat too
    assert fixed["assays"]["Ce_ppm"][2] == "12"
    assert any("overlapping interval(s), the later row dropped" in line for line in summary)
    # C's collar (no elevation) was dropped, so its assay row goes too.
    assert "C" not in fixed["assays"]["HoleID"]
    assert "assays: 1 row(s) of holes whose collar row was dropped" in summary
    collars = read_collars(Table("collars", fixed["collars"]), mappings["collars"])
    read_intervals(Table("assays", fixed["assays"]), mappings["assays"], collars)   # no overlap left: no error


def test_truncate_moves_the_deeper_interval_down_and_null_blanks_text():
    tables = _tables()
    mappings = _mappings(tables)
    problems = v.validate(tables, mappings)
    policies = {"duplicate_id": "keep_first", "missing_value": "drop", "dip_range": "drop", "from_to": "drop",
                "overlap": "truncate"}
    fixed, summary = v.apply_fixes(tables, mappings, problems, policies)
    assays = fixed["assays"]
    assert list(zip(assays["mFrom"], assays["mTo"]))[:3] == [("0", "2"), ("2", "4"), (4.0, "6")]
    assert assays["Ce_ppm"][2] is None
    assert any("1 overlapping interval(s) truncated" in line for line in summary)
    assert any("1 text cell(s) in number columns set to NULL" in line for line in summary)


def test_a_hole_losing_its_collar_is_refused_when_holes_without_collar_are():
    tables = _tables()
    for kind, column in (("surveys", "hole_id"), ("assays", "HoleID")):   # no hole without collar to start with
        rows = [row for row, hole in enumerate(tables[kind][column]) if hole != "Z"]
        tables[kind] = {name: [values[row] for row in rows] for name, values in tables[kind].items()}
    mappings = _mappings(tables)
    problems = v.validate(tables, mappings)
    assert not [p for p in problems if p["kind"] == "no_collar"]
    policies = {"duplicate_id": "keep_first", "missing_value": "drop", "dip_range": "drop", "from_to": "drop",
                "no_collar": "refuse"}
    with pytest.raises(ValueError, match=r"assays: row 8: hole 'C' lost its collar to a fix"):
        v.apply_fixes(tables, mappings, problems, policies)


def test_refusing_text_in_numbers_blocks():
    tables = _tables()
    problems = v.validate(tables, _mappings(tables))
    refused = v.blocking(problems, {**v.DEFAULT_POLICIES, "text_in_number": "refuse"})
    assert ("assays", 3, "text_in_number") in {(p["table"], p["row"], p["kind"]) for p in refused}


def test_an_unmapped_required_role_is_a_problem():
    tables = _tables()
    mappings = _mappings(tables)
    mappings["assays"]["to"] = None
    problems = v.validate(tables, mappings)
    assert any(p["table"] == "assays" and p["row"] is None and "'to'" in p["message"] for p in problems)


def test_lithology_joins_onto_the_assays_by_longest_overlap():
    assays = {"hole": ["A", "A", "B"], "from": ["0", "2", "0"], "to": ["2", "4", "1"]}
    logs = {"hole": ["A", "A"], "from": ["0", "2.5"], "to": ["2.5", "9"], "rock code": ["gr", "sy"]}
    joined, name = v.with_lithology(assays, v.guess_mapping("assays", list(assays)), logs,
                              v.guess_mapping("lithology", list(logs)))
    assert name == "rock code" and joined["rock code"] == ["gr", "sy", None]


def test_rows_are_plain_ints():
    """numpy integers show as blank cells in a Qt table."""
    tables = _tables()
    assert all(type(p["row"]) is int for p in v.validate(tables, _mappings(tables)) if p["row"] is not None)
