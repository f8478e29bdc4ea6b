"""Both languages have every UI message, and Russian plurals take the right form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.i18n import Translator, normalize_lang
from bot.paths import locales_dir

REPO = Path(__file__).resolve().parent.parent


def _catalog(lang: str) -> dict[str, object]:
    path = locales_dir() / lang / "LC_MESSAGES" / "riskguide.po"
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(fh) if m.id}


def test_both_languages_have_every_message() -> None:
    ru, en = _catalog("ru"), _catalog("en")
    assert set(ru) == set(en)
    for msgid in ru:
        for lang, cat in (("ru", ru), ("en", en)):
            value = cat[msgid]
            values = value if isinstance(value, tuple) else (value,)
            assert all(v for v in values), f"{lang}: {msgid} is empty"


def test_both_languages_fill_the_same_placeholders() -> None:
    # A placeholder missing in one language drops a name or a date from that language's
    # reply (and an extra one raises KeyError at format time).
    ru, en = _catalog("ru"), _catalog("en")
    for msgid in ru:
        forms = {lang: cat[msgid] if isinstance(cat[msgid], tuple) else (cat[msgid],)
                 for lang, cat in (("ru", ru), ("en", en))}
        names = {lang: {frozenset(re.findall(r"\{(\w+)\}", str(v))) for v in values}
                 for lang, values in forms.items()}
        assert names["ru"] == names["en"], msgid


def test_every_message_used_in_code_exists() -> None:
    ids = set(_catalog("en"))
    used: set[str] = set()
    for path in [*REPO.glob("handlers/*.py"), *REPO.glob("bot/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z_.]+)\"", text))
        used |= set(re.findall(r"Translator\([^)]*\)\(\s*\"([a-z_]+\.[a-z_.]+)\"", text))
    missing = used - ids
    assert not missing, missing


def test_russian_plurals() -> None:
    t = Translator("ru")
    forms = [t.plural("age.days", "age.days_plural", n) for n in (1, 3, 5, 11, 21, 24, 111)]
    assert forms == ["1 день назад", "3 дня назад", "5 дней назад", "11 дней назад",
                     "21 день назад", "24 дня назад", "111 дней назад"]
    assert Translator("en").plural("age.days", "age.days_plural", 1) == "1 day old"


def test_platform_language_codes() -> None:
    assert normalize_lang("ru-RU") == "ru"
    assert normalize_lang("en_GB") == "en"
    assert normalize_lang("uk") == "ru"
    assert normalize_lang("de") == "en"
    assert normalize_lang(None) is None


def test_an_edited_catalogue_is_read_as_edited(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled catalogues are cached on disk; an edit to a .po still shows at once."""
    import shutil

    from bot import i18n

    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    locales = tmp_path / "locales"
    shutil.copytree(locales_dir(), locales)
    before = Translator("en", locales)("error.empty")
    po = locales / "en" / "LC_MESSAGES" / "riskguide.po"
    po.write_text(po.read_text(encoding="utf-8").replace(before, "Edited: " + before, 1),
                  encoding="utf-8")
    i18n._translations.cache_clear()
    assert Translator("en", locales)("error.empty") == "Edited: " + before
    assert list((tmp_path / "cache").glob("mo-en-*"))
    i18n._translations.cache_clear()
