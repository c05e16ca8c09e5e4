"""Layers and model files the estimation tests share (test_dask_algorithms,
test_streamed_targets): kriging samples and targets, a variogram file, a
trained stacked model and its 3D targets, and reading an output back."""
import numpy as np
from test_bnn_algorithms import STACKED, drilled_layer


def features(path, fields):
    from qgis.core import QgsVectorLayer

    return np.array([[f[name] for name in fields] for f in QgsVectorLayer(str(path), "out", "ogr").getFeatures()],
                    dtype=float)


def kriging_params(memory_layer):
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 500, (150, 2)) + [224000, 3088000]
    grade = np.exp(np.sin(xy[:, 0] / 80.0) + 0.2 * rng.normal(size=150))
    samples = memory_layer(["TREO_pct", "hole_id:string"], [(g, f"DH{i // 5}") for i, g in enumerate(grade)],
                           [tuple(p) for p in xy], name="samples")
    targets_xy = rng.uniform(0, 500, (700, 2)) + [224000, 3088000]
    targets = memory_layer(["id:integer"], [(i,) for i in range(700)], [tuple(p) for p in targets_xy], name="blocks")
    return {"INPUT": samples, "GRADE_FIELD": "TREO_pct", "HOLE_FIELD": "hole_id", "TARGETS": targets,
            "MAX_SAMPLES": 12, "BLOCK_SIZE": "10, 10", "DISCRETISATION": "2, 2, 1"}


def with_variogram(run_algorithm, params, tmp_path):
    run_algorithm("variogram", {"INPUT": params["INPUT"], "GRADE_FIELD": "TREO_pct", "DIMENSION": 0, "LAG": 25.0,
                                "N_LAGS": 10, "STRUCTURES": "spherical", "SEED": 1,
                                "MODEL_OUT": str(tmp_path / "v.json"), "PLOT": str(tmp_path / "v.html")})
    return dict(params, VARIOGRAM=str(tmp_path / "v.json"))


def trained_stacked(run_algorithm, memory_layer, tmp_path):
    """The path of a stacked model trained on `drilled_layer` with covariate pc_01."""
    layer, _, _, _ = drilled_layer(memory_layer)
    model = str(tmp_path / "stacked.json")
    run_algorithm("trainbnn", {"INPUT": layer, "FEATURES": ["pc_01"], "GRADE_FIELD": "TREO_pct",
                               "HOLE_FIELD": "hole_id", "MODEL_OUT": model, **STACKED})
    return model


def stacked_targets(memory_layer, n=300):
    """n PointZ targets over the drilled area with an id and pc_01."""
    rng = np.random.default_rng(5)
    t_xyz = rng.uniform(0, 800, (n, 3)) * [1, 1, 0.3] + [224000, 3088000, 60]
    return memory_layer(["id:integer", "pc_01"], [(i, v) for i, v in enumerate(rng.normal(size=n))],
                        [tuple(p) for p in t_xyz], name="blocks")
