"""Reading reflectance cubes and writing feature rasters window by window, so
memory stays bounded whatever the cube's size; and sampling any raster's bands
at points.

Wavelengths come from, in this order: a WAVELENGTHS override; the ENVI header
next to the file (`wavelength`, `wavelength units`); the dataset's `wavelength`
list (GDAL ENVI domain or default domain); per-band `wavelength`,
`center_wavelength` or IMAGERY `CENTRAL_WAVELENGTH_UM` metadata; numbers in the
band descriptions ("Band 1 (450.0 nm)", "450.5"). Units from the metadata,
otherwise values below 30 are micrometres. Scale: GDAL scale/offset, else the
ENVI `reflectance scale factor`. No-data: the band's no-data value, else the
ENVI `data ignore value`, and NaN. Bands the ENVI `bbl` list marks bad are not
read; the rest are taken in increasing wavelength (`features.SpectralOrder`).
"""
import os
import re
from dataclasses import dataclass

import numpy as np

from ..common.progress import check_cancelled, report_progress
from ..io.raster import atomic_geotiff
from .features import FeatureSet, SpectralOrder, load_band_table, to_nanometres

OUTPUT_NODATA = -9999.0
DEFAULT_MEMORY_MB = 64
# Input bytes per pixel and band that a window may hold while computing:
# the read (float32) plus the float64 copies of one feature's bands.
_BYTES_PER_VALUE = 12
_NUMBER = r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?"


@dataclass
class CubeInfo:
    path: str
    width: int
    height: int
    count: int
    crs: object
    transform: object
    wavelengths: np.ndarray
    wavelength_source: str
    scale: float
    offset: float
    nodata: object
    order: SpectralOrder


# --- metadata ------------------------------------------------------------------
def envi_header_path(path):
    """The ENVI header beside `path` (cube.img -> cube.hdr or cube.img.hdr), or None."""
    for candidate in (os.path.splitext(path)[0] + ".hdr", path + ".hdr"):
        if os.path.exists(candidate):
            return candidate
    return None


def read_envi_header(path):
    """{lower-case key: value text} of an ENVI header; {...} lists keep their
    braces' content, across lines."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    header = {}
    for match in re.finditer(r"^\s*([^=\n]+?)\s*=\s*(\{[^}]*\}|[^\n]*)", text, flags=re.MULTILINE):
        value = match.group(2).strip()
        header[match.group(1).strip().lower()] = value[1:-1].strip() if value.startswith("{") else value
    return header


def parse_number_list(text, source):
    """Floats of a comma/space/newline separated list, or of a text file named
    by `text` (one or more values per line; a non-numeric first line is skipped
    as a header, as in USGS wavelength files)."""
    text = str(text).strip()
    if os.path.isfile(text):
        with open(text, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
        if lines and not re.fullmatch(rf"\s*({_NUMBER}[\s,;]*)+", lines[0]):
            lines = lines[1:]
        source, text = f"{source} file {text}", "\n".join(lines)
    tokens = [t for t in re.split(r"[\s,;{}]+", text) if t]
    try:
        return np.array([float(t) for t in tokens])
    except ValueError:
        bad = next(t for t in tokens if not re.fullmatch(_NUMBER, t))
        raise ValueError(f"{source}: {bad!r} is not a number") from None


def _description_wavelength(description):
    if not description:
        return None
    with_unit = re.findall(rf"({_NUMBER})\s*(nm|um|µm|micro)", description, flags=re.IGNORECASE)
    if with_unit:
        value, unit = with_unit[-1]
        return float(value) * (1000.0 if unit.lower() in ("um", "µm", "micro") else 1.0)
    numbers = re.findall(_NUMBER, description)
    return float(numbers[-1]) if numbers else None


def _band_tag_wavelengths(src):
    values, units = [], None
    for band in range(1, src.count + 1):
        tags = {k.lower(): v for k, v in src.tags(band).items()}
        imagery = src.tags(band, ns="IMAGERY")
        if "wavelength" in tags or "center_wavelength" in tags:
            values.append(float(tags.get("wavelength", tags.get("center_wavelength"))))
            units = tags.get("wavelength_units", units)
        elif "CENTRAL_WAVELENGTH_UM" in imagery:
            values.append(float(imagery["CENTRAL_WAVELENGTH_UM"]))
            units = "um"
        else:
            return None
    return values, units


def wavelengths_from_metadata(src, header):
    """(wavelengths in nm, source) from the cube's metadata, or (None, None)."""
    candidates = [("ENVI header", header)]
    for namespace in ("ENVI", None):
        tags = src.tags(ns=namespace) if namespace else src.tags()
        keys = {k.lower().replace("_", " "): v for k, v in tags.items()}
        candidates.append((f"{namespace or 'dataset'} metadata", keys))
    for source, tags in candidates:
        if tags and "wavelength" in tags:
            values = parse_number_list(tags["wavelength"], source)
            return to_nanometres(values, tags.get("wavelength units"), source), source
    from_bands = _band_tag_wavelengths(src)
    if from_bands is not None:
        return to_nanometres(from_bands[0], from_bands[1], "band metadata"), "band metadata"
    parsed = [_description_wavelength(d) for d in src.descriptions]
    if all(value is not None for value in parsed):
        return to_nanometres(parsed, None, "band descriptions"), "band descriptions"
    return None, None


