"""One-letter words in names: a preposition of an organisation's name, or a person's initial
(the 2026-09 mirror copy, real data)."""

from __future__ import annotations

import pytest

from bot.listings import mirror_copy
from bot.listings.index import NameIndex
from tests.auxil.registries import MIRROR_2026_COPY as MIRROR

pytestmark = pytest.mark.skipif(not MIRROR.exists(), reason="shared mirror copy not present")


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(mirror_copy.entries(MIRROR))


@pytest.mark.parametrize("query", [
    "Фонд борьбы с коррупцией",
    "Фонда борьбы с коррупцией",
    "Фонду борьбы с коррупцией",
    "Фондом борьбы с коррупцией",
    "о Фонде борьбы с коррупцией",
    "с Фондом борьбы с коррупцией",
])
def test_anti_corruption_foundation_in_every_case_is_found_for_sure(index: NameIndex,
                                                                    query: str) -> None:
    hits = [h for h in index.search(query) if h.definite]
    assert ("extremist", "ext-org-86") in {(h.entry.registry, h.entry.entry_id) for h in hits}


@pytest.mark.parametrize(("query", "entry_id"), [
    ("Дозора в Волгограде", "row-316"),
    ("Аль-Каиды в странах исламского Магриба", "fsb-terror-18"),
    ("Народного ополчения имени К. Минина и Д. Пожарского", "fsb-terror-24"),
    ("движения «К Богодержавию»", "ext-org-8"),
])
def test_other_names_with_one_letter_words_are_found_inflected(index: NameIndex, query: str,
                                                               entry_id: str) -> None:
    hit = index.search(query)[0]
    assert (hit.entry.entry_id, hit.definite) == (entry_id, True)


@pytest.mark.parametrize("query", ["Дудь Ю. А.", "Ю. А. Дудь", "Дудь Юрий А."])
def test_initials_of_a_person_still_work(index: NameIndex, query: str) -> None:
    hit = index.search(query)[0]
    assert (hit.entry.entry_id, hit.definite) == ("row-806", True)


def test_an_initial_no_organisation_prints_is_still_an_initial(index: NameIndex) -> None:
    # "А." after a surname is Navalny's initial: «Штабы Навального» is not what was asked.
    assert index.search("Навальный А.") == []
