"""The Telegram adapter: python-telegram-bot v22 updates to neutral Messages, Replies to HTML.

Only translation lives here — which update means which `Message`, and how a `Reply` looks on
Telegram (HTML, inline keyboards, 4096-character parts). Everything the bot *says* is decided by
`handlers.dispatcher.Dispatcher`. The adapter is also the error boundary: an exception while
handling an update is logged and answered with one polite, translated message, and
`TelegramAdapter.send` (alerts and digests) raises only the neutral errors of `bot.watch.model`.

API reference: https://docs.python-telegram-bot.org/en/v22.8/ and https://core.telegram.org/bots/api
"""

from __future__ import annotations

import functools
import hashlib
import html
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram import Message as TgMessage
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from bot import redact
from bot.config import Settings
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator
from bot.scan_input import MAX_BYTES
from bot.watch.model import RecipientGone, RetryLater, SendError, TransientError
from handlers.answers import TOPIC
from handlers.commands import COMMANDS, parse_command
from handlers.dispatcher import Dispatcher
from handlers.markup import to_html, to_plain
from handlers.messages import Attachment, ChatKind, Choice, Message, Platform, Reply
from handlers.scanning import with_file

log = logging.getLogger(__name__)
# python-telegram-bot's loggers that write the Bot API URL (see telegram/_utils/logging.py).
PTB_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")

MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted after entity parsing
MAX_CAPTION = MessageLimit.CAPTION_LENGTH  # 1024, the caption under a photo or a document
# Retries after a 429: without them AIORateLimiter (max_retries=0 by default) drops the message.
RATE_LIMIT_RETRIES = 3
# Only the update types we handle: Telegram then does not even deliver the rest.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "inline_query")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # answers cite several sources; no big cards
# Kinds of non-text messages reported to the dispatcher, in the order they are looked for.
_MEDIA_KINDS = (
    "sticker", "photo", "voice", "video", "video_note", "audio", "animation", "document",
    "location", "contact", "poll", "dice",
)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")
# Group commands whose handler needs to know whether the sender is a chat administrator.
# Asking costs one getChatMember call, so only these pay for it, not every group message.
ADMIN_COMMANDS = frozenset({"digest"})
_ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
# BadRequest descriptions that mean the chat is gone for good. PTB drops Telegram's
# "Bad Request: " prefix and capitalises the rest, hence the lower-cased comparison.
_GONE_BAD_REQUESTS = ("chat not found", "user is deactivated")


# -- rendering ----------------------------------------------------------------------------------


def _units(text: str) -> int:
    """Return text's length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, budget: int) -> int:
    """Return the largest index i such that text[:i] is at most `budget` UTF-16 units long."""
    if _units(text) <= budget:
        return len(text)
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > budget:
            return i
    return len(text)


def _inside_markup(text: str, pos: int) -> int:
    """Return where the tag or entity that `pos` falls inside starts, or `pos` if it is in text."""
    lt, gt = text.rfind("<", 0, pos), text.rfind(">", 0, pos)
    if lt > gt:
        return lt
    amp = text.rfind("&", 0, pos)
    if amp != -1 and ";" not in text[amp:pos] and re.match(r"&#?\w*$", text[amp:pos]):
        return amp
    return pos


def _cut_point(text: str, budget: int) -> tuple[int, int]:
    """Return (end of this part, start of the next) for cutting text within `budget` units.

    Prefers the last paragraph break, then line break, then space; failing all, cuts between
    two characters — never inside a tag or an entity such as `&amp;`.
    """
    limit = _prefix_within(text, budget)
    for sep in ("\n\n", "\n", " "):
        pos = text.rfind(sep, 0, limit + len(sep))  # the separator itself is dropped
        if pos > 0 and _inside_markup(text, pos) == pos:
            return pos, pos + len(sep)
    pos = _inside_markup(text, limit)
    if pos <= 0:  # one tag longer than the budget cannot happen with our markup; still progress
        pos = max(limit, 1)
    return pos, pos


def _open_tags(text: str, stack: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the (name, opening tag) stack still open after `text`, starting from `stack`."""
    stack = list(stack)
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if not m.group(1):
            stack.append((name, m.group(0)))
        elif stack and stack[-1][0] == name:
            stack.pop()
    return stack


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Return Telegram HTML cut into parts of at most `limit` characters, at paragraph breaks.

    Lengths are counted in UTF-16 units including the tags, which is never less than what
    Telegram counts. A tag left open at a cut is closed at the end of the part and reopened at
    the start of the next one, so every part is valid HTML on its own. Empty parts are dropped.
    """
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    rest = text
    while rest:
        reopen = "".join(tag for _, tag in stack)
        if _units(reopen + rest) <= limit:
            parts.append(reopen + rest)
            break
        budget = limit - _units(reopen)
        while True:
            end, nxt = _cut_point(rest, budget)
            after = _open_tags(rest[:end], stack)
            closers = "".join(f"</{name}>" for name, _ in reversed(after))
            part = reopen + rest[:end] + closers
            if _units(part) <= limit or budget <= 1:
                break
            budget -= _units(closers)  # make room for the closing tags and cut again
        parts.append(part)
        stack, rest = after, rest[nxt:]
    return [p.strip("\n") for p in parts if _strip_tags(p).strip()]


def _strip_tags(text: str) -> str:
    """Return the visible text of Telegram HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", text))


