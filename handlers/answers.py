"""Replies built from the knowledge base: answers, "not sure", topic browsing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.knowledge.model import TOPICS, Entry, KnowledgeBase
from handlers.markup import bold, esc, link
from handlers.messages import Choice, Reply

if TYPE_CHECKING:
    from bot.knowledge.index import MatchResult

# Callback data prefixes (Telegram allows 64 bytes; entry ids are short).
ANSWER = "a:"
TOPIC = "t:"


def format_date(value: object, lang: str) -> str:
    """Return a date as people write it: 23.11.2026 in Russian, 23 Nov 2026 in English."""
    import datetime as dt

    if not isinstance(value, dt.date):
        return str(value)
    if lang == "ru":
        return value.strftime("%d.%m.%Y")
    return f"{value.day} {value.strftime('%b %Y')}"


def entry_choice(entry: Entry, lang: str) -> Choice:
    """Return the button that opens an entry."""
    return Choice(entry.title[lang], ANSWER + entry.id)


def answer_reply(entry: Entry, kb: KnowledgeBase, t: Translator) -> Reply:
    """Return the full answer to an entry: text, sources, review date, disclaimer, related.

    This is the single place where the wording rule for knowledge answers lives: every
    answer names its sources and review date and says it is information, not legal advice.
    """
    lang = t.lang
    sources = "; ".join(link(s.title, s.url) for s in entry.sources)
    parts = [
        bold(entry.title[lang]),
        esc(entry.answer[lang]),
        f"{t('answer.sources')} {sources}",
        esc(t("answer.reviewed", date=format_date(entry.reviewed, lang)))
        + " "
        + esc(t("disclaimer.short")),
    ]
    related = [r for r in (kb.get(i) for i in entry.related) if r is not None]
    if related:
        parts.append(esc(t("answer.related")))
    return Reply(
        text="\n\n".join(parts),
        choices=tuple((entry_choice(r, lang),) for r in related[:4]),
    )


def unsure_reply(result: MatchResult, kb: KnowledgeBase, t: Translator) -> Reply:
    """Return the reply for a question the base cannot answer with confidence.

    Off-topic questions get the bot's scope and no guesses; near misses get the closest
    topics to pick from, because a guess presented as an answer could mislead.
    """
    if result.outcome in ("off_topic", "empty") or not result.alternatives:
        return Reply(text=esc(t("ask.off_topic")), choices=((Choice(t("btn.topics"), TOPIC),),))
    options = [kb.get(a.entry_id) for a in result.alternatives]
    return Reply(
        text=esc(t("ask.unsure")),
        choices=tuple((entry_choice(e, t.lang),) for e in options if e is not None),
    )


def topics_reply(kb: KnowledgeBase, t: Translator) -> Reply:
    """Return the list of topic areas to browse."""
    rows = tuple(
        (Choice(t(f"topic.{topic}"), TOPIC + topic),) for topic in TOPICS if kb.by_topic(topic)
    )
    return Reply(text=esc(t("topics.intro")), choices=rows)


def topic_reply(topic: str, kb: KnowledgeBase, t: Translator) -> Reply | None:
    """Return the entries of one topic area, or None for an unknown topic."""
    entries = kb.by_topic(topic)
    if not entries:
        return None
    return Reply(
        text=bold(t(f"topic.{topic}")),
        choices=tuple((entry_choice(e, t.lang),) for e in entries),
    )
