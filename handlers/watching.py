"""Conversations about stored state: watchlists, digests and forgetting everything.

Watchlists and `forget` concern one person, so they work in a private chat only (showing a
watchlist in a group would tell the group whom someone watches). A group's digest belongs to
the group and only its admins may switch it. Names are never logged: they are personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.listings.model import REGISTRIES
from bot.listings.service import clean_query
from bot.textnorm import printable, typed_number
from handlers.answers import format_date
from handlers.checks import check_reply
from handlers.commands import CommandCall
from handlers.markup import bold, esc
from handlers.messages import ChatKind, Choice, Message, Reply
from handlers.registry_names import registry_named

if TYPE_CHECKING:
    from bot.watch.model import Watch
    from bot.watch.users import WatchService
    from handlers.context import Services

# Callback data of the two answers to "delete everything?" (well under Telegram's 64 bytes).
FORGET_YES, FORGET_NO = "f:yes", "f:no"
FORGET_CHOICES = (FORGET_YES, FORGET_NO)
_ECHO_MAX = 100  # how much of an unknown /unwatch argument is quoted back

# Words accepted after /digest, in both languages; anything else gets the usage text.
_ON = frozenset({"on", "yes", "вкл", "включить", "да"})
_OFF = frozenset({"off", "no", "stop", "выкл", "выключить", "нет"})


async def command(call: CommandCall) -> list[Reply]:
    """Return the replies to /watch, /unwatch, /watchlist, /digest and /forget (their rows in
    the command table name this one handler).

    Without a WatchService nothing can be stored, and every command says so instead of
    pretending to remember.
    """
    name, args, message, services, t = call.name, call.args, call.message, call.services, call.t
    watch = services.watch
    private = message.chat_kind is ChatKind.PRIVATE
    if watch is None:
        key = "forget.memory_only" if name == "forget" else "watch.unavailable"
        return [Reply(esc(t(key)))]
    if name == "digest":
        return [await _digest(args, message, watch, t)]
    if not private:
        key = "forget.private_only" if name == "forget" else "watch.private_only"
        return [Reply(esc(t(key)))]
    if name == "watch":
        return [await _watch(args, message, services, watch, t)]
    if name == "unwatch":
        return [await _unwatch(args, message, watch, t)]
    if name == "watchlist":
        return [await _watchlist(message, watch, t)]
    return [await _forget_ask(message, watch, t)]


async def forget_answer(data: str, message: Message, services: Services,
                        t: Translator) -> list[Reply]:
    """Return the reply to a press of "delete everything?" (FORGET_YES or FORGET_NO).

    Only "yes" deletes; it deletes the presser's own data, whoever sent the question, so a
    forwarded or stale button can never touch someone else's.
    """
    watch = services.watch
    if watch is None:
        return [Reply(esc(t("forget.memory_only")))]
    if message.chat_kind is not ChatKind.PRIVATE:
        return [Reply(esc(t("forget.private_only")))]
    if data != FORGET_YES:
        return [Reply(esc(t("forget.kept")))]
    deleted = await watch.forget(message.platform.value, message.user_id)
    return [Reply(esc(t("forget.done" if deleted else "forget.nothing")))]


# -- watch ---------------------------------------------------------------------------------

async def _watch(args: str, message: Message, services: Services, watch: WatchService,
                 t: Translator) -> Reply:
    """Return the reply to /watch NAME: the name as matched, its status now, the outcome."""
    if not args.strip():
        return Reply(esc(t("watch.usage")))
    query, problem = clean_query(args)
    if problem is not None:
        # The same words a check uses for the same input; nothing is stored.
        return Reply(esc(t(f"check.problem.{problem}")))
    outcome = await watch.watch(message.platform.value, message.user_id, message.chat_id,
                                query, t.lang)
    status = check_reply(query, services, t)
    if outcome.status == "added":
        result = t("watch.added", count=outcome.count, limit=outcome.limit)
    elif outcome.status == "exists":
        result = t("watch.exists", count=outcome.count, limit=outcome.limit)
    else:
        result = t.plural("watch.limit", "watch.limit_plural", outcome.limit)
    text = "\n\n".join([
        esc(t("watch.as_matched", query=query)),
        bold(t("watch.status_now")) + "\n" + status.text,
        bold(result) if outcome.status == "limit" else esc(result),
    ])
    return Reply(text, choices=status.choices)


async def _unwatch(args: str, message: Message, watch: WatchService, t: Translator) -> Reply:
    """Return the reply to /unwatch: the list and usage, a confirmation, or not found."""
    platform, user = message.platform.value, message.user_id
    what = args.strip()
    if not what:
        current = await watch.watches(platform, user)
        if not current:
            return Reply(esc(t("watchlist.empty")))
        return Reply("\n".join([*_numbered(current, watch.max_watches, t), "",
                                esc(t("unwatch.usage"))]))
    # A name is compared as /watch stored it (cleaned); a number is used as given.
    cleaned, _problem = clean_query(what)
    number = typed_number(what)
    removed = await watch.unwatch(platform, user, number if number is not None
                                  else cleaned or what)
    if removed is None:
        return Reply(esc(t("unwatch.not_found", what=printable(what)[:_ECHO_MAX])))
    left = len(await watch.watches(platform, user))
    return Reply(esc(t("unwatch.done", query=removed.query, count=left,
                       limit=watch.max_watches)))


async def _watchlist(message: Message, watch: WatchService, t: Translator) -> Reply:
    """Return the numbered watchlist with dates, the count, and the digests that are on."""
    platform, user = message.platform.value, message.user_id
    current = await watch.watches(platform, user)
    digests = await watch.digests(platform, user)
    lines = ([*_numbered(current, watch.max_watches, t), "", esc(t("watchlist.how_to"))]
             if current else [esc(t("watchlist.empty"))])
    lines += ["", esc(_digest_state(digests, group=False, t=t))]
    return Reply("\n".join(lines))


def _numbered(current: list[Watch], limit: int, t: Translator) -> list[str]:
    """Return the watchlist's title and one numbered line per watch (the /unwatch numbers)."""
    lines = [bold(t("watchlist.title", count=len(current), limit=limit))]
    lines += [esc(t("watchlist.line", n=i, query=w.query, date=format_date(w.created, t.lang)))
              for i, w in enumerate(current, 1)]
    return lines


