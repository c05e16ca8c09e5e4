#!/usr/bin/env bash
# Pins derived from the system Python that QGIS uses, so pip never replaces a
# package that QGIS's compiled bindings were built against.
set -euo pipefail
/usr/bin/python3 - <<'PY'
import importlib
for module, dist in (("numpy", "numpy"),):
    try:
        version = importlib.import_module(module).__version__
    except ImportError:
        continue
    print(f"{dist}=={version}")
PY
