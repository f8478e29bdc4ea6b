"""Scanning texts in the conversation: /scan, forwarded posts, articles, files, inline notes.

Against the 2026-09 data bundled in the package (four lists), as a fresh installation has it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.i18n import Translator
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.markup import to_plain
from handlers.messages import Message, Reply
from handlers.named import NamedStatus, status_text
from handlers.scanning import inline_note
from tests.auxil.registries import WIDE_WINDOWS

POST = ("Вчера в эфире телеканала «Дождь»* журналист Юрий Дудь рассказал о новом проекте. "
        "Дудь также упомянул отчёт Amnesty International. На улице был холод.")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> ListingService:
    """A ListingService with no data of its own: it answers from the bundled snapshot."""
    return ListingService(Settings(data_dir=tmp_path_factory.mktemp("data"),
                                   freshness_days=WIDE_WINDOWS))


async def _say(services: Services, text: str = "", lang: str = "ru", **kw: object
               ) -> list[Reply]:
    return await Dispatcher(services).handle(
        Message(text=text, user_id="u", chat_id="c", language_hint=lang, **kw))  # type: ignore[arg-type]


async def test_scan_command_lists_each_name_with_its_note(
    services: Services, bundled: ListingService
) -> None:
    """Every listed name, its list, definite or possible, the note, the data and the copy."""
    services.listings = bundled
    [reply] = await _say(services, "/scan " + POST)
    text = to_plain(reply.text)
    assert "Дудь Юрий Александрович" in text
    assert "после первого упоминания добавьте: (внесён в реестр иностранных агентов)" in text
    assert "в тексте: «Юрий Дудь», всего 2 упоминания" in text
    assert "(организация признана нежелательной на территории России)" in text
    assert "ч. 2.1 ст. 13.15 КоАП" in text
    assert "Реестр иностранных агентов: данные" in text  # the data and its date
    assert ("Юрий Дудь (внесён в реестр иностранных агентов) рассказал" in text)
    assert "холод" not in text.split("Текст с пометками:")[0]  # the weather is no outlet
    assert reply.attachment is None


async def test_english_reply_keeps_russian_notes(
    services: Services, bundled: ListingService
) -> None:
    services.listings = bundled
    [reply] = await _say(services, "/scan " + POST, lang="en")
    text = to_plain(reply.text)
    assert "note to add after the first mention: (внесён в реестр иностранных агентов)" in text
    assert "definite match" in text
    assert "The text with the notes added:" in text


async def test_a_bare_common_surname_is_only_possible(
    services: Services, bundled: ListingService
) -> None:
    services.listings = bundled
    [reply] = await _say(services, "/scan Вчера Дудь выпустил новое интервью.", lang="en")
    text = to_plain(reply.text)
    assert "possible match (only the surname is given" in text
    assert "The text with the notes added" not in text  # nothing certain to mark


async def test_forwarded_post_and_long_article_are_scanned_not_answered(
    services: Services, bundled: ListingService
) -> None:
    services.listings = bundled
    [reply] = await _say(services, "Юрий Дудь выпустил интервью.", forwarded=True)
    assert "после первого упоминания добавьте" in to_plain(reply.text)
    article = " ".join([POST] * 5)
    [reply] = await _say(services, article)
    assert "В тексте 5 имён из реестров" in to_plain(reply.text)
    # A question stays a question.
    [reply] = await _say(services, "Что грозит за репост материалов нежелательной организации?")
    assert "В тексте" not in to_plain(reply.text)


async def test_long_result_comes_back_as_a_file(
    services: Services, bundled: ListingService
) -> None:
    services.listings = bundled
    seeds = sorted(Path("../shared/seeds").glob("*.txt"))
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in seeds) * 3 + "\n" + POST * 40
    [reply] = await _say(services, lang="en", kind="document", attachment_text=text,
                         attachment_name="article.txt")
    assert reply.attachment is not None and reply.attachment.mime.startswith("text/plain")
    body = reply.attachment.data.decode("utf-8")
    assert body.startswith("article.txt")
    assert "Юрий Дудь (внесён в реестр иностранных агентов)" in body
    assert "The full result" in to_plain(reply.text)


@pytest.mark.parametrize(("problem", "words"), [
    ("too_big", "larger than 5 MB"), ("binary", "not text"), ("undecodable", "UTF-8"),
    ("unsupported", ".txt, .md or .html"), ("empty", "no text"),
])
async def test_unreadable_files_get_a_polite_reason(
    services: Services, bundled: ListingService, problem: str, words: str
) -> None:
    services.listings = bundled
    [reply] = await _say(services, lang="en", kind="document", attachment_problem=problem,
                         attachment_name="x.bin")
    assert words in to_plain(reply.text)


async def test_scan_without_text_or_data(services: Services, tmp_path: Path) -> None:
    [reply] = await _say(services, "/scan", lang="en")
    assert "/scan followed by the text" in to_plain(reply.text)
    [reply] = await _say(services, "/scan Юрий Дудь выпустил интервью.", lang="en")
    assert "Дудь" not in to_plain(reply.text)  # no data: no verdict either way


async def test_inline_note_offers_the_text_to_insert(
    services: Services, bundled: ListingService
) -> None:
    services.listings = bundled
    dispatcher = Dispatcher(services)
    reply = await dispatcher.inline_check(Message(text="note Юрий Дудь", user_id="u",
                                                  chat_id="u", language_hint="en"))
    assert reply is not None
    assert to_plain(reply.text) == "Юрий Дудь (внесён в реестр иностранных агентов)"
    assert reply.summary == "Note for Дудь Юрий Александрович (Register of foreign agents)"
    reply = await dispatcher.inline_check(Message(text="пометка Дудь", user_id="u",
                                                  chat_id="u", language_hint="ru"))
    assert reply is not None and reply.summary is not None
    assert reply.summary.startswith("Возможное совпадение")
    reply = await dispatcher.inline_check(Message(text="note Zzyzx Qwertyuiop", user_id="u",
                                                  chat_id="u", language_hint="en"))
    assert reply is not None and "no note is needed" in to_plain(reply.text)


async def test_stale_data_never_says_a_text_is_clear(services: Services, tmp_path: Path) -> None:
    """With data older than its window (the bundled copy, default windows), a text with no
    listed names is "could not verify", not "clear"; inline notes and named questions too."""
    stale = ListingService(Settings(data_dir=tmp_path))
    services.listings = stale
    [reply] = await _say(services, "/scan Вчера в городе прошёл дождь, все промокли.")
    text = to_plain(reply.text)
    assert "слишком старые" in text and "не нашлось" not in text
    [found] = await _say(services, "/scan " + POST)
    assert "не настолько свежие" in to_plain(found.text)
    note = inline_note("note Совершенно Неизвестный Человек", stale, Translator("ru"))
    assert note is not None and "Не могу подтвердить" in note.text
    result = stale.check("Совершенно Неизвестная Организация")
    assert result.status == "unverified"
    paragraph = status_text([NamedStatus("Совершенно Неизвестная Организация", result)],
                            Translator("en"))
    assert paragraph is not None and "too old to say it is not listed" in paragraph
