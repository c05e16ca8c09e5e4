"""What the base class gives every algorithm: help text the help panel shows in
full, and the output checks that run before any work."""
import pytest


def _plain(text):
    return " ".join(text.split())


def test_every_algorithm_help_renders_in_full(provider):
    """The panel reads shortHelpString as HTML, so `<0.5`, `<cut-off>`, `<field>` or `<= z_k` in the source text
    would be swallowed as tags (treo showed 815 of 1560 characters); rendered, every word must still be there."""
    from qgis.PyQt.QtGui import QTextDocument

    from ree_grade.processing_provider.base import REEGradeAlgorithm

    cut = []
    algorithms = [a for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)]
    assert len(algorithms) >= 23
    for algorithm in algorithms:
        document = QTextDocument()
        # As QgsProcessingAlgorithmDialogBase shows it: the help in a paragraph of rich text.
        document.setHtml(f"<p>{algorithm.shortHelpString()}</p>")
        shown, source = _plain(document.toPlainText()), _plain(algorithm.help_text(str))
        if shown != source:
            cut.append(f"{algorithm.name()}: {len(shown)} of {len(source)} characters shown")
    assert not cut, "; ".join(cut)


def test_help_keeps_its_paragraphs(provider):
    from qgis.PyQt.QtGui import QTextDocument

    algorithm = provider.algorithm("mik")
    document = QTextDocument()
    document.setHtml(algorithm.shortHelpString())
    lines = [line for line in document.toPlainText().split("\n") if line.strip()]
    assert len(lines) == len([p for p in algorithm.help_text().split("\n") if p.strip()])
    assert any("<= z_k" in line for line in lines) and any("mik_p_gt_<cut-off>" in line for line in lines)


@pytest.mark.parametrize("name", ["treo", "mik", "parselogs"])
def test_the_help_texts_the_issue_found_cut(provider, name):
    """Before escaping, treo showed 815 of 1560 characters, mik 652 of 1696, parselogs 1416 of 3050."""
    from qgis.PyQt.QtGui import QTextDocument

    algorithm = provider.algorithm(name)
    raw = QTextDocument()
    source = _plain(algorithm.help_text(str))
    raw.setHtml(source)
    escaped = QTextDocument()
    escaped.setHtml(algorithm.shortHelpString())
    assert len(_plain(raw.toPlainText())) < len(source)
    assert _plain(escaped.toPlainText()) == source


def test_output_checks_leave_temporary_and_memory_outputs_alone():
    from qgis.core import QgsProcessing, QgsProcessingOutputLayerDefinition

    from ree_grade.processing_provider.outputs import destination_path

    assert destination_path(QgsProcessing.TEMPORARY_OUTPUT) is None
    assert destination_path("memory:") is None
    assert destination_path(None) is None
    assert destination_path("postgres://host/db") is None
    assert destination_path(QgsProcessingOutputLayerDefinition("/tmp/x/out.gpkg")) == "/tmp/x/out.gpkg"
    assert destination_path("/tmp/x/out.gpkg|layername=out") == "/tmp/x/out.gpkg"


def test_help_names_parameters_by_their_labels_never_their_keys(provider):
    """The dialog shows labels ('Memory budget per window (MB)'), so help that says MEMORY_MB or N MEMBERS names
    something the user cannot find; a `[KEY]` reference to no parameter would be printed as it is."""
    import re

    from ree_grade.processing_provider.base import PARAMETER_REFERENCE, REEGradeAlgorithm

    found = []
    for algorithm in (a for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)):
        labels = algorithm.labels()
        # A key the label itself shows ('Number of donors (K)') is a name the user sees.
        keys = {key for key, label in labels.items() if not re.search(rf"\b{key}\b", label)}
        texts = [algorithm.help_text(lambda label: "")] + [p.help() for p in algorithm.parameterDefinitions()]
        for text in texts:
            found += [f"{algorithm.name()}: unknown reference {m.group(0)}" for m in PARAMETER_REFERENCE.finditer(text)]
            for key in keys:
                for spelling in {key, key.replace("_", " ")}:
                    if re.search(rf"(?<![\w\[]){re.escape(spelling)}(?![\w\]])", text):
                        found.append(f"{algorithm.name()}: {spelling}")
    assert not found, "; ".join(sorted(set(found)))


def test_help_shows_the_labels_it_references(provider):
    algorithm = provider.algorithm("hyperspectralfeatures")
    assert "<b>Memory budget per window (MB)</b>" in algorithm.shortHelpString()
    assert "Band table (JSON or CSV; empty: the bundled one)" in algorithm.help_text()


def test_parameter_help_is_complete_and_names_real_parameters(provider):
    """Every algorithm gives every parameter a tooltip (QGIS shows help() under the label's tooltip), and a key in
    PARAMETER_HELP that no parameter has (renamed since) is caught."""
    from ree_grade.processing_provider.base import REEGradeAlgorithm

    algorithms = [a for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)]
    problems = [f"{a.name()}: no PARAMETER_HELP" for a in algorithms if not type(a).PARAMETER_HELP]
    for algorithm in algorithms:
        names = {d.name() for d in algorithm.parameterDefinitions()}
        problems += [f"{algorithm.name()}: no parameter {key}" for key in type(algorithm).PARAMETER_HELP
                     if key not in names]
        problems += [f"{algorithm.name()}: {d.name()} has no help" for d in algorithm.parameterDefinitions()
                     if not d.help().strip()]
        assert all(d.help() in d.toolTip() for d in algorithm.parameterDefinitions())
    assert len(algorithms) >= 23
    assert not problems, problems
