"""Layout fuzz: the truth lists printed in many random layouts by real producers, read back
through the project's own extractor and normalisers, scored against the truth.

Render and score (defaults: 24 layouts per producer and list, 2 processes):
    .venv/bin/python bench/layout_fuzz.py [--count 24] [--jobs 2] [--write-docs]
Score a corpus already rendered (no generator libraries needed, only the project):
    PYTHONPATH=/path/to/checkout /path/to/venv/bin/python bench/layout_fuzz.py \\
        --score-only --corpus DIR
Render one layout again from its id:
    .venv/bin/python bench/layout_fuzz.py --render-only --ids chromium-fy2023_r1-0007
Layouts no code was tuned on (another range of ids, another corpus):
    .venv/bin/python bench/layout_fuzz.py --first 1000 --count 6 --corpus DIR

A layout id (``<producer>-<list>-<n>``) seeds every random choice of its layout
(bench/layouts/__init__.py), so an id reproduces its PDF. Renderings are cached in the corpus
directory (default bench/.cache/layout_fuzz) with a ``manifest.json`` of their layouts; a
rendering is redone only if missing or if its producer's code changed since (the manifest
keeps a digest of the generator modules). The project (extractors, normalizers, pipelines) is
imported from sys.path, not from this file's checkout: PYTHONPATH chooses the code scored.

Per layout: strict cells (exact text with the author's line breaks, white space between two
Japanese characters insignificant; extractors.text_compare), rows found (matched by list
number), participants exact per project (name as printed + role, as
tests/pipelines/warehouse/test_records.py compares them), and, when the records have a ``review``
table, how many wrong projects went unflagged. Each layout's misses are sorted into the
failure classes 1-7 of issue 9 (see ``classify``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import statistics
import sys
import time
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import layouts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CORPUS = HERE / ".cache" / "layout_fuzz"
TRUTH_DIR = ROOT / "tests" / "fixtures" / "truth"
LISTS = ("fy2023_r1", "fy2019_r1")

CLASSES = {
    "1": "rows lost or glued at a page break",
    "2": "the text layer lies (U+2027, CJK radicals) / header not recognised",
    "3": "a legal form alone on a line becomes an organisation",
    "4": "a wrap inside a name or line taken as a new item / line break",
    "5": "two items joined (the first ended at the cell's edge)",
    "6": "spaces at wraps (inserted or dropped)",
    "7": "an author's line break (numbered item) run into the line before",
}
# how a miss is sorted into a class (see classify_cell, classify_participants)
CLASS_RULES = {
    "1": "a truth row not found by its number (its cells and participants), extra rows, a cell "
    "of a row read on two pages missing its tail, or a cell with the next row's text "
    "glued on",
    "2": "U+2027 or a CJK radical code point (U+2E80-U+2FDF) in the text read, or the header "
    "of a table not recognised because of one",
    "3": "a participant that is only a legal form, or one ending in a legal form that begins "
    "the next one in the truth (「横浜市一般社団法人」/「YOKOHAMA…」)",
    "4": "a participant of the truth that begins with one item read and goes on in the next; "
    "or a cell equal to the truth but for an extra line break",
    "5": "an item read that holds the end of one participant of the truth and the start of "
    "the next; or a cell that lost an author's line break between items",
    "6": "a cell or participant equal to the truth but for white space",
    "7": "a cell that lost an author's line break before a numbered item (1), ①, ・)",
}
LEGAL_FORMS = (
    "株式会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "合同会社",
    "有限会社",
    "特定非営利活動法人",
    "独立行政法人",
    "国立大学法人",
    "学校法人",
)
ITEM_MARKER = "0123456789０１２３４５６７８９(（①②③④⑤⑥⑦⑧⑨⑩・"


# ---------------------------------------------------------------- rendering


def _write_json(path: Path, data) -> None:
    """Written whole or not at all: another process may be reading the corpus."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)


