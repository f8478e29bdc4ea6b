"""The neutral message and reply types that every chat adapter translates to and from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChatKind(StrEnum):
    """Whether a conversation is one-to-one or has several people in it."""

    PRIVATE = "private"
    GROUP = "group"


class Platform(StrEnum):
    """The chat network a message came from."""

    CONSOLE = "console"
    TELEGRAM = "telegram"
    MATRIX = "matrix"


@dataclass(frozen=True)
class Message:
    """One incoming user action, as every adapter reports it.

    `text` is the message text, or for a button press the choice's `data` with `is_callback`
    set. `addressed` is True when the adapter knows the bot was explicitly addressed in a
    group (a mention or a reply to one of its messages); in private chats it is implied.
    `language_hint` is the platform's idea of the user's language ("ru", "en-GB", ...), if any.
    `sender_is_admin` is only meaningful in groups (a group digest needs an admin).
    """

    text: str
    user_id: str
    chat_id: str
    chat_kind: ChatKind = ChatKind.PRIVATE
    platform: Platform = Platform.CONSOLE
    language_hint: str | None = None
    addressed: bool = False
    is_callback: bool = False
    is_command: bool = False
    kind: str = "text"  # "text", or "sticker", "photo", "voice", "edit", ... for ignored input
    # Set by adapters for group messages that are commands: whether the sender may change
    # the group's settings (Telegram chat administrator, Matrix power level >= 50).
    sender_is_admin: bool = False


@dataclass(frozen=True)
class Choice:
    """One option offered to the user: a button on Telegram, a numbered line elsewhere.

    `data` is what comes back as Message.text with is_callback=True when it is chosen; it is
    at most 64 bytes (Telegram's callback_data limit).
    """

    label: str
    data: str


# Attachments of these types are shown as pictures (a Telegram photo, a Matrix m.image);
# any other type goes as a file to download.
IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})


@dataclass(frozen=True)
class Attachment:
    """A file that goes out with a reply: a chart (image/png), or a long result as a text
    file (text/plain, application/json) that would not fit in a message.

    `filename` is what the user's client shows and saves it as; `caption`, in the same light
    markup as Reply.text, is shown with the file (keep it short: Telegram allows 1024
    characters in a caption, a longer one goes out as a message of its own).
    """

    filename: str
    mime: str
    data: bytes = field(repr=False)
    caption: str | None = None

    @property
    def is_image(self) -> bool:
        """Return True when clients should show the file as a picture, not as a download."""
        return self.mime in IMAGE_TYPES


@dataclass(frozen=True)
class Reply:
    """One outgoing message in light markup, optionally with a file.

    `text` may use **bold**, _italic_ and [label](url) links only; every adapter renders that
    subset in its own idiom and escapes everything else. Choices are laid out in rows. An
    `attachment` is sent first, then the text (which may be empty when the file says it all);
    the choices stay with the text, or go with the file when there is no text.
    """

    text: str
    choices: tuple[tuple[Choice, ...], ...] = ()
    follow_ups: tuple[str, ...] = field(default=())
    attachment: Attachment | None = None
