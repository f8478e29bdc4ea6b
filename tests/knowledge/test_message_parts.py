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


def test_the_scene_ends_where_the_question_begins() -> None:
    """The statements before a question are its scene; a message opening with its question,
    or telling without asking, has none."""
    from bot.knowledge.index import _QUESTION_BREAK
    from bot.knowledge.message_parts import scene_end

    told = "Учредителя нашего издания внесли в реестр. "
    assert scene_end(told + "Надо ли это отражать в выходных данных?", _QUESTION_BREAK) == len(
        told)
    told = "Our firm is about to hire a developer listed as a foreign agent. "
    assert scene_end(told + "Any legal problems for the firm?", _QUESTION_BREAK) == len(told)
    assert scene_end("Что такое иноагент? Меня внесли в реестр.", _QUESTION_BREAK) == 0
    assert scene_end("Меня внесли в реестр. Директор в панике.", _QUESTION_BREAK) == 0


def test_the_question_sentence_outweighs_the_scene(question_index: QuestionIndex) -> None:
    """The words of the situation told first weigh less than the question's own: hiring a
    listed designer asks about dealing with a foreign agent, not who can be designated; the
    situation still keeps the question in scope."""
    cases = {
        "Our firm is about to hire a developer listed as a foreign agent. Are there legal "
        "problems for the firm?": "fa_interaction",
        "Статью написали месяц назад, а публикуем только завтра. На какую дату проверять, "
        "иноагент ли наш спикер?": "fa_media_mention",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", entry_id), text


def test_an_abbreviated_article_is_not_a_sentence_end(question_index: QuestionIndex) -> None:
    # "ст." before the number read as a full stop: "Что грозит по ст" and "284.1 УК" were two
    # questions, and the first, naming no article, got the foreign agents' criminal article.
    for text, lang in (("Что грозит по ст. 284.1 УК?", "ru"),
                       ("ch. 3 st. 284.1 skolko let?", "ru"),
                       ("What do the parts of art. 284.1 of the Criminal Code say?", "en")):
        result = question_index.match(text, lang)
        assert (result.outcome, result.entry_id) == ("answer", "un_criminal_penalties"), text
        assert result.also_asked == (), text


def test_a_full_stop_before_a_number_still_ends_a_sentence(
        question_index: QuestionIndex) -> None:
    # Only an article's or a part's abbreviation keeps its number: "2 года" opens a sentence.
    import re

    from bot.knowledge.question_breaks import SENTENCE_END
    assert re.split(SENTENCE_END, "Я журналист. 2 года пишу для Медузы.") == [
        "Я журналист", "2 года пишу для Медузы."]
    assert re.split(SENTENCE_END, "Что грозит по ст. 284.1 УК?") == [
        "Что грозит по ст. 284.1 УК?"]
    # The message's two questions are both found: the first one's scene is told in two
    # sentences, and the second question is offered. (Which entry the scene and its question
    # read as together, the definition or the media's duty for a Meduza journalist, is the
    # ranker's call, refitted each session.)
    result = question_index.match("Я журналист. 2 года пишу для Медузы. Что такое иноагент? "
                                  "Как проверить человека?", "ru")
    assert result.entry_id in ("fa_definition", "fa_media_mention")
    assert result.also == ("check_status",)
