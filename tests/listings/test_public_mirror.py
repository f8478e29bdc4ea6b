"""The public mirror as the data source abroad: a real HTTP server on loopback serving the
mirror's layout, every way it can fail, and its recovery."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.listings.service import ListingService
from tests.auxil.mirror import MirrorCopy, serve_mirror
from tests.auxil.registries import settings_in

UNKNOWN = "Совершенно Неизвестная Организация Ромашка"


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[MirrorCopy, str]]:
    with serve_mirror(tmp_path / "mirror") as served:
        yield served


def _service(tmp_path: Path, url: str) -> ListingService:
    # The portal address refuses connections at once, as the real one does abroad.
    settings = settings_in(tmp_path / "data", registry_mirror_url=url,
                           registry_portal_url="http://127.0.0.1:9")
    return ListingService(settings, retries=1, backoff=0, timeout=5)


def _fresh(copy: MirrorCopy, registry: str) -> None:
    """Make the mirror serve registry's list as taken just now (a healthy, current mirror)."""
    doc = copy.data(registry)
    doc["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    copy.publish(registry, doc)


def test_a_first_start_abroad_gets_all_four_lists_from_the_mirror(
        tmp_path: Path, mirror: tuple[MirrorCopy, str]) -> None:
    copy, url = mirror
    service = _service(tmp_path, url)
    reports = service.update()
    assert [(r.registry, r.outcome) for r in reports] == [
        ("foreign_agents", "stored"), ("undesirable", "stored"), ("extremist", "stored"),
        ("terrorist", "stored")]
    status = {s["registry"]: s for s in service.status()}
    assert {r: s["current"]["count"] for r, s in status.items()} == {
        "foreign_agents": 1267, "undesirable": 415, "extremist": 153, "terrorist": 77}
    assert {s["current"]["origin"] for s in status.values()} == {"mirror"}
    assert status["foreign_agents"]["current"]["as_of"] == "2026-09-19"
    result = service.check("Amnesty International")
    assert result.status == "listed" and result.matches[0].registry == "undesirable"
    # The copy of September is older than every window by now: "not found" is not allowed.
    assert service.check(UNKNOWN).status == "unverified"
    for registry in ("foreign_agents", "undesirable", "extremist", "terrorist"):
        _fresh(copy, registry)
    service.update()
    assert service.check(UNKNOWN).status == "not_found"
    assert {d.origin for d in service.check(UNKNOWN).data} == {"mirror"}


def _break_checksum(copy: MirrorCopy) -> None:
    text = copy.data_path("foreign_agents").read_text("utf-8")
    copy.data_path("foreign_agents").write_text(text.replace("Пахалюк", "Пахалюков", 1), "utf-8")


def _fail_status(copy: MirrorCopy) -> None:
    copy.edit_list("foreign_agents", status="failed", last_error="portal timed out")


def _not_json(copy: MirrorCopy) -> None:
    copy.data_path("foreign_agents").write_text("<html><body>Rate limited</body></html>")


def _truncated(copy: MirrorCopy) -> None:
    body = copy.data_path("foreign_agents").read_bytes()
    copy.data_path("foreign_agents").write_bytes(body[: len(body) // 2])


def _missing(copy: MirrorCopy) -> None:
    copy.data_path("foreign_agents").unlink()


def _older(copy: MirrorCopy) -> None:
    doc = copy.data("foreign_agents")
    doc["fetched_at"] = "2026-01-01T00:00:00+00:00"
    copy.publish("foreign_agents", doc)


def _smaller(copy: MirrorCopy) -> None:
    doc = copy.data("foreign_agents")
    doc["entries"] = doc["entries"][:300]
    doc["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    copy.publish("foreign_agents", doc)  # consistent with itself, but a third of the list


def _count_mismatch(copy: MirrorCopy) -> None:
    copy.edit_list("foreign_agents", entry_count=1300)


@pytest.mark.parametrize(("damage", "reason"), [
    (_break_checksum, "entries_sha256"),
    (_fail_status, "status 'failed' (portal timed out)"),
    (_not_json, "not valid JSON"),
    (_truncated, "not valid JSON"),
    (_missing, "HTTP 404"),
    (_older, "older than the stored"),
    (_smaller, "dropped from 1267 to 300"),
    (_count_mismatch, "entry_count"),
])
def test_a_broken_mirror_is_refused_with_its_reason_and_nothing_is_lost(
        tmp_path: Path, mirror: tuple[MirrorCopy, str], damage, reason: str) -> None:
    copy, url = mirror
    _fresh(copy, "foreign_agents")
    service = _service(tmp_path, url)
    assert service.update(("foreign_agents",))[0].outcome == "stored"
    assert service.check(UNKNOWN).status in ("not_found", "unverified")
    fa_before = next(d for d in service.check(UNKNOWN).data if d.registry == "foreign_agents")
    assert fa_before.trusted()

    damage(copy)
    report = service.update(("foreign_agents",))[0]
    assert report.outcome in ("failed", "rejected")
    assert reason in report.detail
    status = next(s for s in service.status() if s["registry"] == "foreign_agents")
    assert status["current"]["count"] == 1267  # the last good list stays
    assert status["last_fetch_failed"] and reason in status["last_failure"]
    assert any(reason in "; ".join(r["reasons"]) for r in status["rejections"])
    # A listed person is still found; a name not found can no longer be "not listed".
    assert service.check("Пахалюк Константин Александрович").status == "listed"
    fa = next(d for d in service.check(UNKNOWN).data if d.registry == "foreign_agents")
    assert fa.fetch_failed and not fa.trusted()
    assert service.check(UNKNOWN).status == "unverified"

    copy.restore()
    _fresh(copy, "foreign_agents")
    assert service.update(("foreign_agents",))[0].outcome in ("stored", "unchanged")
    status = next(s for s in service.status() if s["registry"] == "foreign_agents")
    assert not status["last_fetch_failed"]
    fa = next(d for d in service.check(UNKNOWN).data if d.registry == "foreign_agents")
    assert fa.trusted() and fa.as_of == date.today()


def test_the_bundled_snapshot_is_never_compared_with_a_fetch(
        tmp_path: Path, mirror: tuple[MirrorCopy, str]) -> None:
    copy, url = mirror
    doc = copy.data("terrorist")
    doc["entries"] = doc["entries"][:10]  # far smaller than the bundled 77: still the first
    doc["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    copy.publish("terrorist", doc)
    service = _service(tmp_path, url)
    assert service.current("terrorist").origin == "bundled"  # type: ignore[union-attr]
    report = service.update(("terrorist",))[0]
    assert report.outcome == "stored"
    assert report.store is not None and report.store.previous is None
    assert service.current("terrorist").count == 10  # type: ignore[union-attr]
