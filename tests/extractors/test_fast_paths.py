"""The fast paths give exactly what plain pdfminer/pdfplumber give: the content-stream
reader (extractors.content_stream), the Glyph-storing aggregator (extractors.source) and
the page-parallel reader (extractors.extract)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pdfminer import pdfinterp, psparser
from pdfminer.pdftypes import PDFStream, list_value, resolve1
from pdfminer.psparser import PSEOF

from extractors import extract_document
from extractors.content_stream import Fallback, FastContentParser, objects
from extractors.rulings import page_rulings
from extractors.source import open_pdf, page_layout
from extractors.text_layer import page_glyphs

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "extractors"
READABLE = sorted(p for p in FIX.glob("*.pdf") if p.stem not in ("encrypted", "not_a_pdf")) + sorted(
    (ROOT / "pipelines" / "demo" / "samples").glob("*.pdf")
)


def _pdfminer_objects(streams) -> list:
    parser = pdfinterp.PDFContentParser(streams)
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def _fast_objects(streams) -> tuple[list, bool]:
    parser = FastContentParser(streams)
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out, parser._slow is not None


def _typed(objs):
    return [(type(o), o) for o in objs]


@pytest.mark.parametrize("pdf", READABLE, ids=[p.name for p in READABLE])
def test_content_streams_read_as_pdfminer_reads_them(pdf):
    with open_pdf(pdf) as doc:
        for page in doc.pages:
            contents = resolve1(page.page_obj.contents)
            streams = list_value(contents) if contents else []
            fast, fell_back = _fast_objects(streams)
            assert not fell_back, f"page {page.page_number} needed pdfminer's parser"
            assert _typed(fast) == _typed(_pdfminer_objects(streams)), page.page_number


@pytest.mark.parametrize("pdf", READABLE, ids=[p.name for p in READABLE])
def test_page_layout_glyphs_and_rulings_equal_pdfplumbers(pdf):
    with open_pdf(pdf) as doc:
        for page in doc.pages:
            ours = page_layout(pdf, page)
            theirs = page.layout  # pdfplumber's own interpreter and LTChar objects
            assert page_glyphs(ours) == page_glyphs(theirs), page.page_number
            assert page_rulings(ours) == page_rulings(theirs), page.page_number


TRICKY = [
    rb"1 2.5 -3 +4 .5 -.5 5. Td /Name /N\xc3\xa9 (a\(b\)c) (nest (x) y) 0 Tc",
    rb"(esc \n\r\t\b\f\\ \101\7\0777 \q) <48 65 6C6c 6> <> [1 (a) /b] TJ",
    rb"<< /MCID 0 /Sub << /A [1 2] >> >> BDC true false T* ' \" # { 1 } % comment" b"\n EMC",
    b"(line\\\ncont) (crlf\\\r\ncont) (cr\\\rx) Tj 12abc",
    b"\x00 q \x80 Q",
]
# pdfminer's 4 KiB read buffer: a backslash-CR-LF split by it keeps the LF
TRICKY += [b"(a" + b"x" * n + b"\\\r\ncd) Tj" for n in range(4088, 4096)]
DECLINED = [
    b"3.4.5 -- x",
    b"<4G> Tj",
    b"[1 2",
    b"BI /W 1 ID xxx EI",
    b"/a#41 x",
    b"(open",
    b"1 > 2",
    b"<< /A >>",
    b"] x",
]


@pytest.mark.parametrize("data", TRICKY)
def test_tricky_tokens_like_pdfminer(data):
    out: list = []
    objects(data, out)
    assert _typed(out) == _typed(_pdfminer_objects([PDFStream({}, data)]))


@pytest.mark.parametrize("data", DECLINED)
def test_what_it_does_not_reproduce_goes_to_pdfminer(data):
    with pytest.raises(Fallback):
        objects(data, [])
    streams = [PDFStream({}, data)]
    try:
        want = _typed(_pdfminer_objects(streams))
    except Exception as e:  # pdfminer's own error, e.g. an odd dictionary
        with pytest.raises(type(e)):
            _fast_objects(streams)
        return
    fast, fell_back = _fast_objects(streams)
    assert fell_back
    assert _typed(fast) == want


def test_pdfminer_is_left_as_it_was():
    path = ROOT / "pipelines" / "demo" / "samples" / "fy2019_r1_xlsx.pdf"
    before = (pdfinterp.PDFContentParser, psparser.log, pdfinterp.log)
    with open_pdf(path) as doc:
        page_layout(path, doc.pages[0])
    assert (pdfinterp.PDFContentParser, psparser.log, pdfinterp.log) == before
    assert isinstance(psparser.log, logging.Logger)


def test_pages_in_parallel_processes_read_the_same_document():
    path = ROOT / "pipelines" / "demo" / "samples" / "fy2023_r1_rl.pdf"
    one = extract_document(path, workers=1)
    two = extract_document(path, workers=2)
    assert two.to_dict() == one.to_dict()
    assert [[r.bboxes for r in t.rows] for t in two.tables] == [
        [r.bboxes for r in t.rows] for t in one.tables
    ]


def test_errors_survive_the_trip_from_a_worker_process():
    import pickle

    from extractors.errors import EncryptedPDF

    e = pickle.loads(pickle.dumps(EncryptedPDF("x.pdf", "encrypted PDF")))
    assert type(e) is EncryptedPDF and (e.path, e.reason) == ("x.pdf", "encrypted PDF")
