"""The refresh scheduler: runs on its interval, wakes the sender, survives errors, and runs on
one instance at a time."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.listings.service import ListingService
from bot.measure.portal_emulator import Emulator
from bot.storage.database import Database
from bot.watch.refresh import RefreshService
from bot.watch.scheduler import refresh_loop
from bot.watch.users import WatchService
from tests.auxil.registries import SHARED_REGISTRIES, settings_in


async def test_scheduled_refresh_queues_and_wakes_the_sender(db: Database,
                                                             tmp_path: Path) -> None:
    emu = Emulator()
    emu.load_file("foreign_agents", SHARED_REGISTRIES / "foreign_agents" / "2024-09-13.json")
    emu.load_file("undesirable", SHARED_REGISTRIES / "undesirable" / "2024-09-05.json")
    with emu.running() as url:
        listings = ListingService(settings_in(tmp_path, registry_portal_url=url), backoff=0)
        refresh = RefreshService(db, listings)
        await WatchService(db).watch("telegram", "1", "1", "Эткинд Александр", "ru")
        stop = asyncio.Event()
        woken = asyncio.Event()
        task = asyncio.create_task(refresh_loop(refresh, 0.3, stop, on_queued=woken.set,
                                                first_delay_s=0))
        # The first round stores the starting point; the portal then publishes a change.
        for _ in range(100):
            if listings.store.latest("foreign_agents") is not None:
                break
            await asyncio.sleep(0.05)
        emu.load_file("foreign_agents", SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json")
        await asyncio.wait_for(woken.wait(), timeout=10)
        # Another instance holds the lock: this one skips its rounds, nothing breaks.
        async with db.exclusive("registry-refresh") as mine:
            assert mine
            await asyncio.sleep(0.4)  # a round that had started finishes
            seen = len(emu.get("foreign_agents").requests)
            await asyncio.sleep(1.0)  # three intervals
            assert len(emu.get("foreign_agents").requests) == seen
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        assert listings.store.latest("foreign_agents").as_of.isoformat() == "2024-10-01"
