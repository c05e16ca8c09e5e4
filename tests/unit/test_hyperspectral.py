"""Absorption features: the maths on real USGS splib07 spectra (at ASD/Beckman
resolution and resampled to AVIRIS 1996), the band table, wavelength reading,
the streaming driver, and reegrade:hyperspectralfeatures through processing.run."""
import json
from pathlib import Path

import numpy as np
import pytest

from ree_grade.algorithms.spectral import cube as cube_io
from ree_grade.algorithms.spectral import features as hyperspectral
from ree_grade.algorithms.spectral.features import FeatureSet, check_wavelengths, load_band_table
from ree_grade.algorithms.synthetic.spectra import resample, sensor_bands

USGS = "usgs_splib07"
ND = ("nd580", "nd740", "nd800", "nd870")
REE_MINERALS = {
    "bastnaesite": "splib07a_Bastnaesite_REE_WS320_crystl_ASDFRb_AREF.txt",
    "monazite_gds947": "splib07a_Monazite_REE_GDS947_Calif_ASDFRb_AREF.txt",
    "monazite_gds955": "splib07a_Monazite_REE_GDS955_Iveland_ASDFRb_AREF.txt",
    "monazite_gds957": "splib07a_Monazite_REE_GDS957_New_Mex_ASDFRb_AREF.txt",
    "monazite_ws385": "splib07a_Monazite_REE_WS385_crystal_ASDFRb_AREF.txt",
    "parisite": "splib07a_Parisite_REE_WS319_crystal_ASDFRa_AREF.txt",
    "nd_oxide_gds34": "splib07a_Neodymium_Oxide_GDS34B_ASDFRa_AREF.txt",
    "nd_oxide_nd64": "splib07a_Neodymium_Oxide_ND64-1_SPEX_ASDFRa_AREF.txt",
}
GANGUE = {
    "calcite": "splib07a_Calcite_WS272_ASDNGa_AREF.txt",
    "kaolinite": "splib07a_Kaolinite_CM9_ASDNGb_AREF.txt",
    "goethite_coarse": "splib07a_Goethite_WS222_Coarse_Gr._BECKa_AREF.txt",
    "goethite_medium": "splib07a_Goethite_WS222_Medium_Gr._BECKa_AREF.txt",
}
# Published minima (nm) of the Nd3+ bands, measured on these library files.
KNOWN_CENTRES = {"bastnaesite": (579, 741, 797, 864), "monazite": (579, 745, 801, 870)}
WAVELENGTH_FILES = {"ASD": "splib07a_Wavelengths_ASD_0.35-2.5_microns_2151_ch.txt",
                    "BECK": "splib07a_Wavelengths_BECK_Beckman_0.2-3.0_microns.txt"}


def features_of(wavelengths, reflectance, table=None):
    """{band name: value} of one spectrum through `FeatureSet.compute`, the
    function the cube path runs window by window; NaN channels are dropped
    first, as a library spectrum's deleted channels must be."""
    wavelengths = np.asarray(wavelengths, dtype=float)
    reflectance = np.asarray(reflectance, dtype=float)
    keep = np.isfinite(wavelengths) & np.isfinite(reflectance)
    features = FeatureSet(check_wavelengths(wavelengths[keep], int(keep.sum()), "spectrum"),
                          load_band_table() if table is None else table)
    values = features.compute(reflectance[keep][features.bands][:, None])[:, 0]
    return dict(zip(features.names, (float(v) for v in values)))


def _column(path):
    values = np.loadtxt(path, skiprows=1)
    return np.where(values < -1e30, np.nan, values)


def library_spectrum(data_dir, filename):
    """(nm, reflectance) of a USGS file on its own channels, deleted channels removed."""
    kind = "BECK" if "BECK" in filename else "ASD"
    wavelengths = _column(data_dir / USGS / WAVELENGTH_FILES[kind]) * 1000.0
    reflectance = _column(data_dir / USGS / filename)
    keep = np.isfinite(wavelengths) & np.isfinite(reflectance)
    return wavelengths[keep], reflectance[keep]


def aviris(data_dir):
    return sensor_bands("aviris", spectra_dir=str(data_dir / USGS))


