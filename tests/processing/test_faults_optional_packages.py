"""The plugin without an optional package: in a fresh interpreter whose import
system refuses the package (a `sys.meta_path` finder raising ImportError, as
when QGIS's Python lacks it), classFactory, initGui, initProcessing and the
settings page work, the toolbox keeps every algorithm, and an algorithm that
needs the package says which one and how to install it."""
import json
import os
import subprocess
import sys

import pytest
from helpers import PLUGINS_DIR, TESTS

CHILD = r'''
import importlib.abc, json, sys

BLOCKED = set(sys.argv[1].split(","))


class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Refuse())
sys.path[:0] = [sys.argv[2], sys.argv[3], "/usr/share/qgis/python/plugins"]
from qgis.core import QgsApplication, QgsProcessingException, QgsVectorLayer, QgsFeature, QgsGeometry, QgsPointXY

app = QgsApplication([], True)
app.initQgis()
from processing.core.Processing import Processing
import processing

Processing.initialize()
import ree_grade
from test_ui import RecordingIface

iface = RecordingIface()
plugin = ree_grade.classFactory(iface)
plugin.initGui()
provider = QgsApplication.processingRegistry().providerById("reegrade")
page = iface.factories[0].createWidget(None)
page.cutoffs.setText("2, 1")
page.apply()
result = {"algorithms": sorted(a.name() for a in provider.algorithms()),
          "load_errors": [list(e) for e in provider.load_errors], "menu": [a.text() for _, a in iface.menu]}
layer = QgsVectorLayer("Point?crs=EPSG:32611&field=La_ppm:double", "samples", "memory")
for i in range(8):
    feature = QgsFeature(layer.fields())
    feature.setAttributes([float(i + 1)])
    feature.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(500000 + i, 4000000)))
    layer.dataProvider().addFeature(feature)
runs = {"boxcox": {"INPUT": layer, "FIELDS": ["La_ppm"], "OUTPUT": sys.argv[4] + "/bc.gpkg"},
        "predictbnn": {"MODEL": sys.argv[5], "INPUT": layer, "OUTPUT": sys.argv[4] + "/bnn.gpkg"}}
name = sys.argv[6]
try:
    processing.run("reegrade:" + name, runs[name])
    result["message"] = None
except QgsProcessingException as error:
    result["message"] = str(error)
result["left"] = sorted(__import__("os").listdir(sys.argv[4]))
result["loaded_blocked"] = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
plugin.unload()
print("RESULT " + json.dumps(result))
'''

# Package refused -> the algorithm run to hear about it.
PACKAGES = {"scipy": "boxcox", "torch": "predictbnn", "safetensors": "predictbnn", "transformers": "boxcox",
            "gpytorch": "boxcox", "rasterio": "boxcox"}


def run_without(package, algorithm, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    model = tmp_path / "model.json"
    model.write_text("{}")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, package, str(PLUGINS_DIR), str(TESTS / "processing"), str(out), str(model),
         algorithm], capture_output=True, text=True, timeout=300, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    return json.loads(lines[0][len("RESULT "):])


@pytest.fixture(scope="module")
def expected_algorithms(provider):
    return sorted(a.name() for a in provider.algorithms())


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_the_plugin_loads_and_the_algorithm_names_the_missing_package(tmp_path, expected_algorithms, package):
    result = run_without(package, PACKAGES[package], tmp_path)
    assert result["menu"] == ["Open REE grade workflow model", "Import drillholes…", "Documentation", "Settings…",
                              "Variogram panel…", "3D view…"]
    # hyperscore's science module imports scipy at its top (test below).
    known = {"alg_hyperscore"} if package == "scipy" else set()
    assert {name for name, _ in result["load_errors"]} <= known, result["load_errors"]
    missing = set(expected_algorithms) - set(result["algorithms"])
    assert missing <= ({"hyperscore"} if package == "scipy" else set()), missing
    needs = {"scipy": "boxcox", "torch": "predictbnn", "safetensors": "predictbnn"}
    if needs.get(package) == PACKAGES[package]:
        assert result["message"] is not None
        assert f"needs the Python package '{package}'" in result["message"]
        assert f"python3 -m pip install {package}" in result["message"]
        assert "Traceback" not in result["message"] and result["left"] == []
    else:
        assert result["message"] is None and result["left"] == ["bc.gpkg"], result["message"]


def test_without_scipy_hyperscore_stays_in_the_toolbox(tmp_path, expected_algorithms):
    result = run_without("scipy", "boxcox", tmp_path)
    assert result["load_errors"] == [] and result["algorithms"] == expected_algorithms
