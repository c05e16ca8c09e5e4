"""Drillhole import a geologist can see: load the collar, survey, assay and
lithology tables, check the guessed column mapping, read every problem per
table and row with a fix per kind, then run reegrade:desurvey (and
reegrade:composite) on the fixed tables and add the outputs to the project.

The science (mapping guess, checks, fixes) is `algorithms/drillholes/validation.py`;
this module only loads files through OGR, shows tables and runs Processing."""
import contextlib
import csv
import os

from qgis.core import (
    QgsFeature,
    QgsField,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingMultiStepFeedback,
    QgsProcessingUtils,
    QgsProject,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsFileWidget, QgsProjectionSelectionWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt, QUrl, QVariant
from qgis.PyQt.QtGui import QStandardItem, QStandardItemModel
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..algorithms.drillholes import validation
from ..processing_provider.layer_io import plain_value

PREVIEW_ROWS = 20
NONE = "—"


def tr(text):
    return QCoreApplication.translate("ImportDialog", text)


def table_labels():
    return {"collars": tr("Collars"), "surveys": tr("Surveys"), "assays": tr("Assays"), "lithology": tr("Lithology")}


def role_labels():
    return {"hole": tr("Hole id"), "x": tr("X (easting)"), "y": tr("Y (northing)"), "z": tr("Elevation"),
            "total_depth": tr("Total depth"), "depth": tr("Survey depth"), "azimuth": tr("Azimuth"),
            "dip": tr("Dip"), "from": tr("From"), "to": tr("To"), "lithology": tr("Lithology")}


def kind_labels():
    return {"duplicate_id": tr("Duplicate hole ids"), "missing_value": tr("Missing or unreadable values"),
            "text_in_number": tr("Text in number columns"), "from_to": tr("From not above to"),
            "no_collar": tr("Holes without collar"), "overlap": tr("Overlapping intervals"),
            "gap": tr("Gaps between intervals"), "beyond_depth": tr("Beyond the hole's depth"),
            "dip_range": tr("Dips out of range"), "duplicate_row": tr("Repeated rows")}


def policy_labels():
    return {"refuse": tr("Refuse (fix the file)"), "keep_first": tr("Keep the first"), "drop": tr("Drop the row"),
            "null": tr("Set to NULL"), "truncate": tr("Truncate the deeper interval"), "keep": tr("Keep both"),
            "accept": tr("Accept")}


def policy_label(kind, policy):
    if kind == "overlap" and policy == "drop":
        return tr("Drop the later row")
    return policy_labels()[policy]


def load_layer(path):
    """A QgsVectorLayer for a CSV (any delimiter csv.Sniffer finds, with or without a byte-order mark),
    GeoPackage, Excel sheet or anything else OGR reads ('path|layername=x' picks a layer)."""
    plain = path.split("|")[0]
    if plain.lower().endswith((".csv", ".txt")):
        delimiter = _sniff(plain)
        # OGR's CSV driver finds comma, semicolon and tab itself; other delimiters need the text provider.
        if delimiter not in ",;\t":
            url = QUrl.fromLocalFile(plain)
            url.setQuery(f"type=csv&delimiter={delimiter}&geomType=none&detectTypes=no")
            return QgsVectorLayer(url.toString(), os.path.splitext(os.path.basename(plain))[0], "delimitedtext")
    return QgsVectorLayer(path, os.path.splitext(os.path.basename(plain))[0], "ogr")


@contextlib.contextmanager
def spreadsheet_headers(path):
    """While loading and reading a spreadsheet, its first row is the header. GDAL takes it for one only when its
    cell types differ from the second row's, so an all-text sheet would lose its column names (a drillhole export
    always has them); GDAL 3.6 has this as a configuration option only, read each time the file is opened."""
    option = {".xlsx": "OGR_XLSX_HEADERS", ".xlsm": "OGR_XLSX_HEADERS", ".ods": "OGR_ODS_HEADERS",
              ".xls": "OGR_XLS_HEADERS"}.get(os.path.splitext(path.split("|")[0])[1].lower())
    if option is None:
        yield
        return
    from osgeo import gdal

    before = gdal.GetConfigOption(option)
    gdal.SetConfigOption(option, "FORCE")
    try:
        yield
    finally:
        gdal.SetConfigOption(option, before)


def _sniff(path):
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        sample = handle.read(64 * 1024)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def layer_table(layer):
    """{column: raw values}; a point layer without x/y columns gets them (and z) from its geometry."""
    names = [field.name() for field in layer.fields()]
    columns = {name: [] for name in names}
    points = QgsWkbTypes.geometryType(layer.wkbType()) == QgsWkbTypes.PointGeometry
    xyz = ([], [], [])
    for feature in layer.getFeatures():
        for name, value in zip(names, feature.attributes()):
            columns[name].append(plain_value(value))
        if points:
            point = feature.geometry().constGet() if feature.hasGeometry() else None
            for values, get in zip(xyz, ("x", "y", "z")):
                values.append(None if point is None else getattr(point, get)())
    if points:
        lower = {name.lower() for name in names}
        for name, values in zip(("x", "y", "z"), xyz):
            if name not in lower and not (name == "z" and not QgsWkbTypes.hasZ(layer.wkbType())):
                columns[name] = values
    return columns


def memory_table(name, table):
    """A geometry-less memory layer of text fields holding `table` (desurvey reads numbers from text)."""
    layer = QgsVectorLayer("None", name, "memory")
    provider = layer.dataProvider()
    provider.addAttributes([QgsField(column, QVariant.String) for column in table])
    layer.updateFields()
    features = []
    for values in zip(*table.values()):
        feature = QgsFeature(layer.fields())
        # str, not a format: a float keeps every digit (its shortest exact form).
        feature.setAttributes([None if value is None else str(value) for value in values])
        features.append(feature)
    provider.addFeatures(features)
    return layer


def rows_model(table, n_rows=PREVIEW_ROWS):
    model = QStandardItemModel()
    model.setHorizontalHeaderLabels(list(table))
    for row in zip(*table.values()):
        if model.rowCount() >= n_rows:
            break
        model.appendRow([QStandardItem("" if value is None else str(value)) for value in row])
    return model


class Feedback(QgsProcessingFeedback):
    """Processing messages into the dialog's log and progress bar; events are processed on each message so the
    dialog repaints while the algorithms run in the foreground."""

    def __init__(self, log, bar):
        super().__init__()
        self.log = log
        self.progressChanged.connect(lambda value: (bar.setValue(int(value)), QApplication.processEvents()))

    def pushInfo(self, text):  # noqa: N802 (QGIS API name)
        self.log.appendPlainText(text)
        QApplication.processEvents()

    def pushWarning(self, text):  # noqa: N802
        self.log.appendPlainText(tr("Warning: {0}").format(text))

    def reportError(self, text, fatalError=False):  # noqa: N802
        self.log.appendPlainText(tr("Error: {0}").format(text))


class ImportDialog(QDialog):
    def __init__(self, iface=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setWindowTitle(tr("Import drillholes"))
        self.tables, self.layers, self.problems = {}, {}, []
        self.mapping_combos, self.policy_combos, self.previews = {}, {}, {}
        layout = QVBoxLayout(self)
        layout.addWidget(self._files_box())
        self.tabs = QTabWidget()
        self.tabs.addTab(self._preview_tab(), tr("Tables"))
        self.mapping_tab = self._mapping_tab()
        self.tabs.addTab(self.mapping_tab, tr("Column mapping"))
        self.validation_tab = self._validation_tab()
        self.tabs.addTab(self.validation_tab, tr("Validation"))
        layout.addWidget(self.tabs, 1)
        layout.addLayout(self._run_row())
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumHeight(110)
        layout.addWidget(self.log)
        self.resize(1100, 860)

    # --- widgets -----------------------------------------------------------------
    def _files_box(self):
        box = QGroupBox(tr("Tables (CSV, GeoPackage, Excel)"))
        grid = QGridLayout(box)
        self.file_widgets = {}
        for row, (kind, label) in enumerate(table_labels().items()):
            widget = QgsFileWidget()
            widget.setFilter(tr("Tables (*.csv *.txt *.gpkg *.xlsx *.xls *.ods *.shp *.dbf);;All files (*)"))
            widget.fileChanged.connect(lambda path, kind=kind: self.load(kind, path))
            self.file_widgets[kind] = widget
            grid.addWidget(QLabel(label), row // 2, 2 * (row % 2))
            grid.addWidget(widget, row // 2, 2 * (row % 2) + 1)
        self.crs = QgsProjectionSelectionWidget()
        grid.addWidget(QLabel(tr("Collar CRS")), 2, 0)
        grid.addWidget(self.crs, 2, 1)
        return box

    def _preview_tab(self):
        tabs = QTabWidget()
        for kind, label in table_labels().items():
            view = QTableView()
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
            view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
            self.previews[kind] = view
            tabs.addTab(view, label)
        self.preview_tabs = tabs
        return tabs

    def _mapping_tab(self):
        widget = QWidget()
        grid = QGridLayout(widget)
        roles = role_labels()
        for column, (kind, label) in enumerate(table_labels().items()):
            box = QGroupBox(label)
            form = QFormLayout(box)
            self.mapping_combos[kind] = {}
            for role, _, required, _ in validation.ROLES[kind]:
                combo = QComboBox()
                combo.setEditable(True)
                combo.currentTextChanged.connect(self._mapping_changed)
                self.mapping_combos[kind][role] = combo
                form.addRow(roles[role] + ("" if not required else " *"), combo)
            grid.addWidget(box, 0, column)
        grades_box = QGroupBox(tr("Grade columns (composited)"))
        self.grades = QListWidget()
        QVBoxLayout(grades_box).addWidget(self.grades)
        grid.addWidget(grades_box, 1, 0, 1, 4)
        grid.addWidget(QLabel(tr("* required. Guessed by name as Desurvey drillholes does; choose another column "
                                 "where the guess is wrong.")), 2, 0, 1, 4)
        return widget

    def _validation_tab(self):
        widget = QWidget()
        layout = QVBoxLayout(widget)
        box = QGroupBox(tr("Fix per kind of problem"))
        grid = QGridLayout(box)
        self.kind_rows = {}
        for index, (kind, label) in enumerate(kind_labels().items()):
            combo = QComboBox()
            for policy in validation.POLICIES[kind]:
                combo.addItem(policy_label(kind, policy), policy)
            combo.currentIndexChanged.connect(self._show_problems)
            self.policy_combos[kind] = combo
            self.kind_rows[kind] = QLabel(label)
            grid.addWidget(self.kind_rows[kind], index // 2, 2 * (index % 2))
            grid.addWidget(combo, index // 2, 2 * (index % 2) + 1)
        layout.addWidget(box)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problem_view = QTableView()
        self.problem_view.verticalHeader().setVisible(False)
        self.problem_view.setSortingEnabled(True)
        self.problem_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.problem_view.horizontalHeader().setStretchLastSection(True)
        self.problem_model = QStandardItemModel()
        self.problem_view.setModel(self.problem_model)
        layout.addWidget(self.problem_view, 1)
        return widget

    def _run_row(self):
        row = QHBoxLayout()
        self.dip_convention = QComboBox()
        self.dip_convention.addItems([tr("Dip negative downwards"), tr("Dip positive downwards")])
        row.addWidget(self.dip_convention)
        self.composite = QCheckBox(tr("Composite to"))
        self.composite.setChecked(True)
        row.addWidget(self.composite)
        self.length = QDoubleSpinBox()
        self.length.setRange(0.01, 1000.0)
        self.length.setValue(2.0)
        self.length.setSuffix(" m")
        row.addWidget(self.length)
        # Composites that never straddle a lithology contact, when a lithology log is loaded.
        self.by_lithology = QCheckBox(tr("within lithology"))
        row.addWidget(self.by_lithology)
        self.progress = QProgressBar()
        row.addWidget(self.progress, 1)
        self.run_button = QPushButton(tr("Import"))
        self.run_button.clicked.connect(self.run_import)
        row.addWidget(self.run_button)
        return row

    # --- loading and mapping -------------------------------------------------------
    def load(self, kind, path):
        """Load one table (an empty path unloads it), guess its mapping and revalidate."""
        if not path:
            self.tables.pop(kind, None)
        else:
            with spreadsheet_headers(path):
                layer = load_layer(path)
                if not layer.isValid():
                    self.log.appendPlainText(tr("{0}: could not read {1}").format(table_labels()[kind], path))
                    return False
                self.layers[kind] = layer
                self.tables[kind] = layer_table(layer)
            if kind == "collars" and layer.crs().isValid():
                self.crs.setCrs(layer.crs())
        table = self.tables.get(kind, {})
        self.previews[kind].setModel(rows_model(table))
        self._fill_combos(kind, table)
        self.validate()
        return True

    def _fill_combos(self, kind, table):
        guessed = validation.guess_mapping(kind, list(table))
        for role, combo in self.mapping_combos[kind].items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([NONE] + list(table))
            combo.setCurrentText(guessed[role] or NONE)
            combo.blockSignals(False)
        if kind == "assays":
            self.grades.clear()
            for name in validation.grade_columns(table, guessed):
                item = QListWidgetItem(name)
                item.setCheckState(Qt.Checked)
                self.grades.addItem(item)

    def mappings(self):
        """{kind: {role: column or None}} as the combo boxes show it."""
        return {kind: {role: (combo.currentText() if combo.currentText() in self.tables[kind] else None)
                       for role, combo in self.mapping_combos[kind].items()}
                for kind in self.tables}

    def grade_names(self):
        items = [self.grades.item(i) for i in range(self.grades.count())]
        return [item.text() for item in items if item.checkState() == Qt.Checked]

    def policies(self):
        return {kind: combo.currentData() for kind, combo in self.policy_combos.items()}

    def _mapping_changed(self, _text):
        self.validate()

    # --- validation ----------------------------------------------------------------
    def validate(self):
        if "collars" not in self.tables:
            self.problems = []
        else:
            grades = {"assays": self.grade_names()} if "assays" in self.tables else None
            self.problems = validation.validate(self.tables, self.mappings(), grades)
        self._show_problems()
        return self.problems

    def _show_problems(self, *_):
        kinds, policies, tables = kind_labels(), self.policies(), table_labels()
        counts = {}
        for p in self.problems:
            counts[p["kind"]] = counts.get(p["kind"], 0) + 1
        for kind, label in self.kind_rows.items():
            label.setText(f"{kinds[kind]} ({counts.get(kind, 0)})")
        model = QStandardItemModel()
        model.setHorizontalHeaderLabels([tr("Table"), tr("Row"), tr("Hole"), tr("Column"), tr("Problem"),
                                         tr("Fix"), tr("Detail")])
        for p in self.problems:
            row = QStandardItem()
            row.setData(p["row"] or 0, 0)
            model.appendRow([QStandardItem(tables[p["table"]]), row, QStandardItem(p["hole"] or ""),
                             QStandardItem(p["column"] or ""), QStandardItem(kinds[p["kind"]]),
                             QStandardItem(policy_label(p["kind"], policies[p["kind"]])), QStandardItem(p["message"])])
        self.problem_model = model
        self.problem_view.setModel(model)
        self.problem_view.resizeColumnsToContents()
        self.problem_view.horizontalHeader().setStretchLastSection(True)
        refused = validation.blocking(self.problems, policies)
        self.summary.setText(
            tr("{0} problem(s) in {1} table(s); {2} refused: change their fix or correct the files.").format(
                len(self.problems), len(self.tables), len(refused)) if refused else
            tr("{0} problem(s) in {1} table(s); each is fixed as chosen above.").format(
                len(self.problems), len(self.tables)))
        self.run_button.setEnabled("collars" in self.tables and "assays" in self.tables and not refused)

    # --- running -------------------------------------------------------------------
    def run_import(self):
        """Fix the tables, run desurvey (and composite) and add the outputs to the project; {name: layer}."""
        import processing

        mappings, policies = self.mappings(), self.policies()
        try:
            fixed, summary = validation.apply_fixes(self.tables, mappings, self.problems, policies)
        except ValueError as error:
            self.log.appendPlainText(str(error))
            return {}
        for line in summary:
            self.log.appendPlainText(line)
        assays, lithology = fixed["assays"], None
        if "lithology" in fixed:
            assays, lithology = validation.with_lithology(assays, mappings["assays"], fixed["lithology"],
                                                          mappings["lithology"])
        shown, context = Feedback(self.log, self.progress), QgsProcessingContext()
        context.setProject(QgsProject.instance())
        # One bar over both algorithms: desurvey the first half, composite the second.
        feedback = QgsProcessingMultiStepFeedback(2 if self.composite.isChecked() else 1, shown)
        try:
            points = processing.run("reegrade:desurvey", self._desurvey_parameters(fixed, assays, mappings, policies),
                                    context=context, feedback=feedback)["OUTPUT"]
            outputs = {"desurveyed": self._add(points, tr("Desurveyed intervals"))}
            if self.composite.isChecked():
                feedback.setCurrentStep(1)
                parameters = {"INPUT": points, "LENGTH": self.length.value(), "FIELDS": self.grade_names(),
                              "DOMAIN": lithology if self.by_lithology.isChecked() else None,
                              "OUTPUT": QgsProcessingUtils.generateTempFilename("composites.gpkg")}
                composites = processing.run("reegrade:composite", parameters, context=context,
                                            feedback=feedback)["OUTPUT"]
                outputs["composites"] = self._add(composites, tr("Composites"))
        except Exception as error:  # noqa: BLE001 (a Processing error is shown to the user, whatever its type)
            self.log.appendPlainText(str(error))
            return {}
        self.progress.setValue(100)
        return outputs

    def _desurvey_parameters(self, fixed, assays, mappings, policies):
        collars = mappings["collars"]
        parameters = {
            "COLLARS": memory_table(tr("collars"), fixed["collars"]), "COLLAR_HOLE": collars["hole"],
            "COLLAR_X": collars["x"], "COLLAR_Y": collars["y"], "COLLAR_Z": collars["z"],
            "COLLAR_DEPTH": collars.get("total_depth") or "", "COLLAR_CRS": self.crs.crs(),
            "INTERVALS": memory_table(tr("assays"), assays), "INTERVAL_HOLE": mappings["assays"]["hole"],
            "FROM": mappings["assays"]["from"], "TO": mappings["assays"]["to"],
            "DIP_CONVENTION": self.dip_convention.currentIndex(),
            # The fixed table has no overlap left unless the geologist chose to keep them.
            "OVERLAPS": 1 if policies["overlap"] == "keep" else 0,
            # Files in the Processing temporary folder, so the layers outlive the run's context.
            "OUTPUT": QgsProcessingUtils.generateTempFilename("desurveyed.gpkg"),
        }
        if "surveys" in fixed:
            surveys = mappings["surveys"]
            parameters.update({"SURVEYS": memory_table(tr("surveys"), fixed["surveys"]),
                               "SURVEY_HOLE": surveys["hole"], "SURVEY_DEPTH": surveys["depth"],
                               "SURVEY_AZIMUTH": surveys["azimuth"], "SURVEY_DIP": surveys["dip"]})
        return parameters

    def _add(self, path, name):
        layer = QgsVectorLayer(path, name, "ogr")
        QgsProject.instance().addMapLayer(layer)
        return layer
