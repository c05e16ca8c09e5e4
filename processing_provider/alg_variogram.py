"""reegrade:variogram — experimental variograms and a fitted nested model."""
import numpy as np
from qgis.core import (
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..algorithms.io.modelfile import arrays_path_for
from .base import REEGradeAlgorithm, require
from .checks import errors_naming
from .layer_io import layer_label, read_columns, read_points_with_fields


class VariogramAlgorithm(REEGradeAlgorithm):
    NAME = "variogram"
    DISPLAY_NAME = "Variogram (experimental and fitted model)"
    GROUP = "estimation"
    HELP = (
        "Computes experimental semivariograms of a grade field and fits a nested model (nugget plus "
        "spherical, exponential or Gaussian structures sharing one anisotropy ellipsoid) by weighted least "
        "squares, for reegrade:ordinarykriging.\n\n"
        "Parameters: [DIMENSION] 2D ignores z. [LAG], [N_LAGS] and [LAG_TOLERANCE] (0 = half the lag) define the "
        "bins k x lag, k = 0..number of lags (a lag of 0: the largest extent / (2 x number of lags)). "
        "[DIRECTIONS]: empty for an omnidirectional variogram, 'axes' for the principal axes of the ellipsoid "
        "(given or found, see [ORIENTATION]), or a list 'azimuth/dip; azimuth/dip', with [ANGLE_TOLERANCE] "
        "(degrees) and [BANDWIDTH] (largest distance from the direction line; 0 = none). [ORIENTATION]: the "
        "ellipsoid given by [AZIMUTH], [DIP] and [RAKE], or found from the data (3D only: directional variograms "
        "over a grid of lines and a fan in the plane across the minor axis, and a downhole variogram, logged, "
        "when [HOLE_FIELD] is given; the log says what was found, and a search that finds nothing keeps the "
        "given angles). [STRUCTURES]: comma-separated types, e.g. 'spherical, spherical'. [NUGGET]: fitted or "
        "fixed at [NUGGET_VALUE]. [WEIGHTING]: Cressie's N/gamma^2 (default), N/h^2 or N. The ellipsoid "
        "orientation is not fitted by least squares: it is the one given or found (GSLIB convention: azimuth "
        "clockwise from north, dip positive up, so a plunge down is negative, rake about the major axis); the "
        "ranges along each axis that some direction samples are fitted, the others follow the previous axis "
        "(omnidirectional: isotropic). Several starting points are drawn with [SEED].\n\n"
        "Outputs: [MODEL_OUT], the model as JSON (kind 'variogram', with the experimental values in a checked "
        ".npz beside it), and [PLOT], a PNG or an HTML page (plot, parameter table, experimental values). To look at "
        "the model over its variograms and adjust it by hand, open [MODEL_OUT] in Plugins > REE Grade > Variogram "
        "panel….\n\n"
        "A fit that converges from no starting point, too few pairs per lag or a constant field stop with a "
        "message.\n\nReferences: Deutsch & Journel (1998), GSLIB, 2nd ed. (gamv, setrot); Cressie (1985), "
        "Fitting variogram models by weighted least squares, Math. Geology 17."
    )

    PARAMETER_HELP = {
        "INPUT": "The composited samples as points, in a projected CRS in metres; 3D needs their z.",
        "GRADE_FIELD": "The numeric grade whose variogram is computed and fitted, the one you will krige.",
        "HOLE_FIELD": "The drillhole id of each sample; with it, an orientation search also computes and logs "
                      "the downhole variogram, the best view of the nugget effect.",
        "DIMENSION": "3D (default) uses x, y and z; 2D ignores z, for surface samples or a single bench.",
        "LAG": "Lag spacing (m), about the typical sample spacing; 0 takes the largest extent / (2 x number of "
               "lags).",
        "N_LAGS": "Number of lag bins (default 12); lag x number of lags should reach about half the extent of "
                  "the data.",
        "LAG_TOLERANCE": "Pairs within this distance (m) of a lag are counted in its bin; 0 takes half the lag, "
                         "so bins touch without overlapping.",
        "DIRECTIONS": "Empty for one omnidirectional variogram; 'axes' for the three principal axes of the "
                      "ellipsoid; or a list of 'azimuth/dip; azimuth/dip' in degrees.",
        "ANGLE_TOLERANCE": "Half-angle (degrees) of the cone around each direction in which pairs are counted "
                           "(default 22.5); widen it when directional variograms have too few pairs.",
        "BANDWIDTH": "The largest distance (m) of a pair from the direction line, which keeps long lags from "
                     "spreading across the ore body; 0 = no limit.",
        "ORIENTATION": "Given: the ellipsoid set by azimuth, dip and rake. Found from the data (3D only): "
                       "searched from directional variograms, logged; if the search finds nothing the given "
                       "angles are kept.",
        "AZIMUTH": "Azimuth (degrees clockwise from grid north) of the ellipsoid's major axis, the direction of "
                   "greatest continuity (GSLIB convention).",
        "DIP": "Dip (degrees) of the major axis, positive up, so a plunge down is negative (GSLIB convention).",
        "RAKE": "Rotation (degrees) of the ellipsoid about its major axis, which orients the semi-major and "
                "minor axes (GSLIB convention).",
        "STRUCTURES": "Nested structure types, comma separated, from spherical, exponential and Gaussian, e.g. "
                      "'spherical, spherical' for a short and a long range; all share one ellipsoid.",
        "NUGGET": "Fit the nugget with the structures (default), or fix it at the fixed nugget value, e.g. from "
                  "the downhole variogram.",
        "NUGGET_VALUE": "The nugget (grade unit squared) used when the nugget is fixed.",
        "WEIGHTING": "Weights of the least-squares fit per lag: Cressie's N/gamma^2 (default) favours short "
                     "lags, N/h^2 favours them more, N weights by pairs only.",
        "MODEL_OUT": "The fitted model as JSON, for reegrade:ordinarykriging or reegrade:mik, with the "
                     "experimental values in an .npz beside it.",
        "PLOT": "A PNG, or an HTML page with the plot, the parameter table and the experimental values.",
    }

    INPUT = "INPUT"
    GRADE_FIELD = "GRADE_FIELD"
    HOLE_FIELD = "HOLE_FIELD"
    DIMENSION = "DIMENSION"
    ORIENTATION = "ORIENTATION"
    LAG = "LAG"
    N_LAGS = "N_LAGS"
    LAG_TOLERANCE = "LAG_TOLERANCE"
    DIRECTIONS = "DIRECTIONS"
    ANGLE_TOLERANCE = "ANGLE_TOLERANCE"
    BANDWIDTH = "BANDWIDTH"
    AZIMUTH = "AZIMUTH"
    DIP = "DIP"
    RAKE = "RAKE"
    STRUCTURES = "STRUCTURES"
    NUGGET = "NUGGET"
    NUGGET_VALUE = "NUGGET_VALUE"
    WEIGHTING = "WEIGHTING"
    MODEL_OUT = "MODEL_OUT"
    PLOT = "PLOT"

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API name)
        double = QgsProcessingParameterNumber.Double
        integer = QgsProcessingParameterNumber.Integer
        self.addParameter(QgsProcessingParameterFeatureSource(self.INPUT, self.tr("Samples (points)")))
        self.addParameter(QgsProcessingParameterField(
            self.GRADE_FIELD, self.tr("Grade field"), parentLayerParameterName=self.INPUT,
            type=QgsProcessingParameterField.Numeric,
        ))
        self.addParameter(QgsProcessingParameterField(
            self.HOLE_FIELD, self.tr("Hole id field (downhole variogram)"), parentLayerParameterName=self.INPUT,
            optional=True,
        ))
        self.addParameter(
            QgsProcessingParameterEnum(self.DIMENSION, self.tr("Dimension"), options=["2D", "3D"], defaultValue=1)
        )
        self.addParameter(
            QgsProcessingParameterNumber(self.LAG, self.tr("Lag (0 = automatic)"), double, 0.0, minValue=0.0))
        self.addParameter(
            QgsProcessingParameterNumber(self.N_LAGS, self.tr("Number of lags"), integer, 12, minValue=1))
        self.add_advanced(QgsProcessingParameterNumber(
            self.LAG_TOLERANCE, self.tr("Lag tolerance (0 = half the lag)"), double, 0.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterString(
            self.DIRECTIONS, self.tr("Directions (empty, 'axes' or 'azimuth/dip; ...')"), "", optional=True))
        self.add_advanced(QgsProcessingParameterNumber(
            self.ANGLE_TOLERANCE, self.tr("Angular tolerance (degrees)"), double, 22.5, minValue=0.0, maxValue=90.0))
        self.add_advanced(
            QgsProcessingParameterNumber(self.BANDWIDTH, self.tr("Bandwidth (0 = none)"), double, 0.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterEnum(
            self.ORIENTATION, self.tr("Ellipsoid orientation"),
            options=[self.tr("Given (azimuth, dip, rake)"), self.tr("Found from the data (3D)")], defaultValue=0,
        ))
        self.addParameter(QgsProcessingParameterNumber(self.AZIMUTH, self.tr("Ellipsoid azimuth"), double, 0.0))
        self.addParameter(QgsProcessingParameterNumber(self.DIP, self.tr("Ellipsoid dip (positive up)"), double, 0.0))
        self.addParameter(QgsProcessingParameterNumber(self.RAKE, self.tr("Ellipsoid rake"), double, 0.0))
        self.addParameter(
            QgsProcessingParameterString(self.STRUCTURES, self.tr("Structures (comma separated)"), "spherical")
        )
        self.addParameter(QgsProcessingParameterEnum(
            self.NUGGET, self.tr("Nugget"), options=[self.tr("Fit"), self.tr("Fixed")], defaultValue=0))
        self.addParameter(
            QgsProcessingParameterNumber(self.NUGGET_VALUE, self.tr("Fixed nugget value"), double, 0.0, minValue=0.0)
        )
        self.add_advanced(QgsProcessingParameterEnum(
            self.WEIGHTING, self.tr("Weighting"),
            options=[self.tr("Cressie N/gamma^2"), self.tr("N/h^2"), self.tr("N")], defaultValue=0,
        ))
        self.add_seed_parameter(default=42, advanced=True)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.MODEL_OUT, self.tr("Variogram model"), self.tr("JSON files (*.json)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.PLOT, self.tr("Variogram plot"), self.tr("HTML files (*.html);;PNG files (*.png)"), optional=True,
            createByDefault=False,
        ))

    def process(self, parameters, context, feedback):
        from ..algorithms.geostats.experimental import experimental_variogram, parse_directions
        from ..algorithms.geostats.variogram_auto import default_lag
        from ..algorithms.geostats.variogram_fit import WEIGHTINGS, fit_variogram
        from ..algorithms.reports.figures import grade_unit
        from ..algorithms.reports.variogram_plot import write_plot

        source = self.parameterAsSource(parameters, self.INPUT, context)
        field = self.parameterAsString(parameters, self.GRADE_FIELD, context)
        label = layer_label(source)
        xyz, values = read_points_with_fields(source, [field], label, feedback)
        self.require_projected(source.sourceCrs(), label)
        self.warn_if_degrees(xyz, source.sourceCrs(), label, feedback)
        dimensions = 2 if self.parameterAsEnum(parameters, self.DIMENSION, context) == 0 else 3
        xyz = self._coordinates(xyz, dimensions, label, feedback)
        values = self.grade_values(values[field], label, field, feedback)
        missing = int(np.isnan(values).sum())
        if missing:
            feedback.pushWarning(self.tr("{0}: {1} samples without '{2}' are left out").format(label, missing, field))
        angles = tuple(self.parameterAsDouble(parameters, name, context)
                       for name in (self.AZIMUTH, self.DIP, self.RAKE))
        seed = self.seed(parameters, context)
        structures = [s.strip().lower() for s in self.parameterAsString(parameters, self.STRUCTURES, context).split(",")
                      if s.strip()]
        if self.parameterAsEnum(parameters, self.ORIENTATION, context) == 1:
            angles = self._found_orientation(parameters, context, source, xyz, values, dimensions, angles, structures,
                                             seed, label, feedback)
        directions = parse_directions(self.parameterAsString(parameters, self.DIRECTIONS, context), angles, dimensions)
        n_lags = self.parameterAsInt(parameters, self.N_LAGS, context)
        lag = self.parameterAsDouble(parameters, self.LAG, context) or default_lag(xyz, n_lags)
        tolerance = self.parameterAsDouble(parameters, self.LAG_TOLERANCE, context) or None
        bandwidth = self.parameterAsDouble(parameters, self.BANDWIDTH, context) or None
        progress, should_stop = self.progress_callbacks(feedback, 0, 60)
        experimental = experimental_variogram(
            xyz, values, lag, n_lags, tolerance, directions,
            self.parameterAsDouble(parameters, self.ANGLE_TOLERANCE, context), bandwidth, seed=seed,
            label=f"{label}: field '{field}'", progress=progress, should_stop=should_stop,
        )
        fixed = self.parameterAsEnum(parameters, self.NUGGET, context) == 1
        nugget = self.parameterAsDouble(parameters, self.NUGGET_VALUE, context) if fixed else None
        weighting = WEIGHTINGS[self.parameterAsEnum(parameters, self.WEIGHTING, context)]
        with errors_naming(f"{label}: field '{field}'"):
            fit = fit_variogram(experimental, structures, nugget, angles, weighting, seed=seed)
        feedback.setProgress(80)
        for warning in fit.warnings:
            feedback.pushWarning(warning)
        feedback.pushInfo(self.tr("Fitted model: {0}").format(fit.model.describe()))
        feedback.pushInfo(
            self.tr("Total sill {0:.6g} against a sample variance of {1:.6g}; {2} of {3} starts converged").format(
                fit.model.total_sill, experimental.variance, fit.converged_starts, fit.n_starts)
        )
        model_path = self.parameterAsFileOutput(parameters, self.MODEL_OUT, context)
        plot_path = self.parameterAsFileOutput(parameters, self.PLOT, context)
        self.remove_on_failure(model_path, arrays_path_for(model_path), plot_path)
        metadata = dict(fit.metadata(), n_samples=int(np.isfinite(values).sum()), seed=seed, dimensions=dimensions,
                        source_layer=label)
        fit.model.save(model_path, field, experimental, metadata)
        feedback.pushInfo(self.tr("To look at the model over its variograms and adjust it: Plugins > REE Grade > "
                                  "Variogram panel…, Open… {0}").format(model_path))
        results = {self.MODEL_OUT: model_path}
        if plot_path:
            require("matplotlib")
            write_plot(plot_path, fit.model, experimental, f"Variogram of {field}", fit, grade_unit(field))
            results[self.PLOT] = plot_path
        return results

    def _found_orientation(self, parameters, context, source, xyz, values, dimensions, angles, structures, seed,
                           label, feedback):
        """The orientation of `anisotropy.find_anisotropy`, or the given `angles` (with a warning saying why)."""
        from ..algorithms.geostats.anisotropy import Anisotropy, find_anisotropy
        from ..algorithms.geostats.variogram_auto import SEARCH_LAG_DIVISOR, default_lag

        if dimensions != 3:
            feedback.pushWarning(self.tr("{0}: the orientation is found in 3D only; using the given angles").format(
                label))
            return angles
        holes = None
        hole_field = self.parameterAsString(parameters, self.HOLE_FIELD, context)
        if hole_field:
            columns, _, _ = read_columns(source, [hole_field], label=label)
            holes = np.array(["" if v is None else str(v) for v in columns[hole_field]])
        keep = np.isfinite(values)
        n_lags = self.parameterAsInt(parameters, self.N_LAGS, context)
        with errors_naming(label):
            found = find_anisotropy(xyz[keep], values[keep], default_lag(xyz[keep], n_lags) / SEARCH_LAG_DIVISOR,
                                    n_lags, None if holes is None else holes[keep], structures, seed, label)
        if not isinstance(found, Anisotropy):
            feedback.pushWarning(self.tr("{0}: no orientation found ({1}); using the given angles").format(
                label, found))
            return angles
        for note in found.notes:
            feedback.pushInfo(f"{label}: {note}")
        return found.angles

    def _coordinates(self, xyz, dimensions, label, feedback):
        if dimensions == 2 or np.all(np.isnan(xyz[:, 2])):
            if dimensions == 3:
                feedback.pushWarning(self.tr("{0}: the points have no z; computing a 2D variogram").format(label))
            xyz = xyz.copy()
            xyz[:, 2] = 0.0
        return xyz
