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
    LargeBinary,
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

# Registry snapshots, shared by every instance on this database. One row per accepted
# snapshot (history is kept: alerts diff from the last processed one, statistics read older
# ones); `body` is the zlib-compressed JSON of Snapshot.to_dict(). `name` is the stable
# identity the processed position (registry_state.snapshot) refers to; it is the file name
# the snapshot had when snapshots were files, so positions survive the move.
snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registry", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("fetched_at", DateTime(), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("meta", JSON, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("stored_at", DateTime(), nullable=False),
    Column("stored_by", String(255)),  # the host that stored it (several instances)
    UniqueConstraint("registry", "name", name="uq_snapshots_registry_name"),
)

# Per registry: the latest and previous good snapshot, the per-source memo (the portal's
# lastModified, the last failed fetch) and `rev`, bumped by every change of either, which
# is what an instance compares to notice that another one stored something.
snapshot_heads = Table(
    "snapshot_heads", metadata,
    Column("registry", String(32), primary_key=True),
    Column("latest", String(200)),
    Column("previous", String(200)),
    Column("state", JSON, nullable=False),
    Column("rev", Integer, nullable=False),
    Column("updated_at", DateTime(), nullable=False),
)

# Refused fetches and imports, with their reasons (what `registry status` lists).
snapshot_rejections = Table(
    "snapshot_rejections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registry", String(32), nullable=False),
    Column("at", String(40), nullable=False),  # ISO time, as the rejection line always had
    Column("origin", String(16), nullable=False),
    Column("source", Text, nullable=False),
    Column("entry_count", Integer),
    Column("reasons", JSON, nullable=False),
    Index("ix_snapshot_rejections_registry", "registry", "id"),
)

# Periodic jobs shared by the instances on one database: when a round last started, so that
# with several instances a job runs once per interval, not once per instance.
job_runs = Table(
    "job_runs", metadata,
    Column("name", String(64), primary_key=True),
    Column("started_at", DateTime(), nullable=False),
    Column("started_by", String(255)),
)
