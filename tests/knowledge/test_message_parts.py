"""A message telling the asker's situation before asking: the question is answered, not the
situation ("I was fined last spring. How long does it count?" asks about the period)."""

from __future__ import annotations

from bot.knowledge.index import QuestionIndex


def test_situation_before_the_question_is_read_with_it(question_index: QuestionIndex) -> None:
    cases = {
        "Вчера меня внесли в реестр иноагентов. Как теперь выйти из него?": "fa_removal",
        "I was fined under Article 19.34 last spring. How long does that fine count against me?":
            "penalty_period",
        "Мой друг иноагент. Я хочу ему задонатить. Это опасно?": "fa_donating",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text, "ru")
        assert (result.outcome, result.entry_id) == ("answer", entry_id), text
        # The situation is not offered as a question of its own.
        assert result.also == (), text


def test_two_questions_are_still_two(question_index: QuestionIndex) -> None:
    result = question_index.match("Что такое иноагент. Как проверить человека?", "ru")
    assert result.entry_id == "fa_definition"
    assert result.also == ("check_status",)


def test_situation_of_another_subject_stays_declined(question_index: QuestionIndex) -> None:
    for text in ("Я люблю собак. Как сварить борщ?",
                 "Мы переезжаем в Грузию. Как оформить визу для собаки?"):
        assert question_index.match(text, "ru").entry_id is None, text


def test_questions_joined_without_a_mark_are_answered_and_offered(
        question_index: QuestionIndex) -> None:
    """Two questions joined by a conjunction, a numbered list or "а если" (typed in Latin
    letters too): one is answered and the other offered, not lost in a blend of both."""
    cases = {
        "что такое нежелательная организация а если я репостну их статью то что будет":
            {"un_definition", "un_repost"},
        "chto takoe inoagent a esli menya vnesut to chto delat": {"fa_definition", "if_designated"},
        "1) как выйти из реестра иноагентов 2) какие отчёты сдавать":
            {"fa_removal", "fa_reporting"},
        "1) что такое иноагент 2) как проверить человека": {"fa_definition", "check_status"},
    }
    for text, entries in cases.items():
        result = question_index.match(text, "ru")
        assert result.outcome == "answer", text
        assert {result.entry_id, *result.also} == entries, text


def test_a_follow_up_on_the_same_subject_is_not_cut(question_index: QuestionIndex) -> None:
    """A clause with no subject of its own ("и чем это грозит") or an indirect question after
    a comma ("как узнать, есть ли ...") belongs to the question: nothing else is offered."""
    cases = {
        "можно ли репостить медузу и чем это грозит": "un_repost",
        "mozhno li repostit meduzu i chem grozit": "un_repost",
        "как узнать, есть ли человек в реестре иноагентов": "check_status",
        "I'm a foreign agent abroad, is it safe to fly back to Moscow": "return_to_russia",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text)
        assert (result.entry_id, result.also) == (entry_id, ()), text
