"""Build `models/ree_grade_workflow.model3`, the graphical-modeler model that
chains the REE Grade stages from the drillhole tables, geology, cube and logs to
the BNN grade model, the OK/MIK baselines, grade-tonnage, classification and
the cross-validation report. Run it with QGIS's Python (the venv):

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/build_model.py

The workflow is declared once, in INPUTS and steps(), as plain data; a model
output is named by what it holds, and addressed as `<step>:<name>` (e.g.
`report:Workflow report`) by `scripts/demo.py` and `processing.run`. The boxes
are laid out by `layout()`: one row per depth in the chain, no box over another.
"""
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL_PATH = REPO / "models" / "ree_grade_workflow.model3"
MODEL_NAME = "ree_grade_workflow"

# Feature fields fused by PCA: the spectral depths and areas (their band centres
# are empty where a feature is absent), the geology one-hot units and distances.
# Log text is carried on the samples but is not a block feature: blocks have no logs.
HS_FEATURES = [f"hs_{band}_{measure}" for band in ("nd580", "nd740", "nd800", "nd870", "fe900", "aloh2200", "carb2330")
               for measure in ("depth", "area")] + ["hs_ree_index"]
GEO_UNITS = ("breccia", "carbonatite", "dyke", "fenite", "granite", "syenite")
GEO_FEATURES = [f"geo_{unit}" for unit in GEO_UNITS] + ["geo_dist_contact", "geo_dist_fault"]
N_COMPONENTS = 8
PC_FIELDS = [f"pc_{i:02d}" for i in range(1, N_COMPONENTS + 1)]
ESTIMATE_FIELDS = ["bnn_mean", "ok_estimate", "mik_mean"]
LOGGED_DOMAINS = ["log_lith"]  # reegrade:parselogs' lithology, kriged between the holes by the stacked BNN


class In:
    """A model input, referred to by name in a step's parameters."""

    def __init__(self, name):
        self.name = name


class Out:
    """The output `output` of the earlier step `step`."""

    def __init__(self, step, output="OUTPUT"):
        self.step, self.output = step, output


class Expr:
    """A QGIS expression over the model inputs (`@cutoff`...), evaluated when the model runs."""

    def __init__(self, expression):
        self.expression = expression


# to_real: a cut-off typed as "1.0" must name the field bnn_p_gt_1, as predictbnn does.
CUTOFF_TEXT = "to_string(to_real(@cutoff))"
BNN_P_FIELD = "'bnn_p_gt_' || replace(" + CUTOFF_TEXT + ", '.', '_')"
# The statement at half and one and a half times the cut-off too, the sensitivity a statement shows.
STATEMENT_CUTOFFS = "to_string(to_real(@cutoff) * 0.5) || ', ' || to_string(to_real(@cutoff) * 1.5)"
BENCH_FILTER = "'abs(\"zc\" - ' || to_string(to_real(@bench_elevation)) || ') < \"dz\" / 2'"

# (name, kind, description, default, optional). Kinds: table, polygons, lines,
# raster, crs, extent, number, integer, file (an .npz).
INPUTS = [
    ("collars", "table", "Collar table (hole_id, x, y, z, max_depth)", None, False),
    ("surveys", "table", "Downhole survey table (hole_id, depth, azimuth, dip)", None, False),
    ("assays", "table", "Assay table (hole_id, from, to, element ppm)", None, False),
    ("logs", "table", "Log table (hole_id, from, to, description)", None, False),
    ("geology", "polygons", "Geology polygons (field 'unit')", None, False),
    ("faults", "lines", "Fault lines", None, True),
    ("cube", "raster", "Hyperspectral reflectance cube", None, False),
    ("crs", "crs", "CRS of the collar coordinates", "EPSG:32648", False),
    ("extent", "extent", "Block model extent", None, False),
    ("zmin", "number", "Block model bottom (m)", 1960.0, False),
    ("zmax", "number", "Block model top (m)", 2470.0, False),
    ("block_xy", "number", "Block size X and Y (m)", 50.0, False),
    ("block_z", "number", "Block size Z (m)", 10.0, False),
    ("composite_length", "number", "Composite length (m)", 10.0, False),
    ("cutoff", "number", "Cut-off grade (TREO %)", 1.0, False),
    ("bench_elevation", "number", "Elevation of the mapped bench (m)", 2205.0, False),
    ("density", "number", "Dry bulk density (t/m3)", 2.8, False),
    ("epochs", "integer", "BNN maximum epochs", 300, False),
    ("cv_epochs", "integer", "BNN maximum epochs in cross-validation", 150, False),
    ("seed", "integer", "Random seed", 0, False),
    ("truth", "file", "True block grades of a sample deposit (truth_blocks.npz)", None, True),
]

