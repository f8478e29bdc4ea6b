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
