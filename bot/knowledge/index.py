"""Match a free-text question to the best knowledge entry, or decline when unsure.

Scoring, per entry, blends two views of the same weighted terms:
- association: for each query term, how much this entry (of all entries) is *about* it, from
  term frequencies over title, example questions, keywords and answer;
- nearest example: weighted overlap between the query and the entry's closest example question.
Each term is weighted by its specificity (wordfreq) times how well it tells entries apart (idf),
so "иноагент" routes the question to the domain and "маркировка" picks the entry. Words the
base has never seen (typos aside, which rapidfuzz repairs) lower the domain coverage; a question
mostly made of them ("как сварить борщ") is off-topic and gets no answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from bot.knowledge import calibration, ranker
from bot.knowledge.analyze import Analyzer, Term, shared_analyzer, specificity
from bot.knowledge.articles import cited_articles, cited_laws, laws_named, spell_out_article_word
from bot.knowledge.focus import by_focus, focus_reading
from bot.knowledge.frequency import zipf_frequency
from bot.knowledge.intents import INTENTS, asked_intents, asked_share
from bot.knowledge.lexicon import Lexicon
from bot.knowledge.message_parts import piece_asks, questions, scene_end
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.phrase_sense import surroundings, unit_words
from bot.knowledge.question_breaks import ALSO_ASKING, SENTENCE_END, question_clauses
from bot.knowledge.role import role_reading
from bot.knowledge.scope import (
    entry_word_pairs,
    follows_other_field,
    holds_word_pair,
    keyword_phrases,
    names_keyword_phrase,
    names_this_bot,
    phrase_initials,
    spell_out_initials,
    status_phrases,
)
from bot.knowledge.setting import SettingWords, earliest_year, names_era_before
from bot.knowledge.thesaurus import Thesaurus
from bot.textnorm import is_cyrillic, latin_to_cyrillic, tokens

# Decides whether a question no rule anchors is in scope, from its features (see calibration).
Admit = Callable[[Sequence[float]], bool]

# Calibrated on the development set (see `riskguide kb eval`); the README explains how.
ANSWER_THRESHOLD = 0.30
MIN_COVERAGE = 0.55
# Domain anchors: words at least this much more frequent in the base than in general language
# (difference of Zipf values), used by the base at least MIN_ANCHOR_COUNT times.
ANCHOR_CONTRAST = 2.7
MIN_ANCHOR_COUNT = 3
# A word the base's own questions use alone (without a broader subject word) less often than
# this, over at least DEPENDENT_EVIDENCE questions, is an action word ("репост", "донат"): it
# anchors nothing by itself.
DEPENDENT_SHARE = 0.4
PARTNER_SHARE = 0.5
DEPENDENT_EVIDENCE = 8
# A word spread over at least this share of the entries is the subject itself ("минюст",
# "реестр"), never an action word, however often the base's questions pair it with another.
SUBJECT_SPREAD = 1 / 3
# An unknown word at least this rare in general language ("собака" is 2.5, "instagram" 2.7)
# that the base never uses is evidence of another subject.
FOREIGN_SPECIFICITY = 2.4
FOREIGN_PENALTY = 0.8
# Words of the general language the base never uses, at least this specific ("dog", "weather",
# "игра"), point to another subject; when they outweigh the anchoring words, the anchor is read
# in its everyday sense ("undesirable behaviour in my dog", "extremist weather"). Rarer words
# (below Zipf 3: names, coinages, typos) tell nothing about the subject.
OTHER_SUBJECT_MIN = 1.5
# "бот"/"bot" anchors a question only when it is about this bot: "ты", "этот бот", "you".
_BOT_TERMS = frozenset({"бот", "en:bot"})
_ADDRESSEE = frozenset({
    "ты", "тебя", "тебе", "тобой", "вы", "вас", "вам", "вами", "твой", "твои", "ваш", "ваши",
    "этот", "этого", "этому", "этим", "you", "your", "this",
})
# Addressing someone without naming the bot: a question to "you" is about this bot only when
# it is closest to the entry about the bot ("что ты умеешь", "do you keep my messages?").
_SECOND_PERSON = frozenset({
    "ты", "тебя", "тебе", "тобой", "вы", "вас", "вам", "вами", "твой", "твои", "ваш", "ваши",
    "you", "your", "yours",
})
# A phrase that anchors a question needs a word, other than an action word, that the base uses
# this much more often than general language (see `_domain_pair`).
PAIR_CONTRAST = 1.7
COLLOCATION_SHARE = 0.7
# A stump compound cuts its first word to two to five letters ("юр|лицо", "ино|агент").
_STUMP_MIN = 2
_STUMP_MAX = 5
_COMPOUND_MAX_ZIPF = 2.5
# The entries' word distributions (see `_likelihoods`): additive smoothing, the softmax's
# temperature and the posterior's share of the score, calibrated on the development sets.
_SMOOTHING = 0.5
_TEMPERATURE = 1.0
_POSTERIOR_SHARE = 0.3
# The nearest example's share of the rest of the score (the association has the remainder).
_NEAREST_SHARE = 0.5
# The most one word of a question weighs in the posterior (specificity runs 1 to 6): chosen by
# the leave-one-out measure (`riskguide kb eval --leave-one-out`), see the README.
_EVIDENCE_CAP = 2.0
TYPO_MIN_SPECIFICITY = 4.0
# A question this close to one of the base's example questions (weighted Dice), or scoring
# CONFIDENT_SCOPE for one entry, with this share of its words known, is in scope without a
# domain word.
EXAMPLE_SCOPE = 0.85
EXAMPLE_COVERAGE = 0.95
CONFIDENT_SCOPE = 0.75
# A question to "you" goes to the entry about the bot when it scores at least this share of
# the best entry's score.
BOT_SHARE = 0.5
# A word coined from a domain word of at least _DERIVED_STEM letters by a suffix of at most
# _SUFFIX_MAX letters ("иноагент|ство") reads as that word, with this confidence.
_DERIVED_STEM = 5
_SUFFIX_MAX = 5
DERIVED_CONFIDENCE = 0.8
# An entry citing an article the question names comes first from among this many best, when it
# scores at least this share of the best (see `_by_article`).
ARTICLE_TOP = 4
ARTICLE_SHARE = 0.5
# A law the answers of more entries than this cite is a status's general law ("255-ФЗ"): naming
# it says what the question is about, not which of its topics (see `_by_article`).
LAW_TOPIC_ENTRIES = 2
# A clipped domain word keeps at least this many of its letters and adds at most _CLIPPED_REST
# ("иноаг|у", "нежела|лка").
_CLIPPED_STEM = 5
_CLIPPED_REST = 3
# A word sharing its stem with a word of the base (another aspect, the reflexive, the noun in
# "-ние") reads as that word, with this confidence.
RELATED_CONFIDENCE = 0.9
_SATURATION = 1.5
# The words of the statements setting a question's scene ("Вчера нас внесли в реестр. Какие
# отчёты сдавать?") weigh this share of the question sentence's words in the ranking: the
# situation keeps the question in scope, the question chooses among the entries.
SCENE_WEIGHT = 0.7
# Where one question ends and another begins: "?", ";", a new line or a sentence end, "и ещё"
# opening a second question, and "also" / "а также" before a word opening one.
# "and" before a question word opens one too ("кто такие иноагенты и как проверить человека",
# typed in Latin letters or not).
_QUESTION_BREAK = re.compile(
    r"[?;\n]+|" + SENTENCE_END + r"|\s(?:и ещ[её]|а ещ[её]|ещё вопрос)\s|" + ALSO_ASKING +
    # A numbered list ("1) ... 2) ..."): the asker marked the questions apart.
    r"|(?:^|\s)\(?\d{1,2}\)\s"
    r"|,?\s(?:и|а|and|i|a)\s+(?=(?:как|что|где|когда|сколько|можно|нужно|кто|почему|зачем"
    r"|how|what|where|when|who|why|can|kak|chto|4to|gde|kogda|skolko|mozhno|nuzhno|kto)\b)",
    re.IGNORECASE)
# One word in quotation marks: «нежелательным», "undesirable".
_QUOTED_WORD = re.compile(r"[«\"“'‘]\s*([^\W\d_]+)\s*[»\"”'’]")
# The entry giving the kind of answer a question asks for (see `_by_intent`) must be among
# this many best and score this share of the best.
INTENT_TOP = 5
INTENT_SHARE = 0.5
# The best entry keeps its place when at least this share of its own asked texts ask the way
# the question does (see `intents.asked_share`).
INTENT_OWN_SHARE = 0.1
# A phrase of two content words that at most TITLE_PHRASE_SPREAD entries' titles hold names the
# subject of those entries: the best of them among the TITLE_TOP best entries, scoring at least
# TITLE_SHARE of the best, takes the first place (see `_by_title`).
TITLE_PHRASE_SPREAD = 2
TITLE_PHRASE_SHARE = 0.75
TITLE_TOP = 4
TITLE_SHARE = 0.65
# A word the titles of at least this many entries use names a family of them (see
# `_family_words`).
FAMILY_TITLES = 3
KEYWORD_ANCHOR_SPECIFICITY = 4.0
# A thesaurus synonym anchors a question only if it is at least this rare in general language:
# "выехать" means emigrating only in this domain's questions, "релоцироваться" everywhere.
SYNONYM_ANCHOR_SPECIFICITY = 4.0
KEYWORD_ANCHOR_SPREAD = 2
# A word of one entry's title alone, which at most TITLE_WORD_SPREAD entries use anywhere and
# the base uses this much more than general language ("обыск", "задержание", "символика"),
# shows that entry's topic in a question holding no word of another field. Chosen on the dev
# sets and leave-one-out; "register" (22 entries) or "НДФЛ" (4) show nothing.
TITLE_WORD_CONTRAST = 1.7
TITLE_WORD_SPREAD = 3
_FIELD_WEIGHTS = {"keywords": 3.0, "title": 2.0, "questions": 1.0, "answer": 0.4}
# The two kinds of text a word's contrast is measured in (see `_contrasts`).
_CONTRAST_FIELD = {"keywords": "prose", "title": "prose", "questions": "questions",
                   "answer": "prose"}


def _chain_end(aliases: dict[str, str], key: str) -> str:
    """Return where a chain of typo aliases starting at `key` ends (the first key seen again
    ends a cycle, which the "three times as often" rule should make impossible)."""
    seen = {key}
    while key in aliases and aliases[key] not in seen:
        key = aliases[key]
        seen.add(key)
    return key


@dataclass(frozen=True)
class Scored:
    """One candidate entry and its score in [0, 1]."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The outcome of matching one question.

    `outcome` is "answer" (entry_id set), "unsure" (close topics only), "off_topic" or
    "empty" (nothing meaningful to match). `alternatives` are the next best entries; `also`
    the entries answering the other questions of a message that asks several. `own_anchor`
    says a word or phrase of the domain (or the caller, or addressing the bot) put the question
    in scope, not merely its closeness to an example; `elsewhere` that it holds words of
    another field; `evidence` holds the features the calibrated in-scope decision read.
    """

    lang: str
    outcome: str
    entry_id: str | None
    score: float
    alternatives: tuple[Scored, ...] = field(default=())
    coverage: float = 0.0
    also: tuple[str, ...] = field(default=())
    # The question of the message each entry of `also` answers, in the same order, so that the
    # caller can weigh what that question names.
    also_asked: tuple[str, ...] = field(default=())
    own_anchor: bool = True
    elsewhere: bool = False
    # For a question no rule anchors whose words the base mostly knows: what the calibrated
    # decision read (see calibration.FEATURES); empty otherwise.
    evidence: tuple[float, ...] = field(default=())
    # For an answer an anchoring rule gave that is no strong anchor: what the fitted decision
    # confirming it read (see calibration.confirms); empty otherwise.
    confirmed: tuple[float, ...] = field(default=())
    # For a question the caller put in scope: the learned ranker's probability that it asks
    # about none of the entries (see ranker.NONE), so that the caller can weigh what its
    # scope rests on (a listed name in "How old is Shulman?"); 0 otherwise.
    none: float = 0.0
    # For a message asking several questions: the one answered (as matched, names the caller
    # cut left out), so that the caller applies what it knows of that question alone; empty
    # when the answer is for the whole message.
    asked: str = ""
    # For an answer: the learned ranker's probability of each entry for the question matched
    # (see ranker.Ranker.probabilities), so that a message read in pieces can be weighed
    # against its reading as a whole (see QuestionIndex._one_question); empty without a ranker.
    learned: Mapping[str, float] = field(default_factory=dict, compare=False, repr=False)


def _promote(ranked: list[tuple[str, float]], chosen: Collection[str], top: int,
             share: float) -> list[tuple[str, float]]:
    """Return the ranking with the best of `chosen` among the `top` best entries scoring at
    least `share` of the best moved first, with the best score (never a higher one).

    The one way a rule that reads the question's form (a title phrase, a cited article)
    reorders close neighbours without bringing anything into scope.
    """
    best = ranked[0][1]
    for entry_id, score in ranked[1:top]:
        if entry_id in chosen and score >= share * best:
            return [(entry_id, best), *((e, s) for e, s in ranked if e != entry_id)]
    return ranked


def _offering(main: MatchResult, asked: Iterable[tuple[str, str]]) -> MatchResult:
    """Return `main` with the entries the message's other questions (`asked`: each question
    and its entry) ask for offered in `also` after those it offers already, each once and
    with the question it answers; `main` itself when there are none."""
    offered = dict(zip(main.also, main.also_asked, strict=True))
    for part, entry_id in asked:
        if entry_id != main.entry_id:
            offered.setdefault(entry_id, part)
    if len(offered) == len(main.also):
        return main
    return replace(main, also=tuple(offered), also_asked=tuple(offered.values()))


def _beginnings(words: Iterable[str]) -> dict[str, frozenset[str]]:
    """Return the words by each of their beginnings of _CLIPPED_STEM letters or more, short of
    the whole word: what a clipped chat form of one of them may keep (see `_clipped_from`)."""
    begun: dict[str, set[str]] = defaultdict(set)
    for word in words:
        for cut in range(_CLIPPED_STEM, len(word)):
            begun[word[:cut]].add(word)
    return {start: frozenset(ws) for start, ws in begun.items()}


def _clipped_from(word: str, beginnings: dict[str, frozenset[str]]) -> str | None:
    """Return the one word of `beginnings` that `word` is clipped from, if any.

    Chat clips a long word and inflects or suffixes what is left ("иноаг|у" from "иноагент",
    "нежела|лка" from "нежелательная"): the longest beginning of `word` that leaves at most
    _CLIPPED_REST letters and begins words at least two letters longer decides; when it begins
    several, the clipped form is no one word's.
    """
    for cut in range(len(word), max(_CLIPPED_STEM - 1, len(word) - _CLIPPED_REST - 1), -1):
        found = [w for w in beginnings.get(word[:cut], ()) if len(w) > cut + 1]
        if found:
            return found[0] if len(found) == 1 else None
    return None


class QuestionIndex:
    """An in-memory index of the knowledge base built once at start-up."""

    def __init__(self, kb: KnowledgeBase, analyzer: Analyzer | None = None) -> None:
        self.kb = kb
        # The calibrated decision for questions no rule anchors (see calibration); replaceable
        # so that `riskguide kb calibrate` can see what admitting them would answer.
        self.admits: Admit = calibration.admits
        # The fitted decision whether a question only a rule short of a strong anchor put in
        # scope stays there (see calibration.confirms); replaceable for the same reason.
        self.confirms: Admit = calibration.confirms
        # The learned lexical ranker (see ranker) and its share of an entry's score; replaceable
        # so that `riskguide kb rank --cross-validate` can try models fitted without a set.
        self.ranker: ranker.Ranker | None = ranker.load()
        self.rank_share = ranker.SHARE
        self.rank_overrules: Callable[[float, bool], bool] = ranker.overrules
        self.analyzer = analyzer or shared_analyzer()
        self.lexicon = Lexicon()
        # Domain synonyms the base does not use, read as words it does (knowledge/synonyms.yaml).
        self.thesaurus = Thesaurus(kb.synonyms, self.analyzer)
        self._setting = SettingWords(self.analyzer)
        # term -> occurrences in people's questions / in the base's own prose (see `_contrasts`;
        # `_occurrences` adds them up)
        self._field_count: dict[str, Counter[str]] = {"questions": Counter(), "prose": Counter()}
        self._surfaces: dict[str, set[str]] = defaultdict(set)
        self._tf: dict[str, dict[str, float]] = defaultdict(dict)  # term -> entry -> weight
        # Terms people use when asking (titles, questions, keywords), as opposed to terms that
        # only occur in answers: the former vouch for a question being in scope.
        self._asked: set[str] = set()
        # term -> the entries whose title, questions or keywords use it
        self._asked_by: dict[str, set[str]] = defaultdict(set)
        self._pairs: set[tuple[str, str]] = set()  # adjacent asked terms: "иностранный агент"
        self._compounds = self._compound_words(kb)
        # The stump compounds as the index keys them: one spelled out as its phrase
        # ("иностранный агент") is a domain phrase, a strong anchor (see `_match_one`).
        self._compound_keys = frozenset(self.lexicon.key(w) or w
                                        for w in self._compounds.values())
        raw_examples: list[tuple[str, dict[str, float]]] = []
        asked_texts: list[set[str]] = []
        occurrences: Counter[str] = Counter()
        neighbours: dict[str, Counter[str]] = defaultdict(Counter)
        texts: list[tuple[str, list[Term]]] = []
        for entry in kb.entries:
            for lang in ("ru", "en"):
                title = entry.title.get(lang, "")
                questions = list(entry.questions.get(lang, ()))
                texts += self._add(entry.id, "title", [title], lang)
                texts += self._add(entry.id, "keywords", list(entry.keywords.get(lang, ())), lang)
                texts += self._add(entry.id, "questions", questions, lang)
                texts += self._add(entry.id, "answer", [entry.answer.get(lang, "")], lang)
                for q in [*questions, title, *entry.keywords.get(lang, ())]:
                    analysed = self._terms(q, lang)
                    keys = [t.key for t in analysed]
                    self._pairs.update(pairwise(keys))
                    for i, key in enumerate(keys):
                        occurrences[key] += 1
                        for j in (i - 1, i + 1):
                            if 0 <= j < len(keys):
                                neighbours[key][keys[j]] += 1
                    terms = self._weights(analysed)
                    if terms and q not in entry.keywords.get(lang, ()):
                        raw_examples.append((entry.id, terms))
                        asked_texts.append(set(keys))
        self.lexicon.freeze()
        # Words written after amounts ("рублей", "roubles") anchor nothing (see phrase_sense).
        self._units = unit_words(texts)
        # The year of the oldest law the base tells of: a decade before it is another time.
        self._earliest = earliest_year(text for text, _ in texts)
        aliases = self._typo_aliases()
        self.typo_aliases = aliases
        if aliases:
            raw_examples = self._fold_typos(aliases, raw_examples, occurrences)
        # Words that people almost always use with one partner ("нежелательная" + "организация")
        # only anchor a question together with it: alone they are ordinary language.
        self._partner = {
            key: neighbours[key].most_common(1)[0][0] for key, n_occ in occurrences.items()
            if n_occ >= 5 and neighbours[key] and
            neighbours[key].most_common(1)[0][1] / n_occ >= COLLOCATION_SHARE
        }
        self._collocation_heads = set(self._partner)
        asked_texts = [{aliases.get(k, k) for k in ks} for ks in asked_texts]
        # An anchor that the base mostly uses with one partner is ambiguous alone
        # ("нежелательная беременность"): it counts only next to the partner (see the pairs).
        ambiguous = {
            key for key, n_occ in occurrences.items()
            if n_occ >= 5 and neighbours[key] and
            neighbours[key].most_common(1)[0][1] / n_occ >= PARTNER_SHARE
        }
        self._ambiguous = frozenset(ambiguous)
        # Chat makes one noun in "-ка" of such an adjective and its partner ("нежелательная
        # организация" -> "нежелалка"): see `_univerbations`.
        self._phrase_nouns = {
            key: neighbours[key].most_common(1)[0][0] for key in ambiguous
            if is_cyrillic(key) and self.analyzer.is_adjective(key)
            and is_cyrillic(neighbours[key].most_common(1)[0][0])}
        # The articles the answers cite anchor a question that names them, and lead it to the
        # entries citing them (see articles and `_by_article`).
        self._cited = {n: ids for n, ids in cited_articles(kb).items() if n in self._tf}
        self._laws = cited_laws(kb)
        self.anchors = (self._domain_anchors(asked_texts)
                        | self._keyword_anchors(kb, aliases)) - ambiguous | self._cited.keys()
        # Entries about the bot itself: their keywords name it.
        self._bot_entries = frozenset(
            e.id for e in kb.entries for lang in ("ru", "en")
            if any(_BOT_TERMS & {t.key for t in self.analyzer.terms(k, lang)}
                   for k in e.keywords.get(lang, ())))
        # Russian words of the base by their stems (see `Analyzer.ru_stems`); the most used one
        # wins a shared stem, a whole stem wins over one without its prefix.
        self._stem_keys: dict[str, str] = {}
        for bare in (False, True):
            for key in sorted((k for k in self._tf if is_cyrillic(k) and not k[0].isdigit()),
                              key=lambda k: (-self._occurrences(k), k)):
                stems = self.analyzer.ru_stems(key)
                if bare or len(stems) == 1:
                    self._stem_keys.setdefault(stems[-1], key)
                else:
                    self._stem_keys.setdefault(stems[0], key)
        # Cyrillic domain words people coin new words from (see `_derived_from`).
        self._domain_stems = {
            k: k for k in self.anchors | self._actions
            if is_cyrillic(k) and len(k) >= _DERIVED_STEM and k in self._tf
        }
        # The beginnings of those words, to the domain words each begins (see `_derived_from`).
        self._clipped = _beginnings(self._domain_stems)
        self._clipped_phrases = _beginnings(self._phrase_nouns)
        # After the stems above: a clipped "иноаг" still reads as the anchor it begins.
        self.anchors |= self._derived_anchors(ambiguous)
        # The entries answering each kind of question, by what their titles say (see intents).
        self._intent_entries = {
            intent.name: frozenset(e.id for e in kb.entries
                                   if any(intent.titles.search(t) for t in e.title.values()))
            for intent in INTENTS
        }
        self._intent_any = frozenset().union(*self._intent_entries.values())
        # The entries whose own asked texts ask that way too ("репост иноагента без плашки —
        # штраф?" is an example of the reposting entry): they answer it for their subject.
        self._intent_askers = {
            intent.name: frozenset(e.id for e in kb.entries
                                   if asked_share(e, intent) >= INTENT_OWN_SHARE)
            for intent in INTENTS
        }
        # What each entry is asked about, and by whom about which list, from its own questions
        # (see focus and role).
        self._readings = (focus_reading(kb), role_reading(kb))
        self._title_phrases, self._title_held = self._title_phrase_entries(kb, aliases)
        self._family = self._family_words(kb, aliases)
        n = max(1, len(kb.entries))
        self._idf = {t: math.log(1 + n / len(per_entry)) for t, per_entry in self._tf.items()}
        self._max_idf = math.log(1 + n)
        def content_keys(text: str, lang: str) -> list[str]:
            return [aliases.get(t.key, t.key) for t in self._terms(text, lang) if t.weight > 1.0]

        example_keys = [(e.id, content_keys(q, lang)) for e in kb.entries
                        for lang in ("ru", "en") for q in e.questions.get(lang, ())]
        self._keyword_phrases = keyword_phrases(
            (content_keys(k, lang)
             for e in kb.entries for lang in ("ru", "en") for k in e.keywords.get(lang, ())),
            [*example_keys, *((e.id, content_keys(e.title.get(lang, ""), lang))
                              for e in kb.entries for lang in ("ru", "en"))],
            self._actions, self._contrast,
            {k for k, per_entry in self._tf.items() if len(per_entry) >= SUBJECT_SPREAD * n})
        # Capital initials of the domain phrases ("НО", "ФА") read as the phrases.
        titles = [(e.id, content_keys(e.title.get(lang, ""), lang))
                  for e in kb.entries for lang in ("ru", "en")]
        # The phrases naming the statuses the whole base is about ("foreign agent",
        # "нежелательная организация"): strong anchors (see `_match_one`), and what capital
        # initials ("НО", "ФА") read as.
        self._status_phrases = status_phrases([*example_keys, *titles], n, self._domain_pair,
                                              self.analyzer.is_verb)
        self._initials = phrase_initials(
            ((e.id, k, content_keys(k, lang))
             for e in kb.entries for lang in ("ru", "en") for k in e.keywords.get(lang, ())),
            self._status_phrases)
        # The words one entry's title alone names its subject by ("обыск", "задержание"); see
        # TITLE_WORD_CONTRAST.
        title_holders: dict[str, set[str]] = defaultdict(set)
        for entry_id, keys in titles:
            for k in keys:
                title_holders[k].add(entry_id)
        self._title_words = frozenset(
            k for k, es in title_holders.items() if len(es) == 1 and not k[0].isdigit()
            and len(self._tf.get(k, {})) <= TITLE_WORD_SPREAD
            and self._contrast.get(k, 0.0) >= TITLE_WORD_CONTRAST
            and k not in self._actions and k not in self._units and k not in ambiguous
            and not self.analyzer.is_verb(k) and k not in _BOT_TERMS)
        self._word_pairs = entry_word_pairs(
            example_keys, self._actions | self._units | self._ambiguous, self._contrast)
        # The example questions by their terms: a question is compared with the examples that
        # share a word with it only (the asked questions doubled the examples, and comparing
        # with every one of them cost half a millisecond a question).
        self._example_entry = [entry_id for entry_id, _ in raw_examples]
        self._example_mass: list[float] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, (_, terms) in enumerate(raw_examples):
            weighted = {t: w * self._idf[t] / self._max_idf for t, w in terms.items()}
            self._example_mass.append(sum(weighted.values()))
            for t, w in weighted.items():
                self._postings[t].append((i, w))
        self._postings = dict(self._postings)
        self._likelihoods()

    def _likelihoods(self) -> None:
        """Build each entry's smoothed word distribution (multinomial, additive smoothing).

        `_log_absent[e]` is the log-probability of a word entry e never uses; `_log_gain[t][e]`
        what using t adds to it. Together they tell neighbouring entries apart by the words
        each uses more than the other ("штраф" for the fines, "плашка" for the label).
        """
        mass: dict[str, float] = defaultdict(float)
        for per_entry in self._tf.values():
            for entry_id, tf in per_entry.items():
                mass[entry_id] += tf
        vocabulary = len(self._tf)
        self._log_absent = {
            e.id: math.log(_SMOOTHING / (mass[e.id] + _SMOOTHING * vocabulary))
            for e in self.kb.entries
        }
        self._log_gain: dict[str, dict[str, float]] = {
            t: {e: math.log((tf + _SMOOTHING) / _SMOOTHING) for e, tf in per_entry.items()}
            for t, per_entry in self._tf.items()
        }

    def _posterior(self, resolved: dict[str, float]) -> dict[str, float]:
        """Return each entry's probability of being the one asked about (uniform prior)."""
        # The likelihoods already say how well a word tells entries apart: the idf in the
        # query's weights is undone here, and each word's weight capped, so that one rare word
        # ("переслать") does not outvote the subject ("экстремистский").
        resolved = {t: min(_EVIDENCE_CAP, w * self._max_idf / self._idf[t])
                    for t, w in resolved.items()}
        total = sum(resolved.values())
        loglik = {e: total * v for e, v in self._log_absent.items()}
        for term, w in resolved.items():
            for entry_id, gain in self._log_gain[term].items():
                loglik[entry_id] += w * gain
        top = max(loglik.values())
        odds = {e: math.exp((v - top) / _TEMPERATURE) for e, v in loglik.items()}
        norm = sum(odds.values())
        return {e: v / norm for e, v in odds.items()}

    def _scores(self, resolved: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        """Return each candidate entry's score in [0, 1] and its nearest example's closeness.

        The score blends the association of the question's terms with the entry, the closest
        example question (weighted Dice) and the posterior of the entries' word distributions
        (the learned ranker is mixed in afterwards, see `_learned`).
        """
        # BM25-style saturation: several mentions of a term in an entry's keywords, title and
        # questions make it strongly about that term; one mention in an answer, weakly.
        association: dict[str, float] = defaultdict(float)
        norm = sum(resolved.values())
        for term, w in resolved.items():
            for entry_id, tf in self._tf[term].items():
                association[entry_id] += w * (tf * (1 + _SATURATION) / (tf + _SATURATION)) / norm
        top_assoc = max(association.values())

        shared: dict[int, float] = defaultdict(float)
        for term, w in resolved.items():
            for example, ew in self._postings.get(term, ()):
                shared[example] += min(w, ew)
        nearest: dict[str, float] = defaultdict(float)
        for example, overlap in shared.items():
            if not overlap:
                continue
            entry_id = self._example_entry[example]
            dice = 2 * overlap / (norm + self._example_mass[example])
            if dice > nearest[entry_id]:
                nearest[entry_id] = dice

        posterior = self._posterior(resolved)
        scores = {
            e: (1 - _POSTERIOR_SHARE) * ((1 - _NEAREST_SHARE) * association.get(e, 0.0)
                                         / top_assoc * min(1.0, top_assoc)
                                         + _NEAREST_SHARE * nearest.get(e, 0.0))
            + _POSTERIOR_SHARE * posterior.get(e, 0.0)
            for e in set(association) | set(nearest)
        }
        return scores, nearest

    def _learned(self, scores: dict[str, float],
                 learned: dict[str, float]) -> tuple[dict[str, float], dict[str, float]] | None:
        """Return the scores with the learned ranker's probabilities (`learned`) mixed in
        (`rank_share` of them) and the probabilities themselves, or None when no ranker is in
        use.

        What the labelled questions taught about telling these entries apart reorders them;
        the best score stays what the entries' texts gave, so whether a question is answered
        at all (the thresholds, the calibrated decision) reads as before.
        """
        if self.ranker is None or not self.rank_share or not scores:
            return None
        mixed = {e: (1 - self.rank_share) * s + self.rank_share * learned.get(e, 0.0)
                 for e, s in scores.items()}
        top, top_mixed = max(scores.values()), max(mixed.values())
        if top_mixed <= 0:
            return None
        return {e: s * top / top_mixed for e, s in mixed.items()}, learned

    def _reordered(self, text: str, keys: list[str], weights: list[float],
                   resolved: dict[str, float], scores: dict[str, float],
                   laws: Collection[str]) -> list[tuple[str, float]]:
        """Return the entries by score, then with the reordering rules applied: the title
        phrase, the kind of answer asked for, the question's focus and a cited article."""
        ranked = self._by_intent(text, self._by_title(
            keys, weights, sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))))
        family = resolved.keys() & self._family
        subject = self._same_subject(ranked[0][0], family)
        kind = self._kind_given(text, ranked[0][0])
        return self._by_article(resolved, laws, by_focus(
            text, ranked, self._readings,
            subject if kind is None else lambda e: subject(e) and e in kind))

    def _rank_inputs(self, resolved: dict[str, float], unknown: dict[str, float],
                     read: Sequence[tuple[str, float, str]]) -> dict[str, float]:
        """Return what the learned ranker reads for a question (ranker.inputs): its resolved
        terms, the words the base never uses and, from its read words in order (`read`: term,
        weight, the word as written), their pairs, written forms and pieces; one method, so
        that the ranker is fitted on exactly what it reads here (see bot.measure.rank_fit)."""
        return ranker.inputs(resolved, unknown, read)

    def example_terms(self) -> list[tuple[str, dict[str, float]]]:
        """Return each example question's entry and weighted terms, as the matcher weighs a
        question's resolved terms: what the learned ranker is fitted on (see ranker)."""
        rows: list[dict[str, float]] = [{} for _ in self._example_entry]
        for term, postings in self._postings.items():
            for example, weight in postings:
                rows[example][term] = weight
        return list(zip(self._example_entry, rows, strict=True))

    def _domain_anchors(self, asked_texts: list[set[str]]) -> frozenset[str]:
        """Return the terms whose presence shows a question is about this base's subject.

        A term is a candidate when the base uses it far more often than general language does
        (wordfreq's large lists, best surface form): "иноагент", "минюст", "20.33". Candidates
        the base's own questions almost never use without a candidate spread over more entries
        are action words ("репостить иноагента", "донат ФБК"): they count only next to an
        anchor, which is already enough, so they are left out.
        """
        self._contrast = self._contrasts()
        contrast = {k: v for k, v in self._contrast.items()
                    if v >= ANCHOR_CONTRAST and self._occurrences(k) >= MIN_ANCHOR_COUNT}
        spread = {k: len(self._tf.get(k, {})) for k in contrast}
        anchors = set()
        self._actions: set[str] = set()
        for key in contrast:
            with_key = [t for t in asked_texts if key in t]
            alone = sum(1 for t in with_key
                        if not any(o in spread and spread[o] > spread[key] for o in t))
            # An article's number ("19.34") names the offence asked about, never an action,
            # however often questions add its penalty's word ("штраф по 19.34").
            if (len(with_key) >= DEPENDENT_EVIDENCE and alone / len(with_key) < DEPENDENT_SHARE
                    and spread[key] < SUBJECT_SPREAD * len(self.kb.entries)
                    and not key[0].isdigit()):
                self._actions.add(key)
                continue
            anchors.add(key)
        return frozenset(anchors - self._collocation_heads)

    def _derived_anchors(self, ambiguous: Collection[str]) -> frozenset[str]:
        """Return the base's Russian words made from an anchor by a suffix ("иноагентский",
        "иноагентство" from "иноагент").

        The base uses them too seldom to stand out on their own, but a word built on an
        anchor names the same thing ("иноагентский ндфл", "за иноагентство"), as a word a
        question coins from it does (see `_derived_from`, whose limits these are): a short
        suffix on a long anchor. "админ" is a clipping of "администратор", not its stem, and
        no verb is a name of the subject.
        """
        bases = [a for a in self.anchors if is_cyrillic(a) and len(a) >= _DERIVED_STEM]
        return frozenset(
            k for k in self._tf
            if is_cyrillic(k) and k not in ambiguous and not self.analyzer.is_verb(k)
            and any(k.startswith(a) and 0 < len(k) - len(a) <= _SUFFIX_MAX for a in bases))

    def _keyword_anchors(self, kb: KnowledgeBase, aliases: dict[str, str]) -> set[str]:
        """Return the words an entry's keywords name it by that few entries share.

        The base cannot use every name of its subject often enough to stand out from general
        language ("Роскомнадзор", "МУС", "НКО", "terrorist"), but the keywords say what an entry
        is about: a word of them (not a verb: "переслать" is an everyday action) that general
        language seldom uses and at most KEYWORD_ANCHOR_SPREAD entries use anywhere is
        evidence of the subject.
        """
        out: set[str] = set()
        for entry in kb.entries:
            for lang in ("ru", "en"):
                for keyword in entry.keywords.get(lang, ()):
                    for t in self.analyzer.terms(keyword, lang):
                        key = aliases.get(t.key, t.key)
                        if (t.weight >= KEYWORD_ANCHOR_SPECIFICITY and not key[0].isdigit()
                                and len(self._tf.get(key, {})) <= KEYWORD_ANCHOR_SPREAD
                                and key not in self._actions
                                and not self.analyzer.is_verb(key)):
                            out.add(key)
        return out - self._collocation_heads

    def _compound_words(self, kb: KnowledgeBase) -> dict[tuple[str, str], str]:
        """Return the base's stump compounds by the phrase they shorten.

        Russian shortens a phrase by cutting the first word to a stump: "иноагент" is
        "ино(странный) агент", "юрлицо" "юр(идическое) лицо", "спецсчёт" "спец(иальный) счёт".
        Keys are (stump, second word's lemma); a question's "иностранным агентом" then reads as
        the base's "иноагент" and the other way round, whichever of the two each side uses.
        """
        keys: set[str] = set()
        for entry in kb.entries:
            texts = [*entry.title.values(), *entry.answer.values()]
            for lang in ("ru", "en"):
                texts += [*entry.questions.get(lang, ()), *entry.keywords.get(lang, ())]
            for text in texts:
                keys.update(t.key for t in self.analyzer.terms(text, "ru")
                            if is_cyrillic(t.key))
        out: dict[tuple[str, str], str] = {}
        for word in keys:
            # A coined word, rare in general language ("признать" is not "при знать").
            if zipf_frequency(word, "ru", wordlist="large") > _COMPOUND_MAX_ZIPF:
                continue
            for cut in range(_STUMP_MIN, _STUMP_MAX + 1):
                rest = word[cut:]
                if len(rest) >= 3 and rest in keys:
                    out[(word[:cut], rest)] = word
        return out

    def _terms(self, text: str, lang: str | None, lexicon: Lexicon | None = None) -> list[Term]:
        """Return the analyser's terms of text with stump compounds' phrases folded into one."""
        terms = self.analyzer.terms(text, lang, lexicon)
        if len(terms) < 2 or not self._compounds:
            return terms
        out: list[Term] = []
        i = 0
        while i < len(terms):
            first = terms[i]
            if i + 1 < len(terms) and self.analyzer.is_adjective(first.key):
                second = terms[i + 1]
                for cut in range(min(_STUMP_MAX, len(first.key) - 2), _STUMP_MIN - 1, -1):
                    word = self._compounds.get((first.key[:cut], second.key))
                    if word is not None:
                        word = self.lexicon.key(word) or word
                        weight = max(first.weight, second.weight, specificity(word, "ru"))
                        out.append(Term(word, word, weight, second.at))
                        i += 2
                        break
                else:
                    out.append(first)
                    i += 1
                continue
            out.append(first)
            i += 1
        return out

    def _occurrences(self, key: str) -> int:
        """Return how often the base uses a term, in questions and prose together: the
        evidence counts (MIN_ANCHOR_COUNT) are sample sizes, whatever kind of text."""
        return sum(counts.get(key, 0) for counts in self._field_count.values())

    def _contrasts(self) -> dict[str, float]:
        """Return, per asked term, how much more often the base uses it than general language.

        The difference of Zipf values (the base's rate against wordfreq's large lists, best
        surface form): "иноагент" 5+, "штраф" 2.7, "иностранный" 1.7, "сделать" 0. The base's
        rate is the mean of its rate in people's questions and in its own prose (titles,
        keywords, answers), each measured against that kind's own length: more example
        questions worded like the others leave every contrast where it was, so the fixed bars
        (ANCHOR_CONTRAST, PHRASE_CONTRAST, ...) keep meaning the same as the base grows.
        A rate over all text together would sink with every example added, since questions
        are written in more everyday words than the answers.
        """
        kinds = [(counts, sum(counts.values())) for counts in self._field_count.values()]
        contrast: dict[str, float] = {}
        for key in self._asked:
            rate = sum(counts.get(key, 0) / total for counts, total in kinds if total) / len(kinds)
            if not rate:
                continue
            general = max(zipf_frequency(sf, "en" if key.startswith("en:") else "ru",
                                         wordlist="large") for sf in self._surfaces[key])
            contrast[key] = math.log10(rate * 1e9) - general
        return contrast

    def _add(self, entry_id: str, fieldname: str, texts: list[str],
             lang: str) -> list[tuple[str, list[Term]]]:
        """Count texts' terms under an entry's field; return the texts with their terms."""
        weight = _FIELD_WEIGHTS[fieldname]
        out = []
        for text in texts:
            analysed = self._terms(text, lang)
            out.append((text, analysed))
            for t in analysed:
                self.lexicon.add(t.surface, t.key, weight)
                self._field_count[_CONTRAST_FIELD[fieldname]][t.key] += 1
                self._surfaces[t.key].add(t.surface)
            for term in {t.key for t in analysed}:
                per_entry = self._tf[term]
                per_entry[entry_id] = per_entry.get(entry_id, 0.0) + weight
                if fieldname != "answer":
                    self._asked.add(term)
                    self._asked_by[term].add(entry_id)
        return out

    def _typo_aliases(self) -> dict[str, str]:
        """Return index keys of the base's own misspellings mapped to the right word's key.

        A misspelling is a form general word lists and the dictionary hardly know, one or
        two edits from a form the base uses at least three times as often.
        """
        aliases: dict[str, str] = {}
        folded: dict[str, str] = {}  # misspelt surface -> its own key
        for surface, key in list(self.lexicon.items()):
            lang = "ru" if is_cyrillic(surface) else "en"
            # specificity 6 is a Zipf frequency of 1 or less: hardly a word of the language.
            if surface[0].isdigit() or specificity(surface, lang) < 6.0:
                continue
            # The key is shared by every form of a word: a real word's key stays its own.
            bare = key.removeprefix("en:")
            if lang == "ru" and (self.analyzer.is_known_ru(surface)
                                 or self.analyzer.is_known_ru(bare)):
                continue
            if specificity(bare, lang) < 6.0:
                continue
            better = self.lexicon.better_spelling(surface)
            target = self.lexicon.key(better) if better else None
            if target is not None and target != key:
                aliases[key] = target
                folded[surface] = key
        # A misspelling can be closest to another misspelling ("скоко" to "сколко", itself a
        # typo of "сколько"): every key is followed to the end of its chain, so the index
        # moves all it knows of a misspelling to the word that keeps its own key.
        final = {key: _chain_end(aliases, key) for key in aliases}
        for surface, key in folded.items():
            self.lexicon.alias(surface, final[key])
        return final

    def _fold_typos(
        self, aliases: dict[str, str], raw_examples: list[tuple[str, dict[str, float]]],
        occurrences: Counter[str],
    ) -> list[tuple[str, dict[str, float]]]:
        """Move what the index knows under misspelt keys to the right keys; return the examples."""
        for wrong, right in aliases.items():
            for entry_id, tf in self._tf.pop(wrong, {}).items():
                target = self._tf[right]
                target[entry_id] = target.get(entry_id, 0.0) + tf
            occurrences[right] += occurrences.pop(wrong, 0)
            self._asked_by[right] |= self._asked_by.pop(wrong, set())
            for counts in self._field_count.values():
                counts[right] += counts.pop(wrong, 0)
        self._asked = {aliases.get(t, t) for t in self._asked}
        self._pairs = {(aliases.get(a, a), aliases.get(b, b)) for a, b in self._pairs}
        folded = []
        for entry_id, terms in raw_examples:
            out: dict[str, float] = {}
            for t, w in terms.items():
                t = aliases.get(t, t)
                out[t] = max(out.get(t, 0.0), w)
            folded.append((entry_id, out))
        return folded

    def _weights(self, terms: list[Term]) -> dict[str, float]:
        out: dict[str, float] = {}
        for t in terms:
            out[t.key] = max(out.get(t.key, 0.0), t.weight)
        return out

    def _resolve(self, key: str, surface: str, weight: float) -> tuple[str | None, float]:
        """Return the vocabulary term a query term stands for (typos repaired) and a confidence.

        Only words rare in the general language are treated as possible typos: "estate" is a
        real word, not a misspelt "state".
        """
        own = self._own_word(key, surface)
        # A form the dictionary does not know ("общатся") is more likely a misspelt word of the
        # base than a relative of the word its guessed stem happens to share ("общий").
        guessed = (own[1] < 1.0 and is_cyrillic(surface)
                   and not self.analyzer.is_known_ru(surface))
        if own[0] is not None and not guessed:
            return own
        if surface[0].isdigit() or weight < TYPO_MIN_SPECIFICITY:
            return own
        derived = self._derived_from(surface)
        if derived is not None:
            return derived, DERIVED_CONFIDENCE
        repaired = self.lexicon.repair(surface)
        if repaired is None:
            return own
        term = self.lexicon.key(repaired[0])
        if term is None or term not in self._tf:
            return own
        return term, repaired[1]

    def _own_word(self, key: str, surface: str) -> tuple[str | None, float]:
        """Return the base's word a query word is (itself, another of its forms, another word
        of its stem: an aspect or the reflexive; the noun a feminine or diminutive noun is
        made from) and a confidence, else (None, 0)."""
        if key in self._tf:
            return key, 1.0
        known = self.lexicon.key(surface)
        if known is not None and known in self._tf:
            return known, 1.0
        if is_cyrillic(key):
            for stem in self.analyzer.ru_stems(key):
                related = self._stem_keys.get(stem)
                if related is not None:
                    return related, RELATED_CONFIDENCE
            for noun in self.analyzer.ru_noun_bases(key):
                if noun in self._tf:
                    return noun, RELATED_CONFIDENCE
        return None, 0.0

    def _derived_from(self, surface: str) -> str | None:
        """Return the domain word a word the dictionary does not know is derived from, if any.

        People coin words from the base's own: "иноагентство", "иноагентка", "донатил" are
        "иноагент" and "донат" with a suffix. Chat clips a long word and inflects or suffixes
        what is left ("иноаг|у", "иноаг|и" from "иноагент", "нежела|лка" from
        "нежелательная"): a word whose first _CLIPPED_STEM letters or more begin one domain
        word alone, followed by at most _CLIPPED_REST letters, is that word. Only the base's
        domain words (see `_domain_stems`) count, so an everyday word that merely starts like
        one is not read as it.
        """
        if not is_cyrillic(surface) or self.analyzer.is_known_ru(surface):
            return None
        for cut in range(len(surface) - 1, max(_DERIVED_STEM - 1, len(surface) - _SUFFIX_MAX - 1),
                         -1):
            stem = self._domain_stems.get(surface[:cut])
            if stem is not None:
                return stem
        return _clipped_from(surface, self._clipped)

    def _univerbations(self, terms: list[Term]) -> list[Term]:
        """Return terms with each chat noun made of a phrase of the base read as the phrase.

        Russian folds an adjective and its noun into one noun in "-ка" ("электрическая
        электричка", "нелегальная работа" -> "нелегалка"), and chat does so with the base's
        phrases: "нежелалка" is "нежелательная организация". A noun in "-ка" the dictionary
        does not know, whose first _CLIPPED_STEM letters or more begin one adjective the base
        uses with a partner (see `_phrase_nouns`) and which adds at most _CLIPPED_REST letters,
        reads as that adjective and its partner.
        """
        if not self._phrase_nouns or not any(t.key.endswith("ка") for t in terms):
            return terms
        out: list[Term] = []
        for t in terms:
            adjective = (_clipped_from(t.key, self._clipped_phrases) if t.key.endswith("ка")
                         else None)
            if adjective is None or self.analyzer.is_known_ru(t.surface):
                out.append(t)
                continue
            partner = self._phrase_nouns[adjective]
            out += [Term(adjective, adjective, t.weight, t.at),
                    Term(partner, partner, t.weight, t.at)]
        return out

    def _spans_hold_anchor(self, keys: list[str],
                           spans: Iterable[tuple[int, int]]) -> bool:
        """Return True when a word of one of the question's phrases (`spans`, term positions
        first..last into `keys`) is a domain anchor: the phrase names the base's subject."""
        return any(keys[k] in self.anchors for first, last in spans
                   for k in range(first, last + 1))

    def _spans_name_status(self, keys: list[str],
                           spans: Iterable[tuple[int, int]]) -> bool:
        """Return True when two adjacent words of one of the phrases (`spans`) name a status
        in everyday words ("foreign agent"): see `_status_phrases`."""
        return any((keys[k], keys[k + 1]) in self._status_phrases for first, last in spans
                   for k in range(first, last))

    def _domain_pair(self, first: str, second: str) -> bool:
        """Return True when a phrase of the base holds a word leaning towards its subject.

        Action words ("репост", "донат") do not count: they need a subject to be about; nor does
        a word the base almost always uses with one partner next to another word ("agent" means
        the foreign agent next to "foreign", not in "travel agent ... booking").

        "иностранный агент" and "нежелательная организация" are phrases of the domain although
        each word alone is ordinary language; "сделать репост" or "перевести деньги" are phrases
        of everyday life that the base merely also uses ("как сделать репост в инстаграме").
        """
        return max((self._contrast.get(k, 0.0) for k, other in ((first, second), (second, first))
                    if k not in self._actions and self._partner.get(k, other) == other),
                   default=0.0) >= PAIR_CONTRAST

    def _is_function_word(self, word: str) -> bool:
        """Return True when the analyser reads `word` as a function word ("но", "to")."""
        key = self.analyzer.ru_key(word) if is_cyrillic(word) else self.analyzer.en_key(word)
        return key is None

    def _scene_keys(self, text: str, analysed: list[Term]) -> frozenset[str]:
        """Return the keys of the words only the statements before a question use (see
        message_parts.scene_end), which the ranking weighs less than the question's own."""
        end = scene_end(text, _QUESTION_BREAK)
        if not end:
            return frozenset()
        told = len(self.analyzer.words(text[:end]))
        return frozenset(t.key for t in analysed if t.at < told) - {
            t.key for t in analysed if t.at >= told}

    def _same_subject(self, leader: str, family: set[str]) -> Callable[[str], bool]:
        """Return whether a neighbour is asked about what the question names: every word
        naming a family of entries (`_family_words`: "экстремистская", "нежелательная") of
        the question that the leading entry's asked texts use, the neighbour's use too."""
        named = [self._asked_by[t] for t in family if leader in self._asked_by.get(t, ())]
        return lambda entry_id: all(entry_id in entries for entries in named)

    def _about_this_bot(self, text: str, query: dict[str, float]) -> bool:
        """Return True when a question mentions the bot and addresses it ("кто ты, бот")."""
        if not _BOT_TERMS & query.keys():
            return False
        words = tokens(text)
        return any(w in _ADDRESSEE or latin_to_cyrillic(w) in _ADDRESSEE for w in words)

    def _addresses_someone(self, text: str) -> bool:
        """Return True when a question speaks to "you" (a pronoun or a second-person verb)."""
        for w in tokens(text):
            cyr = w if is_cyrillic(w) else latin_to_cyrillic(w)
            if w in _SECOND_PERSON or cyr in _SECOND_PERSON or self.analyzer.is_second_person(w):
                return True
        return False

    def _kind_given(self, text: str, leader: str) -> frozenset[str] | None:
        """Return the entries giving the kind of answer the question asks for when the
        leading entry gives it (see `_by_intent`), else None.

        The kind of answer outranks the question's focus: "Кто решает про каждый статус —
        суд, прокуратура или Минюст?" asks for the lists compared, and its "кто решает" must
        not hand it to the entry on who declares one list's organisations.
        """
        if leader not in self._intent_any and not any(
                leader in askers for askers in self._intent_askers.values()):
            return None
        for intent in asked_intents(text):
            kind = self._intent_entries[intent.name] | self._intent_askers[intent.name]
            if leader in kind:
                return kind
        return None

    def _by_intent(self, text: str,
                   ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Return the ranking with the entry giving the kind of answer asked for on top.

        Among the INTENT_TOP best entries scoring at least INTENT_SHARE of the best, the best
        one whose title says it gives what the question asks for (the lists compared, the fine
        for a duty left undone, first steps, checking a name, leaving the register) takes the
        first place and the best score: the subject words are shared by the neighbours, the
        intent is not.
        """
        best = ranked[0][1]
        close = {e for e, s in ranked[1:INTENT_TOP] if s >= INTENT_SHARE * best}
        # Reading the phrasing costs a tenth of a millisecond: only when it can change the order.
        if not close & self._intent_any:
            return ranked
        for intent in asked_intents(text):
            entries = self._intent_entries[intent.name]
            if ranked[0][0] in entries or ranked[0][0] in self._intent_askers[intent.name]:
                return ranked
            promoted = _promote(ranked, entries, INTENT_TOP, INTENT_SHARE)
            if promoted is not ranked:
                return promoted
        return ranked

    def _title_phrase_entries(
        self, kb: KnowledgeBase, aliases: dict[str, str],
    ) -> tuple[dict[frozenset[str], frozenset[str]], dict[frozenset[str], frozenset[str]]]:
        """Return the entries by the phrases of two adjacent content words their titles hold:
        the phrases that tell entries apart, and all of them.

        A phrase tells entries apart only when at most TITLE_PHRASE_SPREAD titles hold it and at
        least TITLE_PHRASE_SHARE of the base's asked texts (titles, questions,
        keywords) using it belong to them. "экстремистский материал" names the subject of two
        entries; "иноагент ... реестр" and "участие в нежелательной организации" are asked of many.
        """
        def phrases(text: str, lang: str) -> set[frozenset[str]]:
            keys = [aliases.get(t.key, t.key) for t in self._terms(text, lang) if t.weight > 1.0]
            return {frozenset(p) for p in pairwise(keys) if p[0] != p[1]}

        holders: dict[frozenset[str], set[str]] = defaultdict(set)
        used: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
        for entry in kb.entries:
            for lang, title in entry.title.items():
                for pair in phrases(title, lang):
                    holders[pair].add(entry.id)
                for text in [title, *entry.questions.get(lang, ()),
                             *entry.keywords.get(lang, ())]:
                    for pair in phrases(text, lang):
                        used[pair][entry.id] += 1
        held = {pair: frozenset(ids) for pair, ids in holders.items()}
        return {pair: ids for pair, ids in held.items()
                if len(ids) <= TITLE_PHRASE_SPREAD
                and sum(used[pair][e] for e in ids) >= TITLE_PHRASE_SHARE * sum(
                    used[pair].values())}, held

    def _family_words(self, kb: KnowledgeBase, aliases: dict[str, str]) -> frozenset[str]:
        """Return the words naming a family of entries: the list ("иноагент", "нежелательный",
        "экстремистский") or the act ("штраф", "репост") that the titles of at least
        FAMILY_TITLES entries name, a word of the domain (ANCHOR_CONTRAST)."""
        titled: Counter[str] = Counter()
        for entry in kb.entries:
            titled.update({aliases.get(t.key, t.key) for lang, title in entry.title.items()
                           for t in self._terms(title, lang)})
        return frozenset(k for k, n in titled.items() if n >= FAMILY_TITLES
                         and self._contrast.get(k, 0.0) >= ANCHOR_CONTRAST)

    def _by_title(self, keys: list[str], weights: list[float],
                  ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Return the ranking with the entry whose title names the question's subject on top.

        Two content words side by side in the question that an entry's title holds side by
        side ("переслать экстремистский материал") say what the question is about more surely
        than a rare action word does: among the TITLE_TOP best entries scoring at least
        TITLE_SHARE of the best, the best such entry takes the first place and the best score.
        The score is not raised, so the phrase reorders neighbours but never brings an
        off-topic question into scope.
        """
        named: set[str] = set()
        held: set[str] = set()  # entries whose title holds any phrase of the question
        for i in range(len(keys) - 1):
            if keys[i] and keys[i + 1] and min(weights[i], weights[i + 1]) > 1.0:
                pair = frozenset({keys[i], keys[i + 1]})
                named |= self._title_phrases.get(pair, frozenset())
                held |= self._title_held.get(pair, frozenset())
        # The best entry's own title holding a phrase of the question ("штраф иноагенту за
        # плашку": the fines) keeps it first.
        if not named or ranked[0][0] in held:
            return ranked
        return _promote(ranked, named, TITLE_TOP, TITLE_SHARE)

    def _by_article(self, resolved: dict[str, float], laws: Collection[str],
                    ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """Return the ranking with an entry whose answer cites an article or a topic's law
        the question names on top.

        "skolko let dayut po 205.1 uk" names the article; the entries whose answers cite it
        answer it, whatever entry its other words ("сколько лет") lean to: among the
        ARTICLE_TOP best entries scoring at least ARTICLE_SHARE of the best, the best citing
        one takes the first place and the best score (never a higher one). So does a law
        that few entries cite ("425-ФЗ": the tax entry), from any place; `laws` are the cited
        laws the question names, read once in `_match_one`.
        """
        citing = frozenset().union(*(self._cited[k] for k in resolved if k in self._cited))
        if citing and ranked[0][0] not in citing:
            ranked = _promote(ranked, citing, ARTICLE_TOP, ARTICLE_SHARE)
        # A law is named by its number alone, so the words around it ("what does it do") say
        # nothing of which entry: the best of its entries leads, however far down.
        topic = frozenset().union(*(ids for n in laws
                                    if len(ids := self._laws[n]) <= LAW_TOPIC_ENTRIES))
        if topic and ranked[0][0] not in topic:
            ranked = _promote(ranked, topic, len(ranked), 0.0)
        return ranked

    def _fit_evidence(self, query: dict[str, float], mapped: dict[str, str], best_id: str,
                      total: float) -> tuple[float, ...]:
        """Return the features of calibration.FEATURES after `log_words`: how well the leading
        entry itself covers the question, and how much the words the base knows are its own.

        What tells a situation the base answers from a question of another field worded in
        its words: the leading entry's own texts hold most of the question (an everyday
        question spreads the base's words over entries that do not answer it), and the rest
        are words of the asker's scene no entry uses rather than everyday words the base has.
        """
        known = sum(query[k] for k in mapped)
        own = sum(query[k] for k, t in mapped.items() if best_id in self._tf[t])
        own_asked = sum(query[k] for k, t in mapped.items()
                        if best_id in self._asked_by.get(t, ()))
        contrast = (sum(query[k] * self._contrast.get(t, 0.0) for k, t in mapped.items())
                    / known if known else 0.0)
        return own / total, own_asked / total, contrast, 1.0 - known / total

    def knows(self, text: str) -> bool:
        """Return True when every meaningful word of text is a word the knowledge base uses.

        Tells words of the law that people capitalise ("Минюст", "Telegram") from names.
        """
        keys = [t.key for t in self.analyzer.terms(text)]
        return bool(keys) and all(k in self._tf for k in keys)

    def is_common_word(self, word: str) -> bool:
        """Return True for an everyday word of the general language ("дождь", "голос")."""
        terms = self.analyzer.terms(word)
        return bool(terms) and all(t.weight < TYPO_MIN_SPECIFICITY for t in terms)

    def names_place(self, name: str) -> bool:
        """Return True when a name found in a question only names a place by its CLDR or
        dictionary name ("Канаде", "Венгрии", "Lisbon"): the place sets where the question is,
        so the matcher must read it (see setting) even when a registry's name holds it."""
        terms = self.analyzer.terms(name)
        return bool(terms) and all(
            self._own_word(t.key, t.surface)[1] < 1.0 and self._setting(t.key, t.surface)
            for t in terms) and any(self._setting.abroad(terms, tokens(name)))

    def match(self, text: str, lang: str | None = None, in_scope: bool = False) -> MatchResult:
        """Return the best entry for a question, or why there is none.

        `lang` is the reply language; the question itself may be in either language.
        `in_scope` says the caller already knows the question is about the registries (it names
        a listed organisation), so no domain word is needed to anchor it. A message asking
        several questions gets the answer to the first one the base answers (people put the
        main question first); the others' entries come back in `also`, to be offered.
        """
        # The rules decide first; only a message they leave unanswered, some question of which
        # no rule anchors although the base knows most of its words, is asked again with the
        # calibrated decision (see calibration), and one where they answer only a later
        # question: what the rules answer is never dropped.
        left: list[tuple[float, ...]] = []

        def note(evidence: Sequence[float]) -> bool:
            left.append(tuple(evidence))
            return False

        result = self._match(text, lang, in_scope, note)
        if not left:
            return result
        calibrated = self._match(text, lang, in_scope, self.admits)
        if result.outcome == "answer":
            # The rules answered a later question of the message; the calibrated decision may
            # admit an earlier one, the main question, with the rules' answer still offered.
            # Or the rules answered a piece of a message the calibrated decision reads whole:
            # the learned ranker, fitted on whole messages, weighs the two (see
            # `_prefers_whole`), the piece's answer still offered.
            if (calibrated.outcome == "answer" and result.asked and not calibrated.asked
                    and self._prefers_whole(calibrated, result)):
                return _offering(calibrated, [(result.asked, result.entry_id or "")])
            # The same answer read whole keeps the other questions' offers the rules' reading
            # of one piece has not.
            return calibrated if (calibrated.outcome == "answer" and result.entry_id in (
                calibrated.entry_id, *calibrated.also)) else result
        return calibrated if calibrated.outcome == "answer" else result

    def _match(self, text: str, lang: str | None, in_scope: bool, admit: Admit) -> MatchResult:
        """Return the answer to a message (see `match`), `admit` deciding the questions no rule
        anchors."""
        # A statement is read with the question after it (see message_parts); when the two
        # together find no answer, the question alone may ("Брат живёт в Израиле. Его могут
        # записать в иноагенты?").
        # The message read whole, once: every reading of its pieces weighs it.
        whole = self._match_one(text, lang, in_scope, admit)
        glued = [p for p in questions(text, _QUESTION_BREAK) if self.analyzer.terms(p, lang)]
        result = self._match_parts(text, whole, glued, lang, in_scope, admit)
        if result.outcome != "answer":
            split = [p for p in _QUESTION_BREAK.split(text) if p and self.analyzer.terms(p, lang)]
            if split != glued:
                alone = self._match_parts(text, whole, split, lang, in_scope, admit)
                if alone.outcome == "answer":
                    return alone
        # Questions joined without a mark ("... и чем это грозит", "a esli ..."), read at the
        # finer clause breaks (see question_breaks).
        pieces = question_clauses(glued[0]) if len(glued) == 1 else []
        if len(pieces) > 1:
            clauses = [p for p in pieces if p and self.analyzer.terms(p, lang)]
            if len(clauses) > 1:
                return self._by_clauses(text, whole, clauses, lang, in_scope, admit)
        return result

    def _by_clauses(self, text: str, whole: MatchResult, clauses: list[str], lang: str | None,
                    in_scope: bool, admit: Admit) -> MatchResult:
        """Return the answer to a message whose questions are joined without a mark: the
        whole message's answer with the other entries its clauses ask for offered in `also`,
        or the clauses' answer when the whole finds none. The whole keeps the first place:
        answering the first clause instead cost more answers than it won on every dev set."""
        if whole.outcome != "answer":
            parts = self._match_parts(text, whole, clauses, lang, in_scope, admit)
            return parts if parts.outcome == "answer" else whole
        # A clause is offered only if it names its subject itself: "и чем это грозит" asks
        # about the first question's subject, which the answer already covers.
        alone = [(c, self._match_one(c, lang, in_scope, admit)) for c in clauses]
        return _offering(whole, [(c, r.entry_id) for c, r in alone
                                 if r.outcome == "answer" and r.entry_id])

    def _match_parts(self, text: str, whole: MatchResult, parts: list[str], lang: str | None,
                     in_scope: bool, admit: Admit) -> MatchResult:
        """Return the answer to the first of a message's questions (`parts`) the base answers,
        with the others' entries in `also` (see `match`), or the message's answer read whole
        (`whole`) where there is one question or the pieces ask one (see `_one_question`)."""
        if len(parts) < 2:
            return whole
        # Once one question is anchored in the domain, the ones after it share its context:
        # "what is a foreign agent? and how do I check someone?"
        answered: list[tuple[str, MatchResult]] = []
        earlier: list[MatchResult] = []
        for part in parts:
            result = self._match_one(part, lang, in_scope or bool(answered), admit)
            # A follow-up with no subject of its own shares a declined first question's field.
            if result.outcome == "answer" and not follows_other_field(earlier, result):
                answered.append((part, result))
            earlier.append(result)
        if not answered:
            return whole
        asked, main = answered[0]
        if self._one_question(text, whole, answered):
            return _offering(whole, [(p, r.entry_id) for p, r in answered if r.entry_id])
        return _offering(replace(main, lang=lang or self.analyzer.detect_language(text),
                                 asked=asked),
                         [(p, r.entry_id) for p, r in answered[1:] if r.entry_id])

    def _one_question(self, text: str, whole: MatchResult,
                      answered: list[tuple[str, MatchResult]]) -> bool:
        """Return whether a message (`text`) matched in pieces (`answered`: each piece the
        base answers, the first one first) asks one question, so that its reading as a whole
        (`whole`) answers it.

        People tell a situation in several sentences, or ask one question in two ("волонтёрить
        в голосе законно? они же вроде иноагенты", "just got designated a foreign agent. whats
        the checklist"): a piece alone reads as a neighbouring subject or as nothing, while the
        whole reads as what is asked. Two questions asked together read as a whole like one of
        them ("кто решает, что организация экстремистская? и ещё, что будет за значок с их
        логотипом"), and then the first stays the answer: the whole's answer is taken only
        when no piece answers it, or when the first piece answered asks nothing (no question
        word opens it, it holds no "ли" and no question mark closes it: see
        message_parts.piece_asks), a statement setting the scene; and only when the ranker
        prefers it (see `_prefers_whole`).
        """
        first, main = answered[0]
        if whole.outcome != "answer" or (piece_asks(text, first) and any(
                r.entry_id == whole.entry_id for _, r in answered)):
            return False
        return self._prefers_whole(whole, main)

    def _prefers_whole(self, whole: MatchResult, piece: MatchResult) -> bool:
        """Return whether the learned ranker, reading a whole message, prefers the whole's
        answer (`whole`) to a piece's (`piece`) by its margin (see ranker.overrules): it is
        fitted on whole messages labelled with what they ask, where each piece's match reads
        its own words alone."""
        learned = whole.learned
        return bool(learned) and whole.entry_id != piece.entry_id and self.rank_overrules(
            learned.get(whole.entry_id or "", 0.0) - learned.get(piece.entry_id or "", 0.0),
            False)

    def _match_one(self, text: str, lang: str | None, in_scope: bool,
                   admit: Admit) -> MatchResult:
        """Return the best entry for one question (see `match`); `admit` decides whether a
        question no rule anchors, most of whose words the base knows, is in scope, and
        `self.confirms` whether one a rule short of a strong anchor put there stays."""
        reply_lang = lang or self.analyzer.detect_language(text)
        text = spell_out_article_word(
            spell_out_initials(text, self._initials, self._is_function_word))
        # A word of the domain thesaurus the base does not use reads as one it does.
        analysed = self.thesaurus.fold(
            self._univerbations(self._terms(text, lang, self.lexicon)), text, self._tf,
            lambda t: self._own_word(t.key, t.surface)[0] is not None)
        query = self._weights(analysed)
        surfaces = {t.key: t.surface for t in analysed}
        if not query:
            return MatchResult(reply_lang, "empty", None, 0.0)
        resolved: dict[str, float] = {}
        # The words the base never uses, which only the learned ranker reads (ranker.UNKNOWN).
        unknown: dict[str, float] = {}
        total = known = 0.0
        anchored = in_scope or self._about_this_bot(text, query)
        # A strong anchor is never second-guessed (see calibration.confirms): the caller's
        # scope (a listed name), the bot itself, a domain phrase holding a domain word, a
        # cited article, near-identity to an example question.
        strong = anchored
        foreign = False
        # Evidence for the base's subject (anchor words, action words) and for another one.
        subject = other = setting = 0.0
        mapped: dict[str, str] = {}
        everyday = {t.key for t in analysed
                    if t.synonym and t.weight < SYNONYM_ANCHOR_SPECIFICITY}
        domain_synonyms = {t.key for t in analysed if t.synonym}
        anchor_keys: set[str] = set()
        # A word the base uses with a partner names the status itself when quoted alone
        # (объявили «нежелательным», "labelled 'undesirable'"): a quoted word is a term.
        quoted = {w for m in _QUOTED_WORD.finditer(text) for w in tokens(m.group(1))}
        quoted_keys: set[str] = set()
        scene = self._scene_keys(text, analysed)
        for key, weight in query.items():
            if key.isdigit():
                continue  # a year or an amount says nothing about the subject
            if self._own_word(key, surfaces[key])[1] < 1.0 and self._setting(
                    key, surfaces[key]):
                # A relative, a place or a time the base does not use sets the asker's scene
                # ("брата задержали вчера в Казани"): no evidence of another field, and never a
                # misspelt or related word of the base ("Казани" is no "наказание"). It has no
                # field of its own: see the coverage below.
                setting += weight
                continue
            total += weight
            term, conf = self._resolve(key, surfaces[key], weight)
            if term is None:
                unknown[ranker.UNKNOWN + key] = weight
                if key in domain_synonyms:
                    # A word of the domain thesaurus is never of another field; like an
                    # everyday synonym the base does use, it counts half as known.
                    known += weight * 0.5
                    continue
                # A content word the base never uses ("собака", "instagram") is evidence of
                # another subject.
                foreign = foreign or (weight >= FOREIGN_SPECIFICITY and not key[0].isdigit())
                if OTHER_SUBJECT_MIN <= weight < TYPO_MIN_SPECIFICITY and not key[0].isdigit():
                    other += weight
                continue
            mapped[key] = term
            # A word met only inside answers counts half towards the question being in scope; so
            # does an everyday word read through the thesaurus ("relocate to Germany").
            asked = term in self._asked and key not in everyday
            known += weight * conf * (1.0 if asked else 0.5)
            if conf >= 0.5 and term not in self._units and key not in everyday:
                if term in self.anchors:
                    anchor_keys.add(key)
                elif (term in self._ambiguous and surfaces[key] in quoted
                      and self._contrast.get(term, 0.0) >= ANCHOR_CONTRAST):
                    quoted_keys.add(key)
            w = weight * conf * self._idf[term] / self._max_idf
            if key in scene:
                w *= SCENE_WEIGHT
            resolved[term] = max(resolved.get(term, 0.0), w)
        # A phrase people use when asking ("foreign agent", "нежелательная организация") anchors
        # a question in the domain even when each of its words alone is everyday language; one
        # word may stand between ("нежелательной в России организации").
        # A word of another field next to an anchor or inside a phrase reads it in that
        # field's sense ("агент по недвижимости", "foreign exchange agent"): see phrase_sense.
        keys = [mapped.get(t.key, "") if t.key not in everyday else "" for t in analysed]
        weights = [t.weight for t in analysed]
        around = surroundings(text, analysed, mapped, self.analyzer, self._setting.abroad)
        # In a decade before the base's laws ("в 1970-х"), its words meant something else.
        elsewhen = names_era_before(text, self._earliest)

        def misread_at(first: int, last: int) -> bool:
            return elsewhen or around.qualifies(first, last)
        counted: set[int] = set()
        # An anchor read in another field's sense shows that field, even where the words
        # reading it so are setting words ("иностранный агент по продажам в Бразилии").
        misread = False
        # A domain phrase placed in another country or time ("the Georgia law on foreign
        # agents") leaves the question to the rules: see below.
        phrase_misread = False
        for i, t in enumerate(analysed):
            if t.key in anchor_keys:
                if misread_at(i, i):
                    misread = True
                else:
                    counted.add(i)
            # A quoted word naming the status stands alone; one describing a word of another
            # field right after it is that word's ("«нежелательная» беременность").
            if t.key in quoted_keys and not misread_at(i, i) and not around.described(i):
                counted.add(i)
        spans = [(i, j) for i in range(len(keys)) for j in (i + 1, i + 2)
                 if j < len(keys) and (keys[i], keys[j]) in self._pairs
                 and min(weights[i], weights[j]) > 1.0 and self._domain_pair(keys[i], keys[j])]
        # A phrase an entry's keywords name it by ("legal help") anchors it too.
        spans.extend(names_keyword_phrase(self._keyword_phrases, keys, weights))
        # Phrases sharing a word are one noun phrase ("список террористических организаций",
        # "the US list of foreign terrorist organisations"): a place, time or owner that reads
        # one of them in another sense reads them all so.
        misread_spans = {span for span in spans if misread_at(*span)}
        abroad_spans = {span for span in misread_spans
                        if elsewhen or around.placed_in_country(*span)}
        grown = True
        while grown:
            grown = False
            for span in spans:
                if span not in abroad_spans and any(
                        span[0] <= there[1] and there[0] <= span[1] for there in abroad_spans):
                    abroad_spans.add(span)
                    grown = True
        misread_spans |= abroad_spans
        placed = abroad_spans | {span for span in misread_spans if around.placed_abroad(*span)}
        phrase_misread = bool(placed)
        # A phrase placed abroad that holds a domain word names that country's law, list or
        # status ("закон об иноагентах в Грузии"), not merely the asker's workplace there
        # ("благотворительная организация в Ереване").
        law_abroad = (self._spans_hold_anchor(keys, placed)
                      or self._spans_name_status(keys, placed))
        phrases = [span for span in spans if span not in misread_spans]
        strong = strong or self._spans_hold_anchor(keys, phrases)
        # A status's name whose words alone are everyday language ("foreign agent"), read in
        # its sense: strong too where no word of another field or another country's scene
        # stands beside it (below).
        status_named = self._spans_name_status(keys, phrases)
        phrase = bool(phrases)
        anchored = anchored or phrase
        # An anchor word inside such a phrase is another country's or time's too.
        inside = {k for first, last in abroad_spans for k in range(first, last + 1)}
        if counted & inside:
            counted -= inside
            misread = True
        # An anchor word standing outside any domain phrase right before a word of another
        # field describes it as a modifier does its noun ("undesirable tenant"): the question
        # is about that field's thing. A number is no modifier ("20.33 rn").
        in_spans = {k for first, last in spans for k in range(first, last + 1)}
        described = {i for i in counted if i not in in_spans and not keys[i][0].isdigit()
                     and around.described(i)}
        if described:
            counted -= described
            misread = True
        # A word the base uses with one partner ("agent" with "foreign"), standing without it
        # and named by a word the base does not ask with right before it, is that compound's
        # ("a real estate agent", "a travel agent"): another field's trade or role. A number
        # names no trade ("Law 255-FZ").
        misread = misread or any(
            keys[i] in self._ambiguous and keys[i] in self._partner and i not in in_spans
            and i > 0 and analysed[i].at - analysed[i - 1].at == 1
            and analysed[i - 1].weight > 1.0 and not analysed[i - 1].key.isdigit()
            and keys[i - 1] != self._partner[keys[i]]
            and (not keys[i - 1] or keys[i - 1] not in self._asked)
            and (analysed[i].key.startswith("en:")
                 or self.analyzer.is_adjective(analysed[i - 1].key))
            for i in range(len(keys)))
        # A word of the base in a clause another country's place governs ("Израиль: закон об
        # НКО", "в Казахстане есть реестр ...") tells of that country's law or list.
        abroad_scene = any(k and around.in_foreign_scene(i) for i, k in enumerate(keys))
        misread = misread or abroad_scene
        # "can a foreign agent travel to Germany" is about the status; "How much do foreign
        # agents take as a fee in football transfers" or "... under FARA in the US" are left to
        # the fitted decision (see calibration.confirms).
        strong = strong or (status_named and not (foreign or other > 0 or abroad_scene))
        subject = sum(query[k] for k in {analysed[i].key for i in counted})
        # The bot named as this one, in a question with no word of another field, is about it.
        another_field = foreign or other > 0 or misread
        if not anchored and _BOT_TERMS & query.keys() and not another_field:
            words = tokens(text)
            anchored = names_this_bot(words, self.analyzer.latin_language(words) == "ru")
            strong = strong or anchored
        # Anchors count unless words of another subject outweigh them.
        word = subject > other
        written = set(tokens(text.lower()))
        strong = strong or (word and any(
            keys[i] in self._cited or (analysed[i].key in self._compound_keys
                                       and analysed[i].surface not in written)
            for i in counted))
        # A law the answers cite, named by its number ("закон 425-ФЗ", "law 255-FZ summary"),
        # anchors the question as a cited article does: its number is skipped above with the
        # other numbers, but with the law's mark it names no year or amount, and only Russia's
        # federal laws bear that mark, so no word around it reads it in another sense.
        laws = laws_named(text) & self._laws.keys()
        cites_law = bool(laws)
        strong = strong or cites_law
        anchored = anchored or word or cites_law
        # Two words one entry's examples ask together, in a question holding no word of another
        # field ("брата задержали, куда звонить"), show its topic (see scope); so does a word
        # of one entry's title as written ("при обыске можно не давать показания?"; not read
        # through the thesaurus: "наклейка на машину" is no symbol).
        pair = not another_field and holds_word_pair(self._word_pairs, (k for k in keys if k))
        title = not another_field and any(
            k in self._title_words and not t.synonym for k, t in zip(keys, analysed, strict=True))
        anchored = anchored or pair or title
        # Setting words belong to the situation the other words tell: among words of the
        # domain only they are part of its scene and leave the coverage alone; beside a word
        # of another field ("минюст часы приёма в Москве") they may be that field's scene and
        # count as words the base does not know.
        if another_field:
            total += setting
        coverage = known / total if total else 0.0
        if not resolved:
            return MatchResult(reply_lang, "off_topic", None, 0.0, coverage=coverage)
        # Words of another field beside words the base knows: a subject, not a greeting.
        # So is another country's law or list, whether its place governs the clause or
        # complements the phrase ("закон об иноагентах в Грузии"): a follow-up clause asks
        # about it too ("... и кто туда попадает", "Когда вступил в силу?").
        elsewhere = foreign or other > 0 or abroad_scene or law_abroad

        confidence = min(1.0, coverage + 0.25) * (FOREIGN_PENALTY if foreign and not in_scope
                                                  else 1.0)
        scores, nearest = self._scores(resolved)
        scores = {e: s * confidence for e, s in scores.items()}
        # The ranker read once: the entries' probabilities (mixed in below), the probability
        # that the question asks about none of them (see MatchResult.none and `features`).
        # The words read, in the question's order and as written, for the ranker's word pairs
        # and written forms (ranker.PAIR, ranker.SURFACE).
        read = [(mapped[t.key], resolved[mapped[t.key]], t.surface)
                if mapped.get(t.key) in resolved
                else (ranker.UNKNOWN + t.key, unknown[ranker.UNKNOWN + t.key], t.surface)
                for t in analysed
                if mapped.get(t.key) in resolved or ranker.UNKNOWN + t.key in unknown]
        rank_inputs = self._rank_inputs(resolved, unknown, read)
        distribution, about_none = (self.ranker.distribution(rank_inputs)
                                    if self.ranker is not None else ({}, 0.0))
        none = about_none if in_scope else 0.0
        ranked = self._reordered(text, keys, weights, resolved, scores, laws)
        # The learned ranker reorders the entries where it is surer of its own leader than of
        # the one chosen without it, by a margin fitted out of fold (see ranker.overrules): a
        # larger one where a reordering rule chose that one from what the question says ("can
        # a retired teacher be named a foreign agent" asks who can be named, however strongly
        # "teacher" points the model to the bans).
        learned = self._learned(scores, distribution)
        if learned is not None:
            mixed, probability = learned
            leader = min(scores, key=lambda e: (-scores[e], e))
            rule_chose = ranked[0][0] != leader
            # The rules then read the mixed scores as they read the texts' ones.
            mixed_leader = min(mixed, key=lambda e: (-mixed[e], e))
            if (mixed_leader == leader and not rule_chose) or self.rank_overrules(
                    probability.get(mixed_leader, 0.0) - probability.get(ranked[0][0], 0.0),
                    rule_chose):
                scores = mixed
                ranked = self._reordered(text, keys, weights, resolved, scores, laws)
        best_id, best = ranked[0]
        alternatives = tuple(Scored(e, round(s, 4)) for e, s in ranked[1:4])
        own_anchor = anchored
        # A question all of whose words the base asks with, none of them an action word, worded
        # almost as one of its example questions or matching one entry strongly, is one the base
        # answers even with no domain word ("what to do if the police come to search my flat",
        # "задержали на митинге, куда звонить"); "как сделать репост в вк" is not, nor one
        # whose domain words are read in another sense ("закон об иноагентах в Грузии").
        closest = max(nearest.values(), default=0.0)
        close = (
            coverage >= EXAMPLE_COVERAGE and not foreign and not (misread or phrase_misread)
            and not any(t in self._actions for t in resolved))
        strong = strong or (close and closest >= EXAMPLE_SCOPE)
        confident = close and best >= CONFIDENT_SCOPE
        anchored = anchored or strong or confident
        # A question to "you" that nothing else anchors, for which the entry about the bot is a
        # close candidate, is about this bot ("what can you do?", "кто тебя сделал?").
        if not anchored and self._addresses_someone(text):
            bot_best = max(((s, e) for e, s in scores.items() if e in self._bot_entries),
                           default=(0.0, ""))
            if bot_best[0] >= BOT_SHARE * best:
                best_id, best = bot_best[1], bot_best[0]
                anchored = own_anchor = strong = True
                alternatives = tuple(Scored(e, round(s, 4)) for e, s in ranked
                                     if e != best_id)[:3]
        # Most of its words known but no rule anchoring it: the calibrated model decides
        # (see calibration), from what the match found. A question whose domain words are all
        # read in another sense ("закон об иноагентах в Грузии") is that sense's.
        # A question a rule short of a strong anchor put in scope (anchor words alone, a
        # phrase of everyday words the base asks together, a word pair or title word of one
        # entry, a strong score) is confirmed by a second fitted model reading the same
        # evidence and which rule anchored it: such rules are borrowed by questions of another
        # field or country ("впн для ютуба", "is it illegal to insult the king in Thailand").
        evidence: tuple[float, ...] = ()
        confirmed: tuple[float, ...] = ()

        def features() -> tuple[float, ...]:
            # The ranker's confidence in the question, whichever entry it prefers: its top
            # probability, the lead over its next one and the entropy of its distribution.
            # (Its probability for the entry chosen would read a reordering rule's choice
            # against it as doubt about the question.) Then its probability that the question
            # is about none of the entries, learned from the off-topic questions' words.
            ordered = sorted(distribution.values(), reverse=True)
            top_p = ordered[0] if ordered else 0.0
            second_p = ordered[1] if len(ordered) > 1 else 0.0
            entropy = -sum(p * math.log(p) for p in ordered if p > 0)
            return (
                best, best - (ranked[1][1] if len(ranked) > 1 else 0.0), closest, coverage,
                sum(query[k] for k, t in mapped.items() if t in self._asked) / total,
                max(self._contrast.get(t, 0.0) for t in resolved), other, float(foreign),
                math.log(len(resolved)), *self._fit_evidence(query, mapped, best_id, total),
                float(word), float(phrase), float(pair), float(title), float(confident),
                subject / sum(query.values()),
                max((self._contrast.get(keys[i], 0.0) for i in counted), default=0.0),
                top_p, top_p - second_p, entropy,
                float(any(self._setting.abroad(analysed, tokens(text)))), about_none)
        sparse = False
        if not anchored and coverage >= MIN_COVERAGE and not (misread or phrase_misread):
            evidence = features()
            anchored = admit(evidence)
        elif anchored and not strong and coverage >= MIN_COVERAGE and best >= ANSWER_THRESHOLD:
            confirmed = features()
            anchored = self.confirms(confirmed)
        elif (anchored and coverage < MIN_COVERAGE and best >= ANSWER_THRESHOLD
              and not (misread or phrase_misread)):
            evidence = features()
            sparse = anchored = admit(evidence)
        if (coverage < MIN_COVERAGE and not sparse) or not anchored:
            return MatchResult(
                reply_lang, "off_topic", None, round(best, 4), alternatives=(), coverage=coverage,
                elsewhere=elsewhere, evidence=evidence, none=none)
        if best < ANSWER_THRESHOLD:
            return MatchResult(
                reply_lang, "unsure", None, round(best, 4),
                alternatives=tuple(Scored(e, round(s, 4)) for e, s in ranked[:3]),
                coverage=coverage, own_anchor=own_anchor, none=none,
            )
        return MatchResult(
            reply_lang, "answer", best_id, round(best, 4), alternatives=alternatives,
            coverage=coverage, own_anchor=own_anchor, confirmed=confirmed, none=none,
            learned=distribution,
        )