def _scale_and_offset(src, header, path):
    scales, offsets = set(src.scales), set(src.offsets)
    if len(scales) > 1 or len(offsets) > 1:
        raise ValueError(f"{path}: bands have different scale factors or offsets; rescale the cube first")
    scale, offset = float(scales.pop()), float(offsets.pop())
    if scale == 1.0 and offset == 0.0:
        factor = (header or {}).get("reflectance scale factor") or src.tags().get("reflectance_scale_factor")
        if factor and float(factor) not in (0.0, 1.0):
            scale = 1.0 / float(factor)
    return scale, offset


def bad_band_list(header, n_bands, source):
    """Which bands the ENVI header's `bbl` keeps (1) and drops (0), or None
    without one."""
    if not header.get("bbl"):
        return None
    flags = parse_number_list(header["bbl"], f"{source}: bbl")
    if flags.size != n_bands or not np.isin(flags, (0, 1)).all():
        raise ValueError(f"{source}: bbl must hold one 0 or 1 per band ({n_bands}), got {flags.size} values")
    return flags == 1


def describe_cube(path, wavelengths=None):
    """CubeInfo of a GDAL-readable cube; `wavelengths` (a list, or text as
    parse_number_list reads it) overrides the metadata. Raises on a single-band
    raster, missing wavelengths or a count mismatch; bands out of wavelength
    order are sorted and a wavelength listed twice is averaged (`info.order`)."""
    import rasterio

    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as error:
        raise ValueError(f"{path}: cannot be read as a raster ({error})") from None
    with src:
        if src.count < 2:
            raise ValueError(f"{path}: has {src.count} band; a reflectance cube needs many bands")
        header_path = envi_header_path(path) if src.driver == "ENVI" else None
        header = read_envi_header(header_path) if header_path else {}
        if isinstance(wavelengths, str):
            wavelengths = parse_number_list(wavelengths, "WAVELENGTHS") if wavelengths.strip() else None
        if wavelengths is not None:
            found, source = to_nanometres(wavelengths, None, "WAVELENGTHS"), "WAVELENGTHS parameter"
        else:
            found, source = wavelengths_from_metadata(src, header)
        if found is None:
            raise ValueError(
                f"{path}: no wavelengths found (ENVI header, band metadata or band descriptions); "
                "give them in WAVELENGTHS as a comma-separated list or a text file"
            )
        good = bad_band_list(header, src.count, header_path)
        order = SpectralOrder(found, src.count, f"{path} ({source})", good)
        nodata = src.nodata
        if nodata is None and header.get("data ignore value"):
            nodata = float(header["data ignore value"])
        scale, offset = _scale_and_offset(src, header, path)
        return CubeInfo(path, src.width, src.height, src.count, src.crs, src.transform, order.wavelengths, source,
                        scale, offset, nodata, order)