# One single-band map of the bench per field: the BNN grade, sd and P(>cut-off),
# and the OK and MIK grades beside them.
MAPS = [
    ("map_bnn_mean", "bnn_mean", "Bench map of the BNN mean grade"),
    ("map_bnn_sd", "bnn_sd", "Bench map of the BNN sd"),
    ("map_bnn_p", Expr(BNN_P_FIELD), "Bench map of the BNN P(grade > cut-off)"),
    ("map_ok", "ok_estimate", "Bench map of the OK estimate"),
    ("map_mik", "mik_mean", "Bench map of the MIK E-type mean"),
]

# The workflow's choices, shown at the top of its report.
CHOICES = (
    "Left out of the workflow on purpose: the Gaussian-process baseline (reegrade:gp; minutes on two cores for "
    "thousands of composites), and the Box-Cox stage: the BNN already models log-grade, and a kriged mean "
    "back-transformed from Box-Cox units is about the median, not the mean, so OK and MIK work on TREO % as a "
    "resource estimator's baseline would.",
    "The BNN's features are the PCA components of the spectral depths and areas, the geology-map units and "
    "distances, and random Fourier features of the coordinates. The parsed log text is joined onto the "
    "samples but is not a block feature: blocks have no drill logs. The logged lithology (log_lith) reaches "
    "the blocks another way: trainbnn kriges each rock's share between the holes (a soft domain model) and "
    "feeds the shares to the BNN, as crossvalidate does from each fold's training holes.",
    "The BNN is reegrade:trainbnn's default, the deep ensemble stacked on kriging: it takes the leave-hole-out "
    "OK estimate and sd beside the features, which reegrade:predictbnn computes from the samples kept in the "
    "model file; its mean is a forest on the same inputs, pooled with kriging at the weight the training "
    "samples' out-of-hole errors chose. Its grade-tonnage curve "
    "is that of its mean: the posterior bands of reegrade:gradetonnage read a plain network's file.",
)


