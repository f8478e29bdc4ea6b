"""`pip install .` (not editable) gives a working `riskguide` from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_ships_data_and_installs_into_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )
    wheel = next(dist.glob("riskguide-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    # hatchling silently ignores a missing force-include source: look inside.
    assert any(n.startswith("bot/data/knowledge/") and n.endswith(".yaml") for n in names)
    assert "bot/data/locales/ru/LC_MESSAGES/riskguide.po" in names
    assert "bot/data/locales/en/LC_MESSAGES/riskguide.po" in names
    assert "bot/storage/migrations/env.py" in names
    assert any(n.startswith("bot/storage/migrations/versions/0001") for n in names)
    assert "bot/listings/bundled-registries.json" in names
    # The reviewed alias file is package data next to its loader, not a Python module.
    assert "bot/listings/aliases.yaml" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, timeout=900,
                   capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = str(env_dir / "bin" / "riskguide")
    # No network: the portal and the mirror are addresses here that refuse at once.
    env = {"RISKGUIDE_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path), "RISKGUIDE_REGISTRY_PORTAL_URL": "http://127.0.0.1:9",
           "RISKGUIDE_REGISTRY_MIRROR_URL": "http://127.0.0.1:9/index.json"}
    # A fresh install checks names at once, against the snapshot shipped in the package.
    check = subprocess.run([exe, "check", "Amnesty International", "--json"], cwd=elsewhere,
                           env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout)
    assert found["status"] == "listed" and found["matches"][0]["registry"] == "undesirable"
    undesirable = next(d for d in found["data"] if d["registry"] == "undesirable")
    assert undesirable["origin"] == "bundled" and undesirable["as_of"] == "2026-09-17"
    unknown = subprocess.run([exe, "check", "Совершенно Неизвестная Организация", "--json"],
                             cwd=elsewhere, env=env, capture_output=True, text=True,
                             timeout=120)
    assert json.loads(unknown.stdout)["status"] == "unverified"
    validate = subprocess.run([exe, "kb", "validate"], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=120)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "bot/data/knowledge" in validate.stdout
    ask = subprocess.run([exe, "ask", "what is the fine under article 19.34", "--json"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert ask.returncode == 0, ask.stderr
    assert "19.34" in ask.stdout
    # The database is created and migrated from the installed wheel: the console chat opens
    # it, and `alerts status` reads it back.
    chat = subprocess.run([exe], cwd=elsewhere, env=env, input="/watchlist\n",
                          capture_output=True, text=True, timeout=120)
    assert chat.returncode == 0, chat.stderr
    assert (tmp_path / "data" / "riskguide.db").exists()
    status = subprocess.run([exe, "alerts", "status"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "0 pending, 0 sent, 0 failed" in status.stdout, status.stderr