def both_resolutions(data_dir, filename):
    """{label: features} at the library's resolution and resampled to AVIRIS 1996."""
    wavelengths, reflectance = library_spectrum(data_dir, filename)
    centres, fwhm = aviris(data_dir)
    return {
        "library": features_of(wavelengths, reflectance),
        "AVIRIS": features_of(centres, resample(wavelengths, reflectance, centres, fwhm)),
    }


# --- the maths on real spectra ----------------------------------------------------
@pytest.mark.parametrize("mineral", sorted(REE_MINERALS))
def test_nd_bands_are_deep_in_ree_minerals(data_dir, mineral):
    for label, features in both_resolutions(data_dir, REE_MINERALS[mineral]).items():
        depths = [features[f"hs_{band}_depth"] for band in ND]
        assert min(depths) > 0.1, (label, depths)
        assert features["hs_ree_index"] == pytest.approx(np.mean(depths), rel=1e-6)
        assert all(features[f"hs_{band}_area"] > 1.0 for band in ND)


@pytest.mark.parametrize("mineral", sorted(GANGUE))
def test_nd_bands_are_near_zero_in_gangue(data_dir, mineral):
    for label, features in both_resolutions(data_dir, GANGUE[mineral]).items():
        depths = [features[f"hs_{band}_depth"] for band in ND]
        assert max(depths) < 0.025, (label, depths)
        assert features["hs_ree_index"] < 0.01, label


@pytest.mark.parametrize("mineral", ["bastnaesite", "monazite_gds947", "monazite_gds955", "monazite_gds957",
                                     "monazite_ws385"])
def test_nd_band_centres_within_5_nm_of_known_minima(data_dir, mineral):
    known = KNOWN_CENTRES[mineral.split("_")[0]]
    for label, features in both_resolutions(data_dir, REE_MINERALS[mineral]).items():
        centres = [features[f"hs_{band}_centre"] for band in ND]
        assert np.allclose(centres, known, atol=5.0), (label, centres)


def test_gangue_features_where_expected(data_dir):
    calcite = both_resolutions(data_dir, GANGUE["calcite"])
    kaolinite = both_resolutions(data_dir, GANGUE["kaolinite"])
    goethite = both_resolutions(data_dir, GANGUE["goethite_medium"])
    for label in ("library", "AVIRIS"):
        assert calcite[label]["hs_carb2330_depth"] > 0.15
        assert 2330 <= calcite[label]["hs_carb2330_centre"] <= 2345
        assert kaolinite[label]["hs_aloh2200_depth"] > 0.3
        assert 2200 <= kaolinite[label]["hs_aloh2200_centre"] <= 2212
        assert goethite[label]["hs_fe900_depth"] > 0.3
        assert calcite[label]["hs_aloh2200_depth"] < 0.02


def test_depth_centre_area_of_a_known_triangle():
    wavelengths = np.arange(500.0, 701.0, 10.0)
    reflectance = np.full(wavelengths.size, 0.5)
    reflectance[wavelengths == 590] = 0.3
    reflectance[wavelengths == 600] = 0.25
    reflectance[wavelengths == 610] = 0.35
    table = [{"name": "x", "group": "test", "note": "", "left_shoulder": (500, 540), "right_shoulder": (660, 700),
              "window": (560, 640)}]
    features = features_of(wavelengths, reflectance, table)
    assert features["hs_x_depth"] == pytest.approx(0.5)
    # Parabola through (590, 0.6), (600, 0.5), (610, 0.7): vertex at 600 - 10 * 0.1 / (2 * 0.3).
    assert features["hs_x_centre"] == pytest.approx(600 - 10 * 0.1 / 0.6)
    assert features["hs_x_area"] == pytest.approx(10 * (0.4 + 0.5 + 0.3))
    assert "hs_ree_index" not in features


def test_depth_is_zero_and_centre_empty_above_the_continuum():
    wavelengths = np.arange(500.0, 701.0, 10.0)
    reflectance = 0.5 + 0.001 * (wavelengths - 600) ** 2 / 100
    table = [{"name": "x", "group": "test", "note": "", "left_shoulder": (500, 520), "right_shoulder": (680, 700),
              "window": (560, 640)}]
    features = features_of(wavelengths, 1.2 - reflectance, table)
    assert features["hs_x_depth"] == 0.0
    assert np.isnan(features["hs_x_centre"])
    assert features["hs_x_area"] == 0.0


