"""What the PDF parser had to repair to read a file, and the text above the first table.

pdfminer reads damaged files without failing: a corrupt compressed stream is decoded as
far as it goes ("Data-loss while decompressing corrupted data"), a broken cross-reference
table is rebuilt by scanning the file. The text read from such a file may be incomplete
or wrong, so the repairs are reported with the document (``Document.repairs``) instead of
being logged and forgotten.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

from .text_layer import Glyph, group_lines

MAX_REPAIRS = 20  # distinct messages kept per document
_log = logging.getLogger("pdfminer.pdftypes")
_recording = 0  # recorded_repairs blocks running (a stream is reported only inside one)


def _reporting_decompress(original):
    """pdfminer calls ``decompress_corrupted`` on a compressed stream zlib refused, and
    decodes it as far as it goes, or as b"" when that fails, without a word unless only its
    checksum is wrong (text silently lost): say so."""

    def decompress_corrupted(data: bytes) -> bytes:
        try:
            decoded = original(data)
        except Exception:
            if _recording:
                _log.warning("corrupt compressed stream: its content is lost")
            raise
        if _recording:
            _log.warning("corrupt compressed stream: read only as far as it could be decoded")
        return decoded

    decompress_corrupted.c3p_reporting = True
    return decompress_corrupted


def _install() -> None:
    from pdfminer import pdftypes

    if not getattr(pdftypes.decompress_corrupted, "c3p_reporting", False):
        pdftypes.decompress_corrupted = _reporting_decompress(pdftypes.decompress_corrupted)


class _Collector(logging.Handler):
    def __init__(self, out: list[str]):
        super().__init__(logging.WARNING)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = " ".join(record.getMessage().split())[:200]
        except Exception:  # a malformed log call must not stop the reading
            message = str(record.msg)[:200]
        if message not in self.out and len(self.out) < MAX_REPAIRS:
            self.out.append(message)


@contextmanager
def recorded_repairs(loggers: tuple[str, ...] = ("pdfminer",)) -> Iterator[list[str]]:
    """The warnings pdfminer (or the parsers named) logs while the block runs (its
    repairs), collected in a list and not printed."""
    global _recording
    _install()
    found: list[str] = []
    handler = _Collector(found)
    saved = [(log, log.propagate) for log in map(logging.getLogger, loggers)]
    for log, _ in saved:
        log.addHandler(handler)
        log.propagate = False
    _recording += 1
    try:
        yield found
    finally:
        _recording -= 1
        for log, propagate in saved:
            log.removeHandler(handler)
            log.propagate = propagate


def xref_repairs(pdf) -> list[str]:
    """A repair of the cross-reference table pdfminer made when it opened ``pdf``."""
    from pdfminer.pdfdocument import PDFXRefFallback

    xrefs = getattr(getattr(pdf, "doc", None), "xrefs", [])
    if any(isinstance(x, PDFXRefFallback) for x in xrefs):
        return ["cross-reference table damaged: rebuilt by scanning the file"]
    return []


def text_above(glyphs: list[Glyph], top: float) -> str:
    """The lines of text printed above ``top`` (the first table's top edge) on a page, one
    line per printed line: where a list states its title (年度, 公募の回, 採択事業一覧)."""
    above = [g for g in glyphs if g.bottom <= top + 1.0]
    return "\n".join(line.text.strip() for line in group_lines(above)).strip()
