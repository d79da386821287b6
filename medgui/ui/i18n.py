"""The interface language: medgui's translations, Qt's own, and locale-aware formatting.

The language follows the system locale (``LANG=zh_CN.UTF-8`` starts medgui in Simplified
Chinese) unless View > Language names one; that choice is kept in QSettings
(``ui/language``) and applies from the next start. Translations are the compiled
``resources/i18n/medgui_<lang>.qm`` (``scripts/build_translations.sh`` builds them from
the ``.ts`` sources) and Qt's ``qtbase_<lang>.qm`` for the standard dialogs' buttons.

Dates and numbers follow ``QLocale()``; in the C/POSIX locale (no locale at all, as in
CI) dates stay ISO 8601 rather than Qt's bare "d MM yyyy".
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)

from medgui.core import paths

I18N_DIR = paths.RESOURCES / "i18n"
SETTING = "ui/language"
SYSTEM = "system"
ENGLISH = "en"
CHINESE = "zh_CN"
#: The choices of View > Language, in menu order, each named in its own language.
LANGUAGES: dict[str, str] = {SYSTEM: "", ENGLISH: "English", CHINESE: "中文（简体）"}
SHIPPED = (CHINESE,)  # languages with a translation; English is the source text
_active = ENGLISH  # what install_translators installed


def _settings() -> QSettings:
    # The same file as the main window's settings (``main_window.settings``).
    return QSettings(str(paths.home() / "settings.ini"), QSettings.Format.IniFormat)


def language_setting() -> str:
    """The stored choice: ``system`` (the default), ``en`` or ``zh_CN``."""
    value = str(_settings().value(SETTING, SYSTEM) or SYSTEM)
    return value if value in LANGUAGES else SYSTEM


def set_language_setting(choice: str) -> None:
    """Store ``choice`` (a key of ``LANGUAGES``); it applies from the next start."""
    if choice not in LANGUAGES:
        raise ValueError(f"unknown language {choice!r}; expected one of {', '.join(LANGUAGES)}")
    s = _settings()
    s.setValue(SETTING, choice)
    s.sync()


def resolve_language(choice: str, system: QLocale | None = None) -> str:
    """The language to show for ``choice``: a shipped one, else English.

    ``system`` follows ``system`` (default ``QLocale.system()``): any Chinese locale
    (zh_CN, zh_SG, zh_TW, ...) gets the Simplified Chinese translation, everything else,
    the C/POSIX locale included, English.
    """
    if choice != SYSTEM:
        return choice if choice in (ENGLISH, *SHIPPED) else ENGLISH
    locale = system if system is not None else QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return CHINESE
    return ENGLISH


def qm_path(language: str) -> str:
    return str(I18N_DIR / f"medgui_{language}.qm")


def install_translators(app: QCoreApplication, choice: str | None = None) -> list[QTranslator]:
    """Install medgui's and Qt's translations for ``choice`` (default: the stored setting).

    Returns the installed translators (parented to ``app``); none for English. When a
    language is chosen explicitly, ``QLocale``'s default follows it too, so dates and
    numbers match the words.
    """
    choice = language_setting() if choice is None else choice
    language = resolve_language(choice)
    if choice != SYSTEM:
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China)
                           if language == CHINESE else QLocale(QLocale.Language.English,
                                                               QLocale.Country.UnitedStates))
    global _active
    installed: list[QTranslator] = []
    _active = ENGLISH
    if language == ENGLISH:
        return installed
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"medgui_{language}", str(I18N_DIR))):
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            installed.append(translator)
    if any(t.language().startswith(language.split("_")[0]) for t in installed):
        _active = language
    return installed


def remove_translators(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo :func:`install_translators` (tests, a language switch)."""
    global _active
    for translator in translators:
        app.removeTranslator(translator)
    _active = ENGLISH


def active_language() -> str:
    """The language of the installed translation (``en`` when none is)."""
    return _active


# -- locale-aware formatting -------------------------------------------------------------
def _is_c(locale: QLocale) -> bool:
    return locale.language() == QLocale.Language.C


def format_datetime(value: datetime | str, seconds: bool = False) -> str:
    """``value`` (aware, or ISO 8601 text; shown in local time) in the locale's short format.

    The C locale gets ``2024-05-01 14:03`` (ISO), which Qt would write as "1 05 2024".
    Text that is not ISO 8601 is returned as it is.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    local = value.astimezone()
    locale = QLocale()
    if _is_c(locale):
        return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    stamp = QDateTime.fromSecsSinceEpoch(int(local.timestamp()))
    date = locale.toString(stamp.date(), QLocale.FormatType.ShortFormat)
    return f"{date} {stamp.time().toString('HH:mm:ss' if seconds else 'HH:mm')}"


def format_number(value: float, decimals: int = 1) -> str:
    """``value`` with ``decimals`` decimals in the locale's digits and separators."""
    return QLocale().toString(float(value), "f", decimals)


def format_percent(probability: float, decimals: int = 0, space: bool = False) -> str:
    """A probability (0-1) as a percentage: ``82%`` (``82 %`` with ``space``)."""
    sign = QLocale().percent() or "%"
    return f"{format_number(100 * probability, decimals)}{' ' if space else ''}{sign}"
