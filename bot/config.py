"""Settings read once from the environment into a frozen object (the only reader of os.environ)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs

from bot import redact
from bot.listings.model import FRESHNESS_DAYS, REGISTRIES

# The public mirror (ITSalt/ru-registries-mirror) is taken from a Russian exit and read from
# anywhere, so an operator abroad gets data with no setting at all.
DEFAULT_MIRROR_URL = ("https://raw.githubusercontent.com/ITSalt/ru-registries-mirror/main/"
                      "index.json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(sec|min|s|m|h|d)?", re.IGNORECASE)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


class ConfigError(ValueError):
    """A setting has a value riskguide cannot use; the message names it and what it accepts.

    The CLI prints the message as one line and exits with code 2 (a usage error).
    """


def _read_secret(env: Mapping[str, str], name: str) -> str | None:
    """Return a secret from NAME, or from the file named by NAME_FILE (Docker/systemd style)."""
    value = env.get(name)
    if value:
        return value.strip()
    path = env.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
            raise ConfigError(f"{name}_FILE={path!r} cannot be read ({reason}); it must name "
                              f"a readable file holding {name}") from None
    return None


def parse_duration(name: str, value: str) -> int:
    """Return value in whole seconds: "3600", "90s", "30m", "1h", "1d" or "1h30m".

    Raises ConfigError naming the setting `name` for anything else (or a negative value).
    """
    text = value.strip()
    parts = list(_DURATION.finditer(text))
    if not text or not parts or "".join(m.group(0) for m in parts).replace(" ", "") \
            != text.replace(" ", ""):
        raise ConfigError(f"{name}={value!r} is not a duration; use seconds (3600) or a number "
                          "with a unit: 90s, 30m, 1h, 1d, 1h30m (0 turns it off)")
    total = sum(float(m.group(1)) * _UNIT_S[(m.group(2) or "s").lower()] for m in parts)
    return int(total)


def load_log_level(env: Mapping[str, str] | None = None) -> str | None:
    """Return RISKGUIDE_LOG_LEVEL in upper case, or None when it is not set.

    It applies to every command; without it each command keeps its own default (WARNING for
    one-shot commands, INFO for `run`). Raises ConfigError for a name logging does not know.
    """
    env = os.environ if env is None else env
    value = (env.get("RISKGUIDE_LOG_LEVEL") or "").strip()
    if not value:
        return None
    if value.upper() not in LOG_LEVELS:
        raise ConfigError(f"RISKGUIDE_LOG_LEVEL={value!r} is not a log level; use one of "
                          f"{', '.join(LOG_LEVELS)}")
    return value.upper()


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise ConfigError(f"{name}={value!r} is not a positive number of seconds")
    return number


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
    # None: each command's own default (see load_log_level).
    log_level: str | None = None

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


def _mirror_url(value: str | None) -> str | None:
    """Return the mirror URL: the public mirror when unset, none when set to "off"."""
    if value is None or not value.strip():
        return DEFAULT_MIRROR_URL
    return None if value.strip().lower() in ("off", "none", "0") else value.strip()


def _freshness(value: str) -> dict[str, int]:
    """Return the freshness windows: the defaults, overridden by "list=days,list=days".

    Raises ConfigError naming the setting when an item is not a known list and a day count.
    """
    windows = dict(FRESHNESS_DAYS)
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, days = item.partition("=")
        if name.strip() not in REGISTRIES or not days.strip().isdecimal():
            raise ConfigError(f"RISKGUIDE_FRESHNESS_DAYS: {item!r} is not LIST=DAYS with LIST "
                             f"one of {', '.join(REGISTRIES)}")
        windows[name.strip()] = int(days)
    return windows


def load_settings(env: Mapping[str, str] | None = None, *, chat: bool = True) -> Settings:
    """Return Settings built from environment variables (default: os.environ).

    With `chat=False` no chat credential is read (a token file need not exist): commands
    that only look at registry data or alerts must work without them. The data directory is
    created here so every later component can rely on it. Raises ConfigError, naming the
    setting and what it accepts, for a value that cannot be used.
    """
    env = os.environ if env is None else env
    data_dir = Path(env.get("RISKGUIDE_DATA_DIR") or platformdirs.user_data_dir("riskguide"))
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"RISKGUIDE_DATA_DIR={str(data_dir)!r} cannot be created "
                          f"({exc.strerror}); it must be a writable directory") from None
    servers = tuple(
        s.strip() for s in env.get("MATRIX_ALLOWED_SERVERS", "").split(",") if s.strip()
    )
    listen = env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1:8443")
    host, _, port = listen.rpartition(":")
    if not host or not port.isdecimal() or not 0 < int(port) < 65536:
        raise ConfigError(f"TELEGRAM_WEBHOOK_LISTEN={listen!r} is not HOST:PORT "
                          "(e.g. 127.0.0.1:8443)")

    def secret(name: str) -> str | None:
        return _read_secret(env, name) if chat else None

    return Settings(
        data_dir=data_dir,
        database_url=env.get("RISKGUIDE_DATABASE_URL") or None,
        telegram_token=secret("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
        telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
        telegram_webhook_listen=listen,
        telegram_webhook_secret=secret("TELEGRAM_WEBHOOK_SECRET"),
        matrix_homeserver=env.get("MATRIX_HOMESERVER") or None,
        matrix_user_id=env.get("MATRIX_USER_ID") or None,
        matrix_password=secret("MATRIX_PASSWORD"),
        matrix_access_token=secret("MATRIX_ACCESS_TOKEN"),
        matrix_allowed_servers=servers,
        registry_portal_url=env.get("RISKGUIDE_REGISTRY_PORTAL_URL", "https://reestrs.minjust.gov.ru"),
        registry_proxy=env.get("RISKGUIDE_REGISTRY_PROXY") or None,
        registry_ca_bundle=env.get("RISKGUIDE_REGISTRY_CA_BUNDLE") or None,
        registry_mirror_url=_mirror_url(env.get("RISKGUIDE_REGISTRY_MIRROR_URL")),
        freshness_days=_freshness(env.get("RISKGUIDE_FRESHNESS_DAYS", "")),
        refresh_interval_s=parse_duration("RISKGUIDE_REFRESH_INTERVAL",
                                          env.get("RISKGUIDE_REFRESH_INTERVAL") or "3600"),
        alert_lease_s=_number(env, "RISKGUIDE_ALERT_LEASE", 60.0),
        log_level=load_log_level(env),
    )
