"""Build the contract's records for one adoption list from its extracted tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from extractors.cell_text import CellLines, default_text
from extractors.model import Document, Row
from normalizers.countries import country_table
from normalizers.fields import field_table
from normalizers.decisions import apply_decisions
from normalizers.headers import UnknownHeader, map_header
from normalizers.model import Organization
from normalizers.orgs import resolve_org
from normalizers.project import decided_cells, normalise_row
from normalizers.roles import role_table
from pipelines.decisions.corrections import correct_list
from pipelines.decisions.files import DecisionSet
from pipelines.warehouse.schema import TABLES


class ListError(Exception):
    """The list's content cannot be published (unknown header, duplicate numbers, ...)."""


class SchemaMismatch(AssertionError):
    """Rows built here do not have exactly the columns of their table in ``schema.py``: a
    column added to the schema would otherwise be published as null without anyone noticing."""


def conform(table: str, rows: list[dict]) -> list[dict]:
    """``rows`` unchanged when every row has exactly the columns ``schema.TABLES[table]``
    defines; else SchemaMismatch naming the table and the columns missing or unknown."""
    columns = {c.name for c in TABLES[table].columns}
    for row in rows:
        if row.keys() != columns:
            missing = sorted(columns - row.keys())
            extra = sorted(row.keys() - columns)
            raise SchemaMismatch(
                f"{table}: rows built without column(s) {missing} and with"
                f" unknown column(s) {extra} (pipelines/warehouse/schema.py)"
            )
    return rows


@dataclass
class ListRecords:
    """Rows for every contract table from one list, plus what the run summary reports."""

    tables: dict[str, list[dict]] = field(default_factory=dict)
    organizations: dict[str, dict] = field(default_factory=dict)
    rows_extracted: int = 0
    warnings: list[str] = field(default_factory=list)


def adoption_rows(
    doc: Document, layouts: dict | None = None
) -> tuple[list[tuple[dict[str, CellLines | str], Row]], list[str]]:
    """The list's rows, from every table whose header maps (the analyst's layouts first),
    and a warning for each other table (skipped, never silently). Each row as a dict of
    canonical field -> printed cell (lines with verdicts) and as a Row whose cells are the
    texts read (line ends decided)."""
    out: list[tuple[dict[str, CellLines | str], Row]] = []
    refusals: list[tuple[str, UnknownHeader]] = []  # (where, why) of each table skipped
    for table in doc.tables:
        try:
            canonical = map_header(table.header, layouts)
        except UnknownHeader as exc:
            pages = ", ".join(map(str, table.pages))
            refusals.append((f"table on page(s) {pages} with {len(table.rows)} row(s)", exc))
            continue
        for row in table.rows:
            cell_lines: list[CellLines | None] = list(row.lines) if row.lines else [None] * len(row.cells)
            printed = [_printed(text, lines) for text, lines in zip(row.cells, cell_lines)]
            fields = {c: cell for c, cell in zip(canonical, printed) if c}
            # the row as the warehouse reads it: every line end decided (normalizers.line_ends)
            out.append((fields, replace(row, cells=decided_cells(table.header, printed, canonical))))
    if not out:
        if refusals:
            raise ListError("; ".join(str(exc) for _, exc in refusals))
        raise ListError("no table with rows in the PDF")
    return out, [f"{where} skipped: {exc}" for where, exc in refusals]


def _printed(text: str, lines: CellLines | None) -> CellLines | str:
    """The cell's printed lines with their verdicts, when the extractor reported them for
    this text (normalizers.line_ends decides their ends); else the text itself."""
    return lines if lines is not None and default_text(lines) == text else text


def project_id(fiscal_year: int, call_round: int, list_no: int) -> str:
    return f"{fiscal_year}-{call_round}-{list_no:02d}"


