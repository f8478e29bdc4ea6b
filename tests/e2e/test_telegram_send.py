"""End to end: proactive sends and admin detection of the real PTB Application (TelegramAdapter)
against the local Bot API server (tests/auxil/botapi.py), including its failure switches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.config import Settings
from bot.watch.model import RecipientGone, RetryLater, TransientError
from handlers.markup import bold, esc
from handlers.messages import Attachment, ChatKind, Choice, Message, Reply
from tests.auxil.botapi import CHAT_NOT_FOUND, BotAPIServer, Chat, User
from tests.auxil.images import png

pytestmark = pytest.mark.e2e

ANN = User(2001, "Ann", "en")
OWNER = User(2002, "Olga", "ru")
ADMIN = User(2003, "Adam", "en")
MEMBER = User(2004, "Mia", "en")
GROUP = Chat(-100700, "supergroup", "Newsroom")
# Each retry waits retry_after + 0.1 s inside AIORateLimiter; one retry keeps the test short.
RETRIES = 1


class Recorder:
    """Stands in for the dispatcher: keeps every Message and answers with its admin flag."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.services = SimpleNamespace(bot_username=None)  # set by the adapter's start()

    async def handle(self, message: Message) -> list[Reply]:
        """Return one reply naming the flag, so a test can wait for it."""
        self.messages.append(message)
        return [Reply(f"admin={message.sender_is_admin}")]


@pytest.fixture
def recorder() -> Recorder:
    """The stub dispatcher of the running bot."""
    return Recorder()


@pytest.fixture
async def bot(api: BotAPIServer, tmp_path: Path, recorder: Recorder
              ) -> AsyncIterator[TelegramAdapter]:
    """The running adapter, polling the local server, with one flood-control retry."""
    settings = Settings(data_dir=tmp_path, telegram_token=api.token,
                        telegram_api_base_url=api.base_url)
    adapter = TelegramAdapter(settings, recorder, poll_timeout=5,  # type: ignore[arg-type]
                              rate_limit_retries=RETRIES)
    await adapter.start()
    yield adapter
    await adapter.stop()


PARAGRAPHS = tuple(f"Change {i}: " + "listed & excluded <entries> " * 40 for i in range(15))


