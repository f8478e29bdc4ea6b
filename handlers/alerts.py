"""The texts of alerts (a watched name's entry changed) and digests (a registry's changes).

The wording rules of checks hold here too: every message states the data's origin and date,
and a match that is not definite reads as possible ("check the published name"), never as
a fact. A removal from the published list is not called an exclusion, because the ministry
sometimes drops and re-publishes rows; only an exclusion date says someone was excluded.
"""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator
from bot.watch.model import ADDED, CHANGED, DIGEST, EXCLUDED, REINCLUDED, REMOVED, Change, Delivery
from handlers.answers import format_date
from handlers.checks import data_line, meaning_choices
from handlers.markup import bold, esc
from handlers.messages import Reply

# Telegram allows 4096 characters and Matrix clients show long notices badly; the core
# splits digests by an estimate, and this is the hard ceiling each rendered message keeps.
MAX_CHARS = 3500
_NAME_MAX = 300  # the longest published names are ~240 characters; longer is not a name
_BASIS_MAX = 500  # legal bases are ~200 characters and are shown whole when they are sane
_WATCH_MAX = 300  # what WatchService keeps of a query, so "/unwatch NAME" still matches
# Digest sections in reading order: what is new first, what merely vanished last.
DIGEST_ORDER = (ADDED, EXCLUDED, REINCLUDED, CHANGED, REMOVED)
_MATCH_KINDS = ("exact", "alias", "transliteration", "fuzzy")


def render_delivery(delivery: Delivery) -> Reply:
    """Return the message for one delivery, in the recipient's language.

    This is what the sender hands to an adapter: an alert for one watched name, or one part
    of a registry's digest. The reply always fits in MAX_CHARS characters.
    """
    t = Translator(delivery.lang)
    if delivery.kind == DIGEST:
        return _digest(delivery, t)
    return _alert(delivery, t)


# -- alerts --------------------------------------------------------------------------------

def _alert(delivery: Delivery, t: Translator) -> Reply:
    """Return the alert for one change of an entry that matched a watched name."""
    change = delivery.changes[0]
    watched = _short(delivery.watch or change.name, _WATCH_MAX)
    lang = t.lang
    title = "alert.title" if delivery.definite else "alert.title_possible"
    parts = [bold(t(title, watch=watched)), esc(_event(change, t))]
    entry = [bold(_short(change.name))]
    changed = _changed_lines(change, t) if change.kind == CHANGED else {}
    entry += [esc(line) for line in changed.values()]
    # A date already shown as "old → new" is not repeated.
    if change.included_on and "included" not in changed:
        entry.append(esc(t("alert.included", date=format_date(change.included_on, lang))))
    if change.excluded_on and "excluded" not in changed:
        entry.append(esc(t("alert.excluded", date=format_date(change.excluded_on, lang))))
    if change.legal_basis:
        entry.append(esc(t("alert.legal_basis", basis=_short(change.legal_basis, _BASIS_MAX))))
    parts.append("\n".join(entry))
    kind = _match_kind(delivery, t)
    if kind:
        parts.append(esc(t("alert.match", kind=kind)))
    if not delivery.definite:
        parts.append(bold(t("check.possible_hint")))
    parts.append(_data(change, t))
    parts.append(esc(t("check.disclaimer")) + "\n" + esc(t("alert.unwatch", watch=watched)))
    # Every field is capped by _short, so an alert stays below MAX_CHARS (tested).
    return Reply("\n\n".join(parts), choices=meaning_choices((change.registry,), t))


def _event(change: Change, t: Translator) -> str:
    """Return the sentence saying what happened to the entry in which registry."""
    registry = t(f"registry.{change.registry}")
    kind = change.kind
    if kind == EXCLUDED and change.excluded_on:
        return t("alert.event.excluded_on", registry=registry,
                 date=format_date(change.excluded_on, t.lang))
    if kind == REINCLUDED and change.previous_excluded_on:
        return t("alert.event.reincluded_after", registry=registry,
                 date=format_date(change.previous_excluded_on, t.lang))
    if kind in (ADDED, EXCLUDED, REINCLUDED, REMOVED, CHANGED):
        return t(f"alert.event.{kind}", registry=registry)
    return t("alert.event.changed", registry=registry)