def build_records(
    doc: Document,
    *,
    fiscal_year: int,
    call_round: int,
    source_id: str,
    sha256: str,
    decisions: DecisionSet | None = None,
) -> ListRecords:
    """Normalise every row of the list, apply the analyst's decisions (corrections first,
    then organisations and labels) and lay it out as the contract's tables."""
    decisions = decisions or DecisionSet()
    given = decisions.normalizer
    rows, skipped = adoption_rows(doc, given.layouts)
    entities = [
        (normalise_row(fields, row.section, places=given.places, field_labels=given.field_labels), row)
        for fields, row in rows
    ]
    numbers = [e.list_no for e, _ in entities if e.list_no is not None]
    dupes = sorted(n for n, k in Counter(numbers).items() if k > 1)
    if dupes:
        raise ListError(f"duplicate list numbers: {', '.join(map(str, dupes))}")
    if numbers and len(numbers) != len(entities):
        missing = [i + 1 for i, (e, _) in enumerate(entities) if e.list_no is None]
        raise ListError(f"rows without a list number: row(s) {missing}")

    out = ListRecords(rows_extracted=len(entities), warnings=list(skipped))
    tables: dict[str, list[dict]] = {
        name: []
        for name in (
            "projects",
            "participants",
            "domestic_cities",
            "partner_cities",
            "project_fields",
            "review",
        )
    }
    printed = [(e.project_name, e.summary) for e, _ in entities]
    tables["corrections_applied"], stale = correct_list(
        entities,
        decisions.corrections,
        fiscal_year=fiscal_year,
        call_round=call_round,
        source_id=source_id,
        sha256=sha256,
        project_id=project_id,
        decisions=given,
    )
    out.warnings.extend(stale)
    former_ids: dict[str, set[str]] = {}
    for e, _ in entities:
        for old, new in apply_decisions(e, given):
            former_ids.setdefault(new, set()).add(old)
    for index, ((e, row), (name_raw, summary_raw)) in enumerate(zip(entities, printed), 1):
        pid = project_id(fiscal_year, call_round, e.list_no if e.list_no is not None else index)
        common = {"project_id": pid, "fiscal_year": fiscal_year}
        tables["projects"].append(
            {
                **common,
                "call_round": call_round,
                "list_no": e.list_no,
                "list_no_raw": e.list_no_raw,
                "project_name": e.project_name,
                "project_name_raw": name_raw,
                "project_name_norm": e.project_name_norm,
                "proposer_org_id": e.proposer.org_id if e.proposer else None,
                "proposer_name_raw": e.proposer_name_raw,
                "proposer_department": e.proposer_department,
                "country_code": e.country_code,
                "country_name_ja": e.country_name_ja,
                "country_raw": e.country_raw,
                "summary": e.summary,
                "phase": e.phase,
                "summary_raw": summary_raw,
                "group_name": e.group,
                "source_id": source_id,
                "source_sha256": sha256,
                "page_first": min(row.pages) if row.pages else None,
                "page_last": max(row.pages) if row.pages else None,
            }
        )
        if e.proposer:
            _add_org(out, e.proposer, e.proposer_name_raw, fiscal_year)
        for p in e.participants:
            tables["participants"].append(
                {
                    **common,
                    "seq": p.seq,
                    "org_id": p.org.org_id,
                    "name_raw": p.name_raw,
                    "role": p.role,
                    "role_code": p.role_code,
                    "org_type": p.org.org_type,
                    "department": p.department,
                    "inferred": p.inferred,
                }
            )
            _add_org(out, p.org, p.name_raw, fiscal_year)
        for c in e.domestic_cities:
            tables["domestic_cities"].append(
                {
                    **common,
                    "seq": c.seq,
                    "lg_code": c.lg_code,
                    "name": c.name,
                    "name_raw": c.name_raw,
                    "prefecture": c.prefecture,
                }
            )
        for pc in e.partner_cities:
            tables["partner_cities"].append(
                {
                    **common,
                    "seq": pc.seq,
                    "name_raw": pc.name_raw,
                    "name_ja": pc.name_ja,
                    "name_en": pc.name_en,
                    "country_code": pc.country_code,
                    "lat": pc.lat,
                    "lon": pc.lon,
                }
            )
        for f in e.fields:
            tables["project_fields"].append(
                {
                    **common,
                    "seq": f.seq,
                    "field_raw": f.field_raw,
                    "field_code": f.field_code,
                }
            )
        for note in e.review:
            tables["review"].append(
                {
                    **common,
                    "source_id": source_id,
                    "page": min(row.pages) if row.pages else None,
                    "column_name": note.column,
                    "printed_lines": note.lines,
                    "chosen": note.chosen,
                    "alternative": note.alternative,
                    "reason": note.reason,
                }
            )
        out.warnings.extend(f"{pid}: {w}" for w in e.warnings)
    for org_id, old_ids in former_ids.items():
        if org_id in out.organizations:
            out.organizations[org_id]["former_ids"] = sorted(old_ids)
    out.tables = {name: conform(name, rows) for name, rows in tables.items()}
    return out


