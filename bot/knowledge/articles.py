"""The articles of the codes and the federal laws the knowledge base's answers cite ("ст. 284.1
УК", "Article 20.33 CAO", "Law 255-FZ"), read from the answers when the index is built.

A question that names one of them ("284.1 uk skolko let", "штраф по 20.33", "закон 425-ФЗ")
is about the base's subject whatever its other words: an article's or a law's number is no
everyday word, and the answers cite only the statuses' laws. Read from the answers rather than
listed, so that an entry citing a new article or law makes its number evidence at once.
"""

from __future__ import annotations

import re
from collections import defaultdict

from bot.knowledge.model import KnowledgeBase
from bot.textnorm import tokens

# An article's number after the word for an article, or before a code's name, in either
# language: "ст. 20.33", "статьи 284.1", "Article 330.1", "19.34 КоАП", "282.3 CC".
_CITATION = re.compile(
    r"(?:\bст\.|\bстать\w*|\barticles?\b|\bart\.?)\s*(\d{1,3}\.\d{1,2})\b"
    r"|\b(\d{1,3}\.\d{1,2})\s*(?:ук|коап|упк|cc|cao|ccp)\b",
    re.IGNORECASE,
)


def cited_articles(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """Return each article number the answers cite, as the matcher's tokens write it, with
    the entries whose answers cite it."""
    cited: dict[str, set[str]] = defaultdict(set)
    for entry in kb.entries:
        for answer in entry.answer.values():
            for m in _CITATION.finditer(answer):
                for number in tokens(m.group(1) or m.group(2)):
                    cited[number].add(entry.id)
    return {number: frozenset(ids) for number, ids in cited.items()}


# A federal law's number with the law's mark after or before it, as answers and questions write
# it: "№ 255-ФЗ", "Law 255-FZ", "425 фз", "zakon 378-fz", "ФЗ-121".
_LAW = re.compile(r"\b(\d{2,3})\s*-?\s*(?:фз|fz)\b|\b(?:фз|fz)\s*-?\s*№?\s*(\d{2,3})\b",
                  re.IGNORECASE)


def cited_laws(kb: KnowledgeBase) -> dict[str, frozenset[str]]:
    """Return each federal law's number the answers cite with the entries whose answers cite
    it: "255" for every entry on Law 255-FZ, "425" for the tax entry alone."""
    cited: dict[str, set[str]] = defaultdict(set)
    for entry in kb.entries:
        for answer in entry.answer.values():
            for number in laws_named(answer):
                cited[number].add(entry.id)
    return {number: frozenset(ids) for number, ids in cited.items()}


def laws_named(text: str) -> set[str]:
    """Return the numbers of the federal laws `text` names with the law's mark ("255-ФЗ",
    "fz 425"): what ties a question to the entries citing that law (see `cited_laws`)."""
    return {m.group(1) or m.group(2) for m in _LAW.finditer(text)}


# "art" right before an article's number, with or without its dot ("art 284.1").
_ART_BEFORE_NUMBER = re.compile(r"\bart\b\.?(?=\s*\d{1,3}\.\d)", re.IGNORECASE)


def spell_out_article_word(text: str) -> str:
    """Return `text` with "art" before an article's number written out as "article".

    Before a number "art" is the article's abbreviation ("art 284.1 what is the sentence"),
    but read as a word it is painting, a word of another field that declined the question.
    """
    return _ART_BEFORE_NUMBER.sub("article", text)
