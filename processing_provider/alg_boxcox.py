"""reegrade:boxcox — per-field Box-Cox transform, fitted or applied from a file,
and its inverse."""

import os

import numpy as np
from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..algorithms.geostats import boxcox as bc
from ..algorithms.io.modelfile import arrays_path_for, copy_model
from .base import REEGradeAlgorithm
from .layer_io import layer_label, read_numeric, require_features, write_appended


class BoxCoxAlgorithm(REEGradeAlgorithm):
    NAME = "boxcox"
    DISPLAY_NAME = "Box-Cox transform"
    GROUP = "features"
    HELP = (
        "Transforms skewed numeric fields towards normality with a Box-Cox transform per field, "
        "y = ((x + shift)^lambda - 1) / lambda (log(x + shift) when lambda = 0), and saves the lambdas so the "
        "same transform is applied to prediction targets and undone on estimates.\n\n"
        "Fit (no parameter file given): each field's lambda is the maximum-likelihood estimate, the same as "
        "scipy.stats.boxcox; missing values are skipped and stay NULL. Values must be positive after the shift: "
        "[SHIFT] is added to every selected field; with [AUTO_SHIFT], a field whose minimum is zero or negative "
        "is shifted so that its minimum becomes half its smallest positive value (fields that are already "
        "positive are not shifted). Text such as '<0.5' is read as half the detection limit, and so is -0.5 "
        "when [NEGATIVE_BELOW_DETECTION] is set (the assay convention); other text is an error naming the row.\n\n"
        "Apply ([PARAMETERS_IN] given): the saved lambdas and shifts are used; [FIELDS] may be left empty (the "
        "file's fields are used) and must otherwise be exactly the file's fields. With [INVERSE], the layer's "
        "bc_<field> fields are back-transformed into <field>; values with lambda * y + 1 <= 0 have no original "
        "value and become NULL, with a warning counting them. Back-transforming an estimate made in Box-Cox "
        "units (a kriged or predicted mean) gives about the median of the grade, not its mean; quantiles "
        "(P10/P50/P90) and simulated values back-transform exactly.\n\n"
        "Outputs: the input features plus bc_<field> for each field (or <field> when inverse), and the "
        "parameter file (JSON with the lambdas, shifts and sample counts, and an .npz beside it).\n\n"
        "Reference: Box, G.E.P. and Cox, D.R. (1964) An analysis of transformations. Journal of the Royal "
        "Statistical Society B 26, 211-252."
    )

    PARAMETER_HELP = {
        "INPUT": "The layer whose fields are transformed: the samples, or the targets when a saved parameter file is "
                 "applied.",
        "FIELDS": "Numeric fields to transform. Leave empty when applying a saved parameter file: its fields are used.",
        "SHIFT": "A constant added to every selected field before the transform, so that all values are positive.",
        "AUTO_SHIFT": "Shift a field whose minimum is zero or negative so that its minimum becomes half its smallest "
                      "positive value; fields already positive are left as they are.",
        "PARAMETERS_IN": "A parameter file saved by an earlier run: its lambdas and shifts are applied instead of "
                         "fitting new ones (use it for the prediction targets).",
        "INVERSE": "Back-transform the layer's bc_ fields into the original units, with the saved parameter file.",
        "PARAMETERS_OUT": "Where to save the fitted lambdas and shifts, to apply the same transform to the targets.",
        "OUTPUT": "The input features plus a bc_ field for each transformed field.",
    }

    INPUT = "INPUT"
    FIELDS = "FIELDS"
    SHIFT = "SHIFT"
    AUTO_SHIFT = "AUTO_SHIFT"
    PARAMETERS_IN = "PARAMETERS_IN"
    INVERSE = "INVERSE"
    PARAMETERS_OUT = "PARAMETERS_OUT"
    OUTPUT = "OUTPUT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Input layer"), [QgsProcessing.TypeVector])
        )
        self.addParameter(
            QgsProcessingParameterField(
                self.FIELDS,
                self.tr("Fields to transform"),
                parentLayerParameterName=self.INPUT,
                allowMultiple=True,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                self.SHIFT, self.tr("Shift added before the transform"), QgsProcessingParameterNumber.Double, 0.0
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.AUTO_SHIFT, self.tr("Automatic shift for fields with zeros"), False)
        )
        self.add_negative_below_detection_parameter()
        self.addParameter(
            QgsProcessingParameterFile(
                self.PARAMETERS_IN,
                self.tr("Saved parameter file (apply instead of fitting)"),
                extension="json",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(self.INVERSE, self.tr("Inverse (back-transform bc_ fields)"), False)
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                self.PARAMETERS_OUT,
                self.tr("Parameter file"),
                self.tr("JSON files (*.json)"),
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, self.tr("Layer with Box-Cox fields (bc_)")))

    def parameter_problem(self, parameters, context):
        path_in = self.parameterAsFile(parameters, self.PARAMETERS_IN, context)
        if self.parameterAsBool(parameters, self.INVERSE, context) and not path_in:
            return self.tr("INVERSE needs the parameter file of the forward transform (PARAMETERS_IN)")
        if not path_in and not self.parameterAsFields(parameters, self.FIELDS, context):
            return self.tr("Select at least one field to transform")
        return None

    def process(self, parameters, context, feedback):
        source = self.parameterAsSource(parameters, self.INPUT, context)
        require_features(source)
        label = layer_label(source)
        inverse = self.parameterAsBool(parameters, self.INVERSE, context)
        fields = [self._plain_name(f, inverse) for f in self.parameterAsFields(parameters, self.FIELDS, context)]
        path_in = self.parameterAsFile(parameters, self.PARAMETERS_IN, context)
        if path_in:
            model = bc.BoxCox.load(path_in, fields or None)
            feedback.pushInfo(self.tr("Applying the saved transform of {0}").format(path_in))
        else:
            shift = (
                "auto"
                if self.parameterAsBool(parameters, self.AUTO_SHIFT, context)
                else self.parameterAsDouble(parameters, self.SHIFT, context)
            )
            model = bc.BoxCox(shift=shift)
        if inverse:
            columns = self._inverse(model, source, label, feedback)
        else:
            negative = self.negative_below_detection(parameters, context)
            columns = self._forward(model, model.fields_ if path_in else fields, source, label, negative, feedback)
        results = {}
        path_out = self.parameterAsFileOutput(parameters, self.PARAMETERS_OUT, context)
        if path_out:
            self._write_parameters(model, path_in, path_out, label)
            results[self.PARAMETERS_OUT] = path_out
        results[self.OUTPUT] = write_appended(self, parameters, context, self.OUTPUT, source, columns, feedback)
        return results

    @staticmethod
    def _plain_name(field, inverse):
        """In inverse mode the user may pick the bc_ fields themselves."""
        return field[len(bc.PREFIX) :] if inverse and field.startswith(bc.PREFIX) else field

    def _forward(self, model, fields, source, label, negative, feedback):
        """Fits `model` first unless it was loaded from a file."""
        parsed = read_numeric(source, fields, negative_is_below_detection=negative, feedback=feedback, label=label)
        X = np.column_stack([parsed[field].values for field in fields])
        if not hasattr(model, "lambdas_"):
            model.fit(X, fields, table=label)
        Y = model.transform(X, table=label)
        for field, lam, shift in zip(model.fields_, model.lambdas_, model.shifts_):
            feedback.pushInfo(self.tr("{0}: lambda = {1:.6g}, shift = {2:g}").format(field, lam, shift))
        return {name: ("double", Y[:, j]) for j, name in enumerate(model.output_fields())}

    def _inverse(self, model, source, label, feedback):
        parsed = read_numeric(source, model.output_fields(), feedback=feedback, label=label)
        Y = np.column_stack([parsed[field].values for field in model.output_fields()])
        X = model.inverse_transform(Y)
        for field, count in model.out_of_domain_.items():
            if count:
                feedback.pushWarning(
                    self.tr("{0}: {1} value(s) of {2}{0} are outside the transform's range and became NULL").format(
                        field, count, bc.PREFIX
                    )
                )
        return {name: ("double", X[:, j]) for j, name in enumerate(model.fields_)}

    def _write_parameters(self, model, path_in, path_out, label):
        """A fitted transform is saved; an applied one is copied unchanged, so
        its fit date and counts stay those of the original fit."""
        if path_in and os.path.abspath(path_in) == os.path.abspath(path_out):
            return
        self.remove_on_failure(path_out, arrays_path_for(path_out))
        if not path_in:
            model.save(path_out, metadata={"fitted_on": label})
            return
        copy_model(model.header_, path_in, path_out)
