"""End to end: the Matrix adapter against a real Synapse, driven by a matrix-nio test user."""

from __future__ import annotations

import io
import json
import logging
import stat
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nio import (
    Event,
    MegolmEvent,
    RoomEncryptedImage,
    RoomMessageNotice,
)
from PIL import Image

from bot.adapters.matrix import MatrixAdapter
from bot.app import build_dispatcher
from bot.config import Settings
from bot.i18n import Translator
from handlers.messages import Message, Platform, Reply
from handlers.render import as_plain, numbered_choices
from tests.auxil.synapse import TIMEOUT, MatrixUser, Person, Synapse, register_unique

pytestmark = pytest.mark.e2e

QUESTION = "What is the criminal liability for taking part in an undesirable organisation?"


def _settings(synapse: Synapse, bot: MatrixUser, data_dir: Path) -> Settings:
    """Return the bot's settings as the composition root would build them."""
    return Settings(
        data_dir=data_dir, matrix_homeserver=synapse.url, matrix_user_id=bot.user_id,
        matrix_password=bot.password,
    )


async def _person(synapse: Synapse, tmp_path: Path, role: str) -> Person:
    return await Person.create(synapse, tmp_path, role)


@pytest.fixture
async def bot_user(synapse: Synapse) -> MatrixUser:
    """A registered account for the bot."""
    return register_unique(synapse, "riskguide")


@pytest.fixture
async def alice(synapse: Synapse, tmp_path: Path) -> AsyncIterator[Person]:
    """The test user who talks to the bot."""
    person = await _person(synapse, tmp_path, "alice")
    yield person
    await person.close()


@pytest.fixture
async def running_bot(
    synapse: Synapse, bot_user: MatrixUser, tmp_path: Path
) -> AsyncIterator[MatrixAdapter]:
    """The bot, started on its own data directory, stopped after the test."""
    settings = _settings(synapse, bot_user, tmp_path / "bot")
    adapter = MatrixAdapter(settings, build_dispatcher(settings, with_listings=False))
    await adapter.start()
    yield adapter
    await adapter.stop()


async def _expected(*texts: str) -> list[Reply]:
    """Return the one reply each text gets from a fresh dispatcher, as one conversation.

    The conversation matters: the language is taken from a user's first message. A text
    starting with "#" stands for choosing that number from the previous reply.
    """
    with tempfile.TemporaryDirectory() as directory:
        dispatcher = build_dispatcher(Settings(data_dir=Path(directory)), with_listings=False)
        replies: list[Reply] = []
        for text in texts:
            message = Message(text=text, user_id="u", chat_id="c", platform=Platform.MATRIX)
            if text.startswith("#"):
                data = numbered_choices(replies[-1])[int(text[1:]) - 1].data
                message = Message(text=data, user_id="u", chat_id="c",
                                  platform=Platform.MATRIX, is_callback=True)
            [reply] = await dispatcher.handle(message)
            replies.append(reply)
    return replies


async def _plain(*texts: str) -> list[str]:
    """Return the expected replies as the plain bodies the bot sends."""
    return [as_plain(reply) for reply in await _expected(*texts)]


def _notice(event: Event) -> dict[str, Any]:
    """Assert that event is a readable m.notice with an HTML body and return its content."""
    assert not isinstance(event, MegolmEvent), "the reply could not be decrypted"
    assert isinstance(event, RoomMessageNotice), type(event)
    content: dict[str, Any] = event.source["content"]
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"]
    return content


