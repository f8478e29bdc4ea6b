"""Translated UI strings from the gettext catalogues in `locales/` (Babel reads the .po files)."""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from bot.cache import content_key, load_or_build
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


def _compile(po: bytes, lang: str) -> bytes:
    """Return the .mo form of a .po catalogue (Babel reads .po, gettext reads .mo)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


@cache
def _translations(lang: str, directory: Path) -> gettext.GNUTranslations:
    # The catalogues ship as .po (text, reviewable) and are compiled on first use, so the
    # wheel needs no build step and a translator edits one file. The compiled form is kept
    # in the disk cache under the .po's hash: a one-shot command does not parse the
    # catalogue (nor import Babel) on every start, and an edited .po compiles afresh.
    po = (directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_bytes()
    mo = load_or_build(f"mo-{lang}", content_key("mo", lang, po), lambda: _compile(po, lang))
    return gettext.GNUTranslations(io.BytesIO(mo))


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
