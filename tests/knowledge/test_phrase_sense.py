"""Domain words in another sense: the words depending on them decide, amounts anchor nothing."""

from __future__ import annotations

import pytest

from bot.knowledge.analyze import Term
from bot.knowledge.index import QuestionIndex
from bot.knowledge.phrase_sense import unit_words

# Neighbours the learned ranker tells apart wrongly since session 15 gave it the lead (out of
# fold 14,378 answers and declines right against 14,157; README).
_RANKED = "the ranker's leader since session 15; README"


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # A complement after the phrase, joined by a preposition, names another field.
    ("кто такой иностранный агент в футболе", "кто такой иностранный агент", "fa_definition"),
    ("специальный счёт для капремонта как открыть", "как иноагенту открыть специальный счёт",
     "fa_paying"),
    ("вернуться в россию с собакой какие документы",
     "можно ли вернуться в россию после признания иноагентом", "return_to_russia"),
    # A word of another field inside the phrase.
    ("what is a foreign exchange agent bank licence", "what is a foreign agent",
     "fa_definition"),
    # An everyday complement passes its own complement of another field on.
    ("нужен иностранный агент по продажам в Бразилии, сколько ему платить",
     "может ли иностранный агент по работе поехать в Германию", "fa_restrictions"),
    ("we need a foreign agent for sales in Brazil, how to hire one",
     "what is a foreign agent", "fa_definition"),
    # In English the phrase may modify a noun whose complement is another field.
    # Let in by session 15's refitted calibrated decision, declined again since session 16.
    ("foreign agent salary in football clubs", "foreign agent label in YouTube videos",
     "fa_labelling"),
    ("what is an undesirable effect in drug trials",
     "what is an undesirable organisation in Russia", "un_definition"),
    # Another country's list: the list the phrase complements belongs to another field.
    ("what's on Canada's list of terrorist organisations",
     "what's on the list of terrorist organisations in Russia", "terrorist_list"),
])
def test_a_word_of_another_field_depending_on_a_domain_phrase_changes_its_sense(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str,
) -> None:
    assert question_index.match(near_miss, "ru").entry_id is None
    assert question_index.match(in_scope, "ru").entry_id == entry


@pytest.mark.parametrize(("text", "entry"), [
    # The domain phrase is itself a complement: what follows belongs to the verb or noun.
    ("можно ли донатить иноагенту в игре", "fa_donating"),
    ("можно ли купить книгу иноагента в магазине", "fa_paying"),
    ("can I give money to a foreign agent in cash", "fa_donating"),
    # A word the domain phrase depends on does not change its sense.
    ("что означает ярлык иноагента", "fa_definition"),
    ("is tipping a foreign agent streamer illegal", "fa_donating"),
])
def test_words_the_domain_phrase_does_not_govern_leave_its_sense(
    question_index: QuestionIndex, text: str, entry: str,
) -> None:
    assert question_index.match(text, "en").entry_id == entry


@pytest.mark.parametrize(("text", "lang", "entry"), [
    ("что такое иностранный агент в России, на пальцах", "ru", "fa_definition"),
    ("What is a 'foreign agent' in Russia, in simple terms?", "en", "fa_definition"),
])
def test_a_complement_after_a_comma_starts_a_phrase_of_its_own(
    question_index: QuestionIndex, text: str, lang: str, entry: str,
) -> None:
    # "in simple terms" says how to answer; it does not continue "in Russia" into another
    # field the way "агент по продажам в Бразилии" does.
    assert question_index.match(text, lang).entry_id == entry


@pytest.mark.parametrize(("near_miss", "in_scope", "lang", "entry"), [
    # A relational adjective of another country owns the law; a qualitative one does not.
    pytest.param("как работает казахстанский закон об иностранных агентах",
                 "новый закон об иностранных агентах что изменилось", "ru", "history",
                 marks=pytest.mark.xfail(strict=True, reason=_RANKED)),
    # A possessive owns the list although a word describes the organisations.
    ("who is on Australia's list of proscribed terrorist organisations",
     "what's on the list of terrorist organisations in Russia", "en", "terrorist_list"),
])
def test_another_countrys_law_or_list_is_another_field(
    question_index: QuestionIndex, near_miss: str, in_scope: str, lang: str, entry: str,
) -> None:
    assert question_index.match(near_miss, lang).entry_id is None
    assert question_index.match(in_scope, lang).entry_id == entry


