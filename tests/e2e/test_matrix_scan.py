"""End to end: scanning texts on Matrix (real Synapse, the bot's MatrixAdapter, a nio user).

"!scan TEXT" in an encrypted direct chat, and a text file sent as an encrypted m.file, which
the bot downloads and decrypts. Data: the 2026-09 snapshot bundled in the package.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from nio import Event, MegolmEvent, RoomMessageNotice

from bot.adapters.matrix import MatrixAdapter
from bot.app import build_dispatcher
from bot.config import Settings
from tests.auxil.registries import WIDE_WINDOWS
from tests.auxil.synapse import MatrixUser, Person, Synapse, register_unique

pytestmark = pytest.mark.e2e

POST = ("Вчера в эфире телеканала «Дождь»* журналист Юрий Дудь рассказал о новом проекте. "
        "Дудь также упомянул отчёт Amnesty International. На улице был холод.")


def _body(event: Event) -> str:
    assert not isinstance(event, MegolmEvent), "the reply could not be decrypted"
    assert isinstance(event, RoomMessageNotice), type(event)
    return str(event.source["content"]["body"])


async def test_scan_command_and_file_in_an_encrypted_dm(
    synapse: Synapse, alice: Person, tmp_path: Path
) -> None:
    """"!scan TEXT" and an encrypted m.file both come back with the names and their notes;
    a binary file gets a polite reason."""
    bot_user: MatrixUser = register_unique(synapse, "riskguide")
    settings = Settings(data_dir=tmp_path / "bot", matrix_homeserver=synapse.url,
                        matrix_user_id=bot_user.user_id, matrix_password=bot_user.password,
                        freshness_days=WIDE_WINDOWS)
    adapter = MatrixAdapter(settings, build_dispatcher(settings))
    await adapter.start()
    transcript = []
    try:
        room = await alice.create_room([bot_user.user_id], encrypted=True, direct=True)
        await alice.wait_joined(room, bot_user.user_id)
        await alice.send(room, "!scan " + POST)
        [reply] = await alice.replies(room, bot_user.user_id)
        transcript += [f"alice: !scan {POST}", f"bot: {_body(reply)}"]
        in_file = "Новое интервью Юрия Дудя вышло вчера."
        await alice.send_file(room, "post.txt", in_file.encode(), encrypted=True)
        [from_file] = await alice.replies(room, bot_user.user_id)
        transcript += [f"alice: [encrypted m.file post.txt] {in_file}",
                       f"bot: {_body(from_file)}"]
        await alice.send_file(room, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", encrypted=True)
        [refused] = await alice.replies(room, bot_user.user_id)
        transcript += ["alice: [encrypted m.file photo.txt, a PNG]", f"bot: {_body(refused)}"]
    finally:
        await adapter.stop()
    body = _body(reply)
    assert "Дудь Юрий Александрович" in body
    assert "после первого упоминания добавьте: (внесён в реестр иностранных агентов)" in body
    assert "Юрий Дудь (внесён в реестр иностранных агентов) рассказал" in body
    assert "данные из копии, встроенной в бота на 19.09.2026" in body
    file_body = _body(from_file)
    assert "Дудь Юрий Александрович" in file_body
    assert "интервью Юрия Дудя (внесён в реестр иностранных агентов) вышло" in file_body
    assert "не текстовый файл" in _body(refused)
    folder = os.environ.get("RISKGUIDE_TRANSCRIPTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "scan-matrix.txt").write_text("\n".join(transcript), encoding="utf-8")
