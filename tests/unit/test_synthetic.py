"""The synthetic deposit generator: reproducibility, the statistics a real
carbonatite REE data set has, the files it writes, the Processing algorithm,
and the bundled sample_data/demo."""
import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ree_grade.algorithms.common.parsing import parse_numeric
from ree_grade.algorithms.drillholes.oxides import FACTORS
from ree_grade.algorithms.synthetic import deposit as syn
from ree_grade.algorithms.synthetic import files as synthetic_io
from ree_grade.algorithms.synthetic.drilling import ASSAY_ELEMENTS, REE, hole_path
from ree_grade.algorithms.synthetic.geology import UNIT_CODES

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "sample_data" / "demo"


@pytest.fixture(scope="module")
def deposit():
    return syn.generate_deposit("small", seed=0)


@pytest.fixture(scope="module")
def written(deposit, tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    return syn.write_deposit(deposit, str(folder))


def parsed(deposit, element):
    return parse_numeric(deposit.assays[element], "assays", element, negative_is_below_detection=True)


def band_depth(cube, centre, left, right):
    w = cube.wavelengths_nm
    c, a, b = (int(np.argmin(abs(w - x))) for x in (centre, left, right))
    refl = cube.reflectance
    continuum = refl[a] + (refl[b] - refl[a]) * (w[c] - w[a]) / (w[b] - w[a])
    return 1.0 - refl[c] / continuum


# --- reproducibility ------------------------------------------------------------
def test_same_seed_gives_identical_output(deposit):
    again = syn.generate_deposit("small", seed=0)
    for table in ("collars", "surveys", "assays", "logs"):
        for column, values in deposit[table].items():
            assert list(np.asarray(values)) == list(np.asarray(again[table][column])), (table, column)
    assert np.array_equal(deposit.cube.reflectance, again.cube.reflectance)
    assert np.array_equal(deposit.truth["blocks"]["TREO_pct"], again.truth["blocks"]["TREO_pct"])
    assert [g.wkt for _, g in deposit.geology] == [g.wkt for _, g in again.geology]


def test_different_seed_gives_a_different_deposit(deposit):
    other = syn.generate_deposit("small", seed=1)
    assert list(other.collars["x"]) != list(deposit.collars["x"])
    assert other.assays["La"][:50] != deposit.assays["La"][:50]
    assert not np.allclose(other.cube.rows(0, 4), deposit.cube.rows(0, 4))


def test_cube_rows_match_the_full_cube_however_read(deposit):
    full = deposit.cube.reflectance
    fresh = syn.generate_deposit("small", seed=0).cube
    assert np.array_equal(fresh.rows(5, 37), full[:, 5:37])
    assert np.array_equal(np.concatenate([b for _, _, b in fresh.blocks()], axis=1), full)


def test_unknown_preset_is_an_error():
    with pytest.raises(ValueError, match="unknown preset 'huge'"):
        syn.generate_deposit("huge")


# --- structure --------------------------------------------------------------------
def test_tables_have_the_documented_columns(deposit):
    assert deposit.crs == deposit["crs"] == "EPSG:32648"
    assert list(deposit.collars) == ["hole_id", "x", "y", "z", "max_depth"]
    assert list(deposit.surveys) == ["hole_id", "depth", "azimuth", "dip"]
    assert list(deposit.assays) == ["hole_id", "from", "to"] + list(ASSAY_ELEMENTS)
    assert list(deposit.logs) == ["hole_id", "from", "to", "description"]
    assert len(deposit.truth["samples"]["TREO_pct"]) == len(deposit.assays["hole_id"])
    assert len(deposit.truth["logs"]["lithology"]) == len(deposit.logs["hole_id"])
    xmin, ymin, xmax, ymax = deposit.extent
    assert np.all((deposit.collars["x"] > xmin) & (deposit.collars["x"] < xmax))
    assert np.all((deposit.collars["y"] > ymin) & (deposit.collars["y"] < ymax))


def test_holes_are_mostly_inclined_and_vertical_ones_have_no_survey(deposit):
    surveyed = set(deposit.surveys["hole_id"])
    holes = deposit.collars["hole_id"]
    assert 0 < len(holes) - len(surveyed) < 0.4 * len(holes)
    dips = np.asarray(deposit.surveys["dip"])
    assert np.all(dips < 0) and np.all(dips > -80)
    first = [d for h, d, depth in zip(deposit.surveys["hole_id"], dips, deposit.surveys["depth"]) if depth == 0]
    assert len(first) == len(surveyed) and -75.5 <= min(first) and max(first) <= -49.5


def test_geology_covers_the_map_without_overlaps(deposit):
    from shapely.geometry import box
    from shapely.ops import unary_union

    units = {unit for unit, _ in deposit.geology}
    assert units <= set(UNIT_CODES) and {"carbonatite", "syenite"} <= units
    frame = box(*deposit.extent)
    union = unary_union([poly for _, poly in deposit.geology])
    assert union.symmetric_difference(frame).area < 1e-6 * frame.area
    assert sum(poly.area for _, poly in deposit.geology) == pytest.approx(frame.area, rel=1e-6)
    assert deposit.fault_names[0] == "main fault" and all(f.length > 100 for f in deposit.faults)


def test_cube_bands_span_vnir_swir_with_increasing_wavelengths(deposit):
    cube = deposit.cube
    assert cube.shape[0] >= 100 and cube.wavelengths_nm[0] >= 400 and cube.wavelengths_nm[-1] <= 2500
    assert np.all(np.diff(cube.wavelengths_nm) > 0) and np.all(cube.fwhm_nm > 0)
    assert cube.reflectance.shape == cube.shape and cube.reflectance.dtype == np.float32
    assert 0.05 < np.median(cube.reflectance) < 0.8


def test_shipped_spectra_resample_to_the_bundled_table():
    from ree_grade.algorithms.synthetic import spectra as spectra

    table = np.genfromtxt(REPO / "sample_data" / "spectra" / "resampled_aviris.csv", delimiter=",", names=True)
    centres, fwhm = spectra.sensor_bands("aviris")
    assert np.allclose(table["wavelength_nm"], centres) and np.allclose(table["fwhm_nm"], fwhm)
    matrix = spectra.endmember_matrix(centres, fwhm)
    for k, name in enumerate(spectra.ENDMEMBERS[:-1]):
        assert np.allclose(table[name], matrix[k], atol=1e-5), name
    bastnaesite = matrix[spectra.ENDMEMBERS.index("bastnaesite")]
    minima = centres[1:-1][(bastnaesite[1:-1] < bastnaesite[:-2]) & (bastnaesite[1:-1] < bastnaesite[2:])]
    for nd_band in (579, 741, 797, 864):
        assert np.min(abs(minima - nd_band)) < 12, nd_band


# --- statistics ---------------------------------------------------------------------
def test_grades_are_lognormally_skewed_with_a_realistic_mean(deposit):
    treo = deposit.truth["samples"]["TREO_pct"]
    assert treo.mean() > 1.5 * np.median(treo)
    assert 0.5 < treo.mean() < 4.0
    blocks = deposit.truth["blocks"]
    lith = np.array(blocks["lithology"])
    assert np.median(blocks["TREO_pct"][lith == "granite"]) < 0.1


def test_assays_are_lree_enriched_and_agree_with_the_truth(deposit):
    ppm = {el: parsed(deposit, el).values for el in REE}
    stacked = np.column_stack([ppm[el] for el in REE])
    complete = np.isfinite(stacked).all(axis=1)
    oxide = stacked * np.array([FACTORS[el] for el in REE]) / 1e4
    treo_lab = oxide.sum(axis=1)
    truth = deposit.truth["samples"]["TREO_pct"]
    ore = complete & (truth > 1.0)
    light = stacked[:, :4].sum(axis=1) / stacked.sum(axis=1)
    assert ore.sum() > 50 and np.all(light[ore] > 0.8)
    ratio = treo_lab[complete] / truth[complete]
    assert np.median(ratio) == pytest.approx(1.0, abs=0.02)
    assert np.percentile(abs(np.log(ratio)), 90) < 0.1


def test_lab_file_has_missing_values_both_detection_notations_and_duplicates(deposit):
    cells = [cell for el in ASSAY_ELEMENTS for cell in deposit.assays[el]]
    missing = sum(cell == "" for cell in cells) / len(cells)
    assert 0.03 < missing < 0.08
    assert any(c.startswith("<") for c in cells) and any(c.startswith("-") for c in cells)
    assert sum(parsed(deposit, el).n_below_detection for el in ASSAY_ELEMENTS) > 10
    rows = list(zip(*deposit.assays.values()))
    assert len(rows) - len(set(rows)) >= 1
    holes, start, end = deposit.assays["hole_id"], deposit.assays["from"], deposit.assays["to"]
    overlaps = sum(1 for i in range(1, len(holes))
                   if holes[i] == holes[i - 1] and start[i] < end[i - 1] and start[i] != start[i - 1])
    assert overlaps >= 1
    flags = Counter(deposit.truth["samples"]["flag"])
    assert flags["duplicate"] == len(rows) - len(set(rows)) and flags["overlap"] == overlaps


def test_sample_lengths_are_mostly_one_to_two_metres(deposit):
    length = deposit.assays["to"] - deposit.assays["from"]
    assert np.all(length > 0)
    assert np.mean((length >= 0.99) & (length <= 2.01)) > 0.85


def test_grade_is_higher_in_the_structural_core(deposit):
    samples = deposit.truth["samples"]
    distance = abs(samples["d_fault"] - 8.0)
    near, far = samples["TREO_pct"][distance < 30], samples["TREO_pct"][distance > 100]
    assert np.median(near) > 3 * np.median(far)
    lith = np.array(samples["lithology"])
    assert np.median(samples["TREO_pct"][lith == "carbonatite"]) > np.median(samples["TREO_pct"][lith == "syenite"])


def test_samples_lie_on_the_desurveyed_holes(deposit):
    samples = deposit.truth["samples"]
    row = 10
    hole = samples["hole_id"][row]
    k = deposit.collars["hole_id"].index(hole)
    rows = [i for i, h in enumerate(deposit.surveys["hole_id"]) if h == hole]
    collar = [deposit.collars[c][k] for c in ("x", "y", "z")]
    if rows:
        survey = [np.asarray(deposit.surveys[c])[rows] for c in ("depth", "azimuth", "dip")]
    else:
        survey = ([0.0], [0.0], [-90.0])
    middle = 0.5 * (samples["from"][row] + samples["to"][row])
    position = hole_path(collar, *survey).locate([middle])[0][0]
    assert position == pytest.approx([samples["x"][row], samples["y"][row], samples["z"][row]], abs=0.01)


def test_logs_cover_each_hole_from_collar_to_end_without_gaps(deposit):
    logs = deposit.logs
    for hole, depth in zip(deposit.collars["hole_id"], deposit.collars["max_depth"]):
        rows = [i for i, h in enumerate(logs["hole_id"]) if h == hole]
        assert logs["from"][rows[0]] == 0 and logs["to"][rows[-1]] == pytest.approx(depth)
        assert np.allclose(logs["from"][rows[1:]], logs["to"][rows[:-1]])


def test_logs_text_varies_by_logger_and_follows_the_truth(deposit):
    text = deposit.logs["description"]
    truth = deposit.truth["logs"]
    assert len(set(truth["logger"])) >= 3
    joined = " ".join(text).lower()
    assert ("fluoritisation" in joined or "fluoritization" in joined) and ("bast" in joined or "bsn" in joined)
    strong = [t for t, f in zip(text, truth["fluoritisation"]) if f == 3]
    assert strong and all(any(w in t.lower() for w in ("strong", "str", "intense", "int", " s")) for t in strong)
    carbonatite = [t.lower() for t, lith in zip(text, truth["lithology"]) if lith == "carbonatite"]
    assert carbonatite and all(any(w in t for w in ("carb", "cbt", "sov", "söv", "soev")) for t in carbonatite)
    assert max(truth["bastnaesite_pct"]) > 3 and min(truth["fluorite_pct"]) >= 0


def test_high_grade_pixels_show_neodymium_and_carbonate_absorptions(deposit):
    surface = deposit.truth["surface"]
    grade = surface["TREO_pct"]
    nd = band_depth(deposit.cube, 800, 770, 830)
    high, low = grade > np.percentile(grade, 95), grade < np.percentile(grade, 50)
    assert nd[high].mean() > nd[low].mean() + 0.01
    carbonate = band_depth(deposit.cube, 2340, 2270, 2400)
    carbonatite = surface["lithology"] == UNIT_CODES.index("carbonatite")
    assert carbonate[carbonatite].mean() > carbonate[~carbonatite].mean() + 0.05


def test_block_truth_is_the_block_mean_of_the_grade(deposit):
    blocks, grid = deposit.truth["blocks"], deposit.truth["block_grid"]
    assert len(blocks["x"]) < np.prod(grid["shape"])
    ix = np.rint((blocks["x"] - grid["origin"][0]) / grid["size"][0])
    assert np.allclose(blocks["x"], grid["origin"][0] + ix * grid["size"][0])
    samples = deposit.truth["samples"]
    origin, size = np.array(grid["origin"]), np.array(grid["size"])

    def key(x, y, z):
        return tuple(np.floor((np.array([x, y, z]) - origin) / size + 0.5))

    means = {}
    for x, y, z, g in zip(samples["x"], samples["y"], samples["z"], samples["TREO_pct"]):
        means.setdefault(key(x, y, z), []).append(g)
    lookup = {key(x, y, z): g for x, y, z, g in zip(blocks["x"], blocks["y"], blocks["z"], blocks["TREO_pct"])}
    pairs = np.array([(np.mean(v), lookup[k]) for k, v in means.items() if len(v) >= 5 and k in lookup])
    assert len(pairs) > 20
    assert np.corrcoef(np.log(pairs[:, 0]), np.log(pairs[:, 1]))[0, 1] > 0.8


# --- files ------------------------------------------------------------------------------
def test_csv_files_round_trip(deposit, written):
    with open(written["assays.csv"], newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["hole_id", "from", "to"] + list(ASSAY_ELEMENTS)
    assert len(rows) - 1 == len(deposit.assays["hole_id"])
    assert rows[1][3:] == [deposit.assays[el][0] for el in ASSAY_ELEMENTS]
    with open(written["truth_samples.csv"], newline="") as handle:
        truth = list(csv.DictReader(handle))
    assert float(truth[5]["TREO_pct"]) == pytest.approx(deposit.truth["samples"]["TREO_pct"][5])
    assert Path(written["README.md"]).read_text().count("|") > 30


def test_geopackage_has_lithology_and_fault_layers(written):
    from osgeo import ogr

    dataset = ogr.Open(written["geology.gpkg"])
    lith, faults = dataset.GetLayerByName("lithology"), dataset.GetLayerByName("faults")
    assert lith.GetSpatialRef().GetAuthorityCode(None) == "32648"
    assert lith.GetGeomType() == ogr.wkbPolygon and faults.GetGeomType() == ogr.wkbLineString
    fields = [lith.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(lith.GetLayerDefn().GetFieldCount())]
    assert fields == ["unit", "description"]
    assert {f.GetField("unit") for f in lith} <= set(UNIT_CODES) and faults.GetFeatureCount() >= 2
    main = next(iter(faults))
    assert main.GetField("name") == "main fault" and main.GetField("dip") == 75.0


def test_geotiff_carries_wavelengths_and_scale(deposit, written):
    import rasterio

    cube = deposit.cube
    with rasterio.open(written["cube.tif"]) as src:
        assert src.count == cube.shape[0] and src.dtypes[0] == "int16" and src.crs.to_epsg() == 32648
        assert src.scales[0] == pytest.approx(1e-4)
        assert float(src.tags(1)["wavelength"]) == pytest.approx(cube.wavelengths_nm[0], abs=0.01)
        assert float(src.tags(3, ns="IMAGERY")["CENTRAL_WAVELENGTH_UM"]) == pytest.approx(cube.wavelengths_nm[2] / 1e3)
        assert "nm" in src.descriptions[0]
        listed = src.tags()["wavelength"].strip("{}").split(",")
        assert len(listed) == cube.shape[0]
        data = src.read(7) * src.scales[6]
    assert np.allclose(data, cube.reflectance[6], atol=6e-5)


def test_envi_header_and_image_are_readable(deposit, written):
    from osgeo import gdal

    header = Path(written["cube_envi.hdr"]).read_text()
    for item in ("wavelength units = Nanometers", "reflectance scale factor = 10000", "data ignore value", "fwhm"):
        assert item in header
    dataset = gdal.Open(written["cube_envi.img"])
    assert dataset.RasterCount == deposit.cube.shape[0]
    assert float(dataset.GetRasterBand(10).GetMetadataItem("wavelength")) == pytest.approx(
        deposit.cube.wavelengths_nm[9], abs=0.01)
    band = dataset.GetRasterBand(10).ReadAsArray() / 1e4
    assert np.allclose(band, deposit.cube.reflectance[9], atol=6e-5)


def test_writing_into_a_folder_leaves_no_temporary_files(written):
    folder = Path(written["assays.csv"]).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(synthetic_io.FILES)


# --- bundled demo ------------------------------------------------------------------------
# Another CPU may round a float's last bit differently (SIMD cosines), so the
# bundled files are compared value by value with a tolerance, not byte by byte.
def _mismatched_cells(path_a, path_b):
    with open(path_a, newline="") as a, open(path_b, newline="") as b:
        rows_a, rows_b = list(csv.reader(a)), list(csv.reader(b))
    assert rows_a[0] == rows_b[0] and len(rows_a) == len(rows_b), path_b
    bad = 0
    for row_a, row_b in zip(rows_a[1:], rows_b[1:]):
        if row_a == row_b:
            continue
        for x, y in zip(row_a, row_b):
            try:
                bad += abs(float(x) - float(y)) > 0.011 + 2e-3 * abs(float(y))
            except ValueError:
                bad += x != y
    return bad / (len(rows_a) * len(rows_a[0]))


def _same_raster(path_a, path_b):
    import rasterio

    with rasterio.open(path_a) as a, rasterio.open(path_b) as b:
        assert a.count == b.count and a.shape == b.shape and a.tags() == b.tags()
        diff = np.abs(a.read().astype(np.int32) - b.read().astype(np.int32))
    return diff.max() <= 3 and diff.mean() < 0.05


def _unit_areas(path):
    from osgeo import ogr

    areas = Counter()
    dataset = ogr.Open(str(path))  # the layer dies with its dataset: keep it referenced
    for feature in dataset.GetLayerByName("lithology"):
        areas[feature.GetField("unit")] += feature.GetGeometryRef().GetArea()
    return areas


def test_bundled_demo_matches_the_generator(tmp_path):
    assert DEMO.is_dir(), "sample_data/demo is missing: run scripts/make_sample_data.py"
    bundled = sum(p.stat().st_size for p in (REPO / "sample_data").rglob("*") if p.is_file())
    assert bundled < 30e6
    fresh = syn.write_deposit(syn.generate_deposit("demo", syn.DEMO_SEED), str(tmp_path))
    for name, path in fresh.items():
        if name.endswith(".csv"):
            assert _mismatched_cells(path, DEMO / name) < 1e-4, f"sample_data/demo/{name} differs"
    assert Path(fresh["README.md"]).read_text() == (DEMO / "README.md").read_text()
    assert Path(fresh["cube_envi.hdr"]).read_text() == (DEMO / "cube_envi.hdr").read_text()
    assert _same_raster(fresh["cube.tif"], DEMO / "cube.tif")
    assert _same_raster(fresh["cube_envi.img"], DEMO / "cube_envi.img")
    with np.load(fresh["truth_blocks.npz"]) as a, np.load(DEMO / "truth_blocks.npz") as b:
        assert np.allclose(a["TREO_pct"], b["TREO_pct"], rtol=1e-4) and np.array_equal(a["x"], b["x"])
    areas, bundled_areas = _unit_areas(fresh["geology.gpkg"]), _unit_areas(DEMO / "geology.gpkg")
    assert set(areas) == set(bundled_areas)
    assert all(abs(areas[u] - bundled_areas[u]) <= 1e-3 * areas[u] for u in areas)
    with open(fresh["collars.csv"]) as handle:
        assert 180 <= sum(1 for _ in handle) - 1 <= 220