async def test_send_delivers_and_splits_long_replies_in_order(
    api: BotAPIServer, bot: TelegramAdapter
) -> None:
    """An alert arrives as HTML with its buttons; a long digest arrives as parts, in order."""
    await bot.send(str(ANN.id), Reply(bold("Alert") + ": " + esc("Name <Ltd>") + " listed",
                                      choices=((Choice("Stop", "w:1"),),)))
    [alert] = api.sent
    assert (alert.chat_id, alert.text, alert.parse_mode) == (ANN.id, "Alert: Name <Ltd> listed",
                                                            "HTML")
    assert alert.buttons() == [("Stop", "w:1")] and alert.reply_to is None

    text = bold("Digest") + "\n\n" + "\n\n".join(esc(p) for p in PARAGRAPHS)
    await bot.send(str(GROUP.id), Reply(text, choices=((Choice("Off", "d:off"),),)))
    parts = api.sent[1:]
    assert len(parts) >= 3 and all(p.chat_id == GROUP.id for p in parts)
    assert all(len(p.text) <= 4096 for p in parts)
    assert [q for part in parts for q in part.text.split("\n\n")] == ["Digest", *PARAGRAPHS]
    assert [bool(p.buttons()) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_gone_recipients_and_server_errors(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """403 blocked and 400 chat not found are RecipientGone; a 5xx is TransientError; a group
    upgraded to a supergroup gets the message at its new id."""
    api.fail_sends_to(ANN.id)  # 403 Forbidden: bot was blocked by the user
    with pytest.raises(RecipientGone):
        await bot.send(str(ANN.id), Reply("alert"))
    api.fail_sends_to(-555, 400, CHAT_NOT_FOUND)
    with pytest.raises(RecipientGone):
        await bot.send("-555", Reply("alert"))
    api.fail_next("sendMessage", 500, "Internal Server Error")
    with pytest.raises(TransientError):
        await bot.send(str(MEMBER.id), Reply("alert"))
    assert api.sent == []

    api.accept_sends_to(ANN.id)  # unblocked: delivered again
    await bot.send(str(ANN.id), Reply("alert"))
    api.fail_next("sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat",
                  parameters={"migrate_to_chat_id": GROUP.id})
    await bot.send("-4242", Reply("digest"))
    assert [(s.chat_id, s.text) for s in api.sent] == [(ANN.id, "alert"), (GROUP.id, "digest")]


# PTB's own RetryAfter handling touches its deprecated int-valued retry_after; not our code.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_beyond_the_retries_is_retry_later(
    api: BotAPIServer, bot: TelegramAdapter
) -> None:
    """429s beyond AIORateLimiter's retries surface as RetryLater with Telegram's delay."""
    api.rate_limit_next("sendMessage", n=RETRIES + 1, retry_after=1)
    with pytest.raises(RetryLater) as raised:
        await bot.send(str(ANN.id), Reply("alert"))
    assert raised.value.after_s == 1.0
    assert [c.status for c in api.calls_to("sendMessage")] == [429] * (RETRIES + 1)
    await bot.send(str(ANN.id), Reply("alert"))  # the limit is over
    assert [s.text for s in api.sent] == ["alert"]


async def test_group_digest_command_carries_the_admin_flag(
    api: BotAPIServer, bot: TelegramAdapter, recorder: Recorder
) -> None:
    """/digest in a group asks getChatMember: owner and administrators are admins, members and
    failed look-ups not; other commands and private chats cost no call."""
    api.set_member_status(GROUP.id, OWNER.id, "creator")
    api.set_member_status(GROUP.id, ADMIN.id, "administrator")
    for user, text, admin in (
        (OWNER, "/digest on", True),
        (ADMIN, f"/digest@{api.username} off", True),
        (MEMBER, "/digest on", False),
    ):
        [reply] = await api.say(user, text, GROUP)
        assert reply.text == f"admin={admin}", user
    assert len(api.calls_to("getChatMember")) == 3

    api.fail_next("getChatMember", 400, "Bad Request: member not found")
    [reply] = await api.say(ADMIN, "/digest on", GROUP)
    assert reply.text == "admin=False"  # unsure means no
    [reply] = await api.say(ADMIN, "/help", GROUP)
    [reply] = await api.say(ADMIN, "/digest on")  # private: the flag means nothing there
    assert reply.text == "admin=False"
    assert len(api.calls_to("getChatMember")) == 4
    kinds = [(m.chat_kind, m.user_id) for m in recorder.messages]
    assert kinds[-1] == (ChatKind.PRIVATE, str(ADMIN.id))


async def test_hang_switch_holds_one_send_undelivered(
    api: BotAPIServer, bot: TelegramAdapter
) -> None:
    """With hang_send_number, that sendMessage never completes nor counts as delivered."""
    api.hang_send_number = 1
    task = asyncio.create_task(bot.send(str(ANN.id), Reply("first")))
    await api.wait_for(lambda: api.hung)
    assert api.sent == [] and not task.done()
    task.cancel()
    await bot.send(str(ANN.id), Reply("second"))  # request 2 is served normally
    assert [s.text for s in api.sent] == ["second"]


async def test_files_arrive_as_photo_and_document(api: BotAPIServer, bot: TelegramAdapter) -> None:
    """A chart arrives as a photo with its caption, then the text with the buttons; a text
    file arrives as a document carrying the buttons; a blocked user is RecipientGone."""
    picture = png(160, 90)
    await bot.send(str(ANN.id), Reply(
        bold("Summary"), choices=((Choice("More", "s:1"),),),
        attachment=Attachment("chart.png", "image/png", picture, caption="Agents <2026>"),
    ))
    photo, text = api.sent
    assert (photo.kind, photo.chat_id, photo.text, photo.buttons()) == (
        "photo", ANN.id, "Agents <2026>", [])
    assert photo.file is not None and photo.file.data == picture
    assert photo.file.filename == "chart.png"
    assert (text.kind, text.text, text.buttons()) == ("text", "Summary", [("More", "s:1")])

    listing = "Имя — реестр\n".encode() * 3000
    await bot.send(str(GROUP.id), Reply("", choices=((Choice("More", "s:2"),),),
                                        attachment=Attachment("matches.txt", "text/plain",
                                                              listing)))
    [document] = api.sent[2:]
    assert (document.kind, document.chat_id, document.buttons()) == (
        "document", GROUP.id, [("More", "s:2")])
    assert document.file is not None and document.file.data == listing
    assert (document.file.filename, document.file.mime) == ("matches.txt", "text/plain")

    api.fail_sends_to(MEMBER.id)
    with pytest.raises(RecipientGone):
        await bot.send(str(MEMBER.id), Reply("", attachment=Attachment(
            "chart.png", "image/png", picture)))
    assert len(api.sent) == 3
