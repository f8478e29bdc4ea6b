"""End to end: watches on Telegram (local Bot API server) and Matrix (real Synapse), a newer
snapshot imported with the CLI while the bot runs, exactly one alert each; and a bot killed
in the middle of sending delivers the rest after a restart, nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_app, build_dispatcher
from bot.config import Settings
from bot.listings.service import ListingService
from bot.runner import run_platforms
from bot.storage.database import Database
from bot.storage.schema import outbox
from bot.watch.diff import diff
from bot.watch.refresh import RefreshService
from bot.watch.users import WatchService
from tests.auxil.botapi import BotAPIServer, Chat, User
from tests.auxil.registries import SHARED_REGISTRIES, shared_snapshot
from tests.auxil.synapse import Person, Synapse, register_unique

pytestmark = pytest.mark.e2e

OLD = SHARED_REGISTRIES / "foreign_agents" / "2024-09-13.json"
NEW = SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json"
RIVA = User(2001, "Рива", "ru")
EDITOR = User(2002, "Editor", "en")
INTERN = User(2005, "Intern", "en")
NEWSROOM = Chat(-100900, "supergroup", "Newsroom")


def cli(env: dict[str, str], *args: str, codes: tuple[int, ...] = (0,)) -> str:
    """Run `riskguide ARGS` as an operator would, in another process; return its output."""
    result = subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, text=True,
                            capture_output=True, timeout=120)
    assert result.returncode in codes, result.stderr
    return result.stdout


@pytest.fixture
async def api() -> AsyncIterator[BotAPIServer]:
    """A local Bot API server that enforces Telegram's sending limits."""
    async with BotAPIServer(enforce_limits=True) as server:
        yield server


async def test_each_platform_receives_exactly_one_alert(
        synapse: Synapse, api: BotAPIServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "RISKGUIDE_DATA_DIR": str(data)}
    assert "starting point" in cli(env, "registry", "import", str(OLD),
                                   "--registry", "foreign_agents")
    bot_user = register_unique(synapse, "riskguide")
    settings = Settings(
        data_dir=data, telegram_token=api.token, telegram_api_base_url=api.base_url,
        matrix_homeserver=synapse.url, matrix_user_id=bot_user.user_id,
        matrix_password=bot_user.password, refresh_interval_s=0)
    app = await build_app(settings)
    stop = asyncio.Event()
    bot = asyncio.create_task(run_platforms(app, stop))
    alice = await Person.create(synapse, tmp_path, "alice")
    try:
        [watched] = await api.say(RIVA, "/watch Эткинд Александр")
        assert "Эткинд Александр" in watched.text and "1" in watched.text

        room = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
        await alice.wait_joined(room, bot_user.user_id)
        await alice.send(room, "!watch Etkind Alexander")
        [answer] = await alice.replies(room, bot_user.user_id)
        assert "Etkind Alexander" in answer.source["content"]["body"]

        mark = len(api.sent)
        out = await asyncio.to_thread(cli, env, "registry", "import", str(NEW),
                                      "--registry", "foreign_agents")
        assert "2 messages queued" in out

        [alert] = await api.replies(RIVA.id, mark)
        assert "Эткинд Александр Маркович" in alert.text
        assert "Эткинд Александр" in alert.text and "25.09.2024" in alert.text
        [m_alert] = await alice.replies(room, bot_user.user_id)
        body = m_alert.source["content"]["body"]
        assert "Эткинд Александр Маркович" in body and "Etkind Alexander" in body

        await asyncio.sleep(7)  # more than a sender poll: nothing else arrives
        assert [s for s in api.sent[mark:] if s.chat_id == RIVA.id] == [alert]
        await alice.sync()
        assert not [e for r, e in alice.events if r == room
                    and e.sender == bot_user.user_id]
        assert api.flood_429s == 0
        # Every list has data: imported, or the snapshot shipped in the package.
        status = await asyncio.to_thread(cli, env, "alerts", "status")
        assert "0 pending, 2 sent, 0 failed" in status

        # "1" answers the alert's numbered choice: what the listing means.
        await alice.send(room, "1")
        [meaning] = await alice.replies(room, bot_user.user_id)
        kb = build_dispatcher(settings, with_listings=False).services.kb
        entry = kb.get("fa_interaction")
        assert entry is not None
        body = meaning.source["content"]["body"]
        assert entry.title["en"] in body or entry.title["ru"] in body, body[:200]
    finally:
        stop.set()
        await asyncio.wait_for(bot, timeout=60)
        await app.close()
        await alice.close()