def keyboard(choices: Sequence[Sequence[Choice]]) -> InlineKeyboardMarkup | None:
    """Return the inline keyboard for a reply's rows of choices, or None when it has none."""
    rows = [
        [InlineKeyboardButton(c.label, callback_data=c.data) for c in row] for row in choices if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def render(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """Return the Telegram text messages for one reply: HTML parts, the keyboard on the last.

    A reply whose attachment says it all (no text, no choices) has no text messages; an empty
    reply without one still sends "…", since Telegram refuses an empty message.
    """
    parts = split_html(to_html(reply.text))
    if not parts and reply.attachment is not None:
        return []
    parts = parts or [html.escape("…")]
    markup = keyboard(reply.choices)
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def render_caption(attachment: Attachment) -> tuple[str | None, list[str]]:
    """Return (caption as HTML, or None; messages to send after the file).

    A caption that fits Telegram's 1024 characters goes under the file; a longer one is sent
    as messages of its own right after it, so nothing the user should read is cut off.
    """
    if not attachment.caption or not attachment.caption.strip():
        return None, []
    text = to_html(attachment.caption)
    if _units(text) <= MAX_CAPTION:
        return text, []
    return None, split_html(text)


# -- errors -------------------------------------------------------------------------------------


def retry_after_seconds(exc: RetryAfter) -> float:
    """Return how long Telegram asked to wait, in seconds, from a RetryAfter error.

    PTB 22.2+ holds a timedelta but still returns an int from `retry_after` with a deprecation
    warning unless PTB_TIMEDELTA is set; accept either form and keep the warning out of logs.
    https://docs.python-telegram-bot.org/en/v22.8/telegram.error.html#telegram.error.RetryAfter
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def send_error(exc: TelegramError) -> SendError:
    """Return the neutral send error for a python-telegram-bot error (bot.watch.model).

    The alert sender knows no Telegram: flood control becomes RetryLater, a blocked bot or a
    deleted chat RecipientGone, and everything else TransientError — network errors, time-outs,
    5xx answers, and also BadRequests we do not recognise, which the sender stops retrying
    after its attempt limit. https://core.telegram.org/bots/api#making-requests
    """
    if isinstance(exc, RetryAfter):
        return RetryLater(retry_after_seconds(exc), f"Telegram flood control: {exc}")
    if isinstance(exc, Forbidden):  # blocked by the user, kicked from the group, deactivated
        return RecipientGone(f"Telegram: {exc}")
    if isinstance(exc, BadRequest) and any(s in str(exc).lower() for s in _GONE_BAD_REQUESTS):
        return RecipientGone(f"Telegram: {exc}")
    # NetworkError and its TimedOut, InvalidToken, other BadRequests (PTB makes BadRequest a
    # NetworkError subclass, which is why the gone ones are picked out above), ...
    return TransientError(f"Telegram: {type(exc).__name__}: {exc}")


def _reply_parameters(reply_to: int | None) -> ReplyParameters | None:
    """Return the Bot API's reply parameters quoting `reply_to`, or None for no quote."""
    if reply_to is None:
        return None
    return ReplyParameters(reply_to, allow_sending_without_reply=True)


def _chat(chat_id: str) -> int | str:
    """Return a stored chat id as the Bot API takes it: an integer, or "@channelname"."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


# -- incoming updates ---------------------------------------------------------------------------


def _chat_kind(chat_type: str) -> ChatKind | None:
    if chat_type == ChatType.PRIVATE:
        return ChatKind.PRIVATE
    if chat_type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ChatKind.GROUP
    return None  # channels: the bot does not talk there


def _media_kind(message: TgMessage) -> str:
    for kind in _MEDIA_KINDS:
        if getattr(message, kind, None):
            return kind
    return "other"


def is_addressed(message: TgMessage, bot_id: int, bot_username: str | None) -> bool:
    """Return True when a group message mentions the bot or replies to one of its messages."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return True
    wanted = f"@{bot_username}".lower() if bot_username else None
    entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    entities.update(
        message.parse_caption_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    )
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and wanted and text.lower() == wanted:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def message_from_update(update: Update, bot_id: int, bot_username: str | None) -> Message | None:
    """Return the neutral Message for a message or edited-message update, or None to skip it.

    In groups the bot's own @mention is removed from the text, so "@bot what is X?" reaches the
    dispatcher as the question alone.
    """
    tg = update.message or update.edited_message
    user = update.effective_user
    if tg is None or user is None or user.is_bot:
        return None
    kind_of_chat = _chat_kind(tg.chat.type)
    if kind_of_chat is None:
        return None
    text = tg.text or ""
    forwarded = tg.forward_origin is not None
    if update.edited_message is not None:
        kind = "edit"
    elif tg.text is not None:
        kind = "text"
    elif tg.document is not None:
        kind = "document"
        text = tg.caption or ""
    elif forwarded and tg.caption:
        kind, text = "text", tg.caption  # a forwarded post with a picture: its words count
    else:
        kind = _media_kind(tg)
    addressed = kind_of_chat is ChatKind.GROUP and is_addressed(tg, bot_id, bot_username)
    if addressed and bot_username and text:
        text = re.sub(rf"(?i)@{re.escape(bot_username)}\b", "", text).strip()
    is_command = any(
        e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in tg.entities or ()
    )
    return Message(
        text=text,
        user_id=str(user.id),
        chat_id=str(tg.chat.id),
        chat_kind=kind_of_chat,
        platform=Platform.TELEGRAM,
        language_hint=user.language_code,
        addressed=addressed,
        is_command=is_command,
        kind=kind,
        forwarded=forwarded,
        attachment_name=tg.document.file_name if tg.document is not None else None,
    )


def needs_admin_check(message: Message, bot_username: str | None) -> bool:
    """Return True for a group command whose handler needs `Message.sender_is_admin`.

    Only commands in ADMIN_COMMANDS pay for the getChatMember call; other group messages, and
    every private message (where the flag means nothing), do not.
    """
    if message.chat_kind is not ChatKind.GROUP or message.kind != "text":
        return False
    parsed = parse_command(message.text, bot_username)
    return parsed is not None and parsed.command.name in ADMIN_COMMANDS


def menu_commands(lang: str) -> list[BotCommand]:
    """Return the command menu in one language, from the neutral command table."""
    t = Translator(lang)
    return [BotCommand(c.name, t(c.help_key)[:256]) for c in COMMANDS if c.in_menu]


# -- the adapter --------------------------------------------------------------------------------


class TelegramAdapter:
    """Serve one Dispatcher on Telegram; `start()` and `stop()` run inside the caller's loop."""

    def __init__(
        self, settings: Settings, dispatcher: Dispatcher, *, poll_timeout: int = 10,
        rate_limit_retries: int = RATE_LIMIT_RETRIES,
    ) -> None:
        if not settings.telegram_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.dispatcher = dispatcher
        self.poll_timeout = poll_timeout
        self.rate_limit_retries = rate_limit_retries
        # httpx logs every request at INFO with its URL, and the URL contains the bot token.
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # PTB logs "Set Bot API URL: …/bot<token>" at DEBUG: keep the line, hide the token.
        redact.install_filter(*(logging.getLogger(name) for name in PTB_LOGGERS))
        builder = (
            Application.builder()
            .token(settings.telegram_token)
            .rate_limiter(AIORateLimiter(max_retries=rate_limit_retries))
        )
        if settings.telegram_api_base_url:
            base = settings.telegram_api_base_url
            builder = builder.base_url(base)
            # Files are served beside the methods: <server>/file/bot<token>/<path>, as on
            # api.telegram.org and the self-hosted Bot API server.
            if base.rstrip("/").endswith("/bot"):
                builder = builder.base_file_url(base.rstrip("/")[: -len("bot")] + "file/bot")
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self._add_handlers()

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (getMe), publish the command menu and start polling or the webhook server."""
        app = self.application
        try:
            await app.initialize()
        except InvalidToken:
            # PTB's message quotes the token itself; never let it reach a log or a traceback.
            raise RuntimeError("Telegram rejected the bot token (TELEGRAM_BOT_TOKEN)") from None
        try:
            self.dispatcher.services.bot_username = app.bot.username
            await self._set_commands()
            await app.start()
            assert app.updater is not None  # built by ApplicationBuilder by default
            if self.settings.telegram_webhook_url:
                await self._start_webhook()
            else:
                await app.updater.start_polling(
                    timeout=self.poll_timeout, allowed_updates=list(ALLOWED_UPDATES)
                )
                log.info("Telegram: polling as @%s", app.bot.username)
        except BaseException:
            await self.stop()
            raise

    async def _start_webhook(self) -> None:
        settings = self.settings
        assert settings.telegram_webhook_url and self.application.updater is not None
        host, _, port = settings.telegram_webhook_listen.rpartition(":")
        # Telegram sends this secret in a header with every update, so strangers who find the
        # URL cannot inject updates. Derived from the token when not configured, so every
        # instance behind a load balancer agrees on it without extra configuration.
        secret = settings.telegram_webhook_secret or hashlib.sha256(
            b"riskguide-webhook:" + (settings.telegram_token or "").encode()
        ).hexdigest()
        await self.application.updater.start_webhook(
            listen=host or "127.0.0.1",
            port=int(port),
            url_path=urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
            webhook_url=settings.telegram_webhook_url,
            allowed_updates=list(ALLOWED_UPDATES),
            secret_token=secret,
        )
        log.info("Telegram: webhook listening on %s", settings.telegram_webhook_listen)

    async def stop(self) -> None:
        """Stop polling or the webhook, finish the update in progress and close connections."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def _set_commands(self) -> None:
        """Publish the command menu per language, plus a default for every other language."""
        bot = self.application.bot
        try:
            for lang in LANGUAGES:
                await bot.set_my_commands(menu_commands(lang), language_code=lang)
            await bot.set_my_commands(menu_commands(DEFAULT_LANGUAGE))
        except TelegramError as exc:  # the menu is a convenience; answering matters more
            log.warning("Telegram: could not set the command menu: %s", exc)

    # -- handlers -------------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        chats = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
        # One handler for every message kind: commands are parsed by the dispatcher from the
        # neutral command table (aliases such as "/вопрос" are no valid Telegram commands, so
        # CommandHandler could not take them).
        app.add_handler(MessageHandler(chats & filters.UpdateType.MESSAGES, self._on_message))
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_handler(InlineQueryHandler(self._on_inline))
        app.add_error_handler(self._on_error)

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Turn a message, edit or media message into a Message and send the replies."""
        bot = context.bot
        message = message_from_update(update, bot.id, bot.username)
        tg = update.effective_message
        if message is None or tg is None:
            return
        if needs_admin_check(message, bot.username):
            message = replace(
                message, sender_is_admin=await self._is_admin(tg.chat_id, int(message.user_id))
            )
        if (message.kind == "document" and tg.document is not None
                and (message.chat_kind is ChatKind.PRIVATE or message.addressed)):
            message = await self._with_document(message, tg.document)
        replies = await self._dispatch(message)
        reply_to = tg.message_id if message.chat_kind is ChatKind.GROUP else None
        await self._send(tg.chat_id, replies, message, reply_to=reply_to)

    async def _with_document(self, message: Message, document: Document) -> Message:
        """Return the message with the sent file's text, or the reason it cannot be read.

        The size Telegram reports is checked before downloading anything; the bytes are
        decoded by the one reader every entry point shares and kept only in this message.
        https://core.telegram.org/bots/api#getfile
        """
        if document.file_size is not None and document.file_size > MAX_BYTES:
            return replace(message, attachment_problem="too_big")
        try:
            file = await document.get_file()
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("Telegram: could not download a document: %s", exc)
            return replace(message, attachment_problem="unavailable")
        return with_file(message, data, document.file_name)

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer a button press: stop the spinner first, then send (or edit in) the reply."""
        query = update.callback_query
        if query is None:
            return
        try:
            # Always answered, even for stale or malformed data, or the button keeps spinning.
            await query.answer()
        except TelegramError as exc:  # too old to answer: still handle the press
            log.debug("Telegram: callback query not answered: %s", exc)
        tg = query.message
        kind = _chat_kind(tg.chat.type) if tg is not None else None
        if tg is None or kind is None:
            return  # a button under an inline-mode message: no chat to answer in
        message = Message(
            text=query.data or "",
            user_id=str(query.from_user.id),
            chat_id=str(tg.chat.id),
            chat_kind=kind,
            platform=Platform.TELEGRAM,
            language_hint=query.from_user.language_code,
            is_callback=True,
        )
        replies = await self._dispatch(message)
        # Browsing topics replaces the menu in place instead of piling up menus in the chat.
        if (
            (query.data or "").startswith(TOPIC)
            and len(replies) == 1
            and isinstance(tg, TgMessage)
            and await self._edit(tg, replies[0])
        ):
            return
        await self._send(tg.chat.id, replies, message)

    async def _on_inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer "@bot NAME" from any chat with one article: the check result, or nothing."""
        query = update.inline_query
        if query is None:
            return
        message = Message(
            text=query.query,
            user_id=str(query.from_user.id),
            chat_id=str(query.from_user.id),
            platform=Platform.TELEGRAM,
            language_hint=query.from_user.language_code,
        )
        try:
            reply = await self.dispatcher.inline_check(message)
        except Exception as exc:
            redact.log_failure(log, "Telegram: inline check failed", exc)
            reply = None
        results = []
        if reply is not None:
            body = split_html(to_html(reply.text))[:1] or [html.escape("…")]
            lines = [line for line in to_plain(reply.text).splitlines() if line.strip()]
            title = reply.summary or (lines[0] if lines else query.query)
            description = (" ".join(lines[:2]) if reply.summary else " ".join(lines[1:3]))
            results.append(InlineQueryResultArticle(
                id=hashlib.sha256(body[0].encode()).hexdigest()[:32],
                title=title[:100],
                description=description[:200] or None,
                input_message_content=InputTextMessageContent(
                    body[0], parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
                ),
            ))
        try:
            # Personal only in the sense of language: the text is in the asker's language, so
            # Telegram must not serve one user's cached result to another.
            await query.answer(results, cache_time=60, is_personal=True)
        except TelegramError as exc:
            log.warning("Telegram: inline query not answered: %s", exc)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log errors PTB caught outside our own boundaries (no update content: it is personal,
        and neither is the error's text, which can quote it)."""
        if context.error is not None:
            redact.log_failure(log, "Telegram: error while processing an update", context.error)

    # -- talking to the dispatcher and to Telegram ------------------------------------------------

    async def _dispatch(self, message: Message) -> list[Reply]:
        """Return the dispatcher's replies, or the polite error reply if it fails."""
        try:
            return await self.dispatcher.handle(message)
        except Exception as exc:
            redact.log_failure(log, f"Telegram: handling a {message.kind} message failed", exc)
            return [await self.dispatcher.error_reply(message)]

    async def _is_admin(self, chat_id: int, user_id: int) -> bool:
        """Return True when the user administers or owns the chat; False when unsure.

        https://core.telegram.org/bots/api#getchatmember — an error (the bot lost access, a
        flood limit) means "not an admin": the handler then refuses politely, which is the
        safe side for a setting that makes the bot post to the whole group.
        """
        try:
            member = await self.application.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("Telegram: could not look up a group member's status: %s", exc)
            return False
        return member.status in _ADMIN_STATUSES

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply to a chat on the bot's own initiative (an alert, a digest part).

        Returns once every part is delivered. It exists for the alert sender, which knows no
        Telegram: failures raise RetryLater, RecipientGone or TransientError from
        bot.watch.model, never a python-telegram-bot error. Rendering and splitting are the
        ones answers use. A reply over 4096 characters goes out as several messages, and a
        failure after the first means a retry repeats the parts already delivered (the Bot API
        has no idempotency key). AIORateLimiter has already retried a 429 `rate_limit_retries`
        times before RetryLater is raised.
        """
        await self._deliver_reply(_chat(chat_id), reply, render(reply))

    async def _send(
        self, chat_id: int | str, replies: Sequence[Reply], message: Message,
        reply_to: int | None = None,
    ) -> None:
        """Send the answers to message; a failed send is logged, not raised."""
        for reply in replies:
            try:
                messages = render(reply)
            except Exception as exc:  # the error boundary: a rendering bug gets the polite reply
                redact.log_failure(log, "Telegram: rendering a reply failed", exc)
                reply = await self.dispatcher.error_reply(message)
                messages = render(reply)
            try:
                await self._deliver_reply(chat_id, reply, messages, reply_to)
            except RecipientGone:
                log.info("Telegram: the user blocked the bot or left the chat")
                return
            except RetryLater as exc:
                log.warning("Telegram: message dropped after %d retries: %s",
                            self.rate_limit_retries, exc)
            except SendError as exc:
                log.warning("Telegram: sending failed: %s", exc)
            reply_to = None  # only the first message quotes the user's one

    async def _deliver_reply(
        self, chat_id: int | str, reply: Reply,
        messages: Sequence[tuple[str, InlineKeyboardMarkup | None]], reply_to: int | None = None,
    ) -> None:
        """Send one rendered reply: its attachment first (if any), then its text messages.

        The keyboard stays on the last text message; with no text it goes under the file, or
        under the last part of a caption too long to stay with the file. Raises the neutral
        SendError of the first failure, like _deliver.
        """
        file = reply.attachment
        if file is None:
            await self._deliver(chat_id, messages, reply_to)
            return
        caption, overflow = render_caption(file)
        extra: list[tuple[str, InlineKeyboardMarkup | None]] = [(part, None) for part in overflow]
        markup = keyboard(reply.choices) if not messages else None
        if extra and markup is not None:
            extra[-1], markup = (extra[-1][0], markup), None
        try:
            chat_id = await self._migrating(chat_id, functools.partial(
                self._post_file, file=file, caption=caption, markup=markup,
                params=_reply_parameters(reply_to),
            ))
        except TelegramError as exc:
            raise send_error(exc) from exc
        await self._deliver(chat_id, [*extra, *messages])

    async def _deliver(
        self, chat_id: int | str, messages: Sequence[tuple[str, InlineKeyboardMarkup | None]],
        reply_to: int | None = None,
    ) -> None:
        """Send rendered messages in order, the first quoting `reply_to`.

        Returns when all are sent; raises the neutral SendError of the first failure, so that
        answers and alerts share one way of sending and one error mapping.
        """
        for text, markup in messages:
            post = functools.partial(self._post, text=text, markup=markup,
                                     params=_reply_parameters(reply_to))
            try:
                chat_id = await self._migrating(chat_id, post)
            except TelegramError as exc:
                raise send_error(exc) from exc
            reply_to = None

    async def _migrating(
        self, chat_id: int | str, post: Callable[[int | str], Awaitable[None]]
    ) -> int | str:
        """Run one send and return the chat id it went to.

        A group upgraded to a supergroup has a new id, which Telegram names in the error
        (https://core.telegram.org/bots/api#responseparameters): send there once, and return
        it so the following parts go there directly.
        """
        try:
            await post(chat_id)
        except ChatMigrated as exc:
            log.info("Telegram: the group became a supergroup; sending to its new id")
            chat_id = exc.new_chat_id
            await post(chat_id)
        return chat_id

    async def _post_file(
        self, chat_id: int | str, file: Attachment, caption: str | None,
        markup: InlineKeyboardMarkup | None, params: ReplyParameters | None,
    ) -> None:
        """Send an attachment: sendPhoto for pictures, sendDocument for any other file.

        https://core.telegram.org/bots/api#sendphoto and #senddocument; the bytes go as a
        multipart upload under the attachment's file name. A caption Telegram cannot parse is
        sent again without tags, as message texts are.
        """
        mode = ParseMode.HTML if caption else None
        try:
            await self._upload(chat_id, file, caption, mode, markup, params)
        except BadRequest as exc:
            if caption is None or "parse" not in str(exc).lower():
                raise
            log.error("Telegram: caption HTML rejected (%s); sending plain text", exc)
            await self._upload(chat_id, file, _strip_tags(caption), None, markup, params)

    async def _upload(
        self, chat_id: int | str, file: Attachment, caption: str | None, mode: str | None,
        markup: InlineKeyboardMarkup | None, params: ReplyParameters | None,
    ) -> None:
        """Call sendPhoto or sendDocument once with the file's bytes and name."""
        bot = self.application.bot
        if file.is_image:
            await bot.send_photo(
                chat_id, file.data, caption=caption, parse_mode=mode, reply_markup=markup,
                reply_parameters=params, filename=file.filename,
            )
        else:
            await bot.send_document(
                chat_id, file.data, caption=caption, parse_mode=mode, reply_markup=markup,
                reply_parameters=params, filename=file.filename,
            )

    async def _post(
        self, chat_id: int | str, text: str, markup: InlineKeyboardMarkup | None,
        params: ReplyParameters | None,
    ) -> None:
        """Call sendMessage with HTML; if Telegram cannot parse it, send the text without tags."""
        bot = self.application.bot
        try:
            await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                link_preview_options=_NO_PREVIEW, reply_parameters=params,
            )
        except BadRequest as exc:
            if "parse" not in str(exc).lower():
                raise
            # A rendering bug must not cost the user the message: send it as text.
            log.error("Telegram: HTML rejected (%s); sending plain text", exc)
            await bot.send_message(
                chat_id, _strip_tags(text), reply_markup=markup,
                link_preview_options=_NO_PREVIEW, reply_parameters=params,
            )

    async def _edit(self, tg: TgMessage, reply: Reply) -> bool:
        """Replace a message's text and keyboard with a one-part reply; False when impossible."""
        parts = render(reply)
        if len(parts) != 1 or reply.attachment is not None:  # a text cannot become a file
            return False
        text, markup = parts[0]
        try:
            await tg.edit_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
            )
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True  # pressed the same entry twice: already showing it
            log.debug("Telegram: edit failed, sending instead: %s", exc)
            return False
        except TelegramError as exc:
            log.debug("Telegram: edit failed, sending instead: %s", exc)
            return False
        return True
