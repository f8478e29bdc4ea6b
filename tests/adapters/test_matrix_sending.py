"""Unit tests for the Matrix adapter's sending: rendering, splitting, txn ids, error mapping.

matrix-nio is replaced by a fake client that answers `room_send` with the values (or raises
the exceptions) nio itself produces, so every mapping is checked without a homeserver.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from nio import MatrixRoom, RoomSendError, RoomSendResponse, UploadError, UploadResponse
from nio.exceptions import LocalProtocolError, SendRetryError

import bot.adapters.matrix as matrix
from bot.adapters.matrix import (
    MAX_CONTENT_JSON,
    MatrixAdapter,
    attachment_content,
    is_room_admin,
    needs_admin_check,
    part_txn_id,
    render,
    send_error,
    split_reply,
)
from bot.config import Settings
from bot.watch.model import RecipientGone, RetryLater, SendError, TransientError
from handlers import commands
from handlers.markup import bold, esc, to_plain
from handlers.messages import Attachment, ChatKind, Choice, Message, Platform, Reply
from tests.auxil.images import png

BOT, ALICE, BOB = "@bot:localhost", "@alice:localhost", "@bob:localhost"
ROOM = "!room:localhost"


@pytest.fixture(autouse=True)
def digest_command(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make "digest" parse as a command even where handlers/commands.py does not list it yet."""
    if "digest" not in commands._BY_NAME:
        digest = commands.Command("digest", "cmd.digest", "handlers.watching:command")
        monkeypatch.setitem(commands._BY_NAME, "digest", digest)
    yield


class FakeClient:
    """Stands in for nio's AsyncClient: records room_send calls and answers from a script."""

    should_upload_keys = False
    should_query_keys = False

    def __init__(self, *answers: object, uploads: tuple[object, ...] = ()) -> None:
        self.rooms: dict[str, MatrixRoom] = {}
        self.calls: list[tuple[str, dict[str, Any], str | None]] = []
        self.answers = list(answers)
        self.uploaded: list[tuple[bytes, str, str | None, bool, int | None]] = []
        self.upload_answers = list(uploads)

    async def upload(
        self, data_provider: Any, content_type: str = "application/octet-stream",
        filename: str | None = None, encrypt: bool = False, filesize: int | None = None,
    ) -> tuple[object, dict[str, Any] | None]:
        """Record the upload and return nio's answer: the content URI, and keys if encrypted."""
        self.uploaded.append((data_provider.read(), content_type, filename, encrypt, filesize))
        answer = self.upload_answers.pop(0) if self.upload_answers else None
        if isinstance(answer, BaseException):
            raise answer
        keys = {"v": "v2", "key": {"k": "secret"}, "iv": "iv", "hashes": {"sha256": "h"}}
        return (answer or UploadResponse(f"mxc://localhost/m{len(self.uploaded)}"),
                keys if encrypt else None)

    async def room_send(
        self, room_id: str, message_type: str, content: dict[str, Any],
        tx_id: str | None = None, ignore_unverified_devices: bool = False,
    ) -> object:
        """Return the next scripted answer (raise it if it is an exception), else success."""
        assert message_type == "m.room.message" and ignore_unverified_devices
        self.calls.append((room_id, content, tx_id))
        answer = self.answers.pop(0) if self.answers else None
        if isinstance(answer, BaseException):
            raise answer
        if answer == "hang":
            await asyncio.sleep(3600)
        return answer or RoomSendResponse(f"$event{len(self.calls)}", room_id)


def _room(*members: str) -> MatrixRoom:
    room = MatrixRoom(ROOM, BOT)
    for user in members:
        room.add_member(user, None, None)
    return room


def _adapter(tmp_path: Path, client: FakeClient, room: MatrixRoom | None = None) -> MatrixAdapter:
    """Return an adapter whose nio client is the fake (start() is not needed for sending)."""
    settings = Settings(data_dir=tmp_path, matrix_homeserver="http://127.0.0.1:1",
                        matrix_user_id=BOT)
    adapter = MatrixAdapter(settings, dispatcher=None)  # type: ignore[arg-type]
    adapter.client = client  # type: ignore[assignment]
    if room is not None:
        client.rooms[room.room_id] = room
    return adapter