def render_one(lid: str, corpus: str) -> dict:
    """Render one layout into the corpus (worker process). Returns its manifest entry. The
    PDF is made in the work directory and moved in whole: a reader of the corpus never sees
    a half-written or missing file while a stale one is redone."""
    corpus_p = Path(corpus)
    layout = layouts.make_layout(lid)
    truth = layouts.load_truth(TRUTH_DIR, layout.truth)
    listing = layouts.listing_of(truth, layout.truth)
    pdf = corpus_p / f"{lid}.pdf"
    t = time.perf_counter()
    error = None
    digest = layouts.generator_digest(layout.producer)
    work = corpus_p / "work" / lid
    try:
        made = layouts.render(layout, listing, work / pdf.name, work)
        made.replace(pdf)
    except Exception as exc:  # recorded, the run goes on
        error = f"{type(exc).__name__}: {exc}"
    return {
        "id": lid,
        "pdf": pdf.name,
        "layout": layout.to_json(),
        "describe": layout.describe(),
        "generator": digest,
        "render_error": error,
        "render_seconds": round(time.perf_counter() - t, 2),
    }


def render_all(ids: list[str], corpus: Path, jobs: int) -> tuple[list[dict], dict[str, str]]:
    """Render what is not cached; the manifest entries of ``ids`` and the render errors."""
    corpus.mkdir(parents=True, exist_ok=True)
    manifest_path = corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    todo = [
        i
        for i in ids
        if i not in manifest
        or not (corpus / manifest[i]["pdf"]).exists()
        or manifest[i].get("generator") != layouts.generator_digest(layouts.parse_id(i)[0])
    ]
    print(
        f"rendering {len(todo)} of {len(ids)} layouts ({len(ids) - len(todo)} cached), {jobs} process(es)",
        file=sys.stderr,
    )
    failed: dict[str, str] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for k, entry in enumerate(pool.map(render_one, todo, [str(corpus)] * len(todo)), 1):
            if entry["render_error"] is None:
                manifest[entry["id"]] = entry
            else:
                failed[entry["id"]] = entry["render_error"]
            print(
                f"  [{k}/{len(todo)}] {entry['id']}: "
                f"{entry['render_error'] or 'ok'} ({entry['render_seconds']} s)",
                file=sys.stderr,
            )
            _write_json(manifest_path, manifest)
    return [manifest[i] for i in ids if i in manifest], failed


# ---------------------------------------------------------------- scoring


def _numbers(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text or "").strip().lstrip("0")


def _squash(s: str) -> str:
    return "".join(s.split())


def classify_cell(want: str, got: str, next_want: str | None, split: bool) -> str:
    """The failure class of one wrong cell (see CLASSES), or "other". ``split``: the row
    was read on more than one page."""
    if _lies(got):
        return "2"
    if got and want.startswith(got) and got != want:
        return "1" if split else "other"  # the tail of the cell is gone (a fragment lost)
    if (
        got.startswith(want)
        and next_want
        and _squash(got[len(want) :])
        and _squash(next_want).startswith(_squash(got[len(want) :])[:4])
    ):
        return "1"  # the next row's text glued on
    if _squash(want) == _squash(got):
        if want.replace("\n", "") == got.replace("\n", ""):
            lost = _lost_breaks(want, got)
            if lost:  # an author's break gone: before a numbered item (7) or between items (5)
                return "7" if any(ch in ITEM_MARKER for ch in lost) else "5"
            return "4"  # a wrap kept as a line break
        return "6"
    return "other"


def _lost_breaks(want: str, got: str) -> list[str]:
    """The first character after each of ``want``'s line breaks that ``got`` lacks (the two
    are equal but for line breaks)."""
    out, j = [], 0
    for i, ch in enumerate(want):
        while j < len(got) and got[j] == "\n" and ch != "\n":
            j += 1  # a break only got has
        if ch == "\n":
            if j < len(got) and got[j] == "\n":
                j += 1
            else:
                out.append(want[i + 1 : i + 2])
            continue
        j += 1
    return out


