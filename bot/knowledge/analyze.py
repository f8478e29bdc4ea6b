"""Turn question text into weighted terms: language guess, lemmas/stems, word specificity.

Russian words are lemmatised with pymorphy3 ("иноагентом" → "иноагент"), English words are
stemmed with Snowball ("designated" → "design"), and Russian typed in Latin letters is read back
into Cyrillic first. How specific a word is comes from wordfreq's general-language frequencies:
"иноагент" or "борщ" says far more about a question than "простыми словами".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import lemminflect
import pymorphy3
import pymorphy3_dicts_ru
import snowballstemmer

from bot.knowledge.frequency import zipf_frequency
from bot.knowledge.translit import readings, spell_digits
from bot.textnorm import is_cyrillic, latin_to_cyrillic, memo_when_short, tokens

if TYPE_CHECKING:
    from bot.knowledge.lexicon import Lexicon

# A reading that re-reads a letter of the table's reading must be this much more frequent
# (Zipf) per letter to win: "mojno" is «можно», but a word the table reads as a common word
# stays that word.
_REREAD_ZIPF = 1.0
# The Zipf value granted a Latin-typed word that only the Russian dictionary knows (a typical
# content word's): "pereslat ekstremistskij material v chat" is Russian, not English.
_UNLISTED_WORD_ZIPF = 3.0
_LONG_READING = 7
# A Russian loan in English text is read as Russian from this length: shorter Latin words
# that English does not use are as often typos, names or abbreviations.
_LONG_LOAN = 5
# ... and from this length when it spells a word of the base exactly (see `_russian_loan`).
_SHORT_LOAN = 4

# Parts of speech that carry no topic: prepositions, conjunctions, particles, interjections,
# pronouns (pymorphy3 tags, https://pymorphy2.readthedocs.io/en/stable/user/grammemes.html).
_RU_FUNCTION_POS = {"PREP", "CONJ", "PRCL", "INTJ", "NPRO"}
# Verb prefixes that make the other aspect of a verb ("за|регистрировать", "про|цитировать");
# longest first, and only stems of at least _MIN_BARE_STEM letters remain after cutting one.
_RU_VERB_PREFIXES = ("пере", "раз", "рас", "под", "при", "про", "за", "по", "от", "вы", "на", "с")
_MIN_BARE_STEM = 5
# Russian names a woman, a small thing or a fond one with a suffix on the noun ("активист|ка",
# "книж|ка" from "книга", "чат|ик"); the consonant before "-ка" alternates back ("ж" -> "г").
_ALTERNATIONS = {"ж": ("г", "з"), "ч": ("к", "ц", "т"), "ш": ("х", "с")}
_MIN_NOUN_BASE = 3
_RU_STOP = {"быть", "это", "мочь", "такой", "весь", "свой", "который", "ли", "бы", "же"}
# Words of the conversation, not of its subject: greetings, thanks, "please" and chat fillers
# ("плиз", "спс", "капец", "лол") the dictionary reads as nouns or does not know. Like its
# interjections and particles they say nothing about what is asked; read as content, each was
# a word the base never uses, evidence of another field ("just got listed as inoagent wtf do
# i do first" was declined). Matched as typed.
_RU_DISCOURSE = frozenset({
    "плиз", "плз", "пж", "пжлст", "пжлста", "спс", "лол", "капец", "ппц", "хелп", "привет",
    "приветик", "хай", "окей", "ок",
})
# The particles written after a hyphen that make a pronoun indefinite ("кого-нибудь",
# "где-либо"): the tokens split them off, and the dictionary does not know them alone.
_RU_POSTFIX_PARTICLES = frozenset({"нибудь", "либо"})
# Question words carry intent ("что такое" asks for a definition, "сколько" for an amount), so
# they stay as terms, with the lowest weight.
QUESTION_WORDS = frozenset(
    [
        "что", "кто", "как", "какой", "сколько", "когда", "где", "почему", "зачем", "можно",
        "нужно", "what", "who", "how", "when", "where", "why", "much", "many",
    ]
)
_EN_STOP = set(
    [
        "a", "an", "the", "and", "or", "but", "if", "of", "at", "by", "for", "with", "about",
        "against", "between", "into", "through", "during", "before", "after", "to", "from",
        "in", "out", "on", "off", "over", "under", "again", "then", "once", "here", "there",
        "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most",
        "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too",
        "very", "s", "t", "can", "will", "just", "don", "should", "now", "i", "me", "my", "we",
        "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them",
        "their", "what", "which", "who", "whom", "this", "that", "these", "those", "am", "is",
        "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
        "does", "did", "doing", "would", "could", "might", "must", "shall", "may", "get", "got",
        "let", "lets", "im", "i'm", "ive", "i've", "it's", "what's", "there's", "one",
        "someone", "something",
        # Words of the conversation, not of its subject (see _RU_DISCOURSE): greetings, thanks,
        # "please", interjections and chat fillers; English has no tagger here to drop them.
        "please", "thanks", "thank", "ty", "hi", "hello", "hey", "yo", "ok", "okay", "wtf",
        "lol", "lmao", "omg", "omfg", "btw", "fyi", "tbh", "imo", "imho", "idk", "afaik",
        "iirc", "ugh", "hmm", "hm", "um", "uh", "wow", "damn", "oh", "ah", "yeah", "yep",
        "yup", "nope", "guys", "folks", "sorry",
        # The negated auxiliaries of be, do and have say no more than their stop words; a
        # negated modal stays ("what can't a foreign agent do" asks what is forbidden).
        "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "hasn't",
        "haven't", "hadn't", "ain't",
    ]
)

# English clitics: "they're", "I've", "we'll", "I'd", "I'm" join a pronoun or auxiliary (a stop
# word) to a form of be/have/will/would: the word before the clitic is what counts. ("'s" is
# left to the stemmer, which drops it; a negated auxiliary is a word of its own: see _EN_STOP.)
_EN_CLITICS = ("'re", "'ve", "'ll", "'d", "'m")
# Contractions as people type them in chat, without the apostrophe ("cant", "dont", "theyre",
# "im"), read as written with it. Left out are those that spell another word: "ill", "id",
# "well", "wed", "were", "shell", "hell", "its"; and "whats", which the stemmer already reads as
# the question word "what" (measured: reading it as the stop word "what's" lost answers, and
# reading "what's" as "what" lost others).
_EN_BARE_CONTRACTIONS = {
    w.replace("'", ""): w for w in (
        "don't", "doesn't", "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't",
        "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "mustn't",
        "needn't", "shan't", "ain't", "i'm", "i've", "you're", "you've", "you'll", "you'd",
        "he's", "she's", "it'll", "we've", "they're", "they've", "they'll", "they'd", "that's",
        "there's", "who's", "where's", "here's", "how's", "it'd", "that'll",
    )
}
# Chat spellings of whole English words ("ppl", "govt", "pls", "u", "orgs"), read as the words.
_EN_CHAT_WORDS = {
    "u": "you", "ur": "your", "r": "are", "ppl": "people", "pls": "please", "plz": "please",
    "govt": "government", "gov": "government", "smth": "something", "sth": "something",
    "smb": "somebody", "bc": "because", "cuz": "because", "coz": "because", "abt": "about",
    "thx": "thanks", "w": "with", "org": "organization", "orgs": "organizations",
    "max": "maximum", "yrs": "years", "yr": "year", "info": "information", "pic": "picture",
    "pics": "pictures", "vid": "video", "vids": "videos", "msg": "message", "msgs": "messages",
    "wanna": "want", "gonna": "going",
}

# British and American spellings of one word ("organisation"/"organization",
# "criminalise"/"criminalize", "defence"/"defense", "behaviour"/"behavior", "centre"/"center"):
# the stemmer keeps them apart. An ending of the left column is read as the right one's when
# English uses that spelling too (at most _EN_VARIANT_ZIPF less often: "offenses" as well as
# "offences"), so both read as one word; words that only look alike stay as they are
# ("advertise": "advertize" is a hundred times rarer; "four" keeps too few letters).
_EN_SPELLINGS = (
    ("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"),
    ("ises", "izes"), ("ising", "izing"), ("iser", "izer"), ("isers", "izers"),
    ("ence", "ense"), ("ences", "enses"), ("our", "or"), ("ours", "ors"), ("oured", "ored"),
    ("ouring", "oring"),
    ("tre", "ter"), ("tres", "ters"),
)
# Letters that must stay before a replaced ending: "rise", "four" and "tour" are no variants.
_EN_SPELLING_STEM = 3
_EN_VARIANT_ZIPF = 1.0

_RU_OBLIQUE = frozenset({"gent", "gen2", "datv", "ablt", "loct", "loc2"})
_EN_PREPOSITIONS = frozenset([
    "of", "at", "by", "for", "with", "about", "in", "on", "from", "to", "into", "under",
    "between", "during", "without", "near",
])
# English words that open a noun phrase before its noun: articles, possessives, demonstratives.
_EN_DETERMINERS = frozenset([
    "a", "an", "the", "my", "our", "your", "his", "her", "its", "their", "this", "that",
    "these", "those",
])


@dataclass(frozen=True)
class Term:
    """One meaningful word of a text: its index key, its surface form and its weight."""

    key: str
    surface: str
    weight: float
    # The position of its word among the text's words (function words included), so that
    # what stands between two terms can be read (see bot.knowledge.phrase_sense).
    at: int = 0
    # True when the key is a thesaurus group member's the base uses instead of the word's own
    # (see bot.knowledge.thesaurus).
    synonym: bool = False


class Analyzer:
    """Lemmatises/stems text in Russian and English; one instance is shared (it is costly)."""

    def __init__(self) -> None:
        # The dictionary's path, given, spares pymorphy3 a scan of every installed package's
        # entry points on each start (and on each unpickling of a cached index).
        self._morph = pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_ru.get_path(), lang="ru")
        self._stemmers()

    def _stemmers(self) -> None:
        self._stem = snowballstemmer.stemmer("english")
        self._ru_stem = snowballstemmer.stemmer("russian")

    def __getstate__(self) -> dict[str, Any]:
        """Return the state to pickle with the index cache, without the stemmers: PyStemmer's
        C stemmers (used by snowballstemmer when installed) cannot be pickled."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_stem", "_ru_stem")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled analyser and make its stemmers afresh."""
        self.__dict__.update(state)
        self._stemmers()

    @lru_cache(maxsize=16384)  # noqa: B019 - one long-lived instance; the cache is the point
    def _parses(self, word: str) -> tuple[Any, ...]:
        """Return pymorphy3's readings of a word, most likely first, read once per word: the
        lemma, the part of speech and the case of one word are each asked for separately."""
        return tuple(self._morph.parse(word))

    @lru_cache(maxsize=65536)  # noqa: B019
    def ru_key(self, word: str) -> str | None:
        """Return the lemma of a Russian word, or None for a function word."""
        if word[0].isdigit() or word in QUESTION_WORDS:
            return word
        if word in _RU_POSTFIX_PARTICLES:
            return None
        parse = self._parses(word)[0]
        if parse.tag.POS in _RU_FUNCTION_POS:
            return None
        lemma = str(parse.normal_form).replace("ё", "е")
        return None if lemma in _RU_STOP or word in _RU_DISCOURSE else lemma

    @lru_cache(maxsize=65536)  # noqa: B019
    def en_word(self, word: str) -> str:
        """Return the English word a typed token stands for.

        A contraction typed without its apostrophe is read with it ("cant" is "can't"), a
        clitic goes ("they're" is "they", "who'd" is "who"), and chat spellings read as their
        words ("ppl", "govt"), possessive too ("an undesirable org's webinar"). Without this
        each was a rare word of its own to the matcher.
        """
        word = _EN_BARE_CONTRACTIONS.get(word, word)
        for clitic in _EN_CLITICS:
            if word.endswith(clitic) and len(word) > len(clitic):
                word = word[: -len(clitic)]
                break
        if word.endswith("'s") and word[:-2] in _EN_CHAT_WORDS:
            return _EN_CHAT_WORDS[word[:-2]] + "'s"
        return _EN_CHAT_WORDS.get(word, word)

    @lru_cache(maxsize=65536)  # noqa: B019
    def en_key(self, word: str) -> str | None:
        """Return the Snowball stem of an English word, or None for a stop word."""
        if word[0].isdigit():
            return word
        if word not in _EN_STOP:  # "i've", "it's": stop words as written
            word = self.en_word(word)
        if word in QUESTION_WORDS:
            return "en:" + word
        if word in _EN_STOP or len(word) < 2:
            return None
        return "en:" + str(self._stem.stemWord(self.en_spelling(self.en_verb(word))))

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_en_verb_form(self, word: str) -> bool:
        """Return True when an English word as written is only ever a form of a verb ("deems",
        "considers", "declared"), never a noun or an adjective: it predicates the word after
        it, it does not modify it ("Russia deems undesirable")."""
        lemmas = lemminflect.getAllLemmas(word)
        return bool(lemmas) and set(lemmas) <= {"VERB", "AUX"}

    @lru_cache(maxsize=65536)  # noqa: B019
    def en_verb(self, word: str) -> str:
        """Return the verb an irregular English verb form belongs to ("found" → "find", "paid"
        → "pay", "sent" → "send"), else the word.

        Snowball cuts suffixes and leaves irregular forms as they are, so "not found" shared
        its stem with "founded" ("who founded Meduza" asked about the bot) and "paid" never met
        "pay". A form English also uses as a noun or an adjective ("left", "thought", "set")
        stays as written: which it is depends on the sentence, not the word.
        """
        lemmas = lemminflect.getAllLemmas(word)
        if not lemmas or not set(lemmas) <= {"VERB", "AUX"}:
            return word
        return str((lemmas.get("VERB") or lemmas["AUX"])[0])

    @lru_cache(maxsize=65536)  # noqa: B019
    def en_spelling(self, word: str) -> str:
        """Return the American spelling of a word English also spells so (see _EN_SPELLINGS),
        else the word: "organisation" and "organization" then share their stem."""
        for british, american in _EN_SPELLINGS:
            if word.endswith(british) and len(word) - len(british) >= _EN_SPELLING_STEM:
                other = word[: -len(british)] + american
                if zipf_frequency(other, "en") >= zipf_frequency(word, "en") - _EN_VARIANT_ZIPF:
                    return other
        return word

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_adjective(self, lemma: str) -> bool:
        """Return True when a Russian lemma reads first as an adjective ("иностранный")."""
        return bool(is_cyrillic(lemma)) and self._parses(lemma)[0].tag.POS == "ADJF"

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_relational(self, lemma: str) -> bool:
        """Return True when a Russian lemma reads first as a relational adjective, one saying
        what a thing belongs to ("грузинский", "медицинский"), not what it is like ("новый",
        "свежий": qualitative)."""
        if not is_cyrillic(lemma):
            return False
        tag = self._parses(lemma)[0].tag
        return tag.POS == "ADJF" and "Qual" not in tag

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_comparative(self, word: str) -> bool:
        """Return True when a Russian word as written (in either alphabet) reads first as a
        comparative ("хуже", "опаснее"): it compares, it does not modify the noun after it."""
        if not is_cyrillic(word):
            word = latin_to_cyrillic(word)
        return self._parses(word)[0].tag.POS == "COMP"

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_determiner(self, word: str, lang: str) -> bool:
        """Return True when a word of `lang` opens a noun phrase before its noun: an article, a
        possessive or a demonstrative ("my", "the"; "моему", "этот", in either alphabet)."""
        if lang == "en":
            return word in _EN_DETERMINERS
        if not is_cyrillic(word):
            word = latin_to_cyrillic(word)
        return "Apro" in self._parses(word)[0].tag

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_preposition(self, word: str, lang: str) -> bool:
        """Return True when a word of `lang` ("en", or "ru" in either alphabet) is a
        preposition: "по", "po", "for"."""
        if lang == "en":
            return word in _EN_PREPOSITIONS
        if not is_cyrillic(word):
            word = latin_to_cyrillic(word)
        return self._parses(word)[0].tag.POS == "PREP"

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_oblique(self, word: str) -> bool:
        """Return True when a Russian word (in either alphabet) reads first in a case that
        makes it depend on another word: genitive, dative, instrumental, prepositional
        ("иноагента", "иноагенту")."""
        if not is_cyrillic(word):
            word = latin_to_cyrillic(word)
        return self._parses(word)[0].tag.case in _RU_OBLIQUE

    def grammemes(self, word: str) -> frozenset[str]:
        """Return the grammemes of a Russian word's likeliest reading ("anim", "Geox", ...), so
        that other modules read pymorphy3's tags without parsing the word again."""
        return frozenset(self._parses(word)[0].tag.grammemes) if word else frozenset()

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_verb(self, lemma: str) -> bool:
        """Return True when a Russian lemma reads first as a verb ("переслать")."""
        return bool(is_cyrillic(lemma)) and self._parses(lemma)[0].tag.POS in {"VERB", "INFN"}

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_second_person(self, word: str) -> bool:
        """Return True for a Russian verb form addressing someone ("умеешь", "храните")."""
        return bool(is_cyrillic(word)) and any(
            "2per" in p.tag and p.tag.POS in {"VERB", "INFN"} for p in self._parses(word)[:1])

    @lru_cache(maxsize=65536)  # noqa: B019
    def ru_stems(self, lemma: str) -> tuple[str, ...]:
        """Return the Snowball stem of a Russian lemma, and that stem without a verb prefix.

        Forms of one word that the dictionary gives different lemmas share them: a verb and
        its reflexive ("регистрировать", "регистрироваться"), the two aspects
        ("зарегистрировать"), a verb and its noun in "-ние".
        """
        stem = str(self._ru_stem.stemWord(lemma))
        for prefix in _RU_VERB_PREFIXES:
            if stem.startswith(prefix) and len(stem) - len(prefix) >= _MIN_BARE_STEM:
                return stem, stem[len(prefix):]
        return (stem,)

    @lru_cache(maxsize=65536)  # noqa: B019
    def ru_noun_bases(self, lemma: str) -> tuple[str, ...]:
        """Return the nouns a Russian noun may be a feminine or diminutive form of.

        The dictionary gives "активистка", "книжка" and "чатик" lemmas of their own, so neither
        their lemma nor their stem meets the base's "активист", "книга" and "чат"; the caller
        keeps only the candidates the base uses. A woman is named after a person ("активист",
        not "строй" in "стройка"), a small thing after a thing ("чат", not "муж" in "мужик").
        """
        out: list[str] = []
        if lemma.endswith(("очка", "ечка")):
            out.append(lemma[:-4] + "ка")
        if lemma.endswith("ка") and len(lemma) - 2 >= _MIN_NOUN_BASE:
            if self._is_animate(lemma[:-2]) is not False:
                out.append(lemma[:-2])
            out += [lemma[:-3] + alt + "а" for alt in _ALTERNATIONS.get(lemma[-3], ())]
        elif (lemma.endswith("ик") and not lemma.endswith("чик")
              and len(lemma) - 2 >= _MIN_NOUN_BASE and self._is_animate(lemma[:-2]) is False):
            out.append(lemma[:-2])
        return tuple(out)

    def _is_animate(self, noun: str) -> bool | None:
        """Return whether the dictionary reads `noun` as a living being's name; None when it
        does not know the word ("иноагент") or reads it as no noun."""
        if not self.is_known_ru(noun):
            return None
        tag = self._parses(noun)[0].tag
        return None if tag.POS != "NOUN" else "anim" in tag

    def is_known_ru(self, word: str) -> bool:
        """Return True when the Russian dictionary knows word (else pymorphy3 only guesses)."""
        return bool(self._morph.word_is_known(word))

    def translit_word(self, word: str) -> str:
        """Return the Cyrillic reading of a translit word that the dictionary knows, if any.

        People typing Russian in Latin letters use several schemes at once and drop ь
        ("sdelat", "skolko", "mojno", "xochu"): of the readings the schemes allow (see
        `translit.readings`), the dictionary's words compete by how common they are in
        Russian, each re-read letter costing _REREAD_ZIPF; the table's reading stands when
        none is a word.
        """
        return self._translit(word)[0]

    @lru_cache(maxsize=65536)  # noqa: B019
    def _translit(self, word: str) -> tuple[str, int]:
        """Return `translit_word(word)` and how many letters it reads otherwise than the table."""
        best: tuple[float, str, int] | None = None
        for candidate, changes in readings(word):
            if candidate in _RU_POSTFIX_PARTICLES or self._morph.word_is_known(candidate):
                score = zipf_frequency(candidate, "ru", wordlist="small") - _REREAD_ZIPF * changes
                if best is None or score > best[0]:
                    best = (score, candidate, changes)
        return (best[1], best[2]) if best is not None else (latin_to_cyrillic(word), 0)

    def latin_language(self, words: list[str]) -> str:
        """Return "ru" when Latin-script words read better as transliterated Russian than English.

        Compares each word's general frequency in English with that of its Cyrillic reading in
        Russian: "chto budet za repost" is common Russian and rare English.
        """
        en = ru = 0.0
        for w in words:
            if w[0].isdigit():
                continue
            english, russian = self._latin_scores(w)
            en += english
            ru += russian
        return "ru" if ru > en else "en"

    # A question's words are weighed again for each part and clause it is read in, and the
    # same words recur across questions: a word's two frequencies are computed once.
    @lru_cache(maxsize=65536)  # noqa: B019
    def _latin_scores(self, w: str) -> tuple[float, float]:
        """Return how common a Latin word is in English and its Cyrillic reading in Russian
        (Zipf), as `latin_language` weighs them."""
        english = zipf_frequency(w, "en", wordlist="small")
        reading = self._translit(w)[0]
        russian = zipf_frequency(reading, "ru", wordlist="small")
        # A word English does not use whose reading the Russian dictionary knows is Russian
        # even when too rare for the small word list ("pereslat", "ekstremistskij").
        if not english and not russian and self._reads_as_russian_word(w):
            russian = _UNLISTED_WORD_ZIPF
        return english, russian

    @memo_when_short(4096)  # one chat answer asks it of a text several times
    def detect_language(self, text: str) -> str:
        """Return "ru" or "en": the language a question is written in (translit counts as ru)."""
        words = tokens(text)
        cyr = sum(1 for w in words if is_cyrillic(w))
        lat = [w for w in words if not is_cyrillic(w) and not w[0].isdigit()]
        if cyr >= len(lat):
            return "ru"
        return self.latin_language(lat)

    def read_translit(self, word: str, lexicon: Lexicon | None) -> str:
        """Return the Cyrillic word a Latin-typed Russian word stands for.

        A word form of the knowledge base with the same phonetic skeleton wins; then the
        table reading if it is a real word; then the base's nearest word form. Schemes differ
        ("nejelatelnoi", "nezhelatelnoj"), and no single table reads them all.
        """
        read = lexicon.read_latin(word) if lexicon is not None else None
        if read is not None and read[1]:
            return read[0]
        cyr = self.translit_word(word)
        if read is None or self._morph.word_is_known(cyr):
            return cyr
        return read[0]

    def _base_latin_word(self, word: str, lexicon: Lexicon | None) -> bool:
        """Return True when a Latin word in Latin-typed Russian is one the knowledge base
        writes in Latin letters itself ("DOXA", "Meduza") and no Russian word: read as
        Cyrillic («докса») it would be a word nobody uses."""
        if lexicon is None or lexicon.key(word) is None:
            return False
        read = lexicon.read_latin(word)
        return not (read is not None and read[1]) and not self.is_known_ru(self.translit_word(word))

    def _reads_as_russian_word(self, word: str) -> bool:
        """Return True when a Latin word's Cyrillic reading is a word the Russian dictionary
        knows, and not a short rare word only another scheme's letters make of it ("DOXA" is
        no «доха»): short words have many rare neighbours a letter or two away, long ones few."""
        reading, changes = self._translit(word)
        return self.is_known_ru(reading) and (not changes or len(reading) >= _LONG_READING)

    # Asked of every Latin word of an English question, for each part it is read in.
    @lru_cache(maxsize=65536)  # noqa: B019
    def _russian_loan(self, word: str, lexicon: Lexicon | None) -> bool:
        """Return True when a Latin word in English text is a Russian word typed in Latin
        letters: one English does not use whose reading is a long Russian word (the
        dictionary's or, exactly, the base's). People writing English about Russian law
        keep its Russian terms ("is reposting an inoagent fined", "nezhelatelnaya org"); read
        as English they would be words of their own, apart from everything the base asks
        with the same word in Russian."""
        if len(word) < _SHORT_LOAN or zipf_frequency(word, "en", wordlist="large"):
            return False
        read = lexicon.read_latin(word) if lexicon is not None else None
        if len(word) < _LONG_LOAN:
            # A short one only where it spells exactly a word of the base ("koap" for КоАП):
            # a word English never uses that the base writes in Cyrillic is that word.
            return read is not None and read[1] and is_cyrillic(read[0])
        if self._reads_as_russian_word(word):
            return True
        return read is not None and read[1]

    def words(self, text: str) -> list[str]:
        """Return the words of text as `terms` reads them (digits standing for letters read
        as letters); a term's `at` indexes this list."""
        return tokens(spell_digits(text))

    def terms(
        self, text: str, lang_hint: str | None = None, lexicon: Lexicon | None = None
    ) -> list[Term]:
        """Return the meaningful terms of text with specificity weights, in order.

        Latin words are read back into Cyrillic when they read better as Russian than as
        English (with the help of the knowledge base's own words when `lexicon` is given);
        Latin words in Russian text (names such as Meduza, Amnesty) stay English otherwise.
        `lang_hint` never changes the reading: Latin words that read as Russian make the text
        Russian too, whatever it was taken for. A fresh list each call: callers may change
        theirs.
        """
        if lexicon is not None and all(is_cyrillic(w) or w[0].isdigit() for w in tokens(text)):
            lexicon = None  # it only reads Latin words: one analysis serves callers with or without
        return list(self._analysed(text, lexicon))

    # One chat answer analyses a question's words again and again (splitting, matching, names);
    # a lexicon reads Latin words only once frozen, as `Lexicon.read_latin` already assumes, so
    # its identity is a safe part of the key.
    @memo_when_short(8192)
    def _analysed(self, text: str, lexicon: Lexicon | None) -> tuple[Term, ...]:
        """Return `terms(text, lexicon=lexicon)` as a tuple."""
        text = spell_digits(text)
        words = tokens(text)
        latin = [w for w in words if not is_cyrillic(w)]
        translit = bool(latin) and self.latin_language(latin) == "ru"
        out: list[Term] = []
        for at, w in enumerate(words):
            if is_cyrillic(w):
                key, lang, surface = self.ru_key(w), "ru", w
            elif (not w[0].isdigit() and (translit or self._russian_loan(w, lexicon))
                  and not self._base_latin_word(w, lexicon)):
                surface = self.read_translit(w, lexicon)
                key, lang = self.ru_key(surface), "ru"
            else:
                key, lang, surface = self.en_key(w), "en", self.en_word(w)
            if key is not None:
                lemma = key.removeprefix("en:")
                weight = min(specificity(surface, lang), specificity(lemma, lang))
                if lemma in QUESTION_WORDS:
                    weight = 1.0
                out.append(Term(key, surface, weight, at))
        return tuple(out)


@lru_cache(maxsize=1)
def shared_analyzer() -> Analyzer:
    """Return the process's one Analyzer: loading the dictionary takes a tenth of a second, and
    validating the thesaurus and building the index both need it."""
    return Analyzer()


@lru_cache(maxsize=65536)
def specificity(word: str, lang: str) -> float:
    """Return how much a word says about a topic: 1 for everyday words up to 6 for rare ones.

    Zipf 7 is "the"; 3 is a word a reader meets a few times a month; unknown words get 0.
    """
    if word in QUESTION_WORDS:
        return 1.0
    if word[0].isdigit():
        # Article numbers (20.33, 330.1) pin a question down; plain amounts (500) do not.
        return 5.0 if "." in word else 2.0
    return min(6.0, max(1.0, 7.0 - zipf_frequency(word, lang, wordlist="small")))
