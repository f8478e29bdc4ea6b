"""The Zipf values the matcher reads without importing wordfreq are wordfreq's own."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import wordfreq

from bot.knowledge import frequency
from bot.knowledge.model import KnowledgeBase
from bot.textnorm import tokens


def _words(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every word of the base, a sample of both small lists, and words wordfreq splits."""
    rng = random.Random(13)
    out = []
    for entry in kb.entries:
        for lang in ("ru", "en"):
            text = " ".join([entry.title[lang], entry.answer[lang], *entry.questions[lang]])
            out += [(w, lang) for w in tokens(text)]
    for lang in ("ru", "en"):
        listed = list(wordfreq.get_frequency_dict(lang, "small"))
        out += [(w, lang) for w in rng.sample(listed, 3000)]
    out += [(w, lang) for lang in ("ru", "en") for w in (
        "иноагентом", "foriegn", "ещё", "еще", "meduza", "медуза", "don't", "20.33", "Минюст",
        "19-летний", "e-mail", "zzqx", "ёлка")]
    return out


@pytest.mark.parametrize("cache", ["on", "off"])
def test_same_values_as_wordfreq(kb: KnowledgeBase, tmp_path: Path, cache: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path) if cache == "on" else "off")
    frequency._table.cache_clear()
    words = _words(kb)
    assert len(words) > 8000
    wrong = [(w, lang, frequency.zipf_frequency(w, lang, "small"),
              wordfreq.zipf_frequency(w, lang, wordlist="small"))
             for w, lang in words
             if frequency.zipf_frequency(w, lang, "small")
             != wordfreq.zipf_frequency(w, lang, wordlist="small")]
    assert not wrong, wrong[:10]
    assert frequency.zipf_frequency("агент", "ru", "large") == wordfreq.zipf_frequency(
        "агент", "ru", wordlist="large")
    frequency._table.cache_clear()