def test_an_amount_of_roubles_is_not_a_question_about_fines(
    question_index: QuestionIndex,
) -> None:
    assert question_index.match("what's the rouble exchange rate today", "en").entry_id is None
    fine = question_index.match(
        "how many roubles is the fine for taking part in an undesirable organisation", "en")
    assert fine.entry_id == "un_admin_penalties"


def test_units_are_the_words_written_after_amounts_not_after_article_numbers() -> None:
    def terms(text: str) -> list[Term]:
        return [Term(w, w, 3.0, i) for i, w in enumerate(text.split())]

    texts = [(t, terms(t)) for t in (
        "штраф 500 рублей", "от 10 000 рублей", "до 300 000 рублей", "ст. 20.33 коап",
        "по 20.33 коап", "статья 19.34 коап", "закон 255-фз", "рублей", "коап")]
    assert unit_words(texts) == frozenset({"рублей"})


def test_a_comparative_before_a_domain_word_compares_it_and_leaves_it_in_scope(
    question_index: QuestionIndex,
) -> None:
    # "страшнее" is no word of the base, but it compares the two statuses rather than
    # qualifying "иноагент" as another field's agent.
    assert question_index.match("что страшнее иноагент или экстремист, в чем разница",
                                "ru").entry_id == "lists_difference"
    # An adjective as written still qualifies it.
    assert question_index.match("хороший иноагент", "ru").entry_id is None


@pytest.mark.parametrize(("in_scope", "near_miss"), [
    # A word the base uses with a partner ("нежелательная организация") names the status
    # itself when quoted alone; quoted before a noun of another field, it describes the noun.
    ("Журнал объявили «нежелательным» — что это значит?", "у меня «нежелательная» беременность"),
])
def test_a_quoted_status_word_names_the_status(
    question_index: QuestionIndex, in_scope: str, near_miss: str,
) -> None:
    assert question_index.match(in_scope, "ru").entry_id == "un_definition"
    assert question_index.match(near_miss, "ru").entry_id is None


@pytest.mark.parametrize("question", [
    # A law or list placed in another country by a locative complement is that country's.
    "как применяют закон об иностранных агентах в Казахстане",
    "the list of terrorist organisations in Canada",
    # So is a status predicated there.
    "is Greenpeace registered as a foreign agent in Australia",
    "is Greenpeace listed as undesirable in Latvia",
    # A law named by a place outside Russia.
    "how did the Kyrgyzstan law on foreign agents change NGOs",
])
def test_a_law_list_or_status_placed_abroad_is_declined(
    question_index: QuestionIndex, question: str,
) -> None:
    assert question_index.match(question).entry_id is None


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # The short names people write, which CLDR holds only in full ("Соединенные Штаты").
    ("есть ли в США реестр иностранных агентов",
     "есть ли в России официальный реестр иноагентов и где его смотреть", "check_status"),
    ("Какие организации Евросоюз внёс в свой террористический список?",
     "Какие организации Россия внесла в свой террористический список?", "terrorist_list"),
    # "uk" in Latin-typed Russian is УК, the Criminal Code, not the United Kingdom.
    ("UK proscribed organisations list - is it a crime to support them online there?",
     "284.1 uk skolko dayut", "un_criminal_penalties"),
])
def test_a_places_everyday_short_name_places_the_law_abroad(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str,
) -> None:
    assert question_index.match(near_miss).entry_id is None
    assert question_index.match(in_scope).entry_id == entry


