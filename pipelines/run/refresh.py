"""Deciding what a refresh does: ``planned`` takes the lock, reads the decision files and
the sources, and decides "nothing changed" — then the refresh is over, and its check is
recorded — or hands back a ``Plan`` for the caller to execute (the CLI runs it as a Prefect
flow, ``flows.run_plan``; the scheduled flows in ``flows.py`` run it inside theirs).

Deciding needs no Prefect and no pyarrow, so a no-op refresh stays fast. This module never
imports ``flows``: only the CLI does.

Why one module of ~430 lines: the lock, the sources, the conditional checks and the
record of a no-op are one decision taken under one lock; splitting it would pass the lock
and the half-made decision between modules.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import httpx
from filelock import FileLock, Timeout

from pipelines.decisions import files as decision_files
from pipelines import interrupts, settings
from pipelines.sources import registry
from pipelines.download.fetch import FetchError, check_url, conditional_headers, make_client, now_utc
from pipelines.download.raw_store import ManifestEntry, RawStore
from pipelines.settings import PIPELINE_VERSION
from pipelines.sources.spec import SourceSpec, allowed_hosts, load_sources_file
from pipelines.warehouse import remote, versions

if TYPE_CHECKING:
    from pipelines.run.handoffs import RunContext

WAREHOUSE = versions.WAREHOUSE

LOCK_WAIT_S = 5.0


class RunRefused(Exception):
    """Nothing could run (bad arguments, another refresh holds the lock, ...): exit 2."""


@dataclass
class RefreshOutcome:
    summary: dict
    nothing_changed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every list is ok (or unchanged and ok), 1 when some list failed — also a
        no-op's list still failing on the same bytes."""
        if self.summary.get("still_failing"):
            return 1
        return 0 if self.summary.get("status") in ("ok", "unchanged") else 1


def resolve_sources(
    data_dir: Path, sources_file: str | None, discover: bool, notes: list[str]
) -> tuple[list[SourceSpec], set[str]]:
    """The lists of this run and the hosts downloads may go to."""
    site = settings.site_url()
    if sources_file:
        specs = load_sources_file(sources_file)
        return specs, allowed_hosts(specs, site, from_sources_file=True)
    specs = registry.builtin_sources() + registry.discovered_sources(data_dir)
    if discover:
        specs += _discover(data_dir, notes)
    unique: dict[str, SourceSpec] = {}
    for s in specs:  # the first claim of a URL wins; a later one may add the stated count
        first = unique.setdefault(s.url, s)
        if first.expected_count is None and s.expected_count is not None:
            unique[s.url] = replace(first, expected_count=s.expected_count)
    return list(unique.values()), allowed_hosts(list(unique.values()), site, from_sources_file=False)


def _discover(data_dir: Path, notes: list[str]) -> list[SourceSpec]:
    """Crawl the site (registry first, then the archive; see pipelines/sources/crawler.py), remember
    what was read in ``crawl_state.json`` and write new lists back to the registry."""
    from pipelines.sources import crawler

    try:
        polite = crawler.Politeness.from_env()
    except ValueError as exc:
        notes.append(f"discovery skipped: {exc}")
        return []
    site = settings.site_url()
    state_path = data_dir / crawler.STATE_FILE
    state = crawler.CrawlState.load(state_path, site)
    if state.problem:
        notes.append(f"discovery: {state.problem}")
    backfill = os.environ.get("C3P_CRAWL_BACKFILL", "").strip() not in ("", "0")

    def progress(line: str) -> None:  # a backfill takes minutes at one page a second
        if summary.requests % 25 == 0:
            print(f"crawl: {summary.requests} pages read …", file=sys.stderr, flush=True)

    summary = crawler.CrawlSummary()
    with make_client(timeout=15.0) as client:
        result, state = crawler.crawl(
            client,
            site,
            state=state,
            registry=registry.crawl_hints(),
            polite=polite,
            backfill=backfill,
            progress=progress,
            index=settings.press_index_url(),
            summary=summary,
        )
    state.save(state_path)
    notes.extend(result.summary.lines())
    notes.extend(f"discovery: {e}" for e in result.errors)
    found = [
        SourceSpec(
            url=settings.resolve(r.pdf_url),
            fiscal_year=r.fiscal_year,
            call_round=r.call_round,
            press_url=r.press_url,
            expected_count=r.adopted,
            origin="discovered",
        )
        for r in result.adoptions
        if r.pdf_url
    ]
    new = registry.add_discovered(data_dir, found)
    notes.extend(f"discovered new list: FY{s.fiscal_year} round {s.call_round} {s.url}" for s in new)
    return found


