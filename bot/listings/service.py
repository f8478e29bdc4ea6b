"""ListingService: the small facade the CLI and the chat layer use for listings.

`check` is synchronous and pure in memory once the latest good snapshots are loaded; it
reloads by itself when another process (a refresh, `riskguide registry import`) has stored a
newer snapshot. `update` and `import_file` both go through `validate_and_store`.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import redact, textnorm
from bot.config import Settings
from bot.listings import bundle
from bot.listings.index import NameIndex, cached_index, load_index, merge_hits
from bot.listings.model import FILE, PORTAL, REGISTRIES, Snapshot, SnapshotMeta, utcnow
from bot.listings.status import CheckResult, DataInfo, build_result
from bot.listings.store import SnapshotStore, StoreOutcome, local_writes, validate_and_store

if TYPE_CHECKING:  # fetching and scanning modules load when used: `check` starts without them
    import httpx

    from bot.listings import portal
    from bot.listings.scan import Scanner, ScanResult

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 300  # the longest published name is shorter; longer input is pasted text
# Of a longer text, its end is checked too ("… Автор: Иван Иванов" ends in a name): its last
# clause when it is this short, and its last two and three words.
TAIL_WORDS = 10
_CLAUSE_END = re.compile(r"[.:;!?…]\s|\s[-–—]\s")
_MARKUP = re.compile(r"<[^>]{0,200}>|&[a-z]{2,6};|[*_`~|]{1,3}")


@dataclass(frozen=True)
class UpdateReport:
    """The outcome of refreshing one registry from the configured sources."""

    registry: str
    outcome: str  # "stored" | "unchanged" | "not_modified" | "rejected" | "failed"
    detail: str = ""
    store: StoreOutcome | None = None


def clean_query(query: str) -> tuple[str, str | None]:
    """Return the query ready for matching and the problem with it, if any.

    Markup and control characters go; an empty, one-letter or overlong query is flagged
    ("empty", "too_short", "too_long") so the reply can say why, instead of failing.
    """
    text = _plain(query)
    if len(text) > MAX_QUERY_CHARS:
        return text[:MAX_QUERY_CHARS], "too_long"
    letters = sum(ch.isalnum() for ch in text)
    if letters == 0:
        return "", "empty"
    if letters < 2:
        return text, "too_short"
    return text, None


def query_tails(query: str) -> list[str]:
    """Return the ends of an overlong query worth checking as names, cleaned as clean_query
    cleans: after its beginning, the end of a pasted text is where a name is most likely."""
    text = _plain(query)
    words = text.split()
    clause = _CLAUSE_END.split(text.rstrip(".!?… "))[-1].split()
    tails = [words[-3:], words[-2:]]
    if len(clause) <= TAIL_WORDS:
        tails.insert(0, clause)
    return list(dict.fromkeys(" ".join(t) for t in tails if t))


def _plain(query: str) -> str:
    return textnorm.clean(_MARKUP.sub(" ", query or ""))


class ListingService:
    """Registry data and name checks for one riskguide instance."""

    # Before a check, the database is asked whether another instance stored a snapshot or
    # recorded a failed fetch at most this often: one small query per second under load
    # rather than one per check, and an answer at most this much behind the other instance.
    RECHECK_S = 1.0

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 retries: int = 3, backoff: float = 1.0, timeout: float = 30.0,
                 bundle_path: Path | None = bundle.BUNDLE_PATH) -> None:
        """Use settings' data directory and registry sources (transport: tests only).

        `bundle_path` is the snapshot shipped with the package (None: no bundled data, for
        tests of an instance that has nothing).
        """
        self.settings = settings
        self._bundle_path = bundle_path
        self.store = SnapshotStore.for_settings(settings)
        self._transport = transport
        self._retries = retries
        self._backoff = backoff
        self._timeout = timeout
        self._lock = threading.Lock()
        self._version: tuple[int, ...] | None = None
        self._version_at = 0.0  # time.monotonic() of the last version query
        self._writes_seen = -1
        self._index: NameIndex | None = None
        self._data: tuple[DataInfo, ...] = ()
        self._missing: tuple[str, ...] = REGISTRIES
        self._scanner: Scanner | None = None
        # Its own lock: building the scanner at 100,000 entries takes seconds, and checks
        # must not wait for it.
        self._scan_lock = threading.Lock()

    # ---------------------------------------------------------------------------- checking
    def current(self, registry: str) -> Snapshot | None:
        """Return the snapshot checks use for registry: the store's latest good one, else the
        snapshot bundled with the package, else None.

        The bundled one answers only while nothing is stored: once a fetch or an import has
        stored a list, it is never consulted for that list again.
        """
        stored = self.store.latest(registry)
        if stored is not None or self._bundle_path is None:
            return stored
        return bundle.load(registry, self._bundle_path)

    def data_info(self, snapshot: Snapshot | SnapshotMeta,
                  state: dict[str, Any] | None = None) -> DataInfo:
        """Return the data facts of a list's current snapshot: its window from the settings,
        and whether the last fetch of that list failed (then "not found" is not allowed).

        `state` is the list's memo when the caller has read it already (Head.state)."""
        if state is None:
            state = self.store.state(snapshot.registry)
        return DataInfo.of(snapshot,
                           window_days=self.settings.freshness_days.get(snapshot.registry),
                           fetch_failed=bool(state.get("last_fetch_failed")),
                           failure=str(state.get("last_failure") or ""))

    def _current_meta(self) -> dict[str, tuple[SnapshotMeta | None, dict[str, Any]]]:
        """Return, per list, the metadata of the snapshot checks use (as `current` chooses
        it) and the list's memo, without decoding a stored snapshot's entries."""
        out: dict[str, tuple[SnapshotMeta | None, dict[str, Any]]] = {}
        for registry, head in self.store.heads().items():
            meta = head.meta
            if meta is None and self._bundle_path is not None:
                bundled = bundle.load(registry, self._bundle_path)
                meta = SnapshotMeta.from_meta(bundled.meta()) if bundled else None
            out[registry] = (meta, head.state)
        return out

    def _store_version(self) -> tuple[int, ...]:
        """Return the store's version, asking the database at most every RECHECK_S unless
        this process has written since (its own imports are seen at once)."""
        writes = local_writes()
        if (self._version is not None and writes == self._writes_seen
                and time.monotonic() - self._version_at < self.RECHECK_S):
            return self._version
        version = self.store.version()
        self._version_at, self._writes_seen = time.monotonic(), writes
        return version

    def _ensure_loaded(self) -> NameIndex:
        version = self._store_version()
        with self._lock:
            if self._index is None or version != self._version:
                self._load()
                self._version = version
            assert self._index is not None
            return self._index

    def _load(self) -> None:
        """Load the name index and data facts of the current data.

        The snapshots' metadata names the data; when its index is cached (it carries its
        entries), no snapshot is decoded. Otherwise the snapshots are read as `current` reads
        them and the index is built and cached.
        """
        metas = self._current_meta()
        index = cached_index(f"{m.registry}:{m.content_hash}" for m, _ in metas.values() if m)
        if index is not None:
            self._data = tuple(self.data_info(m, state) for m, state in metas.values() if m)
            self._missing = tuple(r for r, (m, _) in metas.items() if m is None)
        else:
            snapshots = {r: self.current(r) for r in REGISTRIES}
            loaded = [s for s in snapshots.values() if s]
            index = load_index([f"{s.registry}:{s.content_hash}" for s in loaded],
                               lambda: [e for s in loaded for e in s.entries])
            self._data = tuple(self.data_info(s, metas[s.registry][1]) for s in loaded)
            self._missing = tuple(r for r, s in snapshots.items() if s is None)
        self._index = index
        # The entries live as long as the data: out of the cyclic collector's walks, which
        # otherwise stall a check now and then (0.5 s at 100,000 entries).
        gc.freeze()

    def stale_registries(self) -> tuple[str, ...]:
        """Return the lists whose newest data is older than its window (or missing): the ones
        a start-up refresh fetches at once."""
        return tuple(registry for registry, (meta, state) in self._current_meta().items()
                     if meta is None or self.data_info(meta, state).stale())

    def data(self) -> tuple[DataInfo, ...]:
        """Return where each loaded registry's data came from and how old it is.

        The `about` reply shows this without running a check.
        """
        self._ensure_loaded()
        return self._data

    def check(self, query: str, *, marked: bool | None = None) -> CheckResult:
        """Return whether query names a listed entry, with the data the answer rests on.

        Never raises for odd input: empty, one-letter, very long, markup or emoji queries
        get a result whose `problem` says what was wrong. `marked`: the caller read the words
        as a name from where they stand (a capitalised object of "интервью" in a question),
        as quotes would mark them, and a sure hit of an entry beats a slightly higher unsure
        one (`NameIndex.search` `sure_first`); None reads it from the query.
        """
        return self._check(query, *clean_query(query), marked=marked)

    def _check(self, query: str, text: str, problem: str | None, *,
               marked: bool | None = None) -> CheckResult:
        """Return `check(query)` for its cleaned `text` and `problem` (`clean_query`)."""
        index = self._ensure_loaded()
        if problem in ("empty", "too_short"):
            return build_result(query, [], self._data, (), problem)
        hits = index.search(text, marked=marked, sure_first=bool(marked))
        if problem == "too_long":
            hits = merge_hits(hits, *(index.search(tail) for tail in query_tails(query)))
        # Debug only: looked-up names are personal data and never logged at INFO.
        log.debug("check %r: %d hits", text, len(hits))
        return build_result(query, hits, self._data, self._missing, problem)

    def sure_check(self, query: str) -> CheckResult | None:
        """Return `check(query)`, or None when no listed name can be a sure match for it.

        For the chat path, which keeps only sure matches of the word runs of a question: a
        run with a word no name has in any spelling or form (a typo, an everyday word) is
        ruled out by the name index's postings alone (`NameIndex.may_be_sure`), without the
        typo search a full check does. When it returns a result, it is the full check's.
        """
        index = self._ensure_loaded()
        text, problem = clean_query(query)
        if problem is None and not index.may_be_sure(text):
            return None
        return self._check(query, text, problem)

    def scan(self, text: str, *, author: str | None = None) -> ScanResult:
        """Return every listed name in text, over the same index and data as `check`.

        The text is neither stored nor logged (debug logs carry only counts).
        """
        result = self.scanner().scan(text, author=author)
        log.debug("scan: %d characters, %d mentions", len(text), len(result.mentions))
        return result

    def scanner(self) -> Scanner:
        """Return the scanner over the current data, built once per data version: the
        first call after new data builds it (seconds at 100,000 entries), later ones share
        it. Several threads may scan with it at once."""
        from bot.listings.scan import Scanner

        index = self._ensure_loaded()
        with self._scan_lock:
            if self._scanner is None or self._scanner.index is not index:
                self._scanner = Scanner(index)
            return self._scanner

    def warm_scanner(self) -> float:
        """Build the index and scanner for the current data now, unless built already;
        return the seconds it took. `riskguide run` calls it in the background at start and
        whenever the data may have changed, so no user's /scan waits for the build."""
        started = time.perf_counter()
        self.scanner()
        return time.perf_counter() - started

    def missing(self) -> tuple[str, ...]:
        """Return the registries with no data (a scan cannot speak for them)."""
        self._ensure_loaded()
        return self._missing

    # ---------------------------------------------------------------------------- updating
    def _client(self) -> httpx.Client:
        from bot.listings import portal

        return portal.make_client(proxy=self.settings.registry_proxy,
                                  ca_bundle=self.settings.registry_ca_bundle,
                                  timeout=self._timeout, transport=self._transport)

    def update(self, registries: tuple[str, ...] = REGISTRIES, *,
               force: bool = False) -> list[UpdateReport]:
        """Refresh registries from their sources in order: the official portal (for lists it
        publishes), then the mirror.

        Skips a registry whose lastModified is unchanged (unless forced). Each refused or
        failed fetch is recorded with its reason and leaves the last good snapshot in place;
        a list none of whose sources gave acceptable data is marked as failed, so that its
        checks say "could not verify" rather than "not found" until a fetch succeeds.
        """
        from bot.listings import portal

        reports = []
        with self._client() as client:
            api = portal.PortalClient(self.settings.registry_portal_url, client,
                                      retries=self._retries, backoff=self._backoff)
            for registry in registries:
                reports.append(self._update_one(api, client, registry, force))
        return reports

    def _update_one(self, api: portal.PortalClient, client: httpx.Client, registry: str,
                    force: bool) -> UpdateReport:
        report = self._fetch_one(api, client, registry, force)
        if report.outcome in ("stored", "unchanged", "not_modified"):
            self.store.set_state(registry, last_fetch_failed=False, last_failure="",
                                 last_fetch_at=utcnow().isoformat())
        else:
            self.store.set_state(registry, last_fetch_failed=True,
                                 last_failure=report.detail[:500],
                                 last_fetch_at=utcnow().isoformat())
        return report

    def _fetch_one(self, api: portal.PortalClient, client: httpx.Client, registry: str,
                   force: bool) -> UpdateReport:
        from bot.listings import mirror, portal

        errors = []
        rejected: UpdateReport | None = None
        if registry in portal.REGISTRY_IDS and self.settings.registry_portal_url:
            known = None if force else self.store.state(registry).get("last_modified")
            try:
                fetched = api.fetch(registry, known_last_modified=known)
                if fetched.snapshot is None:
                    return UpdateReport(registry, "not_modified", fetched.last_modified)
                outcome = validate_and_store(self.store, fetched.snapshot, force=force)
                if outcome.accepted:
                    self.store.set_state(registry, last_modified=fetched.last_modified)
                    return _report(outcome)
                rejected = _report(outcome)
                errors.append(f"portal: {rejected.detail}")
            except portal.FetchError as exc:
                errors.append(f"portal: {exc}")
        if self.settings.registry_mirror_url:
            try:
                snap = mirror.fetch(client, self.settings.registry_mirror_url, registry)
                outcome = validate_and_store(self.store, snap, force=force)
                if outcome.accepted:
                    return _report(outcome)
                rejected = _report(outcome)
                errors.append(f"mirror: {rejected.detail}")
            except portal.FetchError as exc:
                self.store.record_rejection(registry, "mirror", self.settings.registry_mirror_url,
                                            [f"fetch failed: {exc}"])
                errors.append(f"mirror: {exc}")
        if not errors:
            errors.append("no source configured for this list")
        if rejected is not None:
            # validate_and_store has recorded why; the report says every source's reason.
            return UpdateReport(registry, "rejected", "; ".join(errors), rejected.store)
        if not any(e.startswith("mirror:") for e in errors):
            self.store.record_rejection(registry, PORTAL, self.settings.registry_portal_url,
                                        ["fetch failed: " + "; ".join(errors)])
        return UpdateReport(registry, "failed", "; ".join(errors))

    def import_file(self, path: Path, registry: str, *, as_of: date | None = None,
                    force: bool = False) -> StoreOutcome:
        """Import a registry file (XLSX, CSV or mirror JSON, detected from content).

        The date the data holds for is `as_of`, else a date in the file name, else today.
        Raises parse.SchemaError (after recording the rejection) when the file is unusable.
        """
        from bot.listings import parse

        try:
            snap = file_snapshot(Path(path), registry, as_of)
        except parse.SchemaError as exc:
            self.store.record_rejection(registry, "file", Path(path).name, [f"schema: {exc}"])
            raise
        return validate_and_store(self.store, snap, force=force)

    # ---------------------------------------------------------------------------- status
    def status(self) -> list[dict[str, Any]]:
        """Return, per registry, the data checks use (stored or bundled, or None), whether it
        may support "not found" (age against the window, the last fetch), and the recent
        rejections with their reasons."""
        out = []
        for registry in REGISTRIES:
            snap = self.current(registry)
            info = self.data_info(snap) if snap else None
            state = self.store.state(registry)
            current = snap.meta() if snap else None
            if current is not None:  # stored before sources were redacted when fetched
                current["source"] = redact.text(str(current["source"]))
                # When and where it was stored: with several instances on one database, the
                # data may come from another instance's refresh.
                current |= self.store.stored_info(registry, self.store.latest_name(registry)) \
                    or {}
            out.append({
                "registry": registry,
                "current": current,
                "age_days": info.age_days() if info else None,
                "window_days": self.settings.freshness_days.get(registry),
                "stale": info.stale() if info else None,
                "last_fetch_at": state.get("last_fetch_at"),
                "last_fetch_failed": bool(state.get("last_fetch_failed")),
                "last_failure": redact.text(str(state["last_failure"]))
                if state.get("last_failure") else None,
                "rejections": [r | {"source": redact.text(str(r.get("source", ""))),
                                    "reasons": [redact.text(str(x))
                                                for x in r.get("reasons") or []]}
                               for r in self.store.rejections(registry)],
            })
        return out


