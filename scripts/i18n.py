"""Translations: `update` regenerates i18n/ree_grade_<locale>.ts from the
strings the plugin shows (provider, groups, algorithm names, parameter labels,
menu and settings page), keeping every translation already in the files;
`compile` turns them into .qm with lrelease. Translators edit the .ts files
(Qt Linguist, or by hand).

Run with the venv's Python (it loads the provider): `make translations`."""
import ast
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
I18N = REPO / "i18n"
LOCALES = ("zh_CN", "es")


def collect():
    """[(context, source)] in a stable order, without duplicates."""
    sys.path.insert(0, str(REPO / ".qgis-plugins"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from ree_grade.processing_provider.base import GROUPS, WORKFLOW_GROUP
    from ree_grade.processing_provider.provider import discover_algorithm_classes

    strings = [("REEGradeProvider", "REE Grade Estimation")]
    strings += [("REEGradeAlgorithm", name) for name in (*GROUPS.values(), WORKFLOW_GROUP)]
    for cls in discover_algorithm_classes():
        algorithm = cls()
        algorithm.initAlgorithm()
        context = cls.__name__
        strings.append((context, cls.DISPLAY_NAME))
        strings += [(context, p.description()) for p in algorithm.parameterDefinitions()]
    strings += [("REEGradeMenu", s) for s in ("Open REE grade workflow model", "Documentation", "Settings…")]
    strings += [("REEGradeSettings", s) for s in ("REE Grade", "Default cut-offs", "Default random seed",
                                                     "Dask scheduler")]
    strings += [("REEGradeMenu", "Variogram panel…")]
    strings += [("REEGradeVariogramPanel", s) for s in tr_literals(REPO / "ui" / "variogram_panel.py")]
    strings += [("REEGradeMenu", "3D view…")]
    strings += [("REEGradeView3D", s) for s in tr_literals(REPO / "ui" / "view3d.py")]
    # The drillhole import dialog: its menu entry and every tr("...") literal of its module.
    strings += [("REEGradeMenu", "Import drillholes…")]
    strings += [("ImportDialog", s) for s in tr_literals(REPO / "ui" / "import_dialog.py")]
    seen, unique = set(), []
    for item in strings:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def tr_literals(path):
    """The string literals passed to tr() in a module, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
             and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]
    return [node.args[0].value for node in sorted(calls, key=lambda node: (node.lineno, node.col_offset))]


def existing_translations(path):
    if not path.exists():
        return {}
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.text and translation.get("type") != "unfinished":
                found[(name, message.findtext("source"))] = translation.text
    return found


def write_ts(path, locale, strings, translations):
    root = ET.Element("TS", version="2.1", language=locale)
    contexts = {}
    for context, source in strings:
        if context not in contexts:
            element = ET.SubElement(root, "context")
            ET.SubElement(element, "name").text = context
            contexts[context] = element
        message = ET.SubElement(contexts[context], "message")
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        text = translations.get((context, source))
        if text:
            translation.text = text
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    header = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
    path.write_text(header + ET.tostring(root, encoding="unicode") + "\n",
                    encoding="utf-8")


def update():
    strings = collect()
    for locale in LOCALES:
        path = I18N / f"ree_grade_{locale}.ts"
        translations = existing_translations(path)
        write_ts(path, locale, strings, translations)
        missing = sum(1 for s in strings if s not in translations)
        print(f"{path.name}: {len(strings)} strings, {missing} untranslated")


def compile_all():
    for locale in LOCALES:
        ts = I18N / f"ree_grade_{locale}.ts"
        subprocess.run(["lrelease", "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    {"update": update, "compile": compile_all}[sys.argv[1]]()