def _error(errcode: str, **extra: object) -> RoomSendError:
    """Return the error value nio's room_send returns for a Matrix error answer."""
    return RoomSendError.from_dict({"errcode": errcode, "error": "nope", **extra}, ROOM)


# -- sending -------------------------------------------------------------------------------------


async def test_send_posts_one_notice_with_the_txn_id(tmp_path: Path) -> None:
    """A short reply is one m.notice with plain and HTML bodies, under the caller's txn id."""
    client = FakeClient()
    adapter = _adapter(tmp_path, client, _room(BOT, ALICE))
    await adapter.send(ROOM, Reply("**Alert**: x", choices=((Choice("Stop", "w:1"),),)),
                       txn_id="delivery-7")
    [(room_id, content, tx_id)] = client.calls
    assert (room_id, tx_id) == (ROOM, "delivery-7")
    assert content["msgtype"] == "m.notice" and content["m.mentions"] == {}
    assert content["body"] == "Alert: x\n1) Stop"
    assert content["formatted_body"].startswith("<b>Alert</b>: x<ol")
    assert "m.relates_to" not in content


async def test_long_reply_is_split_with_a_txn_id_per_part(tmp_path: Path) -> None:
    """A reply over one event's size goes out in order as parts "<txn>.1", "<txn>.2", ..."""
    paragraphs = [bold(f"Entry {i}") + " " + esc("Имя_(иноагент) " * 120) for i in range(40)]
    reply = Reply("\n\n".join(paragraphs), choices=((Choice("Stop", "w:1"),),))
    client = FakeClient()
    await _adapter(tmp_path, client, _room(BOT, ALICE)).send(ROOM, reply, txn_id="d9")
    assert len(client.calls) >= 3
    assert [tx for _, _, tx in client.calls] == [f"d9.{n}" for n in range(1, len(client.calls) + 1)]
    bodies = [content["body"] for _, content, _ in client.calls]
    assert all(len(json.dumps(content)) <= MAX_CONTENT_JSON for _, content, _ in client.calls)
    assert "\n\n".join(bodies) == to_plain(reply.text) + "\n1) Stop"  # whole, in order
    assert ["<ol" in content["formatted_body"] for _, content, _ in client.calls] == (
        [False] * (len(bodies) - 1) + [True])


def test_split_never_cuts_inside_markup() -> None:
    """A paragraph-less text is cut at spaces, and never between ** and **."""
    text = " ".join(bold(f"word{i} word") for i in range(3000))
    parts = split_reply(Reply(text), limit=8000)
    assert len(parts) > 3
    assert all("**" not in to_plain(p.text) for p in parts)
    assert " ".join(to_plain(p.text) for p in parts) == to_plain(text)


def test_render_relates_only_the_first_part_to_the_question() -> None:
    """Answers in groups are threaded to the asker's event; follow-ups join the text."""
    [content] = render(Reply("answer", follow_ups=("more",)), in_reply_to="$q")
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$q"}}
    assert content["body"] == "answer\n\nmore"


def test_part_txn_ids() -> None:
    """One part keeps the caller's id; several get derived, stable ids; None stays None."""
    assert part_txn_id("t", 1, 1) == "t"
    assert [part_txn_id("t", n, 3) for n in (1, 2, 3)] == ["t.1", "t.2", "t.3"]
    assert part_txn_id(None, 2, 3) is None


# -- attachments ---------------------------------------------------------------------------------


