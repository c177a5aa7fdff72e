"""The refresh's stages as plain functions; ``flows.py`` wires them as Prefect tasks.

Every stage takes and returns the typed hand-offs of ``handoffs.py`` (paths and counts, not
tables): the documents and records of a run live as files in ``DATA_DIR/.work/<run_id>/``.

Why one module of ~430 lines: each stage (fetch, extract, records, publish) is a short
function whose failure handling must stay beside it, and the publish stage joins what the
others produced; the work itself lives in ``download/``, ``extractors``, ``warehouse/``.
"""

from __future__ import annotations

import json
import secrets
import shutil
import threading
from typing import TYPE_CHECKING
from datetime import datetime, timezone
from pathlib import Path

from extractors.errors import ExtractionError
from extractors.model import document_from_dict
from pipelines.decisions import acknowledgements
from pipelines.decisions import files as decision_files
from pipelines.warehouse import publish as publishing
from pipelines.warehouse.coverage import release_rows
from pipelines.run.carry_over import PublishedList, PublishedLists
from pipelines.download.fetch import FetchResult, fetch, make_client
from pipelines.run.handoffs import (
    ExtractResult,
    Extracted,
    Failed,
    Recorded,
    RecordsResult,
    Reusable,
    Reused,
    RunContext,
)
from pipelines.run import integrity
from pipelines.run.isolation import TimeLimitExceeded, extract_with_time_limit
from pipelines.run.reconcile import Verdict, reconcile
from pipelines.warehouse.records import (
    ListError,
    build_records,
    code_tables,
    merge_organizations,
    with_activity,
)
from pipelines.settings import PIPELINE_VERSION
from pipelines.sources.spec import SourceSpec
from normalizers.orgs import near_matches

if TYPE_CHECKING:
    import httpx


def new_context(
    data_dir: Path, command: str, allowed_hosts: set[str], cross_check: bool = False
) -> RunContext:
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    return RunContext(
        str(data_dir),
        run_id,
        started.isoformat(timespec="seconds"),
        command,
        sorted(allowed_hosts),
        cross_check,
    )


def rows_version(decisions_sha256: str = "") -> str:
    """What made a list's rows: the pipeline version and, when there are any, the analyst's
    decision files (corrections are applied in the records stage)."""
    return f"{PIPELINE_VERSION} decisions {decisions_sha256[:10]}" if decisions_sha256 else PIPELINE_VERSION


def reusable_lists(
    previous: list[dict], cross_check: bool, decisions_sha256: str = ""
) -> dict[str, Reusable]:
    """Sources whose published rows a run keeps, without reading the PDF again, when the
    bytes fetched now are the bytes they were read from: published ok by this pipeline
    version and these decision files, with the same cross-check setting."""
    made_by = rows_version(decisions_sha256)
    return {
        p["source_id"]: Reusable(p["published_sha256"], p["rows_extracted"])
        for p in previous
        if p["status"] == "ok"
        and p["published_sha256"]
        and p.get("pipeline_version") == made_by
        and (p["crosscheck_agreement"] is not None) == cross_check
    }


def may_reuse(spec: SourceSpec, ctx: RunContext) -> bool:
    """Whether the list's published rows may be kept (then its fetch decides)."""
    return spec.source_id in ctx.reusable


def reused(spec: SourceSpec, fetched: FetchResult, ctx: RunContext) -> Reused | None:
    """What the extract and records stages give for a list whose fetched bytes are those its
    published rows were read from (None when they are not: the list is read again)."""
    published = ctx.reusable.get(spec.source_id)
    if published is None or not fetched.ok or fetched.sha256 != published.sha256:
        return None
    return Reused(published.rows_extracted)


def fetch_stage(spec: SourceSpec, ctx: RunContext) -> FetchResult:
    """Download one list (conditional GET); a failure is a result, never an exception."""
    return fetch(spec.url, ctx.raw, run_client(ctx.run_id), set(ctx.allowed_hosts), force=ctx.force)


_CLIENTS: dict[str, httpx.Client] = {}  # run_id -> the run's HTTP client
_CLIENTS_LOCK = threading.Lock()


def run_client(run_id: str):
    """One HTTP client (one connection pool, one TLS context) for all downloads of a run;
    shared by the task threads (httpx clients are thread-safe)."""
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(run_id)
        if client is None:
            client = _CLIENTS[run_id] = make_client()
        return client


def close_run_client(run_id: str) -> None:
    with _CLIENTS_LOCK:
        client = _CLIENTS.pop(run_id, None)
    if client is not None:
        client.close()


