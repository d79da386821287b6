"""The Chinese interface: the shipped translation is complete and current, the app installs
it for a Chinese locale or the Language setting, and the window then speaks Chinese."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from medgui.ui import i18n
from medgui.ui.main_window import MainWindow
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

TS = i18n.I18N_DIR / "medgui_zh_CN.ts"
QM = i18n.I18N_DIR / "medgui_zh_CN.qm"


def _messages() -> list[ET.Element]:
    root = ET.parse(TS).getroot()
    assert root.get("language") == "zh_CN"
    return [m for m in root.iter("message")
            if m.find("translation").get("type") not in ("obsolete", "vanished")]


def test_the_chinese_translation_covers_at_least_95_percent_of_the_messages():
    messages = _messages()
    assert len(messages) >= 250  # lupdate found the interface's strings, not a stub
    finished = [m for m in messages
                if m.find("translation").get("type") != "unfinished"
                and (m.findtext("translation") or "").strip()]
    assert len(finished) / len(messages) >= 0.95, [
        m.findtext("source") for m in messages if m not in finished][:20]
    # Placeholders survive translation: a lost {0} would drop the file name or count.
    for m in finished:
        for slot in ("{0}", "{1}", "{2}"):
            assert (slot in m.findtext("source")) == (slot in m.findtext("translation")), \
                m.findtext("source")


def test_the_compiled_qm_is_current_and_translates_the_window_title():
    # Consistency by content, not file times (a git checkout sets those in any order).
    assert QM.is_file(), "run scripts/build_translations.sh"
    translator = QTranslator()
    assert translator.load(str(QM))
    assert translator.language() == "zh_CN"
    assert translator.translate("MainWindow", "medgui — diagnosis support") == "medgui — 辅助诊断"
    assert translator.translate("WindowPreset", "Lung") == "肺窗"
    # Every finished message of the .ts is in the .qm (no stale compile).
    root = ET.parse(TS).getroot()
    missing = [(c.findtext("name"), m.findtext("source")) for c in root.iter("context")
               for m in c.iter("message")
               if m.find("translation").get("type") is None
               and translator.translate(c.findtext("name") or "", m.findtext("source")) != m.findtext("translation")]
    assert not missing, ("the .qm is older than the .ts: run scripts/build_translations.sh", missing[:10])


@pytest.mark.parametrize(("locale", "expected"), [
    ("zh_CN", i18n.CHINESE), ("zh_TW", i18n.CHINESE), ("en_US", i18n.ENGLISH),
    ("de_DE", i18n.ENGLISH), ("C", i18n.ENGLISH),
])
def test_system_choice_follows_the_locale(locale, expected):
    assert i18n.resolve_language(i18n.SYSTEM, QLocale(locale)) == expected
    # An explicit choice wins over the locale.
    assert i18n.resolve_language(i18n.ENGLISH, QLocale(locale)) == i18n.ENGLISH
    assert i18n.resolve_language(i18n.CHINESE, QLocale(locale)) == i18n.CHINESE


def test_language_setting_is_kept_and_unknown_values_fall_back_to_system():
    assert i18n.language_setting() == i18n.SYSTEM  # a fresh medgui home
    i18n.set_language_setting(i18n.CHINESE)
    assert i18n.language_setting() == i18n.CHINESE
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language_setting("klingon")
    i18n._settings().setValue(i18n.SETTING, "klingon")
    assert i18n.language_setting() == i18n.SYSTEM


def test_english_installs_no_translation_and_the_suite_reads_english(qapp):
    """The suite asserts English texts: English (and a C/POSIX locale) installs nothing."""
    app = QApplication.instance()
    assert i18n.resolve_language(i18n.SYSTEM, QLocale("C")) == i18n.ENGLISH
    default_locale = QLocale()
    try:
        assert i18n.install_translators(app, i18n.ENGLISH) == []
    finally:
        QLocale.setDefault(default_locale)
    assert i18n.active_language() == i18n.ENGLISH
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


@pytest.fixture
def chinese(qapp):
    """The zh_CN translators installed as the app does at start-up; removed afterwards."""
    app = QApplication.instance()
    default_locale = QLocale()
    translators = i18n.install_translators(app, i18n.CHINESE)
    yield translators
    i18n.remove_translators(app, translators)
    QLocale.setDefault(default_locale)


def test_with_chinese_installed_the_window_speaks_chinese(qtbot, chinese):
    assert [t.language() for t in chinese] == ["zh_CN", "zh_CN"]  # Qt's own and medgui's
    assert i18n.active_language() == i18n.CHINESE
    ml, runner = MLService(), ThreadRunner()
    window = MainWindow(ml, runner)
    window.image_pane.auto_classify.setChecked(False)
    qtbot.addWidget(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["文件(&F)", "视图(&V)", "模型(&M)", "帮助(&H)"]
    assert window.windowTitle() == "medgui — 辅助诊断"
    assert [window.tabs.tabText(i) for i in range(2)] == ["影像", "病历"]
    controls = window.image_pane.controls
    assert controls.invert.text() == "反相"
    assert [controls.presets.itemText(i) for i in range(controls.presets.count())][-1] == "自定义"
    assert window.record_pane.panel.classify_button.text() == "分类"
    # Qt's own strings (standard buttons) come from qtbase_zh_CN.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    # Dates follow the chosen locale.
    assert i18n.format_datetime("2024-05-01T12:03:00") == "2024/5/1 12:03"
    ml.shutdown()
    runner.wait()


def test_view_language_menu_stores_the_choice_for_the_next_start(qtbot):
    ml, runner = MLService(), ThreadRunner()
    window = MainWindow(ml, runner)
    window.image_pane.auto_classify.setChecked(False)
    qtbot.addWidget(window)
    menu = window.language_menu
    assert [a.text() for a in menu.actions()] == ["System default", "English", "中文（简体）"]
    assert window.language_actions[i18n.SYSTEM].isChecked()
    window.language_actions[i18n.CHINESE].trigger()
    assert i18n.language_setting() == i18n.CHINESE
    assert window.language_actions[i18n.CHINESE].isChecked()
    assert "next started" in window.statusBar().currentMessage()
    ml.shutdown()
    runner.wait()


def test_dates_and_percentages_follow_the_locale(chinese):
    # The C locale (no locale at all) keeps ISO dates; a real locale gets its own format.
    QLocale.setDefault(QLocale("C"))
    assert i18n.format_datetime("2024-05-01T12:03:00") == "2024-05-01 12:03"
    assert i18n.format_datetime("not a date") == "not a date"
    assert i18n.format_percent(0.82) == "82%"
    QLocale.setDefault(QLocale("en_US"))
    assert i18n.format_datetime("2024-05-01T12:03:00").startswith("5/1/24")
    assert i18n.format_percent(0.4567, 1, space=True) == "45.7 %"
    QLocale.setDefault(QLocale("de_DE"))
    assert i18n.format_percent(0.4567, 1) == "45,7%"


def test_a_chinese_lang_starts_the_interface_in_chinese(tmp_path):
    """``LANG=zh_CN.UTF-8`` with the default setting ("system") installs Chinese, as
    ``run_app`` does at start-up; the system locale is read once per process."""
    import os
    import subprocess
    import sys

    script = ("from PySide6.QtCore import QCoreApplication as A\n"
              "from PySide6.QtWidgets import QApplication\n"
              "from medgui.ui import i18n\n"
              "app = QApplication([])\n"
              "i18n.install_translators(app)\n"
              "print(i18n.active_language(), A.translate('MainWindow', '&File'))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="zh_CN.UTF-8", LANGUAGE="", QT_QPA_PLATFORM="offscreen",
               MEDGUI_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out == ["zh_CN", "文件(&F)"]
    env["LANG"] = "C.UTF-8"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    assert out == ["en", "&File"]


def test_with_chinese_installed_the_training_wizard_speaks_chinese(qtbot, chinese):
    from PySide6.QtWidgets import QWizard

    from medgui.ui.training.training_wizard import TrainingWizard
    from medgui.ui.training.wizard_common import Pages

    ml, runner = MLService(), ThreadRunner()
    wizard = TrainingWizard(ml, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.page(Pages.TASK)
    assert wizard.windowTitle() == "训练模型"
    assert page.title() == "模型要分类什么？"
    assert page.image.text().startswith("图像（胸部 X 线片")
    assert page.text.text().startswith("文本（临床病历")
    # The wizard's own buttons come from Qt's translation, and read as our texts refer to them.
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "下一步(&N) >"
    assert wizard.button(QWizard.WizardButton.CancelButton).text() == "取消"
    # The choices core describes (plain data, no Qt) are translated at the interface.
    model = wizard.page(Pages.MODEL)
    assert model.start_from.itemText(0).startswith("从随附的胸片模型开始")
    ml.shutdown()
    runner.wait()


def test_every_training_choice_core_describes_has_a_translation(chinese):
    """``core.training.options`` / ``multilabel`` texts are looked up verbatim: one changed in
    core but not in ``option_texts`` would show in English."""
    from medgui.core.training import multilabel
    from medgui.core.training import options as o
    from medgui.ui.training.option_texts import option_text

    texts = [*o.IMAGE_ARCHITECTURES.values(), *o.TEXT_ARCHITECTURES.values(),
             *o.IMBALANCE_CHOICES.values(), *o.START_FROM_CHOICES.values(),
             *o.NORMALISE_CHOICES.values(), o.AUGMENTATION_NOTE, o.FLIP_NOTE,
             *multilabel.RULES.values()]
    untranslated = [t for t in texts if option_text(t) == t]
    assert not untranslated


def test_the_borderline_rule_template_says_what_core_says(qapp):
    """The panel shows core's rule through a translatable template: in English, word for word."""
    from medgui.core.imaging.reading import BORDERLINE_RULE
    from medgui.ui.imaging.prediction_panel import borderline_rule

    assert borderline_rule() == BORDERLINE_RULE


def test_the_population_warning_core_writes_reads_chinese(qtbot, chinese):
    from medgui.ui.imaging.prediction_panel import PredictionPanel

    panel = PredictionPanel()
    qtbot.addWidget(panel)
    text = "the patient's age (62 years) is outside the model's training population (ages 1-5 years)"
    outside = {"amount": 62, "unit": "year", "older": False, "ages": [1.0, 5.0], "text": text}
    assert panel.warning_text(text, outside) == "患者年龄（62 岁）超出模型训练人群的年龄范围（1-5 岁）"
    older = {**outside, "amount": 90, "older": True, "text": "the patient's age (90 years or older) is ..."}
    assert "90 岁或以上" in panel.warning_text(older["text"], older)
    infant = {**outside, "amount": 8, "unit": "month", "text": "the patient's age (8 months) is ..."}
    assert "8 个月" in panel.warning_text(infant["text"], infant)
