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


def load_sentence(load_start, load_end):
    """How busy the machine was, from the 1-minute loads at a bench's start
    and end: quiet when the higher is below 1 per core (the bench's own
    threads included), i.e. on average no runnable thread waited for a core;
    shared otherwise, when wall-clock times are inflated by the wait."""
    cores = os.cpu_count() or 1
    loads = f"1-minute load {load_start:.1f} at the start and {load_end:.1f} at the end"
    if max(load_start, load_end) < cores:
        return (f"Quiet machine ({cores} cores; {loads}, below 1 per core with this benchmark's own threads "
                "included, so on average no thread waited for a core)")
    return (f"Shared machine ({cores} cores, other jobs running; {loads}, at or above 1 per core, so threads "
            "waited for a core and absolute times are inflated)")


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

