"""End-to-end: scanning texts on Telegram (real TelegramAdapter against the local Bot API).

/scan with text, a forwarded post, a text file the bot downloads (getFile and the file URL),
files it must refuse politely, and inline "@bot note NAME". Data: the 2026-09 snapshot bundled
in the package, as a fresh installation has it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.listings.service import ListingService
from handlers.context import RateLimiter, Services
from handlers.dispatcher import Dispatcher
from tests.auxil.botapi import BotAPIServer, User, html_text
from tests.auxil.registries import WIDE_WINDOWS

pytestmark = pytest.mark.e2e

RU = User(2001, "Аня", "ru")
EN = User(2002, "Ben", "en")
POST = ("Вчера в эфире телеканала «Дождь»* журналист Юрий Дудь рассказал о новом проекте. "
        "Дудь также упомянул отчёт Amnesty International. На улице был холод.")


@pytest.fixture
async def bot(api: BotAPIServer, tmp_path: Path,
              shared_services: Services) -> AsyncIterator[TelegramAdapter]:
    """The running adapter over the bundled registry data."""
    settings = Settings(data_dir=tmp_path, telegram_token=api.token,
                        telegram_api_base_url=api.base_url, freshness_days=WIDE_WINDOWS)
    services = dataclasses.replace(shared_services, rate_limiter=RateLimiter(burst=50),
                                   listings=ListingService(settings), bot_username=None)
    adapter = TelegramAdapter(settings, Dispatcher(services), poll_timeout=5)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_scan_text_forward_and_file(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """/scan TEXT, a forwarded post and a .txt file all come back with names and notes."""
    [reply] = await api.say(RU, "/scan " + POST)
    assert "Дудь Юрий Александрович" in reply.text
    assert "после первого упоминания добавьте: (внесён в реестр иностранных агентов)" in reply.text
    assert "Юрий Дудь (внесён в реестр иностранных агентов) рассказал" in reply.text
    assert "данные из копии, встроенной в бота на 19.09.2026" in reply.text

    mark = len(api.sent)
    await api.send_forward(EN, "Юрий Дудь выпустил новое интервью.", "Some channel")
    [forwarded] = await api.replies(EN.id, mark)
    assert "note to add after the first mention: (внесён в реестр иностранных агентов)" \
        in forwarded.text

    mark = len(api.sent)
    await api.send_document(EN, "post.txt", POST.encode("utf-8"))
    [from_file] = await api.replies(EN.id, mark)
    assert api.calls_to("getFile") and api.calls_to("download")
    assert "Amnesty International Ltd" in from_file.text
    assert "(организация признана нежелательной на территории России)" in from_file.text
    _save_transcript(api, "telegram")


async def test_long_file_result_comes_back_as_a_file(
    api: BotAPIServer, bot: TelegramAdapter
) -> None:
    """A long article: a summary message and the full result as a document."""
    seeds = sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt"))
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds) + "\n\n" + POST * 30
    mark = len(api.sent)
    await api.send_document(RU, "статья.md", text.encode("utf-8"))
    document, summary = await api.replies(RU.id, mark, count=2)
    assert document.kind == "document" and document.file is not None
    body = document.file.data.decode("utf-8")
    assert body.startswith("статья.md") and "Текст с пометками:" in body
    assert "Юрий Дудь (внесён в реестр иностранных агентов)" in body
    assert "Полный результат" in summary.text


async def test_unreadable_files_are_refused_politely(
    api: BotAPIServer, bot: TelegramAdapter
) -> None:
    """Binary, undecodable, unsupported and too large files: a reason, no download of the
    too large one, no crash."""
    cases = [
        ("scan.pdf", b"%PDF-1.4 ...", "only text files"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
        ("cp1251.txt", "Юрий Дудь".encode("cp1251"), "not in UTF-8"),
        ("empty.txt", b"   \n", "no text"),
    ]
    for name, data, words in cases:
        mark = len(api.sent)
        await api.send_document(EN, name, data)
        [reply] = await api.replies(EN.id, mark)
        assert words in reply.text, (name, reply.text)
    downloads = len(api.calls_to("download"))
    mark = len(api.sent)
    await api.send_document(EN, "huge.txt", b"x", size=6 * 1024 * 1024)
    [reply] = await api.replies(EN.id, mark)
    assert "larger than 5 MB" in reply.text
    assert len(api.calls_to("download")) == downloads


async def test_inline_note(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """"@bot note Юрий Дудь" offers the name with its note, ready to insert."""
    query = await api.inline_query(EN, "note Юрий Дудь")
    answer = await api.wait_for(lambda: api.inline_answers.get(query))
    [article] = answer["results"]
    assert article["title"] == "Note for Дудь Юрий Александрович (Register of foreign agents)"
    assert html_text(article["input_message_content"]["message_text"]) == \
        "Юрий Дудь (внесён в реестр иностранных агентов)"


def _save_transcript(api: BotAPIServer, name: str) -> None:
    """Write the conversation where RISKGUIDE_TRANSCRIPTS points (for reports), if set."""
    folder = os.environ.get("RISKGUIDE_TRANSCRIPTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"scan-{name}.txt").write_text(api.transcript(), encoding="utf-8")
