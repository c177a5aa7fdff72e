"""The refresh's stages as plain functions; ``flows.py`` wires them as Prefect tasks.

Every stage takes and returns small JSON-able dicts (paths and ids, not tables): the
documents and records of a run live as files in ``DATA_DIR/.work/<run_id>/``.
"""
from __future__ import annotations

import importlib.metadata
import json
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from extractors.errors import ExtractionError
from extractors.model import document_from_dict
from pipelines import acknowledgements
from pipelines import decisions as decision_files
from pipelines import publish as publishing
from pipelines.coverage import release_rows
from pipelines.carry_over import untouched_lists
from pipelines.fetch import fetch, make_client
from pipelines.isolation import TimeLimitExceeded, extract_with_time_limit
from pipelines.raw_store import RawStore
from pipelines.reconcile import reconcile
from pipelines.records import ListError, build_records, code_tables, merge_organizations, with_activity
from pipelines.sources import SourceSpec
from normalizers.orgs import near_matches

PIPELINE_VERSION = importlib.metadata.version("c3p-warehouse")  # a new version re-publishes


@dataclass
class RunContext:
    data_dir: str
    run_id: str
    started_at: str
    command: str
    allowed_hosts: list[str]
    cross_check: bool = False
    keep_other_lists: bool = False  # refresh --only: lists not in the run stay as published
    decisions_dir: str = ""  # the analyst's decision files (default: the data directory)
    corrections_file: str = ""
    notes: list[str] = field(default_factory=list)  # what discovery found or skipped

    @property
    def work_dir(self) -> Path:
        return Path(self.data_dir) / ".work" / self.run_id

    @property
    def raw(self) -> RawStore:
        return RawStore(Path(self.data_dir) / "raw")

    @property
    def decisions(self) -> decision_files.Location:
        return decision_files.locate(self.data_dir, self.decisions_dir or None,
                                     self.corrections_file or None)


def new_context(data_dir: Path, command: str, allowed_hosts: set[str],
                cross_check: bool = False) -> RunContext:
    started = datetime.now(timezone.utc)
    run_id = started.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    return RunContext(str(data_dir), run_id, started.isoformat(timespec="seconds"), command,
                      sorted(allowed_hosts), cross_check)


def fetch_stage(spec: dict, ctx: RunContext) -> dict:
    """Download one list (conditional GET); a failure is a result, never an exception."""
    with make_client() as client:
        result = fetch(spec["url"], ctx.raw, client, set(ctx.allowed_hosts))
    return asdict(result)


def extract_stage(spec: dict, fetched: dict, ctx: RunContext) -> dict:
    """Extract the tables of a fetched PDF to ``<work>/<source_id>.document.json``."""
    source = SourceSpec(**spec)
    if fetched["status"] == "failed":
        return {"ok": False, "error": fetched["error"], "stage": "fetch"}
    return _extract_file(fetched["path"], source.source_id, ctx)


def _extract_file(pdf_path: str, name: str, ctx: RunContext) -> dict:
    ctx.work_dir.mkdir(parents=True, exist_ok=True)
    try:
        document = extract_with_time_limit(pdf_path, cross_check=ctx.cross_check)
    except ExtractionError as exc:
        return {"ok": False, "error": exc.reason, "stage": "extract"}
    except TimeLimitExceeded as exc:
        return {"ok": False, "error": str(exc), "stage": "extract"}
    out = ctx.work_dir / f"{name}.document.json"
    out.write_text(json.dumps(document, ensure_ascii=False))
    check = document.get("crosscheck") or {}
    return {"ok": True, "document": str(out), "pages": document["pages"],
            "crosscheck_agreement": check.get("agreement"),
            "disagreements": check.get("disagreements", [])}


def records_stage(spec: dict, fetched: dict, extracted: dict, ctx: RunContext) -> dict:
    """Normalise the list's rows into the contract's records, written to a JSON file."""
    source = SourceSpec(**spec)
    if not extracted["ok"]:
        return {"ok": False, "error": extracted["error"], "stage": extracted["stage"]}
    return _records_from_document(source, extracted["document"], fetched["sha256"],
                                  source.source_id, ctx)


def _records_from_document(source: SourceSpec, document_path: str, sha256: str, name: str,
                           ctx: RunContext) -> dict:
    doc = document_from_dict(json.loads(Path(document_path).read_text()))
    try:
        recs = build_records(doc, fiscal_year=source.fiscal_year, call_round=source.call_round,
                             source_id=source.source_id, sha256=sha256,
                             decisions=decision_files.load(ctx.decisions))
    except ListError as exc:
        return {"ok": False, "error": str(exc), "stage": "records"}
    out = ctx.work_dir / f"{name}.records.json"
    out.write_text(json.dumps({"tables": recs.tables, "organizations": recs.organizations},
                              ensure_ascii=False))
    return {"ok": True, "records": str(out), "rows_extracted": recs.rows_extracted,
            "warnings": recs.warnings,
            "errors": [f"{source.source_id}: {p}" for p in doc.problems]}


def previous_sources(data_dir: Path) -> list[dict]:
    table = publishing.read_table(Path(data_dir), "sources")
    return table.to_pylist() if table is not None else []


