"""Opening a PDF with pdfplumber and turning every failure into an ExtractionError."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pdfplumber
from pdfminer.layout import LTPage
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from .errors import EncryptedPDF, ExtractionError, NotAPDF, OutOfMemory

from pdfminer import cmapdb, pdfinterp, psparser
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdffont import PDFCIDFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.utils import apply_matrix_rect

from .code_points import repair
from .content_stream import fast_content
from .text_layer import Glyph

_MAGIC_WINDOW = 1024  # readers accept junk before %PDF- within the first KiB


def check_is_pdf(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(_MAGIC_WINDOW)
    except FileNotFoundError:
        raise ExtractionError(str(path), "file not found") from None
    except OSError as e:
        raise ExtractionError(str(path), f"cannot read file: {e.strerror or e}") from None
    if b"%PDF-" not in head:
        raise NotAPDF(str(path), "not a PDF (no %PDF- header)")


def _cause(e: BaseException) -> BaseException:
    while isinstance(e, PdfminerException) and e.args and isinstance(e.args[0], BaseException):
        e = e.args[0]
    return e


def translate(path: Path, e: BaseException) -> ExtractionError:
    """Map a pdfminer/pdfplumber failure to one of our errors (never leak pdfminer types)."""
    cause = _cause(e)
    if isinstance(cause, ExtractionError):
        return cause
    if isinstance(cause, MemoryError):
        return OutOfMemory(str(path), "out of memory while reading it")
    if isinstance(cause, PDFEncryptionError):
        return EncryptedPDF(str(path), "encrypted PDF; a password is required to read it")
    if isinstance(cause, PSException):
        return ExtractionError(str(path), f"damaged PDF: {cause}")
    return ExtractionError(str(path), f"unreadable PDF: {type(cause).__name__}: {cause}")


class _Code(int):
    """A CID that remembers the character code it was decoded from."""

    code: int


class _ResourceManager(PDFResourceManager):
    """Fonts encoded with a Unicode CMap (UniJIS-UCS2-H, ...) and no ToUnicode carry the
    character itself as the code; pdfminer goes code → CID → Unicode, which folds distinct
    characters sharing a glyph (U+FF0D － becomes U+2212 −). Keep the code instead."""

    def get_font(self, objid, spec):
        font = super().get_font(objid, spec)
        if isinstance(font, PDFCIDFont) and not getattr(font, "_c3p_unicode_codes", False):
            name = getattr(font.cmap, "attrs", {}).get("CMapName") or ""
            encoding = spec.get("Encoding") if isinstance(spec, dict) else None
            name = str(getattr(encoding, "name", name) or name)
            if ("UCS2" in name or "UTF16" in name) and "ToUnicode" not in spec:
                _keep_codes(font)
            font._c3p_unicode_codes = True
        return font


def _keep_codes(font: PDFCIDFont) -> None:
    decode, to_unichr = font.decode, font.to_unichr

    def decode_keeping(data: bytes):
        out = []
        for i in range(0, len(data) - 1, 2):
            pair = data[i : i + 2]
            for cid in decode(pair):
                c = _Code(cid)
                c.code = (pair[0] << 8) | pair[1]
                out.append(c)
        return out

    def to_unichr_keeping(cid):
        code = getattr(cid, "code", None)
        if code is not None and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
        return to_unichr(cid)

    font.decode = decode_keeping  # type: ignore[method-assign,assignment]  # this font only
    font.to_unichr = to_unichr_keeping  # type: ignore[method-assign]


@contextmanager
def open_pdf(path: Path) -> Iterator[pdfplumber.PDF]:
    check_is_pdf(path)
    try:
        pdf = pdfplumber.open(path)
    except ExtractionError:
        raise
    except Exception as e:  # pdfminer raises many unrelated types on broken files
        raise translate(path, e) from None
    pdf.rsrcmgr = _ResourceManager(caching=True)
    try:
        yield pdf
    except BaseException:
        try:  # closing a damaged file can fail too: the reading's own error is the one to tell
            pdf.close()
        except Exception:
            pass
        raise
    try:
        pdf.close()
    except Exception as e:
        raise translate(path, e) from None


class _Aggregator(PDFPageAggregator):
    """pdfminer's page aggregator (no layout analysis), with each character stored as our
    :class:`~extractors.text_layer.Glyph` in top-left page coordinates instead of an LTChar.

    The geometry is LTChar's own arithmetic, operation for operation, so the numbers are
    the same floats; what is saved is building LTChar/LTComponent objects (with their
    colour and graphic-state references) that we would only read four numbers from, and
    converting them afterwards. Characters without text are left out, as before."""

    def begin_page(self, page, ctm) -> None:
        super().begin_page(page, ctm)
        self._px0, self._ptop = self.cur_item.x0, self.cur_item.y1

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        textwidth = font.char_width(cid)
        adv = textwidth * fontsize * scaling
        if not text:
            return adv
        text = repair(text)
        if font.is_vertical():
            (vx, vy) = font.char_disp(cid)
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = font.get_descent() * fontsize
            bbox = (0, descent + rise, adv, descent + rise + fontsize)
        (x0, y0, x1, y1) = apply_matrix_rect(matrix, bbox)
        if x1 < x0:
            (x0, x1) = (x1, x0)
        if y1 < y0:
            (y0, y1) = (y1, y0)
        size = x1 - x0 if font.is_vertical() else y1 - y0
        px0, ptop = self._px0, self._ptop
        self.cur_item._objs.append(Glyph(text, x0 - px0, x1 - px0, ptop - y1, ptop - y0, size, font.fontname))
        return adv


class _NoDebug:
    """Stands in for a pdfminer module logger while a page is parsed: pdfminer calls
    ``log.debug`` for every token and operator (over a million calls on a 60-page list,
    ~7% of our time) even when debug logging is off. Everything else is passed on."""

    def __init__(self, log: logging.Logger):
        self._log = log

    def debug(self, *args, **kwargs) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self._log, name)


_HOT_MODULES = (psparser, pdfinterp, cmapdb)  # the per-token / per-operator debug calls


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    if logging.getLogger("pdfminer").isEnabledFor(logging.DEBUG):
        yield  # someone wants pdfminer's debug output: leave it alone
        return
    # the real logger, even if another thread's block has the stand-in installed
    saved = [(m, m.log._log if isinstance(m.log, _NoDebug) else m.log) for m in _HOT_MODULES]
    for m, log in saved:
        m.log = _NoDebug(log)  # type: ignore[attr-defined]  # pdfminer modules' loggers
    try:
        yield
    finally:
        for m, log in saved:
            m.log = log  # type: ignore[attr-defined]


def page_layout(path: Path, page: pdfplumber.page.Page) -> LTPage:
    """The pdfminer layout of one page: curves, rectangles, images and figures as pdfminer
    makes them, characters as Glyphs (see :class:`_Aggregator`)."""
    device = _Aggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    try:
        with _quiet_pdfminer(), fast_content():
            PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    except Exception as e:
        raise translate(path, e) from None
    return device.get_result()
