"""What every benchmark shares: the machine's description and the JSON result."""
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PLUGINS_DIR = REPO / ".qgis-plugins"


def import_plugin():
    """Make the checkout importable as `ree_grade`, as the tests do."""
    link = PLUGINS_DIR / "ree_grade"
    if not link.exists():
        PLUGINS_DIR.mkdir(exist_ok=True)
        link.symlink_to(REPO, target_is_directory=True)
    sys.path.insert(0, str(PLUGINS_DIR))


def machine():
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_result(topic, title, markdown, targets):
    """targets: [{"target", "goal", "reached", "met"}]."""
    (BENCH / "results").mkdir(exist_ok=True)
    result = {
        "title": title,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "markdown": markdown + f"\n\nMachine: {machine()}.",
        "targets": targets,
    }
    (BENCH / "results" / f"{topic}.json").write_text(json.dumps(result, indent=2))
    print(markdown)


def kept_run(path, rerun, measure):
    """The run kept at `path` (JSON), or measure() timed, kept there and
    returned: long benches survive an interrupted run and reassemble without
    measuring again; `rerun` measures again."""
    import time

    if path.exists() and not rerun:
        return json.loads(path.read_text())
    start = time.perf_counter()
    run = measure()
    run["seconds"] = time.perf_counter() - start
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(run, indent=1))
    return run

