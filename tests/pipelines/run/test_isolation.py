"""The extraction child bounds time and memory and survives crashes (issue 14, item 6):
hostile PDFs written byte by byte here, through the real ``c3p extract`` process and a
real refresh."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zlib

import duckdb
import pytest
from click.testing import CliRunner

from pipelines import settings
from pipelines.cli import main
from pipelines.run.isolation import TimeLimitExceeded, extract_with_time_limit
from tests.conftest import one_page_pdf, pdf_stream, raw_pdf, sample_pdf, write_sources

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
GRID = (
    b"0 0 0 RG 1 w "
    + b" ".join(b"50 %d m 300 %d l S" % (y, y) for y in (700, 670, 640))
    + b" "
    + b" ".join(b"%d 640 m %d 700 l S" % (x, x) for x in (50, 175, 300))
)
TEXT = b" BT /F1 10 Tf 60 680 Td (No.) Tj 125 0 Td (Name) Tj -125 -30 Td (1) Tj 125 0 Td (Alpha) Tj ET"


def reference_loop() -> bytes:
    """The page's contents are object 5, which is object 6, which is object 5…"""
    return raw_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R >>",
            5: b"6 0 R",
            6: b"5 0 R",
        }
    )


def self_drawing_form() -> bytes:
    """A readable one-row table whose page also draws a form XObject that draws itself."""
    res = b"<< /Font << /F1 6 0 R >> /XObject << /Fm1 5 0 R >> >>"
    return one_page_pdf(
        GRID + TEXT + b" /Fm1 Do",
        res,
        {
            5: pdf_stream(
                GRID + b" /Fm1 Do", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + res
            ),
            6: FONT,
        },
    )


def inflating(gib: int = 1) -> bytes:
    """About 1 MB of PDF whose page content inflates to ``gib`` GiB of spaces."""
    z = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(z.compress(chunk) for _ in range(1024 * gib)) + z.flush()
    return one_page_pdf(b"", more={4: pdf_stream(data, b"/Filter /FlateDecode")})


def c3p(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real command in a process of its own (what a user's terminal shows)."""
    return subprocess.run(
        [sys.executable, "-c", "from pipelines.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def one_line_error(result: subprocess.CompletedProcess, path, reason: str) -> None:
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(f"error: {path}: ") and reason in result.stderr
    assert "Traceback" not in result.stderr + result.stdout and result.stdout == ""


def test_extract_stops_a_reference_loop_at_the_time_limit(tmp_path):
    pdf = tmp_path / "loop.pdf"
    pdf.write_bytes(reference_loop())
    started = time.monotonic()
    result = c3p("extract", str(pdf), C3P_EXTRACT_TIME_LIMIT_S="3")
    one_line_error(result, pdf, "extraction stopped after 3 s (time limit for this PDF")
    assert time.monotonic() - started < 60


def test_extract_reports_a_parser_crashing_in_the_cross_check(tmp_path):
    """camelot recurses into the form until it dies (SIGSEGV without a memory cap, after
    ~40 s; SIGABRT at the cap: a small one keeps the test quick)."""
    cap = {"C3P_EXTRACT_MEMORY_MB": "800"}
    table = tmp_path / "table.pdf"
    table.write_bytes(one_page_pdf(GRID + TEXT, b"<< /Font << /F1 6 0 R >> >>", {6: FONT}))
    assert c3p("extract", str(table), "--cross-check", **cap).returncode == 0
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(self_drawing_form())
    assert c3p("extract", str(pdf), "--format", "csv").stdout == "section,No.,Name\n,1,Alpha\n"
    result = c3p("extract", str(pdf), "--cross-check", **cap)
    one_line_error(result, pdf, "extractor process crashed (SIG")


def test_extract_fails_clearly_at_the_memory_limit(tmp_path):
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(inflating())
    assert pdf.stat().st_size < 1_100_000
    result = c3p("extract", str(pdf), C3P_EXTRACT_MEMORY_MB="512")
    one_line_error(result, pdf, "out of memory: reading it needs more than the 512 MiB allowed")


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.4\n" + b"\x00" * 64,
        b"%PDF-1.4\n1 0 obj\n<< /Type",
        b"%PDF-1.7\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    ],
    ids=["nul-bytes", "cut-object", "trailer-only"],
)
def test_extract_says_one_line_for_broken_files(tmp_path, body):
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(body)
    one_line_error(c3p("extract", str(pdf)), pdf, "")


def test_the_time_limit_grows_with_the_pages(monkeypatch):
    """A 6-page list with the cross-check takes longer than 0.5 s: with 10 s a page allowed
    it is read, with the 0.5 s base alone it is stopped."""
    path = str(sample_pdf("fy2023_r1_rl.pdf"))
    monkeypatch.setattr(settings, "EXTRACT_TIME_LIMIT_S", 0.5)
    monkeypatch.setattr(settings, "EXTRACT_TIME_PER_PAGE_S", 10.0)
    assert extract_with_time_limit(path, cross_check=True)["pages"] == 6
    monkeypatch.setattr(settings, "EXTRACT_TIME_PER_PAGE_S", 0.0)
    with pytest.raises(TimeLimitExceeded, match=r"0\.5 s \+ 0 s a page"):
        extract_with_time_limit(path, cross_check=True)


@pytest.mark.usefixtures("prefect_harness")
def test_an_inflating_pdf_fails_its_source_and_the_rest_publishes(
    site, site_root, data_dir, tmp_path, monkeypatch
):
    monkeypatch.setenv("C3P_EXTRACT_MEMORY_MB", "512")
    (site_root / "content" / "bomb.pdf").write_bytes(inflating())
    sources = write_sources(
        tmp_path / "sources.toml",
        [
            {"url": site.url + "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019},
            {"url": site.url + "/content/bomb.pdf", "fiscal_year": 2020},
        ],
    )
    result = CliRunner().invoke(
        main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), "--no-cross-check"]
    )
    assert result.exit_code == 1, result.output
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        got = con.execute(
            "SELECT fiscal_year, status, error, rows_published FROM sources ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert got == [
        (2019, "ok", None, 17),
        (
            2020,
            "failed",
            "extract: out of memory: reading it needs more than the 512 MiB allowed (C3P_EXTRACT_MEMORY_MB)",
            0,
        ),
    ]