def _lies(text: str) -> bool:
    return any(0x2E80 <= ord(ch) <= 0x2FDF or ch == "\u2027" for ch in text)


def classify_participants(want: list[str], got: list[str], row_found: bool = True) -> list[str]:
    """The failure classes of one project's wrong participant list (see CLASS_RULES)."""
    if not row_found:
        return ["1"]
    w, g = [_squash(x) for x in want], [_squash(x) for x in got]
    found = []
    if any(_lies(x) for x in g):
        found.append("2")
    if any(x in LEGAL_FORMS for x in g) or any(
        a not in w and a.endswith(form) and any(x.startswith(form + b[:4]) for x in w)
        for a, b in zip(g, g[1:])
        for form in LEGAL_FORMS
    ):
        found.append("3")
    if any(
        x.startswith(a) and len(x) > len(a) and b.startswith(x[len(a) : len(a) + 4])
        for a, b in zip(g, g[1:])
        if a not in w
        for x in w
    ):
        found.append("4")  # a name of the truth begins with one item read and goes on in the next
    if any(
        x not in w and any(a[-4:] + b[:4] in x or f"{a[-4:]}・{b[:4]}" in x for a, b in zip(w, w[1:]))
        for x in g
    ):
        found.append("5")  # the end of one name of the truth and the start of the next in one item
    if len(w) == len(g) and all(_squash(a) == _squash(b) for a, b in zip(want, got)) and want != got:
        found.append("6")
    return found or ["other"]


def score_pdf(pdf: str, truth: dict) -> dict:
    """Score one rendering against its truth list (a tests/fixtures/truth JSON, or a subset of
    its rows) through the project's code path: extract_document, then build_records."""
    from extractors import extract_document
    from extractors.text_compare import strict_key
    from normalizers.text import drop_cjk_spaces
    from pipelines.warehouse.records import adoption_rows, build_records, project_id

    warnings.filterwarnings("ignore")
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    cols = truth["columns"]
    fy, rnd = truth["fiscal_year"], truth.get("round", 1)
    out = {
        "rows_truth": len(truth["rows"]),
        "cells_total": len(truth["rows"]) * len(cols),
        "cells_strict": 0,
        "rows_found": 0,
        "rows_extra": 0,
        "groups_exact": 0,
        "projects": len(truth["rows"]),
        "participants_exact": 0,
        "unflagged_wrong": None,
        "cells_unflagged": None,
        "error": None,
        "classes": {},
        "misses": [],
    }

    def miss(cls, no, where, want, got):
        out["classes"][cls] = out["classes"].get(cls, 0) + 1
        if out["classes"][cls] <= 10:  # examples: the first ten of each class
            out["misses"].append({"class": cls, "no": no, "column": where, "want": want, "got": got})

    wrong_cells: list[tuple[int, str]] = []  # (list number, column) of every strict miss
    t = time.perf_counter()
    try:
        doc = extract_document(pdf, workers=1)
        rows, _ = adoption_rows(doc)
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        # the refusal names the header it did not know: a lying text layer shows there
        cls = "2" if _lies(str(exc)) else "other"
        out["classes"][cls] = out["classes"].get(cls, 0) + 1
        out["seconds"] = round(time.perf_counter() - t, 2)
        return out
    by_no: dict[str, list] = {}
    for _, row in rows:
        by_no.setdefault(_numbers(row.cells[0] if row.cells else ""), []).append(row)
    truth_rows = truth["rows"]
    wanted_nos = {_numbers(r["cells"][cols[0]]) for r in truth_rows}
    out["rows_extra"] = sum(len(v) for k, v in by_no.items() if k not in wanted_nos) + sum(
        len(v) - 1 for k, v in by_no.items() if k in wanted_nos and len(v) > 1
    )
    if out["rows_extra"]:
        miss("1", None, "rows", len(truth_rows), len(rows))
    for i, want_row in enumerate(truth_rows):
        no = _numbers(want_row["cells"][cols[0]])
        found = by_no.get(no)
        if not found:
            miss("1", want_row["no"], "row", "present", "missing")
            continue
        out["rows_found"] += 1
        got_row = found[0]
        out["groups_exact"] += (got_row.section or None) == want_row.get("group")
        for j, c in enumerate(cols):
            want = want_row["cells"][c]
            got = got_row.cells[j] if j < len(got_row.cells) else ""
            if strict_key(got) == strict_key(want):
                out["cells_strict"] += 1
            else:
                nxt = truth_rows[i + 1]["cells"][c] if i + 1 < len(truth_rows) else None
                split = len(set(got_row.pages)) > 1
                wrong_cells.append((want_row["no"], c))
                miss(
                    classify_cell(strict_key(want), strict_key(got), nxt, split), want_row["no"], c, want, got
                )
    try:
        records = build_records(doc, fiscal_year=fy, call_round=rnd, source_id="fuzz", sha256="0" * 64)
    except Exception as exc:
        out["error"] = f"records: {type(exc).__name__}: {exc}".splitlines()[0][:300]
        out["seconds"] = round(time.perf_counter() - t, 2)
        return out
    flagged = {r.get("project_id") for r in records.tables["review"]} if "review" in records.tables else None
    unflagged = 0
    for want_row in truth_rows:
        pid = project_id(fy, rnd, want_row["no"])
        got = [
            (drop_cjk_spaces(p["name_raw"]), p["role"])
            for p in records.tables["participants"]
            if p["project_id"] == pid
        ]
        want = [(drop_cjk_spaces(p["name"]), p["role"]) for p in want_row["participants"]]
        if got == want:
            out["participants_exact"] += 1
            continue
        unflagged += flagged is not None and pid not in flagged
        row_found = bool(by_no.get(_numbers(want_row["cells"][cols[0]])))
        for cls in classify_participants([n for n, _ in want], [n for n, _ in got], row_found):
            miss(cls, want_row["no"], "participants", [n for n, _ in want], [n for n, _ in got])
    out["unflagged_wrong"] = unflagged if flagged is not None else None
    if "review" in records.tables:
        noted = {(r.get("project_id"), r.get("column_name")) for r in records.tables["review"]}
        out["cells_unflagged"] = sum((project_id(fy, rnd, no), c) not in noted for no, c in wrong_cells)
    out["seconds"] = round(time.perf_counter() - t, 2)
    return out


