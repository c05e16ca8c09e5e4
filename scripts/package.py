"""Build the zip a QGIS user installs: the plugin folder `ree_grade/` with the
runtime files only (no tests, benchmarks, scripts or development files)."""
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN_NAME = "ree_grade"
FILES = ["metadata.txt", "__init__.py", "plugin.py", "icon.svg", "LICENSE", "README.md"]
# help/html: the guide and algorithm reference the Help buttons and the Documentation menu open.
FOLDERS = ["algorithms", "processing_provider", "ui", "models", "sample_data", "i18n", "help"]
SKIP_SUFFIXES = {".pyc", ".ts", ".pro"}
SKIP_PARTS = {"__pycache__"}


def runtime_files():
    for name in FILES:
        yield REPO / name
    for folder in FOLDERS:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix not in SKIP_SUFFIXES and not SKIP_PARTS & set(path.parts):
                yield path


def main(target):
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in runtime_files():
            archive.write(path, f"{PLUGIN_NAME}/{path.relative_to(REPO)}")
    print(f"{target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else REPO / "dist" / f"{PLUGIN_NAME}.zip")
