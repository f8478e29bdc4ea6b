"""wordfreq's Zipf frequencies of plain words without importing wordfreq on every start.

Importing wordfreq loads its tokenizer stack (regex, ftfy, langcodes) and unpacks a word list
on first use: a quarter of a second or more, on every `riskguide ask`, for a few lookups. A
word of lowercase letters of one script is its own single token in wordfreq (it tokenises to
itself), so its Zipf value is a plain table lookup. The table of each small list is derived
from wordfreq's own answers (one call per frequency band) and kept in the disk cache
(bot.cache), keyed by the list's data file; any other word, and every other list, is answered
by wordfreq itself. A test checks the two agree.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

from bot import cache as disk_cache

# One script, lowercase letters only: wordfreq tokenises such a word to itself.
_PLAIN = re.compile(r"[a-z]+|[а-яё]+")
_TABLED = "small"


def zipf_frequency(word: str, lang: str, wordlist: str = "best") -> float:
    """Return wordfreq.zipf_frequency(word, lang, wordlist=wordlist) (0.0 for unknown words).

    Plain words of the small lists come from the cached table; the rest from wordfreq.
    """
    if wordlist == _TABLED and _PLAIN.fullmatch(word):
        table = _table(lang)
        if table is not None:
            return table.get(word, 0.0)
    import wordfreq

    return float(wordfreq.zipf_frequency(word, lang, wordlist=wordlist))


def _data_file(lang: str) -> Path | None:
    """Return wordfreq's data file of the small list of `lang`, found without importing it."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / f"{_TABLED}_{lang}.msgpack.gz"
    return path if path.is_file() else None


@cache
def _table(lang: str) -> dict[str, float] | None:
    """Return {plain word: Zipf value} of the small list of `lang`, or None when the list's
    file cannot be found (then wordfreq answers every word)."""
    path = _data_file(lang)
    if path is None:
        return None
    key = disk_cache.content_key("zipf", lang, _TABLED, path.read_bytes())
    return disk_cache.load_or_build(f"zipf-{lang}-{_TABLED}", key, lambda: build_table(lang))


def build_table(lang: str) -> dict[str, float]:
    """Return {plain word: Zipf value} for every plain word of wordfreq's small list of `lang`.

    Every word of a frequency band has the same value, so wordfreq is asked once per band.
    """
    import wordfreq

    table: dict[str, float] = {}
    for band in wordfreq.get_frequency_list(lang, _TABLED):
        plain = [w for w in band if _PLAIN.fullmatch(w)]
        if plain:
            value = float(wordfreq.zipf_frequency(plain[0], lang, wordlist=_TABLED))
            table.update(dict.fromkeys(plain, value))
    return table
