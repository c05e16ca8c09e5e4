"""What the dialogs show first: the layers, fields, outputs, cut-offs and the seed of a run a user reports stay in
the main part; the settings a geologist need not touch on a first run are folded under Advanced parameters."""
import pytest

MAIN_TYPES = {"source", "vector", "raster", "field", "sink", "vectorDestination", "rasterDestination",
              "fileDestination", "folderDestination"}
EXPERT = {
    "trainbnn": {"HIDDEN", "EPOCHS", "N_MEMBERS", "PATIENCE", "LEARNING_RATE", "PRIOR_SD", "KL_WEIGHT",
                 "WEIGHT_DECAY", "VALIDATION_FRACTION", "MAX_SAMPLES", "MAX_PER_HOLE", "RECALIBRATE"},
    "ordinarykriging": {"MAX_PER_HOLE", "DISCRETISATION", "SEARCH_AZIMUTH", "SEARCH_DIP", "SEARCH_RAKE"},
    "mik": {"MAX_PER_HOLE", "DISCRETISATION", "SEED"},
    "variogram": {"LAG_TOLERANCE", "ANGLE_TOLERANCE", "BANDWIDTH", "WEIGHTING", "SEED"},
    "crossvalidate": {"BNN_EPOCHS", "N_MEMBERS", "MAX_SAMPLES", "GP_ITERATIONS"},
    "composite": {"RESIDUAL_THRESHOLD", "MIN_COVERAGE", "MISSING_CODES"},
    "pcafusion": {"RFF_FEATURES", "LENGTH_SCALE", "MEAN_FILL", "SEED"},
    "hyperspectralfeatures": {"MEMORY_MB"},
}
# The seed stays in sight where it draws what the user reports (the network, the folds, a deposit, posterior draws).
SEED_IN_MAIN = {"trainbnn", "predictbnn", "crossvalidate", "syntheticdeposit"}


def _advanced(definition):
    from qgis.core import QgsProcessingParameterDefinition

    return bool(definition.flags() & QgsProcessingParameterDefinition.FlagAdvanced)


def _fresh(provider, name):
    algorithm = provider.algorithm(name).createInstance()
    algorithm.initAlgorithm()
    return algorithm


def test_layers_fields_outputs_and_cutoffs_stay_in_the_main_part(provider):
    from ree_grade.processing_provider.base import REEGradeAlgorithm

    folded = []
    for name in (a.name() for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)):
        algorithm = _fresh(provider, name)  # kept: its definitions die with it
        folded += [f"{name}: {d.name()}" for d in algorithm.parameterDefinitions()
                   if _advanced(d) and (d.type() in MAIN_TYPES or d.name() == "CUTOFFS")]
    assert not folded, folded


@pytest.mark.parametrize("name", sorted(EXPERT))
def test_expert_settings_are_advanced(provider, name):
    algorithm = _fresh(provider, name)
    shown = sorted(key for key in EXPERT[name] if not _advanced(algorithm.parameterDefinition(key)))
    assert not shown, f"{name} shows {shown} beside its layers"


def test_seed_is_main_only_where_it_draws_the_result(provider):
    from ree_grade.processing_provider.base import REEGradeAlgorithm

    for name in (a.name() for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)):
        algorithm = _fresh(provider, name)
        seed = algorithm.parameterDefinition("SEED")
        if seed is not None:
            assert _advanced(seed) == (name not in SEED_IN_MAIN), name
