"""Settings read once from the environment into a frozen object (the only reader of os.environ)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

from bot import redact


def _read_secret(env: Mapping[str, str], name: str) -> str | None:
    """Return a secret from NAME, or from the file named by NAME_FILE (Docker/systemd style)."""
    value = env.get(name)
    if value:
        return value.strip()
    path = env.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return None


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one riskguide instance.

    Secrets are excluded from repr so that a logged Settings object never leaks them.
    """

    data_dir: Path
    database_url: str | None = None
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1:8443"
    telegram_webhook_secret: str | None = field(default=None, repr=False)
    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_password: str | None = field(default=None, repr=False)
    matrix_access_token: str | None = field(default=None, repr=False)
    matrix_allowed_servers: tuple[str, ...] = ()
    registry_portal_url: str = "https://reestrs.minjust.gov.ru"
    registry_proxy: str | None = field(default=None, repr=False)
    registry_ca_bundle: str | None = None
    registry_mirror_url: str | None = None
    refresh_interval_s: int = 3600
    # How long a sender owns the alerts it took; after a crash they go out again this late.
    alert_lease_s: float = 60.0
    log_level: str = "INFO"

    def __repr__(self) -> str:
        """Return the settings without secrets: secret fields are left out, and URLs (the
        database's, the portal's, the mirror's) show no password or token."""
        shown = []
        for f in fields(self):
            if not f.repr:
                continue
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = redact.url(value) if "://" in value else value
            shown.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def telegram_enabled(self) -> bool:
        """Return True when a Telegram bot token is configured."""
        return bool(self.telegram_token)

    @property
    def matrix_enabled(self) -> bool:
        """Return True when a Matrix homeserver and credentials are configured."""
        return bool(
            self.matrix_homeserver
            and self.matrix_user_id
            and (self.matrix_password or self.matrix_access_token)
        )


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Return Settings built from environment variables (default: os.environ).

    The data directory is created here so every later component can rely on it.
    """
    env = os.environ if env is None else env
    data_dir = Path(env.get("RISKGUIDE_DATA_DIR") or platformdirs.user_data_dir("riskguide"))
    data_dir.mkdir(parents=True, exist_ok=True)
    servers = tuple(
        s.strip() for s in env.get("MATRIX_ALLOWED_SERVERS", "").split(",") if s.strip()
    )
    return Settings(
        data_dir=data_dir,
        database_url=env.get("RISKGUIDE_DATABASE_URL") or None,
        telegram_token=_read_secret(env, "TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
        telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
        telegram_webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:8443"),
        telegram_webhook_secret=_read_secret(env, "TELEGRAM_WEBHOOK_SECRET"),
        matrix_homeserver=env.get("MATRIX_HOMESERVER") or None,
        matrix_user_id=env.get("MATRIX_USER_ID") or None,
        matrix_password=_read_secret(env, "MATRIX_PASSWORD"),
        matrix_access_token=_read_secret(env, "MATRIX_ACCESS_TOKEN"),
        matrix_allowed_servers=servers,
        registry_portal_url=env.get("RISKGUIDE_REGISTRY_PORTAL_URL", "https://reestrs.minjust.gov.ru"),
        registry_proxy=env.get("RISKGUIDE_REGISTRY_PROXY") or None,
        registry_ca_bundle=env.get("RISKGUIDE_REGISTRY_CA_BUNDLE") or None,
        registry_mirror_url=env.get("RISKGUIDE_REGISTRY_MIRROR_URL") or None,
        refresh_interval_s=int(env.get("RISKGUIDE_REFRESH_INTERVAL", "3600")),
        alert_lease_s=float(env.get("RISKGUIDE_ALERT_LEASE", "60")),
        log_level=env.get("RISKGUIDE_LOG_LEVEL", "INFO").upper(),
    )
