"""The provider loads, carries its groups and keeps heavy imports lazy."""
import subprocess
import sys

from conftest import PLUGINS_DIR

EXPECTED_GROUPS = {"preparation", "features", "estimation", "validation"}


def test_provider_identity(provider):
    assert provider.id() == "reegrade"
    assert provider.name() == "REE Grade Estimation"


def test_every_algorithm_is_complete(provider):
    algorithms = provider.algorithms()
    assert algorithms, "the provider registered no algorithm"
    for algorithm in algorithms:
        assert algorithm.groupId() in EXPECTED_GROUPS, algorithm.id()
        assert algorithm.displayName(), algorithm.id()
        assert len(algorithm.shortHelpString()) > 80, f"{algorithm.id()} has no real help text"
        assert algorithm.createInstance().name() == algorithm.name()


def test_plugin_loads_provider_without_heavy_packages():
    """classFactory -> initProcessing registers the provider with every algorithm
    and imports none of torch, transformers, sklearn, pykrige, gpytorch or
    rasterio; unload removes it. In a fresh interpreter so nothing is preloaded."""
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from qgis.core import QgsApplication\n"
        "app = QgsApplication([], False); app.initQgis()\n"
        "import ree_grade\n"
        "plugin = ree_grade.classFactory(None); plugin.initProcessing()\n"
        "registry = QgsApplication.processingRegistry()\n"
        "n = len(registry.providerById('reegrade').algorithms())\n"
        "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'pykrige', 'gpytorch', 'rasterio') if m in sys.modules]\n"
        "plugin.unload()\n"
        "print('RESULT', n, registry.providerById('reegrade') is None, heavy)\n"
    ) % str(PLUGINS_DIR)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [l for l in out.stdout.splitlines() if l.startswith("RESULT")]
    assert line, out.stderr[-2000:]
    _, n_algorithms, removed, heavy = line[0].split(" ", 3)
    assert int(n_algorithms) > 0
    assert removed == "True"
    assert heavy == "[]", f"heavy packages imported at load: {heavy}"