def extract_stage(spec: SourceSpec, fetched: FetchResult, ctx: RunContext) -> Extracted | Failed:
    """Extract the tables of a fetched PDF to ``<work>/<source_id>.document.json``."""
    if not fetched.ok or fetched.path is None:
        return Failed("fetch", fetched.error or "nothing was downloaded")
    ctx.work_dir.mkdir(parents=True, exist_ok=True)
    try:
        document = extract_with_time_limit(fetched.path, cross_check=ctx.cross_check)
    except ExtractionError as exc:
        return Failed("extract", exc.reason)
    except TimeLimitExceeded as exc:
        return Failed("extract", str(exc))
    out = ctx.work_dir / f"{spec.source_id}.document.json"
    out.write_text(json.dumps(document, ensure_ascii=False))
    return Extracted(str(out), document["pages"], (document.get("crosscheck") or {}).get("agreement"))


def records_stage(
    spec: SourceSpec, fetched: FetchResult, extracted: Extracted | Failed, ctx: RunContext
) -> Recorded | Failed:
    """Normalise the list's rows into the contract's records, written to a JSON file."""
    if isinstance(extracted, Failed):
        return extracted
    data = json.loads(Path(extracted.document).read_text())  # the document is read once, here
    doc = document_from_dict(data)
    try:
        recs = build_records(
            doc,
            fiscal_year=spec.fiscal_year,
            call_round=spec.call_round,
            source_id=spec.source_id,
            sha256=fetched.sha256 or "",
            decisions=decision_files.load(ctx.decisions),
        )
    except ListError as exc:
        return Failed("records", str(exc))
    found = integrity.check_list(spec, data, [p["list_no"] for p in recs.tables["projects"]])
    # the cross-check's cells as published, made while the document is at hand (it is read
    # once: the publish reads only this file)
    disagreements = [
        _disagreement_row(spec, data["tables"], d)
        for d in (data.get("crosscheck") or {}).get("disagreements", [])
    ]
    out = ctx.work_dir / f"{spec.source_id}.records.json"
    out.write_text(
        json.dumps(
            {"tables": recs.tables, "organizations": recs.organizations, "disagreements": disagreements},
            ensure_ascii=False,
        )
    )
    return Recorded(
        str(out),
        recs.rows_extracted,
        warnings=list(recs.warnings),
        quarantine=list(found.quarantine),
        review_reasons=list(found.review),
        errors=[f"{spec.source_id}: {p}" for p in doc.problems],
    )


def previous_sources(data_dir: Path) -> list[dict]:
    table = publishing.read_table(Path(data_dir), "sources")
    return table.to_pylist() if table is not None else []


