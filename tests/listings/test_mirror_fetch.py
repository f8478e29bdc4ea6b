"""A mirror fetch carries what the parser learnt about the file into the snapshot."""

from __future__ import annotations

import httpx

from bot.listings import mirror, portal
from tests.auxil.registries import FA_2024_10_01, SHARED_REGISTRIES

FA_2024_06_01 = SHARED_REGISTRIES / "foreign_agents" / "2024-06-01.json"


def _client(body: bytes) -> httpx.Client:
    return portal.make_client(transport=httpx.MockTransport(
        lambda request: httpx.Response(200, content=body)))


def test_mirror_snapshot_says_whether_exclusions_are_known() -> None:
    june = mirror.fetch(_client(FA_2024_06_01.read_bytes()), "http://m/{registry}.json",
                        "foreign_agents")
    assert not june.exclusions_known and all(e.listed for e in june.entries)
    assert june.meta()["exclusions_known"] is False
    october = mirror.fetch(_client(FA_2024_10_01.read_bytes()), "http://m/{registry}.json",
                           "foreign_agents")
    assert october.exclusions_known and any(not e.listed for e in october.entries)
