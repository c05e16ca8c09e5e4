"""Writing a synthetic deposit as the files a geologist receives: CSV tables,
a GeoPackage geology map, a GeoTIFF and an ENVI hyperspectral cube, the truth
tables and a README. Every file goes to a temporary name beside its target
and is moved into place only when complete."""
import csv
import io
import json
import os

import numpy as np

from ..common.atomic import atomic_path, atomic_write_bytes
from ..common.progress import check_cancelled, progress_span, report_progress
from ..drillholes.oxides import FACTORS as OXIDE_FACTORS
from .drilling import ASSAY_ELEMENTS, DETECTION_LIMITS
from .geology import UNIT_CODES, UNITS

REFLECTANCE_SCALE = 10000
NODATA_INT16 = -9999
FILES = ("collars.csv", "surveys.csv", "assays.csv", "logs.csv", "geology.gpkg", "cube.tif", "cube_envi.img",
         "cube_envi.hdr", "truth_blocks.csv", "truth_blocks.npz", "truth_samples.csv", "truth_logs.csv",
         "README.md")


def write_all(deposit, folder, progress=None, should_stop=None):
    """Write every file of `deposit` into `folder`; {file name: path}."""
    os.makedirs(folder, exist_ok=True)
    paths = {name: os.path.join(folder, name) for name in FILES}
    tables = (
        ("collars.csv", deposit.collars, ("hole_id", "x", "y", "z", "max_depth")),
        ("surveys.csv", deposit.surveys, ("hole_id", "depth", "azimuth", "dip")),
        ("assays.csv", deposit.assays, ("hole_id", "from", "to") + ASSAY_ELEMENTS),
        ("logs.csv", deposit.logs, ("hole_id", "from", "to", "description")),
        ("truth_samples.csv", deposit.truth["samples"], None),
        ("truth_logs.csv", deposit.truth["logs"], None),
        ("truth_blocks.csv", deposit.truth["blocks"], ("x", "y", "z", "TREO_pct", "lithology")),
    )
    for name, table, columns in tables:
        check_cancelled(should_stop)
        write_csv(paths[name], table, columns)
    report_progress(progress, 0.1)
    write_truth_npz(paths["truth_blocks.npz"], deposit.truth)
    faults = [({"name": name, "dip": dip, "dip_dir": direction}, line)
              for name, (dip, direction), line in zip(deposit.fault_names, deposit.fault_dips, deposit.faults)]
    write_geopackage(paths["geology.gpkg"], deposit.geology, faults, deposit.crs)
    report_progress(progress, 0.15)
    dtype = deposit.params.get("cube_dtype", "int16")
    write_cube_geotiff(paths["cube.tif"], deposit.cube, dtype, progress_span(progress, 0.15, 0.6), should_stop)
    write_cube_envi(paths["cube_envi.img"], paths["cube_envi.hdr"], deposit.cube, progress_span(progress, 0.6, 1.0),
                    should_stop)
    atomic_write_bytes(paths["README.md"], readme(deposit, dtype).encode("utf-8"))
    report_progress(progress, 1.0)
    return paths


def _format(value):
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return ""
        # Six significant digits, but never fewer decimals than a coordinate's centimetres.
        return f"{value:.6g}" if abs(value) < 1e4 else f"{round(float(value), 2):.10g}"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    return str(value)


def write_csv(path, table, columns=None):
    """A dict of equal-length columns as CSV, in `columns` order (all by default)."""
    columns = list(columns or table.keys())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    data = [table[c] for c in columns]
    for row in zip(*data):
        writer.writerow([_format(v) for v in row])
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8"))


def write_truth_npz(path, truth):
    blocks, grid = truth["blocks"], truth["block_grid"]
    codes = {code: i for i, code in enumerate(UNIT_CODES)}
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, x=blocks["x"], y=blocks["y"], z=blocks["z"], TREO_pct=np.asarray(blocks["TREO_pct"], np.float32),
        lithology=np.array([codes[c] for c in blocks["lithology"]], dtype=np.int8),
        units=np.array(UNIT_CODES), origin=np.array(grid["origin"]),
        size=np.array(grid["size"]), shape=np.array(grid["shape"]),
    )
    atomic_write_bytes(path, buffer.getvalue())


