"""The variogram panel: a geologist looks at the experimental variograms of a
point layer's grade, adjusts the model by hand with the curves redrawn at each
change, refits from there, and saves the same variogram JSON the Processing
algorithms read. The science is algorithms/ (experimental, variogram_fit,
variogram_auto); this module only reads the layer, holds the controls and draws."""
import math
from contextlib import contextmanager

import numpy as np
from qgis.core import QgsFieldProxyModel, QgsMapLayerProxyModel, QgsProcessingException
from qgis.gui import QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..algorithms.common.progress import Cancelled
from ..algorithms.geostats.experimental import ExperimentalVariogram, experimental_variograms, parse_directions
from ..algorithms.geostats.variogram_auto import SEARCH_LAG_DIVISOR, auto_variogram, default_lag
from ..algorithms.geostats.variogram_fit import fit_variogram
from ..algorithms.geostats.variogram_model import (
    MODEL_KIND,
    MODEL_VERSION,
    PARAMS_SCHEMA,
    STRUCTURE_TYPES,
    Structure,
    VariogramModel,
)
from ..algorithms.io.modelfile import load_model
from ..algorithms.reports.variogram_plot import model_curve
from ..processing_provider.checks import grade_values, require_projected
from ..processing_provider.layer_io import read_columns, read_points_with_fields

CONTEXT = "REEGradeVariogramPanel"
MAX_STRUCTURES = 3
# Fewer samples give a handful of pairs per lag: no variogram worth fitting.
MIN_SAMPLES = 10
OMNI, AXES, BOTH = range(3)


def tr(text):
    return QCoreApplication.translate(CONTEXT, text)


class Samples:
    """Coordinates (2 or 3 columns), grades and holes (or None) of the chosen layer and field."""

    def __init__(self, xyz, values, holes, label, field):
        self.xyz, self.values, self.holes, self.label, self.field = xyz, values, holes, label, field

    @property
    def dimensions(self):
        return self.xyz.shape[1]


def read_samples(layer, field, hole_field=""):
    """The samples with a grade, or a ValueError / QgsProcessingException saying what is wrong."""
    if layer is None:
        raise ValueError(tr("Choose a point layer."))
    if not field:
        raise ValueError(tr("Choose a grade field."))
    label = layer.name()
    require_projected(layer.crs(), label, tr("the variogram panel"))
    index = layer.fields().lookupField(field)
    if index < 0 or not layer.fields().at(index).isNumeric():
        raise ValueError(tr("{0}: field '{1}' is not numeric; choose a numeric grade field.").format(label, field))
    xyz, columns = read_points_with_fields(layer, [field], label)
    values, _ = grade_values(columns[field], label, field)
    holes = None
    if hole_field:
        raw, _, _ = read_columns(layer, [hole_field], label=label)
        holes = np.array(["" if v is None else str(v) for v in raw[hole_field]])
    z = xyz[:, 2]
    flat = not np.any(np.isfinite(z)) or np.nanmax(z) == np.nanmin(z)
    xyz = xyz[:, :2] if flat else xyz
    keep = np.isfinite(values) & np.all(np.isfinite(xyz), axis=1)
    if keep.sum() < MIN_SAMPLES:
        raise ValueError(tr("{0}: {1} samples have a value of '{2}'; a variogram needs at least {3}.").format(
            label, int(keep.sum()), field, MIN_SAMPLES))
    return Samples(xyz[keep], values[keep], None if holes is None else holes[keep], label, field)


def _double_spin(low, high, decimals, value=0.0, step=1.0):
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setValue(value)
    spin.setKeyboardTracking(False)
    # The size hint follows the largest value's digits: without a cap a sill's box is wider than the panel.
    spin.setMaximumWidth(120)
    return spin


