"""A question naming an organisation gets the answer and the name's registry status in one reply."""

from __future__ import annotations

from datetime import date

import pytest

from bot.config import Settings
from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import KnowledgeBase
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher
from handlers.messages import ChatKind, Message, Platform
from handlers.named import name_spans, names_in_question
from handlers.render import replies_as_plain
from tests.auxil.registries import FA_2024_10_01, SHARED_REGISTRIES, UND_2024_09_05, WIDE_WINDOWS


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
    # A sentence's own capital is no name: "Can I", "What's the", "Это правда" are not checked.
    assert name_spans("Can I repost a foreign agent's post?") == []
    assert name_spans("What's the fine for participating in an undesirable organisation?") == []
    assert name_spans("Это правда? Это ужас. Is Meduza listed") == ["Meduza"]
    assert name_spans("Is Human Rights Watch undesirable") == ["Human Rights Watch"]
    assert name_spans("Amnesty International теперь нежелательная?") == ["Amnesty International"]
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


@pytest.mark.parametrize("question", [
    "Где родилась Екатерина Шульман и где она училась?",
    # The words left once the name is cut ("сколько лет") once read as the penalty period's:
    # the ranker was fitted on the names as words while the chat cuts them. It is fitted on
    # the questions as the chat reads them since session 17 (rank_fit.chat_reading).
    "Сколько лет Екатерине Шульман и где она родилась?",
])
async def test_a_question_about_a_listed_person_not_the_law_gets_the_status_alone(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService, question: str
) -> None:
    """A listed name puts a question in scope; when the rest of it asks about none of the
    base's topics (her age, his birthplace) the reply is the status, not some entry."""
    services = Services(kb=kb, questions=question_index, listings=listings)
    text, count = await _ask(services, question, "ru")
    assert count == 1
    assert "Шульман Екатерина Михайловна" in text and "Реестр иностранных агентов" in text
    assert "Больше здесь я ничего не подскажу" in text
    assert "Источники:" not in text
    text, _ = await _ask(services, "Where was Boris Grebenshchikov born?", "en")
    assert "Гребенщиков Борис Борисович" in text and "That is all I can say here" in text
    # Asking what one may do with what she writes is a question about the law.
    text, _ = await _ask(services, "можно ли репостить посты Екатерины Шульман?", "ru")
    assert "Источники:" in text and "Шульман Екатерина Михайловна" in text


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


