"""`/stats` in the conversation: a chart and a summary from the imported 2024 snapshots."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.config import Settings
from bot.listings.model import REGISTRIES
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.markup import to_plain
from handlers.messages import Message, Reply
from tests.auxil.registries import FA_2024_10_01

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists(), reason="shared snapshots absent")


async def _stats(services: Services, text: str, lang: str = "ru") -> list[Reply]:
    return await Dispatcher(services).handle(
        Message(text=text, user_id="u", chat_id="c", language_hint=lang))


async def test_stats_sends_a_chart_and_a_summary_of_every_list(
    services: Services, listings: ListingService
) -> None:
    """Without a list named, the chart has both lists and the summary gives the figures."""
    services.listings = listings
    [reply] = await _stats(services, "/stats")
    assert reply.attachment is not None and reply.attachment.mime == "image/png"
    assert reply.attachment.filename == "riskguide-foreign_agents-undesirable-2024-10-01.png"
    image = Image.open(io.BytesIO(reply.attachment.data))
    assert image.format == "PNG" and image.height > image.width * 0.6  # two panels
    text = to_plain(reply.text)
    assert "Реестр иностранных агентов (данные на 1 октября 2024)" in text
    assert "Сейчас в реестре: 655; за всё время исключены: 211." in text
    assert "Чаще всего включают по пятницам: 70% всех включений." in text
    assert "Перечень нежелательных организаций (данные на 5 сентября 2024)\n" in text
    assert "Сейчас в реестре: 188; за всё время исключены: 0." in text


async def test_one_list_in_english_and_the_chart_is_kept(
    services: Services, listings: ListingService
) -> None:
    """`/stats agents` in English: one list, English words; asking twice draws nothing new."""
    services.listings = listings
    [first] = await _stats(services, "/stats agents", lang="en")
    text = to_plain(first.text)
    assert text.startswith("Register of foreign agents (data as of 1 October 2024)")
    assert "Listed now: 655; excluded over the years: 211." in text
    assert "Most additions come on Fridays: 70% of them." in text
    assert "undesirable" not in text.lower()
    charts = listings.settings.data_dir / "cache" / "charts"
    before = sorted(charts.glob("*.png"))
    [again] = await _stats(services, "/статистика иноагенты", lang="en")
    assert again.attachment is not None and first.attachment is not None
    assert again.attachment.data == first.attachment.data
    assert sorted(charts.glob("*.png")) == before


async def test_unknown_lists_and_no_data_get_polite_answers(
    services: Services, tmp_path: Path
) -> None:
    """A word that names no list gets the usage with the known ones; no data says so."""
    services.listings = ListingService(Settings(data_dir=tmp_path))
    [usage] = await _stats(services, "/stats борщ")
    assert usage.attachment is None
    assert to_plain(usage.text).startswith("Такого реестра я не знаю.")
    assert "иноагенты, нежелательные" in usage.text
    [empty] = await _stats(services, "/stats")
    assert to_plain(empty.text).startswith("Данных реестров у меня пока нет, считать нечего.")
    [extremist] = await _stats(services, "/stats extremist", lang="en")
    expected = "I have no registry data" if "extremist" in REGISTRIES else "I don't know that"
    assert to_plain(extremist.text).startswith(expected)