# --- band table ---------------------------------------------------------------------
def test_bundled_band_table_has_the_issue_features():
    table = load_band_table()
    assert {row["name"] for row in table} >= {"nd580", "nd740", "nd800", "nd870", "fe900", "aloh2200", "carb2330"}
    assert {row["group"] for row in table} == {"REE", "Fe3", "AlOH", "carbonate"}


def test_user_table_extends_the_features(tmp_path, data_dir):
    bundled = json.loads(Path(hyperspectral.DEFAULT_BAND_TABLE).read_text())
    bundled["bands"].append({"name": "fe3_ct", "group": "Fe3", "left_shoulder": [440, 460],
                             "right_shoulder": [580, 620], "window": [470, 570], "note": "charge transfer"})
    path = tmp_path / "bands.json"
    path.write_text(json.dumps(bundled))
    features = features_of(*library_spectrum(data_dir, GANGUE["goethite_medium"]), load_band_table(str(path)))
    assert features["hs_fe3_ct_depth"] > 0.05
    assert "hs_nd580_depth" in features


def test_csv_table_equals_json(tmp_path):
    rows = ["name,group,left_min,left_max,right_min,right_max,window_min,window_max,note"]
    for row in load_band_table():
        rows.append(",".join([row["name"], row["group"], *(f"{v:g}" for c in ("left_shoulder", "right_shoulder",
                                                                               "window") for v in row[c]), ""]))
    path = tmp_path / "bands.csv"
    path.write_text("\n".join(rows) + "\n")
    strip = [{k: v for k, v in row.items() if k != "note"} for row in load_band_table()]
    assert [{k: v for k, v in row.items() if k != "note"} for row in load_band_table(str(path))] == strip


@pytest.mark.parametrize("change, message", [
    ({"window": [500, 700]}, "strictly between"),
    ({"left_shoulder": [560, 540]}, "min 560 > max 540"),
    ({"name": "nd 580"}, "column 'name'"),
    ({"window": "wide"}, r"'window' must be \[min, max\]"),
])
def test_bad_band_table_row_is_named(tmp_path, change, message):
    row = {"name": "nd580", "group": "REE", "left_shoulder": [535, 560], "right_shoulder": [600, 625],
           "window": [563, 597], **change}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"bands": [row]}))
    with pytest.raises(ValueError, match=rf"bad.json, row 1.*{message}"):
        load_band_table(str(path))


def test_uncovered_features_are_left_out():
    vnir = np.arange(400.0, 1000.0, 5.0)
    features = FeatureSet(vnir, load_band_table())
    skipped = dict(features.skipped)
    assert set(skipped) == {"fe900", "aloh2200", "carb2330"}
    assert "right shoulder 1150-1300 nm has 0 band(s)" in skipped["fe900"]
    assert not any(name.startswith(("hs_carb", "hs_aloh", "hs_fe900")) for name in features.names)
    assert features.names[-1] == "hs_ree_index"
    assert features.bands.max() < vnir.size


# --- wavelengths ----------------------------------------------------------------------
def test_wavelength_units():
    assert hyperspectral.to_nanometres([0.45, 2.5]).tolist() == [450.0, 2500.0]
    assert hyperspectral.to_nanometres([450, 2500]).tolist() == [450.0, 2500.0]
    assert hyperspectral.to_nanometres([0.45, 2.5], "Micrometers").tolist() == [450.0, 2500.0]
    with pytest.raises(ValueError, match="unknown wavelength units 'furlongs'"):
        hyperspectral.to_nanometres([1, 2], "furlongs")


def test_wavelengths_must_increase():
    with pytest.raises(ValueError, match=r"band 3 \(500 nm\) does not follow band 2 \(510 nm\)"):
        hyperspectral.check_wavelengths([500, 510, 500], 3, "cube")
    with pytest.raises(ValueError, match="2 wavelengths for a cube of 3 bands"):
        hyperspectral.check_wavelengths([500, 510], 3, "cube")


