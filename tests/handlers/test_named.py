"""A question naming an organisation gets the answer and the name's registry status in one reply."""

from __future__ import annotations

from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import KnowledgeBase
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.messages import ChatKind, Message, Platform
from handlers.named import name_spans
from handlers.render import replies_as_plain


def _msg(text: str, lang: str) -> Message:
    return Message(text=text, user_id="u1", chat_id="c1", chat_kind=ChatKind.PRIVATE,
                   platform=Platform.CONSOLE, language_hint=lang)


async def _ask(services: Services, text: str, lang: str) -> tuple[str, int]:
    replies = await Dispatcher(services).handle(_msg(text, lang))
    return replies_as_plain(replies), len(replies)


def test_names_are_found_in_questions_but_not_words_of_the_law() -> None:
    assert name_spans("can I donate to The Insider") == ["The Insider"]
    assert name_spans("можно ли цитировать «Медиазону»") == ["Медиазону"]
    assert name_spans("какой штраф по КоАП за репост") == []
    assert name_spans("Можно ли задонатить иноагенту?") == []
    assert name_spans("what should I do if I'm detained by police") == []
    assert name_spans("is Médecins Sans Frontières or Reporters for Freedom listed") == [
        "Médecins Sans Frontières", "Reporters for Freedom"]


async def test_named_organisation_gets_answer_and_status_in_one_reply(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    text, count = await _ask(services, "can I donate to The Insider", "en")
    assert count == 1
    # The Insider is undesirable: the answer is the undesirable-organisation one, not the
    # milder foreign-agent one, and the status names the list and the data's date.
    assert "284.1" in text
    assert "What the registries say" in text
    assert "List of undesirable organisations" in text and "2024" in text


async def test_unknown_name_is_not_found_as_of_the_data_date(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    text, _ = await _ask(services, "можно ли задонатить иноагенту Зарксибабуеву", "ru")
    assert "«Зарксибабуеву»: в реестрах не найдено на 05.09.2024" in text


async def test_without_registry_data_a_name_is_never_called_unlisted(services: Services) -> None:
    assert services.listings is None
    text, count = await _ask(services, "can I donate to a foreign agent like Zarksibabuev", "en")
    assert count == 1
    assert "Donating to a foreign agent" in text
    assert "cannot check it against the registries" in text
    assert "not found" not in text


async def test_a_name_the_base_talks_about_still_picks_its_entry(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    # Meduza is listed, and the base's entry on reposting undesirable material names it.
    text, _ = await _ask(services, "можно ли цитировать Медузу в своём телеграм-канале", "ru")
    assert "Репосты материалов нежелательной организации" in text
    text, _ = await _ask(services, "is Amnesty International an undesirable organisation in Russia",
                         "en")
    assert "Amnesty International declared undesirable" in text


async def test_a_possible_match_of_a_place_name_does_not_pull_a_question_in(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    for question in ("how do I register a new company in Germany",
                     "how to register a car in Germany"):
        text, _ = await _ask(services, question, "en")
        assert "I can't help with that" in text, question
