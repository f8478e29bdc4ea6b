"""A load balancer on loopback: forwards webhook POSTs to one of several bot instances.

The test chooses the instance each update goes to (`target`), as a real balancer's choice
is outside the bot's control; `routed` records which instance got which update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web


@dataclass
class Balancer:
    """Forward `POST /<path>` to `http://127.0.0.1:<backends[target]>/<path>`."""

    backends: dict[str, int]
    target: str = ""
    routed: list[tuple[str, int]] = field(default_factory=list)  # (backend, update_id)
    port: int = 0

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    def url(self, path: str = "telegram") -> str:
        """Return the public webhook URL the instances register."""
        return f"http://127.0.0.1:{self.port}/{path}"

    async def __aenter__(self) -> Balancer:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        update: dict[str, Any] = await request.json()
        self.routed.append((self.target, int(update.get("update_id", 0))))
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")}
        url = f"http://127.0.0.1:{self.backends[self.target]}/{request.match_info['path']}"
        async with self._session.post(url, data=body, headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())
