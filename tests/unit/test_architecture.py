"""The house rules of algorithms/, read from the source with ast (nothing is
imported): the science never imports QGIS or Qt, its modules form no import
cycle, its packages import one way, and it stays in subpackages. The unit tests
themselves must run without QGIS, so they are held to the same first rule."""
import ast
from collections import defaultdict

from helpers import REPO, TESTS

ALGORITHMS = REPO / "algorithms"
# Top-level names that mean QGIS, its Qt binding or its Processing framework.
QGIS_NAMES = {"qgis", "PyQt5", "PyQt6", "sip", "processing"}

# Imports run one way, from higher to lower rank; a package imports only
# packages of a strictly lower rank (and itself). common holds the helpers and
# io the file formats on top of them (model files write through
# common.atomic); the table, spectral, log-text and geology-map readers prepare
# data and know no estimator; the estimators (geostats, ml) and the synthetic
# deposit generator, which drills through drillholes, build on those; the
# cross-validation loop and the resource figures use estimators; reports show
# what validation and resources return. Peers of one rank do not import each
# other: what needs two of them belongs a rank higher.
RANK = {
    "common": 0,
    "io": 1,
    "drillholes": 2, "spectral": 2, "logtext": 2, "geology": 2,
    "geostats": 3, "synthetic": 3,
    # The spatial network (ml.stacked) stands on kriging: its memory and its guard.
    "ml": 4,
    "validation": 5, "resources": 5,
    "reports": 6,
}
MAX_TOP_LEVEL_MODULES = 6


def _sources(folder):
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)


def _module_name(path):
    """Dotted name below the plugin: algorithms.geostats.kriging, algorithms.ml.bnn."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """(line, absolute dotted target or None, text) of every import in the file,
    top-level or inside functions; relative imports resolved against the file's
    package, a relative import reaching above the plugin gives None."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            text = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            if node.level == 0:
                base = node.module or ""
                if base.startswith("ree_grade."):
                    base = base[len("ree_grade."):]
            elif node.level - 1 > len(package):
                found.append((node.lineno, None, text))
                continue
            else:
                base = ".".join(package[:len(package) - (node.level - 1)] + ([node.module] if node.module else []))
            for alias in node.names:
                found.append((node.lineno, f"{base}.{alias.name}" if base else alias.name, text))
    return found


def _qgis_imports(paths):
    bad = []
    for path in paths:
        for line, target, text in _imports(path):
            if target is not None and target.split(".")[0] in QGIS_NAMES:
                bad.append(f"{path.relative_to(REPO)}:{line}: {text}")
    return bad


def test_the_science_never_imports_qgis_or_qt():
    bad = _qgis_imports(_sources(ALGORITHMS))
    assert not bad, "algorithms/ must run without QGIS; move these into processing_provider/:\n" + "\n".join(bad)


def test_the_science_does_not_reach_into_the_plugin():
    """algorithms/ is imported by the Processing layer, never the other way."""
    bad = []
    for path in _sources(ALGORITHMS):
        for line, target, text in _imports(path):
            outside = target is None or target.split(".")[0] in {"processing_provider", "plugin", "ui"}
            if outside:
                bad.append(f"{path.relative_to(REPO)}:{line}: {text}")
    assert not bad, "\n".join(bad)


def test_the_unit_tests_run_without_qgis():
    paths = _sources(TESTS / "unit") + [TESTS / "conftest.py", TESTS / "helpers.py"]
    bad = _qgis_imports(paths)
    assert not bad, "tests/unit must run with -p no:pytest_qgis; move these to tests/processing:\n" + "\n".join(bad)


def _graph():
    """{module: {(imported module, line)}} among the modules of algorithms/."""
    modules = {_module_name(p): p for p in _sources(ALGORITHMS)}
    graph = defaultdict(set)
    for name, path in modules.items():
        for line, target, _ in _imports(path):
            if target is None:
                continue
            # `from .x import y` names module x.y if it exists, else module x.
            for candidate in (target, target.rsplit(".", 1)[0]):
                if candidate in modules and candidate != name:
                    graph[name].add((candidate, line))
                    break
    return modules, graph


def _find_cycle(modules, graph):
    state, stack = {}, []

    def visit(name):
        state[name] = "open"
        stack.append(name)
        for target, _ in sorted(graph[name]):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[name] = "done"
        return None

    for name in sorted(modules):
        if name not in state:
            cycle = visit(name)
            if cycle:
                return cycle
    return None


def test_no_import_cycle_among_the_modules():
    modules, graph = _graph()
    # A package's __init__ importing its own modules is how packages re-export;
    # the modules importing the package back is the cycle that matters.
    cycle = _find_cycle(modules, graph)
    if cycle:
        lines = {(a, b): line for a in graph for b, line in graph[a]}
        steps = [f"{a} (line {lines[(a, b)]}) -> {b}" for a, b in zip(cycle, cycle[1:])]
        raise AssertionError("import cycle:\n" + "\n".join(steps))


def _package(module):
    """The subpackage of algorithms/ a module belongs to (its own stem for a
    module sitting directly in algorithms/); None for algorithms/__init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def test_every_package_has_a_rank():
    packages = {_package(name) for name in _graph()[0]} - {None}
    unranked = sorted(packages - set(RANK))
    assert not unranked, f"give {unranked} a rank in RANK (tests/unit/test_architecture.py), with the reason"


def _wrong_way(modules, graph):
    bad = []
    for name, targets in sorted(graph.items()):
        source = _package(name)
        for target, line in sorted(targets):
            goal = _package(target)
            if source is None or goal is None or source == goal or source not in RANK or goal not in RANK:
                continue
            if RANK[goal] >= RANK[source]:
                bad.append(f"{modules[name].relative_to(REPO)}:{line}: {source} (rank {RANK[source]}) imports "
                           f"{target} ({goal}, rank {RANK[goal]})")
    return bad


def test_packages_import_one_way():
    bad = _wrong_way(*_graph())
    assert not bad, "imports must run reports -> validation/resources -> ml/geostats -> common/io:\n" + "\n".join(bad)


def test_algorithms_stays_in_subpackages():
    loose = sorted(p.name for p in ALGORITHMS.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= MAX_TOP_LEVEL_MODULES, f"{len(loose)} modules directly in algorithms/: {loose}"


def test_the_rules_catch_what_they_guard(tmp_path, monkeypatch):
    """The checks above would pass vacuously if the parsing missed imports."""
    source = tmp_path / "algorithms" / "geostats" / "m.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from qgis.core import QgsPoint\n    from ...processing_provider import base\n"
                      "from ..reports import figures\nimport PyQt5.QtCore\n")
    monkeypatch.setattr("test_architecture.REPO", tmp_path)
    found = sorted((line, target) for line, target, _ in _imports(source))
    assert found == [(2, "qgis.core.QgsPoint"), (3, "processing_provider.base"), (4, "algorithms.reports.figures"),
                     (5, "PyQt5.QtCore")]
    assert len(_qgis_imports([source])) == 2

    (tmp_path / "algorithms" / "common").mkdir()
    (tmp_path / "algorithms" / "common" / "a.py").write_text("from ..geostats import m\n")
    monkeypatch.setattr("test_architecture.ALGORITHMS", tmp_path / "algorithms")
    source.write_text("from ..common import a\n")
    modules, graph = _graph()
    assert _find_cycle(modules, graph) == ["algorithms.common.a", "algorithms.geostats.m", "algorithms.common.a"]
    assert [line.split(": ", 1)[1] for line in _wrong_way(modules, graph)] == [
        "common (rank 0) imports algorithms.geostats.m (geostats, rank 3)"]
