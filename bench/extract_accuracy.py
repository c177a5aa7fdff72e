"""Extraction accuracy and speed: ours vs raw pdfplumber vs raw camelot, in one run.

Run: /work/main/.venv/bin/python bench/extract_accuracy.py [--write-docs]
Accuracy is per cell against tests/fixtures/truth (strict: exact text with line breaks,
white space between two Japanese characters ignored; lenient: NFKC, all white space
removed). The raw readers get the same minimal joining (repeated headers, group rows and
page-continued rows) so that rows line up with the truth. Speed is pages per second; the
long PDF is a 60+ page synthetic rendering of the sample content with repeated headers.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from extractors import extract_document  # noqa: E402
from extractors.crosscheck import camelot_rows, camelot_tables  # noqa: E402
from extractors.text_compare import lenient_key, strict_key  # noqa: E402

SAMPLES = [("fy2023_r1_xlsx.pdf", "fy2023_r1.json"), ("fy2023_r1_rl.pdf", "fy2023_r1.json"),
           ("fy2019_r1_xlsx.pdf", "fy2019_r1.json")]


def ours(path):
    doc = extract_document(path)
    return doc.tables[0].rows and [r.cells for r in doc.tables[0].rows], doc.pages


def raw_pdfplumber(path, header):
    with pdfplumber.open(path) as pdf:
        tables = [[[c or "" for c in row] for row in t] for p in pdf.pages for t in p.extract_tables()]
        n = len(pdf.pages)
    return camelot_rows(tables, header), n


def raw_camelot(path, header):
    tables = camelot_tables(path)
    with pdfplumber.open(path) as pdf:
        n = len(pdf.pages)
    return camelot_rows(tables, header), n


def score(rows, truth):
    cols = truth["columns"]
    total = strict = lenient = 0
    for i, want in enumerate(truth["rows"]):
        got = rows[i] if i < len(rows) else [""] * len(cols)
        for c, g in zip(cols, got):
            total += 1
            strict += strict_key(g) == strict_key(want["cells"][c])
            lenient += lenient_key(g) == lenient_key(want["cells"][c])
    return strict / total, lenient / total


def long_pdf(tmp: Path) -> Path:
    """60+ pages: the FY2023 rows rendered again and again, header on every page."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "extractors"))
    from make_fixtures import Sheet
    from reportlab.lib.pagesizes import A4, landscape

    truth = json.loads((ROOT / "tests/fixtures/truth/fy2023_r1.json").read_text())
    rows = [("row", [r["cells"][c] for c in truth["columns"]]) for r in truth["rows"]] * 14
    path = tmp / "long.pdf"
    s = Sheet(path, landscape(A4), borders="rects", footer=True)
    s.table([21, 71, 97, 39, 65, 39, 123, 71, 259], truth["columns"], rows, split_rows=True)
    s.save()
    return path


def timed(fn, *args, repeat=1):
    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        d = time.perf_counter() - t
        best = d if best is None else min(best, d)
    return out, best


def main() -> str:
    warnings.filterwarnings("ignore")
    lines = ["| sample | reader | strict | lenient | pages/s |", "|---|---|---:|---:|---:|"]
    for pdf, truth_name in SAMPLES:
        path = ROOT / "pipelines" / "samples" / pdf
        truth = json.loads((ROOT / "tests/fixtures/truth" / truth_name).read_text())
        for name, fn in [("ours", lambda p: ours(p)),
                         ("pdfplumber extract_tables", lambda p: raw_pdfplumber(p, truth["columns"])),
                         ("camelot lattice (vector)", lambda p: raw_camelot(p, truth["columns"]))]:
            (rows, pages), secs = timed(fn, path)
            s, l = score(rows or [], truth)
            lines.append(f"| {pdf} | {name} | {s:.1%} | {l:.1%} | {pages / secs:.2f} |")
    with tempfile.TemporaryDirectory() as tmp:
        lp = long_pdf(Path(tmp))
        with pdfplumber.open(lp) as pdf:
            n = len(pdf.pages)
        (_, _), t_raw = timed(lambda: raw_pdfplumber(lp, ["x"] * 9))
        (doc), t_ours = timed(lambda: extract_document(lp))
        (doc1), t_ours1 = timed(lambda: extract_document(lp, workers=1))
        rows = sum(len(t.rows) for t in doc.tables)
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    lines += [
        "",
        f"Long PDF: {n} pages, {rows} rows in {len(doc.tables)} table(s).",
        "",
        "| reader | seconds | pages/s | vs raw pdfplumber |",
        "|---|---:|---:|---:|",
        f"| pdfplumber extract_tables | {t_raw:.2f} | {n / t_raw:.2f} | 1.00× |",
        f"| ours, 1 process | {t_ours1:.2f} | {n / t_ours1:.2f} | {t_raw / t_ours1:.2f}× |",
        f"| ours, default (pages in parallel processes) | {t_ours:.2f} | {n / t_ours:.2f} | {t_raw / t_ours:.2f}× |",
        "",
        f"Peak resident memory (ru_maxrss): this process {peak_self:.0f} MB, largest worker {peak_children:.0f} MB.",
    ]
    return "\n".join(lines)


def write_docs(table: str) -> None:
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    section = (f"## Extraction accuracy\n\nCommand: `/work/main/.venv/bin/python bench/extract_accuracy.py --write-docs`"
               f"  \nDate: {dt.date.today().isoformat()}, 2 cores.\n\n{table}\n")
    start = text.find("## Extraction accuracy")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 3)
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    out = main()
    print(out)
    if args.write_docs:
        write_docs(out)