def steps():
    """(step id, algorithm, parameters, {output: model output name, saying what it holds}).
    A step may only use inputs and earlier steps. Outputs in the dict are model
    outputs (files a user keeps); the others are temporary. The hole and grade
    field keys are read from the algorithm classes, so a renamed key is followed."""
    _plugin_on_path()
    from ree_grade.algorithms.resources.classification import ClassificationRule
    from ree_grade.processing_provider.alg_classify import ClassifyAlgorithm
    from ree_grade.processing_provider.alg_crossvalidate import CrossValidateAlgorithm
    from ree_grade.processing_provider.alg_mik import MultipleIndicatorKrigingAlgorithm
    from ree_grade.processing_provider.alg_ordinarykriging import OrdinaryKrigingAlgorithm
    from ree_grade.processing_provider.alg_parselogs import ParseLogsAlgorithm
    from ree_grade.processing_provider.alg_trainbnn import TrainBNNAlgorithm
    from ree_grade.processing_provider.alg_variogram import VariogramAlgorithm

    return [
        ("collar_points", "native:createpointslayerfromtable",
         {"INPUT": In("collars"), "XFIELD": "x", "YFIELD": "y", "ZFIELD": "z", "TARGET_CRS": In("crs")}, {}),
        ("topography", "gdal:gridlinear",
         {"INPUT": Out("collar_points"), "Z_FIELD": "z", "RADIUS": -1.0, "NODATA": -9999.0, "DATA_TYPE": 5,
          "EXTRA": "-outsize 200 150"},
         {"OUTPUT": "Topography from the collar elevations (TIN)"}),
        ("desurvey", "reegrade:desurvey",
         {"COLLARS": In("collars"), "COLLAR_CRS": In("crs"), "SURVEYS": In("surveys"), "INTERVALS": In("assays"),
          "OVERLAPS": 2}, {}),
        ("composite", "reegrade:composite",
         {"INPUT": Out("desurvey"), "LENGTH": In("composite_length"), "RESIDUAL": 2, "RESIDUAL_THRESHOLD": 50.0,
          "MIN_COVERAGE": 50.0}, {}),
        ("treo", "reegrade:treo", {"INPUT": Out("composite")}, {}),
        ("graded", "native:extractbyexpression",
         {"INPUT": Out("treo"), "EXPRESSION": '"TREO_pct" IS NOT NULL AND "TREO_pct" > 0'}, {}),
        ("parselogs", "reegrade:parselogs",
         {"INPUT": In("logs"), "DESCRIPTION_FIELD": "description", ParseLogsAlgorithm.HOLE_FIELD: "hole_id",
          "FROM_FIELD": "from", "TO_FIELD": "to", "USE_TRANSFORMER": False, "SAMPLES": Out("graded"),
          "SAMPLE_HOLE_FIELD": "hole_id",
          "SAMPLE_FROM_FIELD": "from_m", "SAMPLE_TO_FIELD": "to_m"}, {}),
        ("hyperspectral", "reegrade:hyperspectralfeatures", {"INPUT": In("cube")},
         {"OUTPUT": "Hyperspectral absorption features"}),
        ("samples_hs", "reegrade:samplefeatures",
         {"INPUT": Out("parselogs"), "RASTER": Out("hyperspectral"), "METHOD": 1}, {}),
        ("samples_geo", "reegrade:geologyfeatures",
         {"INPUT": Out("samples_hs"), "GEOLOGY": In("geology"), "UNIT_FIELD": "unit", "FAULTS": In("faults")},
         {"UNITS_OUT": "Geology unit list"}),
        ("samples_impute", "reegrade:knnimpute",
         {"INPUT": Out("samples_geo"), "FIELDS": HS_FEATURES, "K": 8, "SPATIAL_WEIGHT": 1.0},
         {"REFERENCE_OUT": "Imputation reference"}),
        ("samples_pca", "reegrade:pcafusion",
         {"INPUT": Out("samples_impute"), "FIELDS": HS_FEATURES + GEO_FEATURES, "MODE": 0,
          "N_COMPONENTS": N_COMPONENTS, "RFF_FEATURES": 16, "LENGTH_SCALE": 300.0, "SEED": In("seed")},
         {"OUTPUT": "Samples (composites with TREO, logs and features)", "TRANSFORM_OUT": "PCA transform"}),
        ("targets", "reegrade:targets",
         {"MODE": 1, "EXTENT": In("extent"), "ZMIN": In("zmin"), "ZMAX": In("zmax"), "DX": In("block_xy"),
          "DY": In("block_xy"), "DZ": In("block_z"), "TOPOGRAPHY": Out("topography"), "TOPO_SAMPLING": 1}, {}),
        ("blocks_hs", "reegrade:samplefeatures",
         {"INPUT": Out("targets"), "RASTER": Out("hyperspectral"), "METHOD": 1}, {}),
        ("blocks_geo", "reegrade:geologyfeatures",
         {"INPUT": Out("blocks_hs"), "GEOLOGY": In("geology"), "UNIT_FIELD": "unit", "FAULTS": In("faults"),
          "UNITS_FILE": Out("samples_geo", "UNITS_OUT")}, {}),
        ("blocks_impute", "reegrade:knnimpute",
         {"INPUT": Out("blocks_geo"), "REFERENCE_IN": Out("samples_impute", "REFERENCE_OUT")}, {}),
        ("blocks_pca", "reegrade:pcafusion",
         {"INPUT": Out("blocks_impute"), "MODE": 1, "TRANSFORM_IN": Out("samples_pca", "TRANSFORM_OUT")}, {}),
        ("trainbnn", "reegrade:trainbnn",
         {"INPUT": Out("samples_pca"), "FEATURES": PC_FIELDS, TrainBNNAlgorithm.GRADE_FIELD: "TREO_pct",
          TrainBNNAlgorithm.HOLE_FIELD: "hole_id", "EPOCHS": In("epochs"), "RECALIBRATE": True,
          TrainBNNAlgorithm.DOMAIN_FIELDS: LOGGED_DOMAINS,
          # The default METHOD (stacked on kriging); its kriging takes as many samples as cross-validation's.
          TrainBNNAlgorithm.MAX_SAMPLES: 24, "SEED": In("seed")},
         {"MODEL_OUT": "BNN model file"}),
        ("predictbnn", "reegrade:predictbnn",
         {"MODEL": Out("trainbnn", "MODEL_OUT"), "INPUT": Out("blocks_pca"), "CUTOFFS": Expr(CUTOFF_TEXT),
          "SEED": In("seed")}, {}),
        ("variogram", "reegrade:variogram",
         {"INPUT": Out("graded"), VariogramAlgorithm.GRADE_FIELD: "TREO_pct", "DIMENSION": 1,
          VariogramAlgorithm.HOLE_FIELD: "hole_id", "ORIENTATION": 1, "DIRECTIONS": "axes",
          # Lags finer than the default (half the 2.6 km diagonal over 12 lags, 107 m), which is longer than the
          # deposit's shorter ranges: the fit then put half the sill in the nugget and its ranges at their limit.
          "LAG": 25.0, "N_LAGS": 16, "STRUCTURES": "spherical, spherical", "SEED": In("seed")},
         {"MODEL_OUT": "Variogram model file", "PLOT": "Variogram plot"}),
        ("ordinarykriging", "reegrade:ordinarykriging",
         {"INPUT": Out("graded"), OrdinaryKrigingAlgorithm.GRADE_FIELD: "TREO_pct",
          OrdinaryKrigingAlgorithm.HOLE_FIELD: "hole_id",
          "VARIOGRAM": Out("variogram", "MODEL_OUT"), "TARGETS": Out("predictbnn"), "MIN_SAMPLES": 4,
          "MAX_SAMPLES": 24, "MAX_PER_HOLE": 6}, {}),
        ("mik", "reegrade:mik",
         {"INPUT": Out("graded"), MultipleIndicatorKrigingAlgorithm.GRADE_FIELD: "TREO_pct",
          MultipleIndicatorKrigingAlgorithm.HOLE_FIELD: "hole_id", "MODE": 0,
          "TARGETS": Out("ordinarykriging"), "MIN_SAMPLES": 4, "MAX_SAMPLES": 24, "MAX_PER_HOLE": 6,
          "CUTOFFS": Expr(CUTOFF_TEXT), "SEED": In("seed")}, {}),
        ("classify", "reegrade:classify",
         {"INPUT": Out("mik"), "MEAN_FIELD": "bnn_mean", "SPREAD_FIELD": "bnn_sd", "SPREAD_IS": 0,
          "SLOPE_FIELD": "ok_slope", "SAMPLES": Out("graded"), ClassifyAlgorithm.HOLE_FIELD: "hole_id"}, {}),
        ("hyperscore", "reegrade:hyperscore",
         {"INPUT": Out("classify"), "SOURCE": 0, "PROBABILITY_FIELD": Expr(BNN_P_FIELD), "CUTOFF": In("cutoff")},
         {"OUTPUT": "Block estimates (BNN, OK, MIK, class, HyperScore)"}),
        ("gradetonnage", "reegrade:gradetonnage",
         {"INPUT": Out("hyperscore"), "GRADE_FIELDS": ESTIMATE_FIELDS, "GRADE_UNIT": 0, "VOLUME_FIELD": "volume",
          "DENSITY": In("density"), "CUTOFF_START": 0.0, "CUTOFF_STOP": 3.0, "CUTOFF_STEP": 0.1,
          "SEED": In("seed")},
         {"OUTPUT": "Grade-tonnage table", "PLOT": "Grade-tonnage plot"}),
        ("crossvalidate", "reegrade:crossvalidate",
         {"INPUT": Out("samples_pca"), CrossValidateAlgorithm.GRADE_FIELD: "TREO_pct", "COVARIATES": PC_FIELDS,
          CrossValidateAlgorithm.HOLE_FIELD: "hole_id", "METHODS": [0, 2, 3], "FOLDS": 5, "SCHEME": 0,
          CrossValidateAlgorithm.DOMAIN_FIELDS: LOGGED_DOMAINS,
          "CUTOFFS": Expr(CUTOFF_TEXT), "SEED": In("seed"),
          "BNN_EPOCHS": In("cv_epochs"), "MAX_SAMPLES": 24},
         {"OUTPUT": "Cross-validation table", "REPORT": "Cross-validation report"}),
        ("bench", "native:extractbyexpression", {"INPUT": Out("hyperscore"), "EXPRESSION": Expr(BENCH_FILTER)}, {}),
    ] + [
        (step, "gdal:rasterize",
         {"INPUT": Out("bench"), "FIELD": field, "UNITS": 1, "WIDTH": In("block_xy"), "HEIGHT": In("block_xy"),
          "EXTENT": In("extent"), "NODATA": -9999.0, "DATA_TYPE": 5},
         {"OUTPUT": description})
        for step, field, description in MAPS
    ] + [
        ("report", "reegrade:report",
         {"BLOCKS": Out("hyperscore"), "MAP_BNN_MEAN": Out("map_bnn_mean"), "MAP_BNN_SD": Out("map_bnn_sd"),
          "MAP_BNN_P": Out("map_bnn_p"), "MAP_OK": Out("map_ok"), "MAP_MIK": Out("map_mik"),
          "VARIOGRAM_PLOT": Out("variogram", "PLOT"), "CV_REPORT": Out("crossvalidate", "REPORT"),
          "GT_PLOT": Out("gradetonnage", "PLOT"), "TRUTH": In("truth"), "CUTOFF": In("cutoff"),
          "DENSITY": In("density"), "BENCH_ELEVATION": In("bench_elevation"), "NOTES": "\n".join(CHOICES),
          "CV_TABLE": Out("crossvalidate"), "RULE": ClassificationRule().describe(),
          "STATEMENT_CUTOFFS": Expr(STATEMENT_CUTOFFS)},
         {"OUTPUT": "Workflow report"}),
    ]


