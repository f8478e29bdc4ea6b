"""The Matrix adapter: matrix-nio events to neutral Messages, neutral Replies to m.notice events.

Encrypted rooms (Element's default for direct chats) work through matrix-nio's end-to-end
encryption with a persistent SQLite crypto store; the device id, access token and sync token
are kept in `<data_dir>/matrix/session.json` so that a restart keeps the same olm account and
neither replays nor loses messages. No conversation logic lives here: every decision is the
dispatcher's. `MatrixAdapter.send` posts alerts and digests, raising only the neutral errors of
`bot.watch.model`; a transaction id makes a resend after a crash idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import re
import tempfile
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp
import PIL.Image
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    ErrorResponse,
    InviteMemberEvent,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MatrixInvitedRoom,
    MatrixRoom,
    MegolmEvent,
    RoomCreateEvent,
    RoomEncryptedFile,
    RoomGetEventResponse,
    RoomMessageAudio,
    RoomMessageEmote,
    RoomMessageFile,
    RoomMessageImage,
    RoomMessageText,
    RoomMessageVideo,
    RoomSendResponse,
    StickerEvent,
    SyncError,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.crypto.attachments import decrypt_attachment
from nio.exceptions import (
    EncryptionError,
    GroupEncryptionError,
    OlmTrustError,
    ProtocolError,
)
from nio.store import SqliteStore

from bot import redact
from bot.config import Settings
from bot.scan_input import MAX_BYTES
from bot.textnorm import typed_number
from bot.watch.model import RecipientGone, RetryLater, SendError, TransientError
from handlers.commands import looks_like_command, parse_command
from handlers.dispatcher import Dispatcher
from handlers.markup import to_plain
from handlers.messages import Attachment, ChatKind, Message, Platform, Reply
from handlers.render import as_html, as_plain, numbered_choices
from handlers.scanning import with_file

log = logging.getLogger(__name__)

DEVICE_NAME = "riskguide"
SYNC_TIMEOUT_MS = 30_000
_HANDLED_KEEP = 500  # event ids remembered across restarts to never answer one twice
_CHOICES_KEEP = 2000  # (room, user) pairs whose last numbered choices are remembered
_SENT_KEEP = 2000  # our own recent event ids, to recognise replies to the bot cheaply
# Retries of a 429 (M_LIMIT_EXCEEDED) inside matrix-nio before the error is returned; nio's
# default (None) sleeps and retries forever, so an alert could never report RetryLater.
RATE_LIMIT_RETRIES = 3
# nio retries connection errors forever (max_timeouts=None); a proactive send gives up after
# this long with TransientError. A transaction id makes the later retry safe.
SEND_TIMEOUT_S = 60.0
# "Moderator" in Matrix clients; the level that may change room settings by default.
# https://spec.matrix.org/v1.11/client-server-api/#mroompower_levels
ADMIN_LEVEL = 50
# Group commands whose handler needs to know whether the sender is a room admin.
ADMIN_COMMANDS = frozenset({"digest"})
# An event may be at most 65,536 bytes (https://spec.matrix.org/v1.11/client-server-api/#size-limits).
# Measured as ASCII-escaped JSON of the content (the worst case: Cyrillic is 6 bytes as \uXXXX);
# megolm then adds about a third (base64) and a few hundred bytes of envelope.
MAX_CONTENT_JSON = 40_000
# errcodes that mean the bot cannot post in the room any more (left, kicked, banned, muted,
# or no such room): https://spec.matrix.org/v1.11/client-server-api/#common-error-codes
_GONE_ERRCODES = frozenset({"M_FORBIDDEN", "M_NOT_FOUND"})
_DEFAULT_RETRY_MS = 5000  # what matrix-nio itself waits when a 429 names no delay
# What room_send may raise besides returning an error value: nio's protocol and encryption
# errors, and aiohttp's transport errors (time-outs included).
_SEND_EXCEPTIONS: tuple[type[BaseException], ...] = (
    ProtocolError, OlmTrustError, EncryptionError, GroupEncryptionError,
    aiohttp.ClientError, TimeoutError, OSError,
)
# What fetching and decrypting a sent file may raise: transport errors, and a malformed
# `file` object (missing key, bad base64, wrong hash).
_FETCH_EXCEPTIONS: tuple[type[BaseException], ...] = (
    *_SEND_EXCEPTIONS, KeyError, TypeError, ValueError,
)
# Media kinds the dispatcher answers with a polite "text only" (or ignores in groups).
_MEDIA_KINDS: tuple[tuple[type, str], ...] = (
    (RoomMessageImage, "photo"),
    (RoomMessageAudio, "voice"),
    (RoomMessageVideo, "video"),
    (RoomMessageFile, "file"),
    (RoomEncryptedFile, "file"),
    (StickerEvent, "sticker"),
    (RoomMessageEmote, "emote"),
)
# Older clients prefix a reply's body with the quoted original ("> <@a:b> text"); it is
# not what the user asked. https://spec.matrix.org/v1.11/client-server-api/#fallbacks-for-rich-replies
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


@dataclass
class _Session:
    """What must survive a restart: the login and how far the bot has read."""

    user_id: str | None = None
    device_id: str | None = None
    access_token: str | None = None
    next_batch: str | None = None
    handled: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Incoming:
    """A room event queued for the worker, with what it needs once the sync is applied."""

    room_id: str
    event_id: str
    sender: str
    body: str
    content: dict[str, Any]
    kind: str


@dataclass(frozen=True)
class _Checkpoint:
    """Marks the end of one sync response: everything before it has been handled."""

    next_batch: str


class MatrixAdapter:
    """Serves the dispatcher on Matrix; start() returns once the first sync is applied."""

    def __init__(
        self, settings: Settings, dispatcher: Dispatcher, sync_timeout_ms: int = SYNC_TIMEOUT_MS
    ) -> None:
        if not (settings.matrix_homeserver and settings.matrix_user_id):
            raise ValueError("MATRIX_HOMESERVER and MATRIX_USER_ID must be set")
        self.settings = settings
        self.dispatcher = dispatcher
        self.sync_timeout_ms = sync_timeout_ms
        self.directory = settings.data_dir / "matrix"
        self.session_path = self.directory / "session.json"
        self.client: AsyncClient | None = None
        self._session = _Session()
        self._handled: deque[str] = deque(maxlen=_HANDLED_KEEP)
        self._live = False  # False while applying the backlog of the very first sync
        self._queue: asyncio.Queue[_Incoming | _Checkpoint | None] = asyncio.Queue()
        self._sync_task: asyncio.Task[None] | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._joining: set[str] = set()
        self._choices: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._sent: OrderedDict[str, None] = OrderedDict()
        self._display_name: str | None = None
        self._sync_failures = 0
        # Room creators per room: in room version 12 they outrank every power level and are
        # not listed in m.room.power_levels, and matrix-nio does not keep them.
        self._creators: dict[str, frozenset[str]] = {}

    # -- life cycle ---------------------------------------------------------------------------

    @property
    def device_id(self) -> str | None:
        """Return the device id this adapter is logged in with (None before start)."""
        return self.client.device_id if self.client else None

    async def start(self) -> None:
        """Log in, apply the first sync, and run the sync loop and the worker in the background.

        Raises RuntimeError when the homeserver refuses the login or the first sync, so the
        runner reports a misconfiguration instead of a bot that silently never answers.
        """
        # matrix-nio logs user ids, room ids and device ids at INFO for every event; people's
        # ids are personal data, so its chatter is only shown when we debug ourselves.
        nio_log = logging.getLogger("nio")
        if nio_log.level == logging.NOTSET and not log.isEnabledFor(logging.DEBUG):
            nio_log.setLevel(logging.WARNING)
        # The crypto store holds the device's private keys: only this user may read it.
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)
        self._session = self._load_session()
        self._handled.extend(self._session.handled)
        config = AsyncClientConfig(
            store=SqliteStore, encryption_enabled=True, store_sync_tokens=True,
            max_limit_exceeded=RATE_LIMIT_RETRIES,
        )
        assert self.settings.matrix_homeserver and self.settings.matrix_user_id
        client = AsyncClient(
            self.settings.matrix_homeserver, self.settings.matrix_user_id,
            device_id=self._session.device_id or "", store_path=str(self.directory),
            config=config,
        )
        self.client = client
        try:
            await self._login(client)
            self._save_session()
            # Callbacks go in before the first sync: invites that arrived while the bot was
            # offline come in that sync, and must be accepted (messages in it are not answered).
            client.add_event_callback(self._on_invite, InviteMemberEvent)
            client.add_event_callback(
                self._on_message, (RoomMessageText, *(cls for cls, _ in _MEDIA_KINDS)),
            )
            client.add_event_callback(self._on_undecryptable, MegolmEvent)
            client.add_response_callback(self._on_sync, SyncResponse)
            client.add_response_callback(self._on_sync_error, SyncError)
            if client.should_upload_keys:
                self._log_error("keys upload", await client.keys_upload())
            name = await client.get_displayname()
            self._display_name = getattr(name, "displayname", None)
            # A stored sync token means everything before it was handled: what came later is
            # new and answered. Without one this is the very first sync: only a backlog.
            self._live = self._session.next_batch is not None
            first = await client.sync(
                timeout=0, full_state=True, since=self._session.next_batch or None,
            )
            if isinstance(first, SyncError):
                raise RuntimeError(f"Matrix sync failed: {first.status_code} {first.message}")
            self._note_creators(first)
            # Response callbacks only run inside sync_forever, so mark this sync by hand.
            await self._queue.put(_Checkpoint(first.next_batch))
        except BaseException:
            await client.close()
            self.client = None
            raise
        self._live = True
        self._worker_task = asyncio.create_task(self._work(), name="matrix-worker")
        self._sync_task = asyncio.create_task(self._sync_forever(), name="matrix-sync")
        log.info("Matrix adapter running as %s, device %s", client.user_id, client.device_id)

    async def stop(self) -> None:
        """Stop syncing, finish the messages already received, save the session, close."""
        if self.client is None:
            return
        if self._sync_task is not None:
            self._sync_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync_task
        if self._worker_task is not None:
            await self._queue.put(None)
            try:
                await asyncio.wait_for(self._worker_task, timeout=30)
            except TimeoutError:
                log.warning("Matrix worker did not finish in time; stopping it")
                self._worker_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._worker_task
        self._save_session()
        await self.client.close()
        self.client = None
        log.info("Matrix adapter stopped")

    async def _login(self, client: AsyncClient) -> None:
        """Restore the stored or configured access token, else log in with the password.

        A password login reuses the stored device id, so the homeserver keeps the device and
        the crypto store's olm account (keyed by user and device) stays valid.
        """
        user_id = self.settings.matrix_user_id
        assert user_id
        stored = self._session if self._session.user_id == user_id else _Session()
        # A configured token wins over the stored one, so that rotating it in the
        # configuration takes effect; the stored one is what a password login left behind.
        tokens = [t for t in (self.settings.matrix_access_token, stored.access_token) if t]
        for token in dict.fromkeys(tokens):
            client.access_token = token
            whoami = await client.whoami()
            client.access_token = ""
            if not isinstance(whoami, WhoamiResponse) or whoami.user_id != user_id:
                log.warning("a Matrix access token was refused (%s)",
                            getattr(whoami, "status_code", "wrong user"))
                continue
            device_id = whoami.device_id or stored.device_id
            if not device_id:
                raise RuntimeError("the Matrix access token has no device id")
            client.restore_login(user_id, device_id, token)
            self._session = replace(
                stored, user_id=user_id, device_id=device_id, access_token=token,
            )
            return
        if not self.settings.matrix_password:
            raise RuntimeError("Matrix login failed: no valid access token and no password")
        response = await client.login(self.settings.matrix_password, device_name=DEVICE_NAME)
        if not isinstance(response, LoginResponse):
            raise RuntimeError(f"Matrix login failed: {getattr(response, 'status_code', '')}")
        if stored.device_id and response.device_id != stored.device_id:
            # A new device has a new olm account: old encrypted sessions cannot be reused.
            log.warning("Matrix homeserver issued a new device id; starting a new crypto store")
            stored = _Session()
        self._session = replace(
            stored, user_id=response.user_id, device_id=response.device_id,
            access_token=response.access_token,
        )

    async def _sync_forever(self) -> None:
        """Run nio's sync loop, restarting it after an unexpected error instead of dying."""
        assert self.client is not None
        while True:
            try:
                await self.client.sync_forever(timeout=self.sync_timeout_ms)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                redact.log_failure(log, "Matrix sync loop failed; restarting in 5 s", exc)
                await asyncio.sleep(5)

    # -- persistence --------------------------------------------------------------------------

    def _load_session(self) -> _Session:
        """Return the stored session, or an empty one when there is none or it is unreadable."""
        try:
            data = json.loads(self.session_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return _Session()
        except (OSError, ValueError):
            log.warning("unreadable %s; starting with a fresh Matrix session", self.session_path)
            return _Session()
        return _Session(
            user_id=data.get("user_id"), device_id=data.get("device_id"),
            access_token=data.get("access_token"), next_batch=data.get("next_batch"),
            handled=[str(e) for e in data.get("handled", [])][-_HANDLED_KEEP:],
        )

    def _save_session(self) -> None:
        """Write the session atomically with mode 0600: it holds the access token."""
        session = self._session
        data = {
            "user_id": session.user_id, "device_id": session.device_id,
            "access_token": session.access_token, "next_batch": session.next_batch,
            "handled": list(self._handled),
        }
        fd, tmp = tempfile.mkstemp(prefix=".session-", dir=self.directory)  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.session_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    # -- nio callbacks (run inside the sync; keep them short) ----------------------------------

    async def _on_invite(self, room: MatrixInvitedRoom, event: InviteMemberEvent) -> None:
        """Join rooms the bot is invited to, optionally only from the allowed homeservers."""
        assert self.client is not None
        if event.state_key != self.client.user_id or event.membership != "invite":
            return
        if room.room_id in self._joining or room.room_id in self.client.rooms:
            return
        server = event.sender.partition(":")[2]
        allowed = self.settings.matrix_allowed_servers
        if allowed and server not in allowed:
            log.info("declining an invite from a homeserver that is not allowed: %s", server)
            self._joining.add(room.room_id)  # decline once, not on every sync
            await self.client.room_leave(room.room_id)
            return
        self._joining.add(room.room_id)
        response = await self.client.join(room.room_id)
        if isinstance(response, JoinError):
            self._joining.discard(room.room_id)
            self._log_error("join", response)
        else:
            log.info("joined room %s", room.room_id)

    async def _on_message(self, room: MatrixRoom, event: Any) -> None:
        """Queue a room message for the worker; skip our own and the first sync's backlog."""
        assert self.client is not None
        if not self._live or event.sender == self.client.user_id:
            return
        if event.event_id in self._handled:
            return
        content = event.source.get("content", {})
        kind = "text"
        for cls, name in _MEDIA_KINDS:
            if isinstance(event, cls):
                kind = name
        relates = content.get("m.relates_to") or {}
        if "m.new_content" in content or relates.get("rel_type") == "m.replace":
            kind = "edit"
        body = getattr(event, "body", "") or ""
        await self._queue.put(
            _Incoming(room.room_id, event.event_id, event.sender, body, content, kind)
        )

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        """Ask the sender's devices for the missing room key; the message itself is lost."""
        assert self.client is not None
        log.debug("cannot decrypt event %s in %s yet", event.event_id, room.room_id)
        if not self._live or event.session_id in self.client.outgoing_key_requests:
            return
        with contextlib.suppress(LocalProtocolError):
            self._log_error("room key request", await self.client.request_room_key(event))

    async def _on_sync(self, response: SyncResponse) -> None:
        """Mark the end of a sync: the worker saves its token once all before it is handled."""
        self._sync_failures = 0
        self._note_creators(response)
        await self._queue.put(_Checkpoint(response.next_batch))

    def _note_creators(self, response: SyncResponse) -> None:
        """Remember who created each joined room, from m.room.create in state or timeline."""
        for room_id, info in response.rooms.join.items():
            for event in (*info.state, *info.timeline.events):
                if isinstance(event, RoomCreateEvent):
                    content = event.source.get("content") or {}
                    extra = content.get("additional_creators") or []
                    self._creators[room_id] = frozenset(
                        [event.sender, *(u for u in extra if isinstance(u, str))]
                    )

    async def _on_sync_error(self, response: SyncError) -> None:
        """Log a failed sync and back off, since nio's loop would retry at once."""
        self._sync_failures += 1
        log.warning("Matrix sync failed (%s %s)", response.status_code, response.message)
        await asyncio.sleep(min(60, 2 ** min(self._sync_failures, 6)))

    # -- the worker: one message at a time, after its sync has been applied --------------------

    async def _work(self) -> None:
        """Handle queued messages in order; the error boundary for everything per message."""
        while True:
            item = await self._queue.get()
            if item is None:
                return
            if isinstance(item, _Checkpoint):
                self._session.next_batch = item.next_batch
            else:
                try:
                    await self._handle(item)
                except Exception as exc:
                    # Never the text or the sender at INFO and above: just where it failed.
                    redact.log_failure(log, f"error while handling Matrix event {item.event_id}",
                                       exc)
                    await self._send_error(item)
                self._handled.append(item.event_id)
            try:
                self._save_session()
            except OSError:  # a full disk must not stop the bot from answering
                log.exception("could not save the Matrix session")

    async def _handle(self, item: _Incoming) -> None:
        """Turn one event into a Message, ask the dispatcher, and send its replies."""
        assert self.client is not None
        room = self.client.rooms.get(item.room_id)
        if room is None:
            return
        private = room.member_count <= 2
        addressed = False if private else await self._addressed(room, item)
        text = self._strip_address(item.body, item.content, room)
        key = (item.room_id, item.sender)
        is_callback = False
        choices = self._choices.get(key)
        # A bare number answers the last numbered choices, like a button press; in groups
        # only when said to the bot, so "2" in a conversation between people stays theirs.
        number = typed_number(text, 1, len(choices)) if choices else None
        if choices and number is not None and (private or addressed) and item.kind == "text":
            text, is_callback = choices[number - 1], True
        kind, name = item.kind, None
        if kind == "file":  # a file to scan; its body is a file name or a caption
            kind, text = "document", ""
            name = str(item.content.get("filename") or item.body)
        message = Message(
            text=text, user_id=item.sender, chat_id=item.room_id,
            chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
            platform=Platform.MATRIX, language_hint=None, addressed=addressed,
            is_callback=is_callback, is_command=not is_callback and looks_like_command(text),
            kind=kind, attachment_name=name,
        )
        if kind == "document" and (private or addressed):
            message = await self._with_document(message, item.content)
        if needs_admin_check(message):
            message = replace(message, sender_is_admin=is_room_admin(
                room, item.sender, self._creators.get(room.room_id, frozenset())
            ))
        replies = await self.dispatcher.handle(message)
        if not replies:
            return
        log.debug("answering %s in %s with %d replies", item.event_id, item.room_id, len(replies))
        data: list[str] = []
        for reply in replies:
            await self._send(room, reply, start=len(data) + 1,
                             in_reply_to=None if private else item.event_id)
            data.extend(choice.data for choice in numbered_choices(reply))
        self._remember_choices(key, data)

    async def _with_document(self, message: Message, content: dict[str, Any]) -> Message:
        """Return the message with the m.file's text, or the reason it cannot be read.

        The size the event states is checked before downloading; an encrypted file
        (`file` with its key, https://spec.matrix.org/v1.11/client-server-api/#sending-encrypted-attachments)
        is decrypted; the bytes are decoded by the reader every entry point shares and kept
        only in this message.
        """
        assert self.client is not None
        info = content.get("info") if isinstance(content.get("info"), dict) else {}
        size = info.get("size") if isinstance(info, dict) else None
        if isinstance(size, int) and size > MAX_BYTES:
            return replace(message, attachment_problem="too_big")
        encrypted = content.get("file") if isinstance(content.get("file"), dict) else None
        url = (encrypted or content).get("url")
        if not isinstance(url, str):
            return replace(message, attachment_problem="unavailable")
        try:
            response = await self.client.download(mxc=url)
            if not isinstance(response, DownloadResponse):
                self._log_error("download", response)
                return replace(message, attachment_problem="unavailable")
            data = bytes(response.body)
            if encrypted is not None:
                data = bytes(decrypt_attachment(data, encrypted["key"]["k"],
                                                encrypted["hashes"]["sha256"], encrypted["iv"]))
        except _FETCH_EXCEPTIONS as exc:
            log.warning("could not fetch a Matrix file: %s", type(exc).__name__)
            return replace(message, attachment_problem="unavailable")
        return with_file(message, data, message.attachment_name)

    def _remember_choices(self, key: tuple[str, str], data: list[str]) -> None:
        """Keep the latest numbered choices per room and user (adapter state, in memory)."""
        self._choices.pop(key, None)
        if data:
            self._choices[key] = data
            while len(self._choices) > _CHOICES_KEEP:
                self._choices.popitem(last=False)

    async def _addressed(self, room: MatrixRoom, item: _Incoming) -> bool:
        """Return True when a group message mentions the bot or replies to one of its events."""
        assert self.client is not None
        me = self.client.user_id
        mentions = item.content.get("m.mentions")
        if isinstance(mentions, dict) and me in (mentions.get("user_ids") or []):
            return True
        formatted = str(item.content.get("formatted_body") or "")
        if me in item.body or me in formatted or me.replace("@", "%40") in formatted:
            return True
        if any(_names_in(name, item.body) for name in self._my_names(room)):
            return True
        relates = item.content.get("m.relates_to") or {}
        target = (relates.get("m.in_reply_to") or {}).get("event_id")
        if not isinstance(target, str):
            return False
        if target in self._sent:
            return True
        # After a restart our earlier event ids are no longer in memory: ask the server.
        response = await self.client.room_get_event(room.room_id, target)
        return isinstance(response, RoomGetEventResponse) and response.event.sender == me

    def _my_names(self, room: MatrixRoom) -> list[str]:
        """Return the names people use to mention the bot in this room, longest first."""
        assert self.client is not None
        me = self.client.user_id
        names = {me, me[1:].partition(":")[0]}
        if self._display_name:
            names.add(self._display_name)
        member = room.users.get(me)
        if member is not None and member.display_name:
            names.add(member.display_name)
        return sorted((n for n in names if n), key=len, reverse=True)

    def _strip_address(self, body: str, content: dict[str, Any], room: MatrixRoom) -> str:
        """Return the text without a reply fallback or a leading "bot:" mention."""
        relates = content.get("m.relates_to") or {}
        if "m.in_reply_to" in relates:
            body = _REPLY_FALLBACK.sub("", body)
        text = body.strip()
        for name in self._my_names(room):
            pattern = rf"\A@?{re.escape(name.lstrip('@'))}\b\s*[:,]?\s*"
            stripped = re.sub(pattern, "", text, count=1, flags=re.IGNORECASE)
            if stripped != text:
                return stripped
        return text

    # -- sending --------------------------------------------------------------------------------

    async def send(self, room_id: str, reply: Reply, txn_id: str | None = None) -> None:
        """Post one reply into a room on the bot's own initiative (an alert, a digest part).

        Returns once every event is accepted by the homeserver. It exists for the alert
        sender, which knows no Matrix: failures raise RetryLater, RecipientGone or
        TransientError from bot.watch.model, never a matrix-nio error. Works right after
        start(): the first sync told nio every joined room, its members and encryption.

        `txn_id` is the Matrix transaction id: a resend with the same id (say after a crash)
        is answered with the first event instead of a second one, for as long as the
        homeserver remembers it (Synapse: at least 30 minutes in memory, and in its database
        per device). A reply too big for one event is split, and part n uses "<txn_id>.<n>".
        https://spec.matrix.org/v1.11/client-server-api/#transaction-identifiers
        """
        client = self.client
        if client is None:
            raise TransientError("Matrix: the adapter is not running")
        room = client.rooms.get(room_id)
        if room is None:
            # Not among the rooms of our syncs: never joined, or left before this start.
            raise RecipientGone("Matrix: the bot is not in this room")
        if room.joined_count < 2:
            # Everyone else left (a DM whose user left): a message would reach nobody.
            raise RecipientGone("Matrix: nobody else is in this room")
        async def post() -> None:
            await self._deliver(room, await self._contents(room, reply), txn_id)

        try:
            await asyncio.wait_for(post(), SEND_TIMEOUT_S)
        except TimeoutError:
            raise TransientError(f"Matrix: no answer within {SEND_TIMEOUT_S:g} s") from None
        if room.member_count <= 2:
            # In a direct chat, "1" after an alert answers the alert's numbered choices, as
            # after any reply; the person is the room's other member.
            data = [choice.data for choice in numbered_choices(reply)]
            for user_id in room.users:
                if user_id != self.settings.matrix_user_id:
                    self._remember_choices((room_id, user_id), data)

    async def _send(
        self, room: MatrixRoom, reply: Reply, start: int = 1, in_reply_to: str | None = None
    ) -> None:
        """Answer with one reply; a failed send is logged, not raised (error boundary)."""
        try:
            await self._deliver(room, await self._contents(room, reply, start, in_reply_to))
        except SendError as exc:
            log.warning("Matrix: could not answer in %s: %s", room.room_id, exc)

    async def _contents(
        self, room: MatrixRoom, reply: Reply, start: int = 1, in_reply_to: str | None = None
    ) -> list[dict[str, Any]]:
        """Return the event contents of one reply: the attachment's first, uploaded to the
        media repository (encrypted where the room is), then the text's from render().

        Raises the neutral SendError when the upload fails. Uploads are not idempotent: a
        resend uploads the file again, while the events keep their transaction ids.
        """
        if reply.attachment is None:
            return render(reply, start, in_reply_to)
        first = await self._upload(room, reply.attachment)
        if in_reply_to:
            first["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
        return [first, *render(reply, start)]

    async def _upload(self, room: MatrixRoom, file: Attachment) -> dict[str, Any]:
        """Upload an attachment and return the content of its m.image or m.file event.

        https://spec.matrix.org/v1.11/client-server-api/#post_matrixmediav3upload; in an
        encrypted room the bytes are AES-encrypted by matrix-nio first and the event names
        them under `file` with the key (https://spec.matrix.org/v1.11/client-server-api/#sending-encrypted-attachments).
        """
        assert self.client is not None
        try:
            response, keys = await self.client.upload(
                io.BytesIO(file.data), content_type=file.mime, filename=file.filename,
                encrypt=room.encrypted, filesize=len(file.data),
            )
        except _SEND_EXCEPTIONS as exc:
            raise TransientError(f"Matrix upload: {type(exc).__name__}: {exc}") from exc
        if not isinstance(response, UploadResponse):
            raise send_error(response)
        return attachment_content(file, response.content_uri, keys if room.encrypted else None)

    async def _deliver(
        self, room: MatrixRoom, contents: list[dict[str, Any]], txn_id: str | None = None
    ) -> None:
        """Send the rendered events in order, as m.room.message, encrypted where the room is.

        Returns when all are sent; raises the neutral SendError of the first failure, so
        answers and alerts share one way of sending and one error mapping.
        """
        assert self.client is not None
        for number, content in enumerate(contents, 1):
            tx_id = part_txn_id(txn_id, number, len(contents))
            try:
                await self._prepare_encryption(room)
                response = await self.client.room_send(
                    room.room_id, "m.room.message", content, tx_id=tx_id,
                    ignore_unverified_devices=True,
                )
            except _SEND_EXCEPTIONS as exc:
                raise TransientError(f"Matrix: {type(exc).__name__}: {exc}") from exc
            if not isinstance(response, RoomSendResponse):
                raise send_error(response)
            self._sent[response.event_id] = None
            while len(self._sent) > _SENT_KEEP:
                self._sent.popitem(last=False)

    async def _prepare_encryption(self, room: MatrixRoom) -> None:
        """Upload our keys and fetch the members' device keys before encrypting for a room.

        Without the query the room key would be shared with no device, and the user's client
        would report "no session found" (see docs/pitfalls.md).
        """
        assert self.client is not None
        if not room.encrypted:
            return
        # The sync loop may run the same request concurrently; nio then says there is
        # nothing left to do (LocalProtocolError), which is fine.
        with contextlib.suppress(LocalProtocolError):
            if self.client.should_upload_keys:
                self._log_error("keys upload", await self.client.keys_upload())
        with contextlib.suppress(LocalProtocolError):
            if self.client.should_query_keys:
                self._log_error("keys query", await self.client.keys_query())

    async def _send_error(self, item: _Incoming) -> None:
        """Send the polite internal-error reply, in the language the user's replies use."""
        assert self.client is not None
        room = self.client.rooms.get(item.room_id)
        if room is None:
            return
        message = Message(text=item.body, user_id=item.sender, chat_id=item.room_id,
                          platform=Platform.MATRIX, language_hint=None)
        try:
            await self._send(room, await self.dispatcher.error_reply(message))
        except Exception as exc:
            redact.log_failure(log, "could not send the error reply", exc)

    @staticmethod
    def _log_error(what: str, response: object) -> None:
        """Log a matrix-nio error value (nio returns errors instead of raising them)."""
        if isinstance(response, ErrorResponse):
            log.warning("Matrix %s failed: %s %s", what, response.status_code, response.message)


def render(
    reply: Reply, start: int = 1, in_reply_to: str | None = None
) -> list[dict[str, Any]]:
    """Return the m.notice contents for one reply: usually one, several when it is too big.

    Notices are the message type for bots (clients never answer them automatically); each has
    a plain `body` and an HTML `formatted_body` with the choices as a numbered list from
    `start`. Only the first part replies to `in_reply_to`, only the last carries the choices.
    A reply whose attachment says it all (no text, choices or follow-ups) has no text events;
    the attachment's own event comes from attachment_content.
    """
    if reply.attachment is not None and not (
        reply.text.strip() or reply.choices or reply.follow_ups
    ):
        return []
    if reply.follow_ups:
        reply = replace(reply, text="\n\n".join((reply.text, *reply.follow_ups)), follow_ups=())
    contents = [_content(part, start) for part in split_reply(reply, start)]
    if in_reply_to:
        contents[0]["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
    return contents


def _content(reply: Reply, start: int) -> dict[str, Any]:
    """Return the content of one m.notice event for a reply that fits in one event."""
    return {
        "msgtype": "m.notice",
        "body": as_plain(reply, start),
        "format": "org.matrix.custom.html",
        "formatted_body": as_html(reply, start),
        # Explicitly no mentions: a notice must not ping anyone
        # (https://spec.matrix.org/v1.11/client-server-api/#user-and-room-mentions).
        "m.mentions": {},
    }


def attachment_content(
    file: Attachment, url: str, keys: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the m.image (pictures) or m.file (anything else) content for an uploaded file.

    `info` carries the MIME type, the size and, for pictures, the width and height, so that
    clients reserve the space before downloading. With `keys` (an encrypted upload, from
    matrix-nio) the file is named under `file` instead of `url`. A caption becomes the body,
    with `filename` naming the file, as https://spec.matrix.org/v1.11/client-server-api/#media-captions
    describes; without one the body is the file name.
    """
    info: dict[str, Any] = {"mimetype": file.mime, "size": len(file.data)}
    if file.is_image:
        size = image_size(file.data)
        if size is not None:
            info["w"], info["h"] = size
    content: dict[str, Any] = {
        "msgtype": "m.image" if file.is_image else "m.file",
        "body": file.filename,
        "filename": file.filename,
        "info": info,
        "m.mentions": {},
    }
    if file.caption and file.caption.strip():
        content["body"] = as_plain(Reply(file.caption))
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = as_html(Reply(file.caption))
    if keys is None:
        content["url"] = url
    else:
        content["file"] = {**keys, "url": url, "mimetype": file.mime}
    return content


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return a picture's (width, height) from its header, or None when it is unreadable."""
    try:
        with PIL.Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, PIL.Image.DecompressionBombError):
        return None
    return int(width), int(height)


def _size(content: dict[str, Any]) -> int:
    """Return the content's size as ASCII-escaped JSON, the upper bound of what is sent."""
    return len(json.dumps(content))


def split_reply(reply: Reply, start: int = 1, limit: int = MAX_CONTENT_JSON) -> list[Reply]:
    """Return the reply as replies that each fit in one event; usually just [reply].

    The text is cut at paragraph breaks, else line breaks, else spaces, never inside markup
    (a cut must not turn **bold** into stray asterisks); the choices stay with the last part.
    """
    if _size(_content(reply, start)) <= limit:
        return [reply]
    # Room for the choices, which only the last part carries.
    choices = _size(_content(Reply("", reply.choices), start)) - _size(_content(Reply(""), 1))
    budget = limit - choices

    def fits(text: str) -> bool:
        return _size(_content(Reply(text), start)) <= budget

    # Every character appears in both bodies, so a piece is never longer than budget / 2.
    texts = _split_text(reply.text, fits, max(1, budget // 2))
    parts = [Reply(text) for text in texts[:-1]]
    return [*parts, replace(reply, text=texts[-1] if texts else "")]


def _split_text(text: str, fits: Callable[[str], bool], longest: int) -> list[str]:
    """Return text cut into pieces that each satisfy `fits`, in order, none of them blank.

    `longest` bounds a piece's length in characters, so the search never renders more.
    """
    pieces: list[str] = []
    rest = text
    while rest and not fits(rest):
        end, nxt = _cut_point(rest, fits, longest)
        pieces.append(rest[:end])
        rest = rest[nxt:]
    pieces.append(rest)
    return [piece.strip("\n") for piece in pieces if piece.strip()]


def _cut_point(text: str, fits: Callable[[str], bool], longest: int) -> tuple[int, int]:
    """Return (end of this piece, start of the next) for the longest clean piece that fits."""
    low, high = 1, min(len(text), longest)  # the longest prefix that fits, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle]):
            low = middle
        else:
            high = middle - 1
    limit = low
    window = text[: 2 * longest]  # enough to tell whether a cut splits a markup token
    whole = to_plain(window)
    for sep in ("\n\n", "\n", " "):
        pos = text.rfind(sep, 0, limit + len(sep))
        for _ in range(20):  # a few candidates each: a clean cut is almost always the first
            if pos <= 0:
                break
            if to_plain(window[:pos]) + sep + to_plain(window[pos + len(sep):]) == whole:
                return pos, pos + len(sep)
            pos = text.rfind(sep, 0, pos)
    while limit > 1 and text[limit - 1] == "\\":  # never split an escape from its character
        limit -= 1
    return limit, limit


def part_txn_id(txn_id: str | None, number: int, parts: int) -> str | None:
    """Return the transaction id of part `number` of `parts`: the id itself for one part.

    Derived, not random, so that a resend of the same split reply repeats every part's id and
    the homeserver recognises each one.
    """
    if txn_id is None or parts == 1:
        return txn_id
    return f"{txn_id}.{number}"


def send_error(response: ErrorResponse) -> SendError:
    """Return the neutral send error for a matrix-nio error value (nio returns, not raises).

    M_LIMIT_EXCEEDED (after nio's own retries) becomes RetryLater with the server's delay,
    M_FORBIDDEN / M_NOT_FOUND (not in the room, banned, muted, no such room) RecipientGone,
    and everything else (5xx, an unknown token, odd answers) TransientError.
    """
    status = getattr(response.transport_response, "status", None)
    if response.status_code == "M_LIMIT_EXCEEDED" or status == 429:
        return RetryLater((response.retry_after_ms or _DEFAULT_RETRY_MS) / 1000,
                          f"Matrix: {response}")
    if response.status_code in _GONE_ERRCODES:
        return RecipientGone(f"Matrix: {response}")
    return TransientError(f"Matrix: {response}")


def needs_admin_check(message: Message) -> bool:
    """Return True for a group command whose handler needs `Message.sender_is_admin`.

    Only commands in ADMIN_COMMANDS get the flag, so the rule matches Telegram's, where it
    costs an API call; here it is read from local state.
    """
    if message.chat_kind is not ChatKind.GROUP or message.kind != "text" or message.is_callback:
        return False
    parsed = parse_command(message.text)
    return parsed is not None and parsed.command.name in ADMIN_COMMANDS


def is_room_admin(room: MatrixRoom, user_id: str, creators: frozenset[str] = frozenset()) -> bool:
    """Return True when the user may change the room's settings (power level >= 50).

    From matrix-nio's synced state, no request. In room version 12 and later the creators
    outrank everyone without appearing in m.room.power_levels
    (https://spec.matrix.org/v1.16/rooms/v12/), so `creators` (from m.room.create) count too.
    """
    if user_id in creators and _creators_privileged(room.room_version):
        return True
    return room.power_levels.get_user_level(user_id) >= ADMIN_LEVEL


def _creators_privileged(room_version: str) -> bool:
    """Return True for room versions whose creators have unlimited power (12 and later)."""
    return (room_version.isdigit() and int(room_version) >= 12) or "hydra" in room_version


def _names_in(name: str, text: str) -> bool:
    """Return True when name occurs in text as a whole word, ignoring case."""
    if not name:
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None
