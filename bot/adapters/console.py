"""The console chat: the same dispatcher as the bots, over standard input and output."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.i18n import Translator
from bot.textnorm import typed_number
from handlers.dispatcher import Dispatcher
from handlers.messages import ChatKind, Message, Platform, Reply
from handlers.render import numbered_choices, replies_as_plain


class ConsoleAdapter:
    """Shows proactive messages (alerts, digests) on the console, as the chat shows answers."""

    def __init__(self, stdout: TextIO = sys.stdout) -> None:
        self.stdout = stdout

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Print one reply as plain text; returns None and cannot fail like a network can.

        The console has one chat, so `chat_id` is accepted for the common signature only.
        """
        show(self.stdout, [reply])


def show(stdout: TextIO, replies: list[Reply]) -> None:
    """Print replies as plain text with numbered choices and a blank line after them."""
    print(replies_as_plain(replies) + "\n", file=stdout, flush=True)


async def run_console(
    dispatcher: Dispatcher, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
    lang: str | None = None,
) -> int:
    """Chat on the console until an empty line or end of input; returns the exit code 0.

    A number answers the last reply's choices, like a button press on Telegram.
    """
    intro = Translator(lang or "ru")("console.intro")
    if lang is None:
        intro += "\n" + Translator("en")("console.intro")
    print(intro, file=stdout, flush=True)
    last_choices: list[str] = []
    loop = asyncio.get_running_loop()
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = await loop.run_in_executor(None, stdin.readline)
        if not line or not line.strip():
            return 0
        text = line.rstrip("\n")
        is_callback = False
        number = typed_number(text, 1, len(last_choices))
        if number is not None:
            text, is_callback = last_choices[number - 1], True
        message = Message(
            text=text, user_id="console", chat_id="console", chat_kind=ChatKind.PRIVATE,
            platform=Platform.CONSOLE, language_hint=lang, is_callback=is_callback,
        )
        replies = await dispatcher.handle(message)
        last_choices = [c.data for reply in replies for c in numbered_choices(reply)]
        if replies:
            show(stdout, replies)