def test_wavelength_lists_and_descriptions(tmp_path, data_dir):
    assert cube_io.parse_number_list("{400, 410.5,\n420}", "x").tolist() == [400, 410.5, 420]
    path = data_dir / USGS / WAVELENGTH_FILES["ASD"]
    assert cube_io.parse_number_list(str(path), "WAVELENGTHS").size == 2151
    with pytest.raises(ValueError, match="WAVELENGTHS: 'abc' is not a number"):
        cube_io.parse_number_list("400, abc", "WAVELENGTHS")
    assert cube_io._description_wavelength("Band 1 (450.0 nm)") == 450.0
    assert cube_io._description_wavelength("band 12: 0.5175 um") == pytest.approx(517.5)
    assert cube_io._description_wavelength("450.5") == 450.5
    assert cube_io._description_wavelength("red") is None


# --- cubes on disk ----------------------------------------------------------------------
def mixture_cube(data_dir, rows=24, cols=17, seed=3):
    """(reflectance (bands, rows, cols) float32, AVIRIS nm, bastnaesite
    abundance): USGS bastnaesite, calcite, kaolinite and goethite mixed with
    seeded random fractions, two no-data pixels."""
    centres, fwhm = aviris(data_dir)
    library = [REE_MINERALS["bastnaesite"], GANGUE["calcite"], GANGUE["kaolinite"], GANGUE["goethite_medium"]]
    spectra = np.array([resample(*library_spectrum(data_dir, f), centres, fwhm) for f in library])
    fractions = np.random.default_rng(seed).dirichlet(np.ones(4), size=rows * cols)
    cube = (fractions @ spectra).T.reshape(-1, rows, cols).astype(np.float32)
    cube[:, 3, 5] = np.nan
    cube[:, 10, 0] = np.nan
    return cube, centres, fractions[:, 0].reshape(rows, cols)


def write_geotiff(path, cube, wavelengths, describe=True, nodata=np.nan, **extra):
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", width=cube.shape[2], height=cube.shape[1], count=cube.shape[0],
                       dtype=cube.dtype, crs="EPSG:32648", transform=from_origin(224000, 3089000, 10, 10),
                       nodata=nodata, **extra) as dst:
        dst.write(cube)
        if describe:
            for index, w in enumerate(wavelengths, start=1):
                dst.set_band_description(index, f"Band {index} ({w:.2f} nm)")
    return str(path)


def write_envi_int16(folder, cube, wavelengths):
    """ENVI BSQ int16 x 10000, no-data -9999, wavelengths in micrometres in
    the header, as airborne products ship."""
    scaled = np.where(np.isfinite(cube), np.rint(cube * 10000), -9999).astype("<i2")
    img = folder / "cube.img"
    scaled.tofile(img)
    (folder / "cube.hdr").write_text(
        "ENVI\n"
        f"samples = {cube.shape[2]}\nlines = {cube.shape[1]}\nbands = {cube.shape[0]}\nheader offset = 0\n"
        "file type = ENVI Standard\ndata type = 2\ninterleave = bsq\nbyte order = 0\n"
        "map info = {UTM, 1, 1, 224000, 3089000, 10, 10, 48, North, WGS-84, units=Meters}\n"
        "wavelength units = Micrometers\n"
        "wavelength = {" + ",\n ".join(f"{w / 1000:.6f}" for w in wavelengths) + "}\n"
        "reflectance scale factor = 10000\ndata ignore value = -9999\n"
    )
    return str(img)


def read_features(path):
    from ree_grade.algorithms.io.raster import read_bands

    _, bands, names = read_bands(path)
    return bands, names


