"""The CLI contract other tools rely on: `riskguide ask --json`, `kb validate`, `kb eval`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_ask_json_lines_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(
        "какой штраф за участие в нежелательной организации\nhow to cook pasta\n\n"))
    assert main(["ask", "-", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert set(first) == {"question", "lang", "answer_id", "score", "text", "alternatives"}
    assert first["lang"] == "ru" and first["answer_id"] and "20.33" in first["text"]
    assert isinstance(first["score"], float)
    assert all(set(a) == {"answer_id", "score"} for a in first["alternatives"])
    assert second["lang"] == "en" and second["answer_id"] is None


def test_ask_lang_overrides_detection(capsys: pytest.CaptureFixture[str]) -> None:
    question = "штраф за участие в нежелательной организации"
    assert main(["ask", question, "--lang", "en", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lang"] == "en" and "Sources:" in out["text"]


def test_translit_question_is_russian(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "chto budet za repost meduzy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lang"] == "ru" and out["answer_id"] is not None and "20.33" in out["text"]


def test_kb_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate"]) == 0
    assert capsys.readouterr().out.startswith("ok:")


def test_kb_validate_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    assert main(["kb", "validate", "--dir", str(tmp_path)]) == 1
    assert "a.yaml:2: topic:" in capsys.readouterr().out


def test_dev_set_targets() -> None:
    """The dev-set rates the issue sets as targets (>= 95% each)."""
    from bot.cli.knowledge import evaluate

    path = REPO.parent / "shared" / "eval" / "questions-dev.json"
    if not path.exists():
        pytest.skip("shared evaluation set not present")
    result = evaluate(path)
    assert result["answer_rate"] >= 0.95, result["failures"]
    assert result["abstain_rate"] >= 0.95, result["failures"]


def test_console_chat_session(tmp_path: Path) -> None:
    env = {"RISKGUIDE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--lang", "en"],
        input="/help\nwhat is the fine for participating in an undesirable organisation\n1\n\n",
        capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "/ask" in proc.stdout and "20.33" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_console_chat_survives_odd_numbers_and_escapes(tmp_path: Path) -> None:
    """Superscript and circled digits, a 5,000-digit number (int() refuses both) and a
    terminal escape in a name: polite answers, no traceback, no escape echoed back."""
    env = {"RISKGUIDE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    lines = ["/watch Иванов Иван", "/unwatch ²", "/unwatch ①", "/unwatch " + "9" * 5000,
             "/topics", "²", "9" * 5000, "/check \x1b[2JИванов\x1b]0;owned\x07 Иван", ""]
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--lang", "en"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert proc.stdout.count("is not on your watchlist") == 3  # ², ① and the long number


# What a command group may import only when its command runs: chat libraries, the database,
# HTTP, charts, and the knowledge base's language tools.
HEAVY = ("telegram", "nio", "sqlalchemy", "httpx", "matplotlib", "openpyxl", "alembic",
         "pymorphy3", "wordfreq", "rapidfuzz", "yaml", "bot.app", "bot.knowledge",
         "bot.listings.service", "bot.watch", "bot.storage", "handlers")


def test_help_and_parsing_import_no_service() -> None:
    """`riskguide --help`, and the parser every command builds, load none of the services:
    a CLI call pays only for the command it runs."""
    probe = ("import sys; from bot.cli.main import build_parser; "
             "build_parser().parse_args(['ask', 'x']); "
             f"print(sorted({{m.split('.')[0] if not m.startswith(('bot.', 'handlers')) else m "
             f"for m in sys.modules if m.startswith({HEAVY!r})}}))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]", out


def test_kb_bench_json_is_one_object_and_the_cache_shortens_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "set.json"
    questions.write_text(json.dumps([{"q": "штраф за репост иноагента", "lang": "ru"},
                                     {"q": "what is an undesirable organisation", "lang": "en"}]),
                         encoding="utf-8")
    chat = tmp_path / "chat.json"
    chat.write_text(json.dumps([{"q": "штраф за репост иноагента", "lang": "ru"},
                                {"q": "can I donate to The Insider", "lang": "en"},
                                {"q": "можно ли дать интервью Дождю", "lang": "ru"}]),
                    encoding="utf-8")
    assert main(["kb", "bench", "--json", "--set", str(questions), "--rounds", "2",
                 "--startup-runs", "1", "--chat-set", str(chat)]) == 0
    figures = json.loads(capsys.readouterr().out)
    for key in ("p50_ms", "p99_ms", "mean_ms", "index_build_s", "peak_mb",
                "startup_cold_wall_s", "startup_warm_wall_s", "startup_warm_peak_mb"):
        assert isinstance(figures[key], (int, float)) and figures[key] > 0, key
    assert figures["questions"] == 2 and figures["rounds"] == 2
    # The chat path: a question naming nobody, and two naming a listed outlet, found as such.
    assert figures["chat_no_names_questions"] == 1 and figures["chat_names_questions"] == 2
    for group in ("no_names", "names"):
        for key in ("p50_cpu", "p99_cpu", "p50_wall", "p99_wall", "p99_names_cpu"):
            assert figures[f"chat_{group}_{key}_ms"] > 0, (group, key)
    # The name step is part of the answer it is timed in.
    assert figures["chat_names_p99_names_cpu_ms"] <= figures["chat_names_p99_cpu_ms"]
    assert figures["chat_sets"] == [str(chat)]
    # The cold process builds the index; the warm one reads what the cold one stored.
    assert figures["startup_warm_cpu_s"] < figures["startup_cold_cpu_s"] / 2
    assert figures["startup_warm_peak_mb"] < figures["startup_cold_peak_mb"]


def test_kb_bench_text_report_names_the_chat_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "set.json"
    questions.write_text(json.dumps([{"q": "can I donate to The Insider", "lang": "en"},
                                     {"q": "штраф за репост иноагента", "lang": "ru"}]),
                         encoding="utf-8")
    assert main(["kb", "bench", "--set", str(questions), "--rounds", "1",
                 "--startup-runs", "0", "--chat-set", str(questions)]) == 0
    out = capsys.readouterr().out
    assert "chat answer path" in out
    assert "naming nobody (1): p50" in out and "naming someone (1): p50" in out


def test_scan_reads_files_and_says_which_are_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RISKGUIDE_DATA_DIR", str(tmp_path / "data"))
    text = tmp_path / "post.txt"
    text.write_text("Материал подготовлен при участии Amnesty International.", encoding="utf-8")
    assert main(["scan", str(text), str(tmp_path / "missing.txt"), "--json"]) == 1
    found, missing = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert [m["registry"] for m in found["mentions"]] == ["undesirable"]
    assert missing["error"] == "missing" and missing["mentions"] == []


def test_kb_eval_out_of_fold_per_set_and_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each set is answered with the ranker fitted without it; the figures add up per set."""
    import bot.cli.knowledge as knowledge

    sets = {
        "a": [{"q": "какой штраф за участие в нежелательной организации", "lang": "ru",
               "expect": ["un_admin_penalties"]},
              {"q": "how to cook pasta", "lang": "en", "expect_no_answer": True}],
        "b": [{"q": "what must a foreign agent put on every post", "lang": "en",
               "expect": ["fa_labelling"]},
              {"q": "как приготовить борщ", "lang": "ru", "expect_no_answer": True},
              {"q": "где купить билеты на концерт", "lang": "ru", "expect_no_answer": True}],
    }
    for name, items in sets.items():
        (tmp_path / f"questions-{name}.json").write_text(json.dumps(items), encoding="utf-8")
    monkeypatch.setattr(knowledge, "REPO_QUESTION_SETS", tmp_path)
    assert main(["kb", "eval", "--out-of-fold", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["sets"]) == {"a", "b"}
    assert (out["sets"]["a"]["answerable"], out["sets"]["b"]["off_topic"]) == (1, 2)
    assert out["answerable"] == 2 and out["off_topic"] == 3
    assert out["answered_correctly"] == 2, out
    # Rankers fitted on two tiny sets have seen almost no off-topic question, so only the sums
    # are asserted for declines.
    assert out["abstained_correctly"] == sum(s["abstained_correctly"]
                                             for s in out["sets"].values())
    assert "failures" not in out["sets"]["a"]


def test_kb_eval_out_of_fold_needs_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.cli.knowledge as knowledge

    monkeypatch.setattr(knowledge, "REPO_QUESTION_SETS", tmp_path / "missing")
    assert main(["kb", "eval", "--out-of-fold"]) == 1
    assert "no question sets" in capsys.readouterr().err


def test_kb_eval_json_counts_a_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "questions-x.json"
    path.write_text(json.dumps([
        {"q": "what must a foreign agent put on every post", "lang": "en",
         "expect": ["fa_labelling"]},
        {"q": "how to cook pasta", "lang": "en", "expect_no_answer": True},
        {"q": "how to cook pasta", "lang": "en", "expect": ["fa_labelling"]},
    ]), encoding="utf-8")
    assert main(["kb", "eval", "--set", str(path), "--json", "--failures"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["answered_correctly"], out["answerable"]) == (1, 2)
    assert (out["abstained_correctly"], out["off_topic"]) == (1, 1)
    assert [f["q"] for f in out["failures"]] == ["how to cook pasta"]
