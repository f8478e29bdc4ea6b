"""A local Telegram Bot API server for end-to-end tests: a real HTTP server on 127.0.0.1.

It speaks the subset of https://core.telegram.org/bots/api the bot uses, validates what the
bot sends the way Telegram does (HTML must parse, text at most 4096 characters, callback data at
most 64 bytes), lets tests inject updates as users would (messages, button presses, inline
queries) and records every call. Test switches make it misbehave as Telegram does:
`rate_limit_next()` answers the next calls of a method with 429 + retry_after (flood control),
`fail_next()` with any other error, `fail_sends_to()` refuses every message and file to one chat
(403 blocked by the user, 400 chat not found), `set_member_status()` sets what getChatMember
answers, and `hang_send_number` makes one sendMessage request hang until the server stops,
never delivered (for tests that kill the bot in the middle of a send).

Request bodies are accepted as JSON, form-encoded or multipart; in the two form encodings the
object-valued parameters (reply_markup, results, commands, ...) arrive JSON-encoded. Files
(sendPhoto, sendDocument) arrive as multipart uploads and are kept in `Sent.file`; a photo
must be a PNG or JPEG picture, as Telegram processes it into sizes.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import ClientSession, web
from PIL import Image

# Parameters whose values are objects and arrive JSON-encoded in form bodies.
_JSON_PARAMS = {
    "reply_markup", "results", "commands", "scope", "entities", "caption_entities",
    "allowed_updates", "link_preview_options", "reply_parameters", "button",
}
_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
    "tg-spoiler", "tg-emoji", "blockquote",
}


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Methods that post a message into a chat: refusals and flood limits apply to all of them.
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # https://core.telegram.org/bots/api#sendphoto
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # what bots may upload (https://core.telegram.org/bots/api#senddocument)


# Telegram's descriptions for the two ways a recipient disappears (bot API error answers).
BLOCKED = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND = "Bad Request: chat not found"
# getChatMember statuses: https://core.telegram.org/bots/api#chatmember
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


class _TelegramHTML(HTMLParser):
    """Parses Telegram's HTML subset as strictly as Telegram does and collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unsupported start tag \"{tag}\""
            )
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unmatched end tag \"{tag}\""
            )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> str:
    """Return the visible text of Telegram HTML, or raise ApiError(400) as Telegram would."""
    if re.search(r"&(?!#?\w+;)", text) or re.search(r"<(?![a-zA-Z/])", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped '<' or '&'")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            + parser.stack[-1],
        )
    return "".join(parser.text)


@dataclass
class Call:
    """One request the bot made: method, decoded parameters, and when it arrived."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded, as the user's client would receive it."""

    filename: str
    mime: str
    data: bytes = field(repr=False)


@dataclass
class Sent:
    """One message the bot sent (or last edited), as a chat user would see it.

    For a photo or a document, `kind` says which, `file` holds the upload, and `text` and
    `raw` are its caption ("" when it has none).
    """

    message_id: int
    chat_id: int
    text: str  # visible text, HTML parsed
    raw: str  # the text parameter as sent
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    reply_to: int | None
    at: float
    edits: int = 0
    kind: str = "text"  # "text", "photo" or "document"
    file: Upload | None = None

    def buttons(self) -> list[tuple[str, str]]:
        """Return (label, callback_data) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class User:
    """A Telegram user the tests act as."""

    id: int
    first_name: str
    language_code: str | None = None
    username: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the User object as the Bot API sends it."""
        d: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            d["language_code"] = self.language_code
        if self.username:
            d["username"] = self.username
        return d


