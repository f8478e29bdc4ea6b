"""Answering one question outside a chat (the CLI contract of `riskguide ask`)."""

from __future__ import annotations

from bot.i18n import Translator
from handlers.context import Services
from handlers.render import replies_as_plain


def ask_once(services: Services, question: str, lang: str | None = None) -> dict[str, object]:
    """Return the JSON object `riskguide ask --json` prints for one question.

    `text` is exactly what a user would read in the console chat, in `lang` (detected from
    the question when not given).
    """
    from handlers.dispatcher import Dispatcher

    reply_lang = lang or services.questions.analyzer.detect_language(question)
    t = Translator(reply_lang)
    dispatcher = Dispatcher(services)
    result, _ = dispatcher.match_question(question, reply_lang)
    replies = dispatcher.ask_replies(question, t)
    return {
        "question": question,
        "lang": reply_lang,
        "answer_id": result.entry_id,
        "score": result.score,
        "text": replies_as_plain(replies),
        "alternatives": [{"answer_id": a.entry_id, "score": a.score} for a in result.alternatives],
    }

