"""Where one question of a message ends and the next begins inside a sentence.

People join their questions without a question mark between them: "сколько штраф за репост и
чем это грозит", "where is the list, and can I share them", "а если меня внесут, то что
делать", "1) ... 2) ...", typed in Latin letters too ("i chem grozit", "a esli"). Read as one,
the words of both questions may pull the answer towards an entry between them. A new question
starts where, after a conjunction, a word opens a question: a question word, a modal ("можно",
"can"), or "если"/"if". A bare comma starts none: before "что" or "как" it opens a clause of
the same question ("кто решает, что организация нежелательная"), and before "можно ли" or "is
it" it usually ends the asker's situation ("I'm a foreign agent abroad, is it safe to fly
back"). The matcher looks for these breaks only inside a message its first split (question
marks, sentence ends, new lines; see message_parts) read as one question.
"""

from __future__ import annotations

import re

from bot.knowledge.message_parts import QUESTION_OPENERS
from bot.textnorm import tokens

# Words joining two questions, in Russian, English and Russian typed in Latin letters. "или" /
# "or" join alternatives of one question ("..., or is that risky for me?"), not a new one.
_JOINS = ("и", "а", "and", "i", "a")
# Words opening a question after a join: question words and modals (message_parts), more
# modals, "if", and the same typed in Latin letters (the pattern reads the text as typed).
_OPENERS = (
    *sorted(QUESTION_OPENERS),
    "какое", "могут", "могу", "может", "если", "есть ли", "правда ли", "будет ли", "if",
    "kak", "chto", "4to", "shto", "chem", "gde", "kogda", "skolko", "mozhno", "nuzhno", "nado",
    "kto", "pochemu", "zachem", "kakoy", "kakoi", "kakie", "kakaya", "mogut", "mogu", "mozhet",
    "esli", "stoit",
)


def _any(words: tuple[str, ...]) -> str:
    """Return a regex alternation of words, longest first so "есть ли" wins over "есть"."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(words, key=len, reverse=True))


# A word ends at a space or punctuation, not at a hyphen ("что-то" opens no question).
_END = r"(?![\w-])"

# A full stop ending a sentence, with what follows it. The full stop of an article's or a
# part's abbreviation before its number ends none: "Что грозит по ст. 284.1 УК?" was two
# questions, "Что грозит по ст" and "284.1 УК". Read case-insensitively.
_ABBREVIATED = ("ст", "ч", "п", "пп", "st", "ch", "art", "no", "nr", "pt")
SENTENCE_END = (r"(?:" + "".join(rf"(?<!\b{a})" for a in _ABBREVIATED) + r"\.\s+"
                r"|\.\s+(?!\d))")

# "also" / "а также" before a word opening a question: "..., also can I repost them". Before
# anything else it adds to the same question ("do individual foreign agents also have to
# report", "can a court also ban me", "иноагентам, а также нежелательным").
ALSO_ASKING = (r"\s(?:also|and also|plus|а также)[,:]?\s+"
               rf"(?=(?:{_any(_OPENERS)}){_END})")

CLAUSE_BREAK = re.compile(
    # "и ещё" / "ещё вопрос" opening a question, and "also" / "а также" before one.
    r"\s(?:и ещ[её]|а ещ[её]|ещё вопрос)[,\s]|" + ALSO_ASKING +
    # A numbered list: "1) ... 2) ...".
    r"|(?:^|\s)\(?\d{1,2}\)\s"
    # A join before a word opening a question ("и чем это грозит", "a esli").
    rf"|,?\s(?:{_any(_JOINS)})\s+(?=(?:{_any(_OPENERS)}){_END})",
    re.IGNORECASE)

# A contrastive "а" repeating a question word of its clause, and "and which" after a "which",
# ask one question about two things side by side: "какой список ведёт ФСБ, а какой Минюст",
# "кто решает про иноагентов, а кто про экстремистов", "which need a court and which don't".
# English "and" before another question word usually opens a second question ("what is it
# and what do I do"), so only "which" pairs there.
_PAIRING_JOINS = {"а": None, "a": None, "and": "which"}


def question_clauses(text: str) -> list[str]:
    """Return the questions a sentence joins without a mark (the pieces between CLAUSE_BREAK's
    breaks), keeping the second half of a correlative pair ("кто ..., а кто ...") with the
    first: it is the same question, and offering it as another told the asker that the
    message held several."""
    pieces: list[str] = []
    start = 0
    for m in CLAUSE_BREAK.finditer(text):
        join = m.group(0).strip(" ,").lower()
        opener = tokens(text[m.end():])[:1]
        if join in _PAIRING_JOINS and opener and _PAIRING_JOINS[join] in (None, opener[0]) \
                and opener[0] in tokens(text[start:m.start()]):
            continue
        pieces.append(text[start:m.start()])
        start = m.end()
    pieces.append(text[start:])
    return pieces