@dataclass
class Unchanged:
    """Why a refresh has nothing to do: every list answered 304 to a conditional GET
    against what the published version was built from (``still_failing``: lists whose
    unchanged bytes failed before, so they fail again, with since when)."""

    checked: list[tuple[SourceSpec, ManifestEntry]]
    still_failing: list[str] = field(default_factory=list)
    projects: int = 0


def nothing_changed(
    specs: list[SourceSpec],
    data_dir: Path,
    hosts: set[str],
    decisions_sha256: str | None = None,
    notes: list[str] | None = None,
) -> Unchanged | None:
    """An ``Unchanged`` when the published version is one whole version built by this
    pipeline version from exactly these lists with the same decision files, and every PDF
    answers 304 Not Modified to a conditional GET; None when a run has to decide.

    A list that failed (or was quarantined) on bytes that are still the server's fails the
    same way again: it does not make a run (it is reported as still failing)."""
    notes = notes if notes is not None else []
    published = _published_state(data_dir)
    if published is None:
        return None
    last_version, last_decisions, sources, projects = published
    if last_version != PIPELINE_VERSION:
        return None
    if decisions_sha256 is not None and last_decisions != decisions_sha256:
        return None
    before = {p["url"]: p for p in sources}
    if set(before) != {s.url for s in specs}:
        return None
    if problem := versions.whole_version_problem(data_dir):
        notes.append(f"the published warehouse is not one whole version ({problem}): publishing it again")
        return None
    raw = RawStore(data_dir / "raw")
    good_by_url = raw.last_good_by_url()  # the manifest, read once
    checks = []
    for spec in specs:
        prev = before[spec.url]
        if (prev["fiscal_year"], prev["call_round"]) != spec.list_key or prev[
            "rows_expected"
        ] != spec.expected_count:
            return None
        good = good_by_url.get(spec.url)
        # ok: the bytes its rows were read from; failed: the bytes that failed (a failed
        # download has none and is tried again)
        made_from = prev["published_sha256"] if prev["status"] == "ok" else prev["sha256"]
        if (
            good is None
            or made_from is None
            or good.sha256 != made_from
            or (prev["status"] != "ok" and prev["fetch_status"] == "failed")
        ):
            return None
        if not conditional_headers(good):  # the server gave no validator: only a download can tell
            return None
        checks.append((spec, prev, good))
    checked, still_failing = [], []
    with make_client(timeout=10.0) as client:
        for spec, prev, good in checks:
            try:
                check_url(spec.url, hosts)
                with client.stream("GET", spec.url, headers=conditional_headers(good)) as r:
                    if r.status_code != 304:
                        return None
            except (httpx.HTTPError, FetchError):
                return None
            checked.append((spec, good))
            if prev["status"] != "ok" and good.sha256 is not None:
                since = _first_seen(raw, spec.url, good.sha256) or str(prev["fetched_at"])
                still_failing.append(
                    f"FY{spec.fiscal_year} round {spec.call_round}: still"
                    f" {prev['status']} since {since} (same bytes,"
                    f" {good.sha256[:12]}): {prev['error']}"
                )
    return Unchanged(checked, still_failing, projects)


