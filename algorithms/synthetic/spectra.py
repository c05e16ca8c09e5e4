"""Spectra for the synthetic deposit: USGS splib07 library spectra shipped in
`sample_data/spectra/`, resampled to a sensor's bands, and a reflectance cube
made by linear mixing that is evaluated block by block, so a 1000 x 1000-pixel,
600-band cube never has to sit in memory.

Library: USGS Spectral Library Version 7 (Kokaly et al. 2017, doi:10.5066/F7RR1WDJ),
US public domain. One header line, then one reflectance per channel; -1.23e34
marks a deleted channel.
"""
import os

import numpy as np

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPECTRA_DIR = os.path.join(PLUGIN_ROOT, "sample_data", "spectra")

# Endmember -> (library file, wavelength file). Barite is the splib07 celestite
# sample HS251.3B, which carries barite (no pure barite is in the shipped subset).
LIBRARY = {
    "bastnaesite": ("splib07a_Bastnaesite_REE_WS320_crystl_ASDFRb_AREF.txt", "ASD"),
    "calcite": ("splib07a_Calcite_WS272_ASDNGa_AREF.txt", "ASD"),
    "dolomite": ("splib07a_Dolomite_HS102.1B_ASDNGb_AREF.txt", "ASD"),
    "fluorapatite": ("splib07a_Fluorapatite_WS416_xtl_ASDFRa_AREF.txt", "ASD"),
    "barite": ("splib07a_Celestite_HS251.3B_Barite_ASDFRb_AREF.txt", "ASD"),
    "goethite": ("splib07a_Goethite_WS222_Medium_Gr._BECKa_AREF.txt", "BECK"),
    "hematite": ("splib07a_Hematite_GDS27_BECKa_AREF.txt", "BECK"),
    "kaolinite": ("splib07a_Kaolinite_CM9_ASDNGb_AREF.txt", "ASD"),
    "montmorillonite": ("splib07a_Montmorillonite_SWy-1_ASDNGb_AREF.txt", "ASD"),
    "phlogopite": ("splib07a_Phlogopite_HS23.3B_ASDFRa_AREF.txt", "ASD"),
}
WAVELENGTH_FILES = {
    "ASD": "splib07a_Wavelengths_ASD_0.35-2.5_microns_2151_ch.txt",
    "BECK": "splib07a_Wavelengths_BECK_Beckman_0.2-3.0_microns.txt",
}
AVIRIS_WAVELENGTHS = "splib07a_Wavelengths_AVIRIS_1996_0.37-2.5_microns.txt"
AVIRIS_FWHM = "splib07a_Bandpass_(FWHM)_AVIRIS_1996_in_microns.txt"
# Quartz, feldspar and fluorite have no diagnostic absorption at 0.4-2.5 um; the
# silicate/fluorite matrix is a bright, nearly flat spectrum (the one endmember
# not taken from the library).
FEATURELESS = "featureless"
ENDMEMBERS = tuple(LIBRARY) + (FEATURELESS,)
# Deep atmospheric water bands, dropped as delivered reflectance products do.
WATER_BANDS_NM = ((1330.0, 1440.0), (1790.0, 1960.0))
DELETED = -1.0e30


def _read_column(path):
    values = np.loadtxt(path, skiprows=1)
    return np.where(values < DELETED, np.nan, values)


def read_library_spectrum(name, spectra_dir=SPECTRA_DIR):
    """(wavelengths_nm, reflectance) of one endmember at the library's own
    channels, deleted channels removed."""
    if name not in LIBRARY:
        raise ValueError(f"no library spectrum for endmember {name!r}; known: {', '.join(LIBRARY)}")
    filename, kind = LIBRARY[name]
    wavelengths = _read_column(os.path.join(spectra_dir, WAVELENGTH_FILES[kind])) * 1000.0
    reflectance = _read_column(os.path.join(spectra_dir, filename))
    keep = np.isfinite(wavelengths) & np.isfinite(reflectance)
    return wavelengths[keep], reflectance[keep]


def resample(wavelengths, reflectance, centres_nm, fwhm_nm):
    """Convolve a spectrum with Gaussian band responses. Where the library's
    sampling is coarser than the band (the Beckman spectra), linear
    interpolation onto a 1 nm grid comes first, so every band sees data."""
    grid = np.arange(max(wavelengths.min(), 300.0), min(wavelengths.max(), 2600.0) + 0.5, 1.0)
    fine = np.interp(grid, wavelengths, reflectance)
    sigma = np.asarray(fwhm_nm, dtype=float)[:, None] / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    weights = np.exp(-0.5 * ((grid[None, :] - np.asarray(centres_nm, dtype=float)[:, None]) / sigma) ** 2)
    return (weights @ fine) / weights.sum(axis=1)


def featureless_spectrum(centres_nm):
    """Bright matrix reflectance, slightly lower in the blue as weathered
    feldspar surfaces are."""
    centres = np.asarray(centres_nm, dtype=float)
    return 0.42 + 0.10 * np.tanh((centres - 650.0) / 250.0)


