"""Unit tests for turning Telegram updates into neutral Messages."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.adapters.telegram import message_from_update
from handlers.messages import ChatKind, Message, Platform

BOT_ID, BOT_NAME = 777, "riskguide_bot"
USER = {"id": 5, "is_bot": False, "first_name": "Ann", "language_code": "ru"}
PRIVATE = {"id": 5, "type": "private"}
GROUP = {"id": -42, "type": "supergroup", "title": "g"}


def convert(payload: dict[str, Any], key: str = "message") -> Message | None:
    """Return the Message for one update payload."""
    message = {"message_id": 1, "date": 0, "from": USER, "chat": PRIVATE, **payload}
    return message_from_update(Update.de_json({"update_id": 1, key: message}, None),
                               BOT_ID, BOT_NAME)


def test_private_text() -> None:
    """A private text message carries user, chat, language and platform."""
    m = convert({"text": "что такое иноагент?"})
    assert m == Message(text="что такое иноагент?", user_id="5", chat_id="5",
                        chat_kind=ChatKind.PRIVATE, platform=Platform.TELEGRAM,
                        language_hint="ru")


def test_command_entity() -> None:
    """A message opening with a bot_command entity is flagged as a command."""
    m = convert({"text": "/help", "entities": [{"type": "bot_command", "offset": 0, "length": 5}]})
    assert m is not None and m.is_command and m.text == "/help"


def test_group_mention_is_addressed_and_stripped() -> None:
    """Mentioning the bot in a group addresses it; the mention is removed from the text."""
    text = "эй @RiskGuide_Bot что за статья 20.33?"
    m = convert({"chat": GROUP, "text": text,
                 "entities": [{"type": "mention", "offset": 3, "length": 14}]})
    assert m is not None and m.addressed and m.chat_kind is ChatKind.GROUP
    assert m.text == "эй  что за статья 20.33?"


def test_group_plain_text_and_other_mentions_are_not_addressed() -> None:
    """Group text mentioning nobody or someone else is not addressed to the bot."""
    assert not convert({"chat": GROUP, "text": "hello"}).addressed  # type: ignore[union-attr]
    other = convert({"chat": GROUP, "text": "@other_bot hi",
                     "entities": [{"type": "mention", "offset": 0, "length": 10}]})
    assert other is not None and not other.addressed


def test_reply_to_the_bot_is_addressed() -> None:
    """Replying to one of the bot's messages addresses it."""
    bot_message = {"message_id": 9, "date": 0, "chat": GROUP, "text": "answer",
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "RG"}}
    m = convert({"chat": GROUP, "text": "and then?", "reply_to_message": bot_message})
    assert m is not None and m.addressed


def test_media_and_edits() -> None:
    """Stickers, photos and voice are reported by kind; edits as kind "edit"."""
    sticker = {"file_id": "f", "file_unique_id": "u", "type": "regular", "width": 1,
               "height": 1, "is_animated": False, "is_video": False}
    assert convert({"sticker": sticker}).kind == "sticker"  # type: ignore[union-attr]
    photo = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
    assert convert({"photo": photo}).kind == "photo"  # type: ignore[union-attr]
    voice = {"file_id": "f", "file_unique_id": "u", "duration": 1}
    assert convert({"voice": voice}).kind == "voice"  # type: ignore[union-attr]
    edited = convert({"text": "fixed", "edit_date": 1}, key="edited_message")
    assert edited is not None and edited.kind == "edit" and edited.text == "fixed"


def test_channels_and_bots_are_skipped() -> None:
    """Channel posts and messages from other bots produce no Message."""
    assert convert({"chat": {"id": -7, "type": "channel"}, "text": "x"}) is None
    assert convert({"from": {**USER, "is_bot": True}, "text": "x"}) is None
