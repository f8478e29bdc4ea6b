"""The sense of a domain phrase: do the words around it read it as the base's subject?

A word or phrase of the base ("агент", "foreign agent", "спецсчёт", "return to Russia") has
an everyday sense as well as the registries' one, and the words next to it decide which:
"агент по недвижимости", "foreign exchange agent", "спецсчёт для капремонта", "вернуться в
Россию с собакой". A word of the general language that the base never uses, standing next to
a domain word or inside a domain phrase, qualifies it with another field: the question is
about real estate, banking, housing or pets, and the domain word no longer anchors it.

Amounts are another everyday sense: the base writes "рублей", "roubles", "процентов" after
numbers (fines, taxes), so these words lean towards the fines entries, but a question about
the exchange rate of the rouble is about money, not fines. A word the base mostly writes after
a number is a unit, and a unit, like the number itself, says nothing about the subject.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from bot.knowledge.analyze import Analyzer, Term
from bot.textnorm import fold, is_cyrillic, latin_to_cyrillic, phrase_starts, tokens

# Words of the general language the base never uses, at least this specific ("dog", "weather",
# "игра"), point to another field; rarer ones (specificity TYPO_MIN_SPECIFICITY and up: names,
# coinages, typos) tell nothing about the field.
OTHER_FIELD_MIN = 1.5
OTHER_FIELD_MAX = 4.0
# A word the base writes after a number at least this share of the times it writes it, at
# least UNIT_EVIDENCE times, is a unit ("рублей", "roubles", "процентов", "лет").
UNIT_SHARE = 0.5
UNIT_EVIDENCE = 3
# A domain word more common than this in general language (specificity below it) is an
# everyday word read in the domain's sense ("реестр", "список", "статус").
EVERYDAY_DOMAIN_MAX = 4.0
_ARTICLES = frozenset({"a", "an", "the"})
# The prepositions placing a thing in a country ("в Грузии", "v gruzii", "in Georgia"): a
# closed class of each language.
_LOCATIVE = frozenset({"в", "во", "in"})
# The prepositions joining a law or a list to its topic or contents ("закон об иноагентах",
# "list of terrorist organisations"): a closed class of each language.
_TOPIC = frozenset({"о", "об", "обо", "про", "of", "on", "about"})
# The endings of English participles ("living", "based"), which describe a noun rather than
# being one.
_PARTICIPLE_ENDINGS = ("ing", "ed")
# The pronouns that make a plural verb the asker's own act ("мы приняли участие"), not the
# authorities'.
_ASKERS = frozenset({"мы", "вы"})
# The home country named, as its name and adjective start in either alphabet ("России", "РФ",
# "Russian"): a question naming it asks about its law, wherever else it names.
_NAMES_RUSSIA = re.compile(r"^(?:росси|russia|rossi)|^(?:рф|rf)$")
# Marks a question's terms (given its tokens) that name a place outside Russia.
Abroad = Callable[[list[Term], list[str]], list[bool]]
# A plain amount (thousands may be grouped by spaces or commas) and the word after it; a number
# with a point or joined by a hyphen is an article or a law ("20.33", "255-ФЗ").
_AFTER_AMOUNT = re.compile(r"(?<![\w.\-])\d[\d\s,]*(?<=\d)(?![.\-/]?\w)\s+([^\W\d_]+)")


def is_other_field(term: Term, known: bool) -> bool:
    """Return True when a question's word points to another field than the base's.

    It is a word of the general language (neither a function word nor a rare name, coinage
    or typo, nor a contraction such as "isn't"; a possessive such as "UK's" is the word) that
    the base never uses (`known` is False) and that the domain thesaurus does not list ("search
    warrant" means a house search here, whatever word the base uses for it).
    """
    return (not known and not term.synonym and not term.key[0].isdigit()
            and ("'" not in term.surface or term.surface.endswith("'s"))
            and OTHER_FIELD_MIN <= term.weight < OTHER_FIELD_MAX)


class Surroundings:
    """A question's terms with the words of another field among them marked.

    Only a word that depends on a domain phrase changes its sense: a modifier before it
    ("страховой агент", "exchange agent"), a word inside it ("foreign exchange agent") or a
    complement after it, joined by a preposition ("агент по недвижимости", "agent in
    football"). A genitive complement is left out: Russian puts the object of the verb there
    too ("сделать иноагентом студента"). A word the domain phrase
    depends on does not ("ярлык иноагента", "webinar by an undesirable organisation"), nor
    one merely standing next to it ("foreign agent streamer").
    """

    def __init__(self, words: list[str], terms: list[Term], known: Mapping[str, str],
                 analyzer: Analyzer, starts: Sequence[bool] | None = None,
                 abroad: Abroad | None = None) -> None:
        self._words = words
        # Which words start a phrase of their own after punctuation (see textnorm).
        self._starts = starts or [False] * len(words)
        self._terms = terms
        self._other = [is_other_field(t, t.key in known) for t in terms]
        # Which terms name a place outside Russia (see setting.SettingWords.abroad).
        self._abroad = abroad(terms, words) if abroad else [False] * len(terms)
        self._analyzer = analyzer
        self._known = known
        self._scene = self._foreign_scenes()

    def qualifies(self, first: int, last: int) -> bool:
        """Return True when a word of another field depends on the phrase spanning terms
        first..last: the phrase is then read in that field's sense."""
        terms, other = self._terms, self._other
        if any(self._scene[first:last + 1]):
            return True
        if any(other[first + 1:last]):
            return True
        before = first - 1
        if before >= 0 and other[before] and self._modifies(before, first):
            return True
        if (self._head_qualified(first) or (first < last and self._owned_elsewhere(first))
                or self._owned_before(first, last)):
            return True
        if self._placed_abroad(first, last):
            return True
        after = last + 1
        if after < len(terms) and other[after] and self._names_other_register(first, last):
            return True
        if after >= len(terms) or self._depends(first, last):
            return False
        joined = self._joined(last, after)
        if other[after] and joined:
            return True
        # An everyday word complementing the phrase passes its own complement on: in
        # "иностранный агент по продажам в Китае" the agent sells, in China. In English the
        # phrase may also modify the noun right after it ("foreign agent fee in football"); an
        # article's number does not ("fined under 20.33 back in spring").
        nxt = after + 1
        head = joined or (_lang(terms[after]) == "en" and not terms[last].key[0].isdigit()
                          and terms[after].at - terms[last].at == 1)
        return (head and terms[after].weight < EVERYDAY_DOMAIN_MAX and nxt < len(terms)
                and other[nxt] and self._joined(after, nxt))

    def _joined(self, head: int, word: int) -> bool:
        """Return True when term `word` follows term `head` after a preposition, with only
        prepositions or a determiner of the noun between, and no punctuation: "agent in
        football", "агент по продажам", "legal help with my divorce"; not "agent in Russia, in
        simple terms"."""
        first, last = self._terms[head].at + 1, self._terms[word].at
        between = self._words[first:last]
        lang = _lang(self._terms[word])
        analyzer = self._analyzer
        return (bool(between) and analyzer.is_preposition(between[0], lang)
                and all(analyzer.is_preposition(w, lang) or analyzer.is_determiner(w, lang)
                        for w in between[1:])
                and not any(self._starts[first:last + 1]))

    def described(self, word: int) -> bool:
        """Return True when term `word` stands right before a word of another field, as a
        modifier describes the noun after it ("«нежелательная» беременность"); a comma or a
        dash between ends the phrase ("inoagent, wtf")."""
        nxt = word + 1
        return nxt < len(self._terms) and self._other[nxt] and (
            self._terms[nxt].at - self._terms[word].at == 1
            and not self._starts[self._terms[nxt].at])

    def _modifies(self, word: int, head: int) -> bool:
        """Return True when term `word` stands right before term `head` as its modifier: an
        English word that is not only a verb form, a Russian adjective as written, with no
        punctuation between ("which is worse, inoagent or ..."). A comparative ("что хуже:
        иноагент или нежелательная") compares the phrase with something, and a verb
        ("an outlet Russia deems undesirable") predicates it: neither qualifies it."""
        terms = self._terms
        return terms[head].at - terms[word].at == 1 and not self._starts[terms[head].at] and (
            (_lang(terms[word]) == "en"
             and not self._analyzer.is_en_verb_form(self._words[terms[word].at])) or (
                self._analyzer.is_adjective(terms[word].key)
                and not self._analyzer.is_comparative(self._words[terms[word].at])))

    def placed_abroad(self, first: int, last: int) -> bool:
        """Return True when the phrase first..last is another country's: placed there by a
        locative complement (see `_placed_abroad`) or naming a law or list another country
        owns ("the Georgia law on foreign agents", "Australia's list of proscribed terrorist
        organisations")."""
        return self._placed_abroad(first, last) or self._head_qualified(first)

    def placed_in_country(self, first: int, last: int) -> bool:
        """Return True when a place outside Russia itself places the phrase first..last: a
        locative complement after it ("список террористических организаций в Канаде") or, in
        English, a place naming its everyday domain noun ("the US list of foreign terrorist
        organisations"). Other phrases sharing a word with it are of the same noun phrase and
        that country's too (see `QuestionIndex._match_one`); an owner that is merely another
        field's ("бывший коллега") says nothing of a country."""
        if (self._placed_abroad(first, last) or any(self._scene[first:last + 1])
                or self._owned_before(first, last)):
            return True
        head = self._law_head(first)
        return any(self._owned_by_place(h) for h in (first if first < last else None, head)
                   if h is not None)

    def in_foreign_scene(self, term: int) -> bool:
        """Return True when term `term` stands in a clause another country's place governs
        (see `_foreign_scenes`)."""
        return self._scene[term]

    def _foreign_scenes(self) -> list[bool]:
        """Return, for each term, whether a place outside Russia governs the clause it stands
        in, so that the law, list or act the clause names is that country's.

        The place governs what follows it when it is the clause's subject or topic, written
        right before a word of the base ("Израиль: закон об ...", "belarus spisok ...",
        "kazakhstan register", "on the US terrorist list"), or a locative fronted before the
        clause's predicate when that predicate has no subject of its own: existence ("в
        Казахстане есть реестр", "есть ли в Израиле закон") or an act of the authorities in
        the third person plural ("в Беларуси признали канал экстремистским", "как в Германии
        запрещают"). A place
        in the genitive right after a thing the base names owns it ("реестр Казахстана",
        "закон Израиля об НКО"); a person of the country ("гражданин Латвии") is not its law.
        A place after any other word sets the asker's scene ("живу в Берлине", "travel to
        Germany", "работаю в Риге") and governs nothing; a question naming Russia asks about
        Russia's law wherever else it names.
        """
        terms, words, analyzer = self._terms, self._words, self._analyzer
        scene = [False] * len(terms)
        if not any(self._abroad) or any(
                _NAMES_RUSSIA.match(words[t.at] if _lang(t) == "en"
                                    else self._cyrillic(words[t.at])) for t in terms):
            return scene
        starts = [at for at, s in enumerate(self._starts) if s]

        def clause(at: int) -> tuple[int, int]:
            begin = max((s for s in starts if s <= at), default=0)
            end = min((s for s in starts if s > at), default=len(words))
            return begin, end

        def mark(start: int, begin: int, end: int) -> None:
            # The terms from `start` on that stand in the clause begin..end.
            for k in range(start, len(terms)):
                if begin <= terms[k].at < end:
                    scene[k] = True

        for p, place in enumerate(terms):
            if not self._abroad[p] or (p + 1 < len(terms) and self._abroad[p + 1]):
                continue
            first = p
            while first > 0 and self._abroad[first - 1]:
                first -= 1
            lang = _lang(place)
            begin, end = clause(terms[first].at)
            at = terms[first].at - 1
            while at >= begin and words[at] in _ARTICLES:
                at -= 1
            before = words[at] if at >= begin else ""
            nxt = p + 1 if p + 1 < len(terms) and terms[p + 1].at < end else None
            word = self._cyrillic(words[place.at]) if lang == "ru" else ""
            # In English an article after the preposition opens a noun phrase the place may
            # name the owner in ("on the US terrorist list").
            attributive = lang == "en" and at + 1 < terms[first].at
            if before and analyzer.is_preposition(before, lang) and not attributive:
                if lang == "ru" and _spelled_in(before, _LOCATIVE) and self._authorities_act(
                        at - 1, begin):
                    # A locative right after an act of the authorities told in the third
                    # person plural places that act, and what it made, in the country: "какой
                    # закон об иноагентах приняли в Грузии", "канал признали в Беларуси
                    # экстремистским".
                    mark(0, begin, end)
                    continue
                # A fronted locative: only function words before it in its clause.
                if not _spelled_in(before, _LOCATIVE) or any(
                        t.weight > 1.0 for t in terms[:first] if t.at >= begin) or nxt is None:
                    continue
                # Function words ("есть", "ли") may stand between it and the predicate.
                while nxt + 1 < len(terms) and terms[nxt].weight <= 1.0 and (
                        terms[nxt + 1].at < end):
                    nxt += 1
                following = terms[nxt]
                head = following.key in self._known and following.weight < EVERYDAY_DOMAIN_MAX
                gram = analyzer.grammemes(self._cyrillic(words[following.at])) if (
                    _lang(following) == "ru") else frozenset()
                impersonal = "VERB" in gram and "plur" in gram and (
                    "3per" in gram or "past" in gram)
                if not (head and not analyzer.is_verb(following.key)) and not impersonal:
                    continue
                mark(nxt, begin, end)
            elif nxt is not None and terms[nxt].at == place.at + 1 and (
                    terms[nxt].key in self._known) and not (
                    lang == "ru" and analyzer.is_oblique(word)):
                # The clause's subject or topic, or an English owner, right before a word
                # of the base.
                mark(nxt, begin, end)
            elif lang == "ru" and first > 0 and terms[first - 1].at == terms[first].at - 1 and (
                    terms[first - 1].key in self._known) and "gent" in analyzer.grammemes(
                    word) and "anim" not in analyzer.grammemes(
                    self._cyrillic(words[terms[first - 1].at])):
                # A genitive owner after the thing it owns ("закон Израиля об НКО", "реестр
                # Казахстана"): the clause is about that thing. A person of the country
                # ("гражданин Латвии") is no law of it.
                mark(0, begin, end)
        return scene

    def _authorities_act(self, at: int, begin: int) -> bool:
        """Return True when the Russian word at position `at` (in the clause from `begin`) is a
        verb in the third person plural or the plural past with no "мы" or "вы" before it in
        the clause: an act of the authorities ("приняли", "признали", "запрещают"), not the
        asker's ("работаем", "мы приняли участие")."""
        if at < begin:
            return False
        gram = self._analyzer.grammemes(self._cyrillic(self._words[at]))
        if "VERB" not in gram or "plur" not in gram or not ("3per" in gram or "past" in gram):
            return False
        return not any(self._cyrillic(w) in _ASKERS for w in self._words[begin:at])

    def _owned_by_place(self, head: int) -> bool:
        """Return True when term `head` has an English place outside Russia right before it
        as its owner ("the US list")."""
        terms = self._terms
        return (head >= 1 and self._abroad[head - 1] and _lang(terms[head - 1]) == "en"
                and terms[head].at - terms[head - 1].at == 1 and not self._other[head]
                and terms[head].weight < EVERYDAY_DOMAIN_MAX)

    def _placed_abroad(self, first: int, last: int) -> bool:
        """Return True when the phrase first..last, or the law or list it names ("закон об
        иноагентах"), is placed in a country outside Russia by a locative complement right
        after it: "закон об иноагентах в Грузии", "considered a terrorist group in Europe",
        "registered as foreign agents in Germany" are that country's law and statuses.

        The place belongs to the phrase only when the phrase is not itself the complement of
        another word: in "работаю на нежелательную организацию в Праге" or "working for an
        undesirable NGO in Prague" it places the work, not the status, and the question is
        about Russia's law applied abroad. A status in the instrumental case ("признали
        иноагентом в Грузии") or after "as" is predicated, and its place is the status's.
        """
        after = last + 1
        terms, words = self._terms, self._words
        if self._english_head(last) and terms[last].at - terms[first].at == last - first:
            # English puts a phrase before the noun it names ("the foreign agents law in
            # Hungary"): the place complements that noun. Only a phrase of words in a row is
            # such a modifier; "work for an undesirable organisation in Prague" places the work.
            last, after = after, after + 1
        if after >= len(terms) or not self._abroad[after]:
            return False
        # A place after a verb is where its action happens ("иноагент и живу в Грузии").
        if self._analyzer.is_verb(terms[last].key):
            return False
        between = words[terms[last].at + 1:terms[after].at]
        if not between or any(self._starts[terms[last].at + 1:terms[after].at + 1]) or not all(
                w in _ARTICLES or self._analyzer.is_preposition(w, _lang(terms[after]))
                for w in between) or not any(
                _spelled_in(w, _LOCATIVE) for w in between):
            return False
        # The phrase's first word tells whether it depends on another: in "закон об
        # иноагентах" the last word depends on the first, inside the phrase. A phrase joining
        # a noun to its topic names a law or a list wherever it stands ("что там с законом об
        # иноагентах в Грузии"); a verb's complement places its action ("работаю на
        # нежелательную организацию в Праге") unless the status is predicated (below).
        topical = any(_topic(w) for w in words[terms[first].at + 1:terms[last].at])
        if not self._analyzer.is_verb(terms[first].key) and (
                topical or self._law_head(first) is not None
                or not self._depends(first, first)):
            return True
        before = terms[first].at - 1
        while before >= 0 and words[before] in _ARTICLES:
            before -= 1
        return (before >= 0 and words[before] == "as") or (
            _lang(terms[last]) == "ru" and "ablt" in self._analyzer.grammemes(
                self._cyrillic(words[terms[last].at])))

    def _english_head(self, last: int) -> bool:
        """Return True when an English phrase ending at term `last` modifies the everyday domain
        noun right after it, as English compounds do ("foreign agents law", "terrorist list"),
        with no punctuation between; a participle after it describes the phrase's referent
        instead ("a foreign agent living in Lisbon")."""
        head = last + 1
        terms = self._terms
        return (head < len(terms) and _lang(terms[last]) == "en"
                and terms[head].at - terms[last].at == 1 and not self._starts[terms[head].at]
                and terms[head].key in self._known and not self._other[head]
                and terms[head].weight < EVERYDAY_DOMAIN_MAX
                and not self._words[terms[head].at].endswith(_PARTICIPLE_ENDINGS))

    def _cyrillic(self, word: str) -> str:
        """Return a Russian word as written in Cyrillic letters (a Latin-typed one read)."""
        return word if is_cyrillic(word) else self._analyzer.translit_word(word)

    def _head_qualified(self, first: int) -> bool:
        """Return True when the phrase starting at term `first` complements an everyday domain
        noun ("list", "register", "закон") that belongs to someone of another field: "the UK's
        list of proscribed organisations", "грузинский закон об иностранных агентах" are
        another country's. The phrase follows the noun, after a preposition or none, with at
        most one word of the base describing it ("proscribed"); the owner is a possessive
        ("UK's") or a Russian relational adjective ("грузинский"), since an everyday modifier
        ("the latest list", "свежий список нежелательных организаций") leaves the list ours."""
        head = self._law_head(first)
        return head is not None and self._owned_elsewhere(head)

    def _law_head(self, first: int) -> int | None:
        """Return the term of the everyday domain noun ("закон", "list") that the phrase
        starting at term `first` complements (see `_head_qualified`), or None."""
        terms, words, other = self._terms, self._words, self._other
        if (first >= 2 and not other[first - 1] and terms[first - 1].weight > 1.0
                and terms[first].at - terms[first - 1].at == 1
                and terms[first - 1].weight >= EVERYDAY_DOMAIN_MAX):
            first -= 1
        head = first - 1
        if head < 0 or other[head] or terms[head].weight >= EVERYDAY_DOMAIN_MAX:
            return None
        # Between them: a preposition naming its topic ("закон об", "list of"; "работа в" places
        # the work, it has no topic), articles, and the first words of a phrase the analyser
        # joined into one term ("об [иностранных] агентах" is "иноагент").
        lang = _lang(terms[head])
        placed = {t.at for t in terms}
        if not all(w in _ARTICLES or _topic(w) or (
                at not in placed and not self._analyzer.is_preposition(w, lang))
                   for at, w in enumerate(words[:terms[first].at])
                   if at > terms[head].at):
            return None
        return head

    def _owned_before(self, first: int, last: int) -> bool:
        """Return True when, in English, the phrase first..last names the topic of an everyday
        domain noun right after it ("law", "list") whose owner stands right before the phrase:
        a place outside Russia or its possessive ("nicaragua's foreign agents law", "the US
        terrorist list", "Georgia's foreign agent law"). English puts a noun's topic before it,
        where Russian puts it after ("закон Никарагуа об иностранных агентах": see
        `_head_qualified`)."""
        terms = self._terms
        head, owner = last + 1, first - 1
        return (head < len(terms) and owner >= 0 and _lang(terms[head]) == "en"
                and _lang(terms[owner]) == "en" and terms[head].at - terms[last].at == 1
                and terms[first].at - terms[owner].at == 1 and self._everyday_noun(head)
                and self._owner_elsewhere(owner))

    def _owned_elsewhere(self, head: int) -> bool:
        """Return True when term `head`, an everyday domain noun, has an owner of another field
        right before it (see `_owner_elsewhere`: "the UK's list", "грузинский закон", "the US
        list")."""
        return (head >= 1 and self._everyday_noun(head)
                and self._terms[head].at - self._terms[head - 1].at == 1
                and self._owner_elsewhere(head - 1))

    def _everyday_noun(self, term: int) -> bool:
        """Return True when term `term` is an everyday word the base reads in its sense
        ("list", "закон", "реестр"): the noun a law's or list's owner qualifies."""
        return not self._other[term] and self._terms[term].weight < EVERYDAY_DOMAIN_MAX

    def _owner_elsewhere(self, term: int) -> bool:
        """Return True when term `term` can own a law or list as another country or field
        does: in English a place outside Russia, a possessive of another field ("the UK's"),
        a Russian relational adjective of another field ("грузинский")."""
        owner = self._terms[term]
        if self._abroad[term] and _lang(owner) == "en":
            return True
        if not self._other[term]:
            return False
        if _lang(owner) == "ru":
            return self._analyzer.is_relational(owner.key)
        return owner.surface.endswith("'s")

    def _names_other_register(self, first: int, last: int) -> bool:
        """Return True when a single everyday domain noun has a word of another field right
        after it in an oblique case, its genitive complement: "реестр залогов", "список
        покупок", "статус посылки" name another register. A rarer domain word keeps its sense
        whatever follows ("сделать иноагентом студента": the student is the verb's object)."""
        terms = self._terms
        word, nxt = terms[first], terms[last + 1]
        return (first == last and word.weight < EVERYDAY_DOMAIN_MAX and _lang(word) == "ru"
                and _lang(nxt) == "ru" and nxt.at - word.at == 1
                and self._analyzer.is_oblique(self._words[nxt.at]))

    def _depends(self, first: int, last: int) -> bool:
        """Return True when the phrase first..last is itself a complement: a preposition
        (articles aside) stands before it, or its last word is in an oblique case. A
        complement after it then belongs to the word it depends on ("донатить иноагенту в
        игре", "give money to a foreign agent in cash", "концерт иноагента в Берлине")."""
        terms, words = self._terms, self._words
        lang = _lang(terms[last])
        start = terms[first].at - 1
        while start >= 0 and words[start] in _ARTICLES:
            start -= 1
        if start >= 0 and self._analyzer.is_preposition(words[start], lang):
            return True
        return lang == "ru" and self._analyzer.is_oblique(words[terms[last].at])


def _topic(word: str) -> bool:
    """Return True for a preposition joining a noun to its topic or contents, in either
    alphabet: "о", "об", "про", "of", "on", "about"."""
    return _spelled_in(word, _TOPIC)


def _spelled_in(word: str, closed: frozenset[str]) -> bool:
    """Return True when a word of a closed class is `word` as written or as Latin-typed
    Russian ("v", "ob"): prepositions are too short for the analyser's readings to choose."""
    return word in closed or latin_to_cyrillic(word) in closed


def _lang(term: Term) -> str:
    return "en" if term.key.startswith("en:") else "ru"


def surroundings(text: str, terms: list[Term], known: Mapping[str, str],
                 analyzer: Analyzer, abroad: Abroad | None = None) -> Surroundings:
    """Return a question's terms with the words of another field marked (see Surroundings).

    `known` maps the question's keys the base uses to its own terms (see QuestionIndex);
    `abroad` marks the terms naming a place outside Russia.
    """
    return Surroundings(tokens(text), terms, known, analyzer, phrase_starts(text), abroad)


def unit_words(texts: Iterable[tuple[str, list[Term]]]) -> frozenset[str]:
    """Return the base's units: the keys it mostly writes right after an amount.

    `texts` are the base's texts with their analysed terms (answers included: that is where
    amounts are). An amount is a plain number ("500 000", "10,000"), not an article ("20.33
    КоАП") or a law's number ("255-ФЗ"), whose words belong to the subject.
    """
    seen: Counter[str] = Counter()
    after_amount: Counter[str] = Counter()
    for text, terms in texts:
        key_of = {t.surface: t.key for t in terms}
        for t in terms:
            seen[t.key] += 1
        for word in _AFTER_AMOUNT.findall(fold(text)):
            key = key_of.get(word)
            if key is not None and not key[0].isdigit():
                after_amount[key] += 1
    return frozenset(k for k, n in after_amount.items()
                     if n >= UNIT_EVIDENCE and n / seen[k] >= UNIT_SHARE)