def test_names_typed_in_lower_case_or_latin_letters_are_found(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    lower = names_in_question("беллингкэт в каких списках состоит", services)
    assert any(n.result is not None and n.result.status == "listed"
               and "Bellingcat" in n.result.matches[0].name for n in lower)
    latin = names_in_question("radio svoboda nezhelatelnaya ili inoagent?", services)
    assert any(n.result is not None and n.result.status == "listed"
               and "Радио Свобода" in " ".join(m.name for m in n.result.matches) for n in latin)
    # A word of the law is never read as an organisation's name ("ИНОАГЕНТ" LLC).
    assert names_in_question("штраф за репост иноагента", services) == []


async def test_a_status_only_question_is_answered_by_how_to_check_with_the_status(
    kb: KnowledgeBase, question_index: QuestionIndex, listings: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings)
    text, count = await _ask(services, "radio svoboda nezhelatelnaya ili inoagent?", "ru")
    assert count == 1
    assert "Как проверить" in text
    assert "Перечень нежелательных организаций" in text


@pytest.fixture(scope="module")
def listings_with_extremist(tmp_path_factory: pytest.TempPathFactory) -> ListingService:
    """The 2024 snapshots plus the extremist list of the shared mirror."""
    data = tmp_path_factory.mktemp("extremist-data")
    service = ListingService(Settings(data_dir=data, freshness_days=WIDE_WINDOWS))
    service.import_file(FA_2024_10_01, "foreign_agents", as_of=date(2024, 10, 1))
    service.import_file(UND_2024_09_05, "undesirable", as_of=date(2024, 9, 5))
    extremist = SHARED_REGISTRIES / "mirror" / "data" / "minjust_extremist_orgs.json"
    if not extremist.exists():
        pytest.skip("shared extremist list absent")
    service.import_file(extremist, "extremist")
    return service


async def test_donating_to_an_extremist_organisation_is_answered_by_extremist_financing(
    kb: KnowledgeBase, question_index: QuestionIndex, listings_with_extremist: ListingService
) -> None:
    services = Services(kb=kb, questions=question_index, listings=listings_with_extremist)
    # Jehovah's Witnesses are on the extremist list (and a Ukrainian branch is undesirable):
    # the gravest list decides, and the status names it, in one reply.
    text, count = await _ask(services, "можно ли задонатить свидетелям иеговы", "ru")
    assert count == 1
    assert "282.3" in text
    assert "экстремистских организаций" in text


@pytest.fixture(scope="module")
def shipped_listings(tmp_path_factory: pytest.TempPathFactory) -> ListingService:
    """The registries snapshot shipped with the bot (late 2026: FBK's US entity is terrorist
    since 12.02.2026, the foundation extremist since 2021), as `kb eval` reads it."""
    from bot.cli.knowledge import _shipped_listings

    return _shipped_listings(tmp_path_factory.mktemp("shipped"))


@pytest.fixture
def shipped(
    kb: KnowledgeBase, question_index: QuestionIndex, shipped_listings: ListingService
) -> Services:
    """The services of a chat answering with the registry snapshot shipped with the bot."""
    return Services(kb=kb, questions=question_index, listings=shipped_listings)


async def test_a_name_typed_in_lower_case_gets_its_status(shipped: Services) -> None:
    # Every word of "радио свобода" is a word of the language, none capitalised: still a name.
    text, count = await _ask(shipped, "радио свобода иноагент или нет", "ru")
    assert count == 1
    assert "Как проверить" in text
    assert "Радио Свобода" in text and "Перечень нежелательных организаций" in text
    # Latin letters, lower case, and a word the base itself uses ("Meduza").
    text, _ = await _ask(shipped, "meduza inoagent ili net?", "ru")
    assert "Как проверить" in text and "Medusa Project" in text
    # An abbreviation no sentence capital explains is looked up as well.
    text, _ = await _ask(shipped, "ФБК уже в реестре?", "ru")
    assert "Как проверить" in text and "Фонд борьбы с коррупцией" in text
    # A question made of the law's own words names nobody.
    assert names_in_question("штраф за репост иноагента", shipped) == []
    assert names_in_question("какой штраф по КоАП за репост", shipped) == []


async def test_a_status_question_with_a_verb_of_listing_is_answered_by_how_to_check(
    shipped: Services,
) -> None:
    for question, lang in (("Медиазона признана иноагентом?", "ru"),
                           ("is Meduza still designated a foreign agent", "en"),
                           ("Meduza listed?", "en")):
        text, _ = await _ask(shipped, question, lang)
        assert "Как проверить" in text or "How to check" in text, question


def test_a_status_question_asking_where_to_look_it_up_is_answered_by_how_to_check(
    shipped: Services,
) -> None:
    # "Where can I look that up?" asks for the status and for the way to check it; the
    # question is not about how the lists differ.
    for question, lang in (
            ("Is The Insider a foreign agent or undesirable? And where can I look that up myself?",
             "en"),
            ("Is WWF on any of the Russian lists? How would I find out?", "en"),
            ("Медиазона иноагент или нежелательная? Как это узнать самому?", "ru"),
            ("The Insider иноагент или нежелательная организация? где посмотреть", "ru")):
        result, _ = Dispatcher(shipped).match_question(question, lang)
        assert result.entry_id == "check_status", question


async def test_a_dated_donation_gets_the_list_that_applied_then(shipped: Services) -> None:
    # "ACF" names the foundation's US entities: one undesirable since 2023, the other
    # terrorist since 12.02.2026. Money sent in 2024 went to an undesirable organisation;
    # money sent now assists terrorism.
    dated, _ = await _ask(shipped, "I donated to ACF in 2024, what now", "en")
    assert dated.splitlines()[0] == "Donating to an undesirable organisation"
    now, _ = await _ask(shipped, "can I donate to ACF", "en")
    assert now.splitlines()[0] == "Terrorist organisations: taking part and what follows"


async def test_the_foundations_name_is_not_read_as_its_us_twins(shipped: Services) -> None:
    # The FSB list packs «Фонд борьбы с коррупцией, Инк.» into the US entity's name; cut at
    # its comma it read as the Russian foundation's own name, so every question about FBK
    # was answered as one about a terrorist organisation. FBK is extremist; the financing
    # entry is the one written for it, and it says what the US twin's status means.
    for question, lang in (("могу ли я задонатить ФБК?", "ru"),
                           ("донаты Фонду борьбы с коррупцией уголовка?", "ru"),
                           ("can I donate to the Anti-Corruption Foundation", "en")):
        result, _ = Dispatcher(shipped).match_question(question, lang)
        assert result.entry_id == "extremist_financing", question
    result, _ = Dispatcher(shipped).match_question(
        "переслал в семейный чат фильм фбк про дворец, это считается распространением?", "ru")
    assert result.entry_id == "extremist_materials"
    # The twin is still shown, as the possible match it is.
    fbk = shipped.listings.check("Фонд борьбы с коррупцией")
    assert {m.registry for m in fbk.matches if m.definite} == {"extremist", "foreign_agents"}
    assert any(m.registry == "terrorist" and not m.definite for m in fbk.matches)


async def test_a_capitalised_name_governed_by_an_act_anchors_the_question(
    shipped: Services,
) -> None:
    # "Дождя" alone may be the weather; capitalised and the object of "эфир" it is TV Rain,
    # undesirable since 2023: the question is answered, with the channel's status.
    text, count = await _ask(shipped, "позвали гостем в эфир Дождя — чем рискую?", "ru")
    assert count == 1
    assert "не могу" not in text
    assert "Телеканал Дождь" in text and "Перечень нежелательных организаций" in text
    # A four-word name with only its first word capitalised, inside a sentence.
    text, _ = await _ask(shipped, "донатил Фонду борьбы с коррупцией, что мне будет?", "ru")
    assert "не могу" not in text and "Фонд борьбы с коррупцией" in text
    # The same words as everyday language name nobody, and no list is claimed.
    for question in ("дождя не было, можно ли сегодня выйти на пикет",
                     "голос у неё красивый, можно ли репостить её песни",
                     "Дождя вчера не было, можно ли репостить прогноз"):
        assert not any(n.result is not None and n.result.status == "listed"
                       for n in names_in_question(question, shipped)), question
    # English capitalises adjectives of nationality: "Russian" is never read as a name.
    assert not any(n.result is not None and n.result.status == "listed" for n in
                   names_in_question("is it illegal for a Russian to help the ICC", shipped))


def test_the_sure_check_skips_only_what_cannot_be_a_sure_name(
    shipped_listings: ListingService,
) -> None:
    # A typo no name has in any form cannot be a sure match: no full look-up is done.
    assert shipped_listings.sure_check("террорестическая организация") is None
    # A name in any of its forms gets the full check, the very result `check` gives.
    for query in ("медиазоне", "радио свобода", "mediazonu"):
        got = shipped_listings.sure_check(query)
        assert got is not None and got == shipped_listings.check(query), query
        assert got.status == "listed", query


async def test_a_quoted_name_asked_about_gets_the_base_s_entry_about_it(shipped: Services) -> None:
    # «Голос» in quotes is the movement (undesirable since 2026), not a voice: asked only for
    # its lists, the reader gets the base's own entry about the movement, and its status.
    text, _ = await _ask(shipped, "«Голос» — это иноагент или нежелательная организация?", "ru")
    assert "Движение «Голос» и закон об иноагентах" in text
    assert "Перечень нежелательных организаций" in text


async def test_a_listed_name_only_the_base_s_prose_mentions_does_not_sway_the_question(
    shipped: Services,
) -> None:
    # "The Insider" (undesirable) appears only in the base's prose; cut out, the rest of the
    # question ("перевела деньги") says what is asked: a donation, to an undesirable outlet.
    text, _ = await _ask(shipped, "perevela dengi the insider v 2024, chto teper", "ru")
    assert "Пожертвования нежелательной организации" in text and "284.1" in text
    text, _ = await _ask(shipped, "Is The Insider on any of the Russian lists right now?", "en")
    assert "How to check" in text and "The Insider" in text


def test_a_name_ends_at_its_last_capitalised_word() -> None:
    assert name_spans("Who was Anastasia Shevchenko and what was her sentence?") == [
        "Anastasia Shevchenko"]
    assert name_spans("Кто такая Анастасия Шевченко и какой у неё приговор?") == [
        "Анастасия Шевченко"]


async def test_money_to_an_organisation_is_answered_for_the_list_it_is_on(
    shipped: Services,
) -> None:
    # The Insider is undesirable and a foreign agent, on no extremist list: money sent to it
    # is a matter of Article 284.1, not of financing extremism (282.3).
    text, _ = await _ask(shipped, "How many years could I get for sending money to The Insider "
                         "after it became undesirable?", "en")
    assert "Donating to an undesirable organisation" in text
    assert "Donating to an extremist organisation" not in text
    # A question that names the graver list itself keeps its entry.
    text, _ = await _ask(shipped, "Is sending money to an extremist organisation worse than "
                         "sending it to The Insider?", "en")
    assert "Donating to an extremist organisation" in text


async def test_a_name_in_a_later_question_leaves_the_first_one_s_answer_alone(
    shipped: Services,
) -> None:
    # FBK's list is for the second question; the first asks how media mention a foreign agent.
    text, _ = await _ask(shipped, "What wording should a newspaper use after a foreign agent's "
                         "name? Also is donating to FBK illegal?", "en")
    assert "Mentioning a foreign agent in the media" in text
    assert "Mentioning a banned organisation" not in text
    # FBK's status is still told.
    assert "extremist" in text.casefold()


async def test_an_english_name_typed_in_lower_case_gets_its_status(shipped: Services) -> None:
    # "insider" is a word the base writes only in the name "The Insider": after its article,
    # in lower case, it still names the outlet, and the reader is told how to check and
    # what the registries say.
    text, count = await _ask(shipped, "is the insider on any list? how do i check", "en")
    assert count == 1
    assert "How to check" in text and "List of undesirable organisations" in text
    # The word alone, with no article, is the everyday word.
    assert names_in_question("an insider at the ministry told me i am on the list",
                             shipped) == []
    # Followed by a word it describes, it is that everyday word too: a question about
    # insider trading is not about the outlet and gets no answer of this bot's.
    assert names_in_question("what are the insider trading rules in the us?", shipped) == []
    text, _ = await _ask(shipped, "what are the insider trading rules in the US?", "en")
    assert "I can't help with that" in text


async def test_a_name_of_everyday_words_opening_a_sentence_or_in_lower_case_is_found(
    shipped: Services,
) -> None:
    # The sentence's capital tells nothing, and "с" joins the name's words: still FBK.
    for question in ("Фонд борьбы с коррупцией признан террористическим?",
                     "можно ли донатить фонду борьбы с коррупцией"):
        text, _ = await _ask(shipped, question, "ru")
        status = text.split("Что говорят реестры о названных в вопросе:")[1]
        assert "Фонд борьбы с коррупцией" in status, question


async def test_a_place_abroad_held_by_registry_names_still_places_the_question(
    kb: KnowledgeBase, question_index: QuestionIndex, tmp_path: pytest.TempPathFactory,
) -> None:
    # The shipped registries hold "…, Венгрия" after an organisation's name and "…Канады"
    # inside others; a question naming the country is still that country's.
    import os

    from bot.config import load_settings

    env = {k: v for k, v in os.environ.items() if k != "RISKGUIDE_DATABASE_URL"}
    env["RISKGUIDE_DATA_DIR"] = str(tmp_path)
    shipped = ListingService(load_settings(env, chat=False))
    services = Services(kb=kb, questions=question_index, listings=shipped)
    dispatcher = Dispatcher(services)
    for question in ("перечень террористических организаций в Канаде",
                     "закон об иностранных агентах в Венгрии"):
        result, _ = dispatcher.match_question(question, "ru")
        assert result.entry_id is None, question
    # A place abroad where the asker lives leaves Russia's law in force.
    result, _ = dispatcher.match_question(
        "живу в Венгрии, можно ли донатить иноагенту", "ru")
    assert result.entry_id is not None


def test_only_a_place_name_names_a_place(question_index: QuestionIndex) -> None:
    assert question_index.names_place("Венгрии")
    assert question_index.names_place("Lisbon")
    assert not question_index.names_place("Медиазона")
    assert not question_index.names_place("Конгресс украинцев Канады")


async def test_a_listed_person_s_surname_alone_puts_the_question_in_scope(
    shipped: Services,
) -> None:
    # "Шульман" alone is only a possible match (another person may bear the name), but a
    # question about watching someone whose surname is on the register is one the bot answers:
    # the answer about dealing with a foreign agent, and the possible match shown as such.
    text, _ = await _ask(shipped, "можно ли смотреть Шульман", "ru")
    assert "Можно ли общаться и работать с иноагентом" in text
    assert "Шульман Екатерина Михайловна" in text and "точно сказать нельзя" in text
    text, _ = await _ask(shipped, "Is it legal to watch Shulman on youtube", "en")
    assert "Dealing with a foreign agent" in text and "not certain" in text


async def test_a_listed_person_is_named_however_the_name_is_typed(shipped: Services) -> None:
    # «Каспаров» is frequent enough in Russian text to read as an everyday word; capitalised
    # on its own inside the sentence, or typed in Latin letters in lower case, it still names
    # the listed person, so the question is answered and the match shown as possible.
    text, _ = await _ask(shipped, "можно ли донатить Каспарову", "ru")
    assert "Можно ли задонатить иноагенту" in text
    assert "Каспаров Гарри Кимович" in text and "точно сказать нельзя" in text
    text, _ = await _ask(shipped, "mozhno li donatit kasparovu", "ru")
    assert "Каспаров Гарри Кимович" in text
    # A full name typed in Latin letters is only a possible match too, and puts the question
    # in scope all the same.
    text, _ = await _ask(shipped, "Can I keep following Dmitry Bykov on Telegram now that "
                                  "he's on the foreign agent list?", "en")
    assert "Dealing with a foreign agent" in text and "Быков Дмитрий" in text
    # With another first name it is another person: the full name is checked, not the surname.
    _, names = Dispatcher(shipped).match_question(
        "Who was Anastasia Shevchenko and what was her sentence?", "en")
    assert [n.name for n in names] == ["Anastasia Shevchenko"]


async def test_a_later_question_is_offered_as_grave_as_its_own_names_list(
    shipped: Services,
) -> None:
    # TV Rain is undesirable as well as a foreign agent: the interview question after the
    # main one is offered as taking part in an undesirable organisation's work.
    replies = await Dispatcher(shipped).handle(_msg(
        "How can I find out whether there is a criminal case against me before I fly home? "
        "I gave interviews to TV Rain.", "en"))
    text = replies_as_plain(replies)
    assert "Going back to Russia" in text
    offered = [c.label for row in replies[0].choices for c in row]
    assert offered[0] == "What counts as participating in an undesirable organisation"
    assert all("interview" not in label.casefold() for label in offered)


def test_a_capitalised_name_holding_a_shared_word_is_checked_whole(shipped: Services) -> None:
    # The scanner finds «Свобода» alone, a name many bodies share; the capitalised span around
    # it is Radio Svoboda, on two lists, and is what the reply must report.
    named = names_in_question("Можно ли репостить Радио Свобода?", shipped)
    assert [(n.name, n.result.status if n.result else None) for n in named] == [
        ("Радио Свобода", "listed")]


async def test_a_listed_organisations_shared_or_transliterated_name_puts_the_question_in_scope(
    shipped: Services,
) -> None:
    # "Vesna" is «Весна» in Latin letters, and «Весна» names more than one listed body: no
    # check is sure which, but each is listed, so the question is answered, the match shown as
    # possible.
    text, _ = await _ask(shipped, "Should I use Face ID or a passcode as a Vesna activist?",
                         "en")
    assert "Search, detention, digital hygiene: what to do" in text
    assert '"Vesna": possible match, not certain.' in text
    text, _ = await _ask(shipped, "zadonatit' insajderu 1000 rub opasno?", "ru")
    assert "Пожертвования нежелательной организации" in text
    # The name alone, with nothing asked about the law, still gets no answer of the base.
    text, _ = await _ask(shipped, "Where is the Memorial to the victims?", "en")
    assert "Search, detention" not in text and "Sources:" not in text
