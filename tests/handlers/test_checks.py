"""Name checks in the conversation, against real registry snapshots imported from files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.messages import Message
from handlers.render import replies_as_plain
from tests.auxil.registries import FA_2024_10_01

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists(), reason="shared snapshots absent")


async def _say(services: Services, text: str, lang: str = "ru") -> str:
    d = Dispatcher(services)
    replies = await d.handle(Message(text=text, user_id="u", chat_id="c", language_hint=lang))
    return replies_as_plain(replies)


async def test_listed_person_in_russian(services: Services, listings: ListingService) -> None:
    services.listings = listings
    text = await _say(services, "/check Ходорковский Михаил Борисович")
    assert "есть в реестре" in text
    assert "Реестр иностранных агентов: в реестре с 20.05.2022" in text
    assert "данные из импортированного файла на 01.10.2024" in text
    assert "Что значит статус иноагента" in text  # what the listing means for the user


async def test_not_found_names_the_date(services: Services, listings: ListingService) -> None:
    services.listings = listings
    text = await _say(services, "/check Zzyzx Qwertyuiop", lang="en")
    assert "was not found in the registries as of" in text
    assert "Sep 2024" in text


async def test_free_text_name_is_checked(services: Services, listings: ListingService) -> None:
    services.listings = listings
    text = await _say(services, "Михаил Ходорковский")
    assert "Ходорковский Михаил Борисович" in text


async def test_no_personal_data_in_replies(services: Services, listings: ListingService) -> None:
    services.listings = listings
    text = await _say(services, "/check Ходорковский Михаил Борисович")
    assert "СНИЛС" not in text and "ИНН" not in text
    assert "1963" not in text  # his birth year is in the registry row


async def test_without_data_a_check_is_impossible(services: Services, tmp_path: Path) -> None:
    services.listings = ListingService(Settings(data_dir=tmp_path), bundle_path=None)
    text = await _say(services, "/check Медуза")
    assert "Проверить сейчас нельзя" in text


async def test_a_cut_text_says_what_was_checked(services: Services,
                                                listings: ListingService) -> None:
    """A name after the 300-character cut is found, and the reply says only the beginning
    and end were checked; with nothing found there, it says why instead of "not found"."""
    services.listings = listings
    prose = ("Подскажите, можно ли делать репост записи в телеграм-канале, если её автор "
             "когда-то давно писал колонки для разных изданий и выступал на конференциях по "
             "истории литературы, а теперь живёт за границей; боюсь последствий для себя и "
             "для друзей, которые тоже давно подписаны на этот замечательный канал. ")
    text = await _say(services, "/check " + prose + "Автор: Эткинд Александр Маркович")
    assert "Эткинд Александр Маркович" in text and "есть в реестре" in text
    assert "проверил только его начало и конец" in text
    text = await _say(services, "/check " + prose + "Автор: мой сосед", lang="en")
    assert "too long for a name" in text and "not found" not in text


async def test_control_characters_are_not_echoed(services: Services,
                                                 listings: ListingService) -> None:
    services.listings = listings
    text = await _say(services, "/check Zzyzx\x1b[2J\u202e Qwertyuiop\x07", lang="en")
    assert "was not found" in text
    assert not any(ch in text for ch in "\x1b\x07\u202e")
