"""Multi-band GeoTIFF output with named bands, written to a temporary file and
moved into place only when complete, and raster templates as cell centres."""
import logging
import threading
from contextlib import contextmanager

import numpy as np

from ..common.atomic import atomic_path, no_room_error


def template_grid(path):
    """(profile, x, y) of a raster template: its rasterio profile and the
    coordinates of every cell centre, row-major, as 1-D arrays."""
    import rasterio
    from rasterio.transform import xy

    with rasterio.open(path) as src:
        profile = src.profile.copy()
        rows, cols = np.mgrid[0 : src.height, 0 : src.width]
        x, y = xy(src.transform, rows.ravel(), cols.ravel(), offset="center")
    return profile, np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def read_surface(path, x, y, points_crs=None):
    """(band, transform, nodata, x, y) of a single-surface raster (a DEM): its
    first band, affine transform and nodata value, with the points (x, y) given
    in the raster's CRS, warped there from `points_crs` (WKT or any CRS rasterio
    reads) when it is given."""
    import rasterio
    from rasterio.warp import transform as warp

    with rasterio.open(path) as src:
        if points_crs is not None:
            x, y = (np.asarray(v) for v in warp(points_crs, src.crs, x, y))
        return src.read(1), src.transform, src.nodata, x, y


def write_bands(path, bands, band_names, transform, crs, nodata=-9999.0, dtype="float32"):
    """Write `bands` (n_bands, rows, cols), NaN as `nodata`, each band described
    by its name, atomically."""
    bands = np.asarray(bands, dtype=float)
    if bands.ndim != 3 or bands.shape[0] != len(band_names):
        raise ValueError(f"{path}: {len(band_names)} band names for an array of shape {bands.shape}")
    profile = dict(width=bands.shape[2], height=bands.shape[1], count=bands.shape[0], dtype=dtype, crs=crs,
                   transform=transform, nodata=nodata, compress="deflate", tiled=True)
    with atomic_geotiff(path, **profile) as dst:
        for index, (band, name) in enumerate(zip(bands, band_names), start=1):
            dst.write(np.where(np.isfinite(band), band, nodata).astype(dtype), index)
            dst.set_band_description(index, name)


def read_bands(path):
    """(profile, bands, names) of a multi-band raster: bands (n_bands, rows,
    cols) as floats with nodata cells NaN, names the band descriptions (None
    where a band has none)."""
    import rasterio

    with rasterio.open(path) as src:
        profile = src.profile.copy()
        bands = src.read(masked=True).astype(float).filled(np.nan)
        names = list(src.descriptions)
    return profile, bands, names


@contextmanager
def atomic_geotiff(path, **profile):
    """An open rasterio GeoTIFF writer on a temporary file beside `path`, moved
    onto `path` only when the block exits normally and GDAL reported no failed
    write; removed otherwise."""
    import rasterio
    from rasterio.errors import RasterioIOError

    with atomic_path(path) as tmp, gdal_errors() as errors:
        try:
            with rasterio.open(tmp, "w", driver="GTiff", **profile) as dst:
                yield dst
        except RasterioIOError as error:
            # "Write failed. See previous exception": GDAL's reason is its cause.
            raise no_room_error(path, f"GDAL: {errors[0] if errors else error.__cause__ or error}") from None
        if errors:
            raise no_room_error(path, f"GDAL: {errors[0]}")


_RASTERIO_LOG = "rasterio._env"
_LOG_LOCK = threading.Lock()
# The logger's level before the first listener lowered it, and how many listen.
_LISTENERS = {"level": logging.NOTSET, "count": 0}


@contextmanager
def gdal_errors():
    """The errors GDAL signals in this thread while the block runs. A write
    that fails (a full disk, `ulimit -f`) raises nothing in rasterio: GDAL
    says so to rasterio's log only, at INFO, and the file is left with holes
    GDAL reads back as no-data; so the log is listened to, for this thread."""
    thread, errors = threading.get_ident(), []

    class Collect(logging.Handler):
        def emit(self, record):
            message = record.getMessage()
            if record.thread == thread and message.startswith("GDAL signalled an error"):
                errors.append(message.split("msg=", 1)[-1].strip("'"))

    logger, handler = logging.getLogger(_RASTERIO_LOG), Collect(logging.INFO)
    with _LOG_LOCK:
        if not _LISTENERS["count"]:
            _LISTENERS["level"] = logger.level
        _LISTENERS["count"] += 1
        logger.addHandler(handler)
        if not logger.isEnabledFor(logging.INFO):
            logger.setLevel(logging.INFO)
    try:
        yield errors
    finally:
        with _LOG_LOCK:
            logger.removeHandler(handler)
            _LISTENERS["count"] -= 1
            if not _LISTENERS["count"]:
                logger.setLevel(_LISTENERS["level"])
