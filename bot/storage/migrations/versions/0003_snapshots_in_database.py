"""registry snapshots in the database; shared periodic jobs

Snapshots, the latest/previous pointers, the per-list memo and the rejections move from files
under each instance's data directory into the database, so instances sharing one database
see the same data. This revision creates the tables only: the files are per instance while a
revision runs once per database, so each instance imports its own files when it opens the
store (bot.listings.legacy, idempotent).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('registry', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.Column('stored_by', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots')),
    sa.UniqueConstraint('registry', 'name', name='uq_snapshots_registry_name')
    )
    op.create_table('snapshot_heads',
    sa.Column('registry', sa.String(length=32), nullable=False),
    sa.Column('latest', sa.String(length=200), nullable=True),
    sa.Column('previous', sa.String(length=200), nullable=True),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('registry', name=op.f('pk_snapshot_heads'))
    )
    op.create_table('snapshot_rejections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('registry', sa.String(length=32), nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshot_rejections'))
    )
    op.create_index('ix_snapshot_rejections_registry', 'snapshot_rejections', ['registry', 'id'], unique=False)
    op.create_table('job_runs',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_runs'))
    )


def downgrade() -> None:
    """Revert this migration (the snapshot files the instances imported are still there)."""
    op.drop_table('job_runs')
    op.drop_index('ix_snapshot_rejections_registry', table_name='snapshot_rejections')
    op.drop_table('snapshot_rejections')
    op.drop_table('snapshot_heads')
    op.drop_table('snapshots')
