"""The knowledge base validates, and broken files are reported as file:line: field: problem."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.knowledge.loader import STALE_AFTER_DAYS, KnowledgeError, load, stale_entries, validate
from bot.knowledge.model import KnowledgeBase
from bot.paths import knowledge_dir

REQUIRED_IDS = {
    "fa_definition", "fa_who", "fa_designation", "check_status", "fa_labelling", "fa_reporting",
    "fa_restrictions", "fa_admin_penalties", "fa_criminal_penalties", "fa_removal",
    "fa_interaction", "fa_media_mention", "un_definition", "un_who_decides", "un_participation",
    "un_repost", "un_hyperlinks", "un_donating", "un_abroad", "un_admin_penalties",
    "un_criminal_penalties", "lists_difference", "if_designated", "legal_help", "history",
    "amnesty", "about_bot",
    # The check replies link to these by id (issue 12).
    "extremist_list", "terrorist_list",
}


def test_bundled_base_is_valid_and_covers_the_required_areas(kb: KnowledgeBase) -> None:
    _, problems = validate()
    assert problems == []
    assert {e.id for e in kb.entries} >= REQUIRED_IDS


def test_every_answer_names_sources_and_stays_short(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        assert entry.sources, entry.id
        for lang in ("ru", "en"):
            assert len(entry.answer[lang]) <= 1200, (entry.id, lang)
            assert len(entry.questions[lang]) >= 5, (entry.id, lang)


def test_penalty_entries_give_article_numbers(kb: KnowledgeBase) -> None:
    for entry_id, article in [("fa_admin_penalties", "19.34"), ("fa_criminal_penalties", "330.1"),
                              ("un_admin_penalties", "20.33"), ("un_criminal_penalties", "284.1")]:
        entry = kb.get(entry_id)
        assert entry is not None
        assert article in entry.answer["ru"] and article in entry.answer["en"]


def _copy_base(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), target)
    return target


def _write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_missing_language_is_reported_with_file_and_line(tmp_path: Path) -> None:
    directory = tmp_path / "kb"
    directory.mkdir()
    _write(directory / "x.yaml", """\
        entries:
          - id: only_russian
            topic: general
            severity: info
            title:
              ru: "Заголовок"
            answer:
              ru: "Ответ"
              en: "Answer"
            questions:
              ru: [a, b, c, d, e]
              en: [a, b, c, d, e]
            sources:
              - title: "Law"
                url: "https://example.org/law"
            reviewed: 2026-11-23
            related: [nowhere]
        """)
    _, problems = validate(directory)
    lines = [str(p) for p in problems]
    assert "x.yaml:5: title.en: missing or empty" in lines
    assert "x.yaml:2: related: unknown entry id 'nowhere'" in lines


def test_duplicate_ids_and_bad_yaml_are_reported(tmp_path: Path) -> None:
    directory = _copy_base(tmp_path)
    first = sorted(directory.glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    (directory / "zz_copy.yaml").write_text(text, encoding="utf-8")
    (directory / "zz_broken.yaml").write_text("entries:\n  - id: [unclosed\n", encoding="utf-8")
    _, problems = validate(directory)
    messages = [str(p) for p in problems]
    assert any(m.startswith("zz_copy.yaml:") and "duplicate id" in m for m in messages)
    assert any(m.startswith("zz_broken.yaml:") and ": yaml: " in m for m in messages)


def test_load_refuses_an_invalid_base(tmp_path: Path) -> None:
    directory = _copy_base(tmp_path)
    (directory / "bad.yaml").write_text("entries: 5\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load(directory)
    assert "bad.yaml:1: entries:" in str(info.value)


def test_aliases_and_deep_nesting_are_problems_not_crashes(tmp_path: Path) -> None:
    """An alias (the building block of a "billion laughs" bomb, which expanded to 5.7 GB)
    and nesting deeper than Python's recursion limit are reported with file and line."""
    directory = _copy_base(tmp_path)
    (directory / "zz_alias.yaml").write_text(
        "entries:\n  - id: &x one\n    related: [*x]\n", encoding="utf-8")
    (directory / "zz_bomb.yaml").write_text(
        'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                  for p, c in zip("abcdefgh", "bcdefghi", strict=True))
        + "entries: [*i]\n", encoding="utf-8")
    (directory / "zz_deep.yaml").write_text("entries: " + "[" * 20000 + "]" * 20000 + "\n",
                                            encoding="utf-8")
    _, problems = validate(directory)
    messages = [str(p) for p in problems]
    assert any(m.startswith("zz_alias.yaml:2: yaml:") and "aliases" in m for m in messages)
    assert any(m.startswith("zz_bomb.yaml:1: yaml:") and "aliases" in m for m in messages)
    assert any(m.startswith("zz_deep.yaml:1: yaml:") and "nested" in m for m in messages)


def test_entries_not_checked_for_half_a_year_are_flagged(kb: KnowledgeBase) -> None:
    newest = max(e.reviewed for e in kb.entries)
    assert stale_entries(kb, newest) == []
    later = newest + dt.timedelta(days=STALE_AFTER_DAYS + 1)
    warnings = stale_entries(kb, later)
    assert warnings and all(w.field == "reviewed" for w in warnings)
    assert any(":" in str(w) and "days ago" in str(w) for w in warnings)


def test_advertiser_is_told_the_real_fines_and_no_criminal_risk(kb: KnowledgeBase) -> None:
    # The audit of November 2026: fines under CAO 14.3, no criminal article for the advertiser.
    entry = kb.get("fa_advertising")
    assert entry is not None
    assert "14.3" in entry.answer["ru"] and "2500" in entry.answer["ru"]
    assert "2,500" in entry.answer["en"] and "no criminal article" in entry.answer["en"]
    assert "50 000" not in entry.answer["ru"]


def test_special_account_list_includes_sales_of_property(kb: KnowledgeBase) -> None:
    for entry_id in ("fa_donating", "fa_restrictions", "if_designated", "fa_paying"):
        entry = kb.get(entry_id)
        assert entry is not None
        assert "недвижимост" in entry.answer["ru"], entry_id
        assert "real estate" in entry.answer["en"], entry_id
