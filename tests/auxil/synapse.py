"""A real Synapse homeserver on loopback for end-to-end tests (matrix-synapse from PyPI).

Also `Person`, a matrix-nio test user with encryption who creates rooms, talks to the bot and
reads its events, and `register_unique()` for fresh accounts per test.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    Event,
    JoinedMembersResponse,
    LoginResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomGetStateEventResponse,
    RoomMessage,
    RoomPutStateResponse,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto.attachments import decrypt_attachment
from nio.store import SqliteStore

SERVER_NAME = "localhost"
# Generous limits: the tests send bursts that Synapse's defaults (0.2 messages/s) would
# answer with 429, which turns timing into flakiness. See Synapse's config/ratelimiting.py.
_FAST = {"per_second": 10000, "burst_count": 10000}
_RATE_LIMITS = {
    "rc_message": _FAST,
    "rc_registration": _FAST,
    "rc_login": {"address": _FAST, "account": _FAST, "failed_attempts": _FAST},
    "rc_joins": {"local": _FAST, "remote": _FAST},
    "rc_joins_per_room": _FAST,
    "rc_invites": {"per_room": _FAST, "per_user": _FAST, "per_issuer": _FAST},
    "rc_key_requests": _FAST,
    "rc_room_creation": _FAST,
    "rc_3pid_validation": _FAST,
    "rc_presence": {"per_user": _FAST},
    "rc_delayed_event_mgmt": _FAST,
    "rc_profile": _FAST,
}


@dataclass(frozen=True)
class MatrixUser:
    """A registered account: its full user id, password and a first access token."""

    user_id: str
    password: str
    access_token: str
    device_id: str


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Synapse:
    """One Synapse process in a directory of its own; start() waits until it answers."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = directory / "homeserver.yaml"
        self.log_path = directory / "homeserver.log"
        self._process: subprocess.Popen[bytes] | None = None

    def _generate_config(self) -> None:
        """Write Synapse's own generated config, then edit it for a private test server."""
        data_dir = self.directory / "data"
        subprocess.run(
            [sys.executable, "-m", "synapse.app.homeserver", "--generate-config",
             "--server-name", SERVER_NAME, "--config-path", str(self.config_path),
             "--data-directory", str(data_dir), "--report-stats", "no"],
            cwd=self.directory, check=True, capture_output=True, timeout=60,
        )
        config = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        config.update(_RATE_LIMITS)
        config.update({
            # Only the client API on loopback: no federation listener, no outbound look-ups
            # of matrix.org's keys (which cannot succeed offline and slow every start).
            "listeners": [{
                "port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
                "tls": False, "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }],
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "report_stats": False,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "database": {"name": "sqlite3", "args": {"database": str(data_dir / "homeserver.db")}},
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "enable_metrics": False,
        })
        # The generated log config writes INFO to a file next to the config; keep it there
        # (useful when a test fails) but make sure nothing goes to the test's stderr.
        self.config_path.write_text(yaml.safe_dump(config), encoding="utf-8")

    def start(self, timeout: float = 60.0) -> None:
        """Start Synapse and block until /health answers; raise RuntimeError on failure."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._generate_config()
        log = (self.directory / "stdout.log").open("wb")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "--config-path",
             str(self.config_path)],
            cwd=self.directory, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "SYNAPSE_CACHE_FACTOR": "1.0"},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Synapse exited early, see {self.directory}/stdout.log")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Synapse did not answer within {timeout}s")

    def stop(self) -> None:
        """Terminate Synapse (SIGTERM, then SIGKILL after 10 seconds)."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)

    def register(self, localpart: str, password: str = "test-password-1") -> MatrixUser:
        """Register a user with the m.login.dummy flow and return its credentials."""
        body = {
            "username": localpart, "password": password,
            "auth": {"type": "m.login.dummy"}, "initial_device_display_name": "setup",
        }
        response = httpx.post(f"{self.url}/_matrix/client/v3/register", json=body, timeout=30)
        if response.status_code == 401:
            # Older Synapse versions insist on a user-interactive session id first.
            body["auth"] = {"type": "m.login.dummy", "session": response.json()["session"]}
            response = httpx.post(f"{self.url}/_matrix/client/v3/register", json=body,
                                  timeout=30)
        response.raise_for_status()
        data = response.json()
        return MatrixUser(data["user_id"], password, data["access_token"], data["device_id"])


@contextlib.contextmanager
def running_synapse(directory: Path) -> Iterator[Synapse]:
    """Run Synapse for the duration of the with-block."""
    server = Synapse(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- test users -----------------------------------------------------------------------------------

TIMEOUT = 30.0  # generous: a loaded CI machine, never reached when things work
ENCRYPTION = {
    "type": "m.room.encryption", "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
_names = itertools.count(1)


def register_unique(synapse: Synapse, role: str) -> MatrixUser:
    """Register a fresh user (role + counter + pid), so tests never share rooms or devices."""
    return synapse.register(f"{role}{next(_names)}_{os.getpid()}")


class Person:
    """A test user on matrix-nio with encryption: sends messages and reads the bot's events."""

    def __init__(self, synapse: Synapse, user: MatrixUser, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.user = user
        self.client = AsyncClient(
            synapse.url, user.user_id, store_path=str(store),
            config=AsyncClientConfig(store=SqliteStore, encryption_enabled=True),
        )
        self.events: list[tuple[str, Event]] = []
        self.client.add_event_callback(self._collect, (RoomMessage, MegolmEvent))

    @classmethod
    async def create(cls, synapse: Synapse, store: Path, role: str) -> Person:
        """Return a freshly registered, logged-in person with their own crypto store."""
        person = cls(synapse, register_unique(synapse, role), store / role)
        await person.login()
        return person

    async def _collect(self, room: Any, event: Event) -> None:
        self.events.append((room.room_id, event))

    async def login(self) -> None:
        """Log in with a new device, upload keys and apply a first sync."""
        response = await self.client.login(self.user.password, device_name="tester")
        assert isinstance(response, LoginResponse), response
        await self.sync()

    async def sync(self) -> None:
        """Sync once (short poll), keeping keys uploaded and device lists fresh."""
        response = await self.client.sync(timeout=500, full_state=not self.client.next_batch)
        assert isinstance(response, SyncResponse), response
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        if self.client.should_query_keys:
            await self.client.keys_query()
        if self.client.outgoing_to_device_messages:
            await self.client.send_to_device_messages()

    async def create_room(self, invite: list[str], encrypted: bool, direct: bool) -> str:
        """Create a room as Element does: a DM is is_direct and encrypted from the start."""
        response = await self.client.room_create(
            invite=invite, is_direct=direct, initial_state=[ENCRYPTION] if encrypted else [],
        )
        assert isinstance(response, RoomCreateResponse), response
        return response.room_id

    async def wait_joined(self, room_id: str, user_id: str) -> None:
        """Sync until user_id has joined the room (the bot accepts invites by itself)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            members = await self.client.joined_members(room_id)
            if isinstance(members, JoinedMembersResponse) and any(
                m.user_id == user_id for m in members.members
            ):
                await self.sync()
                return
            await self.sync()
        raise AssertionError(f"{user_id} did not join {room_id}")

    async def send(self, room_id: str, text: str, **extra: Any) -> str:
        """Send an m.text message (encrypted when the room is) and return its event id."""
        await self.sync()
        content = {"msgtype": "m.text", "body": text, **extra}
        response = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True,
        )
        assert isinstance(response, RoomSendResponse), response
        return str(response.event_id)

    async def set_power_level(self, room_id: str, user_id: str, level: int) -> None:
        """Give user_id a power level in the room (the person must be allowed to)."""
        current = await self.client.room_get_state_event(room_id, "m.room.power_levels")
        assert isinstance(current, RoomGetStateEventResponse), current
        content = dict(current.content)
        content["users"] = {**content.get("users", {}), user_id: level}
        response = await self.client.room_put_state(room_id, "m.room.power_levels", content)
        assert isinstance(response, RoomPutStateResponse), response

    async def replies(self, room_id: str, sender: str, count: int = 1) -> list[Event]:
        """Return the next `count` events from sender in the room, waiting for them."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            found = [e for r, e in self.events if r == room_id and e.sender == sender]
            if len(found) >= count:
                for event in found[:count]:
                    self.events.remove((room_id, event))
                return found[:count]
            await self.sync()
        raise AssertionError(f"no reply from {sender} in {room_id} within {TIMEOUT}s")

    async def download(self, content: dict[str, Any]) -> bytes:
        """Return the bytes of the file an m.image or m.file event names, decrypted when the
        event carries the key (`file`) rather than a plain `url`, as a client would show them."""
        encrypted = content.get("file")
        url = encrypted["url"] if encrypted else content["url"]
        response = await self.client.download(mxc=url)
        assert isinstance(response, DownloadResponse), response
        if not encrypted:
            return bytes(response.body)
        return bytes(decrypt_attachment(
            response.body, encrypted["key"]["k"], encrypted["hashes"]["sha256"], encrypted["iv"]
        ))

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.client.close()