def _score_entry(args) -> dict:
    entry, corpus, truth_dir = args
    try:
        truth = layouts.load_truth(Path(truth_dir), entry["layout"]["truth"])
        res = score_pdf(str(Path(corpus) / entry["pdf"]), truth)
    except Exception as exc:  # a bug in the scorer must not hide the other layouts
        res = {"error": f"scorer: {type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
    return {
        "id": entry["id"],
        "producer": entry["layout"]["producer"],
        "truth": entry["layout"]["truth"],
        "describe": entry["describe"],
        "layout": entry["layout"],
        "render_seconds": entry.get("render_seconds"),
        **res,
    }


def score_all(entries: list[dict], corpus: Path, jobs: int, truth_dir: Path) -> list[dict]:
    print(f"scoring {len(entries)} renderings, {jobs} process(es)", file=sys.stderr)
    out = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        args = [(e, str(corpus), str(truth_dir)) for e in entries]
        for k, r in enumerate(pool.map(_score_entry, args), 1):
            strict = r.get("cells_strict", 0) / r["cells_total"] if r.get("cells_total") else 0
            print(
                f"  [{k}/{len(entries)}] {r['id']}: strict {strict:.1%}, rows "
                f"{r.get('rows_found', 0)}/{r.get('rows_truth', '?')}, participants "
                f"{r.get('participants_exact', 0)}/{r.get('projects', '?')}"
                + (f", error {r['error']}" if r.get("error") else ""),
                file=sys.stderr,
            )
            out.append(r)
    return out


# ---------------------------------------------------------------- reporting


def _pct(x: float) -> str:
    return f"{x:.1%}"


def summary_table(results: list[dict], key: str = "producer") -> str:
    groups: dict[str, list[dict]] = {}
    for r in results:
        groups.setdefault(r[key], []).append(r)
    groups["all"] = results
    lines = [
        f"| {key} | layouts | failed whole | strict cells median | strict worst | "
        "all rows found | rows found | participants exact (projects) | "
        "worst layout, participants | unflagged wrong | render s (median) | read s (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, rs in groups.items():
        strict = [r.get("cells_strict", 0) / r["cells_total"] if r.get("cells_total") else 0 for r in rs]
        rows_ok = sum(r.get("rows_found", 0) == r.get("rows_truth") and not r.get("rows_extra") for r in rs)
        found = sum(r.get("rows_found", 0) for r in rs)
        want_rows = sum(r.get("rows_truth", 0) for r in rs)
        pe = sum(r.get("participants_exact", 0) for r in rs)
        pt = sum(r.get("projects", 0) for r in rs)
        worst_p = min(
            (r.get("participants_exact", 0) / r["projects"] for r in rs if r.get("projects")), default=0
        )
        failed = sum(bool(r.get("error")) and not r.get("rows_found") for r in rs)
        unflagged = [r.get("unflagged_wrong") for r in rs]
        unfl = "–" if all(u is None for u in unflagged) else str(sum(u or 0 for u in unflagged))
        renders = [r["render_seconds"] for r in rs if r.get("render_seconds")]
        reads = [r["seconds"] for r in rs if r.get("seconds") is not None]
        times = " | ".join(f"{statistics.median(x):.1f}" if x else "–" for x in (renders, reads))
        lines.append(
            f"| {name} | {len(rs)} | {failed} | {_pct(statistics.median(strict))} | "
            f"{_pct(min(strict))} | {rows_ok}/{len(rs)} | {found}/{want_rows} | "
            f"{pe}/{pt} ({_pct(pe / pt if pt else 0)}) | {_pct(worst_p)} | {unfl} | {times} |"
        )
    return "\n".join(lines)


def class_table(results: list[dict]) -> str:
    producers = sorted({r["producer"] for r in results})
    lines = ["| class | " + " | ".join(producers) + " |", "|---|" + "---:|" * len(producers)]
    for cls, label in [*CLASSES.items(), ("other", "other misses")]:
        cells = []
        for p in producers:
            rs = [r for r in results if r["producer"] == p]
            n = sum(1 for r in rs if r.get("classes", {}).get(cls))
            cells.append(f"{n}/{len(rs)}")
        lines.append(f"| {cls}. {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


BASELINE = "### Baseline"


def write_docs(text: str, command: str) -> None:
    """The Layout fuzz section of docs/benchmarks.md: these figures, and under ``### Baseline``
    the figures kept from before (the section's own Baseline, or the whole section the
    first time a run replaces it), so the two stand side by side."""
    from benchmarks_doc import DOCS, replace_section

    body = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    start = body.find("## Layout fuzz")
    baseline = ""
    if start != -1:
        end = body.find("\n## ", start + 3)
        old = body[start : end if end != -1 else len(body)]
        if BASELINE in old:
            baseline = old[old.index(BASELINE) :].strip()
        else:  # the figures before: without their heading and the notes repeated below
            figures = old.split("\n", 1)[1].split("\nLayouts: each truth list")[0].strip()
            baseline = f"{BASELINE}\n\n{figures}"
    section = (
        f"## Layout fuzz\n\nCommand: `{command}`  \nDate: {dt.date.today().isoformat()}.\n\n"
        f"{text}\n" + (f"\n{baseline}\n" if baseline else "")
    )
    replace_section("## Layout fuzz", section, DOCS)


DOC_NOTES = """Layouts: each truth list (tests/fixtures/truth) printed with column widths drawn ±35 %
around the published proportions (then fitted to the printable width), font 6.5–9 pt in Noto
Sans CJK JP, Noto Serif CJK JP, IPAexGothic or IPAexMincho, A4/A3, portrait/landscape,
header repeated or once, rows kept whole or split across pages (Calc never splits a row), by
five producers: reportlab canvas (`rl_canvas`), reportlab platypus (`rl_platypus`),
LibreOffice Writer from a python-docx .docx (`writer`), LibreOffice Calc from an openpyxl
.xlsx with explicit row heights (`calc`), headless Chromium printing an HTML table
(`chromium`). Generators: `bench/layouts/` (one module per producer; a layout id seeds its
layout). Strict cells: exact text with the author's line breaks, white space between two
Japanese characters insignificant. Rows found: truth rows matched by list number (a row
missing or glued counts as not found). Participants: per project, the list of
(name as printed, role) equal to the truth's. "failed whole": no table read at all.
"unflagged wrong": projects with wrong participants not in the `review` table (– while the
records have no `review` table). Classes: layouts with at least one miss sorted into each
failure class of issue 9 by `classify_cell` / `classify_participants` (a heuristic reading
of the miss, for orientation; rules in `CLASS_RULES`). Times, on a 2-core machine shared
with other jobs, so for orientation only: render s is one rendering by the producer
(LibreOffice and Chromium start a process each time), read s is `extract_document`
(one process) plus `build_records`. Renderings are cached in the corpus directory: a
re-run scores only. Regression fixtures cut from this corpus: `tests/fixtures/layouts/`."""


def _revision(path: str) -> str:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", path, "log", "-1", "--format=%h (%cs)"], capture_output=True, text=True, timeout=10
        )
        return f" at `{out.stdout.strip()}`" if out.returncode == 0 else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def acceptance(results: list[dict]) -> str:
    """Issue 9's acceptance figures over all layouts, each with its threshold."""
    strict = [r.get("cells_strict", 0) / r["cells_total"] if r.get("cells_total") else 0 for r in results]
    rows_ok = sum(r.get("rows_found", 0) == r.get("rows_truth") and not r.get("rows_extra") for r in results)
    pe = sum(r.get("participants_exact", 0) for r in results)
    pt = sum(r.get("projects", 0) for r in results) or 1
    unflagged = [r.get("unflagged_wrong") for r in results]
    unfl = None if all(u is None for u in unflagged) else sum(u or 0 for u in unflagged)
    wrong = sum(r.get("cells_total", 0) - r.get("cells_strict", 0) for r in results if not r.get("error"))
    cells_unfl = [r.get("cells_unflagged") for r in results]
    cells_note = (
        ""
        if all(u is None for u in cells_unfl)
        else f" Cells read wrong: {wrong}, of which not flagged in `review`: {sum(u or 0 for u in cells_unfl)}."
    )
    checks = [
        (f"every row found in every layout: {rows_ok}/{len(results)}", rows_ok == len(results)),
        (
            f"median strict cells {_pct(statistics.median(strict))} (≥ 99.8 %)",
            statistics.median(strict) >= 0.998,
        ),
        (f"worst strict cells {_pct(min(strict))} (≥ 99 %)", min(strict) >= 0.99),
        (f"participants exact {_pct(pe / pt)} of projects (≥ 99 %)", pe / pt >= 0.99),
        (
            f"wrong projects not flagged in `review`: {'no review table' if unfl is None else unfl} (0)",
            unfl == 0,
        ),
    ]
    return (
        "Issue 9 acceptance: " + "; ".join(f"{t} {'✓' if ok else '✗'}" for t, ok in checks) + "." + cells_note
    )


def report(results: list[dict], scored_with: str, render_failures: dict[str, str]) -> str:
    failures = "".join(f"\n- `{i}`: {e}" for i, e in sorted(render_failures.items()))
    return "\n\n".join(
        [
            f"Scored code: `{scored_with}`{_revision(scored_with)}; {len(results)} layouts"
            + (
                f"; {len(render_failures)} could not be rendered and are not scored:{failures}"
                if render_failures
                else "."
            ),
            acceptance(results),
            summary_table(results),
            "By list:",
            summary_table(results, "truth"),
            "Layouts with at least one miss of each failure class (issue 9):",
            class_table(results),
            DOC_NOTES,
        ]
    )


CORPUS_README = """# Layout-fuzz corpus

PDFs rendered by `bench/layout_fuzz.py` (generators in `bench/layouts/`, one module per
producer) from the truth lists `tests/fixtures/truth/<list>.json`: `<id>.pdf` is the layout
`<id>` = `<producer>-<list>-<n>`; the id seeds every choice of the layout, so
`bench/layout_fuzz.py --render-only --ids <id> --corpus DIR` renders it again.
`manifest.json` holds every layout's parameters, `results.json` the per-layout scores of the
last scoring run (code scored: {scored_with}).

Score a checkout's code on this corpus (the project is imported from PYTHONPATH):

    cd CHECKOUT && PYTHONPATH=CHECKOUT CHECKOUT/.venv/bin/python \\
        {script} --score-only --corpus {corpus} --results /tmp/OUT.json [--ids ID ...]

Without `--results` the scores go to `results.json` here, replacing those of the code named
above (which this README describes). `--jobs 1` uses one process; the default is 2. It
prints the per-producer table; the JSON has every layout's misses (want/got, class; the
first ten of each class).

Failure classes (issue 9), and how a miss is sorted into one:
{classes}

Columns: strict = cells exactly right / all cells; rows = truth rows found by list number;
participants = projects whose (name, role) list is exact; classes = failure classes seen in
the misses of this layout, with counts (a heuristic reading of each miss, `classify_cell`,
`classify_participants`), scored with the code named above.
"""
TABLE_HEAD = """| pdf | producer | list | layout | strict | rows | participants | classes |
|---|---|---|---|---:|---:|---:|---|
"""


def write_corpus_readme(corpus: Path, results: list[dict], scored_with: str) -> None:
    classes = "".join(f"\n{k}. {v} — sorted here: {CLASS_RULES[k]}" for k, v in CLASSES.items())
    text = CORPUS_README.format(
        scored_with=scored_with, script=Path(__file__).resolve(), corpus=corpus.resolve(), classes=classes
    )
    index = [
        "",
        "## Which PDFs reproduce each class",
        "",
        "(most misses of the class first; per producer at most two)",
        "",
    ]
    for cls, label in CLASSES.items():
        hits = sorted((r for r in results if r.get("classes", {}).get(cls)), key=lambda r: -r["classes"][cls])
        picked, per = [], {}
        for r in hits:
            if per.get(r["producer"], 0) < 2:
                per[r["producer"]] = per.get(r["producer"], 0) + 1
                picked.append(f"`{r['id']}.pdf` ({r['classes'][cls]})")
        index.append(f"- {cls}. {label}: " + (", ".join(picked) or "none in this corpus"))
    fixtures = ROOT / "tests" / "fixtures" / "layouts" / "README.md"
    if fixtures.exists():  # the regression fixtures cut from this corpus, class by class
        table = [line for line in fixtures.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
        index += [
            "",
            f"## Fixtures in the repo ({fixtures.parent.relative_to(ROOT)}/)",
            "",
            "Each is a fuzz layout printed with a few rows; `make_layouts.py` there regenerates them.",
            "",
            *table,
        ]
    text += "\n".join(index) + "\n\n## Every PDF\n\n" + TABLE_HEAD
    for r in sorted(results, key=lambda r: r["id"]):
        strict = r.get("cells_strict", 0) / r["cells_total"] if r.get("cells_total") else 0
        cls = ", ".join(f"{k}×{v}" for k, v in sorted(r.get("classes", {}).items()))
        err = f" (error: {r['error']})" if r.get("error") else ""
        text += (
            f"| {r['id']}.pdf | {r['producer']} | {r['truth']} | {r['describe']} | "
            f"{strict:.1%} | {r.get('rows_found', 0)}/{r.get('rows_truth', '?')} | "
            f"{r.get('participants_exact', 0)}/{r.get('projects', '?')} | {cls or '–'}{err} |\n"
        )
    (corpus / "README.md").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- CLI


def all_ids(count: int, producers, lists, first: int = 0) -> list[str]:
    return [layouts.layout_id(p, t, n) for p in producers for t in lists for n in range(first, first + count)]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="render/cache directory")
    ap.add_argument("--count", type=int, default=24, help="layouts per producer and list")
    ap.add_argument(
        "--first",
        type=int,
        default=0,
        help="number of the first layout (another range: layouts no code was tuned on)",
    )
    ap.add_argument(
        "--producers", nargs="+", default=list(layouts.PRODUCERS), choices=list(layouts.PRODUCERS)
    )
    ap.add_argument("--lists", nargs="+", default=list(LISTS), choices=list(LISTS))
    ap.add_argument("--ids", nargs="+", help="exactly these layout ids")
    ap.add_argument("--jobs", type=int, default=2, help="processes (renderers and scorers)")
    ap.add_argument("--render-only", action="store_true")
    ap.add_argument(
        "--score-only", action="store_true", help="score the PDFs of the corpus manifest; render nothing"
    )
    ap.add_argument("--results", type=Path, help="per-layout results JSON (default: <corpus>/results.json)")
    ap.add_argument("--truth-dir", type=Path, default=TRUTH_DIR)
    ap.add_argument("--write-docs", action="store_true", help="write the section of docs/benchmarks.md")
    ap.add_argument(
        "--corpus-readme",
        action="store_true",
        help="write <corpus>/README.md: every PDF's layout, scores and failure classes",
    )
    args = ap.parse_args(argv)

    manifest_path = args.corpus / "manifest.json"
    if args.score_only:
        if not manifest_path.exists():
            print(f"error: {manifest_path}: no manifest (render the corpus first)", file=sys.stderr)
            return 2
        manifest = json.loads(manifest_path.read_text())
        ids = args.ids or list(manifest)
        entries = [manifest[i] for i in ids if i in manifest]
        render_failures = {i: "not in the corpus manifest" for i in ids if i not in manifest}
    else:
        from layouts.fonts import missing_fonts

        if missing_fonts():
            print(f"error: fonts missing: {', '.join(missing_fonts())}", file=sys.stderr)
            return 2
        ids = args.ids or all_ids(args.count, args.producers, args.lists, args.first)
        for i in ids:
            try:
                layout = layouts.make_layout(i)
            except ValueError as exc:
                print(
                    f"error: {exc} (ids are <producer>-<list>-<n>, producers: "
                    f"{', '.join(layouts.PRODUCERS)})",
                    file=sys.stderr,
                )
                return 2
            if not (args.truth_dir / f"{layout.truth}.json").exists():
                print(
                    f"error: {i}: no truth list {args.truth_dir / (layout.truth + '.json')}", file=sys.stderr
                )
                return 2
        entries, render_failures = render_all(ids, args.corpus, args.jobs)
        if args.render_only:
            for i, e in render_failures.items():
                print(f"error: {i}: {e}", file=sys.stderr)
            return 1 if render_failures else 0
    import extractors

    scored_with = str(Path(extractors.__file__).resolve().parents[1])
    print(f"scoring the code of {scored_with}", file=sys.stderr)
    results = score_all(entries, args.corpus, args.jobs, args.truth_dir)
    out = args.results or args.corpus / "results.json"
    _write_json(
        out,
        {
            "scored_with": scored_with,
            "results": results,
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
    )
    text = report(results, scored_with, render_failures)
    print(text)
    if args.corpus_readme:
        write_corpus_readme(args.corpus, results, scored_with)
    print(f"\nper-layout results: {out}", file=sys.stderr)
    if args.write_docs:
        cmd = " ".join([".venv/bin/python", "bench/layout_fuzz.py", *(argv or sys.argv[1:])])
        write_docs(text.replace(scored_with, "this checkout"), cmd.replace(" --write-docs", ""))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    sys.exit(main())
