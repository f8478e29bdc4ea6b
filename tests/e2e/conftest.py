"""Fixtures shared by the end-to-end tests: one real Synapse for the whole run."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.auxil.synapse import Synapse


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