# --- streaming -----------------------------------------------------------------
def rows_per_window(n_bands, width, memory_mb, block_rows=1):
    """Rows a window may hold within `memory_mb`, a multiple of the block height."""
    budget = max(float(memory_mb), 0.0) * 2 ** 20
    rows = int(budget // max(n_bands * width * _BYTES_PER_VALUE, 1))
    return max(block_rows, rows // block_rows * block_rows)


def read_window(src, spectral_bands, window, info):
    """(len(spectral_bands), pixels) float32 reflectance of `window` at the
    0-based positions `spectral_bands` of `info.wavelengths`, no-data and NaN
    as NaN, scaled; a wavelength the cube holds twice is the mean of its bands
    that hold data."""
    sources = [info.order.sources[int(j)] for j in spectral_bands]
    needed = np.unique(np.concatenate(sources)) if sources else np.array([], dtype=int)
    data = src.read(indexes=(needed + 1).tolist(), window=window, out_dtype="float32")
    data = data.reshape(len(needed), -1)
    if info.nodata is not None and not np.isnan(info.nodata):
        data[data == np.float32(info.nodata)] = np.nan
    if info.scale != 1.0 or info.offset != 0.0:
        data *= np.float32(info.scale)
        data += np.float32(info.offset)
    rows = [np.searchsorted(needed, group) for group in sources]
    if all(r.size == 1 for r in rows):
        single = np.concatenate(rows) if rows else np.array([], dtype=int)
        return data if np.array_equal(single, np.arange(len(needed))) else data[single]
    return np.stack([data[r[0]] if r.size == 1 else _mean_of_finite(data[r]) for r in rows])


def _mean_of_finite(values):
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0, dtype=np.float32)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan).astype(np.float32)


def write_feature_raster(path, out_path, wavelengths=None, band_table=None, memory_mb=DEFAULT_MEMORY_MB,
                         progress=None, should_stop=None, warn=None, log=None, cluster=None):
    """Compute the band table's features of the cube at `path` into a float32
    GeoTIFF at `out_path`, one named band per feature, window by window.

    Only the bands the features read are read. Returns {"names", "skipped",
    "windows", "wavelength_source", "bands_read", "band_notes"};
    `warn(message)` hears about every feature left out because the sensor does
    not cover it, `log(message)` about bands sorted, averaged or dropped. A
    cube with no data in the bands read is an error, not an all-no-data file.
    cluster: a `common.distributed.Cluster` whose workers compute the
    windows, each reading its window from `path` (so the cube must be on
    storage every worker reaches), this process writing them in order;
    `memory_mb` is then the budget of each worker's window."""
    import rasterio
    from rasterio.windows import Window

    info = describe_cube(path, wavelengths)
    for note in info.order.notes:
        if log is not None:
            log(note)
    features = FeatureSet(info.wavelengths, load_band_table(band_table))
    for name, reason in features.skipped:
        if warn is not None:
            warn(f"feature {name} left out: the sensor ({info.wavelengths[0]:.0f}-{info.wavelengths[-1]:.0f} nm) "
                 f"does not cover it ({reason})")
    if not features.names:
        raise ValueError(f"{path}: the sensor covers none of the band table's features; nothing to compute")
    # GDAL's block cache defaults to 5 % of RAM; the budget bounds it too.
    with rasterio.Env(GDAL_CACHEMAX=max(int(memory_mb), 8)), rasterio.open(path) as src:
        block_rows = src.block_shapes[0][0] if src.block_shapes[0][0] < src.height else 1
        rows = rows_per_window(features.bands.size + len(features.names), info.width, memory_mb, block_rows)
        starts = range(0, info.height, rows)
        profile = dict(width=info.width, height=info.height, count=len(features.names), dtype="float32",
                       crs=info.crs, transform=info.transform, nodata=OUTPUT_NODATA,
                       blockysize=min(16, info.height), BIGTIFF="IF_SAFER")
        with atomic_geotiff(out_path, **profile) as dst:
            _describe_output(dst, features, info)
            windows = [(row0, min(rows, info.height - row0)) for row0 in starts]
            if cluster is not None:
                parts = cluster.imap(_feature_window, (path, info, features, memory_mb), windows, progress,
                                     should_stop)
            else:
                parts = _windows_here(src, info, features, windows, progress, should_stop)
            found_data = found_feature = False
            for (values, has_data, has_feature), (row0, height) in zip(parts, windows):
                found_data, found_feature = found_data or has_data, found_feature or has_feature
                dst.write(values, window=Window(0, row0, info.width, height))
            _check_found(path, info, features, found_data, found_feature)
    return {"names": features.names, "skipped": features.skipped, "windows": len(starts),
            "wavelength_source": info.wavelength_source, "bands_read": int(features.bands.size),
            "band_notes": list(info.order.notes)}


def _windows_here(src, info, features, windows, progress, should_stop):
    for done, (row0, height) in enumerate(windows, start=1):
        check_cancelled(should_stop)
        yield _window_features(src, info, features, row0, height)
        report_progress(progress, done / len(windows))


def _feature_window(shared, window):
    """`_window_features` in a Dask worker, which opens the cube itself."""
    import rasterio

    path, info, features, memory_mb = shared
    with rasterio.Env(GDAL_CACHEMAX=max(int(memory_mb), 8)), rasterio.open(path) as src:
        return _window_features(src, info, features, *window)


