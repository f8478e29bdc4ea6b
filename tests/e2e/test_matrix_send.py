"""End to end: proactive sends and admin detection of the Matrix adapter against a real Synapse.

Few tests on purpose: each one registers users and starts the bot (about a second each), and
the module starts its own Synapse (a few seconds).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from nio import Event, MegolmEvent, RoomEncryptedFile, RoomEncryptedImage, RoomMessageNotice

from bot.adapters.matrix import MatrixAdapter
from bot.config import Settings
from bot.watch.model import RecipientGone
from handlers.messages import Attachment, Message, Reply
from tests.auxil.images import png
from tests.auxil.synapse import TIMEOUT, MatrixUser, Person, Synapse, register_unique

pytestmark = pytest.mark.e2e


class Recorder:
    """Stands in for the dispatcher: keeps every Message and answers commands with the flag."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle(self, message: Message) -> list[Reply]:
        """Return "admin=True|False" for commands, nothing for other messages."""
        self.messages.append(message)
        return [Reply(f"admin={message.sender_is_admin}")] if message.is_command else []


def _adapter(synapse: Synapse, bot: MatrixUser, data_dir: Path, recorder: Recorder
             ) -> MatrixAdapter:
    settings = Settings(data_dir=data_dir, matrix_homeserver=synapse.url,
                        matrix_user_id=bot.user_id, matrix_password=bot.password)
    return MatrixAdapter(settings, recorder)  # type: ignore[arg-type]


def _body(event: Event) -> str:
    """Return the plain body of a decrypted m.notice from the bot."""
    assert not isinstance(event, MegolmEvent), "the bot's message could not be decrypted"
    assert isinstance(event, RoomMessageNotice), type(event)
    content: dict[str, Any] = event.source["content"]
    assert content["format"] == "org.matrix.custom.html"
    return str(content["body"])


async def _until(predicate: Any) -> None:
    """Wait until predicate() is true: the bot's sync loop applies changes in the background."""
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_alert_into_encrypted_dm_after_restart_txn_dedup_and_gone(
    synapse: Synapse, alice: Person, tmp_path: Path
) -> None:
    """A freshly started bot alerts into an encrypted DM nobody wrote in since; a resend with
    the same txn id adds no event; an unknown room and a DM the user left are RecipientGone."""
    bot_user = register_unique(synapse, "riskguide")
    bot = bot_user.user_id
    first = _adapter(synapse, bot_user, tmp_path / "bot", Recorder())
    await first.start()
    room = await alice.create_room([bot], encrypted=True, direct=True)
    await alice.wait_joined(room, bot)
    await first.stop()

    adapter = _adapter(synapse, bot_user, tmp_path / "bot", Recorder())
    await adapter.start()  # knows the room from its first sync; nobody has written since
    try:
        await adapter.send(room, Reply("**Alert**: _Name_ was listed"), txn_id="delivery-1")
        [alert] = await alice.replies(room, bot)
        assert _body(alert) == "Alert: Name was listed"

        # A crash after sending but before recording it: the same delivery is sent again.
        await adapter.send(room, Reply("**Alert**: _Name_ was listed"), txn_id="delivery-1")
        await adapter.send(room, Reply("second alert"), txn_id="delivery-2")
        [after] = await alice.replies(room, bot)
        assert _body(after) == "second alert"  # the resend created no event in between

        with pytest.raises(RecipientGone):
            await adapter.send("!nosuchroom:localhost", Reply("x"), txn_id="delivery-3")
        await alice.client.room_leave(room)
        assert adapter.client is not None
        bot_room = adapter.client.rooms[room]
        await _until(lambda: bot_room.joined_count == 1)
        with pytest.raises(RecipientGone):
            await adapter.send(room, Reply("third alert"), txn_id="delivery-4")
    finally:
        await adapter.stop()


async def test_group_digest_admins_and_a_left_room(
    synapse: Synapse, alice: Person, tmp_path: Path
) -> None:
    """"!digest" in a group carries sender_is_admin from local power levels (the v12 creator,
    power level 100) and other commands do not; a room the bot left is RecipientGone."""
    bot_user = register_unique(synapse, "riskguide")
    bot = bot_user.user_id
    recorder = Recorder()
    adapter = _adapter(synapse, bot_user, tmp_path / "bot", recorder)
    await adapter.start()
    bob = await Person.create(synapse, tmp_path, "bob")
    try:
        room = await alice.create_room([bot, bob.user.user_id], encrypted=False, direct=False)
        assert (await bob.client.join(room)).transport_response.ok  # type: ignore[union-attr]
        await alice.wait_joined(room, bot)
        await alice.wait_joined(room, bob.user.user_id)

        async def said(person: Person, text: str) -> str:
            await person.send(room, text)
            [reply] = await alice.replies(room, bot)
            return str(reply.source["content"]["body"])

        assert await said(bob, "!digest on") == "admin=False"  # power level 0
        assert await said(alice, "!digest on") == "admin=True"  # creator (room version 12)
        assert await said(bob, "!help") == "admin=False"  # not asked for other commands
        await alice.set_power_level(room, bob.user.user_id, 100)
        assert await said(bob, "!digest off") == "admin=True"
        assert [m.sender_is_admin for m in recorder.messages] == [False, True, False, True]
        assert all(m.chat_kind == "group" for m in recorder.messages)

        assert adapter.client is not None
        await adapter.client.room_leave(room)
        with pytest.raises(RecipientGone):  # Synapse: M_FORBIDDEN, not in the room
            await adapter.send(room, Reply("digest"), txn_id="digest-1")
    finally:
        await bob.close()
        await adapter.stop()



async def test_files_reach_an_encrypted_dm_as_image_and_file(
    synapse: Synapse, alice: Person, tmp_path: Path
) -> None:
    """A chart arrives in an encrypted DM as an m.image with its size, followed by the text;
    a long result arrives as an m.file; both decrypt to exactly the bytes sent."""
    bot_user = register_unique(synapse, "riskguide")
    bot = bot_user.user_id
    adapter = _adapter(synapse, bot_user, tmp_path / "bot", Recorder())
    await adapter.start()
    try:
        room = await alice.create_room([bot], encrypted=True, direct=True)
        await alice.wait_joined(room, bot)
        # Alice sees the join before the bot's own sync has told it about the room.
        assert adapter.client is not None
        client = adapter.client
        await _until(lambda: room in client.rooms)
        picture = png(120, 80)
        await adapter.send(room, Reply("**Summary**", attachment=Attachment(
            "chart.png", "image/png", picture, caption="Foreign agents")), txn_id="files-1")
        image, text = await alice.replies(room, bot, count=2)
        assert isinstance(image, RoomEncryptedImage), type(image)
        content = image.source["content"]
        assert (content["msgtype"], content["body"], content["filename"]) == (
            "m.image", "Foreign agents", "chart.png")
        assert content["info"] == {"mimetype": "image/png", "size": len(picture),
                                   "w": 120, "h": 80}
        assert "url" not in content  # never in the clear in an encrypted room
        assert await alice.download(content) == picture
        assert _body(text) == "Summary"

        listing = "Имя — реестр\n".encode() * 3000
        await adapter.send(room, Reply("", attachment=Attachment(
            "matches.txt", "text/plain", listing)), txn_id="files-2")
        [document] = await alice.replies(room, bot)
        assert isinstance(document, RoomEncryptedFile), type(document)
        assert document.source["content"]["body"] == "matches.txt"
        assert await alice.download(document.source["content"]) == listing
    finally:
        await adapter.stop()
