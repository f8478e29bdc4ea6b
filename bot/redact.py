"""What may be shown or logged of a secret-bearing value: URLs without credentials, and
failures as their type and place without their text.

One place for both, so a warning, `rejected.jsonl`, the database and every status command
show the same redacted form, and no error boundary logs what a user typed.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HIDDEN = "***"
# Query parameters whose value is a credential (matched case-insensitively, as substrings:
# "access_token", "apiKey", "X-Amz-Signature" ...).
_SECRET_PARAMS = ("token", "key", "secret", "pass", "pwd", "auth", "sig", "credential",
                  "session")
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")
# Telegram puts the bot token in the path: /bot123456:ABC-DEF.../getUpdates.
_BOT_TOKEN = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
# A bot token anywhere else in a text ("123456789:AAH..." is 8-10 digits, colon, 35 chars).
_BARE_BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")


def url(value: str) -> str:
    """Return the URL with any password, credential-like query value or bot token hidden.

    The user name stays (it says which account is configured); a value that does not parse
    as a URL is returned unchanged.
    """
    try:
        parts = urlsplit(value)
        netloc = parts.netloc
        if parts.password is not None:
            host = netloc.rsplit("@", 1)[1]
            netloc = f"{parts.username or ''}:{HIDDEN}@{host}"
        elif "@" in netloc:  # a token given as the user name (https://TOKEN@host/)
            netloc = f"{HIDDEN}@{netloc.rsplit('@', 1)[1]}"
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(_secret(k) for k, _ in pairs):
                query = urlencode([(k, HIDDEN if _secret(k) else v) for k, v in pairs],
                                  safe="*")
        path = _BOT_TOKEN.sub(f"/bot{HIDDEN}", parts.path)
        return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))
    except ValueError:
        return value


def text(value: str) -> str:
    """Return text (an error message, a reason) with every URL in it redacted by `url`, and
    any Telegram bot token outside a URL hidden too."""
    return _BARE_BOT_TOKEN.sub(HIDDEN, _URL.sub(lambda m: url(m.group(0)), value))


class RedactingFilter(logging.Filter):
    """A logging filter that redacts URLs and bot tokens in every record it sees.

    python-telegram-bot logs its Bot API URL, token included, at DEBUG ("Set Bot API URL");
    attached to that logger (and to the root handlers), the line keeps its use without the
    secret.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite record's message in redacted form; always returns True (nothing dropped)."""
        message = record.getMessage()
        redacted = text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def install_filter(*loggers: logging.Logger | logging.Handler) -> None:
    """Attach one RedactingFilter to each logger or handler that lacks one (idempotent)."""
    for target in loggers:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


def _secret(name: str) -> bool:
    folded = name.lower()
    return any(word in folded for word in _SECRET_PARAMS)


def failure(exc: BaseException) -> str:
    """Return where and how something failed, without the exception's text.

    "ValueError in handlers/dispatcher.py:123 (_free_text)": the text of an exception can
    hold what a user typed (a name, a message) or a URL with a token, and error boundaries
    log at ERROR; the type and the innermost frame of our own code say where to look.
    """
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename] or frames
    if not ours:
        return type(exc).__name__
    last = ours[-1]
    return f"{type(exc).__name__} in {_short_path(last.filename)}:{last.lineno} ({last.name})"


def log_failure(logger: logging.Logger, what: str, exc: BaseException) -> None:
    """Log an error boundary's failure: type and place at ERROR, the traceback only at DEBUG.

    The traceback's last line repeats the exception's text, which is why it is kept for
    debugging sessions, where personal data in logs is expected and accepted.
    """
    logger.error("%s: %s", what, failure(exc), stacklevel=2)
    logger.debug("%s: traceback", what, exc_info=exc, stacklevel=2)


def _short_path(path: str) -> str:
    """Return path from the package folder on (bot/…, handlers/…), not the install location."""
    parts = path.replace(os.sep, "/").split("/")
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in ("bot", "handlers"):
            return "/".join(parts[i:])
    return parts[-1]