def _window_features(src, info, features, row0, height):
    """(features (n, height, width) float32 with OUTPUT_NODATA, any data read,
    any feature found) of the full-width window of rows row0..row0+height."""
    from rasterio.windows import Window

    reflectance = read_window(src, features.bands, Window(0, row0, info.width, height), info)
    values = features.compute(reflectance)
    finite = np.isfinite(values)
    values[~finite] = OUTPUT_NODATA
    return (values.reshape(len(features.names), height, info.width), bool(np.isfinite(reflectance).any()),
            bool(finite.any()))


def _check_found(path, info, features, found_data, found_feature):
    """Raise (inside the atomic writer, so nothing is left) for an output that
    would be no-data everywhere."""
    span = f"{features.wavelengths[features.bands[0]]:.0f}-{features.wavelengths[features.bands[-1]]:.0f} nm"
    if not found_data:
        nodata = "NaN only" if info.nodata is None or np.isnan(info.nodata) else f"no-data value {info.nodata:g}"
        raise ValueError(
            f"{path}: every pixel of the {features.bands.size} bands read ({span}) is no-data or NaN ({nodata}); "
            "an all-no-data output would say nothing, so none is written: check the cube's no-data value "
            "('data ignore value' in an ENVI header) and that it holds reflectance")
    if not found_feature:
        raise ValueError(
            f"{path}: no pixel gives an absorption feature in {span}: the reflectance is zero or negative under "
            "every continuum; check the cube's scale factor and offset")


def _describe_output(dst, features, info):
    dst.update_tags(source_cube=os.path.basename(info.path), wavelength_source=info.wavelength_source,
                    skipped_features="; ".join(f"{n}: {r}" for n, r in features.skipped) or "none")
    groups = {f"hs_{row['name']}": row for row, _ in features.features}
    for index, name in enumerate(features.names, start=1):
        dst.set_band_description(index, name)
        row = groups.get(name.rsplit("_", 1)[0])
        if row is not None:
            dst.update_tags(index, group=row["group"], left_shoulder_nm=str(list(row["left_shoulder"])),
                            right_shoulder_nm=str(list(row["right_shoulder"])), window_nm=str(list(row["window"])))
        else:
            dst.update_tags(index, definition="mean depth of " + ", ".join(features.ree_features))


# --- sampling at points --------------------------------------------------------
def _field_name(description, index, prefix):
    if description:
        cleaned = re.sub(r"[^0-9A-Za-z_]+", "_", description).strip("_")
        if cleaned:
            return prefix + cleaned
    return f"{prefix}b{index}"


def band_field_names(descriptions, prefix=""):
    """Field names for a raster's bands: `prefix` + the band description made
    field-safe, or `prefix` + b<i> where a band has none; made unique."""
    names, seen = [], set()
    for index, description in enumerate(descriptions, start=1):
        name = _field_name(description, index, prefix)
        while name.lower() in seen:
            name = f"{name}_{index}"
        seen.add(name.lower())
        names.append(name)
    return names


SAMPLE_TASK_POINTS = 50_000  # points per Dask task of sample_raster: a task costs milliseconds


def sample_raster(path, x, y, method="nearest", progress=None, should_stop=None, cluster=None):
    """Band values of the raster at `path` at points (x, y) in its CRS.

    `nearest`: the containing pixel; `bilinear`: the four nearest pixel centres
    weighted by distance, renormalised over those inside the raster and not
    no-data. Returns {"values" (n, bands) float with NaN where a point is
    outside the raster or on no-data, "descriptions", "outside", "nodata"
    (counts)}. Points are read block by block (all bands of the block's
    window), so memory does not grow with the raster. cluster: a
    `common.distributed.Cluster` whose workers sample SAMPLE_TASK_POINTS
    points a task, in raster order so each task reads few blocks, opening the
    raster by `path` (it must be where every worker can read it); a point's
    values do not depend on the points beside it, so they equal this
    process's to the bit."""
    if method not in ("nearest", "bilinear"):
        raise ValueError(f"unknown sampling method {method!r}; use nearest or bilinear")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if cluster is not None:
        return _sample_on_cluster(cluster, path, x, y, method, progress, should_stop)
    return _sample_here(path, x, y, method, progress, should_stop)


