"""reegrade:hyperspectralfeatures — mineral absorption features (Nd3+ bands,
Fe3+, Al-OH, carbonate) of a reflectance cube, as a named-band GeoTIFF."""

from qgis.core import (
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import REEGradeAlgorithm, require


class HyperspectralFeaturesAlgorithm(REEGradeAlgorithm):
    NAME = "hyperspectralfeatures"
    DISPLAY_NAME = "Hyperspectral absorption features"
    GROUP = "features"
    HELP = (
        "Turns a reflectance cube (any GDAL-readable raster: GeoTIFF, ENVI with .hdr, ...) into a feature raster "
        "of mineral absorption features, processed window by window so memory stays bounded whatever the cube's "
        "size.\n\n"
        "Parameters: [INPUT] the reflectance cube. [WAVELENGTHS] optional band centres overriding the file's "
        "metadata: a comma-separated list or a text file (nm or um; values below 30 are read as um). Without it "
        "they come from the ENVI header (wavelength, wavelength units), the GDAL band metadata (wavelength, "
        "center_wavelength, CENTRAL_WAVELENGTH_UM) or numbers in the band descriptions. [BAND_TABLE] optional JSON "
        "or CSV feature table; copy the bundled algorithms/absorption_bands.json, add or edit rows (name, group, "
        "left_shoulder, right_shoulder, window in nm) and give the copy here. [MEMORY_MB] the memory budget of one "
        "window. The GDAL scale and offset (or the ENVI reflectance scale factor) and the no-data value (or ENVI "
        "data ignore value) are honoured.\n\n"
        "Outputs: [OUTPUT] an uncompressed float32 GeoTIFF (no-data -9999; a few % of the cube's size) with one "
        "band per feature, named hs_<name>_depth, hs_<name>_centre (nm) and hs_<name>_area (nm) for nd580, nd740,"
        " nd800, nd870 (Nd3+ of bastnaesite, monazite, parisite), fe900 (Fe3+), aloh2200 (Al-OH), carb2330 "
        "(carbonate), and hs_ree_index, the mean of the Nd depths present. Continuum: the line between the "
        "brightest band in each shoulder window (local two-shoulder continuum). Depth = max(0, 1 - min(R / "
        "continuum)) in the minimum window; centre = vertex of the parabola through the minimum band and its "
        "neighbours (empty where the depth is 0); area = integral of max(0, 1 - R / continuum) over the window. A"
        " feature whose windows the sensor does not cover (3 bands in the minimum window, 1 in each shoulder) is "
        "left out with a warning. Pixels with no data in a band a feature reads are no-data. Hematite also "
        "absorbs near 580 nm and goethite/hematite weakly near 870 nm; read the Nd depths together with fe900. "
        "The output is written to a temporary file and moved into place only when complete.\n\n"
        "References: Clark, R.N. and Roush, T.L. (1984) Reflectance spectroscopy: quantitative analysis "
        "techniques for remote sensing applications. J. Geophys. Res. 89(B7):6329-6340. Turner, D.J., Rivard, B. "
        "and Groat, L.A. (2014) Visible and short-wave infrared reflectance spectroscopy of REE fluorocarbonates."
        " American Mineralogist 99:1335-1346. Kokaly, R.F. et al. (2017) USGS Spectral Library Version 7, USGS "
        "Data Series 1035."
    )

    PARAMETER_HELP = {
        "INPUT": "A reflectance cube GDAL reads (GeoTIFF, ENVI with its .hdr, ...).",
        "WAVELENGTHS": "Band centres overriding the file's own, as a comma-separated list or a text file (nm, or um "
                       "below 30); empty: read from the file.",
        "BAND_TABLE": "Your own table of absorption features (JSON or CSV, like the bundled absorption_bands.json); "
                      "empty: the bundled one.",
        "MEMORY_MB": "How much memory one window of the cube may take; the cube is processed window by window.",
        "OUTPUT": "A float32 GeoTIFF with the depth, centre and area of each absorption feature and hs_ree_index.",
    }

    INPUT = "INPUT"
    WAVELENGTHS = "WAVELENGTHS"
    BAND_TABLE = "BAND_TABLE"
    MEMORY_MB = "MEMORY_MB"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Reflectance cube")))
        self.addParameter(
            QgsProcessingParameterString(
                self.WAVELENGTHS,
                self.tr("Band wavelengths (comma list or text file; empty: from the file)"),
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.BAND_TABLE,
                self.tr("Band table (JSON or CSV; empty: the bundled one)"),
                optional=True,
                fileFilter=self.tr("Band tables (*.json *.csv)"),
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.MEMORY_MB,
                self.tr("Memory budget per window (MB)"),
                QgsProcessingParameterNumber.Integer,
                defaultValue=64,
                minValue=1,
                maxValue=16384,
            )
        )
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Absorption features")))

    def process(self, parameters, context, feedback):
        require("rasterio")
        from ..algorithms.spectral import cube as cube_io

        layer = self.parameterAsRasterLayer(parameters, self.INPUT, context)
        if layer is None:
            raise ValueError(self.tr("the reflectance cube could not be loaded"))
        path = layer.source().split("|")[0]
        out_path = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        self.remove_on_failure(out_path)
        progress, should_stop = self.progress_callbacks(feedback, 0.0, 100.0)
        summary = self.run_on_dask(
            feedback,
            cube_io.write_feature_raster,
            path,
            out_path,
            wavelengths=self.parameterAsString(parameters, self.WAVELENGTHS, context) or None,
            band_table=self.parameterAsFile(parameters, self.BAND_TABLE, context) or None,
            memory_mb=self.parameterAsInt(parameters, self.MEMORY_MB, context),
            progress=progress,
            should_stop=should_stop,
            warn=feedback.pushWarning,
            log=feedback.pushInfo,
        )
        feedback.pushInfo(
            self.tr("wavelengths from {0}; read {1} bands in {2} window(s); wrote {3} bands: {4}").format(
                summary["wavelength_source"],
                summary["bands_read"],
                summary["windows"],
                len(summary["names"]),
                ", ".join(summary["names"]),
            )
        )
        return {self.OUTPUT: out_path}