class StructureRow:
    """One nested structure's controls: type, sill, ranges along the major, semi-major and minor axes."""

    def __init__(self, on_change):
        self.kind = QComboBox()
        self.kind.addItems(STRUCTURE_TYPES)
        self.sill = _double_spin(0.0, 1e15, 4, 1.0, 0.1)
        self.ranges = [_double_spin(0.001, 1e7, 2, 100.0, 10.0) for _ in range(3)]
        self.kind.currentIndexChanged.connect(on_change)
        for spin in (self.sill, *self.ranges):
            spin.valueChanged.connect(on_change)

    def widgets(self):
        return [self.kind, self.sill, *self.ranges]

    def structure(self, angles):
        return Structure(self.kind.currentText(), self.sill.value(), [r.value() for r in self.ranges], angles)

    def show(self, structure):
        self.kind.setCurrentText(structure.kind)
        self.sill.setValue(structure.sill)
        for spin, value in zip(self.ranges, structure.ranges):
            spin.setValue(value)


class VariogramCanvas:
    """One plot per direction: experimental points sized by their pair count (the count written beside each),
    the sample variance dashed and the model's curve, whose data is replaced on every edit."""

    def __init__(self):
        from matplotlib.backends.backend_qt5agg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(7.5, 6.0), dpi=100)
        self.widget = FigureCanvasQTAgg(self.figure)
        self.model_lines = []
        self.directions = []
        self.tops = []
        self.max_distance = 1.0

    def show_experimental(self, experimental):
        """New plots for `experimental`, without a model until `show_model`."""
        self.figure.clear()
        self.directions = list(experimental.directions)
        self.max_distance = 1.1 * max([float(np.max(lags)) for lags in experimental.lags if len(lags)]
                                      or [experimental.lag])
        count = len(self.directions)
        rows, columns = (1, count) if count <= 2 else (2, 2)
        self.model_lines = []
        # Axes.relim() ignores scatter points, so each plot's top is set from its points, the variance and the model.
        self.tops = [max([experimental.variance] + ([float(np.max(g))] if len(g) else []))
                     for g in experimental.gammas]
        for index, direction in enumerate(self.directions):
            axis = self.figure.add_subplot(rows, columns, index + 1)
            lags, gammas, npairs = experimental.lags[index], experimental.gammas[index], experimental.npairs[index]
            sizes = 12 + 80 * npairs / max(npairs.max(), 1) if len(npairs) else 12
            axis.scatter(lags, gammas, s=sizes, color="tab:blue", label=tr("experimental (size: pairs)"))
            for h, g, n in zip(lags, gammas, npairs):
                axis.annotate(str(int(n)), (h, g), textcoords="offset points", xytext=(3, 4), fontsize=6,
                              color="tab:blue")
            axis.axhline(experimental.variance, color="grey", linestyle="--", linewidth=0.8,
                         label=tr("sample variance"))
            (line,) = axis.plot([], [], color="tab:red", label=tr("model"))
            self.model_lines.append(line)
            title = tr("omnidirectional") if direction is None else tr("azimuth {0:.1f}, dip {1:.1f}").format(
                *direction)
            axis.set_title(title, fontsize=9)
            axis.set_xlabel(tr("lag distance (m)"), fontsize=8)
            axis.set_ylabel(tr("semivariance"), fontsize=8)
            axis.tick_params(labelsize=7)
            axis.set_xlim(0, self.max_distance)
            if index == 0:
                axis.legend(fontsize=7, loc="lower right")
        self.figure.tight_layout()
        self.show_model(None)

    def show_model(self, model):
        for line, direction in zip(self.model_lines, self.directions):
            if model is None:
                line.set_data([], [])
                continue
            distances, gamma = model_curve(model, direction, self.max_distance)
            line.set_data(distances, gamma)
        for axis, line, top in zip(self.figure.axes, self.model_lines, self.tops):
            model_top = float(np.max(line.get_ydata())) if len(line.get_ydata()) else 0.0
            axis.set_ylim(0, 1.08 * max(top, model_top))
        self.widget.draw_idle()


