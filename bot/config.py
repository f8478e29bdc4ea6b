"""Settings read once from the environment into a frozen object (the only reader of os.environ)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from bot.listings.model import FRESHNESS_DAYS, REGISTRIES

# The public mirror (ITSalt/ru-registries-mirror) is taken from a Russian exit and read from
# anywhere, so an operator abroad gets data with no setting at all.
DEFAULT_MIRROR_URL = ("https://raw.githubusercontent.com/ITSalt/ru-registries-mirror/main/"
                      "index.json")


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
    # None: no mirror. load_settings gives the public mirror unless told "off".
    registry_mirror_url: str | None = None
    # Days a list's data may be old and still support "not found" (see FRESHNESS_DAYS).
    freshness_days: Mapping[str, int] = field(default_factory=lambda: dict(FRESHNESS_DAYS))
    refresh_interval_s: int = 3600
    # How long a sender owns the alerts it took; after a crash they go out again this late.
    alert_lease_s: float = 60.0
    log_level: str = "INFO"

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


def _mirror_url(value: str | None) -> str | None:
    """Return the mirror URL: the public mirror when unset, none when set to "off"."""
    if value is None or not value.strip():
        return DEFAULT_MIRROR_URL
    return None if value.strip().lower() in ("off", "none", "0") else value.strip()


def _freshness(value: str) -> dict[str, int]:
    """Return the freshness windows: the defaults, overridden by "list=days,list=days".

    Raises ValueError naming the setting when an item is not a known list and a day count.
    """
    windows = dict(FRESHNESS_DAYS)
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, days = item.partition("=")
        if name.strip() not in REGISTRIES or not days.strip().isdecimal():
            raise ValueError(f"RISKGUIDE_FRESHNESS_DAYS: {item!r} is not LIST=DAYS with LIST "
                             f"one of {', '.join(REGISTRIES)}")
        windows[name.strip()] = int(days)
    return windows


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
        registry_mirror_url=_mirror_url(env.get("RISKGUIDE_REGISTRY_MIRROR_URL")),
        freshness_days=_freshness(env.get("RISKGUIDE_FRESHNESS_DAYS", "")),
        refresh_interval_s=int(env.get("RISKGUIDE_REFRESH_INTERVAL", "3600")),
        alert_lease_s=float(env.get("RISKGUIDE_ALERT_LEASE", "60")),
        log_level=env.get("RISKGUIDE_LOG_LEVEL", "INFO").upper(),
    )