@pytest.mark.parametrize(("question", "entry"), [
    # The place belongs to the asker's life or work: Russia's law applied abroad.
    ("I live in Latvia and go to events of an undesirable organisation, is that a crime?",
     "un_participation"),
    ("работаю на нежелательную организацию в Праге, могу ли я приехать в Россию", "un_abroad"),
    ("what is on the list of terrorist organisations in Russia", "terrorist_list"),
])
def test_russias_law_applied_abroad_is_still_answered(
    question_index: QuestionIndex, question: str, entry: str,
) -> None:
    assert question_index.match(question).entry_id == entry


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # A decade before the base's oldest law is another time, whose words meant something else.
    ("какие группы признаны террористическими в 1980-х в Италии",
     "какие группы признаны террористическими в России", "terrorist_list"),
    ("which movements were called extremist in the 1960s",
     "which movements are called extremist in Russia", "extremist_list"),
])
def test_a_decade_before_the_laws_is_declined(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str,
) -> None:
    assert question_index.match(near_miss).entry_id is None
    assert question_index.match(in_scope).entry_id == entry


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # Phrases sharing a word are one noun phrase: the place after its last word places the
    # list or law its first word names, in either alphabet.
    ("перечень экстремистских организаций в Германии",
     "перечень экстремистских организаций в России", "extremist_list"),
    ("список экстремистских материалов в Казахстане",
     "what is on the list of extremist materials", "extremist_materials"),
    ("reestr inostrannyh agentov v gruzii", "reestr inostrannyh agentov", None),
    # A law joined to its topic names a law wherever it stands in the sentence.
    ("Что там с законом о нежелательных организациях в Словакии, его приняли?",
     "Я иноагент и живу в Армении, могу ли я приехать в Россию", "return_to_russia"),
])
def test_a_noun_phrase_placed_abroad_is_that_countrys_whole(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str | None,
) -> None:
    assert question_index.match(near_miss).entry_id is None
    answered = question_index.match(in_scope).entry_id
    assert answered == entry if entry else answered is not None


def test_a_status_word_describing_another_fields_noun_is_that_fields(
    question_index: QuestionIndex,
) -> None:
    # "undesirable" right before a word of another field describes it, as an adjective does.
    assert question_index.match("an undesirable roommate won't pay rent").entry_id is None
    # Owning something, the status keeps its sense; an article's number describes nothing.
    assert question_index.match(
        "an undesirable organisation's webinar, can I watch it").entry_id == "un_participation"
    assert question_index.match(
        "fined under 20.33 rn, what now").entry_id is not None


def test_a_partner_word_named_by_another_trade_is_that_trades(
    question_index: QuestionIndex,
) -> None:
    # "agent" without its partner "foreign", named by "estate", is an estate agent.
    assert question_index.match(
        "how do I find a trustworthy estate agent to rent a flat").entry_id is None
    # With its partner it is the status, whatever else the question asks.
    assert question_index.match(
        "what does a foreign agent have to put on posts").entry_id is not None


@pytest.mark.parametrize("question", [
    # A place fronted as the topic right before the law or list: that country's.
    "литва закон об иностранных агентах что требует",
    "moldova zakon ob inoagentah prinjali ili net",
    "latvia register of foreign funding recipients how to check",
    # A fronted locative before a predicate with no subject of its own: existence, or an act
    # of that country's authorities in the third person plural.
    "есть ли в Венгрии реестр иностранных агентов",
    "v Latvii est' spisok terroristicheskih organizacij?",
    "в Молдове приняли закон об иноагентах?",
    # A place in the genitive owning the law or list.
    "закон Литвы об иноагентах как работает",
    # A Latin-typed English name is the place whichever language it is read in.
    "georgia zakon ob inostrannyh agentah",
    "hungary reestr inostrannyh agentov kak proverit",
    # A place right after an act of the authorities in the third person plural is where the
    # act was done: the law or list it made is that country's (session 28).
    "какой закон о нежелательных организациях приняли в Словакии?",
    "какие организации запретили в Узбекистане как экстремистские?",
    # A country's formal name opens with its form of state.
    "кто ведёт список экстремистских организаций в Республике Казахстан?",
])
def test_a_place_governing_the_law_or_list_makes_it_that_countrys(
    question_index: QuestionIndex, question: str,
) -> None:
    assert question_index.match(question).entry_id is None


