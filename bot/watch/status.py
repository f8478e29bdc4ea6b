"""`riskguide alerts status`: the state of refreshes and deliveries, with no personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.listings.service import ListingService
from bot.storage.database import Database
from bot.storage.schema import digests, recipients, watches
from bot.watch import outbox
from bot.watch.refresh import RefreshService


async def alerts_status(db: Database, listings: ListingService) -> dict[str, Any]:
    """Return outbox counts, recipients, and per registry the data, the last refresh and the
    reason the last rejected fetch or import was rejected. Counts only: no names, no ids."""
    registries = []
    data = {s["registry"]: s for s in listings.status()}
    for state in await RefreshService(db, listings).state():
        info = data.get(state["registry"], {})
        rejections = info.get("rejections") or []
        last = rejections[-1] if rejections else None
        current = info.get("current") or {}
        registries.append({
            **state,
            "data_as_of": current.get("as_of"),
            "data_origin": current.get("origin"),
            "entries": current.get("count"),
            "window_days": info.get("window_days"),
            "stale": info.get("stale"),
            "last_fetch_failed": info.get("last_fetch_failed", False),
            "last_rejection": ({"at": last["at"], "source": last["source"],
                                "reasons": last["reasons"]} if last else None),
        })
    async with db.begin() as conn:
        people = (await conn.execute(select(func.count()).select_from(recipients))).scalar()
        watched = (await conn.execute(select(func.count()).select_from(watches))).scalar()
        subscribed = (await conn.execute(
            select(func.count(func.distinct(digests.c.recipient_id))))).scalar()
    return {
        "outbox": await outbox.counts(db),
        "recipients": int(people or 0),
        "watches": int(watched or 0),
        "digest_subscribers": int(subscribed or 0),
        "registries": registries,
    }


def format_status(status: dict[str, Any]) -> str:
    """Return the status as lines for an operator's terminal."""
    o = status["outbox"]
    lines = [
        f"outbox: {o['pending']} pending, {o['sent']} sent, {o['failed']} failed, "
        f"{o['dropped']} dropped (recipient unreachable)"
        + (f"; oldest pending {o['oldest_pending_s']} s" if o["oldest_pending_s"] else ""),
        f"recipients: {status['recipients']} ({o['inactive_recipients']} inactive), "
        f"{status['watches']} watches, {status['digest_subscribers']} digest subscribers",
    ]
    for reason in o["failure_reasons"]:
        lines.append(f"  failed x{reason['count']}: {reason['error']}")
    for r in status["registries"]:
        data = (f"{r['entries']} entries as of {r['data_as_of']} ({r['data_origin']}, "
                + ("STALE: older than" if r["stale"] else "within")
                + f" its {r['window_days']}-day window"
                + (", last fetch failed" if r["last_fetch_failed"] else "") + ")"
                if r["data_as_of"] else "no data")
        lines.append(f"{r['registry']}: {data}; alerts computed up to "
                     f"{r['processed_as_of'] or '-'}")
        if r["last_refresh_at"]:
            lines.append(f"  last refresh {r['last_refresh_at']}: {r['last_outcome']}"
                         + (f" ({r['last_detail']})" if r["last_detail"] else ""))
        rej = r["last_rejection"]
        if rej:
            lines.append(f"  last rejected {rej['at']} from {rej['source']}: "
                         + "; ".join(rej["reasons"]))
    return "\n".join(lines)
