"""Rewrite the algorithm table of README.md (between the ALGORITHMS markers)
from the provider itself, so the list stays true as stages land."""
import os
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START, END = "<!-- ALGORITHMS:START -->", "<!-- ALGORITHMS:END -->"


def table():
    sys.path.insert(0, str(REPO / ".qgis-plugins"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from ree_grade.processing_provider.base import GROUPS
    from ree_grade.processing_provider.provider import discover_algorithm_classes

    order = list(GROUPS)
    rows = ["| algorithm | group | what it does |", "|---|---|---|"]
    for cls in sorted(discover_algorithm_classes(), key=lambda c: (order.index(c.GROUP), c.DISPLAY_NAME)):
        # First sentence: a full stop followed by a capital, so "e.g. x" does not end it.
        # help_text(): parameters named by the labels the dialog shows, not their keys.
        first = re.split(r"(?<=\.)\s+(?='?[A-Z])", " ".join(cls().help_text().split()), maxsplit=1)[0]
        rows.append(f"| `reegrade:{cls.NAME}` {cls.DISPLAY_NAME} | {GROUPS[cls.GROUP]} | {first} |")
    return "\n".join(rows)


def main():
    readme = REPO / "README.md"
    text = readme.read_text()
    block = f"{START}\n{table()}\n{END}"
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.replace("ALGORITHM_TABLE", block)
    readme.write_text(text)


if __name__ == "__main__":
    main()