def write_geopackage(path, geology, faults, crs):
    """Layers `lithology` (polygons: unit, description) from (unit, Polygon)
    pairs and `faults` (lines: name, dip, dip_dir) from (attributes,
    LineString) pairs, written with OGR."""
    from osgeo import gdal, ogr, osr

    # A fixed timestamp keeps the file byte-identical for the same deposit.
    previous = gdal.GetConfigOption("OGR_CURRENT_DATE")
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
    try:
        with atomic_path(path) as tmp:
            driver = ogr.GetDriverByName("GPKG")
            dataset = driver.CreateDataSource(tmp)
            srs = osr.SpatialReference()
            srs.SetFromUserInput(crs)
            descriptions = dict(UNITS)
            lith = dataset.CreateLayer("lithology", srs, ogr.wkbPolygon)
            lith.CreateField(ogr.FieldDefn("unit", ogr.OFTString))
            lith.CreateField(ogr.FieldDefn("description", ogr.OFTString))
            _add_features(lith, [({"unit": unit, "description": descriptions[unit]}, poly)
                                 for unit, poly in geology])
            lines = dataset.CreateLayer("faults", srs, ogr.wkbLineString)
            lines.CreateField(ogr.FieldDefn("name", ogr.OFTString))
            lines.CreateField(ogr.FieldDefn("dip", ogr.OFTReal))
            lines.CreateField(ogr.FieldDefn("dip_dir", ogr.OFTReal))
            _add_features(lines, faults)
            dataset = None
    finally:
        gdal.SetConfigOption("OGR_CURRENT_DATE", previous)


def _add_features(layer, rows):
    from osgeo import ogr

    layer.StartTransaction()
    for attributes, geometry in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for key, value in attributes.items():
            feature.SetField(key, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkb(geometry.wkb))
        layer.CreateFeature(feature)
    layer.CommitTransaction()


def band_names(cube):
    return [f"band {i + 1}: {w:.2f} nm" for i, w in enumerate(cube.wavelengths_nm)]


def _envi_list(values):
    return "{" + ", ".join(f"{v:.2f}" for v in values) + "}"


def write_cube_geotiff(path, cube, dtype="int16", progress=None, should_stop=None):
    """GeoTIFF of the reflectance, row block by row block: int16 reflectance x
    10000 with scale 0.0001 (as airborne products ship it) or float32. Each band
    carries its description and `wavelength`/`fwhm` (nm) metadata, and the
    IMAGERY domain's CENTRAL_WAVELENGTH_UM/FWHM_UM; the dataset carries the
    ENVI-style `wavelength`, `fwhm` and `wavelength_units` lists."""
    import rasterio

    bands, rows, cols = cube.shape
    integer = dtype == "int16"
    options = dict(driver="GTiff", width=cols, height=rows, count=bands, dtype=dtype, crs=cube.crs,
                   transform=cube.transform, nodata=NODATA_INT16 if integer else np.nan, tiled=True,
                   blockxsize=256, blockysize=16, interleave="pixel", BIGTIFF="IF_SAFER")
    if integer:
        options.update(compress="deflate", predictor=2)
    with atomic_path(path) as tmp, rasterio.open(tmp, "w", **options) as dst:
        dst.update_tags(wavelength=_envi_list(cube.wavelengths_nm), fwhm=_envi_list(cube.fwhm_nm),
                        wavelength_units="Nanometers", sensor_type="synthetic (USGS splib07 mixtures)",
                        reflectance_scale_factor=str(REFLECTANCE_SCALE if integer else 1))
        for index, (name, w, f) in enumerate(zip(band_names(cube), cube.wavelengths_nm, cube.fwhm_nm), start=1):
            dst.set_band_description(index, name)
            dst.update_tags(index, wavelength=f"{w:.2f}", fwhm=f"{f:.2f}", wavelength_units="nm")
            dst.update_tags(index, ns="IMAGERY", CENTRAL_WAVELENGTH_UM=f"{w / 1000:.5f}",
                            FWHM_UM=f"{f / 1000:.5f}")
        if integer:
            dst.scales = [1.0 / REFLECTANCE_SCALE] * bands
            dst.offsets = [0.0] * bands
        _write_blocks(dst, cube, integer, progress, should_stop)


