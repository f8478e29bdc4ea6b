"""The Matrix adapter: matrix-nio events to neutral Messages, neutral Replies to m.notice events.

Encrypted rooms (Element's default for direct chats) work through matrix-nio's end-to-end
encryption with a persistent SQLite crypto store; the device id, access token and sync token
are kept in `<data_dir>/matrix/session.json` so that a restart keeps the same olm account and
neither replays nor loses messages. No conversation logic lives here: every decision is the
dispatcher's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import tempfile
from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    InviteMemberEvent,
    JoinError,
    LocalProtocolError,
    LoginResponse,
    MatrixInvitedRoom,
    MatrixRoom,
    MegolmEvent,
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
    WhoamiResponse,
)
from nio.exceptions import SendRetryError
from nio.store import SqliteStore

from bot.config import Settings
from bot.i18n import Translator
from bot.textnorm import script_of
from handlers.commands import looks_like_command
from handlers.dispatcher import Dispatcher
from handlers.markup import esc
from handlers.messages import ChatKind, Message, Platform, Reply
from handlers.render import as_html, as_plain, numbered_choices

log = logging.getLogger(__name__)

DEVICE_NAME = "riskguide"
SYNC_TIMEOUT_MS = 30_000
_HANDLED_KEEP = 500  # event ids remembered across restarts to never answer one twice
_CHOICES_KEEP = 2000  # (room, user) pairs whose last numbered choices are remembered
_SENT_KEEP = 2000  # our own recent event ids, to recognise replies to the bot cheaply
# Media kinds the dispatcher answers with a polite "text only" (or ignores in groups).
_MEDIA_KINDS: tuple[tuple[type, str], ...] = (
    (RoomMessageImage, "photo"),
    (RoomMessageAudio, "voice"),
    (RoomMessageVideo, "video"),
    (RoomMessageFile, "file"),
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
            except Exception:
                log.exception("Matrix sync loop failed; restarting in 5 s")
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
        await self._queue.put(_Checkpoint(response.next_batch))

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
                except Exception:
                    # Never the text or the sender at INFO and above: just where it failed.
                    log.exception("error while handling Matrix event %s", item.event_id)
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
        if choices and (private or addressed) and item.kind == "text" and text.strip().isdigit():
            number = int(text.strip())
            if 1 <= number <= len(choices):
                text, is_callback = choices[number - 1], True
        message = Message(
            text=text, user_id=item.sender, chat_id=item.room_id,
            chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
            platform=Platform.MATRIX, language_hint=None, addressed=addressed,
            is_callback=is_callback, is_command=not is_callback and looks_like_command(text),
            kind=item.kind,
        )
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

    async def _send(
        self, room: MatrixRoom, reply: Reply, start: int = 1, in_reply_to: str | None = None
    ) -> None:
        """Send one reply as an m.notice (bots' message type) with HTML and plain bodies."""
        assert self.client is not None
        if reply.follow_ups:
            reply = replace(reply, text="\n\n".join((reply.text, *reply.follow_ups)))
        content: dict[str, Any] = {
            "msgtype": "m.notice",
            "body": as_plain(reply, start),
            "format": "org.matrix.custom.html",
            "formatted_body": as_html(reply, start),
            # Explicitly no mentions: a notice must not ping anyone
            # (https://spec.matrix.org/v1.11/client-server-api/#user-and-room-mentions).
            "m.mentions": {},
        }
        if in_reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
        await self._prepare_encryption(room)
        try:
            response = await self.client.room_send(
                room.room_id, "m.room.message", content, ignore_unverified_devices=True,
            )
        except SendRetryError:
            log.warning("could not send to %s: room members not synced", room.room_id)
            return
        if isinstance(response, RoomSendResponse):
            self._sent[response.event_id] = None
            while len(self._sent) > _SENT_KEEP:
                self._sent.popitem(last=False)
        else:
            self._log_error("send", response)

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
        """Send the polite internal-error reply, in the script the user wrote in."""
        assert self.client is not None
        room = self.client.rooms.get(item.room_id)
        if room is None:
            return
        lang = "en" if script_of(item.body) == "latin" else "ru"
        try:
            await self._send(room, Reply(esc(Translator(lang)("error.internal"))))
        except Exception:
            log.exception("could not send the error reply")

    @staticmethod
    def _log_error(what: str, response: object) -> None:
        """Log a matrix-nio error value (nio returns errors instead of raising them)."""
        if isinstance(response, ErrorResponse):
            log.warning("Matrix %s failed: %s %s", what, response.status_code, response.message)


def _names_in(name: str, text: str) -> bool:
    """Return True when name occurs in text as a whole word, ignoring case."""
    if not name:
        return False
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None