@dataclass
class Chat:
    """A chat: private (id = the user's id) or a group (negative id)."""

    id: int
    type: str = "private"
    title: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the Chat object as the Bot API sends it."""
        d: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            d["title"] = self.title
        return d


@dataclass
class BotAPIServer:
    """The local Bot API server; use `async with BotAPIServer() as api:` or start()/stop()."""

    token: str = "123456:TEST-token-never-logged"
    bot_id: int = 123456
    username: str = "riskguide_test_bot"
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    # user-side view of the conversation, for assertions and transcripts: (who, chat id, text)
    log: list[tuple[str, int, str]] = field(default_factory=list)
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    inline_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    # The n-th sendMessage request (counting every one received, from 1) hangs until the
    # server stops and is never delivered; None: no request hangs. Hung calls go to `hung`.
    hang_send_number: int | None = None
    # chat id -> n: the n-th sendMessage request to that chat hangs the same way.
    hang_send_to: dict[str, int] = field(default_factory=dict)
    hung: list[Call] = field(default_factory=list)
    # Enforce Telegram's sending limits as the real server does: more than 30 messages in a
    # second overall, more than one a second in a private chat (a burst of two tolerated) or
    # more than 20 a minute in a group get 429 with retry_after. `flood_429s` counts them.
    enforce_limits: bool = False
    flood_429s: int = 0
    host: str = "127.0.0.1"
    port: int = 0

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._closing = False
        self._limits: dict[str, list[int]] = {}  # method -> [remaining, retry_after]
        self._sends_at: collections.deque[tuple[float, str]] = collections.deque()
        # method -> (remaining, code, description, parameters)
        self._failures: dict[str, tuple[int, int, str, dict[str, Any] | None]] = {}
        self._refusing: dict[int, tuple[int, str]] = {}  # chat id -> (code, description)
        self._members: dict[tuple[int, int], str] = {}  # (chat id, user id) -> status
        self._released = asyncio.Event()  # set by stop(): hung requests return
        self._runner: web.AppRunner | None = None
        self._offset = 0  # highest offset the bot confirmed with getUpdates
        self._session: ClientSession | None = None
        self._chats: dict[int, Chat] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The value for python-telegram-bot's base_url (the token is appended to it)."""
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> BotAPIServer:
        """Listen on a free loopback port."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._route)
        self._runner = web.AppRunner(app, access_log=None)  # its lines would show the token
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release pending long polls and close the server."""
        self._closing = True
        self._released.set()
        await self._notify()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> BotAPIServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- test controls: flood control ---------------------------------------------------------

    def rate_limit_next(
        self, method: str = "sendMessage", n: int = 1, retry_after: int = 1
    ) -> None:
        """Answer the next n calls of `method` with 429 Too Many Requests and retry_after."""
        self._limits[method] = [n, retry_after]

    def fail_next(self, method: str, code: int, description: str, n: int = 1,
                  parameters: dict[str, Any] | None = None) -> None:
        """Answer the next n calls of `method` with an error (e.g. 500 "Internal Server Error",
        or 400 with {"migrate_to_chat_id": ...} for a group upgraded to a supergroup)."""
        self._failures[method] = (n, code, description, parameters)

    # -- test controls: recipients and members ------------------------------------------------

    def fail_sends_to(self, chat_id: int, code: int = 403, description: str = BLOCKED) -> None:
        """Refuse every message and file sent to `chat_id` from now on: by default the user
        blocked us.

        `fail_sends_to(chat, 400, CHAT_NOT_FOUND)` is a deleted chat or unknown id.
        """
        self._refusing[chat_id] = (code, description)

    def accept_sends_to(self, chat_id: int) -> None:
        """Deliver to `chat_id` again (the user unblocked the bot)."""
        self._refusing.pop(chat_id, None)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember answers for the user in the chat (default: "member")."""
        if status not in MEMBER_STATUSES:
            raise ValueError(status)
        self._members[(chat_id, user_id)] = status

    # -- test controls: what users do ---------------------------------------------------------

    def private(self, user: User) -> Chat:
        """Return the private chat between `user` and the bot."""
        return Chat(user.id)

    async def send_text(
        self, user: User, text: str, chat: Chat | None = None, reply_to: Sent | None = None
    ) -> dict[str, Any]:
        """Deliver a text message from `user` (entities for /commands and @mentions included)."""
        chat = chat or self.private(user)
        message = self._message(user, chat)
        message["text"] = text
        entities = []
        m = re.match(r"/\S+", text)
        if m:
            entities.append({"type": "bot_command", "offset": 0, "length": _units(m.group(0))})
        for m in re.finditer(r"(?<!\S)@\w+", text):
            entities.append({
                "type": "mention", "offset": _units(text[: m.start()]),
                "length": _units(m.group(0)),
            })
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self._sent_as_message(reply_to)
        self.log.append((f"user {user.first_name}", chat.id, text))
        await self._push({"message": message})
        return message

    async def send_media(self, user: User, kind: str, chat: Chat | None = None) -> dict[str, Any]:
        """Deliver a sticker, photo or voice message."""
        chat = chat or self.private(user)
        message = self._message(user, chat)
        file = {"file_id": f"F{kind}", "file_unique_id": f"U{kind}"}
        if kind == "sticker":
            message["sticker"] = {**file, "type": "regular", "width": 512, "height": 512,
                                  "is_animated": False, "is_video": False}
        elif kind == "photo":
            message["photo"] = [{**file, "width": 90, "height": 90}]
        elif kind == "voice":
            message["voice"] = {**file, "duration": 2}
        else:
            raise ValueError(kind)
        self.log.append((f"user {user.first_name}", chat.id, f"[{kind}]"))
        await self._push({"message": message})
        return message

    async def edit_text(self, user: User, message: dict[str, Any], text: str) -> None:
        """Deliver an edit of a message the user sent earlier."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        self.log.append((f"user {user.first_name} (edit)", message["chat"]["id"], text))
        await self._push({"edited_message": edited})

    async def press(self, user: User, sent: Sent, data: str | None = None) -> str:
        """Press a button under a bot message (by callback data; default: the first button).

        Returns the callback query id, to look up its answer in `callback_answers`.
        """
        if data is None:
            data = sent.buttons()[0][1]
        query_id = str(next(self._query_ids))
        chat = self._chats.get(sent.chat_id, Chat(sent.chat_id))
        self.log.append((f"user {user.first_name} (button)", sent.chat_id, data))
        await self._push({"callback_query": {
            "id": query_id, "from": user.as_dict(), "chat_instance": str(sent.chat_id),
            "message": {**self._sent_as_message(sent), "chat": chat.as_dict()},
            "data": data,
        }})
        return query_id

    async def inline_query(self, user: User, query: str) -> str:
        """Type "@bot query" in any chat; returns the inline query id."""
        query_id = str(next(self._query_ids))
        self.log.append((f"user {user.first_name} (inline)", 0, query))
        await self._push({"inline_query": {
            "id": query_id, "from": user.as_dict(), "query": query, "offset": "",
            "chat_type": "sender",
        }})
        return query_id

    # -- test controls: waiting for the bot ---------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until predicate() is truthy (re-checked after every request); return its value."""
        async def waiter() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    await self._changed.wait()
                return value

        return await asyncio.wait_for(waiter(), timeout)

    async def replies(self, chat_id: int, after: int, count: int = 1,
                      timeout: float = 10.0) -> list[Sent]:
        """Wait for `count` messages the bot sends to `chat_id` after `len(self.sent) == after`."""
        def ready() -> list[Sent] | None:
            got = [s for s in self.sent[after:] if s.chat_id == chat_id]
            return got if len(got) >= count else None

        got: list[Sent] = await self.wait_for(ready, timeout)
        return got

    async def say(self, user: User, text: str, chat: Chat | None = None, count: int = 1,
                  reply_to: Sent | None = None) -> list[Sent]:
        """Send text and wait for the bot's `count` messages in that chat."""
        chat = chat or self.private(user)
        mark = len(self.sent)
        await self.send_text(user, text, chat, reply_to=reply_to)
        return await self.replies(chat.id, mark, count)

    def pending(self) -> int:
        """Return how many injected updates the bot has not confirmed yet."""
        return sum(1 for u in self._updates if u["update_id"] >= self._offset)

    def calls_to(self, method: str) -> list[Call]:
        """Return the recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    def transcript(self) -> str:
        """Return the conversation as the server saw it, one line per message."""
        return "\n".join(f"{who} [{chat}]: {text}" for who, chat, text in self.log)

    # -- update queue -------------------------------------------------------------------------

    def _message(self, user: User, chat: Chat) -> dict[str, Any]:
        self._chats[chat.id] = chat
        return {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": chat.as_dict(), "from": user.as_dict(),
        }

    def _sent_as_message(self, sent: Sent) -> dict[str, Any]:
        chat = self._chats.get(sent.chat_id, Chat(sent.chat_id))
        msg: dict[str, Any] = {
            "message_id": sent.message_id, "date": int(sent.at), "chat": chat.as_dict(),
            "from": self._me(),
        }
        if sent.file is None:
            msg["text"] = sent.text
        else:
            file = {"file_id": f"F{sent.message_id}", "file_unique_id": f"U{sent.message_id}",
                    "file_size": len(sent.file.data)}
            if sent.kind == "photo":
                width, height = Image.open(io.BytesIO(sent.file.data)).size
                msg["photo"] = [{**file, "width": width, "height": height}]
            else:
                msg["document"] = {**file, "file_name": sent.file.filename,
                                   "mime_type": sent.file.mime}
            if sent.text:
                msg["caption"] = sent.text
        if sent.reply_markup:
            msg["reply_markup"] = sent.reply_markup
        return msg

    async def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        if self.webhook.get("url"):
            await self._deliver(update)
            return
        self._updates.append(update)
        await self._notify()

    async def _deliver(self, update: dict[str, Any]) -> None:
        """POST an update to the webhook, as Telegram does when one is set."""
        if self._session is None:
            self._session = ClientSession()
        headers = {}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with self._session.post(self.webhook["url"], json=update, headers=headers) as r:
            if r.status != 200:
                raise AssertionError(f"webhook answered {r.status}")

    def _me(self) -> dict[str, Any]:
        return {
            "id": self.bot_id, "is_bot": True, "first_name": "RiskGuide",
            "username": self.username,
        }

    # -- HTTP ---------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            body = await request.text()
            if body:
                params.update(json.loads(body))
            return params
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = Upload(value.filename, value.content_type, value.file.read())
                    continue
                if not isinstance(value, str):
                    continue
                params[key] = json.loads(value) if key in _JSON_PARAMS else value
        return params

    async def _route(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            if method == "sendMessage" and self.hang_send_number == len(
                self.calls_to("sendMessage")
            ):
                await self._hang(call)
            chat = str(params.get("chat_id", ""))
            if method == "sendMessage" and chat in self.hang_send_to:
                to_chat = [c for c in self.calls_to("sendMessage")
                           if str(c.params.get("chat_id")) == chat]
                if self.hang_send_to[chat] == len(to_chat):
                    await self._hang(call)
            if method in SEND_METHODS and self.enforce_limits:
                self._check_flood(str(params.get("chat_id", "")), call.at)
            limit = self._limits.get(method)
            if limit and limit[0] > 0:
                limit[0] -= 1
                raise ApiError(429, f"Too Many Requests: retry after {limit[1]}",
                               {"retry_after": limit[1]})
            failure = self._failures.get(method)
            if failure and failure[0] > 0:
                self._failures[method] = (failure[0] - 1, *failure[1:])
                raise ApiError(failure[1], failure[2], failure[3])
            handler = getattr(self, f"_api_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(params)
        except ApiError as exc:
            call.status = exc.code
            body: dict[str, Any] = {
                "ok": False, "error_code": exc.code, "description": exc.description
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            await self._notify()
            return web.json_response(body, status=exc.code)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    def _check_flood(self, chat_id: str, at: float) -> None:
        """Raise 429 when this sendMessage breaks a limit; otherwise count it as sent."""
        recent = self._sends_at
        while recent and at - recent[0][0] > 60:
            recent.popleft()
        overall = sum(1 for t, _ in recent if at - t < 1.0)
        in_chat = [t for t, c in recent if c == chat_id]
        group = chat_id.startswith("-")
        if (overall >= 30 or (group and len(in_chat) >= 20)
                or (not group and sum(1 for t in in_chat if at - t < 1.0) >= 2)):
            self.flood_429s += 1
            raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        recent.append((at, chat_id))

    async def _hang(self, call: Call) -> None:
        """Hold a request until the server stops (the client may be killed meanwhile)."""
        self.hung.append(call)
        await self._notify()
        await self._released.wait()
        raise ApiError(502, "Bad Gateway")  # nothing was delivered

    # -- Bot API methods ------------------------------------------------------------------------

    async def _api_getme(self, p: dict[str, Any]) -> Any:
        return {**self._me(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True}

    async def _api_getupdates(self, p: dict[str, Any]) -> Any:
        offset = int(p.get("offset") or 0)
        timeout = float(p.get("timeout") or 0)
        limit = int(p.get("limit") or 100)
        allowed = p.get("allowed_updates")
        if offset:
            self._offset = max(self._offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            await self._notify()  # tests may wait for the bot to confirm updates

        def ready() -> list[dict[str, Any]]:
            return [
                u for u in self._updates
                if u["update_id"] >= offset and (not allowed or any(k in u for k in allowed))
            ][:limit]

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: self._closing or bool(ready())), timeout
                )
        return ready()

    async def _api_deletewebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = {}
        if str(p.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _api_setwebhook(self, p: dict[str, Any]) -> Any:
        self.webhook = {"url": p.get("url", ""), "secret_token": p.get("secret_token")}
        return True

    async def _api_getwebhookinfo(self, p: dict[str, Any]) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": self.pending()}

    async def _api_setmycommands(self, p: dict[str, Any]) -> Any:
        commands = p.get("commands") or []
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c["command"]) or not (
                1 <= len(c["description"]) <= 256
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = (p.get("scope") or {"type": "default"})["type"]
        self.commands[(scope, p.get("language_code") or "")] = commands
        return True

    async def _api_getmycommands(self, p: dict[str, Any]) -> Any:
        scope = (p.get("scope") or {"type": "default"})["type"]
        return self.commands.get((scope, p.get("language_code") or ""), [])

    def _check_text(self, p: dict[str, Any]) -> str:
        raw = str(p.get("text") or "")
        text = parse_html(raw) if (p.get("parse_mode") or "").upper() == "HTML" else raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _units(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        self._check_buttons(p.get("reply_markup"))
        return text

    def _check_buttons(self, markup: dict[str, Any] | None) -> None:
        """Refuse an inline keyboard as Telegram does: empty labels, callback data over 64 bytes."""
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")

    async def _api_sendmessage(self, p: dict[str, Any]) -> Any:
        if "chat_id" not in p:
            raise ApiError(400, "Bad Request: chat_id is empty")
        refused = self._refusing.get(int(p["chat_id"]))
        if refused is not None:
            raise ApiError(*refused)
        text = self._check_text(p)
        reply_params = p.get("reply_parameters") or {}
        sent = Sent(
            message_id=next(self._message_ids), chat_id=int(p["chat_id"]), text=text,
            raw=str(p["text"]), parse_mode=p.get("parse_mode"),
            reply_markup=p.get("reply_markup"), reply_to=reply_params.get("message_id"),
            at=time.monotonic(),
        )
        self.sent.append(sent)
        self.log.append(("bot", sent.chat_id, text))
        return self._sent_as_message(sent)

    def _check_file(self, p: dict[str, Any], field_name: str) -> tuple[Upload, str]:
        """Return the uploaded file and the caption's visible text, refusing what Telegram
        refuses: a missing or empty file, a photo that is no picture or too big, a caption
        over 1024 characters or with bad HTML."""
        if "chat_id" not in p:
            raise ApiError(400, "Bad Request: chat_id is empty")
        refused = self._refusing.get(int(p["chat_id"]))
        if refused is not None:
            raise ApiError(*refused)
        upload = p.get(field_name)
        if not isinstance(upload, Upload):
            raise ApiError(400, f"Bad Request: there is no {field_name} in the request")
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if field_name == "photo":
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
            try:
                with Image.open(io.BytesIO(upload.data)) as image:
                    image.verify()
                    if image.format not in ("PNG", "JPEG"):
                        raise ValueError(image.format)
            except (OSError, ValueError) as exc:
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from exc
        elif len(upload.data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        raw = str(p.get("caption") or "")
        caption = parse_html(raw) if (p.get("parse_mode") or "").upper() == "HTML" else raw
        if _units(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return upload, caption

    async def _send_file(self, p: dict[str, Any], kind: str) -> Any:
        upload, caption = self._check_file(p, kind)
        self._check_buttons(p.get("reply_markup"))
        reply_params = p.get("reply_parameters") or {}
        sent = Sent(
            message_id=next(self._message_ids), chat_id=int(p["chat_id"]), text=caption,
            raw=str(p.get("caption") or ""), parse_mode=p.get("parse_mode"),
            reply_markup=p.get("reply_markup"), reply_to=reply_params.get("message_id"),
            at=time.monotonic(), kind=kind, file=upload,
        )
        self.sent.append(sent)
        self.log.append(("bot", sent.chat_id, f"[{kind} {upload.filename}] {caption}".rstrip()))
        return self._sent_as_message(sent)

    async def _api_sendphoto(self, p: dict[str, Any]) -> Any:
        return await self._send_file(p, "photo")

    async def _api_senddocument(self, p: dict[str, Any]) -> Any:
        return await self._send_file(p, "document")

    async def _api_editmessagetext(self, p: dict[str, Any]) -> Any:
        text = self._check_text(p)
        target = next(
            (s for s in self.sent
             if s.message_id == int(p.get("message_id") or 0)
             and s.chat_id == int(p.get("chat_id") or 0)),
            None,
        )
        if target is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if target.raw == p["text"] and target.reply_markup == p.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        target.text, target.raw = text, str(p["text"])
        target.reply_markup, target.edits = p.get("reply_markup"), target.edits + 1
        self.log.append(("bot (edit)", target.chat_id, text))
        return self._sent_as_message(target)

    async def _api_getchatmember(self, p: dict[str, Any]) -> Any:
        chat_id, user_id = int(p.get("chat_id") or 0), int(p.get("user_id") or 0)
        status = self._members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": {
            "id": user_id, "is_bot": False, "first_name": f"user{user_id}"}}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(dict.fromkeys((
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories",
            ), False))
            member["can_manage_chat"] = True
        elif status == "restricted":
            member.update(dict.fromkeys((
                "is_member", "can_change_info", "can_invite_users", "can_pin_messages",
                "can_send_messages", "can_send_polls", "can_send_other_messages",
                "can_add_web_page_previews", "can_manage_topics", "can_send_audios",
                "can_send_documents", "can_send_photos", "can_send_videos",
                "can_send_video_notes", "can_send_voice_notes", "can_edit_tag",
            ), False))
            member["until_date"] = 0
        elif status == "kicked":
            member["until_date"] = 0
        return member

    async def _api_answercallbackquery(self, p: dict[str, Any]) -> Any:
        query_id = str(p.get("callback_query_id"))
        if query_id in self.callback_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.callback_answers[query_id] = p
        return True

    async def _api_answerinlinequery(self, p: dict[str, Any]) -> Any:
        for result in p.get("results") or []:
            content = result.get("input_message_content") or {}
            if result.get("type") == "article":
                self._check_text({"text": content.get("message_text"),
                                  "parse_mode": content.get("parse_mode")})
        self.inline_answers[str(p.get("inline_query_id"))] = p
        return True


def html_text(raw: str) -> str:
    """Return the visible text of Telegram HTML (for assertions on inline results)."""
    return parse_html(raw)
