"""An independent second reading with camelot (lattice), compared leniently with ours.

camelot's ``engine="vector"`` builds the grid from the PDF's own ruled lines, like the
raster engine with pdfium/ghostscript would from a rendering, but without rendering: on
the samples it finds the same grids four times faster (see docs/benchmarks.md).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from .errors import ExtractionError
from .model import CrossCheck, Document
from .text_compare import lenient_key


def camelot_tables(path: str | Path) -> list[list[list[str]]]:
    """Every lattice table camelot finds, page by page, as lists of rows of cell texts."""
    import camelot

    from .repairs import recorded_repairs

    # the parsers' complaints about a damaged file: our own reading reports its repairs
    with warnings.catch_warnings(), recorded_repairs(("pdfminer", "playa", "pypdf", "camelot")):
        warnings.simplefilter("ignore")
        try:
            found = camelot.read_pdf(str(path), pages="all", flavor="lattice", engine="vector")
        except MemoryError:
            raise
        except Exception as e:  # camelot wraps pdf errors in its own types
            raise ExtractionError(str(path), f"camelot could not read the file: {e}") from None
    return [t.df.astype(str).values.tolist() for t in found]


def camelot_rows(tables: list[list[list[str]]], header: list[str]) -> list[list[str]]:
    """camelot's page tables with our header's width, joined like ours: repeated headers
    dropped, rows with only a first cell (group rows) dropped, rows with an empty first
    cell (continued from the previous page) appended to the row above."""
    head = [lenient_key(h) for h in header]
    rows: list[list[str]] = []
    for table in tables:
        if not table or len(table[0]) != len(header):
            continue
        for i, row in enumerate(table):
            if [lenient_key(c) for c in row] == head:
                continue
            filled = [bool(c.strip()) for c in row]
            if not any(filled):
                continue
            if filled[0] and not any(filled[1:]):
                continue
            if not filled[0] and rows and i <= 1:
                rows[-1] = [a + b for a, b in zip(rows[-1], row)]
                continue
            rows.append(list(row))
    return rows


def cross_check(path: str | Path, doc: Document) -> CrossCheck:
    """Compare ``doc`` (our reading of ``path``) with camelot's, cell by cell (lenient).

    A row whose text, read across its cells, is the same in both readings agrees in every
    cell: the readings differ only in where a cell boundary lies (camelot's vector engine
    merges two cells when it misses a short ruling), which the text cannot settle."""
    tables = camelot_tables(path)
    total = agree = 0
    out: list[tuple[int, int, int, str, str]] = []
    for ti, table in enumerate(doc.tables):
        theirs = camelot_rows(tables, table.header)
        for ri, row in enumerate(table.rows):
            other = theirs[ri] if ri < len(theirs) else [""] * len(row.cells)
            same_row = "".join(map(lenient_key, row.cells)) == "".join(
                map(lenient_key, other[: len(row.cells)])
            )
            for ci, (ours, cam) in enumerate(zip(row.cells, other)):
                total += 1
                if same_row or lenient_key(ours) == lenient_key(cam):
                    agree += 1
                else:
                    out.append((ti, ri, ci, ours, cam))
    return CrossCheck(agree / total if total else 1.0, out)


def verdict_lines(doc: Document) -> list[str]:
    """The cross-check's verdict for people: one line, then one per cell read differently
    (numbered from 1, as in the JSON)."""
    if doc.crosscheck is None:
        return []
    found = doc.crosscheck.to_dict()
    lines = [
        f"cross-check: camelot agrees on {found['agreement']:.1%} of cells;"
        f" {len(found['disagreements'])} read differently"
    ]
    for d in found["disagreements"]:
        table = doc.tables[d["table_no"] - 1]
        row = table.rows[d["row_no"] - 1]
        lines.append(
            f"  table {d['table_no']} row {d['row_no']} (番号 {row.cells[0]!r}),"
            f" {table.header[d['column_no'] - 1]!r}: ours {d['ours']!r},"
            f" camelot {d['camelot']!r}"
        )
    return lines
