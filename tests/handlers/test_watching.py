"""Watchlists, digests and forget in the conversation: real storage, real registry data."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.listings.service import ListingService
from bot.storage.database import Database
from bot.watch.users import WatchService
from handlers.context import RateLimiter, Services
from handlers.dispatcher import Dispatcher
from handlers.messages import ChatKind, Message, Platform, Reply
from handlers.render import replies_as_plain
from handlers.watching import FORGET_NO, FORGET_YES

TG = "telegram"


class Chat:
    """One person talking to the bot on Telegram, as the adapter would report it."""

    def __init__(self, services: Services, user: str = "7", lang: str | None = "ru") -> None:
        self.dispatcher = Dispatcher(services)
        self.user = user
        self.lang = lang

    async def replies(self, text: str, **kw: object) -> list[Reply]:
        base: dict[str, object] = {"user_id": self.user, "chat_id": self.user,
                                   "platform": Platform.TELEGRAM, "language_hint": self.lang}
        base.update(kw)
        return await self.dispatcher.handle(Message(text=text, **base))  # type: ignore[arg-type]

    async def say(self, text: str, **kw: object) -> str:
        return replies_as_plain(await self.replies(text, **kw))

    async def in_group(self, text: str, **kw: object) -> str:
        return await self.say(text, chat_id="-100", chat_kind=ChatKind.GROUP, **kw)


def _with(services: Services, watch: WatchService,
          listings: ListingService | None = None) -> Services:
    """Return services as the composition root wires them: one WatchService for both roles."""
    return replace(services, preferences=watch, watch=watch, listings=listings,
                   rate_limiter=RateLimiter(burst=1000))


# -- watch -----------------------------------------------------------------------------------

async def test_watch_shows_the_name_its_status_and_the_count(
        services: Services, sqlite_watch: WatchService, listings: ListingService) -> None:
    chat = Chat(_with(services, sqlite_watch, listings))
    replies = await chat.replies("/watch   Ходорковский <b>Михаил</b> Борисович")
    text = replies_as_plain(replies)
    # The name as it will be matched (markup gone), and how matching works.
    assert "Имя для отслеживания: «Ходорковский Михаил Борисович»" in text
    assert "кириллицей, и латиницей" in text and "как возможное" in text
    # The current status, exactly as a check gives it, with the data's date.
    assert "есть в реестре" in text and "в реестре с 20.05.2022" in text
    assert "данные из импортированного файла на 01.10.2024" in text
    assert "1 из 50" in text
    assert [c.data for row in replies[0].choices for c in row] == ["a:fa_interaction"]
    watches = await sqlite_watch.watches(TG, "7")
    assert [w.query for w in watches] == ["Ходорковский Михаил Борисович"]


async def test_watch_in_english_and_a_possible_match_reads_as_possible(
        services: Services, sqlite_watch: WatchService, listings: ListingService) -> None:
    chat = Chat(_with(services, sqlite_watch, listings), lang="en")
    text = await chat.say("/watch Khodorkovsky Mikhail")
    assert 'Name to watch: "Khodorkovsky Mikhail"' in text
    assert "possible match, not certain" in text
    assert "Ходорковский Михаил Борисович" in text
    assert "1 Oct 2024" in text
    assert "Added to your watchlist: 1 of 50" in text


async def test_watching_the_same_name_twice_is_one_watch(
        services: Services, sqlite_watch: WatchService, listings: ListingService) -> None:
    chat = Chat(_with(services, sqlite_watch, listings))
    await chat.say("/watch Мемориал")
    text = await chat.say("/следить  МЕМОРИАЛ")
    assert "уже есть в вашем списке (1 из 50)" in text
    assert len(await sqlite_watch.watches(TG, "7")) == 1


async def test_the_51st_watch_is_refused_with_the_limit(
        services: Services, sqlite_watch: WatchService, listings: ListingService) -> None:
    for i in range(50):
        await sqlite_watch.watch(TG, "7", "7", f"Тестовое имя {i:02d}", "ru")
    chat = Chat(_with(services, sqlite_watch, listings))
    text = await chat.say("/watch Мемориал")
    assert "В вашем списке уже 50 имён — это максимум" in text
    assert "не добавлено" in text and "/unwatch НОМЕР" in text
    assert len(await sqlite_watch.watches(TG, "7")) == 50
    await chat.say("/lang en")
    assert "already has 50 names, the maximum" in await chat.say("/watch Memorial")


@pytest.mark.parametrize(("text", "expected"), [
    ("/watch", "Напишите имя или название после команды"),
    ("/watch *", "Не вижу имени"),
    ("/watch <b></b>", "Не вижу имени"),
    ("/watch я", "Слишком коротко"),
    ("/watch " + "Иванов " * 60, "Слишком длинно для имени"),
])
async def test_bad_names_get_the_check_wording_and_nothing_is_saved(
        services: Services, sqlite_watch: WatchService, listings: ListingService,
        text: str, expected: str) -> None:
    reply = await Chat(_with(services, sqlite_watch, listings)).say(text)
    assert expected in reply
    assert await sqlite_watch.watches(TG, "7") == []


async def test_without_registry_data_the_watch_is_still_saved(
        services: Services, sqlite_watch: WatchService) -> None:
    text = await Chat(_with(services, sqlite_watch)).say("/watch Медуза")
    assert "Проверить сейчас нельзя" in text
    assert "Добавлено в ваш список: 1 из 50" in text
    assert [w.query for w in await sqlite_watch.watches(TG, "7")] == ["Медуза"]


async def test_watchlists_are_private(
        services: Services, sqlite_watch: WatchService, listings: ListingService) -> None:
    chat = Chat(_with(services, sqlite_watch, listings))
    await chat.say("/watch Мемориал")
    for command in ("/watch Медуза", "/watchlist", "/unwatch 1"):
        text = await chat.in_group(command, sender_is_admin=True)
        assert "в группах я его не веду" in text and "личный чат" in text
        assert "Мемориал" not in text  # a group never sees someone's watchlist
    assert [w.query for w in await sqlite_watch.watches(TG, "7")] == ["Мемориал"]


async def test_names_are_not_logged_at_info(
        services: Services, sqlite_watch: WatchService, listings: ListingService,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    chat = Chat(_with(services, sqlite_watch, listings))
    await chat.say("/watch Ходорковский")
    await chat.say("/unwatch Ходорковский")
    assert "Ходорковский" not in caplog.text


async def test_without_storage_nothing_is_promised(services: Services) -> None:
    chat = Chat(replace(services, rate_limiter=RateLimiter(burst=1000)))
    assert "отключены" in await chat.say("/watch Мемориал")
    assert "отключены" in await chat.say("/digest on")
    assert "ничего не храню о вас постоянно" in await chat.say("/forget")


# -- unwatch and watchlist ---------------------------------------------------------------------

async def test_unwatch_by_number_by_name_and_unknown(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch))
    for name in ("Мемориал", "Медуза", "Иванов Иван"):
        await chat.say(f"/watch {name}")
    listing = await chat.say("/unwatch")
    assert "1. Мемориал — добавлено" in listing and "3. Иванов Иван" in listing
    assert "/unwatch 1" in listing  # how to use it
    assert "Больше не слежу за «Медуза». В списке: 2 из 50." in await chat.say("/unwatch 2")
    assert "Больше не слежу за «Иванов Иван»" in await chat.say("/не_следить иванов  иван")
    assert "В вашем списке нет «Дождь»" in await chat.say("/unwatch Дождь")
    assert "В вашем списке нет «7»" in await chat.say("/unwatch 7")
    assert [w.query for w in await sqlite_watch.watches(TG, "7")] == ["Мемориал"]


async def test_watchlist_shows_dates_count_and_digests(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch), lang="en")
    empty = await chat.say("/watchlist")
    assert "Your watchlist is empty" in empty and "/watch Memorial" in empty
    await chat.say("/watch Memorial")
    await chat.say("/digest on undesirable")
    text = await chat.say("/watchlist")
    created = (await sqlite_watch.watches(TG, "7"))[0].created
    assert "Your watchlist: 1 of 50" in text
    assert f"1. Memorial — added {created.day} {created.strftime('%b %Y')}" in text
    assert "Your digests are on for: undesirable organisations." in text


# -- digests -----------------------------------------------------------------------------------

async def test_personal_digest_on_off_in_both_languages(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch))
    state = await chat.say("/digest")
    assert "Сводки выключены" in state and "/digest вкл" in state
    assert ("включены: иноагенты, нежелательные организации, экстремистские организации, "
            "террористические организации.") in await chat.say("/digest вкл")
    assert "включены: иноагенты, экстремистские организации." in await chat.say(
        "/сводка выкл нежелательные террористические")
    assert await sqlite_watch.digests(TG, "7") == ("foreign_agents", "extremist")
    assert "включены: иноагенты." in await chat.say("/сводка выкл экстремистские")
    english = Chat(_with(services, sqlite_watch), user="8", lang="en")
    assert "on for: undesirable organisations" in await english.say("/digest on undesirable")
    assert "on for: undesirable organisations, extremist organisations" in await english.say(
        "/digest on extremist")
    assert "Digests are off" in await english.say("/digest off")
    assert "A digest is one message" in await english.say("/digest maybe")  # usage, no change


async def test_group_digest_needs_an_admin_and_belongs_to_the_group(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch))
    refused = await chat.in_group("/digest вкл")
    assert "только её администраторы" in refused
    assert await sqlite_watch.digests(TG, "-100", group=True) == ()
    done = await chat.in_group("/digest вкл иноагенты", sender_is_admin=True)
    assert "Сводки для группы включены: иноагенты." in done
    assert await sqlite_watch.digests(TG, "-100", group=True) == ("foreign_agents",)
    assert await sqlite_watch.digests(TG, "7") == ()  # not the admin's own digest
    state = await chat.in_group("/digest")  # anyone may see the state
    assert "Сводки для группы включены: иноагенты." in state
    assert "только администраторы" in state


# -- forget ------------------------------------------------------------------------------------

async def test_forget_asks_first_then_really_deletes(
        services: Services, db: Database) -> None:
    watch = WatchService(db)
    chat = Chat(_with(services, watch), lang="en")
    await chat.say("/lang en")
    await chat.say("/watch Memorial")
    await chat.say("/watch Meduza")
    await chat.say("/digest on")
    replies = await chat.replies("/forget")
    question = replies_as_plain(replies)
    assert "This is what I store about you:" in question
    assert "reply language: English" in question and "watchlist: 2 names" in question
    assert "digests: foreign agents, undesirable organisations" in question
    choices = [c.data for row in replies[0].choices for c in row]
    assert choices == [FORGET_YES, FORGET_NO]
    assert all(len(data.encode()) <= 64 for data in choices)
    # Asking deleted nothing; "no" deletes nothing either.
    assert "nothing was deleted" in await chat.say(FORGET_NO, is_callback=True)
    assert len(await watch.watches(TG, "7")) == 2
    assert "has been deleted" in await chat.say(FORGET_YES, is_callback=True)
    assert await watch.watches(TG, "7") == []
    assert await watch.get_language(TG, "7") is None
    assert await watch.digests(TG, "7") == ()
    # The language is forgotten: with no hint the bot is back to its default, Russian.
    assert "Ваш список наблюдения пуст" in await chat.say("/watchlist", language_hint=None)
    assert "ничего о вас не храню" in await chat.say("/forget", language_hint=None)


async def test_forget_in_russian_and_only_in_private(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch))
    assert "ничего о вас не храню" in await chat.say("/забыть")
    await chat.say("/watch Мемориал")
    question = await chat.say("/forget")
    assert "язык ответов: русский" in question and "список наблюдения: 1 имя" in question
    assert "Да, удалить всё" in question and "Нет, оставить" in question
    assert "только в личном чате" in await chat.in_group("/forget")
    assert "только в личном чате" in await chat.in_group(FORGET_YES, is_callback=True)
    assert len(await sqlite_watch.watches(TG, "7")) == 1


# -- language and help ---------------------------------------------------------------------------

async def test_the_chosen_language_is_kept_by_the_watch_service(
        services: Services, sqlite_watch: WatchService) -> None:
    await Chat(_with(services, sqlite_watch), lang=None).say("/lang en")
    assert await sqlite_watch.get_language(TG, "7") == "en"
    # A new dispatcher (a restart) still answers in English, whatever the platform says.
    restarted = Chat(_with(services, sqlite_watch), lang="ru")
    assert "Your watchlist is empty" in await restarted.say("/watchlist")


async def test_start_and_help_mention_watching(
        services: Services, sqlite_watch: WatchService) -> None:
    chat = Chat(_with(services, sqlite_watch))
    start = await chat.say("/start")
    assert "/watch" in start and "/digest" in start and "/forget" in start
    help_text = await chat.say("/help")
    for line in ("/watch ИМЯ — ", "/unwatch НОМЕР|ИМЯ — ", "/watchlist — ",
                 "/digest вкл|выкл [иноагенты|нежелательные|экстремистские|террористические] — ",
                 "/forget — "):
        assert line in help_text
    english = await Chat(_with(services, sqlite_watch), user="9", lang="en").say("/help")
    assert "/digest on|off [foreign_agents|undesirable|extremist|terrorist] — " in english


async def test_unwatch_with_numbers_int_refuses(
        services: Services, sqlite_watch: WatchService) -> None:
    """"²" and "①" pass str.isdigit() but not int(), and 5,000 digits pass neither: each is
    a name that is not on the list, never an error; "²" does not remove watch number 2."""
    chat = Chat(_with(services, sqlite_watch))
    for name in ("Мемориал", "Медуза"):
        await chat.say(f"/watch {name}")
    for odd in ("²", "①", "9" * 5000, "\x1b[2J"):
        reply = await chat.say(f"/unwatch {odd}")
        assert "В вашем списке нет" in reply and "\x1b" not in reply, odd
    assert [w.query for w in await sqlite_watch.watches(TG, "7")] == ["Мемориал", "Медуза"]
    assert "Больше не слежу за «Медуза»" in await chat.say("/unwatch ２")  # full-width 2