def assemble_and_publish(
    sources: list[SourceSpec],
    fetched: list[FetchResult],
    extracted: list[ExtractResult],
    records: list[RecordsResult],
    ctx: RunContext,
) -> dict:
    """Reconcile the lists and publish atomically: the rows of every list read in this run,
    plus, as published before (``carry_over``), those of unchanged lists, the previous good
    version of lists that failed, and under ``--only`` the lists not in the run."""
    published = PublishedLists(Path(ctx.data_dir))
    decided = decision_files.load(ctx.decisions)
    verdicts = reconcile(sources, records, published.sources())

    tables: dict[str, list[dict]] = {
        n: []
        for n in (
            "projects",
            "participants",
            "domestic_cities",
            "partner_cities",
            "project_fields",
            "corrections_applied",
            "review",
        )
    }
    org_parts, source_rows, disagreements = [], [], []
    warnings: list[str] = []
    errors: list[str] = []

    def add(kept: PublishedList) -> None:
        for name in tables:
            tables[name].extend(kept.tables[name])
        org_parts.append(kept.organizations)
        disagreements.extend(kept.disagreements)

    reused_ids: set[str] = set()
    for spec, f, e, r, verdict in zip(sources, fetched, extracted, records, verdicts):
        kept, made_by = None, None
        # what the list's PDF gave: this run's reading, or the one its kept rows came from
        pages, agreement = (e.pages, e.crosscheck_agreement) if isinstance(e, Extracted) else (None, None)
        if verdict.status == "ok" and isinstance(r, Reused):  # unchanged: its rows as published
            kept = published.of_source(spec.source_id)
            assert kept is not None  # "reused" is said only of a list published before
            pages, agreement = kept.source["pages"], kept.source["crosscheck_agreement"]
            reused_ids.add(spec.source_id)
        elif verdict.status == "ok" and isinstance(r, Recorded):
            data = json.loads(Path(r.records).read_text())
            kept = PublishedList({}, data["tables"], data["organizations"], data["disagreements"])
            made_by = rows_version(decided.fingerprint)
        elif verdict.owns_list:  # its previous good version, if any, stays published
            kept = published.of_list(spec.list_key, as_source=spec.source_id)
        if kept is not None:
            add(kept)
            made_by = made_by or kept.source["pipeline_version"]
        if isinstance(r, Recorded):
            warnings.extend(r.warnings)
            errors.extend(r.errors)
        pub_rows = kept.tables["projects"] if kept is not None else []
        source_rows.append(
            {
                "source_id": spec.source_id,
                "fiscal_year": spec.fiscal_year,
                "call_round": spec.call_round,
                "url": spec.url,
                "press_url": spec.press_url,
                "origin": spec.origin,
                "sha256": f.sha256,
                "bytes": f.bytes,
                "fetched_at": datetime.fromisoformat(f.fetched_at),
                "fetch_status": f.status,
                "checked_at": datetime.fromisoformat(f.fetched_at),
                "pages": pages,
                "status": verdict.status,
                "error": verdict.error,
                "rows_extracted": None if isinstance(r, Failed) else r.rows_extracted,
                "rows_expected": spec.expected_count,
                "rows_published": len(pub_rows),
                "published_sha256": pub_rows[0]["source_sha256"] if pub_rows else None,
                "crosscheck_agreement": agreement,
                "review_reasons": _review_reasons(verdict, r, kept),
                "pipeline_version": made_by if pub_rows else None,
            }
        )
    if ctx.keep_other_lists:
        for kept in published.untouched({s.list_key for s in sources}):
            add(kept)
            source_rows.append(kept.source)
    acknowledgements.apply(source_rows, disagreements, acknowledgements.load(Path(ctx.data_dir), warnings))
    integrity.flag_for_review(source_rows, disagreements)
    organizations = with_activity(merge_organizations(org_parts), tables["projects"], tables["participants"])
    warnings.extend(
        f"possibly one organisation, not merged (decide in organizations.toml, or c3p review):"
        f" {a} ~ {b} ({score})"
        for a, b, score in near_matches([alias for o in organizations for alias in o["aliases"]])
        if not decided.normalizer.orgs.decided_pair(a, b)
    )
    runs = _runs_rows(ctx, source_rows, len(tables["projects"]), decided.fingerprint)
    publishing.publish(
        Path(ctx.data_dir),
        {
            **tables,
            **code_tables(),
            "sources": source_rows,
            "organizations": organizations,
            "runs": runs,
            "crosscheck_disagreements": disagreements,
            "releases": release_rows(Path(ctx.data_dir)),
        },
        ctx.run_id,
    )
    shutil.rmtree(Path(ctx.data_dir) / ".work", ignore_errors=True)
    return {
        "run_id": ctx.run_id,
        "sources": [
            {
                **{
                    k: s[k]
                    for k in (
                        "source_id",
                        "fiscal_year",
                        "call_round",
                        "url",
                        "status",
                        "error",
                        "rows_extracted",
                        "rows_published",
                        "fetch_status",
                        "crosscheck_agreement",
                        "review_reasons",
                    )
                },
                "disagreements": sum(
                    1
                    for d in disagreements  # not yet acknowledged
                    if d["source_id"] == s["source_id"] and not d["acknowledged"]
                ),
                "reused": s["source_id"] in reused_ids,
            }
            for s in source_rows
        ],
        "reused": len(reused_ids),
        "projects": len(tables["projects"]),
        "participants": len(tables["participants"]),
        "organizations": len(organizations),
        "review": len(tables["review"]),
        "notes": ctx.notes,
        "warnings": warnings,
        "errors": errors,
        "status": runs[-1]["status"],
    }


def _review_reasons(verdict: Verdict, records: RecordsResult, kept: PublishedList | None) -> list[str]:
    """Why a person should check the published rows: this run's findings when its rows are
    published, else those recorded with the rows kept (read by an earlier run)."""
    if verdict.status == "ok" and isinstance(records, Recorded):
        return list(records.review_reasons)
    return list(kept.source.get("review_reasons") or []) if kept is not None else []


def _disagreement_row(spec: SourceSpec, tables: list[dict], d: dict) -> dict:
    table = tables[d["table_no"] - 1]
    row = table["rows"][d["row_no"] - 1]
    return {
        "source_id": spec.source_id,
        "fiscal_year": spec.fiscal_year,
        "call_round": spec.call_round,
        "table_no": d["table_no"],
        "row_no": d["row_no"],
        "list_no_raw": row["cells"][0] if row["cells"] else None,
        "column_name": table["header"][d["column_no"] - 1],
        "page_first": min(row["pages"]),
        "ours": d["ours"],
        "camelot": d["camelot"],
    }


def _runs_rows(ctx: RunContext, source_rows: list[dict], projects: int, decisions_sha256: str) -> list[dict]:
    previous = publishing.read_table(Path(ctx.data_dir), "runs")
    rows = previous.to_pylist() if previous is not None else []
    failed = sum(1 for s in source_rows if s["status"] != "ok")
    rows.append(
        {
            "run_id": ctx.run_id,
            "started_at": datetime.fromisoformat(ctx.started_at),
            "finished_at": datetime.now(timezone.utc).replace(microsecond=0),
            "command": ctx.command,
            "sources_seen": len(source_rows),
            "sources_new": sum(1 for s in source_rows if s["fetch_status"] == "downloaded"),
            "sources_failed": failed,
            "projects": projects,
            "status": "ok" if failed == 0 else "failed" if failed == len(source_rows) else "partial",
            "pipeline_version": PIPELINE_VERSION,
            "decisions_sha256": decisions_sha256,
        }
    )
    return rows
