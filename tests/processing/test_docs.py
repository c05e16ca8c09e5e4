"""The HTML help shipped in help/html/: built from the provider as it is (scripts/build_docs.py), opened by every
algorithm's Help button and the workflow model's, with each parameter's label on the page, links that resolve
offline, and packed into the plugin zip."""
import html
import re
import sys
from pathlib import Path

from helpers import REPO

sys.path.insert(0, str(REPO / "scripts"))
SHIPPED = REPO / "help" / "html"


def _ree_algorithms(provider):
    from ree_grade.processing_provider.base import REEGradeAlgorithm

    return [a for a in provider.algorithms() if isinstance(a, REEGradeAlgorithm)]


def _local_file(url):
    from qgis.PyQt.QtCore import QUrl

    parsed = QUrl(url)
    assert parsed.isLocalFile(), url
    return Path(parsed.toLocalFile())


def test_shipped_help_is_the_one_the_provider_builds(provider, tmp_path):
    import build_docs

    built = build_docs.write_site(tmp_path / "html")
    shipped = sorted(str(p.relative_to(SHIPPED)) for p in SHIPPED.rglob("*") if p.is_file())
    assert built == shipped, "help/html/ has other files than a fresh build; run `make docs`"
    stale = [name for name in built if (tmp_path / "html" / name).read_bytes() != (SHIPPED / name).read_bytes()]
    assert not stale, f"help/html/ is stale for {stale}; run `make docs`"


def test_every_help_button_opens_its_page_with_every_label(provider):
    import ree_grade

    plugin_dir = Path(ree_grade.__file__).parent
    algorithms = _ree_algorithms(provider)
    assert len(algorithms) >= 23
    for algorithm in algorithms:
        page = _local_file(algorithm.helpUrl())
        # Inside the plugin folder QGIS loaded, whatever it is called, so an installed plugin opens its own copy.
        assert page.parent.parent.parent.parent == plugin_dir, page
        assert page.is_file(), f"{algorithm.id()}: {page} is missing; run `make docs`"
        text = page.read_text(encoding="utf-8")
        labels = [d.description() for d in algorithm.parameterDefinitions()]
        labels += [o.description() for o in algorithm.outputDefinitions()]
        missing = [label for label in labels if html.escape(label, quote=False) not in text]
        assert not missing, f"{page.name} lacks {missing}"
        assert html.escape(algorithm.displayName(), quote=False) in text


def test_workflow_model_help_opens_its_page(provider):
    from qgis.core import QgsApplication

    model = QgsApplication.processingRegistry().algorithmById("reegrade:ree_grade_workflow")
    page = _local_file(model.helpUrl())
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert all(html.escape(d.description(), quote=False) in text for d in model.parameterDefinitions())


def test_every_link_and_picture_resolves_offline():
    pages = list(SHIPPED.rglob("*.html"))
    assert {"index.html", "tutorial.html", "reference.html", "workflow.html"} <= {p.name for p in pages}
    broken = []
    for page in pages:
        for target in re.findall(r'(?:href|src)="([^"#]+)', page.read_text(encoding="utf-8")):
            if "://" in target or not (page.parent / target).is_file():
                broken.append(f"{page.relative_to(SHIPPED)} -> {target}")
    assert not broken, broken
    tutorial = (SHIPPED / "tutorial.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<img src="images/', tutorial)) >= 3


def test_reference_links_every_algorithm(provider):
    reference = (SHIPPED / "reference.html").read_text(encoding="utf-8")
    assert all(f'href="algorithms/{a.name()}.html"' in reference for a in _ree_algorithms(provider))


def test_package_ships_the_help():
    import package

    shipped = {str(path.relative_to(REPO)) for path in package.runtime_files()}
    assert {"help/html/index.html", "help/html/algorithms/trainbnn.html", "help/html/style.css"} <= shipped