def _write_blocks(dst, cube, integer, progress, should_stop):
    from rasterio.windows import Window

    rows = cube.shape[1]
    for r0, r1, block in cube.blocks():
        check_cancelled(should_stop)
        data = to_int16(block) if integer else block
        dst.write(data, window=Window(0, r0, cube.shape[2], r1 - r0))
        report_progress(progress, r1 / rows)


def to_int16(reflectance):
    scaled = np.rint(np.asarray(reflectance) * REFLECTANCE_SCALE)
    return np.clip(scaled, -32767, 32767).astype(np.int16)


def write_cube_envi(img_path, hdr_path, cube, progress=None, should_stop=None):
    """ENVI BSQ int16 (reflectance x 10000) with a header a reader of
    hyperspectral imagery expects."""
    bands, rows, cols = cube.shape
    with atomic_path(img_path) as tmp:
        # Seek-and-write per band rather than a memmap, whose dirty pages would
        # hold the whole 1.2 GB large cube in memory.
        with open(tmp, "wb") as handle:
            handle.truncate(bands * rows * cols * 2)
            for r0, r1, block in cube.blocks():
                check_cancelled(should_stop)
                data = to_int16(block).astype("<i2")
                for band in range(bands):
                    handle.seek((band * rows + r0) * cols * 2)
                    handle.write(data[band].tobytes())
                report_progress(progress, r1 / rows)
        atomic_write_bytes(hdr_path, envi_header(cube).encode("ascii"))


def envi_header(cube):
    from osgeo import osr

    bands, rows, cols = cube.shape
    t = cube.transform
    srs = osr.SpatialReference()
    srs.SetFromUserInput(cube.crs)
    zone = srs.GetUTMZone()
    names = ",\n ".join(band_names(cube))
    return (
        "ENVI\n"
        "description = {Synthetic carbonatite REE deposit reflectance (USGS splib07 mixtures)}\n"
        f"samples = {cols}\nlines = {rows}\nbands = {bands}\nheader offset = 0\nfile type = ENVI Standard\n"
        "data type = 2\ninterleave = bsq\nbyte order = 0\n"
        f"map info = {{UTM, 1, 1, {t.c:.3f}, {t.f:.3f}, {t.a:g}, {-t.e:g}, {abs(zone)}, "
        f"{'North' if zone > 0 else 'South'}, WGS-84, units=Meters}}\n"
        f"coordinate system string = {{{srs.ExportToWkt()}}}\n"
        "wavelength units = Nanometers\n"
        f"wavelength = {_envi_list(cube.wavelengths_nm)}\n"
        f"fwhm = {_envi_list(cube.fwhm_nm)}\n"
        f"reflectance scale factor = {REFLECTANCE_SCALE}\n"
        f"data ignore value = {NODATA_INT16}\n"
        f"band names = {{\n {names}}}\n"
    )


