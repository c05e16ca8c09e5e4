"""Build the HTML help shipped inside the plugin (`help/html/`): the user guide and the
tutorial (hand-written fragments in `docs/guide/`), and the algorithm reference
generated from the provider itself: one page per algorithm with its name, group,
description, every parameter (label, type, default, whether optional or advanced,
help) and every output, plus a page for the workflow model. Each algorithm's Help
button opens its page (`helpUrl`), the plugin's Documentation menu the guide.

    .venv/bin/python scripts/build_docs.py          # or: make docs

A small self-contained writer rather than Sphinx or MkDocs: the pages are generated
from the live provider (which a site generator would need QGIS for anyway), the
build must run offline on a fresh clone, and the result is a handful of plain pages
with one stylesheet. The output is committed; `tests/processing/test_docs.py`
rebuilds it and fails when the shipped pages differ from the provider.
"""
import html
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "help" / "html"
GUIDE = REPO / "docs" / "guide"
# Hand-written pages: (file in docs/guide/, title shown in the navigation).
PAGES = [("index.html", "User guide"), ("tutorial.html", "Tutorial: the sample deposit")]
STYLE = """body { font-family: sans-serif; max-width: 60em; margin: 0 auto; padding: 0 1em 3em; line-height: 1.45;
  color: #222; }
nav { border-bottom: 1px solid #ccc; padding: 0.6em 0; margin-bottom: 1em; }
nav a { margin-right: 1.2em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1.2em; font-size: 0.93em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
code { background: #f4f4f4; padding: 0 0.2em; }
.flag { font-size: 0.8em; color: #555; white-space: nowrap; }
img { max-width: 100%; border: 1px solid #ccc; }
figcaption { font-size: 0.9em; color: #444; margin-bottom: 1.2em; }
"""
TYPE_NAMES = {
    "source": "Vector layer", "vector": "Vector layer", "raster": "Raster layer", "field": "Field",
    "number": "Number", "distance": "Distance", "enum": "Choice", "string": "Text", "boolean": "Yes / no",
    "file": "File", "crs": "CRS", "extent": "Extent", "multilayer": "Layers", "expression": "Expression",
    "sink": "Vector layer", "vectorDestination": "Vector layer", "rasterDestination": "Raster (GeoTIFF)",
    "fileDestination": "File", "folderDestination": "Folder",
    "outputVector": "Vector layer", "outputRaster": "Raster layer", "outputFile": "File", "outputHtml": "HTML page",
    "outputFolder": "Folder", "outputNumber": "Number", "outputString": "Text", "outputLayer": "Layer",
}
GROUP_ORDER = ("preparation", "features", "estimation", "validation")


def escape(text):
    return html.escape(str(text), quote=False)


def page(title, body, depth=0):
    """A whole page: `depth` folders below help/html/, so the links and the stylesheet resolve offline."""
    up = "../" * depth
    links = [f'<a href="{up}{name}">{escape(label)}</a>' for name, label in PAGES]
    links += [f'<a href="{up}reference.html">Algorithm reference</a>',
              f'<a href="{up}workflow.html">Workflow model</a>']
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)} — REE Grade'
            f'</title>\n<link rel="stylesheet" href="{up}style.css">\n</head>\n<body>\n<nav>{" ".join(links)}</nav>\n'
            f"{body}\n</body>\n</html>\n")


def paragraphs(text):
    return "\n".join(f"<p>{block.replace(chr(10), '<br>')}</p>" for block in text.split("\n\n") if block.strip())


def type_name(definition):
    name = TYPE_NAMES.get(definition.type(), definition.type())
    if definition.type() == "number":
        from qgis.core import QgsProcessingParameterNumber

        name = "Integer" if definition.dataType() == QgsProcessingParameterNumber.Integer else "Number"
    if definition.type() == "enum":
        name += ": " + ", ".join(definition.options())
    if definition.type() == "field" and definition.allowMultiple():
        name = "Fields (several)"
    return name


