"""Simplified Chinese and Spanish translations: every string the plugin shows
is translated in i18n/*.ts, the compiled .qm files translate the provider,
groups, algorithm names and parameter labels at run time, and the plugin
picks the file of the user's QGIS locale."""
import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
from helpers import REPO

# Values and field names the user reads off a label and types must survive
# translation: identifiers such as TREO_pct or bc_, and the "0 = ..." style
# special values.
LITERAL_TOKENS = re.compile(r"\b[A-Za-z0-9]+_[A-Za-z0-9_]*|-?\d+(?:\.\d+)?(?=\s*[=:])")


def _load_i18n_script():
    """scripts/ is not a package; its collect() runs only in a child process
    (see `collected`), its .ts reader here."""
    spec = importlib.util.spec_from_file_location("ree_grade_i18n_script", REPO / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


I18N_SCRIPT = _load_i18n_script()


def _finished(locale):
    """{(context, source): translation} of the finished messages of one .ts file."""
    return I18N_SCRIPT.existing_translations(I18N_SCRIPT.I18N / f"ree_grade_{locale}.ts")


@pytest.fixture(scope="module")
def collected():
    """The collector's (context, source) list. It starts its own QgsApplication,
    which cannot coexist with the test session's, so it runs in a child process."""
    code = (
        "import importlib.util, json, sys\n"
        "spec = importlib.util.spec_from_file_location('i18n_script', %r)\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "print('RESULT ' + json.dumps(module.collect()))\n"
    ) % I18N_SCRIPT.__file__
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    lines = [line for line in out.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, out.stderr[-2000:]
    return [tuple(item) for item in json.loads(lines[0][len("RESULT "):])]


@pytest.fixture
def translator(qgis_app):
    """Install a locale's .qm on the application; removed after the test."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    installed = []

    def install(locale):
        translator = QTranslator()
        path = I18N_SCRIPT.I18N / f"ree_grade_{locale}.qm"
        assert translator.load(str(path)), f"cannot load {path.name}; run `make translations`"
        assert QCoreApplication.installTranslator(translator)
        installed.append(translator)
        return translator

    yield install
    for item in installed:
        QCoreApplication.removeTranslator(item)


def test_collector_sees_the_provider_algorithms_and_ui(collected):
    assert len(collected) == len(set(collected))
    contexts = {context for context, _ in collected}
    assert {"REEGradeProvider", "REEGradeAlgorithm", "REEGradeMenu", "REEGradeSettings"} <= contexts
    assert ("OrdinaryKrigingAlgorithm", "Ordinary kriging") in collected
    assert ("OrdinaryKrigingAlgorithm", "Variogram model") in collected


@pytest.mark.parametrize("locale", I18N_SCRIPT.LOCALES)
def test_every_collected_string_is_translated(collected, locale):
    finished = _finished(locale)
    missing = [item for item in collected if not finished.get(item, "").strip()]
    assert not missing, (
        f"ree_grade_{locale}.ts has no finished translation for "
        + "; ".join(f"[{context}] {source!r}" for context, source in missing)
        + ". Run `make translations`, translate the new entries in i18n/*.ts and run it again to compile."
    )


@pytest.mark.parametrize("locale", I18N_SCRIPT.LOCALES)
def test_translations_keep_field_names_and_special_values(locale):
    damaged = []
    for (context, source), text in _finished(locale).items():
        lost = [token for token in LITERAL_TOKENS.findall(source) if token not in text]
        if lost:
            damaged.append(f"[{context}] {source!r} -> {text!r} loses {lost}")
    assert not damaged, "\n".join(damaged)


EXPECTED = {
    "zh_CN": {
        "provider": "稀土品位估算",
        "group": "估值",
        "display": "普通克里金",
        "parameter": "变差函数模型",
        "mik": "多元指示克里金",
    },
    "es": {
        "provider": "Estimación de leyes de tierras raras",
        "group": "Estimación",
        "display": "Kriging ordinario",
        "parameter": "Modelo de variograma",
        "mik": "Kriging de indicadores múltiples",
    },
}


def _shown_strings(provider):
    kriging = provider.algorithm("ordinarykriging").createInstance()
    kriging.initAlgorithm()
    return {
        "provider": provider.name(),
        "group": kriging.group(),
        "display": kriging.displayName(),
        "parameter": kriging.parameterDefinition("VARIOGRAM").description(),
        "mik": provider.algorithm("mik").displayName(),
    }


@pytest.mark.parametrize("locale", I18N_SCRIPT.LOCALES)
def test_qm_translates_provider_groups_names_and_labels(provider, translator, locale):
    from qgis.PyQt.QtCore import QCoreApplication

    english = _shown_strings(provider)
    assert english["display"] == "Ordinary kriging"
    loaded = translator(locale)
    assert _shown_strings(provider) == EXPECTED[locale]

    # Every REE Grade algorithm, as shown: the .qm agrees with the .ts for each
    # name, group and parameter label. (The bundled graphical model's labels
    # live in its .model3 file, outside Qt's translation files.)
    from ree_grade.processing_provider.base import REEGradeAlgorithm

    finished = _finished(locale)
    wrong = []
    for algorithm in provider.algorithms():
        if not isinstance(algorithm, REEGradeAlgorithm):
            continue
        fresh = algorithm.createInstance()
        fresh.initAlgorithm()
        context = type(fresh).__name__
        shown = [fresh.displayName(), fresh.group()] + [p.description() for p in fresh.parameterDefinitions()]
        translated = {text for (ctx, _), text in finished.items() if ctx in (context, "REEGradeAlgorithm")}
        wrong += [f"{fresh.id()}: {text!r}" for text in shown if text not in translated]
    assert not wrong, (
        "shown untranslated: " + "; ".join(wrong) + ". Either the .qm is stale (run `make translations`) or a "
        "label is built as tr(template).format(...), which Qt looks up by the template: pass the whole label to tr()."
    )

    QCoreApplication.removeTranslator(loaded)
    assert _shown_strings(provider) == english


@pytest.fixture
def user_locale(qgis_app):
    """Set QGIS's locale/userLocale for one test and put the old value back."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    had_value = settings.contains("locale/userLocale")
    previous = settings.value("locale/userLocale")

    def set_locale(value):
        settings.setValue("locale/userLocale", value)

    yield set_locale
    if had_value:
        settings.setValue("locale/userLocale", previous)
    else:
        settings.remove("locale/userLocale")


@pytest.mark.parametrize(
    "setting, expected_file, expected_provider",
    [
        ("zh_CN", "ree_grade_zh_CN.qm", "稀土品位估算"),
        ("es_ES", "ree_grade_es.qm", "Estimación de leyes de tierras raras"),
        ("es", "ree_grade_es.qm", "Estimación de leyes de tierras raras"),
        # QGIS's own language list (Options > General > Override system locale)
        # stores Simplified Chinese as "zh-Hans", the name of its qgis_zh-Hans.qm.
        ("zh-Hans", "ree_grade_zh_CN.qm", "稀土品位估算"),
    ],
    ids=["zh_CN", "es_ES", "es", "zh-Hans"],
)
def test_plugin_installs_the_translation_of_the_user_locale(provider, user_locale, setting, expected_file,
                                                            expected_provider):
    from qgis.PyQt.QtCore import QCoreApplication

    from ree_grade import plugin

    user_locale(setting)
    installed = plugin.install_translator()
    assert installed is not None
    try:
        assert os.path.basename(installed.filePath()) == expected_file
        assert provider.name() == expected_provider
    finally:
        QCoreApplication.removeTranslator(installed)
    assert provider.name() == "REE Grade Estimation"


@pytest.mark.parametrize("setting", ["en_US", "de_DE", ""])
def test_plugin_stays_english_without_a_translation(provider, user_locale, setting):
    from ree_grade import plugin

    user_locale(setting)
    assert plugin.install_translator() is None
    assert provider.name() == "REE Grade Estimation"


@pytest.mark.parametrize("locale, expected", [("zh_CN", "工作流程"), ("es", "Flujo de trabajo")])
def test_workflow_model_group_is_translated(provider, translator, locale, expected):
    """The model file stores its group in English; the provider shows it in the user's language like the others."""
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication

    def workflow_group():
        return QgsApplication.processingRegistry().algorithmById("reegrade:ree_grade_workflow").group()

    assert workflow_group() == "Workflow"
    loaded = translator(locale)
    provider.refreshAlgorithms()
    try:
        assert workflow_group() == expected
    finally:
        QCoreApplication.removeTranslator(loaded)
        provider.refreshAlgorithms()
    assert workflow_group() == "Workflow"