def readme(deposit, dtype):
    """The folder's README: what each file holds, its columns and units."""
    bands, rows, cols = deposit.cube.shape
    tif_size = bands * rows * cols * (2 if dtype == "int16" else 4)
    limits = ", ".join(f"{el} {DETECTION_LIMITS[el]:g}" for el in ASSAY_ELEMENTS)
    factors = ", ".join(f"{el} {f}" for el, f in OXIDE_FACTORS.items())
    grid = deposit.truth["block_grid"]
    return f"""# Synthetic carbonatite REE deposit: preset `{deposit.preset}`, seed {deposit.seed}

Generated by REE Grade (`reegrade:syntheticdeposit`, `algorithms/synthetic.py`).
A carbonatite-syenite complex along a steep NNE fault with fluorite-barite-
bastnaesite ore, modelled on Maoniuping/Dalucao (Sichuan). Everything is
synthetic except the mineral spectra (USGS splib07, public domain).
CRS: {deposit.crs} (WGS 84 / UTM zone 48N), metres. Extent: {json.dumps(deposit.extent)}.
{len(deposit.collars['hole_id'])} holes, {len(deposit.assays['hole_id'])} assay rows,
{len(deposit.logs['hole_id'])} log rows.

| file | content |
|---|---|
| collars.csv | hole_id, x, y, z (collar elevation, m), max_depth (m) |
| surveys.csv | hole_id, depth (m along hole), azimuth (deg from grid north), dip (deg, negative down). Vertical \
holes have no rows. |
| assays.csv | hole_id, from, to (m), {', '.join(ASSAY_ELEMENTS)} in ppm as the lab reports them: below detection as \
`<DL` or `-DL` (by lab batch), empty = not analysed / missing (~5 %), a few exact duplicate rows and intervals \
overlapping the one above. Detection limits (ppm): {limits}. |
| logs.csv | hole_id, from, to, description: free-text core logs by four loggers (lithology, alteration and \
intensity, mineral percentages, abbreviations and spelling variants) |
| geology.gpkg | layer `lithology` (polygons: unit, description; units {', '.join(UNIT_CODES)}) covering the \
extent; layer `faults` (lines: name, dip and dip_dir in degrees) |
| cube.tif | reflectance, {bands} bands x {rows} rows x {cols} cols, \
{'int16 = reflectance x 10000 (band scale 0.0001)' if dtype == 'int16' else 'float32 reflectance'}, \
{tif_size / 2**20:.0f} MiB of pixel data. Band descriptions name the wavelength; band metadata `wavelength`, `fwhm` \
(nm) and IMAGERY `CENTRAL_WAVELENGTH_UM`, `FWHM_UM`; dataset metadata `wavelength`, `fwhm` lists (ENVI style). |
| cube_envi.img/.hdr | the same cube as ENVI BSQ int16 (reflectance scale factor 10000, data ignore value \
{NODATA_INT16}), header with wavelength/fwhm in nm |
| truth_samples.csv | the true TREO_pct of every assay row (same order), its midpoint x, y, z, lithology and d_fault \
(signed distance to the main fault plane, m); flag = duplicate / overlap / empty |
| truth_logs.csv | per log row: logger style, true lithology, bastnaesite/fluorite/barite %, fluoritisation, \
baritisation, fenitisation, weathering (0 none, 1 weak, 2 moderate, 3 strong), pervasive, main_alteration |
| truth_blocks.csv / .npz | true block grades: centroids x, y, z, TREO_pct (mean over the block), lithology; blocks \
{grid['size']} m, grid origin (first centroid) {grid['origin']}, shape {grid['shape']}; blocks above the topography \
are left out |

TREO_pct is total rare-earth oxide in weight %, with the element-to-oxide factors
{factors} (CeO2, Pr6O11, Tb4O7, the rest R2O3).
Truth grades exclude the lab's analytical error (about 4 % relative) and artefacts.

The cube mixes USGS splib07 spectra (bastnaesite, calcite, dolomite,
fluorapatite, barite-bearing celestite, goethite, hematite, kaolinite,
montmorillonite, phlogopite) and a featureless silicate/fluorite matrix, with
abundances from the surface geology and grade, topographic illumination and
sensor noise. Spectra: Kokaly, R.F., et al., 2017, USGS Spectral Library
Version 7: U.S. Geological Survey Data Series 1035, doi:10.3133/ds1035.
"""
