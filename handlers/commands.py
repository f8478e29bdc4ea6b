"""The one table of commands: it drives parsing on every platform, help and Telegram's menu."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A user command: its name, other accepted spellings, help text id and argument name."""

    name: str
    help_key: str
    argument: str | None = None
    aliases: tuple[str, ...] = ()
    in_menu: bool = True


# Names are what Telegram's menu accepts ([a-z0-9_], at most 32 characters); Russian aliases
# work wherever commands are typed ("/следить Мемориал", "!список").
COMMANDS: tuple[Command, ...] = (
    Command("start", "cmd.start"),
    Command("help", "cmd.help"),
    Command("ask", "cmd.ask", argument="arg.question", aliases=("q", "вопрос")),
    Command("check", "cmd.check", argument="arg.name", aliases=("c", "проверить")),
    Command("topics", "cmd.topics", aliases=("темы",)),
    Command("watch", "cmd.watch", argument="arg.name", aliases=("follow", "следить")),
    Command("unwatch", "cmd.unwatch", argument="arg.watch_ref",
            aliases=("unfollow", "не_следить", "убрать")),
    Command("watchlist", "cmd.watchlist", aliases=("watches", "список")),
    Command("digest", "cmd.digest", argument="arg.digest", aliases=("сводка", "сводки")),
    Command("forget", "cmd.forget", aliases=("забыть",)),
    Command("stats", "cmd.stats", argument="arg.stats", aliases=("статистика", "стат")),
    Command("lang", "cmd.lang", argument="arg.lang", aliases=("language", "язык")),
    Command("about", "cmd.about"),
)

_BY_NAME = {alias: c for c in COMMANDS for alias in (c.name, *c.aliases)}
# "/ask@riskguide_bot text" on Telegram, "!ask text" or "/ask text" on Matrix.
_COMMAND = re.compile(r"^[/!](?P<name>[\w]+)(?:@(?P<bot>[\w.]+))?(?:\s+(?P<args>.*))?$", re.S)


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
