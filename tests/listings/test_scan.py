"""Scanning texts for listed names against the 2026-09 mirror copy (real data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.listings.index import NameIndex
from bot.listings.scan import DEFINITE, POSSIBLE, Scanner
from tests.auxil.mirror2026 import MIRROR, mirror_entries

pytestmark = pytest.mark.skipif(not MIRROR.exists(), reason="shared mirror copy not present")
SEEDS = MIRROR.parents[1] / "seeds"


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(mirror_entries())


@pytest.fixture(scope="module")
def scanner(index: NameIndex) -> Scanner:
    return Scanner(index)


def found(scanner: Scanner, text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in scanner.scan(text).mentions:
        out.setdefault(m.text, set()).add(f"{m.entry_id}:{m.match}")
    return out


def test_full_name_inflected_and_bare_surname_upgraded(scanner: Scanner) -> None:
    text = "Интервью Юрия Дудя вышло вчера. Дудь сказал, что продолжит."
    result = scanner.scan(text)
    assert [(m.text, m.match) for m in result.mentions] == [
        ("Юрия Дудя", DEFINITE), ("Дудь", DEFINITE)]
    first = result.mentions[0]
    assert text[first.start:first.end] == "Юрия Дудя"
    assert first.note == "(внесён в реестр иностранных агентов)"
    # Only the first mention gets the note.
    assert result.annotated == ("Интервью Юрия Дудя (внесён в реестр иностранных агентов) "
                                "вышло вчера. Дудь сказал, что продолжит.")


def test_bare_rare_surname_alone_is_only_possible(scanner: Scanner) -> None:
    result = scanner.scan("Вчера Дудь выложил ролик.")
    assert [(m.text, m.match, m.reason) for m in result.mentions] == [
        ("Дудь", POSSIBLE, "surname")]
    assert "внесён" not in result.annotated


def test_common_surnames_and_everyday_words_are_not_marked(scanner: Scanner) -> None:
    text = ("Смирнова и Иванов пришли. На улице холод, идёт дождь, голос дрожит; "
            "холодный ветер, холодильник. Служба поддержки и фонд помощи работают.")
    assert scanner.scan(text).mentions == ()


def test_everyday_names_count_in_quotes_or_after_a_qualifier(scanner: Scanner) -> None:
    got = found(scanner, "Издание «Холод» и телеканал Дождь* сообщили. Движение «Голос».")
    assert got["Издание «Холод»"] == {"row-1193:definite"}
    assert "row-1174:definite" in got["телеканал Дождь"]
    assert "row-686:definite" in got["Голос"]


def test_gender_agreement_of_the_note(scanner: Scanner) -> None:
    result = scanner.scan("Екатерина Шульман, издание «Холод» и телеканал «Дождь».")
    notes = {m.text: m.note for m in result.mentions if m.registry == "foreign_agents"
             and m.listed}
    assert notes["Екатерина Шульман"] == "(внесена в реестр иностранных агентов)"
    assert notes["издание «Холод»"] == "(внесено в реестр иностранных агентов)"
    assert notes["телеканал «Дождь»"] == "(внесён в реестр иностранных агентов)"
    assert "«Дождь» (внесён в реестр иностранных агентов; организация признана " \
           "нежелательной на территории России)" in result.annotated


def test_initials_both_orders_nbsp_and_line_break(scanner: Scanner) -> None:
    text = "Е. М. Шульман; Шульман Екатерина; Екатерина\u00a0Шульман; Екатерина\nШульман."
    result = scanner.scan(text)
    assert [m.match for m in result.mentions] == [DEFINITE] * 4
    assert {m.entry_id for m in result.mentions} == {"row-812"}


def test_no_match_inside_other_words(scanner: Scanner) -> None:
    assert scanner.scan("Холодильник, дождевик и голосование.").mentions == ()


def test_latin_spelling_of_a_person_is_possible(scanner: Scanner) -> None:
    got = found(scanner, "Lev Ponomaryov, leader of the movement, spoke.")
    assert got == {"Lev Ponomaryov": {"row-661:possible"}}


def test_excluded_entry_gets_no_note(scanner: Scanner) -> None:
    result = scanner.scan("Сотрудник Андрей Васильевич Павлов дал показания.")
    (m,) = result.mentions
    assert (m.listed, m.note, m.match) == (False, "", DEFINITE)
    assert m.included_on and m.excluded_on and m.included_on < m.excluded_on
    assert result.annotated == result.text


def test_extremist_and_terrorist_notes(scanner: Scanner) -> None:
    result = scanner.scan("«Штабы Навального» и полк «Азов» упомянуты в приговоре.")
    notes = {(m.registry, m.note) for m in result.mentions}
    assert ("extremist", "(организация запрещена в России)") in notes
    assert ("terrorist", "(организация запрещена в России)") in notes


def test_existing_note_is_not_repeated(scanner: Scanner) -> None:
    text = "Издание «Холод» (внесено в реестр иностранных агентов) сообщило."
    assert scanner.scan(text).annotated == text


def test_foreign_agents_own_material_gets_the_government_label(scanner: Scanner) -> None:
    result = scanner.scan("Новый выпуск уже на канале.", author="Дудь Юрий Александрович")
    assert result.author is not None and result.author.entry_id == "row-806"
    assert result.label.startswith("НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН")
    assert "ДУДЬ ЮРИЙ АЛЕКСАНДРОВИЧ" in result.label
    assert result.annotated.startswith(result.label)
    assert scanner.scan("Новый выпуск.", author="Сергей Петров").label == ""


def test_scan_and_check_agree_on_every_definite_name(scanner: Scanner, index: NameIndex) -> None:
    """A name scan calls definite is definite when checked with its marking, as written."""
    items = json.loads(Path("tests/data/scan-eval-dev.json").read_text())["items"]
    for item in items:
        for m in scanner.scan(item["text"]).mentions:
            if m.match != DEFINITE or m.reason:
                continue
            text = item["text"]
            start = m.start - 1 if m.start and text[m.start - 1] in "«\"" else m.start
            end = m.end + 1 if text[m.end:m.end + 1] in ("»", '"') else m.end
            qualifier = text[:start].split()[-1:] if start else []
            for query in (text[start:end], " ".join([*qualifier, text[start:end]])):
                hits = [h for h in index.search(query, limit=20)
                        if h.entry.entry_id == m.entry_id and h.entry.registry == m.registry]
                if hits and hits[0].definite:
                    break
            else:
                pytest.fail(f"{item['id']}: check does not find {m.text!r} definite")


def test_seeds_find_listed_organisations_with_the_right_note(scanner: Scanner) -> None:
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    definite = {(k, m.registry, m.entry_id, m.note) for k, t in texts.items()
                for m in scanner.scan(t).mentions if m.match == DEFINITE}
    undesirable_note = "(организация признана нежелательной на территории России)"
    for seed in ("000", "001", "002", "003", "004"):
        assert (seed, "undesirable", "row-226", undesirable_note) in definite  # Amnesty
    for row in ("row-164", "row-279", "row-352", "row-77"):  # FH, HRW, OMCT, TI
        assert ("001", "undesirable", row, undesirable_note) in definite
    for row in ("row-252", "row-95", "row-254", "row-300"):  # HFHR, HRHF, RSF, Batory
        assert ("003", "undesirable", row, undesirable_note) in definite
    # Nothing for the people and bodies that are not listed.
    names = {m.text for t in texts.values() for m in scanner.scan(t).mentions}
    for absent in ("Vladimir Putin", "Igor Krasnov", "John Dalhuisen", "Sergei Nikitin",
                   "Greenpeace Spain", "Index on Censorship", "Front Line Defenders"):
        assert not any(absent in n or n in absent.split() for n in names), absent


def test_speed_is_not_asserted_here_but_scanning_is_linear(scanner: Scanner) -> None:
    """Scanning the same text twice gives the same mentions (no state leaks between scans)."""
    text = (SEEDS / "003_feb7a31763c50b0b.txt").read_text(encoding="utf-8")
    assert scanner.scan(text).mentions == scanner.scan(text).mentions
