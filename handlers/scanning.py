"""`/scan TEXT`, forwarded posts, articles and text files: every listed name in a text.

The reply says, in the user's language, each listed (or once listed) name found, on which
list, whether the match is definite or only possible, and the Russian note to add after it;
then the data it rests on and an annotated copy ready to paste. A result too long for a
message goes back as a text file. Scanned texts are neither stored nor logged: they live only
in this call.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.listings.notes import REQUIRED_BY_LAW
from bot.listings.scan import DEFINITE, Mention, ScanResult
from bot.listings.status import DataInfo
from bot.scan_input import InputError, read_input
from bot.textnorm import tokens
from handlers.answers import format_date
from handlers.checks import data_lines, listing_when
from handlers.commands import CommandCall
from handlers.markup import bold, esc, to_plain
from handlers.messages import Attachment, Message, Reply

if TYPE_CHECKING:
    from bot.listings.service import ListingService

# Free text with at least this many words, and no question in it, reads as an article or a
# post to check rather than a question: questions people send are one or two sentences.
ARTICLE_MIN_WORDS = 60
# ... and this many words is an article even with a question mark in it (texts ask too).
ARTICLE_ALWAYS_WORDS = 150
# Above this many characters the full result goes as a file, with a summary as the message.
MAX_REPLY_CHARS = 3500
# Mentions listed one by one in a message; the rest are in the file.
MAX_LISTED = 12
# Inline-mode prefixes: "@bot note Дудь", "@bot пометка Дудь".
_INLINE_NOTE = re.compile(r"^\s*(?:note|пометка|плашка|примечание)\s+(?P<name>\S.*)$", re.I | re.S)


def reads_as_article(text: str) -> bool:
    """Return True when free text is a post or article to scan rather than a question.

    Long texts are; shorter ones only when several sentences long and asking nothing.
    """
    words = len(tokens(text))
    if words >= ARTICLE_ALWAYS_WORDS:
        return True
    return words >= ARTICLE_MIN_WORDS and "?" not in text


async def command(call: CommandCall) -> list[Reply]:
    """Return the replies to `/scan TEXT` (the usage line when no text follows)."""
    if not call.args.strip():
        return [Reply(esc(call.t("scan.usage")))]
    return await scan_replies(call.args, call.services.listings, call.t)


async def document(message: Message, listings: ListingService | None,
                   t: Translator) -> list[Reply]:
    """Return the replies to a file sent to the bot: its scan, or why it cannot be read.

    The adapter has already downloaded and decoded the file (`attachment_text`), or says
    why it could not (`attachment_problem`: too_big, binary, undecodable, empty, unsupported).
    """
    if message.attachment_problem:
        return [Reply(esc(t(f"scan.file.{message.attachment_problem}",
                            limit=5, name=message.attachment_name or "")))]
    if message.attachment_text is None or not message.attachment_text.strip():
        return [Reply(esc(t("scan.file.empty", limit=5, name=message.attachment_name or "")))]
    return await scan_replies(message.attachment_text, listings, t,
                              source=message.attachment_name or None)


async def scan_replies(text: str, listings: ListingService | None, t: Translator,
                       source: str | None = None) -> list[Reply]:
    """Return the scan of text as one reply: the whole result, or a summary plus a file.

    A long text is scanned in a worker thread so the bot keeps answering others meanwhile.
    """
    if not tokens(text):
        return [Reply(esc(t("scan.empty")))]
    if listings is None:
        return [Reply(esc(t("check.no_data")))]
    result = await asyncio.to_thread(listings.scan, text)
    missing = listings.missing()
    as_of = _data_date(listings)
    full = chat_text(result, listings, missing, as_of, t, limit=None)
    if len(full) <= MAX_REPLY_CHARS:
        return [Reply(full)]
    # As many mentions as fit in one message; the file has them all.
    limit = MAX_LISTED
    while True:
        summary = chat_text(result, listings, missing, as_of, t, limit=limit,
                            with_copy=False) + "\n\n" + esc(t("scan.file_follows"))
        if len(summary) <= MAX_REPLY_CHARS or limit == 0:
            break
        limit -= 1
    report = plain_report(result, listings, missing, as_of, t, source)
    name = f"riskguide-scan-{(as_of or date.today()).isoformat()}.txt"
    return [Reply(summary, attachment=Attachment(name, "text/plain; charset=utf-8",
                                                 report.encode("utf-8"),
                                                 caption=esc(t("scan.file_caption"))))]


def with_file(message: Message, data: bytes, name: str | None) -> Message:
    """Return message carrying a received file's text, or the reason it cannot be read.

    Every adapter hands the downloaded bytes here, so files are decoded by one reader and
    refused for one set of reasons, whatever platform they came from.
    """
    try:
        source = read_input(data, name or "document.txt")
    except InputError as exc:
        return replace(message, attachment_problem=exc.code)
    return replace(message, attachment_text=source.text)


def inline_note(query: str, listings: ListingService | None, t: Translator) -> Reply | None:
    """Return the ready note for Telegram's inline "@bot note NAME", or None when the query
    is no note request.

    The reply's text is what gets inserted: the name as typed followed by its Russian note;
    `summary` (the result's title) says in the user's language which entry it is for and
    whether the match is only possible. With nothing listed, the text says so instead.
    """
    m = _INLINE_NOTE.match(query)
    if m is None:
        return None
    name = m.group("name").strip()
    if listings is None:
        return Reply(esc(t("check.no_data")), summary=t("check.no_data"))
    result = listings.scan(name)
    listed = [x for x in result.mentions if x.listed and x.note]
    if not listed:
        key = "scan.inline.unverified" if _untrusted(listings) else "scan.inline.none"
        text = t(key, name=name, date=format_date(_data_date(listings), t.lang))
        return Reply(esc(text), summary=text)
    best = listed[0]
    key = "scan.inline.definite" if best.match == DEFINITE else "scan.inline.possible"
    return Reply(esc(f"{name} {best.note}"),
                 summary=t(key, name=best.name, registry=t(f"registry.{best.registry}")))


def inline_query_for_note(query: str) -> bool:
    """Return True when an inline query asks for a note ("note NAME", "пометка NAME")."""
    return _INLINE_NOTE.match(query) is not None


# -- wording --------------------------------------------------------------------------------


def chat_text(result: ScanResult, listings: ListingService, missing: Sequence[str],
              as_of: date | None, t: Translator, *, limit: int | None,
              with_copy: bool = True) -> str:
    """Return the scan result in light markup: mentions, why notes, data, annotated copy."""
    firsts = _first_mentions(result)
    parts = [esc(_heading(firsts, as_of, t, _untrusted(listings)))]
    shown = firsts if limit is None else firsts[:limit]
    if shown:
        parts.append("\n\n".join(_mention_block(m, _count(result, m), t, markup=True)
                                 for m in shown))
    if len(shown) < len(firsts):
        parts.append(esc(t("scan.more_in_file", n=len(firsts) - len(shown))))
    parts.extend(esc(line) for line in _explanations(firsts, result, t))
    parts.extend(data_lines(listings, t))
    parts.extend(esc(t("check.missing", registry=t(f"registry.{r}"))) for r in missing)
    parts.append(esc(t("scan.disclaimer")))
    if with_copy and any(m.listed and m.note and m.match == DEFINITE for m in firsts):
        parts.append(bold(t("scan.annotated")) + "\n" + esc(result.annotated))
    return "\n\n".join(parts)


def plain_report(result: ScanResult, listings: ListingService, missing: Sequence[str],
                 as_of: date | None, t: Translator, source: str | None = None) -> str:
    """Return the whole result as plain text for a file: every mention with its offsets,
    the explanations, the data and the annotated copy."""
    firsts = _first_mentions(result)
    parts = []
    if source:
        parts.append(source)
    parts.append(_heading(firsts, as_of, t, _untrusted(listings)))
    for m in firsts:
        parts.append(_mention_block(m, _count(result, m), t, markup=False))
    parts.extend(_explanations(firsts, result, t))
    parts.extend(to_plain(line) for line in data_lines(listings, t))
    parts.extend(t("check.missing", registry=t(f"registry.{r}")) for r in missing)
    parts.append(t("scan.disclaimer"))
    parts.append(t("scan.annotated") + "\n" + "-" * 40 + "\n" + result.annotated)
    return "\n\n".join(parts) + "\n"


def _heading(firsts: Sequence[Mention], as_of: date | None, t: Translator,
             untrusted: Sequence[DataInfo] = ()) -> str:
    """Return the first line of a scan result; with stale or failed data it says that names
    listed since then could be missing, and never that the text is clear."""
    when = format_date(as_of, t.lang) if as_of else "?"
    if not firsts:
        head = t("scan.none_unverified" if untrusted else "scan.none", date=when)
    else:
        notes = sum(1 for m in firsts if m.listed and m.note)
        head = t.plural("scan.found", "scan.found_plural", len(firsts), notes=notes, date=when)
        if untrusted:
            head += " " + t("scan.maybe_incomplete")
    return head

def _mention_block(m: Mention, count: int, t: Translator, *, markup: bool) -> str:
    registry = t(f"registry.{m.registry}")
    when = listing_when(m.listed, m.included_on, m.excluded_on, t, excluded_key="scan.excluded")
    how = t(f"scan.match.{m.match}")
    if m.match != DEFINITE and m.reason:
        how = t("scan.match.possible_why", why=t(f"scan.reason.{m.reason}"))
    written = t("scan.written", text=" ".join(m.text.split()))
    if count > 1:
        written = t.plural("scan.written_times", "scan.written_times_plural", count,
                           text=" ".join(m.text.split()))
    lines = [f"{registry}: {when}", how, written]
    if m.listed and m.note:
        lines.append(t("scan.note", note=m.note))
    if markup:
        return "• " + bold(m.name) + "\n" + "\n".join("  " + esc(line) for line in lines)
    return "• " + m.name + "\n" + "\n".join("  " + line for line in lines)


def _explanations(firsts: Sequence[Mention], result: ScanResult, t: Translator) -> list[str]:
    """Return why each kind of note found is needed (once per registry), and the label of a
    foreign agent's own material when the text is one."""
    lines = []
    seen: list[str] = []
    for m in firsts:
        if m.listed and m.note and m.registry not in seen:
            seen.append(m.registry)
    for registry in seen:
        lines.append(t(f"scan.why.{registry}"))
    if any(r in REQUIRED_BY_LAW for r in seen):
        lines.append(t("scan.why.media"))
    if result.label:
        lines.append(t("scan.label_present") if result.label_present
                     else t("scan.label_needed", label=result.label))
    return lines


def _first_mentions(result: ScanResult) -> list[Mention]:
    """Return one mention per entry (its first), definite ones first, in text order."""
    seen: set[tuple[str, str]] = set()
    firsts = []
    for m in result.mentions:
        key = (m.registry, m.entry_id)
        if key not in seen:
            seen.add(key)
            firsts.append(m)
    return sorted(firsts, key=lambda m: (m.match != DEFINITE, not m.listed, m.start))


def _count(result: ScanResult, m: Mention) -> int:
    return sum(1 for x in result.mentions
               if (x.registry, x.entry_id) == (m.registry, m.entry_id))


def _data_date(listings: ListingService) -> date | None:
    """Return the oldest data date of the lists: "none found as of DATE" holds for all."""
    return min((d.as_of for d in listings.data()), default=None)


def _untrusted(listings: ListingService) -> tuple[DataInfo, ...]:
    """Return the lists whose data may not support "none found" (stale or failed fetch)."""
    return tuple(d for d in listings.data() if not d.trusted())