def assemble_and_publish(specs: list[dict], fetched: list[dict], extracted: list[dict],
                         records: list[dict], ctx: RunContext) -> dict:
    """Reconcile the lists, carry over good rows of failed ones, publish atomically."""
    sources = [SourceSpec(**s) for s in specs]
    previous = previous_sources(Path(ctx.data_dir))
    published_sha = {(p["fiscal_year"], p["call_round"]): p["published_sha256"]
                     for p in previous if p.get("published_sha256")}
    verdicts = reconcile(sources, records, previous)

    tables: dict[str, list[dict]] = {n: [] for n in
                                     ("projects", "participants", "domestic_cities",
                                      "partner_cities", "project_fields", "corrections_applied",
                                      "review")}
    org_parts, source_rows, disagreements = [], [], []
    warnings: list[str] = []
    errors: list[str] = []
    for spec, f, e, r, verdict in zip(sources, fetched, extracted, records, verdicts):
        if verdict.status == "ok":
            rec_path, pub_sha = r["records"], f["sha256"]
        elif verdict.owns_list:  # its previous good version, if any, stays published
            rec_path, pub_sha = _carry_over(spec, published_sha.get(spec.list_key), ctx)
        else:
            rec_path, pub_sha = None, None
        rows_published = 0
        if rec_path:
            data = json.loads(Path(rec_path).read_text())
            for name, rows in data["tables"].items():
                tables[name].extend(rows)
            org_parts.append(data["organizations"])
            rows_published = len(data["tables"]["projects"])
        warnings.extend(r.get("warnings", []))
        errors.extend(r.get("errors", []))
        source_rows.append({
            "source_id": spec.source_id, "fiscal_year": spec.fiscal_year,
            "call_round": spec.call_round, "url": spec.url, "press_url": spec.press_url,
            "origin": spec.origin, "sha256": f.get("sha256"), "bytes": f.get("bytes"),
            "fetched_at": datetime.fromisoformat(f["fetched_at"]), "fetch_status": f["status"],
            "pages": e.get("pages"), "status": verdict.status, "error": verdict.error,
            "rows_extracted": r.get("rows_extracted"), "rows_expected": spec.expected_count,
            "rows_published": rows_published, "published_sha256": pub_sha,
            "crosscheck_agreement": e.get("crosscheck_agreement"),
            "review_needed": bool(e.get("disagreements")),
        })
        if verdict.status == "ok" and e.get("disagreements"):
            document = json.loads(Path(e["document"]).read_text())
            disagreements.extend(
                _disagreement_row(spec, document["tables"], d) for d in e["disagreements"])
    if ctx.keep_other_lists:
        kept = untouched_lists(Path(ctx.data_dir), {s.list_key for s in sources})
        for name in tables:
            tables[name].extend(kept[name])
        source_rows.extend(kept["sources"])
        disagreements.extend(kept["crosscheck_disagreements"])
        org_parts.append({o["org_id"]: o for o in kept["organizations"]})
    acknowledgements.apply(source_rows, disagreements,
                           acknowledgements.load(Path(ctx.data_dir), warnings))
    organizations = with_activity(merge_organizations(org_parts), tables["projects"],
                                  tables["participants"])
    decided = decision_files.load(ctx.decisions)
    warnings.extend(
        f"possibly one organisation, not merged (decide in organizations.toml, or c3p review):"
        f" {a} ~ {b} ({score})"
        for a, b, score in near_matches([alias for o in organizations for alias in o["aliases"]])
        if not decided.normalizer.orgs.decided_pair(a, b))
    runs = _runs_rows(ctx, source_rows, len(tables["projects"]), decided.fingerprint)
    publishing.publish(Path(ctx.data_dir), {
        **tables, **code_tables(), "sources": source_rows, "organizations": organizations,
        "runs": runs, "crosscheck_disagreements": disagreements,
        "releases": release_rows(Path(ctx.data_dir)),
    }, ctx.run_id)
    shutil.rmtree(Path(ctx.data_dir) / ".work", ignore_errors=True)
    return {
        "run_id": ctx.run_id,
        "sources": [{**{k: s[k] for k in ("source_id", "fiscal_year", "call_round", "url",
                                          "status", "error", "rows_extracted", "rows_published",
                                          "fetch_status", "crosscheck_agreement")},
                     "disagreements": sum(1 for d in disagreements  # not yet acknowledged
                                          if d["source_id"] == s["source_id"]
                                          and not d["acknowledged"])}
                    for s in source_rows],
        "projects": len(tables["projects"]),
        "participants": len(tables["participants"]),
        "organizations": len(organizations),
        "review": len(tables["review"]),
        "notes": ctx.notes,
        "warnings": warnings,
        "errors": errors,
        "status": runs[-1]["status"],
    }


def _disagreement_row(spec: SourceSpec, tables: list[dict], d: dict) -> dict:
    table = tables[d["table_no"] - 1]
    row = table["rows"][d["row_no"] - 1]
    return {
        "source_id": spec.source_id, "fiscal_year": spec.fiscal_year,
        "call_round": spec.call_round, "table_no": d["table_no"], "row_no": d["row_no"],
        "list_no_raw": row["cells"][0] if row["cells"] else None,
        "column_name": table["header"][d["column_no"] - 1], "page_first": min(row["pages"]),
        "ours": d["ours"], "camelot": d["camelot"],
    }


def _carry_over(spec: SourceSpec, sha: str | None, ctx: RunContext) -> tuple[str | None, str | None]:
    """Records of the previously published version of a list whose new version failed."""
    if not sha or not ctx.raw.has(sha):
        return None, None
    name = f"{spec.source_id}.previous"
    e = _extract_file(str(ctx.raw.path_for(sha)), name, ctx)
    if not e["ok"]:
        return None, None
    r = _records_from_document(spec, e["document"], sha, name, ctx)
    return (r["records"], sha) if r["ok"] else (None, None)


def _runs_rows(ctx: RunContext, source_rows: list[dict], projects: int,
               decisions_sha256: str) -> list[dict]:
    previous = publishing.read_table(Path(ctx.data_dir), "runs")
    rows = previous.to_pylist() if previous is not None else []
    failed = sum(1 for s in source_rows if s["status"] != "ok")
    rows.append({
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
    })
    return rows
