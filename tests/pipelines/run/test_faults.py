"""One bad response, URL or file never stops the run (issue 14 items 4, 6, 9), through the CLI
against a real local server: the bad source fails with its reason, the rest is published,
and damaged state files are reported in one line and recovered from."""

from __future__ import annotations

import os
import threading
import time

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.demo.local_server import send_bytes
from tests.conftest import refresh, sample_pdf, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")
GOOD = {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019, "expected_count": 17}
OTHER = {"url": "/content/fy2023_r1_xlsx.pdf", "fiscal_year": 2023, "expected_count": 21}


run = refresh


def published(data_dir) -> tuple[dict, dict, int]:
    """{fiscal_year: (status, error)}, {fiscal_year: projects}, number of runs."""
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        sources = {
            r[0]: r[1:] for r in con.execute("SELECT fiscal_year, status, error FROM sources").fetchall()
        }
        projects = dict(con.execute("SELECT fiscal_year, count(*) FROM projects GROUP BY 1").fetchall())
        runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        con.close()
    return sources, projects, runs


def test_an_invalid_gzip_body_fails_that_source_only(site, data_dir, tmp_path):
    def bad_gzip(h):
        send_bytes(h, 200, b"this is not gzip at all" * 10, "application/pdf", {"Content-Encoding": "gzip"})

    site.faults["/content/gz.pdf"] = bad_gzip
    result = run(site, data_dir, tmp_path, [GOOD, {"url": "/content/gz.pdf", "fiscal_year": 2024}])
    assert result.exit_code == 1, result.output
    sources, projects, _ = published(data_dir)
    assert sources[2024][0] == "failed" and "could not be decoded" in sources[2024][1]
    assert sources[2019] == ("ok", None) and projects == {2019: 17}
    assert not list((data_dir / "raw").glob(".part-*"))


def test_an_unexpected_exception_in_a_stage_fails_that_source_only(site, data_dir, tmp_path, monkeypatch):
    from pipelines.run import stages

    real = stages.records_stage

    def records_stage(spec, fetched, extracted, ctx):  # fault injection: a bug for one list
        if spec.fiscal_year == 2023:
            raise KeyError("a bug")
        return real(spec, fetched, extracted, ctx)

    monkeypatch.setattr(stages, "records_stage", records_stage)
    result = run(site, data_dir, tmp_path, [GOOD, OTHER], "--no-cross-check")
    assert result.exit_code == 1, result.output
    sources, projects, _ = published(data_dir)
    assert sources[2023][0] == "failed" and "KeyError" in sources[2023][1]
    assert projects == {2019: 17}


@pytest.mark.parametrize(
    "url, reason",
    [
        ("http://127.0.0.1/a\\u0000b.pdf", "control character"),
        ("http://127.0.0.1/a.pdf\\r\\nX-Injected: 1", "control character"),
        ("http:///a.pdf", "no host"),
        ("http://[::1/a.pdf", "malformed"),
        ("http://[zz::1]/a.pdf", "malformed"),
        ("http://127.0.0.1:99999/a.pdf", "malformed"),
        ("http://me:secret@127.0.0.1/a.pdf", "credentials"),
    ],
)
def test_bad_urls_in_the_sources_file_are_refused_when_read(data_dir, tmp_path, url, reason):
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nurl = "http://127.0.0.1/ok.pdf"\nfiscal_year = 2023\n\n'
        f'[[source]]\nurl = "{url}"\nfiscal_year = 2024\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(sources) in lines[0] and "#2" in lines[0]
    assert reason in lines[0] and "secret" not in lines[0]
    assert not (data_dir / "warehouse.duckdb").exists()


def test_a_damaged_manifest_is_reported_and_every_later_refresh_works(site, data_dir, tmp_path):
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    manifest = data_dir / "raw" / "manifest.jsonl"
    with open(manifest, "ab") as fh:
        fh.write(b'{"url": "\xff\xfe broken\n{"url": "cut mid-wr')  # not UTF-8; a cut line
    for extra in ((), ("--force",), ()):
        result = run(site, data_dir, tmp_path, [GOOD], "--no-cross-check", *extra)
        assert result.exit_code == 0, result.output
        assert "damaged line(s) skipped (line 2" in result.output
    assert published(data_dir)[1] == {2019: 17}
    # the cut line stays alone: the entries appended after it (by --force) are read
    from pipelines.download.raw_store import RawStore

    store = RawStore(data_dir / "raw")
    # the first run's entry and one per later refresh (a no-op records its 304 answer)
    assert len(store.entries()) == 4 and "2 damaged line(s) skipped (line 2, 3)" in store.problems()[0]