def _first_seen(raw: RawStore, url: str, sha256: str) -> str | None:
    """When these bytes were first fetched from ``url`` (the manifest's first entry)."""
    for entry in raw.entries():
        if entry.url == url and entry.sha256 == sha256:
            return entry.fetched_at
    return None


def _published_state(data_dir: Path) -> tuple[str, str | None, list[dict], int] | None:
    """The pipeline version and decision files' fingerprint of the last publishing run, the
    published ``sources`` rows and the number of projects, read from the warehouse file
    (DuckDB, read-only); None before the first publish (or when the warehouse cannot tell:
    then a run decides)."""
    path = data_dir / WAREHOUSE
    if not path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None  # unreadable now: a run rebuilds it
    try:
        last = con.execute(
            "SELECT pipeline_version, decisions_sha256 FROM runs"
            " WHERE status <> 'unchanged'"
            " ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
        cur = con.execute(
            "SELECT url, fiscal_year, call_round, status, error, rows_expected,"
            " sha256, published_sha256, fetch_status, fetched_at FROM sources"
        )
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
        projects = con.execute("SELECT count(*) FROM projects").fetchone()[0]  # type: ignore[index]  # count(*) gives a row
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (last[0], last[1], rows, projects) if last else None


def _record_check(
    data_dir: Path, unchanged: Unchanged, command: str, started: datetime, decisions_sha256: str
) -> None:
    """The no-op's check, kept: each 304 in ``raw/manifest.jsonl``, ``sources.checked_at``
    and a ``runs`` row (status unchanged), as a new version (``versions.record_check``)."""
    raw = RawStore(data_dir / "raw")
    checked_at = {}
    for spec, good in unchanged.checked:
        at = now_utc()
        raw.record(
            ManifestEntry(
                url=spec.url,
                fetched_at=at,
                status="unchanged",
                sha256=good.sha256,
                bytes=good.bytes,
                etag=good.etag,
                last_modified=good.last_modified,
                http_status=304,
            )
        )
        checked_at[spec.url] = at
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + os.urandom(3).hex()
    versions.record_check(
        data_dir,
        run_id,
        checked_at,
        {
            "run_id": run_id,
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": command,
            "sources_seen": len(unchanged.checked),
            "sources_new": 0,
            "sources_failed": len(unchanged.still_failing),
            "projects": unchanged.projects,
            "status": "unchanged",
            "pipeline_version": PIPELINE_VERSION,
            "decisions_sha256": decisions_sha256,
        },
        settings.writer_wait_s(),
    )


@dataclass
class Plan:
    """What a refresh will run: the lists, where, with which settings. ``context()`` makes
    the run's context for the stages (it reads the published tables: pyarrow)."""

    data_dir: Path
    specs: list[SourceSpec]
    hosts: set[str]
    command: str
    cross_check: bool
    force: bool
    only: bool
    decisions: decision_files.Location
    decisions_sha256: str
    notes: list[str] = field(default_factory=list)

    def context(self) -> RunContext:
        from pipelines.run.stages import new_context, previous_sources, reusable_lists

        ctx = new_context(self.data_dir, self.command, self.hosts, self.cross_check)
        ctx.keep_other_lists, ctx.force = self.only, self.force
        ctx.decisions_dir = self.decisions.directory
        ctx.corrections_file = self.decisions.corrections_file
        if not self.force:  # --force reads every list again
            ctx.reusable = reusable_lists(
                previous_sources(self.data_dir), self.cross_check, self.decisions_sha256
            )
        ctx.notes.extend(self.notes)
        return ctx


@contextmanager
def planned(
    data_dir: Path,
    *,
    sources_file: str | None = None,
    discover: bool = True,
    command: str = "refresh",
    cross_check: bool = True,
    force: bool = False,
    only: list[tuple[int, int]] | None = None,
    decisions_dir: str | None = None,
    corrections_file: str | None = None,
):
    """Decide the refresh of the local ``data_dir``, holding its lock for the block: yields
    a ``RefreshOutcome`` when nothing changed (the check already recorded), else a ``Plan``.
    Refuses (``RunRefused``, exit 2) on bad decision files, unknown ``--only`` lists, no
    sources, another refresh, or a process that keeps the warehouse open read-write."""
    try:  # settings read by the run's threads: refused now, not halfway
        settings.workers(), settings.download_deadline_s(), settings.extract_limits(cross_check)
    except ValueError as exc:
        raise RunRefused(str(exc)) from None
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / ".lock"))
    try:
        lock.acquire(timeout=LOCK_WAIT_S)
    except Timeout:
        raise RunRefused(
            f"another refresh is running on {data_dir} (lock {data_dir / '.lock'});"
            " try again when it has finished"
        ) from None
    forget = interrupts.on_exit(lambda: shutil.rmtree(data_dir / ".work", ignore_errors=True))
    try:
        started = datetime.now(timezone.utc)
        notes: list[str] = []
        _clear_leftovers(data_dir, notes)
        where = decision_files.locate(data_dir, decisions_dir, corrections_file)
        try:
            decided = decision_files.load(where)  # a bad decision file stops the run here
        except decision_files.DecisionFileError as exc:
            raise RunRefused(str(exc)) from None
        specs, hosts = resolve_sources(data_dir, sources_file, discover, notes)
        if only:
            missing = set(only) - {s.list_key for s in specs}
            if missing:
                raise RunRefused(
                    "no source for " + ", ".join(f"FY{fy} round {r}" for fy, r in sorted(missing))
                )
            specs = [s for s in specs if s.list_key in set(only)]
        if not specs:
            raise RunRefused("no sources to fetch")
        try:  # before any work: a writer now would make the publish refuse at the end
            versions.wait_for_no_writer(data_dir, settings.writer_wait_s())
        except versions.WarehouseBusy as exc:
            raise RunRefused(str(exc)) from None
        unchanged = None if force else nothing_changed(specs, data_dir, hosts, decided.fingerprint, notes)
        if unchanged is not None:
            try:
                _record_check(data_dir, unchanged, command, started, decided.fingerprint)
            except versions.WarehouseBusy as exc:
                raise RunRefused(str(exc)) from None
            yield RefreshOutcome(
                {
                    "status": "unchanged",
                    "sources": [],
                    "projects": None,
                    "still_failing": unchanged.still_failing,
                },
                nothing_changed=True,
                notes=notes,
            )
            return
        yield Plan(
            data_dir, specs, hosts, command, cross_check, force, bool(only), where, decided.fingerprint, notes
        )
    finally:
        shutil.rmtree(data_dir / ".work", ignore_errors=True)  # a failed run's files too
        forget()
        lock.release()


def _clear_leftovers(data_dir: Path, notes: list[str]) -> None:
    """What a killed or failed run left (under the lock, so no run of ours is using it):
    ``.work/`` and ``raw/.part-*``; and a note on a damaged manifest."""
    shutil.rmtree(data_dir / ".work", ignore_errors=True)
    if (data_dir / "raw").is_dir():
        raw = RawStore(data_dir / "raw")
        raw.remove_leftovers()
        notes.extend(raw.problems())


def run_refresh(
    data_dir: str | Path, *, execute: Callable[[Plan], "RefreshOutcome"], **options
) -> RefreshOutcome:
    """Refresh the warehouse in ``data_dir`` (a folder or an fsspec URL: then on a local
    copy, pushed back after, ``remote.synced``): decide (``planned``), and ``execute`` the
    plan when there is one. One refresh at a time per data directory."""
    with remote.synced(data_dir) as local:
        with planned(local, **options) as plan:
            if isinstance(plan, RefreshOutcome):
                return plan
            outcome = execute(plan)
        if outcome.summary.get("status") == "refused":  # the publish found a writer
            raise RunRefused(outcome.summary["error"])
        return outcome
