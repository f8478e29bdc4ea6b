"""End-to-end: the real python-telegram-bot Application (TelegramAdapter) against a local Bot API.

The server (tests/auxil/botapi.py) is a real HTTP server on loopback; the bot reaches it through
`base_url`, exactly as it would reach a self-hosted telegram-bot-api. "Nothing was answered" is
proven by order, not by sleeping: updates are processed one after another, so when the reply to
a later message has arrived, an earlier message that got no reply was ignored.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from bot.adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.i18n import Translator
from bot.storage.database import Database
from bot.watch.users import WatchService
from handlers.commands import COMMANDS
from handlers.context import RateLimiter, Services
from handlers.dispatcher import Dispatcher
from handlers.markup import bold, esc
from handlers.messages import Choice, Message, Reply
from tests.auxil.botapi import BotAPIServer, Chat, User, html_text

pytestmark = pytest.mark.e2e

RU = User(1001, "Аня", "ru")
EN = User(1002, "Ben", "en")
GROUP = Chat(-100500, "supergroup", "Activists")
QUESTION_RU = "что будет за репост иноагента?"
QUESTION_EN = "can I be fined for reposting a foreign agent?"


def t(lang: str, key: str, **params: object) -> str:
    """Return a UI string as the user reads it."""
    return Translator(lang)(key, **params)


@pytest.fixture
def settings(api: BotAPIServer, tmp_path: Path) -> Settings:
    """Settings pointing the bot at the local server, with all state in tmp_path."""
    return Settings(
        data_dir=tmp_path, telegram_token=api.token, telegram_api_base_url=api.base_url
    )


@pytest.fixture
async def dispatcher(settings: Settings,
                     shared_services: Services) -> AsyncIterator[Dispatcher]:
    """A dispatcher with this test's own database (language, watches) and rate limits over
    the shared index."""
    db = Database(f"sqlite+aiosqlite:///{settings.data_dir / 'riskguide.db'}")
    await db.migrate()
    users = WatchService(db)
    yield Dispatcher(dataclasses.replace(
        shared_services, preferences=users, watch=users, rate_limiter=RateLimiter(),
        bot_username=None,
    ))
    await db.close()


@pytest.fixture
async def bot(settings: Settings, dispatcher: Dispatcher) -> AsyncIterator[TelegramAdapter]:
    """The running adapter, polling the local server."""
    adapter = TelegramAdapter(settings, dispatcher, poll_timeout=5)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_start_publishes_menus_and_greets(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """The command menu is set in Russian, English and a default; /start greets with buttons."""
    names = [c.name for c in COMMANDS if c.in_menu]
    for lang in ("ru", "en"):
        menu = api.commands[("default", lang)]
        assert [c["command"] for c in menu] == names
        assert menu[1]["description"] == t(lang, "cmd.help")
    assert [c["command"] for c in api.commands[("default", "")]] == names
    assert bot.dispatcher.services.bot_username == api.username

    [greeting] = await api.say(RU, "/start")
    assert t("ru", "disclaimer.short") in greeting.text
    assert greeting.parse_mode == "HTML" and greeting.raw.startswith("<b>")
    assert len(greeting.buttons()) == 2
    [greeting_en] = await api.say(EN, "/start")
    assert t("en", "disclaimer.short") in greeting_en.text


async def test_questions_in_russian_and_english(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """Free-text questions get sourced answers with article numbers, in the user's language."""
    [ru] = await api.say(RU, QUESTION_RU)
    assert re.search(r"ст\. \d+(\.\d+)?", ru.text), ru.text
    assert "<a href=" in ru.raw and ru.buttons()
    [en] = await api.say(EN, QUESTION_EN)
    assert re.search(r"Article \d+(\.\d+)?", en.text), en.text
    [asked] = await api.say(EN, "/ask " + QUESTION_EN)
    assert asked.text == en.text


