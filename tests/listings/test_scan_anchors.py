"""The scanner's anchor table never misses a name `check` would match (real data, and grown).

The table finds candidates by key instead of comparing a word with every name; these tests
compare it with the rule itself (NameIndex's token match) over every anchor word, and scan
inflected, Latin-spelt and line-broken names in a registry grown to 30,000 entries, where a
table that capped or pruned candidates would lose them among namesakes.
"""

from __future__ import annotations

import pytest

from bot import textnorm
from bot.listings import mirror_copy
from bot.listings.index import NameIndex
from bot.listings.scan import Scanner, tokenize
from bot.measure.registry_bench import grow
from tests.auxil.registries import MIRROR_2026_COPY as MIRROR

pytestmark = pytest.mark.skipif(not MIRROR.exists(), reason="shared mirror copy not present")

TEXTS = {
    # inflected first name and surname, across a line break
    "Вчера с Михаилом\nХодорковским говорили о выборах.": ("Михаилом\nХодорковским", "row-835"),
    # inflected, across a non-breaking space
    "Интервью Юрия\u00a0Дудя вышло вчера.": ("Юрия\u00a0Дудя", "row-806"),
    # Latin spelling of a Cyrillic entry
    "Mikhail Khodorkovsky said the vote was rigged.": ("Mikhail Khodorkovsky", "row-835"),
    "Yuri Dud posted a new video.": ("Yuri Dud", "row-806"),
    # inverted order joined by a hyphen, an organisation in quotes, inflected
    "Дудь-Юрий снова в эфире.": ("Дудь-Юрий", "row-806"),
    "Редакция «Новой газеты» ответила.": ("Новой газеты", "row-436"),
    "Amnesty International says the trial was unfair.": ("Amnesty International", "row-226"),
}


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(NameIndex(mirror_copy.entries(MIRROR)))


@pytest.fixture(scope="module")
def grown_scanner() -> Scanner:
    real = list(mirror_copy.entries(MIRROR))
    grown = grow(real, 30_000)
    # The real entries last: a table that kept only the first few names of a word would
    # lose them behind synthetic namesakes.
    return Scanner(NameIndex(grown[len(real):] + grown[:len(real)]))


def test_table_finds_every_anchor_the_match_rule_accepts(scanner: Scanner) -> None:
    names = scanner.index.names
    anchor_words = {names[ni].tokens[pos] for ni, pos in enumerate(scanner._anchor) if pos >= 0}
    words = {t.fold for text in TEXTS for t in tokenize(text)}
    words |= {"ходорковского", "дудю", "khodorkovskii", "мемориала", "greenpeace", "гринпис",
              "медузы", "meduza", "навального", "шульман", "schulmann", "смирнова", "иванову",
              "петров", "кузнецова", "фонд", "центра", "права"}
    for word in sorted(words):
        for capital in (False, True):
            found = scanner._anchors.lookup(word, capital)
            got = set(found.people + found.orgs) if found else set()
            latin_ok = not textnorm.is_cyrillic(word) or (capital and len(word) >= 4)
            accepted = {w for w in anchor_words
                        if (latin_ok or textnorm.is_cyrillic(w)) and len(word) >= 2
                        and (m := NameIndex._direct(word, (w,))) is not None
                        and m.how != "fuzzy"}
            expected = {ni for ni, pos in enumerate(scanner._anchor)
                        if pos >= 0 and names[ni].tokens[pos] in accepted}
            assert got == expected, (word, capital)


@pytest.mark.parametrize("text", list(TEXTS))
def test_names_are_found_at_real_size_and_among_30000_entries(
        scanner: Scanner, grown_scanner: Scanner, text: str) -> None:
    words, entry_id = TEXTS[text]
    for s in (scanner, grown_scanner):
        found = {(m.text, m.entry_id) for m in s.scan(text).mentions}
        assert (words, entry_id) in found, (len(s.index.entries), found)
