"""Fixtures shared by the end-to-end tests: one real Synapse for the whole run, a local Bot API
server per test, the knowledge services per module and the Matrix user who talks to the bot."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import build_dispatcher
from bot.config import Settings
from handlers.context import Services
from tests.auxil.botapi import BotAPIServer
from tests.auxil.synapse import Person, Synapse


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    """One Synapse for every Matrix test (it starts in a few seconds; users are per test)."""
    with tempfile.TemporaryDirectory(prefix="synapse-") as directory:
        server = Synapse(Path(directory))
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
async def alice(synapse: Synapse, tmp_path: Path) -> AsyncIterator[Person]:
    """The Matrix user who talks to the bot (a new account per test)."""
    person = await Person.create(synapse, tmp_path, "alice")
    yield person
    await person.close()


@pytest.fixture
async def api() -> AsyncIterator[BotAPIServer]:
    """A fresh local Bot API server per test."""
    async with BotAPIServer() as server:
        yield server


@pytest.fixture(scope="module")
def shared_services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    """The knowledge base and question index, built once for the module."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("kb"))
    return build_dispatcher(settings, with_listings=False).services
