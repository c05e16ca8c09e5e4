"""The provider lists exactly the stages this list names, and none was lost to
an import error (the provider logs those and keeps going, so a broken stage
would otherwise just be missing from the toolbox)."""
from helpers import REPO

# Every stage's NAME, plus the bundled graphical-modeler workflow. A stage added
# or renamed is added here on purpose.
EXPECTED_IDS = {
    "boxcox", "classify", "composite", "crossvalidate", "desurvey", "geologyfeatures", "gp", "gradetonnage",
    "hyperscore", "hyperspectralfeatures", "knnimpute", "mik", "ordinarykriging", "parselogs", "pcafusion",
    "predictbnn", "report", "samplefeatures", "syntheticdeposit", "targets", "trainbnn", "treo", "variogram",
    "ree_grade_workflow",
}


def test_no_stage_failed_to_load(provider):
    assert provider.load_errors == []


def test_provider_lists_exactly_the_expected_algorithms(provider):
    listed = [a.id() for a in provider.algorithms()]
    assert len(listed) == len(set(listed)), f"an algorithm id is listed twice: {sorted(listed)}"
    assert set(listed) == {f"reegrade:{name}" for name in EXPECTED_IDS}


def test_every_stage_module_gives_an_algorithm(provider):
    """One alg_*.py, one algorithm: a module whose class lost its NAME (or the
    base class) would load without error yet add nothing."""
    modules = sorted(p.stem[len("alg_"):] for p in (REPO / "processing_provider").glob("alg_*.py"))
    names = {a.name() for a in provider.algorithms()} - {"ree_grade_workflow"}
    assert sorted(names) == modules


def test_a_module_that_fails_to_import_is_recorded(provider, monkeypatch):
    from ree_grade.processing_provider import provider as provider_module

    real_import = provider_module.importlib.import_module

    def failing(name, package=None):
        if name == ".alg_treo":
            raise ImportError("no module named 'broken_dependency'")
        return real_import(name, package)

    monkeypatch.setattr(provider_module.importlib, "import_module", failing)
    errors = []
    classes = provider_module.discover_algorithm_classes(errors)
    assert errors == [("alg_treo", "ImportError: no module named 'broken_dependency'")]
    assert "treo" not in {cls.NAME for cls in classes} and len(classes) == len(EXPECTED_IDS) - 2

    fresh = provider_module.REEGradeProvider()
    fresh.loadAlgorithms()
    assert fresh.load_errors == [("alg_treo", "ImportError: no module named 'broken_dependency'")]
