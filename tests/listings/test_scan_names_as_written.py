"""Scan reports a distinctive bare surname, and a quoted name as one name (the 2026-09
mirror copy, real data)."""

from __future__ import annotations

import pytest

from bot.listings import mirror_copy
from bot.listings.index import NameIndex
from bot.listings.scan import DEFINITE, POSSIBLE, Scanner
from tests.auxil.registries import MIRROR_2026_COPY as MIRROR

pytestmark = pytest.mark.skipif(not MIRROR.exists(), reason="shared mirror copy not present")


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner(NameIndex(mirror_copy.entries(MIRROR)))


@pytest.mark.parametrize("text", ["Ходорковский заявил, что фонд закрыт.",
                                  "Интервью с Ходорковским вышло вчера."])
def test_bare_distinctive_surname_is_a_possible_match(scanner: Scanner, text: str) -> None:
    # Zipf 3.5, as frequent as a common surname; but "Ходорковская" is rare: one family.
    result = scanner.scan(text)
    assert [(m.entry_id, m.match, m.reason) for m in result.mentions] == [
        ("row-835", POSSIBLE, "surname")]
    assert result.annotated == text  # possible: no note written in


def test_bare_distinctive_surname_is_definite_after_the_full_name(scanner: Scanner) -> None:
    result = scanner.scan("Михаил Ходорковский выступил. Ходорковский заявил, что уедет.")
    assert [(m.text, m.match) for m in result.mentions] == [
        ("Михаил Ходорковский", DEFINITE), ("Ходорковский", DEFINITE)]


def test_common_surnames_of_both_sexes_are_still_not_marked(scanner: Scanner) -> None:
    assert scanner.scan("Смирнова и Быков пришли на собрание.").mentions == ()


@pytest.mark.parametrize("text", ["Фонд «Открытая Россия» закрыт.",
                                  'Фонд "Открытая Россия" закрыт.'])
def test_a_quoted_name_is_one_name_and_the_note_follows_its_closing_quote(
        scanner: Scanner, text: str) -> None:
    result = scanner.scan(text)
    assert {(m.text, m.match) for m in result.mentions} == {("Открытая Россия", DEFINITE)}
    assert {m.entry_id for m in result.mentions} == {"row-8", "row-9"}
    assert not any(m.entry_id == "row-3" for m in result.mentions)  # «Открытое общество»
    quote = text[text.index("Россия") + len("Россия")]
    assert result.annotated == text.replace(
        f"Россия{quote}", f"Россия{quote} (организация признана нежелательной на территории "
                          "России)")


@pytest.mark.parametrize(("query", "definite"), [
    ("Фонд «Открытая", False),  # an adjective without its noun names no «Открытое общество»
    ("«Открытое общество»", True),  # the qualifier "Фонд" may still be left out
    ("Фонд «Открытое общество»", True),
])
def test_check_of_a_name_missing_its_own_noun_is_not_sure(scanner: Scanner, query: str,
                                                          definite: bool) -> None:
    hits = [h for h in scanner.index.search(query) if h.entry.entry_id == "row-3"]
    assert hits and hits[0].definite is definite
