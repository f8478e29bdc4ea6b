"""The commands every chat has: /start, /help, /ask, /check, /topics, /lang and /about.

Each function answers one row of the command table (handlers.commands), and gets the call
with the dispatcher, whose shared steps answer a question or check a name the same way as
free text does.
"""

from __future__ import annotations

from bot import __version__
from bot.i18n import LANGUAGES, normalize_lang
from handlers import answers
from handlers.checks import data_lines
from handlers.commands import COMMANDS, CommandCall, command_line
from handlers.markup import bold, esc
from handlers.messages import Choice, Reply

# Callback data of the language buttons ("l:ru"); the dispatcher sets the language on a press.
LANG = "l:"


async def start(call: CommandCall) -> list[Reply]:
    """Return the greeting: what the bot does, how to follow names, and the short disclaimer."""
    t = call.t
    return [Reply(
        text=bold(t("start.greeting")) + "\n\n" + esc(t("start.body")) + "\n\n"
        + esc(t("start.watch")) + "\n\n" + esc(t("disclaimer.short")),
        choices=(
            (Choice(t("btn.topics"), answers.TOPIC),),
            (Choice(t("btn.about"), answers.ANSWER + "about_bot"),),
        ),
    )]


async def help_(call: CommandCall) -> list[Reply]:
    """Return one line per command of the table, then how free text is read."""
    t = call.t
    lines = [bold(t("help.title"))]
    lines.extend(esc(command_line(cmd, t)) for cmd in COMMANDS)
    lines.append("")
    lines.append(esc(t("help.free_text")))
    return [Reply("\n".join(lines))]


async def ask(call: CommandCall) -> list[Reply]:
    """Return the answer to `/ask QUESTION`, or the usage line when no question follows."""
    if not call.args:
        return [Reply(esc(call.t("ask.usage")))]
    return call.dispatcher.ask_replies(call.args, call.t)


async def check(call: CommandCall) -> list[Reply]:
    """Return the check of `/check NAME`, or the usage line when no name follows."""
    if not call.args:
        return [Reply(esc(call.t("check.usage")))]
    return call.dispatcher.check_replies(call.args, call.t)


async def topics(call: CommandCall) -> list[Reply]:
    """Return the topics of the knowledge base, each a button."""
    return [answers.topics_reply(call.services.kb, call.t)]


async def lang(call: CommandCall) -> list[Reply]:
    """Set the language `/lang ru|en` names, or offer both as buttons."""
    typed = call.args.strip().lower()
    chosen = normalize_lang(typed) if typed else None
    if chosen is None or typed[:2] not in LANGUAGES:
        return [Reply(esc(call.t("lang.usage")), choices=(
            (Choice("Русский", LANG + "ru"), Choice("English", LANG + "en")),
        ))]
    return await call.dispatcher.set_lang(chosen, call.message)


async def about(call: CommandCall) -> list[Reply]:
    """Return what the bot is, how current its knowledge and data are, its version and the
    full disclaimer."""
    t, kb = call.t, call.services.kb
    lines = [
        bold(t("about.title")),
        esc(t("about.body")),
        esc(t.plural("about.kb", "about.kb_plural", len(kb.entries),
                     date=answers.format_date(kb.reviewed, t.lang))),
    ]
    lines.extend(data_lines(call.services.listings, t))
    lines.append(esc(t("about.version", version=__version__)))
    lines.append(esc(t("disclaimer.long")))
    return [Reply("\n\n".join(lines))]
