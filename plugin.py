"""Plugin object: registers the Processing provider, the menu, toolbar and
settings page, and the translation for the user's locale."""
import os

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from .processing_provider.provider import REEGradeProvider

PLUGIN_DIR = os.path.dirname(__file__)


# QGIS's language list names Simplified Chinese after its own qgis_zh-Hans.qm.
LOCALE_ALIASES = {"zh-Hans": "zh_CN", "zh_Hans": "zh_CN"}


def install_translator():
    """The .qm of the user's QGIS locale (zh_CN, es), if there is one."""
    locale = str(QgsSettings().value("locale/userLocale", "") or "")
    locale = LOCALE_ALIASES.get(locale, locale)
    for candidate in (locale, locale[:2]):
        path = os.path.join(PLUGIN_DIR, "i18n", f"ree_grade_{candidate}.qm")
        if candidate and os.path.exists(path):
            translator = QTranslator()
            if translator.load(path):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


class REEGradePlugin:
    def __init__(self, iface):
        self.iface = iface
        # QGIS keeps only a weak reference to the provider and Qt to the
        # translator; without ours both are garbage-collected.
        self.provider = None
        self.menu = None
        self.translator = install_translator()

    def initProcessing(self):  # noqa: N802 (QGIS API name)
        if self.provider is None:
            self.provider = REEGradeProvider()
            # A second copy of the plugin (or a provider a test registered) owns
            # the id already; QGIS then deletes ours, so drop the reference.
            if not QgsApplication.processingRegistry().addProvider(self.provider):
                self.provider = None

    def initGui(self):  # noqa: N802 (QGIS API name)
        self.initProcessing()
        if self.iface is not None:
            from .ui.menu import REEGradeMenu

            self.menu = REEGradeMenu(self.iface)
            self.menu.init()

    def unload(self):
        if self.menu is not None:
            self.menu.unload()
            self.menu = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
