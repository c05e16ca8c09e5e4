"""reegrade:geologyfeatures — the mapped unit (one-hot) and the distances to
the nearest contact and fault at every point, and to the faults extended down
their mapped dip."""
import math

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
)

from ..algorithms.io.modelfile import arrays_path_for
from .base import REEGradeAlgorithm, require
from .layer_io import (
    layer_label,
    plain_value,
    point_xyz,
    read_columns,
    read_shapely,
    require_crs,
    require_features,
    write_appended,
    xyz_in_crs,
)


class GeologyFeaturesAlgorithm(REEGradeAlgorithm):
    NAME = "geologyfeatures"
    DISPLAY_NAME = "Geology map features"
    GROUP = "features"
    HELP = (
        "Adds geology-map covariates to points (samples or prediction targets, 2D or 3D): the mapped unit at "
        "each point as one-hot fields, the distance to the nearest contact between different units and, "
        "with a fault layer, the distance to the nearest fault.\n\n"
        "Parameters: [INPUT] points; [GEOLOGY] polygons with [UNIT_FIELD] (a unit code or name); [FAULTS] optional "
        "lines; [UNITS_FILE] optional unit list saved by an earlier run. Run the samples first with [UNITS_OUT] "
        "set and give that file as [UNITS_FILE] when processing targets, so both get identical fields. Without a "
        "unit list the fields come from every unit of the polygon layer (not only those the points hit), "
        "sorted, so samples and targets processed against the same map also match. [GEOLOGY] and [FAULTS] in "
        "another CRS are reprojected to the points' CRS (with a notice); a layer without CRS is an error.\n\n"
        "Outputs: the input features plus geo_unit (the unit value; NULL outside the map), one field "
        "geo_<slug> per unit (1 inside it, 0 elsewhere), geo_dist_contact and geo_dist_fault (map units, "
        "normally metres). The slug is the unit value in lower-case ASCII with other characters replaced by '_', "
        "at most 40 characters; repeats get _2, _3 in sorted unit order; the mapping is written to the log and "
        "to the units file. 3D points use their X and Y only. A point on a boundary between two units takes "
        "the unit first in sorted order. Contacts are the boundaries between different units after dissolving "
        "polygons of the same unit; the outline of the map is not a contact. Points outside every polygon get "
        "all one-hot fields 0 and are counted in a notice; a point in a unit that a given unit list lacks is "
        "an error naming the row.\n\n"
        "Faults down dip (3D points): with [DIP_FIELD] and [DIP_DIRECTION_FIELD] of the fault lines (degrees from "
        "horizontal, and azimuth clockwise from grid north) and [SURFACE] (a DEM), geo_fault_plane is the signed "
        "distance from each point to the nearest fault taken as the surface through its trace dipping at its "
        "mapped dip: + on the hanging-wall side (the side the fault dips towards), - on the footwall side. At "
        "depth the distance to the trace misplaces a dipping fault by the depth / tan(dip); a resource "
        "geologist extends it down dip. A point off the DEM or on its nodata gets NULL, counted in a warning.\n\n"
        "Reference: Bonham-Carter, G.F. (1994) Geographic Information Systems for Geoscientists: Modelling "
        "with GIS. Pergamon, Oxford (distance-to-feature and map-unit evidence layers)."
    )

    PARAMETER_HELP = {
        "INPUT": "Samples or targets, 2D or 3D (3D points use their X and Y).",
        "GEOLOGY": "The geology map's polygons.",
        "UNIT_FIELD": "The field of the polygons holding the unit's code or name.",
        "FAULTS": "Optional fault lines, for the distance to the nearest fault.",
        "DIP_FIELD": "The faults' dip field (degrees from horizontal, above 0 and at most 90), for geo_fault_plane.",
        "DIP_DIRECTION_FIELD": "The faults' dip direction field (degrees clockwise from grid north), for "
                               "geo_fault_plane.",
        "SURFACE": "The ground surface (a DEM) above 3D points, for geo_fault_plane: a point's depth below it sets "
                   "how far the fault has moved down dip.",
        "UNITS_FILE": "The unit list saved when the samples were processed: give it for the targets, so both get the "
                      "same fields.",
        "UNITS_OUT": "Where to save the unit list, for the targets.",
        "OUTPUT": "The input features plus geo_unit, one 0/1 field per unit, geo_dist_contact, geo_dist_fault and "
                  "(with dips and a DEM) geo_fault_plane.",
    }

    INPUT = "INPUT"
    GEOLOGY = "GEOLOGY"
    UNIT_FIELD = "UNIT_FIELD"
    FAULTS = "FAULTS"
    DIP_FIELD = "DIP_FIELD"
    DIP_DIRECTION_FIELD = "DIP_DIRECTION_FIELD"
    SURFACE = "SURFACE"
    UNITS_FILE = "UNITS_FILE"
    UNITS_OUT = "UNITS_OUT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Points"), [QgsProcessing.TypeVectorPoint])
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.GEOLOGY, self.tr("Geology polygons"), [QgsProcessing.TypeVectorPolygon]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(self.UNIT_FIELD, self.tr("Unit field"), parentLayerParameterName=self.GEOLOGY)
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.FAULTS, self.tr("Fault lines"), [QgsProcessing.TypeVectorLine], optional=True
            )
        )
        for name, title in ((self.DIP_FIELD, self.tr("Fault dip field (degrees)")),
                            (self.DIP_DIRECTION_FIELD, self.tr("Fault dip direction field (degrees from north)"))):
            self.addParameter(QgsProcessingParameterField(
                name, title, parentLayerParameterName=self.FAULTS, type=QgsProcessingParameterField.Numeric,
                optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.SURFACE, self.tr("Ground surface (DEM), for the faults down dip"), optional=True))
        self.addParameter(
            QgsProcessingParameterFile(
                self.UNITS_FILE,
                self.tr("Saved unit list (to match the samples' fields)"),
                extension="json",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.UNITS_OUT, self.tr("Unit list"), self.tr("JSON files (*.json)"), optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Points with geology")))

    def process(self, parameters, context, feedback):
        require("shapely")
        from ..algorithms.geology import map_features as geology

        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        require_crs(source.sourceCrs(), label)
        _, geometries, _ = read_columns(source, [], feedback, label)
        unit_field = self.parameterAsString(parameters, self.UNIT_FIELD, context)
        geology_source = self.parameterAsSource(parameters, self.GEOLOGY, context)
        crs = self._distance_crs(source, geology_source, label, feedback)
        xyz = xyz_in_crs(point_xyz(geometries, label), source.sourceCrs(), crs, context, None, label)
        polygons, columns = read_shapely(geology_source, [unit_field], crs, context, feedback)
        faults = self._faults(parameters, context, feedback, crs)
        units = self._saved_units(parameters, context, unit_field, geology)
        geo_map = geology.GeologyMap(polygons, columns[unit_field], faults, units, label=layer_label(geology_source))
        fault_plane = self._fault_plane(parameters, context, feedback, crs, xyz, label)
        progress, should_stop = self.progress_callbacks(feedback, 10.0, 90.0 if fault_plane is None else 50.0)
        values = geo_map.features(xyz, label, progress, should_stop)
        if fault_plane is not None:
            fault_plane = fault_plane(*self.progress_callbacks(feedback, 50.0, 90.0))
        self._notices(geo_map, values, feedback)
        results = {}
        units_out = self.parameterAsFileOutput(parameters, self.UNITS_OUT, context)
        if units_out:
            self.remove_on_failure(units_out, arrays_path_for(units_out))
            geology.UnitList(geo_map.units, unit_field).save(units_out, {"map": layer_label(geology_source)})
            results[self.UNITS_OUT] = units_out
        columns_out = {geology.UNIT_FIELD: ("string", list(values[geology.UNIT_FIELD]))}
        for name in geo_map.field_names()[1:]:
            kind = "int" if name in geo_map.fields.values() else "double"
            columns_out[name] = (kind, values[name])
        if fault_plane is not None:
            from ..algorithms.geology.fault_planes import FIELD

            columns_out[FIELD] = ("double", fault_plane)
        results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, source, columns_out, feedback)
        return results

    def _distance_crs(self, source, geology_source, label, feedback):
        """The CRS distances to contacts and faults are measured in: the points', or the geology map's when the
        points are in degrees and the map is projected (named in the log); degrees on both sides are refused."""
        crs = source.sourceCrs()
        geology_crs = geology_source.sourceCrs() if geology_source is not None else None
        if crs.isGeographic() and geology_crs is not None and geology_crs.isValid() and not geology_crs.isGeographic():
            feedback.pushInfo(self.tr("{0}: its CRS {1} is geographic; distances are measured in the geology map's "
                                      "CRS {2}").format(label, crs.authid(), geology_crs.authid()))
            return geology_crs
        self.require_projected(crs, label)
        return crs

    def _faults(self, parameters, context, feedback, crs):
        source = self.parameterAsSource(parameters, self.FAULTS, context)
        if source is None:
            return None
        lines, _ = read_shapely(source, [], crs, context, feedback)
        return [line for line in lines if line is not None]

    def _fault_plane(self, parameters, context, feedback, crs, xyz, label):
        """A function of (progress, should_stop) giving geo_fault_plane at xyz,
        every input checked first; None without dip fields or a DEM."""
        dip_field = self.parameterAsString(parameters, self.DIP_FIELD, context)
        direction_field = self.parameterAsString(parameters, self.DIP_DIRECTION_FIELD, context)
        dem = self.parameterAsRasterLayer(parameters, self.SURFACE, context)
        if not (dip_field or direction_field or dem is not None):
            return None
        source = self.parameterAsSource(parameters, self.FAULTS, context)
        if source is None or not (dip_field and direction_field) or dem is None:
            raise QgsProcessingException(self.tr(
                "The faults down dip need FAULTS, both DIP_FIELD and DIP_DIRECTION_FIELD, and SURFACE (a DEM)"))
        missing_z = np.flatnonzero(np.isnan(xyz[:, 2]))
        if missing_z.size:
            raise QgsProcessingException(self.tr(
                "{0}: feature at row {1} has no z; the faults down dip need 3D points").format(label, missing_z[0] + 1))
        require("rasterio")
        from ..algorithms.geology.fault_planes import FaultPlanes
        from ..algorithms.geostats.targets import read_surface, sample_surface

        fault_label = layer_label(source)
        lines, columns = read_shapely(source, [dip_field, direction_field], crs, context, feedback)
        kept = [row for row, line in enumerate(lines) if line is not None]
        if not kept:
            raise QgsProcessingException(self.tr("{0}: no fault has a line").format(fault_label))
        angles = [[_degrees(columns[field][row], fault_label, field, row, dips) for row in kept]
                  for field, dips in ((dip_field, True), (direction_field, False))]
        planes = FaultPlanes([lines[row] for row in kept], *angles, label=fault_label,
                             rows=[row + 1 for row in kept])
        require_crs(dem.crs(), dem.name())
        warped = dem.crs() != crs
        values, transform, nodata, x, y = read_surface(dem.source(), xyz[:, 0], xyz[:, 1],
                                                       crs.toWkt() if warped else None)
        surface = sample_surface(values, transform, x, y, "bilinear", nodata)
        uncovered = int(np.sum(~np.isfinite(surface)))
        if uncovered:
            feedback.pushWarning(self.tr("{0}: {1} point(s) lie off {2} or on its nodata; their geo_fault_plane is "
                                         "NULL").format(label, uncovered, dem.name()))
        return lambda progress, should_stop: planes.distance(xyz, surface, label, progress, should_stop)

    def _saved_units(self, parameters, context, unit_field, geology):
        path = self.parameterAsFile(parameters, self.UNITS_FILE, context)
        if not path:
            return None
        saved = geology.UnitList.load(path)
        if saved.unit_field and saved.unit_field != unit_field:
            raise ValueError(
                self.tr("{0}: the unit list was made from field '{1}', but UNIT_FIELD is '{2}'")
                .format(path, saved.unit_field, unit_field)
            )
        return saved.units

    def _notices(self, geo_map, values, feedback):
        for unit in geo_map.units:
            feedback.pushInfo(self.tr("unit {0!r} -> {1}").format(unit, geo_map.fields[unit]))
        if values["n_outside"]:
            feedback.pushWarning(
                self.tr("{0} point(s) lie outside every geology polygon: geo_unit NULL, one-hot fields 0").format(
                    values["n_outside"]
                )
            )
        if values["n_without_unit"]:
            feedback.pushWarning(
                self.tr("{0} geology polygon(s) have no unit value and were ignored").format(values["n_without_unit"])
            )
        missing = sorted(set(geo_map.units) - set(geo_map.map_units))
        if missing:
            feedback.pushInfo(
                self.tr("{0} unit(s) of the unit list are not on this map; their fields are 0: {1}").format(
                    len(missing), ", ".join(missing)
                )
            )


def _degrees(value, label, field, row, dip):
    """An angle of the fault layer as a float (a dip in (0, 90]), or an error naming its field and row."""
    value = plain_value(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise QgsProcessingException(f"{label}: field '{field}', row {row + 1}: {value!r} is not an angle in degrees")
    if dip and not 0.0 < number <= 90.0:
        raise QgsProcessingException(f"{label}: field '{field}', row {row + 1}: dip {number:g} is not in (0, 90] "
                                     "degrees")
    return number