async def test_a_group_admin_switches_on_the_groups_digest(api: BotAPIServer,
                                                            tmp_path: Path) -> None:
    """Only an admin may switch the group's digest on; then the group gets every change of
    the next import, grouped, and nobody's private data is involved."""
    data = tmp_path / "data"
    settings = Settings(data_dir=data, telegram_token=api.token,
                        telegram_api_base_url=api.base_url, refresh_interval_s=0)
    app = await build_app(settings)
    assert app.refresh is not None
    await app.refresh.import_file(SHARED_REGISTRIES / "undesirable" / "2024-07-19.json",
                                  "undesirable")
    api.set_member_status(NEWSROOM.id, EDITOR.id, "administrator")
    stop = asyncio.Event()
    bot = asyncio.create_task(run_platforms(app, stop))
    try:
        [refused] = await api.say(INTERN, "/digest on undesirable", NEWSROOM)
        [done] = await api.say(EDITOR, "/digest on undesirable", NEWSROOM)
        assert refused.text != done.text
        assert "admin" in refused.text.lower()
        mark = len(api.sent)
        processed = (await app.refresh.import_file(
            SHARED_REGISTRIES / "undesirable" / "2024-08-09.json", "undesirable"))[1]
        assert processed.counts == {"added": 3}
        [digest] = await api.replies(NEWSROOM.id, mark)
        added = diff(shared_snapshot("undesirable", "2024-07-19"),
                     shared_snapshot("undesirable", "2024-08-09"))
        assert len(added) == 3
        assert all(" ".join(c.name.split())[:30] in " ".join(digest.text.split())
                   for c in added), digest.text
        await asyncio.sleep(6)  # a sender poll later: one message, nothing else
        assert [s for s in api.sent[mark:]] == [digest]
    finally:
        stop.set()
        await asyncio.wait_for(bot, timeout=60)
        await app.close()


async def _queue_alerts(data: Path, chats: dict[str, list[str]]) -> None:
    """Queue alerts in the bot's database: each chat watches names listed in NEW."""
    db = Database(f"sqlite+aiosqlite:///{data / 'riskguide.db'}")
    await db.migrate()
    listings = ListingService(Settings(data_dir=data))
    refresh = RefreshService(db, listings)
    users = WatchService(db)
    await refresh.import_file(OLD, "foreign_agents")
    for chat, names in chats.items():
        for name in names:
            await users.watch("telegram", chat, chat, name, "ru")
    await refresh.import_file(NEW, "foreign_agents")
    await db.close()


async def _count_sent(data: Path) -> int:
    db = Database(f"sqlite+aiosqlite:///{data / 'riskguide.db'}")
    try:
        async with db.begin() as conn:
            return int((await conn.execute(select(func.count()).select_from(outbox).where(
                outbox.c.state == "sent"))).scalar() or 0)
    finally:
        await db.close()


async def _until(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def test_killed_while_sending_delivers_the_rest_once(api: BotAPIServer,
                                                           tmp_path: Path) -> None:
    data = tmp_path / "data"
    names = ["Эткинд Александр", "Генис Александр", "Урушадзе Георгий", "Фельштинский Юрий"]
    chats = {"3001": names, "3002": names[:2], "3003": names[2:], "3004": names[:1]}
    await _queue_alerts(data, chats)
    expected = sum(len(v) for v in chats.values())
    api.hang_send_to["3001"] = 2  # the bot dies while its 2nd alert to 3001 is in flight
    env = {**os.environ, "RISKGUIDE_DATA_DIR": str(data), "TELEGRAM_BOT_TOKEN": api.token,
           "TELEGRAM_API_BASE_URL": api.base_url, "RISKGUIDE_REFRESH_INTERVAL": "0",
           "RISKGUIDE_ALERT_LEASE": "2"}

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    first = start()
    try:
        async def quiet() -> bool:
            # One request hangs, everything the server delivered is recorded as sent.
            return bool(api.hung) and len(api.sent) == await _count_sent(data) == expected - 3
        await _until(quiet)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    assert len(api.sent) == expected - 3  # 3001's 2nd and 3rd, and 3002..3004 done

    second = start()
    try:
        async def done() -> bool:
            return len(api.sent) >= expected and await _count_sent(data) == expected
        await _until(done)
        await asyncio.sleep(3)  # longer than the lease: nothing is sent again
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0, second.stderr.read() if second.stderr else ""
    per_chat = {chat: sorted(s.text.split("\n")[0] for s in api.sent if str(s.chat_id) == chat)
                for chat in chats}
    assert {c: len(v) for c, v in per_chat.items()} == {c: len(v) for c, v in chats.items()}
    assert len(api.sent) == expected
    assert api.flood_429s == 0
