"""reegrade:samplefeatures — the bands of any raster (a feature raster, a cube,
a DEM) sampled at points, into fields."""

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from .base import REEGradeAlgorithm, require
from .layer_io import layer_label, point_xyz, read_columns, require_crs, require_features, write_appended, xyz_in_crs

METHODS = ("nearest", "bilinear")


class SampleFeaturesAlgorithm(REEGradeAlgorithm):
    NAME = "samplefeatures"
    DISPLAY_NAME = "Sample raster features at points"
    GROUP = "features"
    HELP = (
        "Samples every band of a raster at points (samples or prediction targets) into fields, e.g. the "
        "hs_ absorption features of reegrade:hyperspectralfeatures at drill-hole composites.\n\n"
        "Parameters: [INPUT] points, 2D or 3D (3D points use their X and Y: a surface raster is read at the "
        "point's map position, whatever its depth). [RASTER] any GDAL-readable raster with a CRS. [METHOD] nearest "
        "(the pixel containing the point) or bilinear (the four nearest pixel centres, weighted by distance and "
        "renormalised over those holding data). [PREFIX] text put before every field name. Points in another CRS "
        "than the raster are reprojected to it (with a notice); a layer or raster without CRS is an error.\n\n"
        "Outputs: [OUTPUT] the input features plus one double field per band, named [PREFIX] + the band description "
        "made field-safe (hs_nd800_depth stays hs_nd800_depth), or [PREFIX] + b<i> for a band without description. "
        "An input field of the same name is replaced. The raster's scale and offset are applied. Points outside "
        "the raster or on its no-data value get NULL, and are counted in the log; when no point lies on the raster "
        "(usually a wrong CRS) the run stops with an error.\n\n"
        "Reference: GDAL raster data model (gdal.org/user/raster_data_model.html) for pixel addressing and "
        "no-data; bilinear weighting as in GDAL's gdallocationinfo -r bilinear."
    )

    PARAMETER_HELP = {
        "INPUT": "Samples or targets; 3D points are read at their X and Y.",
        "RASTER": "Any raster GDAL reads, with a CRS, e.g. the absorption features.",
        "METHOD": "Nearest: the pixel holding the point. Bilinear: the four nearest pixel centres, weighted by "
                  "distance.",
        "PREFIX": "Text put before every new field name.",
        "OUTPUT": "The input features plus one field per band, named after the band's description.",
    }

    INPUT = "INPUT"
    RASTER = "RASTER"
    METHOD = "METHOD"
    PREFIX = "PREFIX"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Points"), [QgsProcessing.TypeVectorPoint])
        )
        self.addParameter(QgsProcessingParameterRasterLayer(self.RASTER, self.tr("Raster")))
        self.addParameter(
            QgsProcessingParameterEnum(self.METHOD, self.tr("Sampling"), options=list(METHODS), defaultValue=0)
        )
        self.addParameter(
            QgsProcessingParameterString(self.PREFIX, self.tr("Field name prefix"), defaultValue="", optional=True)
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Points with raster values")))

    def process(self, parameters, context, feedback):
        require("rasterio")
        from ..algorithms.spectral import cube as cube_io

        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        raster = self.parameterAsRasterLayer(parameters, self.RASTER, context)
        if raster is None:
            raise ValueError(self.tr("the raster could not be loaded"))
        require_crs(raster.crs(), raster.name() or "raster")
        _, geometries, _ = read_columns(source, [], feedback, label)
        xyz = xyz_in_crs(point_xyz(geometries, label), source.sourceCrs(), raster.crs(), context, feedback, label)
        progress, should_stop = self.progress_callbacks(feedback, 10.0, 90.0)
        method = METHODS[self.parameterAsEnum(parameters, self.METHOD, context)]
        sampled = self.run_on_dask(feedback, cube_io.sample_raster, raster.source().split("|")[0], xyz[:, 0],
                                   xyz[:, 1], method, progress, should_stop)
        if sampled["outside"] == len(xyz):
            raise ValueError(
                self.tr(
                    "{0}: none of the {1} point(s) lie on the raster {2}; check both layers' CRS and extent"
                ).format(label, len(xyz), raster.name())
            )
        prefix = self.parameterAsString(parameters, self.PREFIX, context) or ""
        names = cube_io.band_field_names(sampled["descriptions"], prefix)
        self._notices(feedback, sampled, len(xyz), names)
        columns = {name: ("double", sampled["values"][:, k]) for k, name in enumerate(names)}
        return {self.OUTPUT: write_appended(self, parameters, context, self.OUTPUT, source, columns, feedback)}

    def _notices(self, feedback, sampled, n_points, names):
        feedback.pushInfo(self.tr("sampled {0} band(s) into fields {1}").format(len(names), ", ".join(names)))
        if sampled["outside"]:
            feedback.pushWarning(
                self.tr("{0} of {1} point(s) lie outside the raster: fields NULL").format(sampled["outside"], n_points)
            )
        if sampled["nodata"]:
            feedback.pushWarning(
                self.tr("{0} of {1} point(s) fall on no-data pixels: fields NULL").format(sampled["nodata"], n_points)
            )
