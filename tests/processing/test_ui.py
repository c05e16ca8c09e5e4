"""Menu, toolbar and settings page, against a recording stand-in for QGIS's iface
(the real desktop is exercised by the screenshot test)."""
from pathlib import Path


class RecordingIface:
    def __init__(self):
        from qgis.PyQt.QtWidgets import QWidget

        self.window = QWidget()
        self.menu, self.toolbar, self.factories, self.opened = [], [], [], []

    def mainWindow(self):  # noqa: N802 (QGIS API name)
        return self.window

    def addPluginToMenu(self, name, action):  # noqa: N802
        self.menu.append((name, action))

    def removePluginMenu(self, name, action):  # noqa: N802
        self.menu.remove((name, action))

    def addToolBarIcon(self, action):  # noqa: N802
        self.toolbar.append(action)

    def removeToolBarIcon(self, action):  # noqa: N802
        if action in self.toolbar:
            self.toolbar.remove(action)

    def registerOptionsWidgetFactory(self, factory):  # noqa: N802
        self.factories.append(factory)

    def unregisterOptionsWidgetFactory(self, factory):  # noqa: N802
        self.factories.remove(factory)

    def showOptionsDialog(self, parent, currentPage=""):  # noqa: N802
        self.opened.append(currentPage)


def test_menu_toolbar_and_settings_page_come_and_go(qgis_app, monkeypatch):
    from ree_grade.plugin import REEGradePlugin
    from ree_grade.ui import menu

    iface = RecordingIface()
    iface.urls = []
    monkeypatch.setattr(menu.QDesktopServices, "openUrl", iface.urls.append)
    plugin = REEGradePlugin(iface)
    plugin.initGui()
    try:
        texts = [action.text() for _, action in iface.menu]
        assert texts == ["Open REE grade workflow model", "Import drillholes…", "Documentation", "Settings…",
                         "Variogram panel…", "3D view…"]
        assert [a.text() for a in iface.toolbar] == ["Open REE grade workflow model", "Import drillholes…"]
        assert len(iface.factories) == 1 and iface.factories[0].title() == "REE Grade"
        iface.menu[3][1].trigger()
        assert iface.opened == ["REE Grade"]
        assert iface.urls == [], "nothing is opened before the Documentation entry is chosen"
        iface.menu[1][1].trigger()
        assert plugin.menu.import_dialog.isVisible() and "collars" in plugin.menu.import_dialog.file_widgets
        plugin.menu.import_dialog.close()
        iface.menu[2][1].trigger()
        # The user guide shipped inside the plugin folder, not the raw README.md.
        assert len(iface.urls) == 1 and iface.urls[0].isLocalFile()
        guide = Path(iface.urls[0].toLocalFile())
        assert guide.name == "index.html" and guide.parent.name == "html" and guide.is_file()
        assert "REE Grade user guide" in guide.read_text(encoding="utf-8")
        iface.menu[4][1].trigger()
        panel = plugin.menu.variogram_panel
        assert panel is not None and panel.isVisible() and panel.parent() is iface.window
        assert panel.windowTitle() == "REE Grade variogram panel"
        iface.menu[4][1].trigger()
        assert plugin.menu.variogram_panel is panel, "one panel per session, raised again"
        iface.menu[5][1].trigger()
        view3d = plugin.menu.view3d
        assert view3d is not None and view3d.isVisible() and view3d.windowTitle() == "REE Grade 3D view"
    finally:
        plugin.unload()
    assert iface.menu == [] and iface.toolbar == [] and iface.factories == []
    assert not panel.isVisible() and not view3d.isVisible()


def test_settings_page_saves_validated_defaults(qgis_app):
    from ree_grade.processing_provider import settings
    from ree_grade.ui.settings_page import REEGradeOptionsPage

    page = REEGradeOptionsPage()
    page.cutoffs.setText("3, 0.5,1.5")
    page.seed.setValue(7)
    page.apply()
    assert settings.default_cutoffs() == "0.5, 1.5, 3"
    assert settings.default_seed() == 7
    page.cutoffs.setText("1, lots")
    page.apply()
    assert "'lots' is not a number" in page.message.text()
    assert settings.default_cutoffs() == "0.5, 1.5, 3"
    settings.save_defaults(settings.FACTORY_CUTOFFS, settings.FACTORY_SEED)


def test_settings_page_saves_a_valid_dask_scheduler_and_the_environment_wins(qgis_app, monkeypatch):
    from ree_grade.processing_provider import settings
    from ree_grade.ui.settings_page import REEGradeOptionsPage

    monkeypatch.delenv("REEGRADE_DASK_SCHEDULER", raising=False)
    page = REEGradeOptionsPage()
    assert page.scheduler.text() == ""
    try:
        page.scheduler.setText(" local:3 ")
        page.apply()
        assert settings.dask_scheduler() == ("local:3", "the plugin's settings page")
        page.scheduler.setText("my-cluster")
        page.apply()
        assert "Dask scheduler 'my-cluster': expected empty" in page.message.text()
        assert settings.dask_scheduler()[0] == "local:3"
        monkeypatch.setenv("REEGRADE_DASK_SCHEDULER", "tcp://10.1.2.3:8786")
        assert settings.dask_scheduler() == ("tcp://10.1.2.3:8786",
                                             "the environment variable REEGRADE_DASK_SCHEDULER")
        assert REEGradeOptionsPage().scheduler.text() == "local:3"  # the page shows (and saves) its own value
    finally:
        settings.save_dask_scheduler("")