def test_wavelengths_from_band_metadata(tmp_path):
    import rasterio

    cube = np.full((4, 3, 3), 0.4, np.float32)
    wavelengths = [0.5, 0.6, 0.7, 0.8]
    path = write_geotiff(tmp_path / "tags.tif", cube, wavelengths, describe=False)
    with rasterio.open(path, "r+") as dst:
        for band, w in enumerate(wavelengths, start=1):
            dst.update_tags(band, WAVELENGTH=str(w), wavelength_units="micrometers")
    info = cube_io.describe_cube(path)
    assert info.wavelength_source == "band metadata" and info.wavelengths.tolist() == [500, 600, 700, 800]
    path = write_geotiff(tmp_path / "imagery.tif", cube, wavelengths, describe=False)
    with rasterio.open(path, "r+") as dst:
        for band, w in enumerate(wavelengths, start=1):
            dst.update_tags(band, ns="IMAGERY", CENTRAL_WAVELENGTH_UM=str(w))
    assert cube_io.describe_cube(path).wavelengths.tolist() == [500, 600, 700, 800]
    override = cube_io.describe_cube(path, "400, 450, 500, 550")
    assert override.wavelength_source == "WAVELENGTHS parameter" and override.wavelengths[0] == 400
    with pytest.raises(ValueError, match=r"\(WAVELENGTHS parameter\): 3 wavelengths for a cube of 4 bands"):
        cube_io.describe_cube(path, "400, 450, 500")


def test_streamed_features_equal_the_features_of_each_pixel(tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths)
    summary = cube_io.write_feature_raster(path, str(tmp_path / "f.tif"), memory_mb=1)
    bands, names = read_features(tmp_path / "f.tif")
    assert names == summary["names"] and summary["skipped"] == []
    assert summary["wavelength_source"] == "band descriptions"
    for r, c in [(0, 0), (7, 11), (23, 16)]:
        expected = features_of(wavelengths, cube[:, r, c])
        got = dict(zip(names, bands[:, r, c]))
        assert got.keys() == expected.keys()
        for name, value in expected.items():
            assert got[name] == pytest.approx(value, rel=1e-5, abs=1e-4, nan_ok=True), name
    assert np.isnan(bands[:, 3, 5]).all() and np.isnan(bands[:, 10, 0]).all()


def test_nd_depth_follows_bastnaesite_fraction(tmp_path, data_dir):
    cube, wavelengths, bastnaesite = mixture_cube(data_dir)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths)
    cube_io.write_feature_raster(path, str(tmp_path / "f.tif"))
    bands, names = read_features(tmp_path / "f.tif")
    index = bands[names.index("hs_ree_index")]
    ok = np.isfinite(index)
    assert np.corrcoef(index[ok], bastnaesite[ok])[0, 1] > 0.9


def test_tiny_window_budget_gives_identical_output(tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir, rows=40)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths, tiled=True, blockxsize=16, blockysize=16)
    small = cube_io.write_feature_raster(path, str(tmp_path / "small.tif"), memory_mb=0.05)
    large = cube_io.write_feature_raster(path, str(tmp_path / "large.tif"), memory_mb=4096)
    assert small["windows"] > 2 and large["windows"] == 1
    a, _ = read_features(tmp_path / "small.tif")
    b, _ = read_features(tmp_path / "large.tif")
    assert np.array_equal(a, b, equal_nan=True)


def test_envi_int16_in_micrometres_matches_the_float_geotiff(tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir)
    envi = write_envi_int16(tmp_path, cube, wavelengths)
    info = cube_io.describe_cube(envi)
    assert info.wavelength_source == "ENVI header"
    assert info.scale == pytest.approx(1e-4) and info.nodata == -9999
    assert np.allclose(info.wavelengths, wavelengths, atol=1e-3)
    cube_io.write_feature_raster(envi, str(tmp_path / "envi.tif"))
    tif = write_geotiff(tmp_path / "cube.tif", cube, wavelengths)
    cube_io.write_feature_raster(tif, str(tmp_path / "tif.tif"))
    a, _ = read_features(tmp_path / "envi.tif")
    b, _ = read_features(tmp_path / "tif.tif")
    assert np.array_equal(np.isnan(a), np.isnan(b))
    depth = slice(0, 12, 3)
    assert np.nanmax(np.abs(a[depth] - b[depth])) < 2e-3


