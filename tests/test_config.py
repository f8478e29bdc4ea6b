"""Configuration: bad values are one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

REPO = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    base = {"RISKGUIDE_DATA_DIR": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin"),
            "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin,
                          capture_output=True, text=True, env=base | env, timeout=120,
                          cwd=tmp_path)


@pytest.mark.parametrize(("setting", "value", "accepts"), [
    ("RISKGUIDE_LOG_LEVEL", "verbose", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ("RISKGUIDE_REFRESH_INTERVAL", "soon", "30m, 1h"),
    ("TELEGRAM_BOT_TOKEN_FILE", "/nonexistent/token", "readable file"),
    ("RISKGUIDE_ALERT_LEASE", "a minute", "positive number of seconds"),
])
def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path, setting: str, value: str,
                                              accepts: str) -> None:
    proc = _run(tmp_path, "run", **{setting: value})
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert setting in line and repr(value) in line and accepts in line


def test_durations_with_units_are_accepted() -> None:
    env = {"RISKGUIDE_DATA_DIR": "/tmp/riskguide-config-test"}
    assert load_settings(env | {"RISKGUIDE_REFRESH_INTERVAL": "1h"}).refresh_interval_s == 3600
    assert load_settings(env | {"RISKGUIDE_REFRESH_INTERVAL": "1h30m"}).refresh_interval_s == 5400
    assert load_settings(env | {"RISKGUIDE_REFRESH_INTERVAL": "900"}).refresh_interval_s == 900
    with pytest.raises(ConfigError, match="RISKGUIDE_REFRESH_INTERVAL"):
        load_settings(env | {"RISKGUIDE_REFRESH_INTERVAL": "-1h"})


def test_registry_status_needs_no_chat_credentials(tmp_path: Path) -> None:
    """A token file that is missing (a chat-only secret) stops neither `registry status`,
    `alerts status` nor `check`; only the commands that chat need it."""
    missing = {"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token",
               "MATRIX_PASSWORD_FILE": "/nonexistent/password"}
    for args in (("registry", "status"), ("alerts", "status"), ("check", "Дудь")):
        proc = _run(tmp_path, *args, **missing)
        assert proc.returncode in (0, 1), (args, proc.stderr)  # 1: no registry data yet
        assert "Traceback" not in proc.stderr and "_FILE" not in proc.stderr, args


def test_log_level_applies_to_every_command_chat_included(tmp_path: Path) -> None:
    quiet = _run(tmp_path, "chat", "--lang", "en", stdin="/help\n\n")
    loud = _run(tmp_path, "chat", "--lang", "en", stdin="/help\n\n", RISKGUIDE_LOG_LEVEL="info")
    assert quiet.returncode == loud.returncode == 0, loud.stderr
    assert " INFO " not in quiet.stderr
    assert " INFO " in loud.stderr  # e.g. the database migration's lines
