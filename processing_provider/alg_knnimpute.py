"""reegrade:knnimpute — missing values filled from the k nearest samples in a
mixed spatial / feature-similarity distance, with a reusable reference."""

import os

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..algorithms.common.parsing import parse_numeric
from ..algorithms.io.modelfile import arrays_path_for
from ..algorithms.ml import imputation as imp
from .base import REEGradeAlgorithm
from .layer_io import (
    SuspiciousValues,
    batch_numeric,
    batch_xyz,
    layer_label,
    point_xyz,
    read_columns,
    require_features,
    require_fields,
    scan_points,
    warn_suspicious,
    write_appended,
    write_appended_batches,
)


class KNNImputeAlgorithm(REEGradeAlgorithm):
    NAME = "knnimpute"
    DISPLAY_NAME = "k-NN imputation (spatial and feature distance)"
    GROUP = "preparation"
    HELP = (
        "Fills missing values of the selected fields from the K nearest samples that have the value, where "
        "the distance mixes 3D position and similarity on the other fields:\n"
        "D^2 = w (d_xyz / s)^2 + (1 - w) F^2, with w the [SPATIAL_WEIGHT] (1: purely spatial, 0: purely by "
        "similarity). F is the root-mean-square difference of the standardised fields observed in both samples "
        "(F^2 = 2, the value for unrelated samples, when they share none). s is the [SPATIAL_SCALE] in layer "
        "units; 0 uses the total standard deviation of the coordinates, which puts both terms on the same "
        "footing; a variogram range is a sensible alternative. The estimate is the inverse-distance (or plain) "
        "mean of the K donors. Skewed grades are better imputed after the Box-Cox stage.\n\n"
        "Text such as '<0.5' is not missing: it is read as half the detection limit, and so is -0.5 when "
        "[NEGATIVE_BELOW_DETECTION] is set (leave it off for fields that can be negative, such as bc_ or "
        "pc_). Points without z are taken at z = 0 when the whole layer is 2D.\n\n"
        "[REFERENCE_OUT] saves the samples as a reference (donors, standardisation, parameters, CRS); with "
        "[REFERENCE_IN] the layer (e.g. the prediction targets) is imputed from that reference with its K, weight "
        "and scale, and [FIELDS] may be left empty. A layer in another CRS than the reference is reprojected with "
        "a notice; a layer or reference without a CRS, when the other has one, is an error.\n\n"
        "Output: the input features with each selected field filled and a <field>_imputed flag (1 where the "
        "value was imputed, 0 where it was observed).\n\n"
        "Reference: Troyanskaya, O. et al. (2001) Missing value estimation methods for DNA microarrays. "
        "Bioinformatics 17, 520-525 (k-NN imputation); scikit-learn's KNNImputer for the nan-aware distance."
    )

    PARAMETER_HELP = {
        "INPUT": "The samples whose gaps are filled, or the targets when a saved reference is given.",
        "FIELDS": "The fields whose missing values are filled; may be left empty with a saved reference.",
        "K": "How many donors, the nearest samples that have the value, each missing value is estimated from.",
        "SPATIAL_WEIGHT": "How much the distance counts against similarity on the other fields: 1 purely spatial, 0 "
                          "purely by similarity.",
        "SPATIAL_SCALE": "The distance (layer units) that counts as much as unrelated fields; 0: the spread of the "
                         "coordinates. A variogram range is a sensible choice.",
        "WEIGHTING": "Whether the donors are averaged by inverse distance or equally.",
        "REFERENCE_IN": "A reference saved from the samples: the layer is imputed from those donors with their "
                        "settings.",
        "REFERENCE_OUT": "Where to save the samples as a reference, to impute the targets the same way.",
        "OUTPUT": "The input features with every selected field filled and a _imputed flag per field.",
    }

    INPUT = "INPUT"
    FIELDS = "FIELDS"
    K = "K"
    SPATIAL_WEIGHT = "SPATIAL_WEIGHT"
    SPATIAL_SCALE = "SPATIAL_SCALE"
    WEIGHTING = "WEIGHTING"
    REFERENCE_IN = "REFERENCE_IN"
    REFERENCE_OUT = "REFERENCE_OUT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Samples or targets"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Fields to impute"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            )
        )
        self.add_negative_below_detection_parameter()
        self.addParameter(
            QgsProcessingParameterNumber(
                self.K, self.tr("Number of donors (K)"), QgsProcessingParameterNumber.Integer, 5, minValue=1
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SPATIAL_WEIGHT,
                self.tr("Spatial weight (0 = features only, 1 = distance only)"),
                QgsProcessingParameterNumber.Double,
                0.5,
                minValue=0.0,
                maxValue=1.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.SPATIAL_SCALE,
                self.tr("Spatial scale (0 = automatic)"),
                QgsProcessingParameterNumber.Double,
                0.0,
                minValue=0.0,
            )
        )
        self.add_advanced(
            QgsProcessingParameterEnum(
                self.WEIGHTING,
                self.tr("Donor weighting"),
                options=[self.tr("Inverse distance"), self.tr("Uniform")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.REFERENCE_IN, self.tr("Saved reference (impute from it)"), extension="json", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.REFERENCE_OUT,
                self.tr("Save reference"),
                self.tr("JSON files (*.json)"),
                optional=True,
                createByDefault=False,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Layer with the gaps filled")))

    def parameter_problem(self, parameters, context):
        fields = self.parameterAsFields(parameters, self.FIELDS, context)
        if not fields and not self.parameterAsFile(parameters, self.REFERENCE_IN, context):
            return self.tr("Select at least one field to impute")
        return None

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        require_features(source)
        label = layer_label(source)
        fields = self.parameterAsFields(parameters, self.FIELDS, context)
        reference = self.parameterAsFile(parameters, self.REFERENCE_IN, context)
        if reference:
            model = imp.KNNImputer3D.load(reference, fields or None)
            fields = model.fields_
            feedback.pushInfo(
                self.tr(
                    "Imputing from the reference {0}: K = {1}, spatial weight = {2:g}, spatial scale = {3:g}"
                ).format(reference, model.k, model.spatial_weight, model.scale_)
            )
        else:
            scale = self.parameterAsDouble(parameters, self.SPATIAL_SCALE, context)
            model = imp.KNNImputer3D(
                k=self.parameterAsInt(parameters, self.K, context),
                spatial_weight=self.parameterAsDouble(parameters, self.SPATIAL_WEIGHT, context),
                spatial_scale=scale if scale > 0 else None,
                weights=imp.WEIGHTINGS[self.parameterAsEnum(parameters, self.WEIGHTING, context)],
            )
        negative = self.negative_below_detection(parameters, context)
        results = {}
        if reference:
            results[self.OUTPUT], counts = self._impute_streamed(parameters, context, feedback, source, model,
                                                                 negative)
        else:
            raw, geometries, _ = read_columns(source, fields, feedback, label)
            parsed = {field: parse_numeric(raw[field], label, field, negative) for field in fields}
            warn_suspicious(parsed, label, feedback)
            X = np.column_stack([parsed[field].values for field in fields])
            xyz = point_xyz(geometries, label)
            if model.spatial_weight > 0:
                self.require_projected(source.sourceCrs(), label)
            progress, should_stop = self.progress_callbacks(feedback, 10.0, 90.0)
            filled, imputed = model.fit_transform(X, xyz, fields, label, progress, should_stop)
            results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, source,
                                                  _filled_columns(fields, filled, imputed), feedback)
            counts = imputed.sum(axis=0)
        for field, count in zip(fields, counts):
            feedback.pushInfo(self.tr("{0}: {1} value(s) imputed").format(field, int(count)))
        path_out = self.parameterAsFileOutput(parameters, self.REFERENCE_OUT, context)
        if reference and path_out and os.path.abspath(path_out) == os.path.abspath(reference):
            path_out = ""
        if path_out:
            self.remove_on_failure(path_out, arrays_path_for(path_out))
            layer_crs = source.sourceCrs()
            saved_crs = model.crs_ if reference else {"authid": layer_crs.authid(), "wkt": layer_crs.toWkt()}
            model.save(path_out, crs=saved_crs, metadata={"fitted_on": label})
            results[self.REFERENCE_OUT] = path_out
        return results

    def _impute_streamed(self, parameters, context, feedback, source, model, negative):
        """(OUTPUT, imputed count per field): the layer imputed from a saved
        reference and written one batch at a time (`write_appended_batches`),
        on one Dask cluster when the setting names one: each row is imputed
        from the donors alone (the same values as one batch, to rounding), so a
        block model of millions of targets is never held whole. Every geometry, and whether all or none have a z, is
        checked first, before any output exists."""
        label = layer_label(source)
        fields = model.fields_
        require_fields(source, fields, label)
        count, first_without_z, any_z = scan_points(source, label, feedback)
        if any_z and first_without_z is not None:
            raise imp.mixed_z_error(label, first_without_z)
        model.check_dimension(any_z, label)
        batches = self.batch_progress(feedback, 10, 90, count)
        counts = np.zeros(len(fields), dtype=np.int64)
        suspicious = SuspiciousValues(label, count)
        with self.prediction_cluster(feedback) as cluster:
            def estimate(first_row, features):
                values = batch_numeric(source, features, fields, label, first_row,
                                       negative_is_below_detection=negative)
                suspicious.add(values, first_row)
                X = np.column_stack([values[field].values for field in fields])
                xyz = self._to_reference_crs(batch_xyz(features, label, first_row), source.sourceCrs(), model.crs_,
                                             context, feedback if first_row == 1 else None, label,
                                             model.spatial_weight, first_row)
                filled, imputed = model.transform(X, xyz, label, *batches.estimation(first_row, len(features)),
                                                  cluster=cluster, first_row=first_row)
                counts[:] += imputed.sum(axis=0)
                return _filled_columns(fields, filled, imputed)

            destination = write_appended_batches(self, parameters, context, self.OUTPUT, source, estimate, feedback,
                                                 batches)
        suspicious.warn(feedback)
        return destination, counts

    def _to_reference_crs(self, xyz, layer_crs, saved, context, feedback, label, spatial_weight, first_row=1):
        """The layer's x, y in the reference's CRS; z is kept (no vertical datum shift). Without a CRS on either
        side, distances (spatial weight > 0) are refused as for a fit: nothing says they are not degrees.
        `feedback` None: no notice (a later batch of a layer already told); `first_row` numbers the rows."""
        reference_crs = QgsCoordinateReferenceSystem(saved.get("authid") or "")
        if not reference_crs.isValid() and saved.get("wkt"):
            reference_crs = QgsCoordinateReferenceSystem.fromWkt(saved["wkt"])
        if not reference_crs.isValid() and not layer_crs.isValid():
            if spatial_weight > 0:
                self.require_projected(layer_crs, label)
            if feedback is not None:
                feedback.pushInfo(
                    self.tr("Neither the layer nor the reference has a CRS; coordinates are used as they are")
                )
            return xyz
        if not layer_crs.isValid():
            raise ValueError(
                f"{label}: the layer has no CRS but the reference samples are in {reference_crs.authid() or 'a CRS'}; "
                "set the layer's CRS first"
            )
        if not reference_crs.isValid():
            raise ValueError(
                f"{label}: the reference samples have no CRS but the layer is in {layer_crs.authid()}; "
                "impute from a reference saved from a layer with a CRS"
            )
        if reference_crs == layer_crs:
            return xyz
        if feedback is not None:
            feedback.pushWarning(
                self.tr("{0} is in {1}, the reference in {2}: coordinates reprojected for the distances").format(
                    label, layer_crs.authid(), reference_crs.authid()
                )
            )
        transform = QgsCoordinateTransform(layer_crs, reference_crs, context.transformContext())
        out = xyz.copy()
        for row in range(len(xyz)):
            try:
                point = transform.transform(QgsPointXY(xyz[row, 0], xyz[row, 1]))
            except QgsCsException as error:
                raise ValueError(
                    f"{label}: row {row + first_row} cannot be reprojected to the reference CRS ({error})"
                ) from None
            out[row, 0], out[row, 1] = point.x(), point.y()
        return out


def _filled_columns(fields, filled, imputed):
    """The output columns: each field filled, and its 0/1 flag of the imputed cells."""
    columns = {}
    for j, field in enumerate(fields):
        columns[field] = ("double", filled[:, j])
        columns[field + imp.FLAG_SUFFIX] = ("int", imputed[:, j].astype(int))
    return columns