def test_gdal_scale_and_offset_are_applied(tmp_path, data_dir):
    import rasterio

    cube, wavelengths, _ = mixture_cube(data_dir)
    stored = np.where(np.isfinite(cube), np.rint((cube - 0.05) * 20000), -32768).astype(np.int16)
    path = write_geotiff(tmp_path / "int16.tif", stored, wavelengths, nodata=-32768)
    with rasterio.open(path, "r+") as dst:
        dst.scales = [1 / 20000] * stored.shape[0]
        dst.offsets = [0.05] * stored.shape[0]
    info = cube_io.describe_cube(path)
    assert (info.scale, info.offset) == (pytest.approx(5e-5), pytest.approx(0.05))
    cube_io.write_feature_raster(path, str(tmp_path / "int16_f.tif"))
    cube_io.write_feature_raster(write_geotiff(tmp_path / "f32.tif", cube, wavelengths), str(tmp_path / "f32_f.tif"))
    a, names = read_features(tmp_path / "int16_f.tif")
    b, _ = read_features(tmp_path / "f32_f.tif")
    depth = names.index("hs_nd800_depth")
    assert np.nanmax(np.abs(a[depth] - b[depth])) < 1e-3
    assert np.array_equal(np.isnan(a[depth]), np.isnan(b[depth])) and np.isnan(a[depth]).sum() == 2


def test_cancel_mid_run_leaves_no_file(tmp_path, data_dir):
    from ree_grade.algorithms.common.progress import Cancelled

    cube, wavelengths, _ = mixture_cube(data_dir, rows=40)
    path = write_geotiff(tmp_path / "cube.tif", cube, wavelengths)
    calls = []

    def should_stop():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        cube_io.write_feature_raster(path, str(tmp_path / "out" / "f.tif"), memory_mb=0.05, should_stop=should_stop)
    assert list((tmp_path / "out").iterdir()) == []


def test_sensor_without_swir_leaves_features_out_with_a_warning(tmp_path, data_dir):
    cube, wavelengths, _ = mixture_cube(data_dir)
    vnir = wavelengths < 1000
    path = write_geotiff(tmp_path / "vnir.tif", cube[vnir], wavelengths[vnir])
    warnings = []
    summary = cube_io.write_feature_raster(path, str(tmp_path / "f.tif"), warn=warnings.append)
    assert {name for name, _ in summary["skipped"]} == {"fe900", "aloh2200", "carb2330"}
    assert any("carb2330 left out" in w and "does not cover" in w for w in warnings)
    _, names = read_features(tmp_path / "f.tif")
    assert "hs_carb2330_depth" not in names and "hs_nd800_depth" in names


def test_small_sample_deposit_nd_depth_tracks_surface_grade(tmp_path):
    from scipy.stats import spearmanr

    from ree_grade.algorithms.synthetic.deposit import generate_deposit
    from ree_grade.algorithms.synthetic.files import write_cube_geotiff

    deposit = generate_deposit("small", seed=0)
    write_cube_geotiff(str(tmp_path / "cube.tif"), deposit.cube)
    cube_io.write_feature_raster(str(tmp_path / "cube.tif"), str(tmp_path / "f.tif"))
    bands, names = read_features(tmp_path / "f.tif")
    grade = deposit.truth["surface"]["TREO_pct"]
    index = bands[names.index("hs_ree_index")]
    ok = np.isfinite(index)
    assert spearmanr(index[ok], grade[ok]).correlation > 0.2
    for band in ND:
        depth = bands[names.index(f"hs_{band}_depth")]
        assert spearmanr(depth[ok], grade[ok]).correlation > 0.1, band


# --- AVIRIS-classic cubes: overlapping spectrometers, bad-band list, duplicates, no data ----------------------
def aviris_classic(data_dir):
    """(centres nm, fwhm nm) of all 224 AVIRIS 1996 bands in file order: the
    four spectrometers' lists step back where they overlap (675.27, 666.02)."""
    folder = data_dir / USGS
    centres = _column(folder / "splib07a_Wavelengths_AVIRIS_1996_0.37-2.5_microns.txt") * 1000.0
    fwhm = _column(folder / "splib07a_Bandpass_(FWHM)_AVIRIS_1996_in_microns.txt") * 1000.0
    return np.round(centres, 2), np.round(fwhm, 2)


