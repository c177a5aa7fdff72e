"""Small composable fixtures: sample PDFs, ground truth, a local site, a data dir."""

from __future__ import annotations

import json
import socket
import shutil
from importlib import resources
from pathlib import Path

import pytest

from pipelines.demo.local_server import LocalSite

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(str(resources.files("pipelines.demo") / "samples"))
# the partner countries of the two truth files (fy2023_r1, fy2019_r1), as the warehouse codes them
COUNTRY = {
    "タイ": "TH",
    "ベトナム": "VN",
    "パラオ": "PW",
    "インドネシア": "ID",
    "モンゴル": "MN",
    "チリ": "CL",
    "マレーシア": "MY",
    "フィリピン": "PH",
    "ミャンマー": "MM",
}


def sample_pdf(name: str) -> Path:
    """A shared sample adoption list shipped in the package (fy2023_r1_xlsx.pdf, ...)."""
    return SAMPLES / name


def truth(name: str) -> dict:
    """Ground truth of a sample list: fy2023_r1 or fy2019_r1."""
    return json.loads((FIXTURES / "truth" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def site_root(tmp_path) -> Path:
    """A folder served as the ministry's site, with the samples under /content/."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    for pdf in SAMPLES.glob("*.pdf"):
        shutil.copy(pdf, root / "content" / pdf.name)
    return root


@pytest.fixture
def site(site_root):
    """The site served on 127.0.0.1; ``site.faults`` injects server-side faults."""
    with LocalSite(site_root) as served:
        yield served


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


def drop_mid_body(handler) -> None:
    """A server fault: promise 100 kB of PDF, send 1 kB, hang up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(b"%PDF-1.4\n" + b"x" * 1000)
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)


def write_sources(path: Path, entries: list[dict]) -> Path:
    """A --sources TOML file from dicts."""

    def value(v):
        return f'"{v}"' if isinstance(v, str) else str(v)

    text = "".join(
        "[[source]]\n" + "".join(f"{k} = {value(v)}\n" for k, v in e.items()) + "\n" for e in entries
    )
    path.write_text(text, encoding="utf-8")
    return path


def refresh(site, data_dir: Path, tmp_path: Path, entries: list[dict], *extra: str):
    """``c3p refresh`` of ``entries`` (URLs as paths on ``site``) into ``data_dir``: the click result."""
    from click.testing import CliRunner

    from pipelines.cli import main

    sources = write_sources(tmp_path / "sources.toml", [{**e, "url": site.url + e["url"]} for e in entries])
    return CliRunner().invoke(
        main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), *extra]
    )


def sql(data_dir: Path, query: str, *params) -> list[tuple]:
    """The rows of ``query`` on the warehouse in ``data_dir``, opened read-only."""
    import duckdb

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(query, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server for the whole session (flow runs are real)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def rows(n_projects: int, year: int = 2023) -> dict[str, list[dict]]:
    """Minimal publishable rows: ``n_projects`` projects of one list, its source and a run."""
    from datetime import datetime, timezone

    projects = [
        {
            "project_id": f"{year}-1-{i:02d}",
            "fiscal_year": year,
            "call_round": 1,
            "list_no": i,
            "project_name": f"事業{i}",
            "source_id": "src_x",
        }
        for i in range(1, n_projects + 1)
    ]
    return {
        "projects": projects,
        "sources": [
            {
                "source_id": "src_x",
                "fiscal_year": year,
                "call_round": 1,
                "url": "http://x",
                "status": "ok",
                "fetched_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
            }
        ],
        "runs": [{"run_id": "r", "started_at": datetime(2026, 1, 1, tzinfo=timezone.utc), "status": "ok"}],
    }


def pdf_stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    """The body of a PDF stream object (``extra``: more dictionary entries)."""
    import zlib

    if compress:
        data, extra = zlib.compress(data), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def raw_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF written byte by byte (objects by number: their bodies), with a correct
    cross-reference table: for files no PDF producer would write (reference loops, forms
    drawing themselves, streams inflating to gigabytes)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def one_page_pdf(
    content: bytes, resources: bytes = b"<< >>", more: dict[int, bytes] | None = None, compress: bool = False
) -> bytes:
    """A one-page PDF drawing ``content`` (objects 1-4; ``more`` adds objects 5…)."""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s"
            b" /Contents 4 0 R >>" % resources,
            4: pdf_stream(content, compress=compress),
            **(more or {}),
        }
    )


def with_page_content_damaged(pdf: bytes, page_no: int) -> bytes:
    """``pdf`` with bytes in the middle of page ``page_no``'s compressed content stream
    overwritten: a reader decodes nothing of it (the page's rows are silently lost)."""
    import io
    import re

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    doc = PDFDocument(PDFParser(io.BytesIO(pdf)))
    page = list(PDFPage.create_pages(doc))[page_no - 1]
    ref = page.attrs["Contents"]
    ref = ref[0] if isinstance(ref, list) else ref
    assert resolve1(ref).get("Filter") is not None, "needs a compressed content stream"
    start = re.search(rb"(?<![0-9])%d 0 obj" % ref.objid, pdf).end()
    data = pdf.index(b"stream", start) + len(b"stream\n") + 40
    return pdf[:data] + bytes(b ^ 0x5A for b in pdf[data : data + 8]) + pdf[data + 8 :]


def versions_left(data_dir) -> tuple[list[str], list[str]]:
    """(the version folders left in DATA_DIR/.versions, sorted; the ones a publish keeps,
    sorted: the published one and the one its switch replaced)."""
    import os
    from pathlib import Path

    data_dir = Path(data_dir)
    left = sorted(p.name for p in (data_dir / ".versions").iterdir())
    kept = {os.path.basename(os.readlink(data_dir / "current"))}
    if (data_dir / ".previous").is_symlink():
        kept.add(os.path.basename(os.readlink(data_dir / ".previous")))
    return left, sorted(kept)