def test_a_truncated_runs_parquet_is_reported_and_recovered_from(site, data_dir, tmp_path):
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    [runs] = (data_dir / "curated" / "runs").resolve().rglob("*.parquet")
    runs.write_bytes(runs.read_bytes()[: runs.stat().st_size // 2])
    result = run(site, data_dir, tmp_path, [GOOD], "--no-cross-check", "--force")
    assert result.exit_code == 0, result.output
    assert "runs: damaged" in result.output and "read from warehouse.duckdb instead" in result.output
    assert published(data_dir)[2] == 2, "the runs history is kept"
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0


def test_force_sends_no_conditional_headers(site, data_dir, tmp_path):
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    site.requests.clear()
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check", "--force").exit_code == 0
    gets = [h for m, p, h in site.requests if m == "GET" and p == GOOD["url"]]
    assert gets and not any({"If-None-Match", "If-Modified-Since"} & set(h) for h in gets)


def test_leftovers_of_a_killed_run_are_removed_by_the_next_one(site, data_dir, tmp_path):
    assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    part = data_dir / "raw" / ".part-killed.pdf"
    part.write_bytes(b"%PDF-1.4 half")
    (data_dir / ".work" / "20260101T000000Z-dead").mkdir(parents=True)
    result = run(site, data_dir, tmp_path, [GOOD], "--no-cross-check")  # a no-op
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert not part.exists() and not (data_dir / ".work").exists()


def test_a_failed_run_leaves_no_work_folder(site, data_dir, tmp_path):
    site.faults["/content/missing.pdf"] = lambda h: send_bytes(h, 404, b"no", "text/plain")
    result = run(
        site,
        data_dir,
        tmp_path,
        [GOOD, {"url": "/content/missing.pdf", "fiscal_year": 2024}],
        "--no-cross-check",
    )
    assert result.exit_code == 1
    assert not (data_dir / ".work").exists()


def test_raw_pdfs_are_readable_by_everyone_like_the_other_files(site, data_dir, tmp_path):
    old = os.umask(0o022)
    try:
        assert run(site, data_dir, tmp_path, [GOOD], "--no-cross-check").exit_code == 0
    finally:
        os.umask(old)
    [pdf] = (data_dir / "raw").glob("*.pdf")
    assert pdf.stat().st_mode & 0o777 == 0o644


def test_a_dribbling_server_is_cut_at_the_download_deadline(site, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("C3P_DOWNLOAD_DEADLINE_S", "3")
    stop = threading.Event()

    def dribble(h):  # a real socket: one byte every second, under every read timeout
        h.send_response(200)
        h.send_header("Content-Type", "application/pdf")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"%PDF-1.4\n")
        h.wfile.flush()
        for _ in range(60):
            if stop.wait(1.0):
                break
            try:
                h.wfile.write(b"x")
                h.wfile.flush()
            except OSError:
                break
        h.close_connection = True

    site.faults["/content/slow.pdf"] = dribble
    started = time.monotonic()
    try:
        result = run(
            site,
            data_dir,
            tmp_path,
            [GOOD, {"url": "/content/slow.pdf", "fiscal_year": 2024}],
            "--no-cross-check",
        )
    finally:
        stop.set()
    assert time.monotonic() - started < 50
    assert result.exit_code == 1, result.output
    sources, projects, _ = published(data_dir)
    assert sources[2024][0] == "failed" and "deadline of 3 s" in sources[2024][1]
    assert projects == {2019: 17}
    assert not list((data_dir / "raw").glob(".part-*"))


def test_credentials_never_reach_the_manifest(site, tmp_path):
    from pipelines.download.fetch import fetch, make_client
    from pipelines.download.raw_store import RawStore

    store = RawStore(tmp_path / "raw")
    host = site.url.split("//", 1)[1]
    with make_client() as client:
        result = fetch(f"http://u:pw@{host}/content/fy2019_r1_xlsx.pdf", store, client, {host})
    assert result.status == "failed" and "credentials" in result.error
    text = (tmp_path / "raw" / "manifest.jsonl").read_text()
    assert "pw@" not in text and "u:" not in text and f"http://{host}/content/" in text


def test_a_pdf_with_bytes_after_its_eof_marker_is_accepted(site, site_root, data_dir, tmp_path):
    padded = sample_pdf("fy2019_r1_xlsx.pdf").read_bytes() + b"\0" * 4096 + b"signature block"
    (site_root / "content" / "padded.pdf").write_bytes(padded)
    result = run(site, data_dir, tmp_path, [{**GOOD, "url": "/content/padded.pdf"}], "--no-cross-check")
    assert result.exit_code == 0, result.output
    assert published(data_dir)[1] == {2019: 17}


def test_a_broken_xref_is_reported_as_such_not_as_no_text_layer(tmp_path):
    import re

    data = sample_pdf("fy2019_r1_xlsx.pdf").read_bytes()
    at = data.rfind(b"startxref")
    table = int(re.match(rb"startxref\s+(\d+)", data[at:]).group(1))
    shifted = re.sub(
        rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 3), data[table:at]
    )  # every object 3 bytes from where the xref says
    broken = tmp_path / "broken_xref.pdf"
    broken.write_bytes(data[:table] + shifted + data[at:])
    result = CliRunner().invoke(main, ["extract", str(broken)])
    assert result.exit_code == 1
    assert "broken cross-reference table (xref)" in result.output
    assert "no text layer" not in result.output


@pytest.mark.parametrize(
    "name, value",
    [
        ("C3P_WORKERS", "0"),
        ("C3P_WORKERS", "many"),
        ("C3P_DOWNLOAD_DEADLINE_S", "-1"),
        ("C3P_EXTRACT_TIME_LIMIT_S", "abc"),
        ("C3P_EXTRACT_TIME_PER_PAGE_S", "0"),
        ("C3P_EXTRACT_MEMORY_MB", "-5"),
    ],
)
def test_a_bad_setting_is_refused_before_the_run(data_dir, tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    sources = write_sources(tmp_path / "s.toml", [{"url": "http://127.0.0.1/a.pdf", "fiscal_year": 2023}])
    result = CliRunner().invoke(main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {name}={value!r}: expected")
    assert not data_dir.exists()


@pytest.mark.parametrize(
    "name, value", [("C3P_EXTRACT_TIME_LIMIT_S", "abc"), ("C3P_EXTRACT_MEMORY_MB", "1.5")]
)
def test_a_bad_extraction_limit_is_refused_by_extract_in_one_line(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["extract", str(sample_pdf("fy2019_r1_xlsx.pdf"))])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: {name}={value!r}: expected "
        + ("a whole number of MiB, 0 or more" if "MB" in name else "a positive number of seconds")
    ]
