"""The console chat: the same dispatcher as the bots, over standard input and output."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.i18n import Translator
from bot.textnorm import typed_number
from handlers.dispatcher import Dispatcher
from handlers.messages import Attachment, ChatKind, Message, Platform, Reply
from handlers.render import as_plain, numbered_choices


class ConsoleAdapter:
    """Shows proactive messages (alerts, digests) on the console, as the chat shows answers."""

    def __init__(self, stdout: TextIO = sys.stdout, files: Path | None = None) -> None:
        self.stdout = stdout
        self.files = files

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Print one reply as plain text; returns None and cannot fail like a network can.

        The console has one chat, so `chat_id` is accepted for the common signature only.
        """
        show(self.stdout, [reply], self.files)


def save_attachment(attachment: Attachment, files: Path | None = None) -> Path:
    """Write an attachment to a new temporary folder (under `files` if given) and return
    the file's path: a terminal cannot show a chart, but the user can open the file.

    Only the last part of the attachment's name is used, so a name cannot point elsewhere.
    """
    if files is not None:
        files.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="riskguide-", dir=files))
    path = folder / (Path(attachment.filename).name or "attachment")
    path.write_bytes(attachment.data)
    return path


def show(stdout: TextIO, replies: list[Reply], files: Path | None = None) -> None:
    """Print replies as plain text with numbered choices and a blank line after them.

    An attachment is saved as a file and shown as a "📎 path" line (then its caption) before
    the reply's text, the order chat platforms show them in.
    """
    parts, start = [], 1
    for reply in replies:
        block = []
        if reply.attachment is not None:
            block.append(f"📎 {save_attachment(reply.attachment, files)}")
            if reply.attachment.caption:
                block.append(as_plain(Reply(reply.attachment.caption)))
        if reply.attachment is None or reply.text.strip() or reply.choices:
            block.append(as_plain(reply, start))
        start += len(numbered_choices(reply))
        parts.append("\n".join(block))
    print("\n\n".join(parts) + "\n", file=stdout, flush=True)


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