@pytest.mark.parametrize(("question", "entry"), [
    # The place is where the asker is or goes: Russia's law still applies.
    ("I live in Berlin, can Russia fine me", "un_abroad"),
    ("живу в Литве, могут ли меня признать иноагентом", None),
    ("can a foreign agent travel to Germany", None),
    # A person of the country is not its law.
    ("я гражданин Латвии и меня признали иноагентом, что делать", None),
    # A question naming Russia asks about its law wherever else it names.
    ("в Грузии есть реестр иноагентов России?", None),
    # The asker's own act in a country ("мы участвовали"), a designation while living there
    # and work for a listed organisation abroad (session 28).
    ("Мы участвовали в форуме в Латвии, нас могут признать нежелательными?", None),
    ("Меня признали иноагентом, когда я жил в Армении. Что делать?", "if_designated"),
    ("I work for an undesirable organisation in Prague, can I be prosecuted?", "un_abroad"),
])
def test_a_place_where_the_asker_is_or_goes_leaves_the_question_answered(
    question_index: QuestionIndex, question: str, entry: str | None,
) -> None:
    result = question_index.match(question)
    assert result.outcome == "answer"
    if entry:
        assert result.entry_id == entry


@pytest.mark.parametrize("question", [
    # A follow-up clause with no subject of its own asks about the same country's list.
    "есть ли в Эстонии реестр иностранных агентов и кто туда попадает?",
    # An English place naming the list after an article, under a preposition.
    "which groups are on the Canada government's terrorist list?",
])
def test_a_follow_up_or_attributive_place_keeps_the_list_that_countrys(
    question_index: QuestionIndex, question: str,
) -> None:
    assert question_index.match(question).entry_id is None


@pytest.mark.parametrize(("near_miss", "in_scope"), [
    # English puts the law's topic before it and its owner before that: the possessive of a
    # place abroad owns the law ("Kyrgyzstan's [foreign agents] law"); Russia's stays ours.
    ("what did Kyrgyzstan's foreign agents law change for NGOs",
     "Russia's foreign agents law: what does it require from NGOs"),
    ("el salvador's foreign agents law explained", "the foreign agents law explained"),
    # A place complementing the law asked about makes the law that country's, and the
    # follow-up question after it, which names no subject of its own, asks about that law too
    # (session 28).
    ("закон об иноагентах в Венгрии. С какого года он действует?",
     "закон об иноагентах. С какого года он действует?"),
    # English puts the topic before the law's noun; the place complements the noun.
    ("the foreign agents law in Hungary. when did it come into force?",
     "the foreign agents law. when did it come into force?"),
    # Admitted by the calibrated decision from session 14 to session 27 (a strict expected
    # failure of test_calibration): the place after the law's noun was not read as the law's.
    ("does the foreign agent law in Slovakia apply to journalists",
     "does the foreign agent law apply to journalists"),
])
def test_another_countrys_law_is_declined_where_ours_is_answered(
    question_index: QuestionIndex, near_miss: str, in_scope: str,
) -> None:
    assert question_index.match(near_miss).entry_id is None
    assert question_index.match(in_scope).entry_id is not None


@pytest.mark.parametrize(("question", "entry"), [
    # A verb the base never uses right before a status ("deem undesirable") predicates the
    # status of something; it does not read it in another field's sense as a word describing
    # it does ("an undesirable pregnancy", which stays declined).
    ("My cousin works in Riga for a media project the prosecutors deem undesirable. "
     "Is she at risk?", "un_abroad"),
])
def test_a_verb_before_a_status_predicates_it(
    question_index: QuestionIndex, question: str, entry: str,
) -> None:
    assert question_index.match(question).entry_id == entry
    assert question_index.match("what counts as an undesirable pregnancy").entry_id is None
