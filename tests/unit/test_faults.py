"""Faults while writing, in a child process: killed (SIGKILL) half way, or
out of room (a file-size limit, as `ulimit -f` sets, which fails a write the
way a full disk does). Neither may leave a partial file under the name asked
for; the full disk is a plain error naming the file."""
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from helpers import PLUGINS_DIR

from ree_grade.algorithms.io.modelfile import ModelFileError, load_model, save_model

# The child writes through the plugin's writers; `stall` makes the write stop
# at a chosen point, say READY and wait there to be killed.
CHILD = r'''
import json, os, resource, signal, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from ree_grade.algorithms.common import atomic
from ree_grade.algorithms.io import raster
from ree_grade.algorithms.io.modelfile import save_model

what, target, stall = sys.argv[2], sys.argv[3], sys.argv[4]


def ready_and_wait():
    print("READY", flush=True)
    time.sleep(600)


if stall == "half-written":
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.handle.__exit__(*exc)

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            ready_and_wait()

    atomic.os.fdopen = lambda fd, mode: HalfWriter(real_fdopen(fd, mode))
elif stall == "before-rename":
    real_replace = os.replace

    def replace(source, destination):
        if os.path.abspath(destination) == os.path.abspath(target):
            ready_and_wait()
        real_replace(source, destination)

    atomic.os.replace = replace
elif stall.startswith("limit="):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(stall[len("limit="):])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

rng = np.random.default_rng(0)
try:
    if what == "model":
        save_model(target, "thing", 1, ["a"], {"scale": 2.0}, {"x": rng.normal(size=400_000)})
    elif what == "geotiff" and stall == "half-written":
        from rasterio.transform import from_origin

        with raster.atomic_geotiff(target, width=400, height=400, count=4, dtype="float32", crs="EPSG:32611",
                                   transform=from_origin(500000, 4000000, 1, 1)) as dst:
            dst.write(rng.normal(size=(400, 400)).astype("float32"), 1)
            ready_and_wait()
    else:
        from rasterio.transform import from_origin

        raster.write_bands(target, rng.normal(size=(4, 400, 400)), ["a", "b", "c", "d"],
                           from_origin(500000, 4000000, 1, 1), "EPSG:32611")
    result = {"error": None}
except Exception as error:
    result = {"error": type(error).__name__, "is_value_error": isinstance(error, ValueError), "message": str(error)}
print("RESULT " + json.dumps(result), flush=True)
'''


def start(what, target, stall):
    return subprocess.Popen([sys.executable, "-c", CHILD, str(PLUGINS_DIR), what, str(target), stall],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def kill_when_ready(child):
    """SIGKILL the child once it says it stalled inside the write."""
    line = child.stdout.readline()
    if line.strip() != "READY":
        child.kill()
        raise AssertionError(f"the child did not stall: {line!r} {child.stderr.read()[-2000:]}")
    child.send_signal(signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL


def _visible(folder):
    return sorted(name for name in os.listdir(folder) if not name.startswith(".tmp_"))


@pytest.mark.parametrize("what, name", [("model", "m.json"), ("geotiff", "r.tif")])
def test_killed_half_way_through_a_write_leaves_nothing_at_the_path(tmp_path, what, name):
    target = tmp_path / name
    kill_when_ready(start(what, target, "half-written"))
    assert not target.exists()
    # Only the writer's hidden temporary (a kill runs no clean-up) and, for a
    # model, nothing under its arrays file's name either: that is written first.
    assert _visible(tmp_path) == []
    leftovers = [n for n in os.listdir(tmp_path)]
    assert all(n.startswith(".tmp_") for n in leftovers) and leftovers


def test_killed_before_the_final_rename_keeps_the_previous_file_whole(tmp_path):
    target = tmp_path / "r.tif"
    done = start("geotiff", target, "none")
    assert "RESULT" in done.communicate(timeout=120)[0]
    before = target.read_bytes()
    kill_when_ready(start("geotiff", target, "before-rename"))
    assert target.read_bytes() == before


def test_a_model_killed_between_its_two_files_is_refused_not_misread(tmp_path):
    """The arrays file is replaced before the header; a kill between the two
    leaves the old header beside the new arrays, which loading refuses by the
    checksum (the previous model is lost: the pair is not replaced as one)."""
    target = tmp_path / "m.json"
    save_model(str(target), "thing", 1, ["a"], {"scale": 2.0}, {"x": np.zeros(3)})
    kill_when_ready(start("model", target, "before-rename"))
    with pytest.raises(ModelFileError, match="m.json: checksum mismatch"):
        load_model(str(target), "thing", 1)


@pytest.mark.parametrize("what, name", [("model", "m.json"), ("geotiff", "r.tif")])
def test_a_full_disk_is_a_clear_error_and_leaves_no_file(tmp_path, what, name):
    target = tmp_path / name
    out, err = start(what, target, "limit=200000").communicate(timeout=120)
    lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
    assert lines, err[-2000:]
    result = json.loads(lines[0][len("RESULT "):])
    assert result["error"] == "OutputWriteError" and result["is_value_error"], result
    written = "m.npz" if what == "model" else name  # a model's arrays file is written first
    assert result["message"].startswith(str(tmp_path / written) + ": could not be written")
    assert "the disk is full or the file is larger than the system allows" in result["message"]
    assert os.listdir(tmp_path) == []


def test_listening_to_gdal_leaves_the_log_as_it_found_it():
    import logging

    from ree_grade.algorithms.io.raster import gdal_errors

    logger = logging.getLogger("rasterio._env")
    before = logger.level, list(logger.handlers)
    with gdal_errors() as outer, gdal_errors() as inner:
        logger.info("GDAL signalled an error: err_no=1, msg='disk full'")
        logger.info("unrelated")
    assert outer == inner == ["disk full"]
    assert (logger.level, list(logger.handlers)) == before
