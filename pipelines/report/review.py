"""``c3p review``: every open question about the published warehouse in one place, and the
answers written back as decision files, so that an answered question is never asked again.

A kind of question is one function ``(Context) -> Iterable[Question]`` registered with
``@question_kind``; each reads the warehouse (read-only) and skips what the decision files
already answer. ``answer()`` turns ``accept`` / ``reject`` into a decision-file edit.
No Prefect here: the command must feel instant.

Why one module of ~470 lines: seven kinds of question, each a short registered function
beside the answer that closes it; a reader finds a kind and its answer in one place.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from normalizers.fields import FIELD_CODES, fold_label
from normalizers.decisions import COLUMNS
from normalizers.headers import UnknownHeader, canonical_field, fold_header
from normalizers.orgs import expand_abbreviations, near_matches, resolve_org, split_legal_form
from normalizers.places import lookup
from normalizers.project import list_number
from normalizers.text import clean
from pipelines.decisions import files
from pipelines.warehouse.publish import WAREHOUSE


class ReviewError(Exception):
    """A review command that cannot be done (no warehouse, unknown id, missing option)."""


@dataclass(frozen=True)
class Question:
    id: str  # stable across runs: kind and what is asked
    kind: str
    printed: str  # the printed text in question
    where: str  # the list and row (FY2024 round 1 no. 2, column ...)
    file: str | None  # the PDF (its URL)
    page: int | None
    question: str
    answer: str  # how to answer it


@dataclass
class Context:
    con: duckdb.DuckDBPyConnection
    decided: files.DecisionSet
    where: files.Location

    def table_exists(self, name: str) -> bool:
        return bool(
            self.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[  # type: ignore[index]
                0
            ]
        )

    def rows(self, sql: str, *params) -> list[dict]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


KINDS: dict[str, Callable[[Context], Iterable[Question]]] = {}


def question_kind(name: str):
    """Register a kind of question; a new kind (e.g. the extractor's flagged cells) is one
    function of a Context yielding Questions."""

    def register(fn):
        KINDS[name] = fn
        return fn

    return register


def question_id(kind: str, *parts) -> str:
    digest = hashlib.sha1("\x1f".join(map(str, (kind, *parts))).encode("utf-8")).hexdigest()
    return f"{kind.split('_')[0]}-{digest[:8]}"


def _list(fy, rnd, no=None) -> str:
    return f"FY{fy} round {rnd}" + (f" no. {no}" if no is not None else "")


# ---------------------------------------------------------------- kinds

ORG_USES = """
SELECT p.fiscal_year, p.call_round, p.list_no, s.url, p.page_first FROM projects p
JOIN sources s USING (source_id) WHERE p.proposer_name_raw = $name
UNION ALL
SELECT p.fiscal_year, p.call_round, p.list_no, s.url, p.page_first FROM participants x
JOIN projects p USING (project_id) JOIN sources s USING (source_id) WHERE x.name_raw = $name
ORDER BY 1, 2, 3 LIMIT 1"""


@question_kind("organization_near_duplicate")
def near_duplicate_organisations(ctx: Context) -> Iterable[Question]:
    aliases = [
        a for (names,) in ctx.con.execute("SELECT aliases FROM organizations").fetchall() for a in names
    ]
    for a, b, score in near_matches(aliases):
        if ctx.decided.normalizer.orgs.decided_pair(a, b):
            continue
        use = ctx.con.execute(ORG_USES, {"name": b}).fetchone()
        yield Question(
            question_id("organization_near_duplicate", *sorted((a, b))),
            "organization_near_duplicate",
            f"{a} ~ {b}",
            _list(*use[:3]) if use else "",
            use[3] if use else None,
            use[4] if use else None,
            f"one organisation? (similarity {score})",
            "accept: the same (organizations.toml same); reject: two (not_same)",
        )


@question_kind("organization_legal_forms_differ")
def organisations_under_two_legal_forms(ctx: Context) -> Iterable[Question]:
    """One org_id whose spellings carry different legal forms (一般社団法人X / 公益社団法人X):
    the matching rules merged them, but they may be two legal persons."""
    for org_id, name, aliases in ctx.con.execute(
        "SELECT org_id, name, aliases FROM organizations ORDER BY org_id"
    ).fetchall():
        form = split_legal_form(name)[0]
        for alias in aliases:
            other = split_legal_form(expand_abbreviations(clean(alias)))[0]
            if other == form or other is None or form is None or ctx.decided.normalizer.orgs.names(alias):
                continue
            use = ctx.con.execute(ORG_USES, {"name": alias}).fetchone()
            yield Question(
                question_id("organization_legal_forms_differ", org_id, alias),
                "organization_legal_forms_differ",
                f"{name} ~ {alias}",
                _list(*use[:3]) if use else "",
                use[3] if use else None,
                use[4] if use else None,
                f"one organisation under two legal forms ({form} / {other})?",
                "accept: the same (organizations.toml same); reject: two (not_same)",
            )


@question_kind("field_label_unmapped")
def unmapped_field_labels(ctx: Context) -> Iterable[Question]:
    seen = set()
    for r in ctx.rows("""
            SELECT f.field_raw, p.fiscal_year, p.call_round, p.list_no, s.url, p.page_first
            FROM project_fields f JOIN projects p USING (project_id) JOIN sources s USING (source_id)
            WHERE f.field_code = 'other' ORDER BY 2, 3, 4"""):
        label = fold_label(r["field_raw"])
        if label in seen or label == fold_label("その他") or label in ctx.decided.normalizer.field_labels:
            continue
        seen.add(label)
        yield Question(
            question_id("field_label_unmapped", label),
            "field_label_unmapped",
            r["field_raw"],
            _list(r["fiscal_year"], r["call_round"], r["list_no"]),
            r["url"],
            r["page_first"],
            "which field_code is this 対象分野 label?",
            "accept --code CODE (field_labels.csv); reject: it is 'other'",
        )


@question_kind("place_unknown")
def unknown_places(ctx: Context) -> Iterable[Question]:
    seen = set()
    for r in ctx.rows("""
            SELECT c.name_raw, c.country_code, p.fiscal_year, p.call_round, p.list_no, s.url,
                   p.page_first
            FROM partner_cities c JOIN projects p USING (project_id) JOIN sources s USING (source_id)
            ORDER BY 3, 4, 5"""):
        name = r["name_raw"]
        if name in seen or lookup(name, ctx.decided.normalizer.places):
            continue
        seen.add(name)
        yield Question(
            question_id("place_unknown", name),
            "place_unknown",
            name,
            _list(r["fiscal_year"], r["call_round"], r["list_no"]),
            r["url"],
            r["page_first"],
            f"which place is this (country {r['country_code']})?",
            "accept --same-as KNOWN_NAME | --name-en EN [--country CC --lat --lon]"
            " (gazetteer.csv); reject: keep it as printed",
        )


@question_kind("correction_stale")
def stale_corrections(ctx: Context) -> Iterable[Question]:
    if not ctx.table_exists("corrections_applied"):
        return
    current = {(c.file, c.line): c for c in ctx.decided.corrections}
    for r in ctx.rows("""
            SELECT c.*, s.url FROM corrections_applied c JOIN sources s USING (source_id)
            WHERE c.status = 'stale' ORDER BY decision_file, decision_line"""):
        c = current.get((r["decision_file"], r["decision_line"]))
        if c is None or c.expected != r["expected_value"]:
            continue  # edited or removed since: answered
        target = r["target"] + (f" #{r['seq']}" if r["seq"] is not None else "")
        yield Question(
            question_id(
                "correction_stale",
                r["decision_file"],
                r["decision_line"],
                r["expected_value"],
                r["printed_value"],
            ),
            "correction_stale",
            r["printed_value"] if r["printed_value"] is not None else "",
            f"{_list(r['fiscal_year'], r['call_round'], r['list_no'])} {target}"
            f" ({r['decision_file']}:{r['decision_line']})",
            r["url"],
            r["page_first"],
            f"the correction expects {r['expected_value']!r}; still wanted?",
            "accept: re-apply to what is printed now; reject: drop the correction",
        )


def _correctable_column(printed_header: str, layouts: dict) -> str | None:
    """The correctable column (project_name, proposer, country, summary) a printed header is."""
    try:
        field = canonical_field(printed_header, layouts)
    except UnknownHeader:
        return None
    return str(field) if field in COLUMNS else None


@question_kind("crosscheck_disagreement")
def crosscheck_disagreements(ctx: Context) -> Iterable[Question]:
    corrected = {(c.fiscal_year, c.call_round, c.list_no, c.target) for c in ctx.decided.corrections}
    for r in ctx.rows("""
            SELECT d.*, s.url FROM crosscheck_disagreements d JOIN sources s USING (source_id)
            ORDER BY fiscal_year, call_round, table_no, row_no, column_name"""):
        column = _correctable_column(r["column_name"], ctx.decided.normalizer.layouts)
        list_no = list_number(r["list_no_raw"] or "")
        if (r["fiscal_year"], r["call_round"], list_no, column) in corrected:
            continue  # answered by a correction
        yield Question(
            question_id(
                "crosscheck_disagreement",
                r["source_id"],
                r["table_no"],
                r["row_no"],
                r["column_name"],
                r["ours"],
                r["camelot"],
            ),
            "crosscheck_disagreement",
            r["ours"] or "",
            f"{_list(r['fiscal_year'], r['call_round'], r['list_no_raw'])} column"
            f" {r['column_name']} (table {r['table_no']} row {r['row_no']})",
            r["url"],
            r["page_first"],
            f"camelot reads {r['camelot']!r}",
            "accept: camelot is right (a correction, for 事業名/提案者/国/事業概要; list cells:"
            " write entity + seq in corrections.toml); reject: ours is right",
        )


UNKNOWN_HEADER = re.compile(r"unknown table header '(.+?)'")


@question_kind("list_not_published")
def lists_not_published(ctx: Context) -> Iterable[Question]:
    for r in ctx.rows("SELECT * FROM sources WHERE status <> 'ok' ORDER BY fiscal_year, call_round"):
        header = UNKNOWN_HEADER.search(r["error"] or "")
        if header and fold_header(header.group(1)) in ctx.decided.normalizer.layouts:
            continue  # mapped since: the next refresh publishes it
        yield Question(
            question_id("list_not_published", r["url"], r["sha256"], r["error"]),
            "list_not_published",
            header.group(1) if header else (r["error"] or ""),
            _list(r["fiscal_year"], r["call_round"]),
            r["url"],
            None,
            f"{r['status']}: {r['error']}",
            "accept --field FIELD [--role ROLE] maps the header (layouts.csv); see the README"
            " (Quarantine) for other reasons; reject: acknowledged",
        )


# ---------------------------------------------------------------- listing


def open_warehouse(data_dir: Path) -> duckdb.DuckDBPyConnection:
    path = Path(data_dir) / WAREHOUSE
    if not path.exists():
        raise ReviewError(f"no warehouse at {path}: run `c3p refresh` first")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ReviewError(f"{path}: cannot open read-only ({exc})") from None


def open_questions(data_dir: Path, where: files.Location) -> list[Question]:
    """Every open question, kind by kind; answered ones (decision files) left out."""
    decided = files.load(where)
    con = open_warehouse(data_dir)
    try:
        ctx = Context(con, decided, where)
        out: list[Question] = []
        for kind in KINDS.values():
            out.extend(q for q in kind(ctx) if q.id not in decided.reviewed)
        return out
    finally:
        con.close()


def as_rows(questions: list[Question]) -> list[dict]:
    return [asdict(q) for q in questions]


# ---------------------------------------------------------------- answering


def answer(
    data_dir: Path,
    where: files.Location,
    qid: str,
    accept: bool,
    *,
    note: str = "",
    code: str | None = None,
    same_as: str | None = None,
    name_en: str | None = None,
    country: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    field: str | None = None,
    role: str | None = None,
) -> str:
    """Record the answer to one open question in the decision files; what was written."""
    q = next((q for q in open_questions(data_dir, where) if q.id == qid), None)
    if q is None:
        raise ReviewError(f"no open question {qid!r} (answered already, or not listed by `c3p review`)")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    note = note or f"c3p review {'accept' if accept else 'reject'} {qid} ({stamp})"
    path = where.path
    if q.kind in ("organization_near_duplicate", "organization_legal_forms_differ"):
        a, b = q.printed.split(" ~ ", 1)
        name = resolve_org(a).name
        entry = {"name": name, ("same" if accept else "not_same"): [b]}
        files.append_toml(path(files.ORGANIZATIONS), "organization", entry, note)
        return f"{path(files.ORGANIZATIONS)}: {b!r} {'is' if accept else 'is not'} {name!r}"
    if q.kind == "field_label_unmapped":
        value = code if accept else "other"
        if accept and value not in FIELD_CODES:
            raise ReviewError(f"accept {qid} needs --code, one of {', '.join(FIELD_CODES)}")
        files.append_csv_row(
            path(files.FIELD_LABELS), {"label": q.printed, "field_code": value, "note": note}
        )
        return f"{path(files.FIELD_LABELS)}: {q.printed} -> {value}"
    if q.kind == "place_unknown":
        row: dict[str, str | float] = {"name_ja": q.printed, "note": note}
        if accept:
            if same_as:
                known = lookup(same_as, files.load(where).normalizer.places)
                if known is None:
                    raise ReviewError(f"--same-as {same_as!r}: not a place of the gazetteer")
                row = {"name_ja": known["name_ja"], "aliases": q.printed, "note": note}
            elif name_en:
                row.update(
                    name_en=name_en,
                    country_code=country or "",
                    lat="" if lat is None else lat,
                    lon="" if lon is None else lon,
                )
            else:
                raise ReviewError(f"accept {qid} needs --same-as KNOWN_NAME or --name-en NAME")
        files.append_csv_row(path(files.GAZETTEER), row)
        files.load(where)  # what was written must read back
        return f"{path(files.GAZETTEER)}: {q.printed}"
    if q.kind == "correction_stale":
        return _answer_stale(where, q, accept)
    if q.kind == "crosscheck_disagreement" and accept:
        return _accept_camelot(data_dir, where, q, note)
    if q.kind == "list_not_published" and accept:
        if not field:
            raise ReviewError(f"accept {qid} needs --field FIELD (or ignore) for header {q.printed!r}")
        files.append_csv_row(
            path(files.LAYOUTS), {"header": q.printed, "field": field, "role": role or "", "note": note}
        )
        files.load(where)
        return f"{path(files.LAYOUTS)}: {q.printed} -> {field}"
    files.append_csv_row(
        path(files.REVIEWED),
        {"question_id": q.id, "decision": "accept" if accept else "reject", "note": note},
    )
    return f"{path(files.REVIEWED)}: {q.id} {'accepted' if accept else 'rejected'}"


def _accept_camelot(data_dir: Path, where: files.Location, q: Question, note: str) -> str:
    """camelot's reading of a scalar cell, written as a correction of ours."""
    con = open_warehouse(data_dir)
    try:
        ctx = Context(con, files.load(where), where)
        r = next(
            r
            for r in ctx.rows("SELECT * FROM crosscheck_disagreements")
            if question_id(
                "crosscheck_disagreement",
                r["source_id"],
                r["table_no"],
                r["row_no"],
                r["column_name"],
                r["ours"],
                r["camelot"],
            )
            == q.id
        )
        column = _correctable_column(r["column_name"], ctx.decided.normalizer.layouts)
    finally:
        con.close()
    list_no = list_number(r["list_no_raw"] or "")
    if column is None or list_no is None:
        raise ReviewError(
            f"{q.id}: column {r['column_name']!r} is a list cell; write the"
            f" correction in {where.corrections_file} with entity and seq"
        )
    files.append_toml(
        Path(where.corrections_file),
        "correction",
        {
            "fiscal_year": r["fiscal_year"],
            "call_round": r["call_round"],
            "list_no": list_no,
            "column": column,
            "expected": r["ours"],
            "corrected": r["camelot"],
            "reason": f"camelot's reading accepted in c3p review ({q.id})",
        },
        note,
    )
    files.load(where)
    return f"{where.corrections_file}: FY{r['fiscal_year']} no. {list_no} {column} -> camelot's reading"


def _answer_stale(where: files.Location, q: Question, accept: bool) -> str:
    """Re-point a stale correction at what is printed now, or comment it out."""
    m = re.search(r"\((.+):(\d+)\)$", q.where)
    if m is None:
        raise ReviewError(f"{q.id}: the question names no decision file line ({q.where})")
    path, line = Path(m.group(1)), int(m.group(2))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    end = next((i for i in range(line, len(lines)) if lines[i].lstrip().startswith("[[")), len(lines))
    if accept:
        if not q.printed:
            raise ReviewError(f"{q.id}: the row is gone from the list; nothing to re-apply to")
        for i in range(line, end):
            if re.match(r"\s*expected\s*=", lines[i]):
                lines[i] = f"expected = {files.toml_string(q.printed)}\n"
    else:  # commented out line by line: no other entry's line number moves
        for i in range(line - 1, end):
            if lines[i].strip():
                lines[i] = "# " + lines[i]
        lines[line - 1] = (
            lines[line - 1].rstrip("\n")
            + f"  # rejected by c3p review {q.id}: the list no longer prints what it expects\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    files.load(where)
    return f"{path}:{line}: correction {'re-pointed' if accept else 'dropped'}"
