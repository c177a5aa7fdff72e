"""Could pypdfium2 supply the glyphs our table logic reads, identically and faster?

    .venv/bin/python bench/pdfium_glyphs.py [--write-docs]

For every page of every extractor fixture and shipped sample, the glyphs of our text layer
(pdfminer's interpreter, ``extractors.text_layer.page_glyphs``) are compared with
pypdfium2's text page (``PdfTextPage``: one char box per character): how many of ours have a
pdfium character with the same text whose box lies within 0.5 pt on every side, which
characters only one side has (by kind: spaces, line breaks, others), and the time of each
(in this process, after a warm-up; ours includes pdfminer's page interpretation, pdfium's
includes loading the page and its text page). The table logic needs the same glyphs, so
anything short of "all matched, nothing extra" means the results could differ.

``--write-docs`` replaces the "## pypdfium2 as the glyph layer" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from growth import write_docs  # noqa: E402

SECTION = "## pypdfium2 as the glyph layer"
TOLERANCE = 0.5  # pt


def pdfs() -> list[Path]:
    fixtures = sorted((ROOT / "tests" / "fixtures" / "extractors").glob("*.pdf"))
    samples = sorted((ROOT / "pipelines" / "demo" / "samples").glob("*.pdf"))
    return fixtures + samples


def ours(path: Path) -> list[list]:
    from extractors.source import open_pdf, page_layout
    from extractors.text_layer import page_glyphs

    with open_pdf(path) as pdf:
        return [page_glyphs(page_layout(path, page)) for page in pdf.pages]


def pdfium(path: Path) -> list[list[tuple]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    pages = []
    try:
        for page in doc:
            height = page.get_height()
            text = page.get_textpage()
            chars = []
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                left, bottom, right, top = text.get_charbox(i, loose=True)
                chars.append((ch, left, right, height - top, height - bottom))
            pages.append(chars)
            text.close()
            page.close()
    finally:
        doc.close()
    return pages


def kind(ch: str) -> str:
    if ch in ("\r", "\n", "\x02", "\ufffe"):
        return "line break / generated"
    if ch.isspace():
        return "space"
    return "other"


def horizontal_matches(a_pages, b_pages) -> int:
    """Our glyphs with a pdfium character of the same text within 0.5 pt in x0 and x1
    (vertical extent ignored)."""
    found = 0
    for a, b in zip(a_pages, b_pages):
        pool: dict[str, list] = {}
        for c in b:
            pool.setdefault(c[0], []).append(c)
        for g in a:
            cands = pool.get(g.text, [])
            hit = next(
                (c for c in cands if abs(c[1] - g.x0) <= TOLERANCE and abs(c[2] - g.x1) <= TOLERANCE), None
            )
            if hit is not None:
                found += 1
                cands.remove(hit)
    return found


def compare(a_pages, b_pages) -> dict:
    matched = only_ours = 0
    only_pdfium: Counter = Counter()
    ours_unmatched: Counter = Counter()
    for a, b in zip(a_pages, b_pages):
        pool: dict[str, list] = {}
        for c in b:
            pool.setdefault(c[0], []).append(c)
        for g in a:
            cands = pool.get(g.text, [])
            hit = next(
                (
                    c
                    for c in cands
                    if abs(c[1] - g.x0) <= TOLERANCE
                    and abs(c[2] - g.x1) <= TOLERANCE
                    and abs(c[3] - g.top) <= TOLERANCE
                    and abs(c[4] - g.bottom) <= TOLERANCE
                ),
                None,
            )
            if hit is None:
                only_ours += 1
                ours_unmatched[kind(g.text)] += 1
            else:
                matched += 1
                cands.remove(hit)
        for rest in pool.values():
            for c in rest:
                only_pdfium[kind(c[0])] += 1
    return {
        "ours": sum(len(a) for a in a_pages),
        "matched": matched,
        "only_ours": only_ours,
        "matched_x": horizontal_matches(a_pages, b_pages),
        "ours_unmatched": dict(ours_unmatched),
        "only_pdfium": dict(only_pdfium),
        "pages_differ": len(a_pages) != len(b_pages),
    }


def timed(fn, path, repeat=2):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        result = fn(path)
        best = min(best, time.process_time() - t0)
    return best, result


def measure() -> list[dict]:
    rows = []
    for path in pdfs():
        try:
            t_ours, a = timed(ours, path)
        except Exception as exc:  # encrypted, not a PDF, ...: ours refuses it
            rows.append({"file": path.name, "skipped": type(exc).__name__})
            continue
        try:
            t_pdfium, b = timed(pdfium, path)
        except Exception as exc:
            rows.append({"file": path.name, "skipped": f"pdfium: {type(exc).__name__}"})
            continue
        rows.append({"file": path.name, "t_ours": t_ours, "t_pdfium": t_pdfium, **compare(a, b)})
        print(rows[-1], file=sys.stderr)
    return rows


def markdown(rows: list[dict], command: str) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{command}`  ",
        f"Date: {dt.date.today().isoformat()}, load average {os.getloadavg()[0]:.1f}. CPU seconds,"
        " best of 2, in one process.",
        "",
        "| PDF | our glyphs | matched (same text, box ±0.5 pt) | matched in x only | ours unmatched | pdfium only | ours CPU s | pdfium CPU s |",
        "|---|---:|---:|---:|---|---|---:|---:|",
    ]
    total = Counter()
    for r in rows:
        if "skipped" in r:
            continue
        total.update({k: r[k] for k in ("ours", "matched", "only_ours", "matched_x")})
        total.update({"t_ours": r["t_ours"], "t_pdfium": r["t_pdfium"]})
        fmt = lambda d: ", ".join(f"{k}: {v}" for k, v in sorted(d.items())) or "–"  # noqa: E731
        lines.append(
            f"| {r['file']} | {r['ours']} | {r['matched']} | {r['matched_x']} | {fmt(r['ours_unmatched'])} |"
            f" {fmt(r['only_pdfium'])} | {r['t_ours']:.3f} | {r['t_pdfium']:.3f} |"
        )
    identical = sum(1 for r in rows if "skipped" not in r and r["only_ours"] == 0 and not r["only_pdfium"])
    compared = sum(1 for r in rows if "skipped" not in r)
    lines += [
        "",
        (
            f"All: {total['matched']} of {total['ours']} glyphs matched ({total['matched_x']} in x alone);"
            f" {identical} of {compared} PDFs"
            f" give the same glyphs both ways. CPU: ours {total['t_ours']:.2f} s, pdfium's text layer"
            f" {total['t_pdfium']:.2f} s (without rulings: pdfium's path objects would be read on top)."
            " Boxes are pdfium's loose char boxes (font ascent/descent and advance, the closest to"
            " pdfminer's). Verdict: not adopted. pdfium's characters are not ours: it adds a"
            " generated line break per text line and spaces pdfminer does not report (and drops"
            " some pdfminer reports); horizontally its boxes agree with ours for ~99 % of the glyphs,"
            " but their vertical extent (other font metrics) differs beyond 0.5 pt for most, and"
            " the rest differ in x too. Line grouping (vertical geometry), cell assignment and"
            " wrap-joining (spaces, could-the-next-unit-have-fitted) read exactly these, so the"
            " results would not be identical on every fixture and sample without a layer of"
            " corrections fitted to pdfium's choices. Its text layer is ~2× faster on the two larger samples and"
            " slower on the small fixtures (document and text-page set-up); rulings would come on"
            " top (path objects, read separately). The earlier whole-document measurement (section"
            " Extraction accuracy) found the same."
        ),
    ]
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    rows = measure()
    section = markdown(rows, "python bench/pdfium_glyphs.py " + " ".join(sys.argv[1:]))
    print(section)
    if args.write_docs:
        write_docs(section, SECTION)


if __name__ == "__main__":
    main()
