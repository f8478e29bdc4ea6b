"""Route each neutral Message to the right handler and return neutral Replies."""

from __future__ import annotations

import logging
import re
import secrets
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, normalize_lang
from bot.knowledge.naming import entry_names, names_list, status_entry
from bot.textnorm import clean, script_of, tokens
from handlers import answers
from handlers.act_dates import act_period
from handlers.checks import check_reply
from handlers.commands import (
    Command,
    CommandCall,
    ParsedCommand,
    command_line,
    commands_named_in,
    handler_of,
    looks_like_command,
    parse_command,
)
from handlers.general import LANG
from handlers.markup import esc
from handlers.messages import ChatKind, Choice, Message, Reply
from handlers.named import (
    LIST_ENTRIES,
    NamedStatus,
    asks_about_none,
    fallback_entry,
    listed_entry,
    listed_names,
    names_anchor_question,
    names_asked_in,
    names_in_question,
    names_of_question,
    possibly_listed,
    status_text,
    stronger_entry,
    without_any_names,
    without_names,
)

if TYPE_CHECKING:
    from bot.knowledge.index import MatchResult
    from bot.knowledge.model import Entry
    from handlers.act_dates import Period
    from handlers.context import Services

log = logging.getLogger(__name__)

MAX_TEXT = 1000  # longer messages are not questions or names; say so instead of guessing
CHECK = "c:"
CHECK_TOKEN = "c#"
_CALLBACK_MAX_BYTES = 64
# A message of this many words tells its language well enough to answer in it, even after
# the user wrote in the other one; shorter ones (a name, "ok", "да") keep the last language.
_WORDS_TO_SWITCH_LANGUAGE = 3


