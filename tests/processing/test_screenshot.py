"""QGIS desktop under Xvfb with the plugin loaded: the toolbox shows the provider
and an algorithm dialog opens. `make screenshot` copies the picture into
docs/screenshot.png, which the README shows."""
import json
import shutil
import subprocess
from pathlib import Path

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


@pytest.mark.skipif(shutil.which("xvfb-run") is None or not (REPO / ".qgis-profile").exists(),
                    reason="needs xvfb-run and the profile made by `make setup`")
def test_every_help_button_opens_its_local_page(tmp_path):
    """In QGIS desktop, each REE Grade dialog's Help button (pressed, with file:// URLs recorded instead of opened)
    opens that algorithm's page in the plugin's help/html/."""
    from qgis.PyQt.QtCore import QUrl

    script = REPO / "tests" / "screenshot" / "help_buttons.py"
    run = subprocess.run([str(SCRIPT), str(tmp_path), str(script)], capture_output=True, text=True, timeout=240)
    result = tmp_path / "help_buttons.json"
    assert result.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    opened = json.loads(result.read_text())
    assert len(opened) >= 24
    for algorithm_id, url in opened.items():
        assert url, f"{algorithm_id}: the Help button opened nothing"
        page = QUrl(url).toLocalFile()
        expected = "workflow.html" if algorithm_id == "reegrade:ree_grade_workflow" else \
            f"{algorithm_id.split(':')[1]}.html"
        assert page.endswith(f"/help/html/{expected}") or page.endswith(f"/help/html/algorithms/{expected}"), url
        assert (Path(page)).is_file(), url