async def test_encrypted_direct_chat_question_check_and_choice(
    alice: Person, running_bot: MatrixAdapter, bot_user: MatrixUser
) -> None:
    """Element's default DM: encrypted from the start; questions, checks, numbered choices."""
    bot = bot_user.user_id
    room = await alice.create_room([bot], encrypted=True, direct=True)
    await alice.wait_joined(room, bot)

    await alice.send(room, QUESTION)
    [answer] = await alice.replies(room, bot)
    assert answer.decrypted  # type: ignore[attr-defined]
    content = _notice(answer)
    assert "284.1" in content["body"]
    assert "284.1" in content["formatted_body"]
    assert content["body"] == (await _plain(QUESTION))[0]
    assert "<ol" in content["formatted_body"]  # choices are numbered, Matrix has no buttons

    await alice.send(room, "2")
    [chosen] = await alice.replies(room, bot)
    assert _notice(chosen)["body"] == (await _plain(QUESTION, "#2"))[1]

    await alice.send(room, "!check Ivan Ivanov")
    [check] = await alice.replies(room, bot)
    body = _notice(check)["body"]
    assert body == (await _plain(QUESTION, "#2", "!check Ivan Ivanov"))[2]
    assert "can't check" in body

    # The adapter is the error boundary: a failing handler costs one polite reply, no more.
    async def failing(message: Message) -> list[Reply]:
        raise RuntimeError("handler bug")

    real = running_bot.dispatcher.handle
    running_bot.dispatcher.handle = failing  # type: ignore[method-assign]
    await alice.send(room, "Hello there")
    [error] = await alice.replies(room, bot)
    assert _notice(error)["body"] == Translator("en")("error.internal")
    running_bot.dispatcher.handle = real  # type: ignore[method-assign]
    await alice.send(room, "!help")
    [help_reply] = await alice.replies(room, bot)
    assert _notice(help_reply)["body"] == (await _plain(QUESTION, "!help"))[1]


async def test_unencrypted_group_room(
    synapse: Synapse, alice: Person, running_bot: MatrixAdapter, bot_user: MatrixUser,
    tmp_path: Path,
) -> None:
    """In a group the bot answers only commands, mentions and replies to itself."""
    bot = bot_user.user_id
    bob = await _person(synapse, tmp_path, "bob")
    try:
        room = await alice.create_room([bot, bob.user.user_id], encrypted=False, direct=False)
        assert (await bob.client.join(room)).transport_response.ok  # type: ignore[union-attr]
        await alice.wait_joined(room, bot)
        await alice.wait_joined(room, bob.user.user_id)

        # Plain chatter is not for the bot. The worker handles messages in order, so when
        # !help is answered first, the chatter before it was ignored, not merely slow.
        await alice.send(room, QUESTION)
        await alice.send(room, "!help")
        [help_reply] = await alice.replies(room, bot)
        content = _notice(help_reply)
        assert content["body"] == (await _plain("!help"))[0]
        assert content["m.relates_to"]["m.in_reply_to"]  # answers are threaded to the asker

        mention = await alice.send(
            room, f"{bot_user.user_id.split(':')[0][1:]}: {QUESTION}",
            **{"m.mentions": {"user_ids": [bot]}},
        )
        [answer] = await alice.replies(room, bot)
        content = _notice(answer)
        assert "284.1" in content["body"]
        assert content["m.relates_to"]["m.in_reply_to"]["event_id"] == mention

        # A reply to the bot's message is addressed to it too, even without a mention; a bare
        # number picks from the choices the bot last offered this user here.
        await alice.send(room, "2", **{"m.relates_to": {
            "m.in_reply_to": {"event_id": answer.event_id}}})
        [chosen] = await alice.replies(room, bot)
        assert _notice(chosen)["body"] == (await _plain("!help", QUESTION, "#2"))[2]
    finally:
        await bob.close()