class Dispatcher:
    """The conversation: one instance serves every adapter, and holds no platform knowledge.

    handlers.scanning and handlers.watching are imported where they are used, as command
    handlers are (handlers.commands): `riskguide ask` answers through a Dispatcher and needs
    neither, nor the registry and database code they load.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        # Texts behind "check this instead" buttons whose text does not fit in callback data;
        # kept in memory only, a few thousand at most, so nothing personal is persisted.
        self._pending: OrderedDict[str, str] = OrderedDict()
        # The language read from a user's latest message, for users who never chose one and
        # whose platform sends no hint; memory only, bounded.
        self._last_lang: OrderedDict[str, str] = OrderedDict()

    # -- entry point -----------------------------------------------------------------------

    async def handle(self, message: Message) -> list[Reply]:
        """Return the replies to one incoming message (possibly none, e.g. in groups)."""
        user_key = f"{message.platform.value}:{message.user_id}"
        private = message.chat_kind is ChatKind.PRIVATE
        parsed = None if message.is_callback else parse_command(
            message.text, self.services.bot_username
        )
        for_us = private or message.addressed or message.is_callback or parsed is not None
        if not for_us or message.kind == "edit":
            return []
        t = await self._translator(user_key, message)
        if not self.services.rate_limiter.allow(user_key):
            return [Reply(esc(t("error.rate_limited")))]
        if message.kind == "document":
            from handlers import scanning

            return await scanning.document(message, self.services.listings, t)
        if message.kind != "text":
            return [Reply(esc(t("error.not_text")))] if private else []
        if message.is_callback:
            return await self._callback(message, user_key, t)
        if parsed is not None:
            return await self._command(parsed, message, t)
        if looks_like_command(message.text):
            return [Reply(esc(t("error.unknown_command")))]
        from handlers import scanning

        if message.forwarded or scanning.reads_as_article(message.text):
            # A forwarded post or an article is something to publish or repost: what in
            # it needs a note matters, not an answer to it.
            return await scanning.scan_replies(message.text, self.services.listings, t)
        return self._free_text(message.text, t)

    async def error_reply(self, message: Message) -> Reply:
        """Return the polite "something went wrong" reply for message, in the user's language.

        Adapters send it from their error boundary. The language is the one every other
        reply uses (the /lang choice first, then the platform's hint), falling back to the
        hint alone when even looking the choice up fails.
        """
        try:
            t = await self._translator(f"{message.platform.value}:{message.user_id}", message)
        except Exception:  # the boundary's own fallback must not fail too
            t = Translator(normalize_lang(message.language_hint) or DEFAULT_LANGUAGE)
        return Reply(esc(t("error.internal")))

    async def inline_check(self, message: Message) -> Reply | None:
        """Return the reply for an inline query, or None: the ready note for "@bot note
        NAME", else the check of "@bot NAME".

        Inline queries arrive from any chat, so the reply carries only registry data, never
        anything about the user; rate limiting still applies.
        """
        user_key = f"{message.platform.value}:{message.user_id}"
        if not message.text.strip() or self._bad_text(message.text, Translator("en")):
            return None
        if not self.services.rate_limiter.allow(user_key):
            return None
        t = await self._translator(user_key, message)
        from handlers import scanning

        if scanning.inline_query_for_note(message.text):
            return scanning.inline_note(message.text, self.services.listings, t)
        return self.check_replies(message.text, t)[0]

    # -- helpers ---------------------------------------------------------------------------

    async def _translator(self, user_key: str, message: Message) -> Translator:
        """Return the user's Translator: the chosen language, else the platform's hint, else
        the language of the user's latest message that says enough to tell.

        Without a choice or a hint (Matrix, the console) people switch languages mid-chat,
        and a reply in the language they just wrote in is the one they can read; a message
        too short to tell ("Meduza", a bare command, a button) keeps the last one.
        """
        chosen = await self.services.preferences.get_language(
            message.platform.value, message.user_id
        )
        lang = chosen or normalize_lang(message.language_hint)
        if lang is not None:
            return Translator(lang)
        text = "" if message.is_callback else (
            message.text or (message.attachment_text or "")[:2000])
        parsed = parse_command(text) if text else None
        if parsed is not None:
            text = parsed.args
        known = self._last_lang.get(user_key)
        words = tokens(text)
        if words and script_of(text) != "none" and (
                known is None or len(words) >= _WORDS_TO_SWITCH_LANGUAGE):
            lang = self.services.questions.analyzer.detect_language(text)
            self._last_lang[user_key] = lang
            self._last_lang.move_to_end(user_key)
            while len(self._last_lang) > 10_000:
                self._last_lang.popitem(last=False)
            return Translator(lang)
        # Too short to tell: the last language; with none yet, Russian, the main audience.
        return Translator(known or "ru")

    async def _callback(self, message: Message, user_key: str, t: Translator) -> list[Reply]:
        from handlers import watching

        data = message.text
        kb = self.services.kb
        if data.startswith(answers.ANSWER):
            entry = kb.get(data[len(answers.ANSWER):])
            if entry is not None:
                return [answers.answer_reply(entry, kb, t)]
        elif data == answers.TOPIC:
            return [answers.topics_reply(kb, t)]
        elif data.startswith(answers.TOPIC):
            reply = answers.topic_reply(data[len(answers.TOPIC):], kb, t)
            if reply is not None:
                return [reply]
        elif data.startswith(CHECK):
            return self.check_replies(data[len(CHECK):], t)
        elif data.startswith(CHECK_TOKEN) and data[len(CHECK_TOKEN):] in self._pending:
            return self.check_replies(self._pending[data[len(CHECK_TOKEN):]], t)
        elif data.startswith(LANG) and data[len(LANG):] in LANGUAGES:
            return await self.set_lang(data[len(LANG):], message)
        elif data in watching.FORGET_CHOICES:
            if data == watching.FORGET_YES:
                # The language guessed from a first message is about the person too.
                self._last_lang.pop(user_key, None)
            return await watching.forget_answer(data, message, self.services, t)
        return [Reply(esc(t("error.stale_button")))]

    async def _command(
        self, parsed: ParsedCommand, message: Message, t: Translator
    ) -> list[Reply]:
        """Return what the command's handler (named by its row in the table) replies."""
        call = CommandCall(parsed.command.name, parsed.args, message, self.services, t, self)
        return await handler_of(parsed.command)(call)

    async def set_lang(self, lang: str, message: Message) -> list[Reply]:
        """Remember the person's language and confirm it in that language."""
        # Only a private chat is the person's own chat, where alerts in this language go.
        chat_id = message.chat_id if message.chat_kind is ChatKind.PRIVATE else None
        await self.services.preferences.set_language(
            message.platform.value, message.user_id, lang, chat_id=chat_id
        )
        return [Reply(esc(Translator(lang)("lang.set")))]

    def ask_replies(
        self, text: str, t: Translator, result: MatchResult | None = None
    ) -> list[Reply]:
        """Return the replies to a question: the answer, or "not sure" with close topics."""
        problem = self._bad_text(text, t)
        if problem:
            return [problem]
        names: list[NamedStatus] = []
        if result is None:
            result, names = self.match_question(text, t.lang)
        if result.entry_id is not None:
            entry = self.services.kb.get(result.entry_id)
            if entry is not None:
                return [self._full_answer(text, entry, names, result, t)]
        commands = commands_named_in(text)
        if commands:
            return [Reply(_commands_text(commands, t))]
        return [self._unanswered(result, names, t)]

    def _unanswered(self, result: MatchResult, names: list[NamedStatus],
                    t: Translator) -> Reply:
        """Return the reply to a question no entry answers: the status of the listed names it
        holds when they are what it asks about (see `match_question`), else the bot's scope or
        the closest topics."""
        reply = answers.unsure_reply(result, self.services.kb, t)
        status = (status_text(names, t) if result.outcome == "off_topic" and (
            names_anchor_question(names) or possibly_listed(names)) else None)
        if status is None:
            return reply
        return Reply("\n\n".join([status, esc(t("ask.named_only"))]), reply.choices)

    def _full_answer(self, text: str, entry: Entry, names: list[NamedStatus],
                     result: MatchResult, t: Translator) -> Reply:
        """Return the answer to a question as sent: the entry with the named organisations'
        status, the message's other questions offered, and what the commands it names do."""
        reply = self._with_other_questions(self._answer(entry, names, t), result, t)
        commands = commands_named_in(text)
        if not commands:
            return reply
        return replace(reply, text="\n\n".join([reply.text, _commands_text(commands, t)]))

    def _with_other_questions(self, reply: Reply, result: MatchResult, t: Translator) -> Reply:
        """Return the answer with the message's other questions offered first as choices."""
        others = [e for e in (self.services.kb.get(i) for i in result.also) if e is not None]
        if not others:
            return reply
        offered = tuple((answers.entry_choice(e, t.lang),) for e in others)
        return Reply("\n\n".join([reply.text, esc(t("answer.also_asked"))]),
                     offered + reply.choices)

    def read_names(self, text: str) -> tuple[list[NamedStatus], str]:
        """Return the names a question mentions with their status, and the question as the
        matcher reads it: without the names that say nothing about what is asked ("Дождю").

        One method, so that the learned ranker is fitted on the text the matcher gets in chat
        (see bot.measure.rank_fit)."""
        places = self.services.questions.names_place
        # A registry name whose only match is a country written after an organisation's name
        # ("…, Венгрия") names the country, not the organisation.
        names = [n for n in names_in_question(text, self.services)
                 if not (n.result and n.result.matches
                         and all(places(m.matched_name) for m in n.result.matches))]
        # A place abroad that only some longer registry name holds ("Канаде" of "Конгресс
        # украинцев Канады") stays in the question: it says where the question is.
        cut = [n for n in names if names_anchor_question([n])
               or not places(n.name)]
        stripped = without_names(text, cut, self.services) if cut else text
        if names and not tokens(stripped):
            stripped = text
        return names, stripped

    def match_question(self, text: str, lang: str) -> tuple[MatchResult, list[NamedStatus]]:
        """Return the best entry for a question and the names it mentions with their status.

        Names are cut out before matching: "Дождю" says nothing about what is being asked.
        """
        names, stripped = self.read_names(text)
        anchored = names_anchor_question(names)
        # "донатил ФБК в 2023": the list that applied then decides, not the one that applies now.
        when = act_period(text) if names else None
        possible = possibly_listed(names)
        result = self.services.questions.match(stripped, lang,
                                               in_scope=anchored or bool(possible))
        if (anchored or possible) and asks_about_none(result):
            # "How old is Shulman?": the name is what it asks about, not the law.
            return replace(result, outcome="off_topic", entry_id=None, alternatives=(),
                           also=(), also_asked=()), names
        if not anchored and result.outcome == "answer" and any(
                all(self.services.questions.is_common_word(w) for w in tokens(n.name))
                for n in names if n not in possible):
            # A name of everyday words that no registry lists still tells the field: "extremist
            # groups in the Star Wars universe", "the UK's list of proscribed organisations".
            whole = self.services.questions.match(text, lang)
            if whole.outcome == "off_topic" and whole.elsewhere:
                result = whole
        # Of a message asking several questions, the names of the one answered decide its
        # entry; the status of every name is still told.
        own = names_asked_in(text, names, result.asked)
        if names_anchor_question(own):
            # "radio svoboda nezhelatelnaya ili inoagent?": the name's status is the question;
            # a listed name the matcher found no topic for gets its list's closest entry.
            asked = without_any_names(text, own)
            entry_id = status_entry(self.services.questions, asked, lang,
                                    names=tuple(n.name for n in own),
                                    matched=result.entry_id,
                                    close=tuple(a.entry_id for a in result.alternatives),
                                    listed=tuple(n.name for n in listed_names(own))) or (
                result.entry_id if result.entry_id is not None else
                fallback_entry([a.entry_id for a in result.alternatives], own, when))
            if entry_id is not None:
                result = replace(result, outcome="answer", entry_id=entry_id)
        # Naming nobody, the entry stands: no title names nobody and no list makes it graver.
        if own and result.entry_id is not None and not entry_names(
                self.services.questions, result.entry_id, tuple(n.name for n in own)):
            entry_id = stronger_entry(result.entry_id, own, when)
            if entry_id == result.entry_id:
                asked = without_any_names(text, own)
                entry_id = listed_entry(
                    entry_id, own, tuple(a.entry_id for a in result.alternatives),
                    lambda e: names_list(self.services.questions, asked, lang, e, LIST_ENTRIES),
                    when)
            result = replace(result, entry_id=entry_id)
        if names and result.also:
            result = self._graver_offers(text, names, result, when)
        commands = commands_named_in(text)
        if commands:
            result = self._explaining(commands, stripped, lang, result)
        return result, names

    def _graver_offers(self, text: str, names: list[NamedStatus], result: MatchResult,
                       when: Period | None) -> MatchResult:
        """Return `result` with the entries offered for the message's other questions made as
        grave as the lists their own names are on: "… Also, can I donate to FBK?" offers
        financing a banned organisation, not donating to a foreign agent (see
        `stronger_entry`). A question whose words cannot be placed in the text keeps its
        offer: another question's names must not change it."""
        offered: dict[str, str] = {}
        for entry_id, part in zip(result.also, result.also_asked, strict=True):
            own = names_of_question(text, names, part) or []
            if own and not entry_names(self.services.questions, entry_id,
                                       tuple(n.name for n in own)):
                entry_id = stronger_entry(entry_id, own, when)
            if entry_id != result.entry_id:
                offered.setdefault(entry_id, part)
        return replace(result, also=tuple(offered), also_asked=tuple(offered.values()))

    def _explaining(self, commands: list[Command], text: str, lang: str,
                    result: MatchResult) -> MatchResult:
        """Return the match of a question naming this bot's commands ("what does /forget
        do?"): it is about the bot, so in scope; of the close entries, the first whose answer
        explains a named command, else the matcher's own entry, else none (the reply is then
        the commands' help lines alone, see `ask_replies`)."""
        scoped = result if result.entry_id is not None else self.services.questions.match(
            text, lang, in_scope=True)
        for entry_id in (scoped.entry_id, *(a.entry_id for a in scoped.alternatives)):
            entry = self.services.kb.get(entry_id) if entry_id else None
            if entry is not None and any(f"/{c.name}" in answer for c in commands
                                         for answer in entry.answer.values()):
                return replace(scoped, outcome="answer", entry_id=entry_id)
        return result

    def _answer(self, entry: Entry, names: list[NamedStatus], t: Translator) -> Reply:
        """Return the answer to an entry, with the named organisations' status in the same reply."""
        reply = answers.answer_reply(entry, self.services.kb, t)
        status = status_text(names, t) if names else None
        if status is None:
            return reply
        return Reply("\n\n".join([reply.text, status]), reply.choices)

    def check_replies(self, name: str, t: Translator) -> list[Reply]:
        """Return the check of a name, or a polite reply when it cannot be one."""
        problem = self._bad_text(name, t)
        if problem:
            return [problem]
        return [check_reply(name, self.services, t)]

    def _bad_text(self, text: str, t: Translator) -> Reply | None:
        """Return a polite reply for input that cannot be a question or a name, else None."""
        if len(text) > MAX_TEXT:
            return Reply(esc(t("error.too_long", limit=MAX_TEXT)))
        if not tokens(clean(text)):
            return Reply(esc(t("error.empty")))
        return None

    def _check_choice(self, text: str, t: Translator) -> Choice:
        data = CHECK + text
        if len(data.encode("utf-8")) > _CALLBACK_MAX_BYTES:
            token = secrets.token_urlsafe(6)
            self._pending[token] = text
            while len(self._pending) > 5000:
                self._pending.popitem(last=False)
            data = CHECK_TOKEN + token
        return Choice(t("btn.check_instead"), data)

    def _free_text(self, text: str, t: Translator) -> list[Reply]:
        """Answer a question or check a name, whichever the text more likely is.

        A confident question match wins unless the text reads as a name; a short text that
        is no known question is checked when the registries know it; otherwise the user gets
        the closest topics and a button to check the text as a name.
        """
        problem = self._bad_text(text, t)
        if problem:
            return [problem]
        name_like = looks_like_name(text)
        names: list[NamedStatus] = []
        if name_like:
            result = self.services.questions.match(text, t.lang)
        else:
            result, names = self.match_question(text, t.lang)
        entry = self.services.kb.get(result.entry_id) if result.entry_id else None
        if entry is not None and not name_like:
            return [self._full_answer(text, entry, names, result, t)]
        commands = commands_named_in(text)
        if commands:
            return [Reply(_commands_text(commands, t))]
        listings = self.services.listings
        short = len(tokens(text)) <= 6 and "?" not in text
        if listings is not None and (name_like or short):
            found = listings.check(text)
            if name_like or found.status in ("listed", "possible", "excluded"):
                replies = [check_reply(text, self.services, t, found)]
                if entry is not None:
                    replies.append(Reply(esc(t("route.maybe_question")),
                                         choices=((answers.entry_choice(entry, t.lang),),)))
                return replies
        reply = self._unanswered(result, names, t)
        if listings is not None and short:
            reply = Reply(reply.text, (*reply.choices, (self._check_choice(clean(text), t),)))
        return [reply]


_QUESTION_WORDS = set(
    [
        "что", "как", "кто", "где", "когда", "почему", "зачем", "можно", "ли", "сколько",
        "какой", "какая", "какие", "нужно", "надо", "могут", "может", "чем", "если", "what",
        "how", "who", "where", "when", "why", "can", "is", "are", "do", "does", "should",
        "which", "must", "if", "chto", "kak", "kto", "gde", "kogda", "pochemu", "mozhno",
        "skolko",
    ]
)


def looks_like_name(text: str) -> bool:
    """Return True when free text reads as a person's or organisation's name, not a question.

    Names are short, carry no question mark and open with no question word; quoted titles
    («Мемориал») and capitalised words count for a name.
    """
    stripped = clean(text)
    if "?" in stripped:
        return False
    words = tokens(stripped)
    if not words or len(words) > 7:
        return False
    if words[0] in _QUESTION_WORDS or any(w in ("ли", "ли?") for w in words):
        return False
    capitals = sum(1 for w in re.findall(r"[^\W\d_]+", stripped) if w[:1].isupper())
    quoted = bool(re.search(r"[\"«»“”]", text))
    return quoted or capitals >= max(1, len(words) // 2)


def _commands_text(commands: list[Command], t: Translator) -> str:
    """Return what the commands a question names do, one help line each."""
    return "\n".join([esc(t("ask.commands_heading")),
                       *(esc(command_line(c, t)) for c in commands)])