def _plugin_on_path():
    """The plugin is imported under its installed name through `.qgis-plugins/ree_grade`,
    the link `make setup` makes, as QGIS and the tests import it."""
    plugins = str(REPO / ".qgis-plugins")
    if plugins not in sys.path:
        sys.path.insert(0, plugins)


def model_outputs():
    """{"<step>:<name>": algorithm output name} of every model output."""
    return {f"{step}:{name}": output for step, _, _, outputs in steps() for output, name in outputs.items()}


# The size QGIS gives every model component (QgsProcessingModelComponent::size(), 200 x 30 in 3.22); a box is drawn
# centred on its position.
BOX_WIDTH, BOX_HEIGHT = 200.0, 30.0
ROW_PITCH = 90.0  # one row per depth in the chain, room for the arrows between rows
COLUMN_GAP = 40.0
INPUT_X, FIRST_STEP_X = 120.0, 420.0


def _references(parameters, kind):
    values = [v for value in parameters.values() for v in (value if isinstance(value, list) else [value])]
    return [v for v in values if isinstance(v, kind)]


def layout(workflow):
    """{("input", name) | ("step", id) | ("output", id, name): (x, y) box centre} of `steps()`: a step sits in the row
    of its depth (1 + the deepest step it reads), its model outputs in a line to its right, the steps of one row
    side by side; each input in a column on the left, level with the first step that reads it."""
    depth = {}
    for step, _, parameters, _ in workflow:
        depth[step] = 1 + max((depth[ref.step] for ref in _references(parameters, Out)), default=-1)
    positions, row_end = {}, {}
    for step, _, _, outputs in workflow:
        y = 60.0 + ROW_PITCH * depth[step]
        x = row_end.get(depth[step], FIRST_STEP_X)
        positions[("step", step)] = (x, y)
        for index, name in enumerate(outputs.values(), start=1):
            positions[("output", step, name)] = (x + index * (BOX_WIDTH + COLUMN_GAP / 2), y)
        row_end[depth[step]] = x + (1 + len(outputs)) * (BOX_WIDTH + COLUMN_GAP / 2) + COLUMN_GAP / 2
    first_use = {}
    for step, _, parameters, _ in workflow:
        for ref in _references(parameters, In):
            first_use.setdefault(ref.name, positions[("step", step)][1])
    free_y = 0.0
    for name in sorted((name for name, *_ in INPUTS), key=lambda name: first_use.get(name, 0.0)):
        y = max(first_use.get(name, 0.0), free_y)
        positions[("input", name)] = (INPUT_X, y)
        free_y = y + BOX_HEIGHT + 15.0
    return positions


