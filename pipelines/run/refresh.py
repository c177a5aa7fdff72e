"""The main job: decide what to run, then run the Prefect flow when something changed.

The "nothing changed" decision (conditional GETs against what the warehouse was built
from) runs without Prefect, so a no-op refresh stays fast.
"""
from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from filelock import FileLock, Timeout

from pipelines.decisions import files as decision_files
from pipelines import interrupts, prefect_server, settings
from pipelines.sources import registry
from pipelines.download.fetch import FetchError, check_url, conditional_headers, make_client
from pipelines.download.raw_store import RawStore
from pipelines.settings import PIPELINE_VERSION, is_remote
from pipelines.sources.spec import SourceSpec, allowed_hosts, load_sources_file

# The no-op decision imports no more than this (no extractor, no pyarrow, no Prefect): the
# stages are imported only once something is to be run.
WAREHOUSE = "warehouse.duckdb"

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
        return 0 if self.summary.get("status") in ("ok", "unchanged") else 1


def resolve_sources(data_dir: Path, sources_file: str | None, discover: bool,
                    notes: list[str]) -> tuple[list[SourceSpec], set[str]]:
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
    return list(unique.values()), allowed_hosts(unique, site, from_sources_file=False)


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
        result, state = crawler.crawl(client, site, state=state, registry=registry.crawl_hints(),
                                      polite=polite, backfill=backfill, progress=progress,
                                      index=settings.press_index_url(), summary=summary)
    state.save(state_path)
    notes.extend(result.summary.lines())
    notes.extend(f"discovery: {e}" for e in result.errors)
    found = [
        SourceSpec(url=settings.resolve(r.pdf_url), fiscal_year=r.fiscal_year,
                   call_round=r.call_round, press_url=r.press_url, expected_count=r.adopted,
                   origin="discovered")
        for r in result.adoptions if r.pdf_url
    ]
    new = registry.add_discovered(data_dir, found)
    notes.extend(f"discovered new list: FY{s.fiscal_year} round {s.call_round} {s.url}" for s in new)
    return found


def nothing_changed(specs: list[SourceSpec], data_dir: Path, hosts: set[str],
                    decisions_sha256: str | None = None) -> bool:
    """True when the warehouse was built by this version from exactly these lists, all ok,
    with the same decision files, and every PDF answers 304 Not Modified to a conditional GET."""
    published = _published_state(data_dir)
    if published is None:
        return False
    last_version, last_decisions, sources = published
    if last_version != PIPELINE_VERSION:
        return False
    if decisions_sha256 is not None and last_decisions != decisions_sha256:
        return False
    before = {p["url"]: p for p in sources}
    if set(before) != {s.url for s in specs}:
        return False
    good_by_url = RawStore(data_dir / "raw").last_good_by_url()  # the manifest, read once
    with make_client(timeout=10.0) as client:
        for spec in specs:
            prev = before[spec.url]
            if prev["status"] != "ok" or (prev["fiscal_year"], prev["call_round"]) != spec.list_key \
                    or prev["rows_expected"] != spec.expected_count:
                return False
            good = good_by_url.get(spec.url)
            if good is None or good.sha256 != prev["published_sha256"]:
                return False
            validators = conditional_headers(good)
            if not validators:  # the server gave no validator: only a download can tell
                return False
            try:
                check_url(spec.url, hosts)
                with client.stream("GET", spec.url, headers=validators) as r:
                    if r.status_code != 304:
                        return False
            except (httpx.HTTPError, FetchError):
                return False
    return True


def _published_state(data_dir: Path) -> tuple[str, str | None, list[dict]] | None:
    """The pipeline version and decision files' fingerprint of the last publishing run, and
    the published ``sources`` rows, read from the warehouse file (DuckDB, read-only); None
    before the first publish (or when the warehouse cannot tell: then a run decides)."""
    path = data_dir / WAREHOUSE
    if not path.exists():
        return None
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None  # unreadable now: a run rebuilds it
    try:
        last = con.execute("SELECT pipeline_version, decisions_sha256 FROM runs"
                           " ORDER BY started_at DESC, run_id DESC LIMIT 1").fetchone()
        cur = con.execute("SELECT url, fiscal_year, call_round, status, rows_expected,"
                          " published_sha256 FROM sources")
        columns = [d[0] for d in cur.description]
        rows = [dict(zip(columns, r)) for r in cur.fetchall()]
    except duckdb.Error:
        return None
    finally:
        con.close()
    return (last[0], last[1], rows) if last else None


def run_refresh(data_dir: str | Path, *, sources_file: str | None = None, discover: bool = True,
                command: str = "refresh", cross_check: bool = True,
                force: bool = False, only: list[tuple[int, int]] | None = None,
                decisions_dir: str | None = None,
                corrections_file: str | None = None) -> RefreshOutcome:
    """Refresh the warehouse in ``data_dir``; one refresh at a time per data directory.

    ``data_dir`` may be an fsspec URL: the refresh runs on a local copy, and what it
    published is uploaded at the end (``pipelines/warehouse/remote.py``).
    """
    if is_remote(data_dir):
        from pipelines.warehouse.remote import RemoteDataDir

        remote = RemoteDataDir(str(data_dir))
        outcome = run_refresh(remote.pull(), sources_file=sources_file, discover=discover,
                              command=command, cross_check=cross_check, force=force, only=only,
                              decisions_dir=decisions_dir, corrections_file=corrections_file)
        if not outcome.nothing_changed:
            remote.push()
        else:
            remote.push_state()
        return outcome
    try:  # settings read by the run's threads: refused now, not halfway
        settings.workers(), settings.download_deadline_s()
    except ValueError as exc:
        raise RunRefused(str(exc)) from None
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / ".lock"))
    try:
        lock.acquire(timeout=LOCK_WAIT_S)
    except Timeout:
        raise RunRefused(f"another refresh is running on {data_dir} (lock {data_dir / '.lock'});"
                         " try again when it has finished") from None
    forget = interrupts.on_exit(lambda: shutil.rmtree(data_dir / ".work", ignore_errors=True))
    try:
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
                raise RunRefused("no source for " + ", ".join(
                    f"FY{fy} round {r}" for fy, r in sorted(missing)))
            specs = [s for s in specs if s.list_key in set(only)]
        if not specs:
            raise RunRefused("no sources to fetch")
        if not force and nothing_changed(specs, data_dir, hosts, decided.fingerprint):
            return RefreshOutcome({"status": "unchanged", "sources": [], "projects": None},
                                  nothing_changed=True, notes=notes)
        from pipelines.run.stages import new_context, previous_sources, reusable_lists

        ctx = new_context(data_dir, command, hosts, cross_check)
        ctx.keep_other_lists, ctx.force = bool(only), force
        ctx.decisions_dir, ctx.corrections_file = where.directory, where.corrections_file
        if not force:  # --force reads every list again
            ctx.reusable = reusable_lists(previous_sources(data_dir), cross_check, decided.fingerprint)
        ctx.notes.extend(notes)
        started = prefect_server.start_temporary_server()  # None when a server is configured
        try:
            from flows import run_refresh_flow  # imports Prefect: keep it off the no-op path

            return RefreshOutcome(run_refresh_flow(specs, ctx), notes=notes)
        finally:
            if started is not None:
                prefect_server.stop_temporary_server()
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
