"""Every kind of file output honours the umask like any other program's:
0644 under umask 022, 0600 under 077 (model JSON, npz, safetensors, GeoTIFF,
HTML, GeoPackage and CSV), through processing.run, with no temporary left."""
import os
import stat

import pytest
from test_bnn_algorithms import FEATURES, covariate_raster, sample_table
from test_hyperspectral import mixture_cube, write_geotiff


@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def _modes(folder):
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir() if path.is_file()}


def test_every_output_kind_gets_the_umask_permissions(run_algorithm, memory_layer, tmp_path, data_dir, umask):
    out = tmp_path / "out"
    out.mkdir()
    inputs = tmp_path / "in"
    inputs.mkdir()
    xy, X, grade, holes = sample_table(n_holes=12, per_hole=6)
    rows = [list(X[i]) + [float(grade[i]), str(holes[i])] for i in range(len(xy))]
    samples = memory_layer(FEATURES + ["TREO_pct", "hole_id:string"], rows,
                           [(224000 + x, 3088000 + y) for x, y in xy], name="samples")

    run_algorithm("variogram", {"INPUT": samples, "GRADE_FIELD": "TREO_pct", "DIMENSION": 0, "LAG": 60.0,
                                "N_LAGS": 8, "STRUCTURES": "spherical", "SEED": 1,
                                "MODEL_OUT": str(out / "variogram.json"), "PLOT": str(out / "variogram.html")})
    run_algorithm("boxcox", {"INPUT": samples, "FIELDS": ["TREO_pct"], "PARAMETERS_OUT": str(out / "boxcox.json"),
                             "OUTPUT": str(out / "boxcox.gpkg")})
    run_algorithm("boxcox", {"INPUT": samples, "FIELDS": ["TREO_pct"], "OUTPUT": str(out / "boxcox.csv")})
    run_algorithm("trainbnn", {"INPUT": samples, "FEATURES": FEATURES, "GRADE_FIELD": "TREO_pct",
                               "HOLE_FIELD": "hole_id", "METHOD": 1, "HIDDEN": "4", "EPOCHS": 3, "PATIENCE": 2,
                               "N_MEMBERS": 2, "WEIGHT_DECAY": 0.0, "SEED": 3, "MODEL_OUT": str(out / "bnn.json")})
    raster = covariate_raster(inputs / "covariates.tif", X)
    run_algorithm("predictbnn", {"MODEL": str(out / "bnn.json"), "COVARIATE_RASTER": str(raster),
                                 "OUTPUT_RASTER": str(out / "bnn.tif")})
    cube, wavelengths, _ = mixture_cube(data_dir, rows=12, cols=6)
    run_algorithm("hyperspectralfeatures", {"INPUT": write_geotiff(inputs / "cube.tif", cube, wavelengths),
                                            "OUTPUT": str(out / "features.tif")})

    modes = _modes(out)
    expected_kinds = {".json", ".npz", ".safetensors", ".html", ".gpkg", ".csv", ".tif"}
    assert expected_kinds <= {os.path.splitext(name)[1] for name in modes}, sorted(modes)
    assert not [name for name in modes if name.startswith(".tmp_")]
    wrong = {name: oct(mode) for name, mode in modes.items() if mode != 0o666 & ~umask}
    assert not wrong, f"not {oct(0o666 & ~umask)} under umask {oct(umask)}: {wrong}"