def _parameter_definition(name, kind, description, default, optional):
    from qgis.core import (
        QgsProcessing,
        QgsProcessingParameterCrs,
        QgsProcessingParameterExtent,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterRasterLayer,
    )

    if kind in ("table", "polygons", "lines"):
        types = {"table": QgsProcessing.TypeVector, "polygons": QgsProcessing.TypeVectorPolygon,
                 "lines": QgsProcessing.TypeVectorLine}
        return QgsProcessingParameterFeatureSource(name, description, [types[kind]], optional=optional)
    if kind == "raster":
        return QgsProcessingParameterRasterLayer(name, description, optional=optional)
    if kind == "crs":
        return QgsProcessingParameterCrs(name, description, default, optional=optional)
    if kind == "file":
        return QgsProcessingParameterFile(name, description, extension="npz", optional=optional)
    if kind == "extent":
        return QgsProcessingParameterExtent(name, description, optional=optional)
    number_type = QgsProcessingParameterNumber.Integer if kind == "integer" else QgsProcessingParameterNumber.Double
    return QgsProcessingParameterNumber(name, description, number_type, default, optional)


def _source(value):
    from qgis.core import QgsProcessingModelChildParameterSource as Source

    if isinstance(value, In):
        return Source.fromModelParameter(value.name)
    if isinstance(value, Out):
        return Source.fromChildOutput(value.step, value.output)
    if isinstance(value, Expr):
        return Source.fromExpression(value.expression)
    return Source.fromStaticValue(value)


