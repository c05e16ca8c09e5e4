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


def test_plugin_imports_without_heavy_packages():
    """Loading the provider must not import torch, transformers, sklearn, pykrige or gpytorch."""
    code = (
        "import sys; sys.path.insert(0, %r)\n"
        "from qgis.core import QgsApplication\n"
        "app = QgsApplication([], False); app.initQgis()\n"
        "from ree_grade.processing_provider.provider import REEGradeProvider\n"
        "p = REEGradeProvider(); QgsApplication.processingRegistry().addProvider(p)\n"
        "heavy = [m for m in ('torch', 'transformers', 'sklearn', 'pykrige', 'gpytorch', 'rasterio') if m in sys.modules]\n"
        "print('HEAVY', heavy, len(p.algorithms()))\n"
    ) % str(PLUGINS_DIR)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    line = [l for l in out.stdout.splitlines() if l.startswith("HEAVY")]
    assert line, out.stderr[-2000:]
    assert line[0].startswith("HEAVY []"), line[0]


def test_plugin_class_factory(qgis_iface):
    import ree_grade

    plugin = ree_grade.classFactory(qgis_iface)
    plugin.initProcessing()
    try:
        assert plugin.provider is not None and plugin.provider.id() == "reegrade"
    finally:
        plugin.unload()