def classic_cube(data_dir, rows=9, cols=7, seed=4):
    """(int16 reflectance x 10000 in AVIRIS band order with -9999 no-data,
    centres, fwhm, bbl): a seeded mixture of USGS bastnaesite, calcite and
    kaolinite, the deep water bands and the first two bands marked bad."""
    centres, fwhm = aviris_classic(data_dir)
    library = [REE_MINERALS["bastnaesite"], GANGUE["calcite"], GANGUE["kaolinite"]]
    spectra = np.array([resample(*library_spectrum(data_dir, f), centres, fwhm) for f in library])
    fractions = np.random.default_rng(seed).dirichlet(np.ones(3), size=rows * cols)
    cube = (fractions @ spectra).T.reshape(-1, rows, cols)
    stored = np.rint(cube * 10000).astype("<i2")
    stored[:, 2, 3] = -9999
    bbl = np.ones(centres.size, dtype=int)
    bbl[:2] = 0
    bbl[((centres > 1340) & (centres < 1450)) | ((centres > 1800) & (centres < 1960))] = 0
    return stored, centres, fwhm, bbl


def write_envi_classic(folder, stored, centres, fwhm, bbl, name="classic"):
    """An ENVI BIL cube with the header AVIRIS-classic products carry: the
    wavelength and fwhm lists in micrometres, bbl and the data ignore value."""
    img = folder / f"{name}.img"
    np.ascontiguousarray(stored.transpose(1, 0, 2)).tofile(img)
    as_list = lambda values, fmt: "{" + ",\n  ".join(fmt.format(v) for v in values) + "}"  # noqa: E731
    (folder / f"{name}.hdr").write_text(
        "ENVI\ndescription = {AVIRIS reflectance, overlapping spectrometers}\n"
        f"samples = {stored.shape[2]}\nlines = {stored.shape[1]}\nbands = {stored.shape[0]}\nheader offset = 0\n"
        "file type = ENVI Standard\ndata type = 2\ninterleave = bil\nbyte order = 0\n"
        "map info = {UTM, 1, 1, 224000, 3089000, 10, 10, 48, North, WGS-84, units=Meters}\n"
        "wavelength units = Micrometers\n"
        f"wavelength = {as_list(centres / 1000, '{:.6f}')}\nfwhm = {as_list(fwhm / 1000, '{:.6f}')}\n"
        f"bbl = {as_list(bbl, '{:d}')}\n"
        "reflectance scale factor = 10000\ndata ignore value = -9999\n"
    )
    return str(img)


def sorted_good_geotiff(path, stored, centres, bbl):
    """The same cube as a float32 GeoTIFF of the good bands in wavelength
    order, scaled exactly as the reader scales the int16 values."""
    good = np.flatnonzero(bbl == 1)
    order = good[np.argsort(centres[good], kind="stable")]
    values = stored[order].astype(np.float32)
    values = np.where(stored[order] == -9999, np.float32(np.nan), values * np.float32(1e-4))
    return write_geotiff(path, values.astype(np.float32), centres[order])


def test_an_aviris_classic_envi_cube_with_overlaps_and_a_bad_band_list_works(tmp_path, data_dir):
    stored, centres, fwhm, bbl = classic_cube(data_dir)
    assert (np.diff(centres) < 0).sum() == 3 and 675.27 in centres and 666.02 in centres
    envi = write_envi_classic(tmp_path, stored, centres, fwhm, bbl)
    notes = []
    summary = cube_io.write_feature_raster(envi, str(tmp_path / "envi.tif"), log=notes.append)
    assert summary["wavelength_source"] == "ENVI header"
    assert any("sorted by wavelength" in note and "steps back 2 time(s)" in note for note in notes)
    assert any(f"{(bbl == 0).sum()} band(s) marked bad in the bad-band list (bbl) dropped: 1-2," in note
               for note in notes)
    reference = sorted_good_geotiff(tmp_path / "sorted.tif", stored, centres, bbl)
    cube_io.write_feature_raster(reference, str(tmp_path / "sorted_f.tif"))
    a, names = read_features(tmp_path / "envi.tif")
    b, _ = read_features(tmp_path / "sorted_f.tif")
    assert np.array_equal(a, b, equal_nan=True)
    assert np.isnan(a[:, 2, 3]).all() and np.isfinite(a[names.index("hs_nd800_depth")]).sum() == a[0].size - 1