def _defaults(algorithm_id):
    """The algorithm's default value of every input parameter, spelled out as the
    modeler does, so the model validates and keeps working if a default changes."""
    from qgis.core import QgsApplication

    algorithm = QgsApplication.processingRegistry().algorithmById(algorithm_id)
    if algorithm is None:
        raise SystemExit(f"algorithm {algorithm_id} is not available; is the REE Grade provider loaded?")
    return {d.name(): d.defaultValue() for d in algorithm.parameterDefinitions()
            if not d.isDestination() and d.defaultValue() is not None}


def build_model():
    """The QgsProcessingModelAlgorithm of INPUTS and steps(), laid out by layout()."""
    from qgis.core import (
        QgsProcessingModelAlgorithm,
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
        QgsProcessingModelParameter,
    )
    from qgis.PyQt.QtCore import QPointF

    from ree_grade.processing_provider.base import WORKFLOW_GROUP

    model = QgsProcessingModelAlgorithm(MODEL_NAME, WORKFLOW_GROUP)
    model.setHelpContent({
        "ALG_DESC": "The REE Grade workflow on one deposit: desurvey, composite and TREO; log text, hyperspectral "
                    "and geology features on the samples and on a block model clipped to the topography; PCA "
                    "fusion; a Bayesian neural network grade model with sd and P(grade > cut-off); ordinary "
                    "kriging and multiple indicator kriging baselines; grade-tonnage, classification and "
                    "HyperScore on the blocks; cross-validation grouped by hole; maps of one bench.",
        "ALG_CREATOR": "REE Grade",
    })
    workflow = steps()
    positions = layout(workflow)
    for name, kind, description, default, optional in INPUTS:
        component = QgsProcessingModelParameter(name)
        component.setPosition(QPointF(*positions[("input", name)]))
        model.addModelParameter(_parameter_definition(name, kind, description, default, optional), component)
    for step, algorithm, parameters, outputs in workflow:
        child = QgsProcessingModelChildAlgorithm(algorithm)
        child.setChildId(step)
        child.setDescription(step)
        child.setPosition(QPointF(*positions[("step", step)]))
        for parameter, value in {**_defaults(algorithm), **parameters}.items():
            child.addParameterSources(parameter, [_source(value)])
        outputs_of_child = {}
        for output, name in outputs.items():
            model_output = QgsProcessingModelOutput(name, name)
            model_output.setChildId(step)
            model_output.setChildOutputName(output)
            model_output.setPosition(QPointF(*positions[("output", step, name)]))
            outputs_of_child[name] = model_output
        child.setModelOutputs(outputs_of_child)
        model.addChildAlgorithm(child)
    return model


def main(path=MODEL_PATH):
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    try:
        _register_providers()
        model = build_model()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not model.toFile(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"wrote {path} ({len(model.childAlgorithms())} steps)")
    finally:
        app.exitQgis()


_KEEP_ALIVE = []


def _register_providers():
    """The algorithms the model uses must be known to validate its outputs."""
    from qgis.core import QgsApplication

    sys.path.insert(0, os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    _plugin_on_path()
    from ree_grade.processing_provider.provider import REEGradeProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("reegrade") is None:
        provider = REEGradeProvider()
        registry.addProvider(provider)
        _KEEP_ALIVE.append(provider)  # the registry does not own the Python object


if __name__ == "__main__":
    # A fixed hash seed makes Qt write the XML attributes in one order, so an
    # unchanged workflow rebuilds to the same file.
    os.environ["QT_HASH_SEED"] = "0"
    main()