def default_text(definition):
    value = definition.defaultValue()
    if value is None or value == "":
        return ""
    if definition.type() == "enum":
        options = definition.options()
        indices = value if isinstance(value, list) else [value]
        return ", ".join(options[int(i)] for i in indices if str(i).isdigit() and int(i) < len(options))
    if definition.type() == "boolean":
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def flags_text(definition):
    from qgis.core import QgsProcessingParameterDefinition as Definition

    flags = []
    if definition.flags() & Definition.FlagOptional:
        flags.append("optional")
    if definition.flags() & Definition.FlagAdvanced:
        flags.append("advanced")
    return f'<span class="flag">{", ".join(flags)}</span>' if flags else ""


def parameter_rows(definitions):
    rows = ["<tr><th>Label</th><th>Type</th><th>Default</th><th>Help</th><th>Name in scripts</th></tr>"]
    for d in definitions:
        rows.append(f"<tr><td><b>{escape(d.description())}</b> {flags_text(d)}</td><td>{escape(type_name(d))}</td>"
                    f"<td>{escape(default_text(d))}</td><td>{escape(d.help())}</td><td><code>{d.name()}</code></td></tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def algorithm_page(algorithm):
    """The reference page of one REE Grade algorithm, from its own definitions."""
    parameters = [d for d in algorithm.parameterDefinitions() if not d.isDestination()]
    outputs = [d for d in algorithm.parameterDefinitions() if d.isDestination()]
    described = {d.name() for d in outputs}
    others = [o for o in algorithm.outputDefinitions() if o.name() not in described]
    help_text = algorithm.help_text(lambda label: f"<b>{escape(label)}</b>", escape=escape)
    body = [f"<h1>{escape(algorithm.displayName())}</h1>",
            f"<p>Group <b>{escape(algorithm.group())}</b>; in scripts and models "
            f"<code>reegrade:{algorithm.name()}</code>.</p>",
            "<h2>Description</h2>", paragraphs(help_text),
            "<h2>Parameters</h2>",
            "<p>Parameters marked <i>advanced</i> are folded under the dialog's <b>Advanced parameters</b>; their "
            "defaults suit a first run.</p>",
            parameter_rows(parameters), "<h2>Outputs</h2>", parameter_rows(outputs)]
    if others:
        body.append("<table>\n<tr><th>Label</th><th>Type</th><th>Name in scripts</th></tr>\n" + "\n".join(
            f"<tr><td><b>{escape(o.description())}</b></td><td>{escape(TYPE_NAMES.get(o.type(), o.type()))}</td>"
            f"<td><code>{o.name()}</code></td></tr>" for o in others) + "\n</table>")
    return page(algorithm.displayName(), "\n".join(body), depth=1)


def reference_page(algorithms):
    from ree_grade.processing_provider.base import GROUPS

    body = ["<h1>Algorithm reference</h1>",
            "<p>Every algorithm of the provider <b>REE Grade Estimation</b>, as its dialog shows it. The Help button "
            "of each dialog opens the same page.</p>"]
    for group in GROUP_ORDER:
        members = sorted((a for a in algorithms if a.GROUP == group), key=lambda a: a.displayName())
        body.append(f"<h2>{escape(GROUPS[group])}</h2>\n<table>\n<tr><th>Algorithm</th><th>What it does</th></tr>")
        for algorithm in members:
            first = " ".join(algorithm.help_text().split("\n\n")[0].split())
            body.append(f'<tr><td><a href="algorithms/{algorithm.name()}.html">{escape(algorithm.displayName())}'
                        f"</a></td><td>{escape(first)}</td></tr>")
        body.append("</table>")
    return page("Algorithm reference", "\n".join(body))


def workflow_page(model):
    """The bundled workflow model: what it asks for and what it writes."""
    inputs = sorted(model.parameterDefinitions(), key=lambda d: d.isDestination())
    children = model.childAlgorithms()
    steps = sorted(children.values(), key=lambda c: (c.position().y(), c.position().x()))
    rows = [f"<tr><td><code>{c.childId()}</code></td><td>{_algorithm_link(c.algorithmId())}</td>"
            f"<td>{escape(', '.join(sorted(c.modelOutputs())))}</td></tr>" for c in steps]
    body = ["<h1>Workflow model</h1>",
            "<p>The graphical-modeler model <code>models/ree_grade_workflow.model3</code> (menu <b>Plugins &gt; "
            "REE Grade &gt; Open REE grade workflow model</b>, or the Processing toolbox under "
            "<b>REE Grade Estimation &gt; "
            f"{escape(model.group())}</b>) chains every stage from the drillhole tables to the report. "
            f"{escape(model.shortDescription() or model.helpContent().get('ALG_DESC', ''))}</p>",
            "<h2>Inputs and outputs</h2>", parameter_rows(inputs),
            "<h2>Steps</h2>", "<p>In the order of the model's rows (a step reads only steps above it).</p>",
            "<table>\n<tr><th>Step</th><th>Algorithm</th><th>Model outputs</th></tr>\n" + "\n".join(rows)
            + "\n</table>"]
    return page("Workflow model", "\n".join(body))


def _algorithm_link(algorithm_id):
    provider, _, name = algorithm_id.partition(":")
    if provider == "reegrade":
        return f'<a href="algorithms/{name}.html"><code>{algorithm_id}</code></a>'
    return f"<code>{algorithm_id}</code> (QGIS)"


def referenced_images():
    """The pictures the guide pages show (`src="images/x.png"`), from docs/guide/images/ or the README's docs/; only
    those are shipped."""
    names = sorted({name for page_name, _ in PAGES
                    for name in re.findall(r'src="images/([^"]+)"', (GUIDE / page_name).read_text(encoding="utf-8"))})
    found = []
    for name in names:
        candidates = [folder / name for folder in (GUIDE / "images", REPO / "docs") if (folder / name).exists()]
        if not candidates:
            raise SystemExit(f"docs/guide shows images/{name}, which is in neither docs/guide/images/ nor docs/; "
                             "make it with `make docs-screenshots`")
        found.append(candidates[0])
    return found


def guide_page(name, title):
    return page(title, (GUIDE / name).read_text(encoding="utf-8").strip())


def write_site(out=OUT):
    """Write every page into `out` (emptied first) and return the files written, relative to it. Needs a running
    QgsApplication with the REE Grade plugin importable."""
    from qgis.core import QgsProcessingModelAlgorithm

    from ree_grade.processing_provider.provider import PLUGIN_DIR, discover_algorithm_classes

    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "algorithms").mkdir(parents=True)
    (out / "images").mkdir()
    algorithms = []
    for cls in discover_algorithm_classes():
        algorithm = cls()
        algorithm.initAlgorithm()
        algorithms.append(algorithm)
        (out / "algorithms" / f"{cls.NAME}.html").write_text(algorithm_page(algorithm), encoding="utf-8")
    (out / "reference.html").write_text(reference_page(algorithms), encoding="utf-8")
    model = QgsProcessingModelAlgorithm()
    if not model.fromFile(os.path.join(PLUGIN_DIR, "models", "ree_grade_workflow.model3")):
        raise SystemExit("could not read models/ree_grade_workflow.model3")
    (out / "workflow.html").write_text(workflow_page(model), encoding="utf-8")
    for name, title in PAGES:
        (out / name).write_text(guide_page(name, title), encoding="utf-8")
    for image in referenced_images():
        shutil.copyfile(image, out / "images" / image.name)
    (out / "style.css").write_text(STYLE, encoding="utf-8")
    return sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())


def main(out=OUT):
    # A profile of its own, so the defaults shown are the factory ones, not a developer's settings page.
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = tempfile.mkdtemp(prefix="ree_grade_docs_")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(REPO / ".qgis-plugins"))
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    try:
        # The workflow model's outputs are known only when QGIS's own algorithms and ours are registered.
        from build_model import _register_providers

        _register_providers()
        files = write_site(out)
        print(f"wrote {len(files)} files into {out}")
    finally:
        app.exitQgis()
        shutil.rmtree(os.environ["QGIS_CUSTOM_CONFIG_PATH"], ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