def _sample_on_cluster(cluster, path, x, y, method, progress, should_stop):
    import rasterio

    with rasterio.open(path) as src:
        col, row = (~src.transform) * (x, y)
    order = np.lexsort((np.nan_to_num(np.asarray(col, dtype=float)), np.nan_to_num(np.asarray(row, dtype=float))))
    tasks = [order[start:start + SAMPLE_TASK_POINTS] for start in range(0, len(order), SAMPLE_TASK_POINTS)]
    parts = cluster.map(_sample_task, (path, method), ((x[rows], y[rows]) for rows in tasks), progress, should_stop,
                        count=len(tasks))
    if not parts:
        return _sample_here(path, x, y, method)
    values = np.full((len(x), parts[0]["values"].shape[1]), np.nan)
    for rows, part in zip(tasks, parts):
        values[rows] = part["values"]
    return {"values": values, "descriptions": parts[0]["descriptions"],
            "outside": sum(part["outside"] for part in parts), "nodata": sum(part["nodata"] for part in parts)}


def _sample_task(shared, points):
    """One task of `sample_raster` on a Dask worker."""
    path, method = shared
    return _sample_here(path, points[0], points[1], method)


def _sample_here(path, x, y, method, progress=None, should_stop=None):
    import rasterio

    with rasterio.Env(GDAL_CACHEMAX=DEFAULT_MEMORY_MB), rasterio.open(path) as src:
        inverse = ~src.transform
        col, row = inverse * (x, y)
        col, row = np.asarray(col, dtype=float), np.asarray(row, dtype=float)
        inside = (col >= 0) & (col < src.width) & (row >= 0) & (row < src.height) & np.isfinite(col + row)
        col, row = np.where(inside, col, 0.0), np.where(inside, row, 0.0)
        values = np.full((x.size, src.count), np.nan)
        scales, offsets = np.array(src.scales), np.array(src.offsets)
        block_h, block_w = src.block_shapes[0]
        if method == "nearest":
            r0, c0 = np.floor(row).astype(int), np.floor(col).astype(int)
        else:
            r0, c0 = np.floor(row - 0.5).astype(int), np.floor(col - 0.5).astype(int)
        block_r, block_c = np.maximum(r0, 0) // block_h, np.maximum(c0, 0) // block_w
        keys = np.where(inside, block_r * (src.width // block_w + 2) + block_c, -1)
        groups = np.unique(keys[inside])
        for done, key in enumerate(groups, start=1):
            check_cancelled(should_stop)
            members = np.flatnonzero(keys == key)
            values[members] = _sample_group(src, members, row, col, r0, c0, method) * scales + offsets
            report_progress(progress, done / len(groups))
        descriptions = list(src.descriptions)
    on_nodata = inside & np.isnan(values).all(axis=1)
    return {"values": values, "descriptions": descriptions, "outside": int((~inside).sum()),
            "nodata": int(on_nodata.sum())}


def _sample_group(src, members, row, col, r0, c0, method):
    from rasterio.windows import Window

    extra = 1 if method == "bilinear" else 0
    top, left = max(r0[members].min(), 0), max(c0[members].min(), 0)
    bottom = min(r0[members].max() + 1 + extra, src.height)
    right = min(c0[members].max() + 1 + extra, src.width)
    data = src.read(window=Window(left, top, right - left, bottom - top), masked=True)
    data = data.astype(float).filled(np.nan)
    if method == "nearest":
        return data[:, r0[members] - top, c0[members] - left].T
    return _bilinear(data, row[members] - 0.5 - top, col[members] - 0.5 - left)


def _bilinear(data, fr, fc):
    """Distance-weighted mean of the 4 pixel centres around each fractional
    (row, col) of `data` (bands, rows, cols), over those that exist and hold data."""
    r, c = np.floor(fr).astype(int), np.floor(fc).astype(int)
    total = np.zeros((fr.size, data.shape[0]))
    weights = np.zeros((fr.size, data.shape[0]))
    for dr, dc in ((0, 0), (0, 1), (1, 0), (1, 1)):
        rr, cc = r + dr, c + dc
        w = (1.0 - np.abs(fr - rr)) * (1.0 - np.abs(fc - cc))
        ok = (rr >= 0) & (rr < data.shape[1]) & (cc >= 0) & (cc < data.shape[2])
        pixel = np.full((fr.size, data.shape[0]), np.nan)
        pixel[ok] = data[:, rr[ok], cc[ok]].T
        usable = np.isfinite(pixel) & (w[:, None] > 0)
        total += np.where(usable, pixel * w[:, None], 0.0)
        weights += np.where(usable, w[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weights > 0, total / weights, np.nan)