# -- digest --------------------------------------------------------------------------------

async def _digest(args: str, message: Message, watch: WatchService, t: Translator) -> Reply:
    """Return the reply to /digest: switch it for the person or the group, or show its state.

    A group's digest is stored under the group's chat id, so it outlives the admin who
    switched it on and goes to the group, not to a person.
    """
    group = message.chat_kind is not ChatKind.PRIVATE
    platform = message.platform.value
    address = message.chat_id if group else message.user_id
    parsed = _parse_digest(args)
    if parsed is None:
        current = await watch.digests(platform, address, group=group)
        parts = [esc(_digest_state(current, group=group, t=t)), esc(t("digest.usage"))]
        if group:
            parts.append(esc(t("digest.group_hint")))
        return Reply("\n\n".join(parts))
    if group and not message.sender_is_admin:
        return Reply(esc(t("digest.admins_only")))
    on, registries = parsed
    now = await watch.set_digest(platform, address, message.chat_id, group=group, on=on,
                                 registries=registries, lang=t.lang)
    return Reply(esc(_digest_state(now, group=group, t=t)))


def _parse_digest(args: str) -> tuple[bool, tuple[str, ...]] | None:
    """Return (on, registries) for "on|off [registry]", or None when args are not that."""
    words = args.lower().replace(",", " ").split()
    switches = [w for w in words if w in _ON or w in _OFF]
    if len(switches) != 1:
        return None
    chosen = []
    for word in words:
        if word in switches:
            continue
        registry = registry_named(word)
        if registry is None:
            return None
        chosen.append(registry)
    registries = tuple(r for r in REGISTRIES if r in chosen) or REGISTRIES
    return switches[0] in _ON, registries


def _digest_state(registries: tuple[str, ...], *, group: bool, t: Translator) -> str:
    """Return the sentence saying exactly which digests the person or group receives."""
    who = "group" if group else "private"
    if not registries:
        return t(f"digest.state.{who}.off")
    names = ", ".join(t(f"registry.short.{r}") for r in registries)
    return t(f"digest.state.{who}.on", registries=names)


# -- forget --------------------------------------------------------------------------------

async def _forget_ask(message: Message, watch: WatchService, t: Translator) -> Reply:
    """Return what is stored about the person and the question whether to delete it all."""
    platform, user = message.platform.value, message.user_id
    stored = await watch.stored(platform, user)
    if stored.lang is None and not stored.watches and not stored.digests:
        # A row with nothing a person would recognise is still a row: remove it silently,
        # so "nothing stored" is true.
        await watch.forget(platform, user)
        return Reply(esc(t("forget.nothing")))
    lines = [bold(t("forget.title"))]
    if stored.lang is not None:
        lines.append(esc(t("forget.lang", lang=t(f"lang.name.{stored.lang}"))))
    if stored.watches:
        lines.append(esc(t.plural("forget.watches", "forget.watches_plural",
                                  len(stored.watches))))
    if stored.digests:
        names = ", ".join(t(f"registry.short.{r}") for r in stored.digests)
        lines.append(esc(t("forget.digests", registries=names)))
    lines += ["", esc(t("forget.confirm"))]
    return Reply("\n".join(lines), choices=(
        (Choice(t("btn.forget_yes"), FORGET_YES), Choice(t("btn.forget_no"), FORGET_NO)),
    ))
