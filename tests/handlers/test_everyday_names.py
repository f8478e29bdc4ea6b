"""A capitalised name made of everyday words that no registry lists still tells the field."""

from __future__ import annotations

from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import KnowledgeBase
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.messages import ChatKind, Message, Platform
from handlers.render import replies_as_plain


async def _ask(services: Services, text: str) -> str:
    message = Message(text=text, user_id="u1", chat_id="c1", chat_kind=ChatKind.PRIVATE,
                      platform=Platform.CONSOLE, language_hint="en")
    return replies_as_plain(await Dispatcher(services).handle(message))


async def test_a_title_of_everyday_words_places_the_question_in_another_field(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    # "Star Wars" is cut out as a name the registries do not know; its words still say the
    # question is about a film.
    assert "I can't help with that" in await _ask(
        services, "Are there any extremist groups in the Star Wars films?")
    # A person's name is no everyday word: the question stays about the registers.
    assert "I can't help with that" not in await _ask(
        services, "Why was Ivan Zhdanovsky made a foreign agent without any court?")