class VariogramPanel(QDialog):
    """Experimental variograms of a layer's grade with an editable model drawn over them; see the module doc."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("REE Grade variogram panel"))
        self.samples = None
        self.experimental = None  # what is plotted and saved (omnidirectional and/or along the axes)
        self.last_fit = None
        self.computed_angles = None  # the orientation whose axes the directional variograms follow
        self.canvas = VariogramCanvas()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        controls = QWidget()
        column = QVBoxLayout(controls)
        column.addWidget(self._data_box())
        column.addWidget(self._model_box())
        column.addLayout(self._buttons())
        column.addWidget(self.message)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(controls.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.canvas.widget, 1)
        self.resize(1280, 760)
        self._show_structure_count()

    # -- controls -------------------------------------------------------------------------------------------------
    def _data_box(self):
        box = QGroupBox(tr("Samples and experimental variograms"))
        form = QFormLayout(box)
        self.layer = QgsMapLayerComboBox()
        self.layer.setFilters(QgsMapLayerProxyModel.PointLayer)
        self.field = QgsFieldComboBox()
        self.field.setFilters(QgsFieldProxyModel.Numeric)
        self.hole = QgsFieldComboBox()
        self.hole.setAllowEmptyFieldName(True)
        self.layer.layerChanged.connect(self._layer_changed)
        self._layer_changed(self.layer.currentLayer())
        self.lag = _double_spin(0.0, 1e7, 2, 0.0, 1.0)
        self.lag.setSpecialValueText(tr("automatic"))
        self.n_lags = QSpinBox()
        self.n_lags.setRange(2, 100)
        self.n_lags.setValue(12)
        self.directions = QComboBox()
        self.directions.addItems([tr("Omnidirectional"), tr("Along the ellipsoid's three axes"),
                                  tr("Omnidirectional and the three axes")])
        self.directions.setCurrentIndex(BOTH)
        self.tolerance = _double_spin(1.0, 90.0, 1, 22.5, 2.5)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(42)
        form.addRow(tr("Point layer"), self.layer)
        form.addRow(tr("Grade field"), self.field)
        form.addRow(tr("Hole id field (optional)"), self.hole)
        form.addRow(tr("Lag (m)"), self.lag)
        form.addRow(tr("Number of lags"), self.n_lags)
        form.addRow(tr("Directions"), self.directions)
        form.addRow(tr("Angular tolerance (degrees)"), self.tolerance)
        form.addRow(tr("Random seed"), self.seed)
        return box

    def _layer_changed(self, layer):
        self.field.setLayer(layer)
        self.hole.setLayer(layer)
        self.hole.setField("")

    def _model_box(self):
        box = QGroupBox(tr("Model"))
        grid = QGridLayout(box)
        self.nugget = _double_spin(0.0, 1e15, 4, 0.0, 0.1)
        self.nugget.valueChanged.connect(self.model_changed)
        self.fix_nugget = QCheckBox(tr("Keep the nugget in Fit"))
        self.angles = [_double_spin(-360.0, 360.0, 1, 0.0, 5.0), _double_spin(-90.0, 90.0, 1, 0.0, 5.0),
                       _double_spin(-180.0, 180.0, 1, 0.0, 5.0)]
        for spin in self.angles:
            spin.valueChanged.connect(self._angles_changed)
        self.structure_count = QSpinBox()
        self.structure_count.setRange(1, MAX_STRUCTURES)
        self.structure_count.valueChanged.connect(self._show_structure_count)
        grid.addWidget(QLabel(tr("Nugget")), 0, 0)
        grid.addWidget(self.nugget, 0, 1)
        grid.addWidget(self.fix_nugget, 0, 2, 1, 3)
        for slot, text in enumerate((tr("Azimuth"), tr("Dip (positive up)"), tr("Rake"))):
            grid.addWidget(QLabel(text), 1, 1 + slot)
            grid.addWidget(self.angles[slot], 2, 1 + slot)
        grid.addWidget(QLabel(tr("Angles")), 2, 0)
        grid.addWidget(QLabel(tr("Structures")), 3, 0)
        grid.addWidget(self.structure_count, 3, 1)
        for slot, text in enumerate((tr("Type"), tr("Sill"), tr("Major range"), tr("Semi-major"), tr("Minor"))):
            grid.addWidget(QLabel(text), 4, slot)
        self.rows = [StructureRow(self.model_changed) for _ in range(MAX_STRUCTURES)]
        for index, row in enumerate(self.rows):
            for slot, widget in enumerate(row.widgets()):
                grid.addWidget(widget, 5 + index, slot)
        return box

    def _buttons(self):
        grid = QGridLayout()
        self.buttons = {}
        for slot, (name, text, slot_function) in enumerate((
            ("compute", tr("Compute"), self.compute), ("fit", tr("Fit"), self.fit),
            ("anisotropy", tr("Find anisotropy"), self.find_anisotropy),
            ("open", tr("Open…"), self.open_clicked), ("save", tr("Save…"), self.save_clicked),
        )):
            button = QPushButton(text)
            button.clicked.connect(slot_function)
            grid.addWidget(button, slot // 3, slot % 3)
            self.buttons[name] = button
        return grid

    def _show_structure_count(self):
        for index, row in enumerate(self.rows):
            for widget in row.widgets():
                widget.setVisible(index < self.structure_count.value())
        self.model_changed()

    @property
    def fit_experimental(self):
        """What Fit reads: the directional variograms when there are some (a fit takes no mix with the
        omnidirectional one)."""
        return None if self.experimental is None else _directional_part(self.experimental)

    # -- the model in the controls --------------------------------------------------------------------------------
    def current_angles(self):
        return tuple(spin.value() for spin in self.angles)

    def current_model(self):
        """The model the controls describe (ValueError if it is no model, e.g. a zero total sill)."""
        angles = self.current_angles()
        structures = [row.structure(angles) for row in self.rows[:self.structure_count.value()]]
        return VariogramModel(self.nugget.value(), structures)

    def set_model(self, model):
        """Put `model` in the controls, redrawn once."""
        spins = [self.nugget, self.structure_count, *self.angles] + [w for row in self.rows for w in row.widgets()]
        for widget in spins:
            widget.blockSignals(True)
        try:
            self.nugget.setValue(model.nugget)
            self.structure_count.setValue(min(len(model.structures), MAX_STRUCTURES))
            if model.structures:
                for spin, angle in zip(self.angles, model.structures[0].angles):
                    spin.setValue(angle)
            for row, structure in zip(self.rows, model.structures):
                row.show(structure)
        finally:
            for widget in spins:
                widget.blockSignals(False)
        self._show_structure_count()
        notes = []
        if len(model.structures) > MAX_STRUCTURES:
            notes.append(tr("The model has {0} structures; the panel shows the first {1}.").format(
                len(model.structures), MAX_STRUCTURES))
        if len({s.angles for s in model.structures}) > 1:
            notes.append(tr("The structures have different orientations; the panel uses the first's for all."))
        return notes

    def model_changed(self, *_):
        try:
            model = self.current_model()
        except ValueError as error:
            self.show_message(str(error), error=True)
            model = None
        self.canvas.show_model(model)

    def _angles_changed(self, *_):
        self.model_changed()
        if self.computed_angles is not None and self.current_angles() != self.computed_angles:
            self.show_message(tr("The curves follow the new angles along the directions computed; Compute draws the "
                                 "experimental variograms along the new axes."))

    def show_message(self, text, error=False):
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def _guarded(self, action):
        """Run `action`, showing its error in the panel instead of a traceback."""
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            return action()
        except (ValueError, QgsProcessingException, OSError) as error:
            self.show_message(str(error), error=True)
            return None
        except Cancelled:
            self.show_message(tr("Cancelled."), error=True)
            return None
        finally:
            QApplication.restoreOverrideCursor()

    # -- actions --------------------------------------------------------------------------------------------------
    def compute(self):
        """Read the layer and draw its experimental variograms along the chosen directions."""
        return self._guarded(self._compute)

    def _compute(self):
        samples = read_samples(self.layer.currentLayer(), self.field.currentField(), self.hole.currentField())
        n_lags = self.n_lags.value()
        lag = self.lag.value() or default_lag(samples.xyz, n_lags)
        mode = self.directions.currentIndex()
        parts = []
        if mode in (OMNI, BOTH):
            parts.append(self._experimental(samples, lag, n_lags, None))
        if mode in (AXES, BOTH):
            axes = parse_directions("axes", self.current_angles(), samples.dimensions)
            parts.append(self._experimental(samples, lag, n_lags, axes))
        self.samples = samples
        self.experimental = _joined(parts)
        self.computed_angles = self.current_angles() if mode in (AXES, BOTH) else None
        self._scale_controls(self.experimental.variance, lag)
        self.canvas.show_experimental(self.experimental)
        self.model_changed()
        self.show_message(tr("{0}: {1} samples of '{2}' ({3}D), lag {4:.4g} m, sample variance {5:.4g}.").format(
            samples.label, len(samples.values), samples.field, samples.dimensions, lag, self.experimental.variance))
        return self.experimental

    def _experimental(self, samples, lag, n_lags, directions):
        """One pass over the pairs, with a progress dialog whose Cancel stops it."""
        with self._progress_dialog(tr("Computing the experimental variograms…")) as (progress, should_stop):
            return experimental_variograms(
                samples.xyz, samples.values[:, None], lag, n_lags, directions=directions,
                angle_tolerance=self.tolerance.value(), seed=self.seed.value(),
                labels=[f"{samples.label}: field '{samples.field}'"], progress=progress,
                should_stop=should_stop, n_jobs=2,
            )[0]

    @contextmanager
    def _progress_dialog(self, text):
        """(progress, should_stop) of a modal progress dialog, shown after half a second, whose Cancel stops the
        work (`Cancelled`, which `_guarded` reports)."""
        dialog = QProgressDialog(text, tr("Cancel"), 0, 100, self)
        dialog.setWindowModality(Qt.WindowModal)
        dialog.setMinimumDuration(500)

        def progress(fraction):
            dialog.setValue(int(100 * fraction))
            QApplication.processEvents()

        try:
            yield progress, dialog.wasCanceled
        finally:
            dialog.reset()
            dialog.deleteLater()

    def _scale_controls(self, variance, lag):
        """Sill and nugget spin boxes to five significant digits of the variance, ranges stepped by a lag."""
        magnitude = math.floor(math.log10(variance)) if variance > 0 else 0
        decimals = int(min(max(4 - magnitude, 0), 8))
        for spin in (self.nugget, *(row.sill for row in self.rows)):
            spin.blockSignals(True)
            spin.setDecimals(decimals)
            spin.setSingleStep(10.0 ** (magnitude - 1))
            spin.blockSignals(False)
        for row in self.rows:
            for spin in row.ranges:
                spin.setSingleStep(max(lag / 2.0, 0.01))

    def fit(self):
        """Weighted least squares from the model in the controls, with their orientation and structure types."""
        return self._guarded(self._fit)

    def _fit(self):
        if self.fit_experimental is None:
            raise ValueError(tr("Compute the experimental variograms first."))
        start = self.current_model()
        nugget = self.nugget.value() if self.fix_nugget.isChecked() else None
        fit = fit_variogram(self.fit_experimental, [s.kind for s in start.structures], nugget, self.current_angles(),
                            seed=self.seed.value(), start=start)
        self.set_model(fit.model)
        lines = [tr("Fitted: total sill {0:.4g} against a sample variance of {1:.4g}; {2} of {3} starts "
                    "converged.").format(fit.model.total_sill, self.fit_experimental.variance, fit.converged_starts,
                                         fit.n_starts)]
        self.show_message("\n".join(lines + fit.warnings))
        self.last_fit = fit
        return fit

    def find_anisotropy(self):
        """The orientation and ranges of the automatic variogram (3D), then the variograms along its axes."""
        return self._guarded(self._find_anisotropy)

    def _find_anisotropy(self):
        samples = read_samples(self.layer.currentLayer(), self.field.currentField(), self.hole.currentField())
        if samples.dimensions != 3:
            raise ValueError(tr("{0}: the points have no varying z; the anisotropy is found in 3D only.").format(
                samples.label))
        notes = []
        types = [row.kind.currentText() for row in self.rows[:self.structure_count.value()]]
        with self._progress_dialog(tr("Finding the anisotropy…")) as (progress, should_stop):
            model, _ = auto_variogram(samples.xyz, samples.values, self.n_lags.value(), types, self.seed.value(),
                                      samples.label, groups=samples.holes, log=notes.append, progress=progress,
                                      should_stop=should_stop)
        notes += self.set_model(model)
        # The lags the search read: there the anisotropy shows, and the ranges found are a few of them.
        self.lag.setValue(default_lag(samples.xyz, self.n_lags.value()) / SEARCH_LAG_DIVISOR)
        if self.directions.currentIndex() == OMNI:
            self.directions.setCurrentIndex(BOTH)
        self._compute()
        self.show_message("\n".join(notes))
        return model

    def save_model(self, path):
        """The model in the controls as the variogram JSON of reegrade:variogram, with the experimental values."""
        model = self.current_model()
        field = self.samples.field if self.samples is not None else (self.field.currentField() or "grade")
        metadata = {"made_with": "variogram panel", "seed": self.seed.value()}
        if self.samples is not None:
            metadata.update(source_layer=self.samples.label, n_samples=len(self.samples.values),
                            dimensions=self.samples.dimensions)
        model.save(path, field, self.experimental, metadata)
        self.show_message(tr("Saved {0}").format(path))
        return path

    def open_model(self, path):
        """A variogram JSON (of reegrade:variogram or of this panel) in the controls, drawn over the experimental
        variograms saved with it; its layer (by name, if in the project) and field are chosen for Compute."""
        header, arrays = load_model(path, MODEL_KIND, MODEL_VERSION, params_schema=PARAMS_SCHEMA)
        model = VariogramModel.from_dict(header["params"], source=path)
        params, metadata = header["params"], header.get("metadata") or {}
        self._choose_source(metadata.get("source_layer"), header["fields"][0] if header["fields"] else "")
        if "exp_lag" in arrays and "lag" in params and "sample_variance" in params:
            self.samples = None
            self.computed_angles = None
            self.experimental = ExperimentalVariogram.from_arrays(arrays, params["sample_variance"], params["lag"])
            self.lag.setValue(params["lag"])
            self._scale_controls(self.experimental.variance, self.experimental.lag)
            self.canvas.show_experimental(self.experimental)
        notes = self.set_model(model)
        self.show_message("\n".join([tr("Opened {0}: {1}").format(path, model.describe())] + notes))
        return model

    def _choose_source(self, layer_name, field):
        from qgis.core import QgsProject

        layers = QgsProject.instance().mapLayersByName(layer_name) if layer_name else []
        if layers and layers[0] is not self.layer.currentLayer():
            self.layer.setLayer(layers[0])
        if field and self.layer.currentLayer() is not None:
            self.field.setField(field)

    def save_clicked(self):
        path, _ = QFileDialog.getSaveFileName(self, tr("Save variogram model"), "", tr("JSON files (*.json)"))
        if path:
            self._guarded(lambda: self.save_model(path if path.lower().endswith(".json") else path + ".json"))

    def open_clicked(self):
        path, _ = QFileDialog.getOpenFileName(self, tr("Open variogram model"), "", tr("JSON files (*.json)"))
        if path:
            self._guarded(lambda: self.open_model(path))


def _directional_part(experimental):
    keep = [i for i, d in enumerate(experimental.directions) if d is not None]
    if len(keep) in (0, len(experimental.directions)):
        return experimental
    return type(experimental)([experimental.directions[i] for i in keep], [experimental.lags[i] for i in keep],
                              [experimental.gammas[i] for i in keep], [experimental.npairs[i] for i in keep],
                              experimental.variance, experimental.lag)


def _joined(parts):
    """One ExperimentalVariogram holding the directions of several (same samples, bins and variance)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    joined = type(first)([], [], [], [], first.variance, first.lag)
    for part in parts:
        joined.directions += list(part.directions)
        joined.lags += list(part.lags)
        joined.gammas += list(part.gammas)
        joined.npairs += list(part.npairs)
    return joined
