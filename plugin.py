"""Plugin object: registers the Processing provider with QGIS."""
from qgis.core import QgsApplication

from .processing_provider.provider import REEGradeProvider


class REEGradePlugin:
    def __init__(self, iface):
        self.iface = iface
        # QGIS only keeps a weak reference to the provider; without ours it is
        # garbage-collected and vanishes from the toolbox.
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS API name)
        self.provider = REEGradeProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS API name)
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
