"""Unit tests for the Telegram adapter's error boundary of proactive sends and admin detection."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import timedelta

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.adapters.telegram import needs_admin_check, retry_after_seconds, send_error
from bot.watch.model import RecipientGone, RetryLater, SendError, TransientError
from handlers import commands
from handlers.messages import ChatKind, Message, Platform


@pytest.fixture(autouse=True)
def digest_command(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make "digest" parse as a command even where handlers/commands.py does not list it yet."""
    if "digest" not in commands._BY_NAME:
        digest = commands.Command("digest", "cmd.digest", "handlers.watching:command")
        monkeypatch.setitem(commands._BY_NAME, "digest", digest)
    yield


# The errors as PTB raises them: it builds them from Telegram's "description" (dropping only a
# "Bad Request: " prefix), see telegram/request/_baserequest.py.
@pytest.mark.parametrize(("error", "expected"), [
    (Forbidden("Forbidden: bot was blocked by the user"), RecipientGone),
    (Forbidden("Forbidden: bot was kicked from the supergroup chat"), RecipientGone),
    (Forbidden("Forbidden: user is deactivated"), RecipientGone),
    (BadRequest("Bad Request: chat not found"), RecipientGone),
    (BadRequest("Bad Request: user is deactivated"), RecipientGone),
    (BadRequest("Bad Request: message is too long"), TransientError),
    (NetworkError("Bad Gateway"), TransientError),
    (NetworkError("httpx.ConnectError: All connection attempts failed"), TransientError),
    (TimedOut(), TransientError),
    (InvalidToken(), TransientError),
    (ChatMigrated(-100123), TransientError),  # resent to the new id before it gets here
    (TelegramError("Invalid server response"), TransientError),
])
def test_error_mapping(error: TelegramError, expected: type[SendError]) -> None:
    """Each python-telegram-bot error becomes exactly one neutral send error, no Telegram type."""
    mapped = send_error(error)
    assert type(mapped) is expected
    assert not isinstance(mapped, TelegramError)


def test_retry_after_keeps_telegrams_delay_without_deprecation_warnings() -> None:
    """RetryAfter becomes RetryLater with the seconds Telegram named, int or timedelta alike."""
    with warnings.catch_warnings():  # RetryAfter's own constructor reads the deprecated value
        warnings.simplefilter("ignore")
        seven, short = RetryAfter(7), RetryAfter(timedelta(seconds=2.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PTB warns on reading retry_after as an int
        mapped = send_error(seven)
        assert isinstance(mapped, RetryLater) and mapped.after_s == 7.0
        assert retry_after_seconds(short) == 2.5


def _message(text: str, chat: ChatKind = ChatKind.GROUP, kind: str = "text") -> Message:
    return Message(text=text, user_id="5", chat_id="-42", chat_kind=chat,
                   platform=Platform.TELEGRAM, kind=kind)


@pytest.mark.parametrize(("message", "wanted"), [
    (_message("/digest on"), True),
    (_message("/digest@riskguide_bot off"), True),
    (_message("/DIGEST"), True),
    (_message("/digest@other_bot on"), False),  # another bot's command
    (_message("/help"), False),  # other commands never cost a getChatMember call
    (_message("digest on"), False),
    (_message("/digest on", ChatKind.PRIVATE), False),  # meaningless in private chats
    (_message("/digest on", kind="edit"), False),  # edits are ignored anyway
])
def test_only_group_digest_commands_need_the_admin_check(message: Message, wanted: bool) -> None:
    """getChatMember is asked only for group /digest commands addressed to this bot."""
    assert needs_admin_check(message, "riskguide_bot") is wanted
