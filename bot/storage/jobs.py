"""Periodic jobs shared by the instances on one database: one round per interval in all.

The advisory lock (Database.exclusive) keeps two rounds from running at once; it cannot keep
a second instance from starting its own round a moment after the first finished, which would
make one round per interval per instance. The start of the last round is therefore kept in
the database (`job_runs`) and moved with a compare-and-set, so of the instances whose timers
fire in the same interval exactly one runs the round.
"""

from __future__ import annotations

import socket
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database, now
from bot.storage.schema import job_runs

# A round that started this much less than an interval ago counts as this interval's: timers
# of instances started at different moments drift apart by less than this.
SLACK = 0.1


async def claim_round(db: Database, name: str, interval_s: float) -> float:
    """Return 0.0 when this process may run job `name`'s round now (and record its start),
    else the seconds until the next round is due (another instance ran this one)."""
    at = now()
    async with db.begin() as conn:
        last: datetime | None = (await conn.execute(
            select(job_runs.c.started_at).where(job_runs.c.name == name))).scalar()
    if last is not None:
        elapsed = (at - last).total_seconds()
        if 0 <= elapsed < interval_s * (1 - SLACK):
            return interval_s - elapsed
    values = dict(started_at=at, started_by=socket.gethostname()[:255])
    try:
        async with db.begin() as conn:
            if last is None:
                await conn.execute(insert(job_runs).values(name=name, **values))
                return 0.0
            moved = await conn.execute(update(job_runs).where(
                job_runs.c.name == name, job_runs.c.started_at == last).values(**values))
            if moved.rowcount:
                return 0.0
    except IntegrityError:
        pass
    return interval_s  # another instance claimed it between our read and our write

