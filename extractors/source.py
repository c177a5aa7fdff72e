"""Opening a PDF with pdfplumber and turning every failure into an ExtractionError."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pdfplumber
from pdfminer.layout import LTPage
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException

from .errors import EncryptedPDF, ExtractionError, NotAPDF

from pdfminer.pdffont import PDFCIDFont
from pdfminer.pdfinterp import PDFResourceManager

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
            pair = data[i:i + 2]
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

    font.decode = decode_keeping
    font.to_unichr = to_unichr_keeping


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
    finally:
        pdf.close()


def page_layout(path: Path, page: pdfplumber.page.Page) -> LTPage:
    """The pdfminer layout of one page (pdfplumber's interpreter, without its dict objects)."""
    try:
        return page.layout
    except Exception as e:
        raise translate(path, e) from None