def test_a_user_wavelengths_file_with_overlapping_spectrometers_is_sorted_not_refused(tmp_path, data_dir):
    stored, centres, _, _ = classic_cube(data_dir)
    keep = np.flatnonzero((centres > 400) & (centres < 1300))
    values = np.where(stored[keep] == -9999, np.nan, stored[keep] * 1e-4).astype(np.float32)
    path = write_geotiff(tmp_path / "classic.tif", values, centres[keep], describe=False)
    listed = tmp_path / "wavelengths.txt"
    listed.write_text("wavelength_um\n" + "\n".join(f"{w / 1000:.5f}" for w in centres[keep]))
    notes = []
    cube_io.write_feature_raster(path, str(tmp_path / "f.tif"), wavelengths=str(listed), log=notes.append)
    order = np.argsort(centres[keep], kind="stable")
    cube_io.write_feature_raster(write_geotiff(tmp_path / "s.tif", values[order], centres[keep][order]),
                                 str(tmp_path / "s_f.tif"))
    a, names = read_features(tmp_path / "f.tif")
    b, _ = read_features(tmp_path / "s_f.tif")
    assert "hs_nd800_depth" in names and np.array_equal(a, b, equal_nan=True)
    assert notes == ["bands sorted by wavelength: the list steps back 2 time(s), as where the detectors of a "
                     "multi-detector spectrometer overlap"]


def test_a_wavelength_listed_twice_is_averaged_and_said(tmp_path):
    wavelengths = np.array([500.0, 600.0, 700.0, 650.0, 700.0, 800.0])
    cube = np.stack([np.full((3, 4), v, np.float32) for v in (0.1, 0.2, 0.3, 0.25, 0.5, 0.6)])
    cube[4, 0, 0] = np.nan
    path = write_geotiff(tmp_path / "dup.tif", cube, wavelengths)
    info = cube_io.describe_cube(path)
    assert info.wavelengths.tolist() == [500, 600, 650, 700, 800]
    assert [group.tolist() for group in info.order.sources] == [[0], [1], [3], [2, 4], [5]]
    assert any("700 nm (bands 3, 5)" in note for note in info.order.notes)
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(path) as src:
        read = cube_io.read_window(src, [2, 3], Window(0, 0, 4, 3), info)
    assert read[0] == pytest.approx(0.25) and read[1, 0] == pytest.approx(0.3) and read[1, 1:] == pytest.approx(0.4)


def test_a_bad_band_list_of_the_wrong_length_is_refused(tmp_path, data_dir):
    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=3, cols=4)
    envi = write_envi_classic(tmp_path, stored, centres, fwhm, bbl[:-1])
    with pytest.raises(ValueError, match=r"classic.hdr: bbl must hold one 0 or 1 per band \(224\), got 223 values"):
        cube_io.describe_cube(envi)


@pytest.mark.parametrize("kind", ["nan GeoTIFF", "nodata ENVI"])
def test_an_all_no_data_cube_is_an_error_and_leaves_no_file(tmp_path, data_dir, kind):
    stored, centres, fwhm, bbl = classic_cube(data_dir, rows=4, cols=5)
    if kind == "nan GeoTIFF":
        path = write_geotiff(tmp_path / "nan.tif", np.full((80, 4, 5), np.nan, np.float32),
                             np.linspace(450, 1000, 80))
        expected = r"nan.tif: every pixel of the \d+ bands read \(\d+-\d+ nm\) is no-data or NaN \(NaN only\)"
    else:
        path = write_envi_classic(tmp_path, np.full_like(stored, -9999), centres, fwhm, bbl)
        expected = r"classic.img: every pixel of the \d+ bands read .* is no-data or NaN \(no-data value -9999\)"
    with pytest.raises(ValueError, match=expected):
        cube_io.write_feature_raster(path, str(tmp_path / "out" / "f.tif"))
    assert list((tmp_path / "out").iterdir()) == []


def test_reflectance_with_no_feature_anywhere_is_an_error(tmp_path):
    path = write_geotiff(tmp_path / "zero.tif", np.zeros((40, 3, 3), np.float32), np.linspace(450, 2450, 40))
    with pytest.raises(ValueError, match="zero.tif: no pixel gives an absorption feature"):
        cube_io.write_feature_raster(path, str(tmp_path / "f.tif"))
    assert not (tmp_path / "f.tif").exists()
