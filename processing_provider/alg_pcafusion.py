"""reegrade:pcafusion — selected covariates plus a spatial embedding,
standardised and rotated onto principal components; fitted and saved, or
applied from a saved transform."""

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..algorithms.io.modelfile import arrays_path_for, check_fields
from ..algorithms.ml import fusion as fusion
from .base import REEGradeAlgorithm
from .checks import errors_naming
from .layer_io import (
    layer_label,
    read_points_with_fields,
    require_crs,
    require_features,
    require_fields,
    write_appended,
    xyz_in_crs,
)

MODES = ("fit", "apply")


class PCAFusionAlgorithm(REEGradeAlgorithm):
    NAME = "pcafusion"
    DISPLAY_NAME = "PCA fusion of covariates"
    GROUP = "features"
    HELP = (
        "Fuses covariates (assays, spectral hs_, log-text log_, geology geo_ fields) and a spatial embedding "
        "of the coordinates into a few uncorrelated principal components, and saves the whole transform so "
        "the prediction targets get exactly the samples' components.\n\n"
        "FIT: [FIELDS] (numeric) plus, when [RFF_FEATURES] m > 0, m random Fourier features of X, Y, Z "
        "(sqrt(2/m) cos(W x + b), W ~ N(0, 1/[LENGTH_SCALE]^2), b ~ U(0, 2 pi), drawn from [SEED], coordinates "
        "centred on the samples' mean; X, Y only when the points have no Z). Every column is standardised "
        "(mean 0, population sd 1) and PCA is taken by SVD. [N_COMPONENTS] (1-100) fixes the number; with "
        "[N_COMPONENTS] 0 the fewest components explaining [VARIANCE] of the variance are kept. Each "
        "component's sign makes its largest loading positive. The transform (fields in order, means, sds, "
        "W, b, coordinate centre, components, explained variance, the samples' CRS) is saved to [TRANSFORM_OUT] "
        "as JSON + npz.\n\n"
        "APPLY: the saved transform [TRANSFORM_IN] is applied to [INPUT]; fields are matched by name and a missing one "
        "is an error naming it; [FIELDS] may be left empty, and if given must be the file's fields in its order; "
        "the other fit parameters are ignored. Points in another CRS than "
        "the samples are reprojected with a notice; a layer without CRS is an error.\n\n"
        "Missing values are an error naming field and row (run knnimpute first) unless [MEAN_FILL], which "
        "fills them with the samples' mean. Text, all-missing fields and fewer samples than components are "
        "errors; constant fields (a one-hot geology unit no sample lies in) are left out with a warning under "
        "[DROP_CONSTANT] (the default) and are an error naming the field otherwise.\n\n"
        "Outputs: the input features plus pc_01 ... pc_NN; the number of components and the explained "
        "variance ratio of each (also in the log).\n\n"
        "References: Jolliffe, I.T. and Cadima, J. (2016) Principal component analysis: a review and recent "
        "developments. Phil. Trans. R. Soc. A 374, 20150202. Rahimi, A. and Recht, B. (2007) Random features "
        "for large-scale kernel machines. NeurIPS 20."
    )

    PARAMETER_HELP = {
        "INPUT": "The samples (to fit) or the targets (to apply the samples' saved transform).",
        "FIELDS": "The numeric covariates fused into components when fitting.",
        "MODE": "Fit a transform on the samples and save it, or apply a saved one to the targets.",
        "N_COMPONENTS": "How many components to keep; 0 keeps the fewest that explain the variance threshold.",
        "VARIANCE": "The share of the variance the kept components must explain, when the number of components is 0.",
        "RFF_FEATURES": "Random Fourier features of the coordinates added before the PCA, a smooth spatial embedding; "
                        "0: none.",
        "LENGTH_SCALE": "The distance (map units) over which the spatial embedding varies.",
        "MEAN_FILL": "Fill missing values with the samples' mean instead of stopping (better: k-NN imputation first).",
        "DROP_CONSTANT": "Leave out constant fields (a geology unit no sample lies in) with a warning, instead of "
                         "stopping.",
        "TRANSFORM_IN": "The transform saved when fitting on the samples.",
        "TRANSFORM_OUT": "Where to save the fitted transform, for the targets.",
        "OUTPUT": "The input features plus pc_01, pc_02, ...",
    }

    INPUT = "INPUT"
    FIELDS = "FIELDS"
    MODE = "MODE"
    N_COMPONENTS = "N_COMPONENTS"
    VARIANCE = "VARIANCE"
    RFF_FEATURES = "RFF_FEATURES"
    LENGTH_SCALE = "LENGTH_SCALE"
    MEAN_FILL = "MEAN_FILL"
    DROP_CONSTANT = "DROP_CONSTANT"
    TRANSFORM_IN = "TRANSFORM_IN"
    TRANSFORM_OUT = "TRANSFORM_OUT"
    OUTPUT = "OUTPUT"
    COMPONENTS = "COMPONENTS"
    EXPLAINED_VARIANCE = "EXPLAINED_VARIANCE"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                self.INPUT, self.tr("Samples or targets"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Covariate fields (FIT)"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                self.MODE,
                self.tr("Mode"),
                options=[self.tr("Fit and save"), self.tr("Apply a saved transform")],
                defaultValue=0,
            )
        )
        integer, double = QgsProcessingParameterNumber.Integer, QgsProcessingParameterNumber.Double
        self.addParameter(
            QgsProcessingParameterNumber(
                self.N_COMPONENTS,
                self.tr("Number of components (0: by variance threshold)"),
                integer,
                0,
                minValue=0,
                maxValue=fusion.MAX_COMPONENTS,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.VARIANCE, self.tr("Explained-variance threshold"), double, 0.95, minValue=1e-6, maxValue=1.0
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.RFF_FEATURES, self.tr("Random Fourier features of X, Y, Z"), integer, 0, minValue=0, maxValue=1000
            )
        )
        self.add_advanced(
            QgsProcessingParameterNumber(
                self.LENGTH_SCALE, self.tr("Embedding length scale (map units)"), double, 200.0, minValue=1e-9
            )
        )
        self.add_seed_parameter(default=0, advanced=True)
        self.add_advanced(
            QgsProcessingParameterBoolean(self.MEAN_FILL, self.tr("Fill missing values with the mean"), False)
        )
        self.add_advanced(
            QgsProcessingParameterBoolean(
                self.DROP_CONSTANT, self.tr("Leave out constant fields (with a warning)"), True
            )
        )
        self.addParameter(
            QgsProcessingParameterFile(
                self.TRANSFORM_IN, self.tr("Saved transform (APPLY)"), extension="json", optional=True
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.TRANSFORM_OUT, self.tr("Transform file (FIT)"), self.tr("JSON files (*.json)"), optional=True
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Layer with PCA components (pc_)")))
        self.addOutput(QgsProcessingOutputNumber(self.COMPONENTS, self.tr("Number of components")))
        self.addOutput(QgsProcessingOutputString(self.EXPLAINED_VARIANCE, self.tr("Explained variance ratios")))

    def _applying(self, parameters, context):
        return MODES[self.parameterAsEnum(parameters, self.MODE, context)] == "apply"

    def parameter_problem(self, parameters, context):
        if self._applying(parameters, context) and not self.parameterAsFile(parameters, self.TRANSFORM_IN, context):
            return self.tr("APPLY mode needs a saved transform (TRANSFORM_IN)")
        return None

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        label = layer_label(source)
        require_features(source, label)
        if self._applying(parameters, context):
            model, scores = self._apply(parameters, context, feedback, source, label)
            results = {}
        else:
            model, scores, results = self._fit(parameters, context, feedback, source, label)
        ratios = model.explained_variance_ratio_
        cumulative = np.cumsum(ratios)
        for name, ratio, total in zip(model.component_names_, ratios, cumulative):
            feedback.pushInfo(self.tr("{0}: {1:.2%} of the variance (cumulative {2:.2%})").format(name, ratio, total))
        columns = {name: ("double", scores[:, j]) for j, name in enumerate(model.component_names_)}
        results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, source, columns, feedback)
        results[self.COMPONENTS] = len(ratios)
        results[self.EXPLAINED_VARIANCE] = ",".join(f"{r:.6g}" for r in ratios)
        return results

    def _fit(self, parameters, context, feedback, source, label):
        fields = self.parameterAsFields(parameters, self.FIELDS, context)
        n_components = self.parameterAsInt(parameters, self.N_COMPONENTS, context) or None
        threshold = None if n_components else self.parameterAsDouble(parameters, self.VARIANCE, context)
        model = fusion.PCAFusion(
            n_components,
            threshold,
            self.parameterAsInt(parameters, self.RFF_FEATURES, context),
            self.parameterAsDouble(parameters, self.LENGTH_SCALE, context),
            self.seed(parameters, context),
            "mean" if self.parameterAsBool(parameters, self.MEAN_FILL, context) else "error",
            self.parameterAsBool(parameters, self.DROP_CONSTANT, context),
        )
        X, xyz = self._read(source, fields, model.rff_features, label, feedback)
        crs = source.sourceCrs()
        if model.rff_features:
            require_crs(crs, label)
            self.require_projected(crs, label)  # the Fourier features' length scale is in metres
        progress, should_stop = self.progress_callbacks(feedback, 10.0, 80.0)
        with errors_naming(label):
            model.fit(X, fields, xyz, label, {"fitted_on": label, "crs": crs.toWkt() if crs.isValid() else ""},
                      progress, should_stop)
        if model.dropped_fields_:
            feedback.pushWarning(
                self.tr("Constant fields left out of the fit: {0}").format(", ".join(model.dropped_fields_))
            )
        scores = model.transform(model.select(X, fields), xyz, label)
        results = {}
        path_out = self.parameterAsFileOutput(parameters, self.TRANSFORM_OUT, context)
        if path_out:
            self.remove_on_failure(path_out, arrays_path_for(path_out))
            model.save(path_out)
            results[self.TRANSFORM_OUT] = path_out
        else:
            feedback.pushWarning(
                self.tr("No TRANSFORM_OUT: the transform is not saved and cannot be applied to targets")
            )
        return model, scores, results

    def _apply(self, parameters, context, feedback, source, label):
        path = self.parameterAsFile(parameters, self.TRANSFORM_IN, context)
        model = fusion.PCAFusion.load(path)
        fields = self.parameterAsFields(parameters, self.FIELDS, context)
        if fields:
            # The fit's own selection is accepted: constant fields it left out are not needed.
            check_fields(path, model.header_, [f for f in fields if f not in model.dropped_fields_])
        feedback.pushInfo(self.tr("Applying the transform of {0} ({1} fields)").format(path, len(model.fields_)))
        require_fields(source, model.fields_, label)
        X, xyz = self._read(source, model.fields_, model.rff_features, label, feedback)
        if model.rff_features:
            fit_crs = QgsCoordinateReferenceSystem.fromWkt(model.metadata_.get("crs", ""))
            xyz = xyz_in_crs(xyz, source.sourceCrs(), fit_crs, context, feedback, label)
        return model, model.transform(X, xyz, label)

    @staticmethod
    def _read(source, fields, needs_coordinates, label, feedback):
        """The fields as a float matrix (text is an error naming the row) and,
        for the embedding, the points' coordinates, in one pass over the layer."""
        xyz, values = read_points_with_fields(source, fields, label, feedback)
        X = np.column_stack([values[f] for f in fields]) if fields else np.empty((len(xyz), 0))
        return X, xyz if needs_coordinates else None
