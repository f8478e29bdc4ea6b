"""The one table of commands: it drives parsing on every platform, help, Telegram's menu and
which function answers each command.

Each row names its handler as "module:function"; the dispatcher imports that module the first
time the command is used, so a new command is one row here and one module, and a process that
never sees `/stats` never loads the charting code.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.i18n import Translator
    from handlers.context import Services
    from handlers.dispatcher import Dispatcher
    from handlers.messages import Message, Reply


@dataclass(frozen=True)
class Command:
    """A user command: its name, help text id, handler ("module:function"), argument name and
    other accepted spellings."""

    name: str
    help_key: str
    handler: str
    argument: str | None = None
    aliases: tuple[str, ...] = ()
    in_menu: bool = True


@dataclass(frozen=True)
class CommandCall:
    """One use of a command, as its handler receives it.

    `name` is the command's own name whichever alias was typed; `dispatcher` gives handlers
    the conversation's shared steps (answering a question, checking a name, setting the
    language) so that a command and free text answer alike.
    """

    name: str
    args: str
    message: Message
    services: Services
    t: Translator
    dispatcher: Dispatcher


CommandHandler = Callable[[CommandCall], Awaitable["list[Reply]"]]


# Names are what Telegram's menu accepts ([a-z0-9_], at most 32 characters); Russian aliases
# work wherever commands are typed ("/следить Мемориал", "!список").
_GENERAL = "handlers.general"
_WATCHING = "handlers.watching:command"
COMMANDS: tuple[Command, ...] = (
    Command("start", "cmd.start", f"{_GENERAL}:start"),
    Command("help", "cmd.help", f"{_GENERAL}:help_"),
    Command("ask", "cmd.ask", f"{_GENERAL}:ask", argument="arg.question",
            aliases=("q", "вопрос")),
    Command("check", "cmd.check", f"{_GENERAL}:check", argument="arg.name",
            aliases=("c", "проверить")),
    Command("topics", "cmd.topics", f"{_GENERAL}:topics", aliases=("темы",)),
    Command("watch", "cmd.watch", _WATCHING, argument="arg.name", aliases=("follow", "следить")),
    Command("unwatch", "cmd.unwatch", _WATCHING, argument="arg.watch_ref",
            aliases=("unfollow", "не_следить", "убрать")),
    Command("watchlist", "cmd.watchlist", _WATCHING, aliases=("watches", "список")),
    Command("digest", "cmd.digest", _WATCHING, argument="arg.digest",
            aliases=("сводка", "сводки")),
    Command("forget", "cmd.forget", _WATCHING, aliases=("забыть",)),
    Command("scan", "cmd.scan", "handlers.scanning:command", argument="arg.scan_text",
            aliases=("проверить_текст", "текст")),
    Command("stats", "cmd.stats", "handlers.stats:command", argument="arg.stats",
            aliases=("статистика", "стат")),
    Command("lang", "cmd.lang", f"{_GENERAL}:lang", argument="arg.lang",
            aliases=("language", "язык")),
    Command("about", "cmd.about", f"{_GENERAL}:about"),
)

_BY_NAME = {alias: c for c in COMMANDS for alias in (c.name, *c.aliases)}
# "/ask@riskguide_bot text" on Telegram, "!ask text" or "/ask text" on Matrix.
_COMMAND = re.compile(r"^[/!](?P<name>[\w]+)(?:@(?P<bot>[\w.]+))?(?:\s+(?P<args>.*))?$", re.S)


# A command named inside a sentence ("what does /forget do?"): a slash before a word, at a
# word's start (not in a URL's path: "t.me/riskguide").
_NAMED = re.compile(r"(?<![\w/.:])/([^\W\d]\w*)")


def commands_named_in(text: str) -> list[Command]:
    """Return this bot's commands a free-text question names, in order, each once.

    "What does /forget do?" asks about the bot itself: the reply says what the command does
    (see `command_line`) rather than reading "forget" as a word of the question.
    """
    out: list[Command] = []
    for m in _NAMED.finditer(text):
        command = _BY_NAME.get(m.group(1).lower())
        if command is not None and command not in out:
            out.append(command)
    return out


def command_line(command: Command, t: Translator) -> str:
    """Return the help line of one command, its argument and what it does, as /help lists it."""
    arg = f" {t(command.argument)}" if command.argument else ""
    return f"/{command.name}{arg} — {t(command.help_key)}"


@dataclass(frozen=True)
class ParsedCommand:
    """A recognised command and the text that followed it."""

    command: Command
    args: str


def parse_command(text: str, bot_username: str | None = None) -> ParsedCommand | None:
    """Return the command in text, or None when text is not a command for this bot.

    A command addressed to another bot ("/help@otherbot") is not ours and returns None.
    """
    m = _COMMAND.match(text.strip())
    if not m:
        return None
    command = _BY_NAME.get(m.group("name").lower())
    if command is None:
        return None
    target = m.group("bot")
    if target and bot_username and target.lower() != bot_username.lower().lstrip("@"):
        return None
    return ParsedCommand(command, (m.group("args") or "").strip())


def looks_like_command(text: str) -> bool:
    """Return True when text starts like a command, known or not ("/foo", "!bar")."""
    return bool(re.match(r"^[/!][^\W\d]\w*", text.strip()))


@cache
def handler_of(command: Command) -> CommandHandler:
    """Return the function that answers `command`, importing its module on first use.

    A row naming a missing module or function fails here, at its first use, and in the test
    that resolves every row.
    """
    module, _, function = command.handler.partition(":")
    handler: CommandHandler = getattr(importlib.import_module(module), function)
    return handler
