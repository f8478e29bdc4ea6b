"""Secrets stay out of what is shown, stored and logged: URLs, bot tokens, error texts."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import redact
from bot.config import Settings
from bot.listings.service import ListingService
from bot.measure.portal_emulator import Emulator
from bot.storage.database import Database
from bot.storage.schema import snapshot_rejections
from bot.watch.refresh import RefreshService
from bot.watch.status import alerts_status, format_status

SECRETS = ("s3cretpw", "t0ken-value", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")


@pytest.mark.parametrize(("value", "shown"), [
    ("http://user:s3cretpw@mirror.example/x.json", "http://user:***@mirror.example/x.json"),
    ("https://m.example/{registry}.json?token=t0ken-value&day=1",
     "https://m.example/{registry}.json?token=***&day=1"),
    ("https://t0ken-value@m.example/", "https://***@m.example/"),
    ("http://127.0.0.1:8081/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
     "http://127.0.0.1:8081/bot***/getMe"),
    ("postgresql+asyncpg://rg:s3cretpw@db:5432/rg", "postgresql+asyncpg://rg:***@db:5432/rg"),
    ("https://reestrs.minjust.gov.ru", "https://reestrs.minjust.gov.ru"),
])
def test_urls_lose_their_credentials(value: str, shown: str) -> None:
    assert redact.url(value) == shown
    assert redact.text(f"GET {value} failed") == f"GET {shown} failed"


def test_settings_repr_shows_no_password() -> None:
    settings = Settings(data_dir=Path("/tmp"),
                        database_url="postgresql+asyncpg://rg:s3cretpw@db/rg",
                        registry_mirror_url="https://m/{registry}.json?token=t0ken-value",
                        telegram_token=SECRETS[2], matrix_password="s3cretpw")
    assert not any(s in repr(settings) for s in SECRETS)
    assert "postgresql+asyncpg://rg:***@db/rg" in repr(settings)


def test_ptb_debug_log_hides_the_token(caplog: pytest.LogCaptureFixture) -> None:
    """python-telegram-bot logs "Set Bot API URL: …/bot<token>" at DEBUG."""
    from telegram import Bot

    from bot.adapters.telegram import PTB_LOGGERS

    redact.install_filter(*(logging.getLogger(n) for n in PTB_LOGGERS))
    with caplog.at_level(logging.DEBUG):
        Bot(SECRETS[2], base_url="http://127.0.0.1:8081/bot")
    assert "Set Bot API URL" in caplog.text
    assert SECRETS[2] not in caplog.text and "AAHdqTcv" not in caplog.text


async def test_credentials_in_source_urls_are_never_shown_or_stored(
        db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A portal and a mirror URL with a password and a token: the failed refresh's warnings,
    the stored rejections, the database and both status commands show neither."""
    with Emulator().running() as base:  # answers 404 to the mirror's path
        port = base.rsplit(":", 1)[1].strip("/")
        settings = Settings(
            data_dir=tmp_path,
            registry_portal_url="http://portal:s3cretpw@127.0.0.1:9/?token=t0ken-value",
            registry_mirror_url=f"http://user:s3cretpw@127.0.0.1:{port}/m/{{registry}}.json"
                                "?access_token=t0ken-value")
        listings = ListingService(settings, retries=1, backoff=0, timeout=5)
        refresh = RefreshService(db, listings)
        with caplog.at_level(logging.INFO):
            results = await refresh.refresh(("foreign_agents",))
    assert results[0][0].outcome == "failed"
    with listings.store.engine.connect() as conn:  # the rows as stored, not as shown
        stored = json.dumps([list(r) for r in conn.execute(select(snapshot_rejections))],
                            ensure_ascii=False, default=str)
    state = json.dumps(await refresh.state())
    status = await alerts_status(db, listings)
    shown = [caplog.text, stored, state, json.dumps(listings.status()), json.dumps(status),
             format_status(status)]
    assert "127.0.0.1" in stored and "***" in stored  # the URLs are there, redacted
    for text in shown:
        assert not any(s in text for s in SECRETS), text


def test_error_boundaries_log_type_and_place_not_text(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("bot.test")
    try:
        raise ValueError("Иванов Иван Иванович is someone's watched name")
    except ValueError as exc:
        with caplog.at_level(logging.INFO):
            redact.log_failure(log, "handling failed", exc)
    assert "ValueError in test_redact.py:" in caplog.text
    assert "Иванов" not in caplog.text
