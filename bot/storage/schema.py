"""The database tables (SQLAlchemy Core). Change them only together with a migration.

What is stored per person is only what a feature needs: the platform, the chat to deliver
to, the language, the watched names, digest subscriptions and delivery state. Deleting a
recipient row cascades to everything else about them. Times are naive UTC on every dialect.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# Constraint names are fixed so migrations can refer to them on every dialect.
metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

# A person in a private chat, or a group chat (kind "group": only a digest lives there).
recipients = Table(
    "recipients", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("address", String(255), nullable=False),  # platform user id, or group chat id
    Column("chat_id", String(255)),  # where to deliver; unknown until a private message
    Column("lang", String(8)),  # chosen with /lang; replies follow it
    # The language of the conversation in which the person last set up a watch or digest:
    # what alerts are written in when no language was chosen. Not a choice, so replies keep
    # following the platform's hint.
    Column("alert_lang", String(8)),
    Column("active", Boolean, nullable=False, default=True),
    Column("inactive_reason", String(200)),
    Column("created_at", DateTime(), nullable=False),
    UniqueConstraint("platform", "kind", "address", name="uq_recipients_identity"),
)

watches = Table(
    "watches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recipient_id", Integer, ForeignKey("recipients.id", ondelete="CASCADE"),
           nullable=False),
    Column("query", String(300), nullable=False),
    Column("norm", String(300), nullable=False),
    Column("created_at", DateTime(), nullable=False),
    UniqueConstraint("recipient_id", "norm", name="uq_watches_recipient_norm"),
)

digests = Table(
    "digests", metadata,
    Column("recipient_id", Integer, ForeignKey("recipients.id", ondelete="CASCADE"),
           primary_key=True),
    Column("registry", String(32), primary_key=True),
)

# Per registry: which stored snapshot the events were last computed up to.
registry_state = Table(
    "registry_state", metadata,
    Column("registry", String(32), primary_key=True),
    Column("snapshot", String(200)),  # file name in the snapshot store
    Column("content_hash", String(64)),
    Column("as_of", Date),
    Column("exclusions_snapshot", String(200)),  # last snapshot that had exclusion dates
    Column("processed_at", DateTime()),
    Column("last_refresh_at", DateTime()),
    Column("last_outcome", String(32)),
    Column("last_detail", Text),
)

# One refresh's changes of one registry: what a digest groups.
batches = Table(
    "batches", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registry", String(32), nullable=False),
    Column("snapshot", String(200), nullable=False),
    Column("from_as_of", Date),
    Column("to_as_of", Date, nullable=False),
    Column("created_at", DateTime(), nullable=False),
    UniqueConstraint("registry", "snapshot", name="uq_batches_registry_snapshot"),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(400), nullable=False),
    Column("data", JSON, nullable=False),
    Index("ix_events_batch", "batch_id"),
)

# One row per (event or digest part, recipient): the unique dedupe key makes enqueueing
# idempotent, and `state` moves pending -> sent | failed | dropped exactly once.
outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("dedupe", String(120), nullable=False, unique=True),
    Column("recipient_id", Integer, ForeignKey("recipients.id", ondelete="CASCADE"),
           nullable=False),
    Column("kind", String(8), nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("state", String(8), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(), nullable=False),
    Column("lease_until", DateTime()),
    Column("last_error", String(300)),
    Column("created_at", DateTime(), nullable=False),
    Column("sent_at", DateTime()),
    Index("ix_outbox_due", "state", "next_attempt_at"),
)