async def test_picture_goes_as_m_image_before_the_text(tmp_path: Path) -> None:
    """A chart is uploaded and sent as m.image with its size and dimensions, then the text;
    each event keeps a derived txn id and the choices stay with the text."""
    picture = png(64, 48)
    client = FakeClient()
    reply = Reply("**Summary**", choices=((Choice("More", "s:1"),),),
                  attachment=Attachment("chart.png", "image/png", picture))
    await _adapter(tmp_path, client, _room(BOT, ALICE)).send(ROOM, reply, txn_id="d4")
    assert client.uploaded == [(picture, "image/png", "chart.png", False, len(picture))]
    [(_, image, tx1), (_, notice, tx2)] = client.calls
    assert (tx1, tx2) == ("d4.1", "d4.2")
    assert image == {
        "msgtype": "m.image", "body": "chart.png", "filename": "chart.png",
        "url": "mxc://localhost/m1", "m.mentions": {},
        "info": {"mimetype": "image/png", "size": len(picture), "w": 64, "h": 48},
    }
    assert notice["msgtype"] == "m.notice" and notice["body"] == "Summary\n1) More"


async def test_encrypted_rooms_get_encrypted_files_and_captions(tmp_path: Path) -> None:
    """In an encrypted room the upload is encrypted and the event names it under `file`; a
    text file is an m.file whose caption is the body, with the file name kept apart."""
    room = _room(BOT, ALICE)
    room.encrypted = True
    client = FakeClient()
    text = "Имя; реестр\n".encode() * 100
    file = Attachment("matches.txt", "text/plain", text, caption="**3** matches")
    await _adapter(tmp_path, client, room).send(ROOM, Reply("", attachment=file))
    assert [u[3] for u in client.uploaded] == [True]
    [(_, content, _)] = client.calls  # no text event: the file says it all
    assert content["msgtype"] == "m.file" and "url" not in content
    assert content["file"]["url"] == "mxc://localhost/m1"
    assert content["file"]["key"] == {"k": "secret"} and content["file"]["v"] == "v2"
    assert content["info"] == {"mimetype": "text/plain", "size": len(text)}
    assert (content["body"], content["filename"]) == ("3 matches", "matches.txt")
    assert content["formatted_body"] == "<b>3</b> matches"


async def test_group_answers_thread_the_file_and_failed_uploads_are_neutral(
    tmp_path: Path
) -> None:
    """In a group the file event replies to the question; an upload the homeserver refuses
    or a broken connection is a neutral send error, and nothing is posted."""
    room = _room(BOT, ALICE, BOB)
    client = FakeClient()
    file = Attachment("a.json", "application/json", b"{}")
    await _adapter(tmp_path, client, room)._send(room, Reply("x", attachment=file),
                                                 in_reply_to="$q")
    assert client.calls[0][1]["m.relates_to"] == {"m.in_reply_to": {"event_id": "$q"}}
    assert "m.relates_to" not in client.calls[1][1]

    too_big = UploadError.from_dict({"errcode": "M_TOO_LARGE", "error": "too big"})
    client = FakeClient(uploads=(too_big, aiohttp.ClientConnectionError("reset")))
    adapter = _adapter(tmp_path, client, _room(BOT, ALICE))
    with pytest.raises(TransientError):
        await adapter.send(ROOM, Reply("x", attachment=file))
    with pytest.raises(TransientError):
        await adapter.send(ROOM, Reply("x", attachment=file))
    assert client.calls == []


def test_unreadable_pictures_have_no_dimensions() -> None:
    """A picture whose header cannot be read still goes out, just without w and h."""
    content = attachment_content(Attachment("x.png", "image/png", b"not a png"), "mxc://s/1")
    assert content["info"] == {"mimetype": "image/png", "size": 9}


# -- error mapping -------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "expected"), [
    (_error("M_LIMIT_EXCEEDED", retry_after_ms=2500), RetryLater),
    (_error("M_FORBIDDEN"), RecipientGone),  # left, kicked, banned or muted
    (_error("M_NOT_FOUND"), RecipientGone),
    (_error("M_UNKNOWN_TOKEN"), TransientError),
    (_error("M_UNKNOWN"), TransientError),
    (RoomSendError("unknown error"), TransientError),  # e.g. a proxy's 502 page
    (SendRetryError("members not synced"), TransientError),
    (LocalProtocolError("No key query required"), TransientError),
    (aiohttp.ClientConnectionError("refused"), TransientError),
    (TimeoutError(), TransientError),
])
async def test_error_mapping(tmp_path: Path, answer: object, expected: type[SendError]) -> None:
    """nio's error values and exceptions become exactly one neutral send error."""
    adapter = _adapter(tmp_path, FakeClient(answer), _room(BOT, ALICE))
    with pytest.raises(expected) as raised:
        await adapter.send(ROOM, Reply("alert"), txn_id="t")
    assert raised.type is expected


