"""QGIS desktop under Xvfb with the plugin loaded: the toolbox shows the provider
and an algorithm dialog opens. `make screenshot` copies the picture into
docs/screenshot.png, which the README shows."""
import json
import shutil
import subprocess

import pytest
from helpers import REPO

SCRIPT = REPO / "tests" / "screenshot" / "run_capture.sh"


@pytest.mark.skipif(shutil.which("xvfb-run") is None or not (REPO / ".qgis-profile").exists(),
                    reason="needs xvfb-run and the profile made by `make setup`")
def test_desktop_shows_provider_and_dialog(tmp_path):
    out = tmp_path / "desktop"
    run = subprocess.run([str(SCRIPT), str(out)], capture_output=True, text=True, timeout=240)
    state_file = out.with_suffix(".json")
    assert state_file.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    state = json.loads(state_file.read_text())
    assert state["provider"], "the REE Grade provider is absent from the desktop's Processing registry"
    assert state["toolbox_shows_provider"], "the Processing toolbox does not list REE Grade Estimation"
    assert state["algorithms"] >= 15
    assert state["dialog"] and state["saved"]
    png = out.with_suffix(".png")
    assert png.stat().st_size > 50_000, "the screenshot is (nearly) blank"
