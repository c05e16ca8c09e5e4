"""reegrade:targets — the points a user estimates on: a 2D grid of cell centres
or a 3D block model of block centroids."""

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsWkbTypes,
)

from ..algorithms.common.progress import check_cancelled
from ..algorithms.geostats import targets as tg
from .base import REEGradeAlgorithm, require
from .layer_io import create_sink, point_geometry, qgs_fields, read_shapely, require_crs, write_rows

MODES = ("grid", "blocks")
_CHUNK = 20_000


class TargetsAlgorithm(REEGradeAlgorithm):
    NAME = "targets"
    DISPLAY_NAME = "Prediction targets (grid or block model)"
    GROUP = "preparation"
    HELP = (
        "Creates the points estimates are made on: a 2D grid of cell centres, or a 3D block model of block "
        "centroids. Run the same feature stages on them as on the samples (geology features, spectral "
        "features, Box-Cox, PCA fusion in APPLY mode) so they carry the samples' covariate fields.\n\n"
        "Parameters: [MODE] 2D grid or 3D block model. 2D: a raster [TEMPLATE] (one target per cell centre, "
        "its CRS) or an [EXTENT] with cell sizes [DX] and [DY]. 3D: [EXTENT], [ZMIN], [ZMAX] and block sizes "
        "[DX], [DY], [DZ]. "
        "[CLIP] keeps only targets inside its polygons (reprojected to the targets' CRS with a notice). "
        "[TOPOGRAPHY] (3D only, a DEM raster) keeps only blocks whose centroid lies at or below the surface, "
        "sampled by [TOPO_SAMPLING] (nearest cell, or bilinear between cell centres, which falls back to "
        "the nearest cell within half a cell of the DEM's edge or next to nodata); a DEM in another CRS is "
        "sampled in its own CRS; blocks off the DEM or on nodata are dropped and counted. More than 20 million "
        "blocks is an error that gives the count.\n\n"
        "Output: Point (2D) or PointZ (3D) features with block_id, ix, iy, (iz), xc, yc, (zc), dx, dy, (dz, "
        "volume). Indices start at the minimum corner (ix east, iy north, iz up, from 0), centroids lie at "
        "origin + (index + 0.5) x size, and an extent that is not a whole number of blocks gets one more "
        "column, row or level. block_id = ix + nx (iy + ny iz) in the full model, so it is stable under "
        "clipping. Blocks cut by the topography are not sub-blocked.\n\n"
        "Reference: Deutsch, C.V. and Journel, A.G. (1998) GSLIB: Geostatistical Software Library and User's "
        "Guide, 2nd ed. Oxford University Press (grid conventions)."
    )

    PARAMETER_HELP = {
        "MODE": "A 2D grid of cell centres, or a 3D block model of block centroids.",
        "TEMPLATE": "A raster whose cell centres become the targets (2D).",
        "EXTENT": "The area the grid or block model covers.",
        "DX": "The cell or block size along X (map units).",
        "DY": "The cell or block size along Y (map units).",
        "DZ": "The block height (3D).",
        "ZMIN": "The bottom of the block model (3D).",
        "ZMAX": "The top of the block model (3D).",
        "CLIP": "Polygons outside which targets are dropped.",
        "TOPOGRAPHY": "A DEM: blocks whose centroid lies above the surface are dropped (3D).",
        "TOPO_SAMPLING": "How the DEM is read at each block: the nearest cell or bilinear between cell centres.",
        "OUTPUT": "One point per target with block_id, its indices, its centre and its size (and volume in 3D).",
    }

    MODE = "MODE"
    TEMPLATE = "TEMPLATE"
    EXTENT = "EXTENT"
    DX = "DX"
    DY = "DY"
    DZ = "DZ"
    ZMIN = "ZMIN"
    ZMAX = "ZMAX"
    CLIP = "CLIP"
    TOPOGRAPHY = "TOPOGRAPHY"
    TOPO_SAMPLING = "TOPO_SAMPLING"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterEnum(
                self.MODE, self.tr("Targets"), options=[self.tr("2D grid"), self.tr("3D block model")], defaultValue=0
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(self.TEMPLATE, self.tr("Raster template (2D)"), optional=True)
        )
        self.addParameter(QgsProcessingParameterExtent(self.EXTENT, self.tr("Extent"), optional=True))
        double = QgsProcessingParameterNumber.Double
        for name, label, default in (
            (self.DX, "Cell / block size X", 25.0),
            (self.DY, "Cell / block size Y", 25.0),
            (self.DZ, "Block size Z", 10.0),
        ):
            self.addParameter(QgsProcessingParameterNumber(name, self.tr(label), double, default, minValue=1e-9))
        self.addParameter(QgsProcessingParameterNumber(self.ZMIN, self.tr("Z minimum (3D)"), double, optional=True))
        self.addParameter(QgsProcessingParameterNumber(self.ZMAX, self.tr("Z maximum (3D)"), double, optional=True))
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.CLIP, self.tr("Clip polygons"), [QgsProcessing.TypeVectorPolygon], optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterRasterLayer(self.TOPOGRAPHY, self.tr("Topography (DEM, 3D)"), optional=True)
        )
        self.add_advanced(
            QgsProcessingParameterEnum(
                self.TOPO_SAMPLING,
                self.tr("Topography sampling"),
                options=[self.tr("Nearest"), self.tr("Bilinear")],
                defaultValue=1,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Targets")))

    def _three_d(self, parameters, context):
        return MODES[self.parameterAsEnum(parameters, self.MODE, context)] == "blocks"

    def parameter_problem(self, parameters, context):
        three_d = self._three_d(parameters, context)
        has_template = self.parameterAsRasterLayer(parameters, self.TEMPLATE, context) is not None
        if has_template and three_d:
            return self.tr("A raster template defines a 2D grid; use EXTENT and ZMIN/ZMAX for a block model")
        if not has_template and parameters.get(self.EXTENT) in (None, ""):
            return self.tr("Give an EXTENT (or, for a 2D grid, a raster TEMPLATE)")
        if three_d and None in (
            self.optional_double(parameters, self.ZMIN, context),
            self.optional_double(parameters, self.ZMAX, context),
        ):
            return self.tr("A 3D block model needs ZMIN and ZMAX")
        if not three_d and self.parameterAsRasterLayer(parameters, self.TOPOGRAPHY, context) is not None:
            return self.tr("TOPOGRAPHY applies to a 3D block model; choose MODE 3D or leave it empty")
        return None

    def process(self, parameters, context, feedback):
        three_d = self._three_d(parameters, context)
        targets, crs = self._model(parameters, context, three_d)
        feedback.pushInfo(self.tr("{0} targets in the model").format(len(targets["xc"])))
        targets = self._clip(parameters, context, feedback, targets, crs)
        if three_d:
            targets = self._below_topography(parameters, context, feedback, targets, crs)
        if len(targets["xc"]) == 0:
            raise ValueError(self.tr("No targets are left after clipping; check the extent, polygons and DEM"))
        feedback.pushInfo(self.tr("{0} targets written").format(len(targets["xc"])))
        return {self.OUTPUT: self._write(parameters, context, feedback, targets, crs, three_d)}

    def _model(self, parameters, context, three_d):
        dx = self.parameterAsDouble(parameters, self.DX, context)
        dy = self.parameterAsDouble(parameters, self.DY, context)
        template = self.parameterAsRasterLayer(parameters, self.TEMPLATE, context)
        if template is not None:
            self.require_projected(template.crs(), template.name(), missing_ok=True)
            return self._from_template(template)
        extent = self.parameterAsExtent(parameters, self.EXTENT, context)
        crs = self.parameterAsExtentCrs(parameters, self.EXTENT, context)
        require_crs(crs, "EXTENT")
        self.require_projected(crs, "EXTENT")
        box = (extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum())
        if not three_d:
            return tg.grid_2d(*box, dx, dy), crs
        zmin = self.optional_double(parameters, self.ZMIN, context)
        zmax = self.optional_double(parameters, self.ZMAX, context)
        dz = self.parameterAsDouble(parameters, self.DZ, context)
        return tg.block_model(*box, zmin, zmax, dx, dy, dz), crs

    @staticmethod
    def _from_template(template):
        require("rasterio")
        require_crs(template.crs(), template.name())
        return tg.targets_from_template(template.source(), template.name()), template.crs()

    def _clip(self, parameters, context, feedback, targets, crs):
        source = self.parameterAsSource(parameters, self.CLIP, context)
        if source is None:
            return targets
        require("shapely")
        polygons, _ = read_shapely(source, [], crs, context, feedback)
        keep = tg.inside_polygons(targets["xc"], targets["yc"], polygons)
        feedback.pushInfo(self.tr("{0} of {1} targets lie inside the clip polygons").format(int(keep.sum()), len(keep)))
        return tg.subset(targets, keep)

    def _below_topography(self, parameters, context, feedback, targets, crs):
        dem = self.parameterAsRasterLayer(parameters, self.TOPOGRAPHY, context)
        if dem is None:
            return targets
        require("rasterio")
        require_crs(dem.crs(), dem.name())
        warped = dem.crs() != crs
        method = tg.SAMPLING[self.parameterAsEnum(parameters, self.TOPO_SAMPLING, context)]
        kept, uncovered = tg.below_topography(targets, dem.source(), method, crs.toWkt() if warped else None)
        if warped:
            feedback.pushInfo(self.tr("{0}: sampled in its own CRS {1}").format(dem.name(), dem.crs().authid()))
        if uncovered:
            feedback.pushWarning(
                self.tr("{0} blocks lie off the DEM or on its nodata cells and were dropped").format(uncovered)
            )
        feedback.pushInfo(self.tr("{0} blocks lie at or below the topography").format(len(kept["xc"])))
        return kept

    def _write(self, parameters, context, feedback, targets, crs, three_d):
        names = list(targets)
        fields = qgs_fields([(name, "double" if targets[name].dtype.kind == "f" else "int") for name in names])
        wkb = QgsWkbTypes.PointZ if three_d else QgsWkbTypes.Point
        sink, destination = create_sink(self, parameters, context, self.OUTPUT, fields, wkb, crs)
        n = len(targets["xc"])
        z = targets["zc"] if three_d else np.full(n, np.nan)
        for start in range(0, n, _CHUNK):
            check_cancelled(feedback.isCanceled)
            stop = min(start + _CHUNK, n)
            rows = list(zip(*(targets[name][start:stop].tolist() for name in names)))
            geometries = [
                point_geometry(x, y, zc)
                for x, y, zc in zip(targets["xc"][start:stop], targets["yc"][start:stop], z[start:stop])
            ]
            write_rows(sink, fields, rows, geometries, destination=destination, first_row=start + 1)
            feedback.setProgress(100.0 * stop / n)
        return destination