def test_rate_limit_delay() -> None:
    """M_LIMIT_EXCEEDED keeps the server's delay; without one, nio's own default of 5 s."""
    limited = send_error(_error("M_LIMIT_EXCEEDED", retry_after_ms=2500))
    assert isinstance(limited, RetryLater) and limited.after_s == 2.5
    default = send_error(_error("M_LIMIT_EXCEEDED"))
    assert isinstance(default, RetryLater) and default.after_s == 5.0


async def test_rooms_without_recipients_are_gone(tmp_path: Path) -> None:
    """An unknown room, or one where only the bot is left, is RecipientGone without a request."""
    client = FakeClient()
    adapter = _adapter(tmp_path, client, _room(BOT))
    with pytest.raises(RecipientGone):
        await adapter.send("!unknown:localhost", Reply("alert"))
    with pytest.raises(RecipientGone):
        await adapter.send(ROOM, Reply("alert"))
    assert client.calls == []


async def test_not_running_and_no_answer_are_transient(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before start() and when the homeserver never answers, the send is TransientError."""
    adapter = _adapter(tmp_path, FakeClient("hang"), _room(BOT, ALICE))
    monkeypatch.setattr(matrix, "SEND_TIMEOUT_S", 0.05)
    with pytest.raises(TransientError):
        await adapter.send(ROOM, Reply("alert"))
    adapter.client = None
    with pytest.raises(TransientError):
        await adapter.send(ROOM, Reply("alert"))


async def test_answers_log_failures_instead_of_raising(tmp_path: Path) -> None:
    """The answer path shares the sending code but stays an error boundary."""
    client = FakeClient(_error("M_FORBIDDEN"))
    room = _room(BOT, ALICE)
    await _adapter(tmp_path, client, room)._send(room, Reply("answer"))
    assert len(client.calls) == 1


# -- admins ----------------------------------------------------------------------------------------


def test_power_levels_and_creators_make_admins() -> None:
    """Power level 50 or more is an admin; in room version 12 so are the room's creators."""
    room = _room(BOT, ALICE, BOB)
    room.power_levels.users.update({ALICE: 100, BOB: 50, "@carol:localhost": 49})
    assert is_room_admin(room, ALICE) and is_room_admin(room, BOB)
    assert not is_room_admin(room, "@carol:localhost")
    assert not is_room_admin(room, "@dave:localhost")  # users_default, 0
    room.room_version = "12"
    assert is_room_admin(room, "@dave:localhost", frozenset({"@dave:localhost"}))
    room.room_version = "10"  # before v12 creators hold their power through power levels
    assert not is_room_admin(room, "@dave:localhost", frozenset({"@dave:localhost"}))


def _group(text: str, **extra: Any) -> Message:
    return Message(text=text, user_id=ALICE, chat_id=ROOM, chat_kind=ChatKind.GROUP,
                   platform=Platform.MATRIX, **extra)


def test_only_group_digest_commands_need_the_admin_check() -> None:
    """The flag is computed for "!digest ..." in groups, as on Telegram; nothing else."""
    assert needs_admin_check(_group("!digest on"))
    assert needs_admin_check(_group("/digest off"))
    assert not needs_admin_check(_group("!help"))
    assert not needs_admin_check(_group("digest on"))
    assert not needs_admin_check(_group("!digest on", is_callback=True))
    assert not needs_admin_check(Message(text="!digest on", user_id=ALICE, chat_id=ROOM,
                                         platform=Platform.MATRIX))