# What one list says of an organisation, besides its aliases and former ids (a list carried
# over from the published warehouse rebuilds its entries from these columns too).
ORG_ENTRY_FIELDS = ("org_id", "name", "legal_form", "legal_form_position", "base_name", "org_type", "name_en")


def _add_org(out: ListRecords, org: Organization, name_raw: str, fiscal_year: int) -> None:
    entry = out.organizations.get(org.org_id)
    if entry is None:
        entry = out.organizations[org.org_id] = {
            **{k: getattr(org, k) for k in ORG_ENTRY_FIELDS},
            "aliases": [],
            "former_ids": [],
        }
    if name_raw not in entry["aliases"]:
        entry["aliases"].append(name_raw)


def merge_organizations(parts: list[dict[str, dict]]) -> list[dict]:
    """One row per org_id across lists: every alias (sorted for stability) and the
    abbreviation most of them print. Years and counts: ``with_activity``."""
    merged: dict[str, dict] = {}
    for part in parts:
        for org_id, entry in part.items():
            have = merged.get(org_id)
            if have is None:
                merged[org_id] = {**entry, "aliases": list(entry["aliases"])}
                continue
            have["aliases"].extend(a for a in entry["aliases"] if a not in have["aliases"])
            have["former_ids"] = sorted(
                set(have.get("former_ids") or []) | set(entry.get("former_ids") or [])
            )
    for entry in merged.values():
        entry["aliases"] = sorted(entry["aliases"])
        entry["abbreviation"] = _abbreviation(entry["aliases"])
        entry["former_ids"] = sorted(entry.get("former_ids") or [])
    return sorted(merged.values(), key=lambda e: e["org_id"])


def _abbreviation(aliases: list[str]) -> str | None:
    """The abbreviation most spellings print (ties: the first in sort order), else None."""
    seen = Counter(a for a in (resolve_org(alias).abbreviation for alias in aliases) if a)
    return min(seen, key=lambda a: (-seen[a], a)) if seen else None


def with_activity(organizations: list[dict], projects: list[dict], participants: list[dict]) -> list[dict]:
    """Each organisation with the years and project counts of the published rows:
    first/last_fiscal_year, project_count, projects_as_proposer, projects_as_participant.
    An organisation no published row names is dropped."""
    years: dict[str, set[int]] = {}
    proposed: dict[str, set[str]] = {}
    joined: dict[str, set[str]] = {}
    for p in projects:
        if p.get("proposer_org_id"):
            years.setdefault(p["proposer_org_id"], set()).add(p["fiscal_year"])
            proposed.setdefault(p["proposer_org_id"], set()).add(p["project_id"])
    for x in participants:
        if x.get("org_id"):
            years.setdefault(x["org_id"], set()).add(x["fiscal_year"])
            joined.setdefault(x["org_id"], set()).add(x["project_id"])
    out = []
    for entry in organizations:
        org_id = entry["org_id"]
        if org_id not in years:
            continue
        out.append(
            {
                **entry,
                "first_fiscal_year": min(years[org_id]),
                "last_fiscal_year": max(years[org_id]),
                "project_count": len(proposed.get(org_id, set()) | joined.get(org_id, set())),
                "projects_as_proposer": len(proposed.get(org_id, set())),
                "projects_as_participant": len(joined.get(org_id, set())),
            }
        )
    return conform("organizations", out)


def code_tables() -> dict[str, list[dict]]:
    """The code and label tables (fields, countries, roles) from the normalisers' data."""
    return {
        "fields": [dict(r) for r in field_table()],
        "countries": country_table(),
        "roles": [dict(r) for r in role_table()],
    }
