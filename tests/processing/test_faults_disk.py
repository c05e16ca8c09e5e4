"""A full disk through processing.run, in a child QGIS under a file-size
limit (`ulimit -f`, which fails a write as a full disk does): the user reads
one sentence naming the file, no traceback, and no file is left."""
import json
import os
import subprocess
import sys

import pytest
from helpers import PLUGINS_DIR
from test_hyperspectral import mixture_cube, write_geotiff

CHILD = r'''
import json, os, resource, signal, sys
sys.path[:0] = [sys.argv[1], "/usr/share/qgis/python/plugins"]
from qgis.core import QgsApplication, QgsProcessingException

app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing
import processing

Processing.initialize()
from ree_grade.processing_provider.provider import REEGradeProvider

provider = REEGradeProvider()  # QGIS holds providers weakly
QgsApplication.processingRegistry().addProvider(provider)
name, parameters = sys.argv[2], json.loads(sys.argv[3])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    processing.run("reegrade:" + name, parameters)
    result = {"message": None}
except QgsProcessingException as error:
    result = {"message": str(error)}
print("RESULT " + json.dumps(result), flush=True)
'''


def run_with_limit(name, parameters, limit):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CHILD, str(PLUGINS_DIR), name, json.dumps(parameters), str(limit)],
                          capture_output=True, text=True, timeout=300, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-3000:]
    return json.loads(lines[0][len("RESULT "):])["message"]


@pytest.fixture
def cube(tmp_path, data_dir):
    values, wavelengths, _ = mixture_cube(data_dir, rows=60, cols=50)
    return write_geotiff(tmp_path / "cube.tif", values, wavelengths)


def test_a_full_disk_while_writing_the_feature_raster(tmp_path, cube):
    out = tmp_path / "out"
    out.mkdir()
    message = run_with_limit("hyperspectralfeatures", {"INPUT": cube, "OUTPUT": str(out / "features.tif")}, 100_000)
    assert message is not None and message.startswith(str(out / "features.tif") + ": could not be written (GDAL: ")
    assert "the disk is full" in message and "Traceback" not in message
    assert os.listdir(out) == []


def test_the_same_run_with_room_writes_the_raster(tmp_path, cube):
    out = tmp_path / "out"
    out.mkdir()
    assert run_with_limit("hyperspectralfeatures", {"INPUT": cube, "OUTPUT": str(out / "features.tif")},
                          100_000_000) is None
    assert os.listdir(out) == ["features.tif"]