def _changed_lines(change: Change, t: Translator) -> dict[str, str]:
    """Return "old → new" lines for what a `changed` entry changed, keyed name/included/excluded."""
    lines = {}
    if change.previous_name and change.previous_name != change.name:
        lines["name"] = t("alert.was_name", old=_short(change.previous_name),
                          new=_short(change.name))
    if change.previous_included_on != change.included_on:
        lines["included"] = t("alert.was_included", old=_date(change.previous_included_on, t),
                              new=_date(change.included_on, t))
    if (change.previous_excluded_on != change.excluded_on
            and (change.previous_excluded_on or change.excluded_on)):
        lines["excluded"] = t("alert.was_excluded", old=_date(change.previous_excluded_on, t),
                              new=_date(change.excluded_on, t))
    return lines


def _match_kind(delivery: Delivery, t: Translator) -> str:
    """Return how the watched name matched the entry, worded as checks word it, or ""."""
    if delivery.match_kind not in _MATCH_KINDS:
        return ""
    kind = t(f"match.{delivery.match_kind}")
    name = delivery.matched_name
    if delivery.match_kind != "exact" and name and name != delivery.changes[0].name:
        kind = t("match.via", kind=kind, name=_short(name))
    if not delivery.definite:
        kind = t("match.uncertain", kind=kind)
    return kind


# -- digests -------------------------------------------------------------------------------

def _digest(delivery: Delivery, t: Translator) -> Reply:
    """Return one part of a registry's digest: changes grouped by kind, with counts."""
    registry = t(f"registry.{delivery.registry}")
    title = t("digest.title", registry=registry)
    if delivery.parts > 1:
        title += " " + t("digest.part", part=delivery.part, parts=delivery.parts)
    head = [bold(title)]
    if delivery.changes:
        head.append(_data(delivery.changes[0], t))
    body: list[str] = []
    for kind in DIGEST_ORDER:
        items = [c for c in delivery.changes if c.kind == kind]
        if not items:
            continue
        body += ["", bold(t(f"digest.section.{kind}", n=len(items)))]
        body += ["• " + _digest_line(c, t) for c in items]
    tail = ["", esc(t("check.disclaimer")) + " " + esc(t("digest.off"))]
    lines = _within(head, body, tail, t)
    return Reply("\n".join(lines), choices=meaning_choices((delivery.registry,), t))


def _digest_line(change: Change, t: Translator) -> str:
    """Return one digest line: the published name and its dates (old → new when changed)."""
    lang = t.lang
    name = esc(_short(change.name))
    if change.kind == CHANGED and change.previous_name and change.previous_name != change.name:
        name = esc(t("digest.renamed", old=_short(change.previous_name),
                     new=_short(change.name)))
    dates = []
    if change.kind == CHANGED and change.previous_included_on != change.included_on:
        dates.append(t("digest.included_changed", old=_date(change.previous_included_on, t),
                       new=_date(change.included_on, t)))
    elif change.included_on:
        dates.append(t("digest.included", date=format_date(change.included_on, lang)))
    if change.excluded_on:
        dates.append(t("digest.excluded", date=format_date(change.excluded_on, lang)))
    return name + (esc(" — " + ", ".join(dates)) if dates else "")


def _within(head: list[str], body: list[str], tail: list[str], t: Translator) -> list[str]:
    """Return head + body + tail, dropping body lines from the end until it fits MAX_CHARS.

    The core already splits digests by an estimate; this only guards against a part whose
    names are unusually long. Whole lines go, so markup is never cut in half, and the last
    line says how many entries were left out.
    """
    def size(lines: list[str]) -> int:
        return len("\n".join(lines))

    if size(head + body + tail) <= MAX_CHARS:
        return head + body + tail
    kept = list(body)
    dropped = 0
    while kept:
        line = kept.pop()
        dropped += line.startswith("• ")
        while kept and not kept[-1]:
            kept.pop()  # no blank line right before "…"
        more = esc(t.plural("digest.more", "digest.more_plural", dropped))
        if size([*head, *kept, "…", more, *tail]) <= MAX_CHARS:
            return [*head, *kept, "…", more, *tail]
    return head + tail


# -- shared --------------------------------------------------------------------------------

def _data(change: Change, t: Translator) -> str:
    """Return the data line (origin, date, age) and, when known, the date compared with."""
    line = data_line(change.registry, change.origin, change.as_of, t)
    if change.previous_as_of:
        line += " " + esc(t("alert.compared",
                            date=format_date(change.previous_as_of, t.lang)))
    return line


def _date(value: date | None, t: Translator) -> str:
    """Return a date in the reader's format, or the word for "none" when there is none."""
    return format_date(value, t.lang) if value else t("alert.no_date")


def _short(text: str, limit: int = _NAME_MAX) -> str:
    """Return text cut to `limit` characters with "…", so one field cannot fill a message."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

