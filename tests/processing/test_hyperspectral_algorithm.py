"""reegrade:hyperspectralfeatures through processing.run
(split from tests/unit/test_hyperspectral.py, whose pure helpers it reuses)."""
import numpy as np
import pytest
from test_hyperspectral import features_of, mixture_cube, read_features, write_envi_int16, write_geotiff


# --- through processing.run ------------------------------------------------------------
def test_algorithm_writes_named_bands(run_algorithm, tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths, describe=False)
    result = run_algorithm("hyperspectralfeatures", {
        "INPUT": path, "WAVELENGTHS": ",".join(f"{w / 1000:.6f}" for w in wavelengths), "MEMORY_MB": 1,
        "OUTPUT": str(tmp_path / "features.tif"),
    })
    bands, names = read_features(result["OUTPUT"])
    assert names[:3] == ["hs_nd580_depth", "hs_nd580_centre", "hs_nd580_area"]
    assert "hs_carb2330_depth" in names and names[-1] == "hs_ree_index"
    expected = features_of(wavelengths, cube[:, 5, 5])
    assert bands[names.index("hs_nd800_depth"), 5, 5] == pytest.approx(expected["hs_nd800_depth"], rel=1e-5)


def test_algorithm_reads_envi_with_its_header(run_algorithm, tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir)
    envi = write_envi_int16(tmp_path, cube, wavelengths)
    result = run_algorithm("hyperspectralfeatures", {"INPUT": envi, "OUTPUT": str(tmp_path / "features.tif")})
    bands, names = read_features(result["OUTPUT"])
    assert len(names) == 22 and names[-1] == "hs_ree_index"
    expected = features_of(wavelengths, np.rint(cube[:, 7, 9] * 10000) / 10000)
    assert bands[names.index("hs_nd740_depth"), 7, 9] == pytest.approx(expected["hs_nd740_depth"], rel=1e-4)
    assert np.isnan(bands[:, 3, 5]).all()


def test_algorithm_band_table_and_missing_window_warning(run_algorithm, tmp_path, data_dir):
    from qgis.core import QgsProcessingFeedback

    cube, wavelengths, _ = mixture_cube(data_dir)
    vnir = wavelengths < 1100
    path = write_geotiff(tmp_path / "vnir.tif", cube[vnir], wavelengths[vnir])
    table = tmp_path / "bands.csv"
    table.write_text("name,group,left_min,left_max,right_min,right_max,window_min,window_max\n"
                     "nd800,REE,762,782,822,845,783,818\ncarb2330,carbonate,2240,2290,2375,2410,2295,2370\n")
    feedback = QgsProcessingFeedback()
    result = run_algorithm("hyperspectralfeatures", {"INPUT": path, "BAND_TABLE": str(table),
                                                      "OUTPUT": str(tmp_path / "f.tif")}, feedback)
    _, names = read_features(result["OUTPUT"])
    assert names == ["hs_nd800_depth", "hs_nd800_centre", "hs_nd800_area", "hs_ree_index"]
    assert "feature carb2330 left out: the sensor (409-1098 nm) does not cover it" in feedback.textLog()


def _single_band(tmp_path):
    return write_geotiff(tmp_path / "one.tif", np.ones((1, 4, 4), np.float32), [500.0])


def _no_wavelengths(tmp_path):
    return write_geotiff(tmp_path / "plain.tif", np.ones((5, 4, 4), np.float32), [0] * 5, describe=False)


@pytest.mark.parametrize("make, message", [
    (_single_band, "has 1 band; a reflectance cube needs many bands"),
    (_no_wavelengths, "no wavelengths found .* give them in WAVELENGTHS"),
])
def test_algorithm_bad_input(run_algorithm, tmp_path, make, message):
    from qgis.core import QgsProcessingException

    out = tmp_path / "f.tif"
    with pytest.raises(QgsProcessingException, match=message):
        run_algorithm("hyperspectralfeatures", {"INPUT": make(tmp_path), "OUTPUT": str(out)})
    assert not out.exists()


def test_algorithm_cancel_leaves_no_output(run_algorithm, tmp_path, data_dir):
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class CancelAfterFirstWindow(QgsProcessingFeedback):
        def setProgress(self, value):  # noqa: N802 (QGIS API name)
            super().setProgress(value)
            if value > 0:
                self.cancel()

    cube, wavelengths, _ = mixture_cube(data_dir, rows=300)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths)
    out = tmp_path / "out" / "f.tif"
    with pytest.raises(QgsProcessingException, match="Cancelled"):
        run_algorithm("hyperspectralfeatures", {"INPUT": path, "MEMORY_MB": 1, "OUTPUT": str(out)},
                      CancelAfterFirstWindow())
    assert not out.exists() and list((tmp_path / "out").iterdir()) == []
