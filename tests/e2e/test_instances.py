"""End to end: two `riskguide run` processes with separate, empty data directories, one real
PostgreSQL, webhooks behind a load balancer, the local Bot API server and the emulated portal.

One refresh round per interval runs across both instances; the snapshot one of them fetched
answers `/check` on both; a change alerts each watcher exactly once, whichever instance they
talked to and whichever one refreshed.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.listings.store import SnapshotStore
from bot.measure.portal_emulator import Emulator
from tests.auxil.balancer import Balancer
from tests.auxil.botapi import BotAPIServer, User
from tests.auxil.databases import PostgresServer
from tests.auxil.registries import SHARED_REGISTRIES

pytestmark = pytest.mark.e2e

FA = SHARED_REGISTRIES / "foreign_agents"
INTERVAL_S = 3
RIVA = User(3101, "Рива", "ru")
EDITOR = User(3102, "Editor", "en")
READER = User(3103, "Читатель", "ru")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _until(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def _instance(name: str, tmp: Path, env: dict[str, str], port: int,
              hook: str) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Run `riskguide run` with its own data directory and cache; yield it and its log."""
    data = tmp / name
    log = tmp / f"{name}.log"
    proc_env = {**env, "RISKGUIDE_DATA_DIR": str(data),
                "RISKGUIDE_CACHE_DIR": str(tmp / f"{name}-cache"),
                "TELEGRAM_WEBHOOK_URL": hook, "TELEGRAM_WEBHOOK_LISTEN": f"127.0.0.1:{port}"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=proc_env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_two_instances_share_one_database(postgres: PostgresServer, tmp_path: Path) -> None:
    url = await postgres.new_database()
    emu = Emulator()
    emu.load_file("foreign_agents", FA / "2024-09-13.json")
    emu.load_file("undesirable", SHARED_REGISTRIES / "undesirable" / "2024-09-05.json")
    ports = {"a": _free_port(), "b": _free_port()}
    async with BotAPIServer() as api, Balancer(ports) as balancer:
        with emu.running() as portal:
            env = {**os.environ, "RISKGUIDE_DATABASE_URL": url,
                   "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
                   "RISKGUIDE_REGISTRY_PORTAL_URL": portal,
                   "RISKGUIDE_REGISTRY_MIRROR_URL": "off",
                   "RISKGUIDE_REFRESH_INTERVAL": str(INTERVAL_S)}
            env.pop("RISKGUIDE_LOG_LEVEL", None)
            store = SnapshotStore(url)
            with _instance("a", tmp_path, env, ports["a"], balancer.url()) as (a, a_log):
                # The first instance starts alone and fetches the lists (nothing is stored).
                await _until(lambda: store.latest("foreign_agents") is not None, 40,
                             "the first refresh")
                with _instance("b", tmp_path, env, ports["b"], balancer.url()) as (b, b_log):
                    await _until(lambda: _listening(ports["a"]) and _listening(ports["b"]),
                                 40, "both webhooks")
                    assert a.poll() is None and b.poll() is None
                    assert not any((tmp_path / "b").glob("**/*.json"))  # nothing on B's disk
                    # B answers from the snapshot A fetched: Dud' is listed as of 13.09.2024.
                    balancer.target = "b"
                    [reply] = await api.say(RIVA, "/check Дудь Юрий Александрович")
                    assert "Дудь" in reply.text and "13.09.2024" in reply.text, reply.text
                    [watched] = await api.say(RIVA, "/watch Эткинд Александр")
                    assert "Эткинд Александр" in watched.text
                    balancer.target = "a"
                    [watched] = await api.say(EDITOR, "/watch Etkind Alexander")
                    assert "Etkind Alexander" in watched.text

                    # The portal publishes a change: whichever instance refreshes, each
                    # watcher gets one alert, from one sender, once.
                    mark = len(api.sent)
                    changed = time.monotonic()
                    emu.load_file("foreign_agents", FA / "2024-10-01.json")
                    [alert] = await api.replies(RIVA.id, mark, timeout=INTERVAL_S + 15)
                    [e_alert] = await api.replies(EDITOR.id, mark, timeout=10)
                    assert "Эткинд Александр Маркович" in alert.text
                    assert "Etkind" in e_alert.text or "Эткинд" in e_alert.text

                    # Both answer from the new snapshot, one of them through the other.
                    for target in ("a", "b"):
                        balancer.target = target
                        [reply] = await api.say(READER, "/check Эткинд Александр Маркович")
                        assert "01.10.2024" in reply.text, (target, reply.text)
                        assert "Эткинд" in reply.text
                    assert {t for t, _ in balancer.routed} == {"a", "b"}

                    # Over three intervals (and more than a sender's poll): one round per
                    # interval across both, counted as the portal's /info requests for one
                    # list (each instance on its own would double them), and no alert twice.
                    await asyncio.sleep(max(0.0, changed + 3 * INTERVAL_S - time.monotonic()))
                    rounds = len(_infos(emu))
                    window = time.monotonic() - changed
                    assert 2 <= rounds <= window / INTERVAL_S + 1, (rounds, window)
                    assert [s for s in api.sent[mark:] if s.chat_id == RIVA.id] == [alert]
                    assert [s for s in api.sent[mark:] if s.chat_id == EDITOR.id] == [e_alert]
                    status = subprocess.run(
                        [sys.executable, "-m", "bot.cli", "registry", "status"],
                        env={**env, "RISKGUIDE_DATA_DIR": str(tmp_path / "c")},
                        capture_output=True, text=True, timeout=60)
                    assert "foreign_agents: 866 entries as of 2024-10-01" in status.stdout, \
                        status.stdout + status.stderr
                    assert "portal" in status.stdout and "stored" in status.stdout
                    logs = {"a": a_log.read_text("utf-8"), "b": b_log.read_text("utf-8")}
    stored = [n for n, text in logs.items()
              if "foreign_agents: stored 866 entries as of 2024-10-01" in text]
    assert len(stored) == 1, logs  # fetched and stored by exactly one instance
    assert "another instance" in logs["a"] + logs["b"]
    assert "Traceback" not in logs["a"] + logs["b"], logs


def _infos(emu: Emulator) -> list[str]:
    return [r for r in emu.get("foreign_agents").requests if "info" in r]
