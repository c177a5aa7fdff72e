"""extract_document: every ruled table of a PDF as logical tables of cell texts."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .errors import ExtractionError, NoTable, NoTextLayer
from .logical_table import join_pages
from .model import Document
from .page_table import PageTable, find_tables
from .repairs import recorded_repairs, text_above, xref_repairs
from .rulings import page_rulings
from .source import open_pdf, page_layout
from .text_layer import page_glyphs

PARALLEL_MIN_PAGES = 12  # below this, starting worker processes costs more than it saves
CHUNKS_PER_WORKER = 4  # pages are handed out in about this many runs per process


# grids, glyph count, image count, {page: text above its first table} for the first page
# of the range with a table, what the parser repaired
Part = tuple[list[PageTable], int, int, dict[int, str], list[str]]


def _read_range(path: Path, pdf, first: int, last: int) -> Part:
    """Grids of pages first..last (0-based, inclusive), glyph count, image count, ..."""
    tables: list[PageTable] = []
    glyph_count = image_count = 0
    head: dict[int, str] = {}
    with recorded_repairs() as repairs:
        for i in range(first, last + 1):
            page = pdf.pages[i]
            layout = page_layout(path, page)
            glyphs = page_glyphs(layout)
            glyph_count += len(glyphs)
            if not glyphs:
                image_count += _has_image(layout)
            else:
                hs, vs = page_rulings(layout)
                found = find_tables(i + 1, glyphs, hs, vs)
                if found and not head:
                    head[i + 1] = text_above(glyphs, min(t.top for t in found))
                tables += found
            page.close()  # drop pdfplumber's per-page caches: long documents stay small
    return tables, glyph_count, image_count, head, xref_repairs(pdf) + repairs


def _read_pages(path: Path, first: int, last: int) -> Part:
    with open_pdf(path) as pdf:
        return _read_range(path, pdf, first, last)


# Parallel reading: the page ranges are numbered and every process — the caller and
# n - 1 workers — takes the next number from a shared counter until none is left. The
# caller works too (its share never needs pickling), and a process on a core that other
# jobs keep busy simply takes fewer ranges. A worker opens the PDF once and sends back the
# grids of the ranges it read.
_worker: dict = {}


def _worker_init(path: Path, counter, chunks: list[tuple[int, int]]) -> None:
    _worker.update(path=path, counter=counter, chunks=chunks)


def _take(counter, total: int) -> int | None:
    with counter.get_lock():
        k = counter.value
        if k >= total:
            return None
        counter.value = k + 1
    return k


def _drain(path: Path, pdf, counter, chunks: list[tuple[int, int]]) -> dict[int, Part]:
    done: dict[int, Part] = {}
    while (k := _take(counter, len(chunks))) is not None:
        done[k] = _read_range(path, pdf, *chunks[k])
    return done


def _worker_drain() -> dict[int, Part]:
    w = _worker
    with open_pdf(w["path"]) as pdf:
        return _drain(w["path"], pdf, w["counter"], w["chunks"])


def _context():
    # fork starts a worker in milliseconds with the modules already imported; it is only
    # safe when this process runs no other thread (a lock held elsewhere would be copied
    # held), so threaded hosts get spawn.
    if "fork" in mp.get_all_start_methods() and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _read_parallel(path: Path, pages: int, n: int) -> Part:
    size = max(1, -(-pages // (n * CHUNKS_PER_WORKER)))
    chunks = [(i, min(i + size, pages) - 1) for i in range(0, pages, size)]
    ctx = _context()
    counter = ctx.Value("i", 0)
    with ProcessPoolExecutor(
        n - 1, mp_context=ctx, initializer=_worker_init, initargs=(path, counter, chunks)
    ) as pool:
        futures = [pool.submit(_worker_drain) for _ in range(n - 1)]
        try:
            with open_pdf(path) as pdf:
                done = _drain(path, pdf, counter, chunks)
        except BaseException:
            with counter.get_lock():  # the workers stop after their current range
                counter.value = len(chunks)
            raise
        for f in futures:
            done.update(f.result())
    parts = [done[k] for k in range(len(chunks))]
    tables = [t for p in parts for t in p[0]]
    head = next((p[3] for p in parts if p[3]), {})
    repairs = list(dict.fromkeys(r for p in parts for r in p[4]))
    return tables, sum(p[1] for p in parts), sum(p[2] for p in parts), head, repairs


def _has_image(layout) -> int:
    from pdfminer.layout import LTFigure, LTImage

    stack = [layout]
    while stack:
        for obj in stack.pop():
            if isinstance(obj, LTImage):
                return 1
            if isinstance(obj, LTFigure):
                stack.append(obj)
    return 0


def _page_count(path: Path) -> int:
    with open_pdf(path) as pdf:
        try:
            return len(pdf.pages)
        except ExtractionError:
            raise
        except Exception as e:
            from .source import translate

            raise translate(path, e) from None


def page_count(path: str | Path) -> int:
    """Pages in the PDF (raises ExtractionError like ``extract_document``)."""
    return _page_count(Path(path))


def xref_problem(path: Path) -> str | None:
    """What is wrong with the PDF's cross-reference table (xref), or None: a table pdfminer
    had to rebuild by scanning, or an entry whose offset does not hold its object."""
    import re

    from pdfminer.pdfdocument import PDFXRefFallback

    with open_pdf(path) as pdf:
        xrefs = pdf.doc.xrefs
        if any(isinstance(x, PDFXRefFallback) for x in xrefs):
            return "broken cross-reference table (xref): rebuilt by scanning the file"
        data = Path(path).read_bytes()
        for xref in xrefs:
            for objid in xref.get_objids():
                try:
                    stream, offset, _gen = xref.get_pos(objid)
                except KeyError:
                    continue
                if stream is None and not re.match(rb"\s*%d\s+\d+\s+obj" % objid, data[offset : offset + 40]):
                    return f"broken cross-reference table (xref): object {objid} is not at offset {offset}"
    return None


def _default_workers(pages: int) -> int:
    if pages < PARALLEL_MIN_PAGES or mp.current_process().daemon:
        return 1  # daemonic processes (e.g. the pipeline's time-limited child) cannot fork
    return min(os.cpu_count() or 1, 4)


def extract_document(path: str | Path, *, cross_check: bool = False, workers: int | None = None) -> Document:
    """Read every ruled table of the PDF at ``path``.

    Returns a :class:`~extractors.model.Document` whose tables are logical tables: one
    per table even when it runs over several pages, the header as printed, each row's
    cell texts (wrapped lines joined, the author's line breaks kept as ``\\n``), the pages
    it lies on and the group row above it as ``section``.

    ``cross_check=True`` also reads the file with camelot and stores the agreement in
    ``Document.crosscheck``. ``workers`` sets how many processes read pages (default: one
    per core for long documents, one otherwise).

    Raises NotAPDF, EncryptedPDF, NoTextLayer, NoTable or ExtractionError, each with the
    file path and a reason.
    """
    path = Path(path)
    pages = _page_count(path)
    n = workers if workers is not None else _default_workers(pages)
    n = max(1, min(n, pages))
    if n == 1:
        tables, glyphs, images, head, repairs = _read_pages(path, 0, pages - 1)
    else:
        tables, glyphs, images, head, repairs = _read_parallel(path, pages, n)
    if glyphs == 0:
        damage = xref_problem(path)
        if damage:  # not a scan: the text is there, where the file no longer says it is
            raise ExtractionError(str(path), f"damaged PDF: {damage}")
        what = "scanned pages" if images else "no text"
        raise NoTextLayer(str(path), f"no text layer; OCR not supported ({what})")
    counts: dict[int, int] = {}
    for t in tables:
        counts[t.page] = counts.get(t.page, 0) + 1
    problems: list[str] = []
    logical = join_pages(tables, counts, problems)
    if not logical:
        raise NoTable(str(path), f"no ruled table found on any of its {pages} pages")
    doc = Document(
        str(path), pages, logical, problems=problems, repairs=repairs, title=next(iter(head.values()), None)
    )
    if cross_check:
        from .crosscheck import cross_check as run_cross_check

        doc.crosscheck = run_cross_check(path, doc)
    return doc