async def test_check_states_what_data_it_has(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """With no registry data loaded, /check says that a check is impossible (never "not found")."""
    [reply] = await api.say(RU, "/check Мемориал")
    assert reply.text == t("ru", "check.no_data")
    [usage] = await api.say(RU, "/check")
    assert usage.text == t("ru", "check.usage")


REGISTRIES = Path(__file__).resolve().parents[3] / "shared" / "registries"


@pytest.mark.skipif(not REGISTRIES.is_dir(), reason="needs the shared registry snapshots")
async def test_check_with_registry_data(api: BotAPIServer, settings: Settings,
                                        dispatcher: Dispatcher) -> None:
    """With an imported registry file, /check and inline mode name the entry and the data date."""
    from bot.listings.service import ListingService
    from handlers.answers import format_date

    listings = ListingService(settings)
    latest = sorted((REGISTRIES / "foreign_agents").glob("*.json"))[-1]
    assert listings.import_file(latest, "foreign_agents").accepted
    snapshot = listings.store.latest("foreign_agents")
    assert snapshot is not None
    entry = snapshot.entries[0]
    dispatcher.services.listings = listings
    adapter = TelegramAdapter(settings, dispatcher, poll_timeout=5)
    await adapter.start()
    try:
        [reply] = await api.say(RU, f"/check {entry.name}")
        query = await api.inline_query(EN, entry.name)
        answer = await api.wait_for(lambda: api.inline_answers.get(query))
    finally:
        await adapter.stop()
    assert entry.name in reply.text
    assert format_date(snapshot.as_of, "ru") in reply.text
    assert reply.buttons()  # what the listing means for the user
    [article] = answer["results"]
    assert format_date(snapshot.as_of, "en") in html_text(
        article["input_message_content"]["message_text"]
    )


async def test_buttons_are_answered(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """A button press is answered (no spinner) and replied to; stale data gets a polite reply."""
    [answer] = await api.say(RU, QUESTION_RU)
    label, data = answer.buttons()[0]
    mark = len(api.sent)
    query = await api.press(RU, answer, data)
    [related] = await api.replies(RU.id, mark)
    assert related.text.startswith(label[:20])
    assert query in api.callback_answers

    mark = len(api.sent)
    stale = await api.press(RU, answer, "zz:no-such-button")
    [polite] = await api.replies(RU.id, mark)
    assert polite.text == t("ru", "error.stale_button")
    assert stale in api.callback_answers


async def test_topic_browsing_edits_the_menu(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """Opening a topic from the /topics menu replaces the menu in place (editMessageText)."""
    [menu] = await api.say(EN, "/topics")
    first_topic = menu.buttons()[0][1]
    assert first_topic.startswith("t:")
    query = await api.press(EN, menu, first_topic)
    await api.wait_for(lambda: menu.edits == 1)
    assert query in api.callback_answers
    assert menu.buttons() and all(d.startswith(("a:", "t:")) for _, d in menu.buttons())
    [call] = api.calls_to("editMessageText")
    assert int(call.params["message_id"]) == menu.message_id


async def test_language_button(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """/lang offers buttons; choosing English switches a Russian-speaking user's replies."""
    [choose] = await api.say(RU, "/lang")
    mark = len(api.sent)
    await api.press(RU, choose, "l:en")
    [done] = await api.replies(RU.id, mark)
    assert done.text == t("en", "lang.set")
    [help_reply] = await api.say(RU, "/help")
    assert t("en", "help.title") in help_reply.text


PARAGRAPHS = tuple(f"Paragraph {i}: " + "risk & guidance <info> " * 40 for i in range(20))


class LongDispatcher(Dispatcher):
    """Answers everything with one reply far over Telegram's 4096-character limit."""

    async def handle(self, message: Message) -> list[Reply]:
        """Return the long reply with a bold title and one button."""
        text = bold("Long answer") + "\n\n" + "\n\n".join(esc(p) for p in PARAGRAPHS)
        return [Reply(text, choices=((Choice("Topics", "t:"),),))]


async def test_long_reply_is_split_at_paragraphs(api: BotAPIServer, settings: Settings,
                                                 shared_services: Services) -> None:
    """A reply over 4096 characters arrives as several valid HTML messages, buttons on the last."""
    adapter = TelegramAdapter(settings, LongDispatcher(shared_services), poll_timeout=5)
    await adapter.start()
    try:
        mark = len(api.sent)
        await api.send_text(EN, "tell me everything")
        await api.wait_for(lambda: len(api.sent) > mark and api.sent[-1].reply_markup)
    finally:
        await adapter.stop()
    parts = api.sent[mark:]
    assert len(parts) >= 3
    assert all(len(p.text) <= 4096 for p in parts)
    assert [bool(p.buttons()) for p in parts] == [False] * (len(parts) - 1) + [True]
    # Cut only between paragraphs: the parts' texts are whole paragraphs, in order.
    paragraphs = [p for part in parts for p in part.text.split("\n\n")]
    assert paragraphs == ["Long answer", *PARAGRAPHS]


async def test_inline_mode(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """"@bot NAME" in any chat gets one article with the check result; empty gets none."""
    query = await api.inline_query(EN, "Memorial")
    answer = await api.wait_for(lambda: api.inline_answers.get(query))
    [article] = answer["results"]
    assert article["type"] == "article" and article["title"]
    content = article["input_message_content"]
    assert html_text(content["message_text"]) == t("en", "check.no_data")
    empty = await api.inline_query(EN, "   ")
    assert (await api.wait_for(lambda: api.inline_answers.get(empty)))["results"] == []


# PTB's own RetryAfter handling touches its deprecated int-valued retry_after; not our code.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_429_is_honoured(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """A 429 with retry_after delays the reply by that long instead of dropping it."""
    api.rate_limit_next("sendMessage", n=1, retry_after=1)
    [reply] = await api.say(EN, "/help")
    assert t("en", "help.title") in reply.text
    refused, accepted = api.calls_to("sendMessage")
    assert refused.status == 429 and accepted.status == 200
    assert accepted.at - refused.at >= 1.0


async def test_rate_limiting_replies_politely(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """Many messages at once: the first ones are answered, the rest get the polite limit reply."""
    limiter = bot.dispatcher.services.rate_limiter
    mark = len(api.sent)
    for i in range(limiter.burst + 3):
        await api.send_text(EN, f"/help {i}")
    replies = await api.replies(EN.id, mark, count=limiter.burst + 3, timeout=20)
    texts = [r.text for r in replies]
    assert all(t("en", "help.title") in x for x in texts[: limiter.burst])
    assert texts[limiter.burst:] == [t("en", "error.rate_limited")] * 3


async def test_group_only_answers_when_addressed(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """In a group: plain text and other bots' commands are ignored; mentions, our commands and
    replies to the bot are answered, quoting the user's message."""
    mark = len(api.sent)
    await api.send_text(RU, QUESTION_RU, GROUP)
    await api.send_text(RU, "/help@some_other_bot", GROUP)
    [answer] = await api.say(RU, f"@{api.username} {QUESTION_RU}", GROUP)
    assert len(api.sent) == mark + 1  # the two earlier messages got nothing
    assert re.search(r"ст\. \d+", answer.text)
    assert answer.reply_to is not None
    [help_reply] = await api.say(RU, f"/help@{api.username}", GROUP)
    assert t("ru", "help.title") in help_reply.text
    [again] = await api.say(RU, QUESTION_RU, GROUP, reply_to=answer)
    assert again.text == answer.text
    assert all(s.chat_id == GROUP.id for s in api.sent[mark:])


async def test_stickers_photos_voice_and_edits(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """Non-text messages get a short polite answer in private; edits and group stickers nothing."""
    for kind in ("sticker", "photo", "voice"):
        mark = len(api.sent)
        await api.send_media(EN, kind)
        [reply] = await api.replies(EN.id, mark)
        assert reply.text == t("en", "error.not_text")
    mark = len(api.sent)
    original = await api.send_text(EN, "/about")
    await api.replies(EN.id, mark)
    mark = len(api.sent)
    await api.edit_text(EN, original, "/help")
    await api.send_media(EN, "sticker", GROUP)
    [marker] = await api.say(EN, "/start")
    assert api.sent[mark:] == [marker]


class BrokenDispatcher(Dispatcher):
    """Fails on every message, like a bug in a handler would, quoting the message."""

    async def handle(self, message: Message) -> list[Reply]:
        """Raise, always, with the user's text in the exception (as many errors have)."""
        raise RuntimeError(f"boom while handling {message.text!r}")


async def test_errors_get_a_polite_reply_and_no_secrets_in_logs(
    api: BotAPIServer, settings: Settings, shared_services: Services,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failing handler yields error.internal in the language the user chose with /lang;
    logs carry no token even at DEBUG, and at INFO and above neither the message text nor
    the exception's text (which quotes it): the type and the place only."""
    caplog.set_level(logging.DEBUG)
    await shared_services.preferences.set_language("telegram", str(RU.id), "en")
    adapter = TelegramAdapter(settings, BrokenDispatcher(shared_services), poll_timeout=5)
    await adapter.start()
    try:
        [reply] = await api.say(RU, "секретный вопрос про Иванова")
    finally:
        await adapter.stop()
        await shared_services.preferences.set_language("telegram", str(RU.id), "ru")
    assert reply.text == t("en", "error.internal")  # the /lang choice, not the "ru" hint
    assert "boom" not in reply.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all("RuntimeError in" in r.getMessage() for r in errors)
    assert "Set Bot API URL" in caplog.text  # PTB's DEBUG line is there, without the token
    assert api.token not in caplog.text
    assert api.token.split(":")[1] not in caplog.text
    visible = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records
                        if r.levelno >= logging.INFO)
    assert "Иванова" not in visible and "boom" not in visible


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_webhook_mode(api: BotAPIServer, settings: Settings, dispatcher: Dispatcher) -> None:
    """With a webhook URL the bot registers it with a secret and answers updates posted to it."""
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram"
    settings = dataclasses.replace(
        settings, telegram_webhook_url=hook, telegram_webhook_listen=f"127.0.0.1:{port}"
    )
    adapter = TelegramAdapter(settings, dispatcher)
    await adapter.start()
    try:
        assert api.webhook["url"] == hook and api.webhook["secret_token"]
        [reply] = await api.say(EN, "/help")
        assert t("en", "help.title") in reply.text
        async with aiohttp.ClientSession() as session, session.post(
            hook, json={"update_id": 999, "message": {}}
        ) as forged:
            assert forged.status == 403  # no secret header: not from Telegram
    finally:
        await adapter.stop()
    assert not api.calls_to("getUpdates")


async def test_stats_answers_with_a_photo_and_a_summary(
    api: BotAPIServer, settings: Settings, dispatcher: Dispatcher
) -> None:
    """/stats sends the chart as a photo, then the summary; in a group the photo quotes the
    question; "/статистика иноагенты" in English narrows it to one list."""
    from bot.listings.service import ListingService
    from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05

    listings = ListingService(settings)
    assert listings.import_file(FA_2024_10_01, "foreign_agents").accepted
    assert listings.import_file(UND_2024_09_05, "undesirable").accepted
    dispatcher.services.listings = listings
    adapter = TelegramAdapter(settings, dispatcher, poll_timeout=5)
    await adapter.start()
    try:
        photo, summary = await api.say(RU, "/stats", count=2)
        mark = len(api.sent)
        question = await api.send_text(EN, "/статистика иноагенты", GROUP)
        group_photo, group_summary = await api.replies(GROUP.id, mark, count=2)
    finally:
        await adapter.stop()
    assert photo.kind == "photo" and photo.file is not None
    image = Image.open(io.BytesIO(photo.file.data))
    assert image.format == "PNG" and image.width >= 1000
    assert summary.kind == "text" and "Сейчас в реестре: 655" in summary.text
    assert "Перечень нежелательных организаций" in summary.text
    assert group_photo.kind == "photo" and group_photo.reply_to == question["message_id"]
    assert group_summary.text.startswith("Register of foreign agents (data as of 1 October")
    assert "undesirable" not in group_summary.text.lower()