def file_snapshot(path: Path, registry: str, as_of: date | None = None) -> Snapshot:
    """Return a registry file (XLSX, CSV or mirror JSON, detected from content) as a Snapshot.

    The date the data holds for is `as_of`, else a date in the file name, else the date the
    file says it was taken (a mirror document's fetched_at), else today. Raises
    parse.SchemaError when the file is unusable and OSError when it cannot be read. Nothing
    is stored: `import_file` stores it, `registry stats --file` only counts it.
    """
    from bot.listings import parse

    try:
        result = parse.parse_file(registry, path.read_bytes())
    except (parse.SchemaError, ValueError) as exc:
        raise parse.SchemaError(str(exc)) from exc
    if as_of is None:
        m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
        as_of = date.fromisoformat(m.group(1)) if m else result.taken_on or utcnow().date()
    return Snapshot(registry=registry, origin=FILE, source=path.name, as_of=as_of,
                    fetched_at=utcnow(), entries=tuple(result.entries),
                    skipped_rows=result.skipped, exclusions_known=result.exclusions_known)


def _report(outcome: StoreOutcome) -> UpdateReport:
    if not outcome.accepted:
        return UpdateReport(outcome.registry, "rejected", "; ".join(outcome.reasons), outcome)
    kind = "unchanged" if outcome.unchanged else "stored"
    count = outcome.current.count if outcome.current else 0
    return UpdateReport(outcome.registry, kind, f"{count} entries", outcome)
