"""reegrade:syntheticdeposit — write a synthetic carbonatite REE deposit."""

import os

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
)

from .base import REEGradeAlgorithm, require

PRESETS = ("small", "demo", "large")
FILE_OUTPUTS = {
    "COLLARS": "collars.csv",
    "SURVEYS": "surveys.csv",
    "ASSAYS": "assays.csv",
    "LOGS": "logs.csv",
    "GEOLOGY": "geology.gpkg",
    "CUBE": "cube.tif",
    "CUBE_ENVI": "cube_envi.hdr",
    "TRUTH_BLOCKS": "truth_blocks.csv",
    "TRUTH_SAMPLES": "truth_samples.csv",
    "TRUTH_LOGS": "truth_logs.csv",
}


class SyntheticDepositAlgorithm(REEGradeAlgorithm):
    NAME = "syntheticdeposit"
    DISPLAY_NAME = "Generate synthetic REE deposit"
    GROUP = "preparation"
    HELP = (
        "Generates a synthetic carbonatite-fluorite REE deposit (bastnaesite ore along a steep fault, modelled on "
        "Maoniuping and Dalucao, Sichuan) in EPSG:32648, with the exact truth, to learn, test and benchmark the "
        "workflow.\n\n"
        "Parameters: [PRESET] small (about 16 holes, seconds), demo (about 200 holes, the bundled sample data) or "
        "large (500 holes, about 90,000 assay rows or 65,000 2 m composites, a 1000 x 1000-pixel 609-band "
        "float32 cube of 2.4 GB plus a 1.2 GB ENVI copy; minutes and about 4 GB of disk); [SEED]: the same seed "
        "gives identical files.\n\n"
        "Outputs in [OUTPUT_FOLDER]: collars.csv, surveys.csv (dip negative down), assays.csv (La..Lu, Y, Sr, Ba, F "
        "ppm as a lab reports them: '<0.5' and '-0.5' below detection, empty cells missing, duplicate and "
        "overlapping intervals), logs.csv (free-text core logs), geology.gpkg (layers lithology and faults), "
        "cube.tif and cube_envi.img/.hdr (reflectance with wavelengths and FWHM), truth_blocks.csv/.npz, "
        "truth_samples.csv, truth_logs.csv (the true grades and log contents) and README.md describing every "
        "column.\n\n"
        "Reference: spectra from the USGS Spectral Library Version 7 (Kokaly et al. 2017, U.S. Geological "
        "Survey Data Series 1035, doi:10.3133/ds1035); deposit style after Xie et al. (2009, Ore Geology "
        "Reviews 36, 90-105) on the Mianning-Dechang REE belt."
    )

    PARAMETER_HELP = {
        "PRESET": "small (about 16 holes, seconds), demo (about 200 holes, the bundled sample) or large (500 holes, "
                  "about 4 GB of files).",
        "OUTPUT_FOLDER": "The folder the deposit's tables, geology, cube and true grades are written into.",
    }

    PRESET = "PRESET"
    OUTPUT_FOLDER = "OUTPUT_FOLDER"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.PRESET,
                self.tr("Preset"),
                options=[self.tr("small"), self.tr("demo"), self.tr("large")],
                defaultValue=0,
            )
        )
        self.add_seed_parameter(label="Seed", default=0, minimum=0)
        self.addParameter(QgsProcessingParameterFolderDestination(self.OUTPUT_FOLDER, self.tr("Output folder")))
        for name, filename in FILE_OUTPUTS.items():
            self.addOutput(QgsProcessingOutputFile(name, self.tr(filename)))

    def process(self, parameters, context, feedback):
        require("rasterio")
        require("shapely")
        from ..algorithms.synthetic.deposit import generate_deposit, write_deposit

        preset = PRESETS[self.parameterAsEnum(parameters, self.PRESET, context)]
        seed = self.seed(parameters, context)
        folder = self.parameterAsString(parameters, self.OUTPUT_FOLDER, context)
        progress, should_stop = self.progress_callbacks(feedback, 0.0, 60.0)
        feedback.pushInfo(self.tr("Generating the {0} deposit with seed {1}").format(preset, seed))
        deposit = generate_deposit(preset, seed, progress, should_stop)
        self.remove_on_failure(*(os.path.join(folder, name) for name in _written_files()))
        progress, should_stop = self.progress_callbacks(feedback, 60.0, 100.0)
        paths = write_deposit(deposit, folder, progress, should_stop)
        feedback.pushInfo(
            self.tr("{0} holes, {1} assay rows, {2} log rows, cube {3} bands x {4} x {5}").format(
                len(deposit.collars["hole_id"]),
                len(deposit.assays["hole_id"]),
                len(deposit.logs["hole_id"]),
                *deposit.cube.shape,
            )
        )
        results = {self.OUTPUT_FOLDER: folder}
        results.update({name: paths[filename] for name, filename in FILE_OUTPUTS.items()})
        return results


def _written_files():
    from ..algorithms.synthetic.files import FILES

    return FILES
