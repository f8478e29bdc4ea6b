"""Translated UI strings from the gettext catalogues in `locales/` (Babel reads the .po files)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.paths import locales_dir

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
DOMAIN = "riskguide"


def normalize_lang(code: str | None) -> str | None:
    """Return "ru" or "en" for a language tag such as "ru-RU" or "en_GB", or None if neither.

    Belarusian, Ukrainian and Kazakh users read Russian more often than English, so their
    platform languages map to Russian.
    """
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    if base in LANGUAGES:
        return base
    if base in {"uk", "be", "kk", "ky", "hy", "ka", "az", "uz", "tg"}:
        return "ru"
    return "en" if base else None


@cache
def _translations(lang: str, directory: Path) -> gettext.GNUTranslations:
    # The catalogues ship as .po (text, reviewable) and are compiled in memory on first use,
    # so the wheel needs no build step and a translator edits one file.
    path = directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


class Translator:
    """Looks up UI strings by message id in one language; ids are symbolic ("help.body")."""

    def __init__(self, lang: str, directory: Path | None = None) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._t = _translations(self.lang, directory or locales_dir())

    def __call__(self, msgid: str, **params: object) -> str:
        """Return the message for msgid with {placeholders} filled from params."""
        text = self._t.gettext(msgid)
        return text.format(**params) if params else text

    def plural(self, msgid: str, msgid_plural: str, n: int, **params: object) -> str:
        """Return the plural form of a message correct for n in this language ({n} is filled)."""
        text = self._t.ngettext(msgid, msgid_plural, n)
        return text.format(n=n, **params)


def translator(lang: str) -> Translator:
    """Return the Translator for a language code ("ru" or "en"; anything else falls back to ru)."""
    return Translator(lang)
