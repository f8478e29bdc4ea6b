"""What a question asks about picks among neighbouring entries: who decides rather than what it
is, the prison term rather than the label, who can be designated rather than the bans."""

from __future__ import annotations

from bot.knowledge.index import QuestionIndex


def test_the_focus_of_the_question_picks_the_neighbour(question_index: QuestionIndex) -> None:
    cases = {
        "who declares foundations undesirable in russia": "un_who_decides",
        "how long a prison term for a foreign agent who skips the label":
            "fa_criminal_penalties",
        "can a retired teacher be named a foreign agent": "fa_who",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text, "en")
        assert (result.outcome, result.entry_id) == ("answer", entry_id), text


def test_asking_whether_a_court_decides_asks_who_designates(
        question_index: QuestionIndex) -> None:
    """Whether a court takes part is a question about who designates and how, not about
    checking a name or leaving the register."""
    cases = {
        "does minjust need a court to put a person on the foreign agent list": "fa_designation",
        "Is there a court hearing before a person gets onto the foreign-agent register?":
            "fa_designation",
        "Через суд вносят в реестр иноагентов или Минюст сам?": "fa_designation",
        "Можно ли признать организацию нежелательной без суда?": "un_who_decides",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", entry_id), text


def test_asking_how_many_years_asks_for_the_prison_term(
        question_index: QuestionIndex) -> None:
    """"How many years", "уголовка" (colloquial, typed in Latin letters too) ask for the
    criminal penalty."""
    for text in ("How many years can a foreign agent get for repeated violations?",
                 "inoagentu za povtornoe narushenie uzhe ugolovka?"):
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", "fa_criminal_penalties"), text


def test_the_list_a_question_names_keeps_its_entry(question_index: QuestionIndex) -> None:
    """"Who decides" is the focus of the undesirable organisations' entry, but a question
    about who declares an organisation extremist is about the extremist list."""
    for text in ("Кто решает, что организация экстремистская — Минюст или суд?",
                 "who decides an organisation is extremist, the ministry itself?"):
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", "extremist_list"), text
    # The undesirable list named, the same focus still finds its entry.
    assert question_index.match("who decides an organisation is undesirable",
                                "en").entry_id == "un_who_decides"


def test_two_entries_asked_the_same_way_are_told_apart_by_subject(
    question_index: QuestionIndex,
) -> None:
    assert question_index.match("что это значит: иноагент?", "ru").entry_id == "fa_definition"
    assert question_index.match("нежелательная организация, что это значит",
                                "ru").entry_id == "un_definition"


def test_a_focus_never_brings_another_subject_into_scope(question_index: QuestionIndex) -> None:
    for text in ("who decides the school timetable",
                 "how long is the prison term for shoplifting",
                 "что значит нежелательная беременность"):
        assert question_index.match(text, "en").entry_id is None, text


def test_the_kind_of_answer_reaches_a_fifth_close_neighbour(
    question_index: QuestionIndex,
) -> None:
    # "register", "foreign agent" and "if" pull towards removal and designation; finding out
    # whether someone is listed is checking a name.
    result = question_index.match(
        "how do I find out if a reporter is on the foreign agent register", "en")
    assert result.entry_id == "check_status"


def test_the_focus_is_read_in_latin_typed_russian(question_index: QuestionIndex) -> None:
    # "srok" asks for the prison term, not for what taking part is.
    result = question_index.match("kakoi srok za uchastie v nezhelatelnoi organizacii", "ru")
    assert result.entry_id == "un_criminal_penalties"


def test_asking_who_decides_for_each_list_asks_for_the_lists_compared(
        question_index: QuestionIndex) -> None:
    """"Кто решает" over every list asks for the lists side by side: the focus on who decides
    must not hand the question to the entry on one list's authority."""
    for text in ("кто вносит в каждый из этих реестров: минюст, генпрокуратура или суд?",
                 "Who puts organisations on each of these lists — a court or a ministry?"):
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", "lists_difference"), text
