"""What the knowledge base can tell about the words of a question that names an organisation.

Two questions the chat layer asks when a question names someone: which of its words the base
never uses (they may be a name typed in lower case or in Latin letters: "mediazonu",
"азову"), and whether what is left once the name is cut out only asks for the name's status
("radio svoboda nezhelatelnaya ili inoagent?", "is Meduza a foreign agent"). Both are read from
the base itself: its vocabulary, and the words its own entries use to name the lists.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from bot.knowledge.analyze import QUESTION_WORDS
from bot.textnorm import tokens

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex

# The entries whose titles and keywords name the lists and what one asks about a name on them:
# the differences between the four lists, and how to check someone's status. A question made
# of their words alone, once a listed name is cut out, asks for that name's status.
STATUS_ENTRY = "check_status"
_LIST_NAMING_ENTRIES = ("lists_difference", STATUS_ENTRY)
# A verb of being on a list the base does not use ("состоит", "числится"): one is allowed.
_MAX_UNKNOWN = 1


def unknown_words(index: QuestionIndex, text: str, lang: str | None = None) -> set[int]:
    """Return the positions (among `textnorm.tokens(text)`) of the meaningful words of text
    that the knowledge base never uses: the places where a name may stand, whatever its case.

    Latin-typed Russian is read back as the matcher reads it ("otkrytoj" is "открытой").
    """
    terms = index.analyzer.terms(text, lang, index.lexicon)
    return {t.at for t in terms if not index.knows(t.surface)}


@lru_cache(maxsize=4)
def _list_words(index: QuestionIndex) -> frozenset[str]:
    keys: set[str] = set()
    for entry_id in _LIST_NAMING_ENTRIES:
        entry = index.kb.get(entry_id)
        if entry is None:
            continue
        for lang in ("ru", "en"):
            texts = [entry.title.get(lang, ""), *entry.keywords.get(lang, ())]
            for text in texts:
                keys.update(t.key for t in index.analyzer.terms(text, lang))
    return frozenset(keys)


def status_entry(index: QuestionIndex, text: str, lang: str | None = None, *,
                 names: tuple[str, ...] = (), matched: str | None = None) -> str | None:
    """Return the entry answering "which lists is it on" when text (a question with its names
    cut out) asks nothing else, else None.

    Text asks only for a status when its meaningful words are question words and words the
    base uses to name the lists or the checking of a name, at least one of those, and at most
    one word the base never uses. Used only when a listed name anchors the question. When the
    entry the question `matched` is about one of the `names` itself (its title names it:
    "Amnesty International declared undesirable"), that entry says more and is kept.
    """
    if index.kb.get(STATUS_ENTRY) is None or _titled(index, matched, names):
        return None
    list_words = _list_words(index)
    named = unknown = 0
    for term in index.analyzer.terms(text, lang, index.lexicon):
        lemma = term.key.removeprefix("en:")
        if term.key in list_words:
            named += 1
        elif lemma in QUESTION_WORDS:
            continue
        elif not index.knows(term.surface):
            unknown += 1
        else:
            return None
    return STATUS_ENTRY if named and unknown <= _MAX_UNKNOWN else None


def _titled(index: QuestionIndex, entry_id: str | None, names: tuple[str, ...]) -> bool:
    """Return True when the entry's title, in either language, opens with a word of a name:
    the entry is about that organisation ("Amnesty International declared undesirable"), not
    one using it as an example ("Reposting ... (the Meduza example)")."""
    entry = index.kb.get(entry_id) if entry_id else None
    if entry is None:
        return False
    # A Latin name reads as English ("Golos" in the English title) or as Russian typed in
    # Latin letters ("голос"): either reading may open the title.
    keys = {t.key for name in names for t in index.analyzer.terms(name)}
    keys |= {k for name in names for w in tokens(name) if (k := index.analyzer.en_key(w))}
    for lang, text in entry.title.items():
        title = index.analyzer.terms(text, lang)
        if title and title[0].key in keys:
            return True
    return False
