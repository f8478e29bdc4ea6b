"""The CLI contract: `riskguide check … --json`, `registry import/status/eval`."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.auxil.registries import FA_2024_10_01, NAMES_DEV, SHARED_REGISTRIES, UND_2024_09_05


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RISKGUIDE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_fresh_install_checks_against_the_bundled_snapshot(
        data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", "Amnesty International", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "listed"
    assert out["matches"][0]["registry"] == "undesirable"
    assert {d["registry"]: d["origin"] for d in out["data"]} == {
        "foreign_agents": "bundled", "undesirable": "bundled", "extremist": "bundled",
        "terrorist": "bundled"}
    # The bundled copy is older than every list's window: nothing found is "unverified".
    assert all(d["stale"] for d in out["data"])
    assert main(["check", "Совершенно Неизвестная Фамилия", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "unverified"


def test_a_listed_surname_is_not_also_offered_as_a_misspelt_organisation(
        data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    # «Шульман» is spelt exactly as a listed person's surname; its romanisation "shulman" is
    # also two letters from "Human" (Human Rights Foundation, undesirable). A word the names
    # spell this way is that word, not a typo of another one: offering the foundation as a
    # "similar spelling" would scare the asker with an organisation they never named.
    assert main(["check", "Шульман", "--json"]) == 0
    matches = json.loads(capsys.readouterr().out)["matches"]
    assert matches and all(m["name"].startswith("Шульман") for m in matches)
    # A misspelt word no name spells that way is still found by its typo neighbours.
    assert main(["check", "Human Rigths Foundation", "--json"]) == 0
    matches = json.loads(capsys.readouterr().out)["matches"]
    assert any(m["name"].startswith("Human Rights Foundation") for m in matches)


def test_a_movement_named_like_a_republic_is_found_and_a_country_alone_is_not(
        data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    # The terrorist list names the "Forum of Free States of Post-Russia"'s subdivisions, among
    # them «Ойратская Республика»: a republic no country is, so it is a name of that entry.
    assert main(["check", "Ойратская Республика", "--json"]) == 0
    matches = json.loads(capsys.readouterr().out)["matches"]
    assert matches and matches[0]["registry"] == "terrorist"
    # "…, Венгрия" after an organisation's name is where it is registered, not its name.
    assert main(["check", "Венгрия", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["matches"] == []


def test_import_status_and_check_lines(data_dir: Path, capsys: pytest.CaptureFixture,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"]) == 0
    assert main(["registry", "import", str(UND_2024_09_05), "--registry", "undesirable",
                 "--as-of", "2024-09-06"]) == 0
    assert "stored 866 entries as of 2024-10-01" in capsys.readouterr().out
    assert main(["registry", "status"]) == 0
    assert "188 entries as of 2024-09-06" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("Mikhail Zygar\n\nPугачева Алла\n"))
    assert main(["check", "-", "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    # The 2024 data is far older than its window: a name not found is "unverified".
    assert [x["status"] for x in lines] == ["possible", "unverified"]
    match = lines[0]["matches"][0]
    assert set(match) == {"registry", "entry_id", "name", "match", "score", "listed",
                          "included_on", "excluded_on"}
    assert match["name"].startswith("Зыгарь") and match["match"] == "transliteration"


def test_not_found_needs_data_within_its_window(data_dir: Path, capsys: pytest.CaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("RISKGUIDE_FRESHNESS_DAYS", "foreign_agents=1000,undesirable=1000,"
                                                   "extremist=1000,terrorist=1000")
    assert main(["check", "Пугачева Алла", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "not_found"
    fa = next(d for d in out["data"] if d["registry"] == "foreign_agents")
    assert fa == {"registry": "foreign_agents", "origin": "file", "as_of": "2024-10-01",
                  "fetched_at": fa["fetched_at"], "stale": False, "window_days": 1000,
                  "fetch_failed": False}
    monkeypatch.setenv("RISKGUIDE_FRESHNESS_DAYS", "foreign_agents=10")
    assert main(["check", "Пугачева Алла", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "unverified"


def test_refused_import_exits_1(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"])
    older = FA_2024_10_01.parent / "2023-09-29.json"
    assert main(["registry", "import", str(older), "--registry", "foreign_agents"]) == 1
    assert "older" in capsys.readouterr().err


def test_eval_meets_targets(capsys: pytest.CaptureFixture) -> None:
    code = main(["registry", "eval", "--set", str(NAMES_DEV), "--registries",
                 str(SHARED_REGISTRIES)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ALL" in out and "recall@1" in out


def test_empty_check_is_invalid_in_json(data_dir: Path, capsys: pytest.CaptureFixture) -> None:
    main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"])
    main(["registry", "import", str(UND_2024_09_05), "--registry", "undesirable"])
    capsys.readouterr()
    assert main(["check", "", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "invalid" and out["problem"] == "empty"


def test_check_from_stdin_answers_each_line_as_it_comes(data_dir: Path) -> None:
    """`check -` answers a line before the next one is written (a pipe stays interactive)."""
    main(["registry", "import", str(FA_2024_10_01), "--registry", "foreign_agents"])
    env = {**os.environ, "RISKGUIDE_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "check", "-", "--json"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for name in ("Эткинд Александр Маркович", "Дудь Юрий"):
            proc.stdin.write(name + "\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, f"no answer to {name!r} while standard input is still open"
            assert json.loads(proc.stdout.readline())["query"] == name
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