def sensor_bands(sensor, spectra_dir=SPECTRA_DIR):
    """(centres_nm, fwhm_nm) of a sensor, deep water bands removed.

    `aviris`: the AVIRIS 1996 bands (about 10 nm) inside 400-2500 nm, without
    the bands where its spectrometers overlap, so wavelengths increase.
    `hires3nm`: 3 nm sampling and 5 nm FWHM over 400-2500 nm, 609 bands, for the
    large benchmark cube.
    """
    if sensor == "aviris":
        centres = _read_column(os.path.join(spectra_dir, AVIRIS_WAVELENGTHS)) * 1000.0
        fwhm = _read_column(os.path.join(spectra_dir, AVIRIS_FWHM)) * 1000.0
    elif sensor == "hires3nm":
        centres = np.arange(400.0, 2500.0 + 1e-6, 3.0)
        fwhm = np.full(centres.shape, 5.0)
    else:
        raise ValueError(f"unknown sensor {sensor!r}; use 'aviris' or 'hires3nm'")
    keep = (centres >= 400.0) & (centres <= 2500.0)
    for low, high in WATER_BANDS_NM:
        keep &= ~((centres > low) & (centres < high))
    keep &= centres > np.maximum.accumulate(np.concatenate([[-np.inf], centres[:-1]]))
    return np.round(centres[keep], 2), np.round(fwhm[keep], 2)


def endmember_matrix(centres_nm, fwhm_nm, spectra_dir=SPECTRA_DIR):
    """(n_endmembers, n_bands) reflectance of ENDMEMBERS at the sensor's bands."""
    rows = []
    for name in ENDMEMBERS:
        if name == FEATURELESS:
            rows.append(featureless_spectrum(centres_nm))
        else:
            rows.append(resample(*read_library_spectrum(name, spectra_dir), centres_nm, fwhm_nm))
    return np.vstack(rows)


def noise_sd(centres_nm):
    """Sensor noise (reflectance units) per band: low in the VNIR, higher near
    the water bands and in the SWIR-2 where radiance is low."""
    centres = np.asarray(centres_nm, dtype=float)
    sd = np.full(centres.shape, 0.0025)
    sd += 0.0025 * (centres > 1950.0) + 0.003 * (centres > 2400.0) + 0.002 * (centres < 430.0)
    for low, high in WATER_BANDS_NM:
        sd += 0.004 * np.exp(-0.5 * (np.minimum(abs(centres - low), abs(centres - high)) / 15.0) ** 2)
    return sd


class Cube:
    """A reflectance cube defined by abundances and endmembers; reflectance is
    computed on demand, in row blocks with their own seeded noise, so any
    window gives the same numbers however the cube is read.

    Attributes: `wavelengths_nm`, `fwhm_nm` (n_bands,), `transform` (a rasterio
    Affine), `crs`, `shape` (bands, rows, cols), `endmembers` (names),
    `abundances` (n_endmembers, rows, cols), `spectra` (n_endmembers, n_bands),
    `illumination` (rows, cols). `reflectance` is the full float32 array
    (bands, rows, cols); `rows(r0, r1)` a slice of it.
    """

    BLOCK_ROWS = 16

    def __init__(self, abundances, spectra, illumination, wavelengths_nm, fwhm_nm, transform, crs, seed):
        self.abundances = np.asarray(abundances, dtype=np.float32)
        self.spectra = np.asarray(spectra, dtype=np.float32)
        self.illumination = np.asarray(illumination, dtype=np.float32)
        self.wavelengths_nm = np.asarray(wavelengths_nm, dtype=float)
        self.fwhm_nm = np.asarray(fwhm_nm, dtype=float)
        self.transform = transform
        self.crs = crs
        self.seed = int(seed)
        self.endmembers = ENDMEMBERS
        self._noise = noise_sd(self.wavelengths_nm).astype(np.float32)
        self._full = None

    @property
    def shape(self):
        return (len(self.wavelengths_nm),) + self.illumination.shape

    def __getitem__(self, key):
        """Dict-style access, like the rest of the deposit."""
        if key == "reflectance":
            return self.reflectance
        return getattr(self, key)

    def _block(self, index):
        r0 = index * self.BLOCK_ROWS
        r1 = min(r0 + self.BLOCK_ROWS, self.shape[1])
        abundance = self.abundances[:, r0:r1, :]
        mixed = np.tensordot(self.spectra, abundance, axes=([0], [0])) * self.illumination[None, r0:r1, :]
        rng = np.random.default_rng([self.seed, 7919, index])
        noise = rng.standard_normal(mixed.shape, dtype=np.float32) * self._noise[:, None, None]
        return (mixed + noise).astype(np.float32)

    def rows(self, r0, r1):
        """Reflectance (bands, r1 - r0, cols) of rows r0..r1-1."""
        if self._full is not None:
            return self._full[:, r0:r1, :]
        first, last = r0 // self.BLOCK_ROWS, (r1 - 1) // self.BLOCK_ROWS
        stacked = np.concatenate([self._block(i) for i in range(first, last + 1)], axis=1)
        offset = first * self.BLOCK_ROWS
        return stacked[:, r0 - offset : r1 - offset, :]

    def blocks(self):
        """(r0, r1, reflectance) over the whole cube, one row block at a time."""
        n_blocks = -(-self.shape[1] // self.BLOCK_ROWS)
        for index in range(n_blocks):
            r0 = index * self.BLOCK_ROWS
            yield r0, min(r0 + self.BLOCK_ROWS, self.shape[1]), self._block(index)

    @property
    def reflectance(self):
        if self._full is None:
            self._full = np.concatenate([block for _, _, block in self.blocks()], axis=1)
        return self._full