async def test_restart_keeps_device_keys_and_does_not_replay(
    synapse: Synapse, alice: Person, bot_user: MatrixUser, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restarted bot keeps its device and keys, answers what it missed, and nothing twice."""
    caplog.set_level(logging.INFO)
    bot = bot_user.user_id
    settings = _settings(synapse, bot_user, tmp_path / "bot")
    first = MatrixAdapter(settings, build_dispatcher(settings, with_listings=False))
    await first.start()
    device = first.device_id
    identity = _identity_key(first)
    room = await alice.create_room([bot], encrypted=True, direct=True)
    await alice.wait_joined(room, bot)
    await alice.send(room, "!help")
    _notice((await alice.replies(room, bot))[0])
    await first.stop()

    session = settings.data_dir / "matrix" / "session.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert bot_user.password not in session.read_text()

    await alice.send(room, QUESTION)  # while the bot is offline
    second = MatrixAdapter(settings, build_dispatcher(settings, with_listings=False))
    await second.start()
    try:
        assert second.device_id == device
        assert _identity_key(second) == identity  # the same olm account, not a new one
        await alice.send(room, "!check Ivan Ivanov")
        missed, check = await alice.replies(room, bot, count=2)
        assert "284.1" in _notice(missed)["body"]  # decryptable: same olm account and keys
        assert "can't check" in _notice(check)["body"]
        # Nothing before the restart was answered again: the two replies above are all.
        assert not [e for r, e in alice.events if r == room and e.sender == bot]
    finally:
        await second.stop()
    token = json.loads(session.read_text())["access_token"]
    info = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    for secret in (bot_user.password, token, QUESTION, "Ivan", alice.user.user_id):
        assert secret not in info


def _identity_key(adapter: MatrixAdapter) -> str:
    """Return the bot device's ed25519 identity key (it changes with a new olm account)."""
    assert adapter.client is not None and adapter.client.olm is not None
    return str(adapter.client.olm.account.identity_keys["ed25519"])


async def test_access_token_login_and_invites_from_other_servers_declined(
    synapse: Synapse, alice: Person, bot_user: MatrixUser, tmp_path: Path
) -> None:
    """An access token alone logs in (its device is kept); MATRIX_ALLOWED_SERVERS is obeyed."""
    settings = Settings(
        data_dir=tmp_path / "bot", matrix_homeserver=synapse.url,
        matrix_user_id=bot_user.user_id, matrix_access_token=bot_user.access_token,
        matrix_allowed_servers=("matrix.example.org",),
    )
    adapter = MatrixAdapter(settings, build_dispatcher(settings, with_listings=False))
    await adapter.start()
    try:
        assert adapter.device_id == bot_user.device_id
        room = await alice.create_room([bot_user.user_id], encrypted=False, direct=True)
        deadline = time.monotonic() + TIMEOUT
        membership = "invite"
        while membership == "invite" and time.monotonic() < deadline:
            await alice.sync()
            state = await alice.client.room_get_state_event(
                room, "m.room.member", bot_user.user_id,
            )
            membership = getattr(state, "content", {}).get("membership", "invite")
        assert membership == "leave"  # the invite from "localhost" was declined
    finally:
        await adapter.stop()


async def test_stats_answers_with_an_image_in_an_encrypted_dm(
    synapse: Synapse, bot_user: MatrixUser, alice: Person, tmp_path: Path
) -> None:
    """"!stats иноагенты" in an encrypted DM brings the chart as an encrypted m.image with its
    dimensions, which decrypts to a PNG, followed by the summary notice."""
    from bot.listings.service import ListingService
    from tests.auxil.registries import FA_2024_10_01

    if not FA_2024_10_01.exists():
        pytest.skip("shared snapshots absent")
    settings = _settings(synapse, bot_user, tmp_path / "bot")
    assert ListingService(settings).import_file(FA_2024_10_01, "foreign_agents").accepted
    adapter = MatrixAdapter(settings, build_dispatcher(settings))
    await adapter.start()
    try:
        room = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
        await alice.wait_joined(room, bot_user.user_id)
        await alice.send(room, "!stats иноагенты")
        image, summary = await alice.replies(room, bot_user.user_id, count=2)
    finally:
        await adapter.stop()
    assert isinstance(image, RoomEncryptedImage), type(image)
    content = image.source["content"]
    assert content["msgtype"] == "m.image" and content["info"]["mimetype"] == "image/png"
    png = await alice.download(content)
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    assert (content["info"]["w"], content["info"]["h"], content["info"]["size"]) == (
        picture.width, picture.height, len(png))
    body = _notice(summary)["body"]
    assert body.startswith("Реестр иностранных агентов (данные на 1 октября 2024)")
    assert "Сейчас в реестре: 655" in body
