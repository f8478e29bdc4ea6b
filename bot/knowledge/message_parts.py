"""The questions of a message, each with the statements that set its scene.

People often tell their situation first and ask after it: "Меня внесли в реестр полгода назад.
Можно уже подавать заявление на исключение?", "I paid my 20.33 fine in March. When do I stop
counting as penalised?". The statement alone names a neighbouring subject (the designation,
the fine) and the question alone may name none; together they ask one question. So a sentence
that is not a question, followed by one, is read with it rather than as a question of its own.
A message without a question mark, or whose sentences all ask, is split as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.textnorm import is_cyrillic, latin_to_cyrillic, tokens

# Words that open a question, in Russian and English (question words and modals); the
# clause breaks between joined questions (question_breaks) start at them too.
QUESTION_OPENERS = frozenset({
    "как", "что", "где", "когда", "сколько", "можно", "нужно", "надо", "кто", "почему",
    "зачем", "какой", "какая", "какие", "каков", "куда", "стоит", "чем",
    "how", "what", "where", "when", "who", "why", "which", "can", "could", "should",
    "is", "are", "do", "does", "did", "will", "would", "may", "must",
})
# Words that open a question, or mark one inside a sentence ("могу ли я", "is it"), in Russian,
# English and Russian typed in Latin letters (read back in Cyrillic).
_ASKING = QUESTION_OPENERS | {"чего", "ли", "разве", "whom", "am"}


def asks(sentence: str) -> bool:
    """Return True when a sentence reads as a question though it has no question mark: it
    opens with a question word, or holds "ли"."""
    words = tokens(sentence)
    if not words:
        return False
    first = words[0] if is_cyrillic(words[0]) or words[0] in _ASKING else latin_to_cyrillic(
        words[0])
    return first in _ASKING or any(
        (w if is_cyrillic(w) else latin_to_cyrillic(w)) == "ли" for w in words)


def piece_asks(text: str, piece: str) -> bool:
    """Return True when a piece of a message (`piece`, as split from `text`) asks a question:
    it reads as one (see `asks`) or a question mark closes it in the message ("Медиазона
    иноагент?"; a statement read with its question, "Я журналист. Что такое иноагент?")."""
    at = text.find(piece)
    return asks(piece) or (at >= 0 and text[at + len(piece):].lstrip()[:1] == "?")


def _pieces(text: str, breaks: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """Yield each piece of text between breaks with the break that ends it ("" at the end)."""
    start = 0
    for m in breaks.finditer(text):
        yield text[start:m.start()], m.group(0)
        start = m.end()
    yield text[start:], ""


def questions(text: str, breaks: re.Pattern[str]) -> list[str]:
    """Return the questions of a message, split at `breaks`, each statement joined to the
    question after it (see the module's docstring).

    A piece is a statement when a sentence end (a full stop, a new line) closes it, not a
    question mark, a semicolon or a word opening another question, in a message that asks
    with a question mark, and it does not read as a question itself.
    """
    marked = "?" in text
    parts: list[str] = []
    scene = ""
    for piece, end in _pieces(text, breaks):
        if not piece.strip():
            continue
        # A full stop or a new line, not "?", ";" or a word opening another question.
        sentence_end = bool(end) and not end.strip(" \t\r\n.")
        if marked and sentence_end and not asks(piece):
            scene += piece + ". "
            continue
        parts.append(scene + piece)
        scene = ""
    if scene:
        parts.append(scene)
    return parts


def scene_end(text: str, breaks: re.Pattern[str]) -> int:
    """Return where the statements setting a question's scene end in text (a character
    offset), 0 when the text opens with its question.

    "Учредителя нашего издания внесли в реестр. Надо ли это отражать в выходных данных?": the
    statement tells the situation, the question sentence what the asker wants to learn. The
    matcher weighs the scene's words less (see the index's ranking), so the entry of the
    situation ("just designated") does not outweigh the entry of the question. The scene is
    the statements (pieces closed by a sentence end that do not read as questions) before a
    piece that asks, or before the last piece of a message asking with a question mark.
    """
    end = 0
    pieces = list(_pieces(text, breaks))
    told = 0  # pieces of the scene (blank ones included)
    for piece, brk in pieces:
        sentence_end = bool(brk) and not brk.strip(" \t\r\n.")
        if piece.strip() and (not sentence_end or asks(piece)):
            break
        end += len(piece) + len(brk)
        told += 1
    rest = [p for p, _ in pieces[told:] if p.strip()]
    if end and rest and ("?" in text or any(asks(p) for p in rest)):
        return end
    return 0
