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
        shown, source = _plain(document.toPlainText()), _plain(type(algorithm).HELP)
        if shown != source:
            cut.append(f"{algorithm.name()}: {len(shown)} of {len(source)} characters shown")
    assert not cut, "; ".join(cut)


def test_help_keeps_its_paragraphs(provider):
    from qgis.PyQt.QtGui import QTextDocument

    algorithm = provider.algorithm("mik")
    document = QTextDocument()
    document.setHtml(algorithm.shortHelpString())
    lines = [line for line in document.toPlainText().split("\n") if line.strip()]
    assert len(lines) == len([p for p in type(algorithm).HELP.split("\n") if p.strip()])
    assert any("<= z_k" in line for line in lines) and any("mik_p_gt_<cut-off>" in line for line in lines)


@pytest.mark.parametrize("name", ["treo", "mik", "parselogs"])
def test_the_help_texts_the_issue_found_cut(provider, name):
    """Before escaping, treo showed 815 of 1560 characters, mik 652 of 1696, parselogs 1416 of 3050."""
    from qgis.PyQt.QtGui import QTextDocument

    algorithm = provider.algorithm(name)
    raw = QTextDocument()
    raw.setHtml(type(algorithm).HELP)
    escaped = QTextDocument()
    escaped.setHtml(algorithm.shortHelpString())
    assert len(_plain(raw.toPlainText())) < len(_plain(type(algorithm).HELP))
    assert _plain(escaped.toPlainText()) == _plain(type(algorithm).HELP)


def test_output_checks_leave_temporary_and_memory_outputs_alone():
    from qgis.core import QgsProcessing, QgsProcessingOutputLayerDefinition

    from ree_grade.processing_provider.outputs import destination_path

    assert destination_path(QgsProcessing.TEMPORARY_OUTPUT) is None
    assert destination_path("memory:") is None
    assert destination_path(None) is None
    assert destination_path("postgres://host/db") is None
    assert destination_path(QgsProcessingOutputLayerDefinition("/tmp/x/out.gpkg")) == "/tmp/x/out.gpkg"
    assert destination_path("/tmp/x/out.gpkg|layername=out") == "/tmp/x/out.gpkg"
