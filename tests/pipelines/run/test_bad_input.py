"""Bad input and faults through the whole refresh: each a clear error naming the source and
reason in `sources` and the summary, nothing published from it, nothing else lost."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from filelock import FileLock

from pipelines.run import refresh as refresh_module
from pipelines import settings
from pipelines.cli import main
from pipelines.run.isolation import TimeLimitExceeded, extract_with_time_limit
from pipelines.demo.local_server import send_bytes
from tests.conftest import drop_mid_body, refresh as run, sample_pdf

pytestmark = pytest.mark.usefixtures("prefect_harness")
BAD = Path(__file__).parents[2] / "fixtures" / "pipelines"
HAZARDS = Path(__file__).parents[2] / "fixtures" / "extractors"  # PDFs no list can be read from
GOOD = {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019, "expected_count": 17}


def sources_table(data_dir):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT fiscal_year, status, error, rows_published FROM sources").fetchall()
        projects = con.execute("SELECT fiscal_year, count(*) FROM projects GROUP BY 1").fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}, dict(projects)


@pytest.mark.parametrize(
    "fixture, reason",
    [
        (HAZARDS / "encrypted.pdf", "extract: encrypted PDF"),
        (HAZARDS / "image_only.pdf", "extract: no text layer; OCR not supported"),
        (HAZARDS / "no_table.pdf", "extract: no ruled table found"),
        (BAD / "unknown_header.pdf", "予算額"),
        (BAD / "duplicate_list_numbers.pdf", "records: duplicate list numbers: 2"),
    ],
    ids=lambda v: v.name if isinstance(v, Path) else None,
)
def test_bad_pdf_fails_alone(site, site_root, data_dir, tmp_path, fixture, reason):
    shutil.copy(fixture, site_root / "content" / fixture.name)
    result = run(site, data_dir, tmp_path, [GOOD, {"url": f"/content/{fixture.name}", "fiscal_year": 2024}])
    assert result.exit_code == 1, result.output
    sources, projects = sources_table(data_dir)
    status, error, published = sources[2024]
    assert status == "failed" and reason in error and published == 0
    assert sources[2019] == ("ok", None, 17) and projects == {2019: 17}
    assert reason in result.output


def test_count_different_from_press_release_is_quarantined(site, data_dir, tmp_path):
    result = run(site, data_dir, tmp_path, [{**GOOD, "expected_count": 18}])
    assert result.exit_code == 1
    sources, projects = sources_table(data_dir)
    status, error, published = sources[2019]
    assert status == "quarantined" and "(17)" in error and "(18)" in error and published == 0
    assert projects == {}


def test_second_url_claiming_the_same_list_is_quarantined(site, site_root, data_dir, tmp_path):
    shutil.copy(sample_pdf("fy2019_r1_xlsx.pdf"), site_root / "content" / "copy.pdf")
    result = run(site, data_dir, tmp_path, [GOOD, {**GOOD, "url": "/content/copy.pdf"}])
    assert result.exit_code == 1
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    rows = dict(con.execute("SELECT url, status || ' ' || coalesce(error, '') FROM sources").fetchall())
    assert con.execute("SELECT count(*) FROM projects").fetchone()[0] == 17
    con.close()
    assert rows[site.url + GOOD["url"]] == "ok "
    assert rows[site.url + "/content/copy.pdf"].startswith("quarantined another URL already supplies")


def test_broken_new_version_keeps_the_previous_rows(site, site_root, data_dir, tmp_path):
    assert run(site, data_dir, tmp_path, [GOOD]).exit_code == 0
    target = site_root / "content" / "fy2019_r1_xlsx.pdf"
    target.write_bytes((HAZARDS / "no_table.pdf").read_bytes())
    result = run(site, data_dir, tmp_path, [GOOD])
    assert result.exit_code == 1, result.output
    sources, projects = sources_table(data_dir)
    status, error, published = sources[2019]
    assert status == "failed" and "no ruled table" in error and published == 17
    assert projects == {2019: 17}
    raw = list((data_dir / "raw").glob("*.pdf"))
    assert len(raw) == 2, "the old raw file is kept beside the new one"


def test_server_error_then_success_publishes(site, data_dir, tmp_path):
    calls = []

    def flaky(h):
        calls.append(1)
        if len(calls) == 1:
            send_bytes(h, 503, b"busy", "text/plain")
        else:
            send_bytes(h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf")

    site.faults["/content/flaky.pdf"] = flaky
    result = run(site, data_dir, tmp_path, [{**GOOD, "url": "/content/flaky.pdf"}])
    assert result.exit_code == 0, result.output
    assert sources_table(data_dir)[1] == {2019: 17}


def test_host_not_in_sources_file_or_site_is_refused(site, data_dir, monkeypatch):
    monkeypatch.setenv("C3P_SITE_URL", site.url)
    from pipelines.sources import registry

    monkeypatch.setattr(
        registry, "builtin_sources", lambda: [refresh_module.SourceSpec("http://203.0.113.9/x.pdf", 2024)]
    )
    result = CliRunner().invoke(main, ["refresh", "--no-discover", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    status, error, _ = sources_table(data_dir)[0][2024]
    assert status == "failed" and "is not allowed" in error


def test_one_refresh_at_a_time(site, data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(refresh_module, "LOCK_WAIT_S", 0.2)
    data_dir.mkdir(parents=True)
    with FileLock(str(data_dir / ".lock")):
        result = run(site, data_dir, tmp_path, [GOOD])
    assert result.exit_code == 2
    assert "another refresh is running" in result.output


def test_bad_sources_file_exits_2(data_dir, tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nurl = "ftp://x"\nfiscal_year = 2023\n')
    result = CliRunner().invoke(main, ["refresh", "--sources", str(bad), "--data-dir", str(data_dir)])
    assert result.exit_code == 2 and "http(s) URL" in result.output


def test_a_hung_parser_is_stopped_by_the_time_limit():
    with pytest.raises(TimeLimitExceeded, match="time limit"):
        extract_with_time_limit(str(sample_pdf("fy2023_r1_rl.pdf")), seconds=0.01)


def test_time_limit_fails_the_source_and_publishes_the_rest(site, data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "EXTRACT_TIME_LIMIT_S", 0.01)
    monkeypatch.setattr(settings, "EXTRACT_TIME_PER_PAGE_S", 0.0)
    result = run(site, data_dir, tmp_path, [GOOD])
    assert result.exit_code == 1
    status, error, _ = sources_table(data_dir)[0][2019]
    assert status == "failed" and "time limit" in error


def _slow(h):
    import time

    time.sleep(1.5)
    send_bytes(h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf")


@pytest.mark.parametrize(
    "fault, reason",
    [
        (lambda h: send_bytes(h, 200, b"", "application/pdf"), "empty file"),
        (
            lambda h: send_bytes(
                h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes()[:20000], "application/pdf"
            ),
            "truncated PDF",
        ),
        (
            lambda h: send_bytes(h, 200, b"<!DOCTYPE html><p>error</p>", "application/pdf"),
            "not a PDF: the body is an HTML page",
        ),
        (
            lambda h: send_bytes(h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf"),
            "file too large",
        ),
        (drop_mid_body, "connection failed"),
        (_slow, "timed out"),
        (lambda h: send_bytes(h, 500, b"down", "text/plain"), "HTTP 500 from server (after 2 attempts)"),
    ],
    ids=["empty", "truncated", "html", "too-large", "dropped", "timeout", "500"],
)
def test_download_faults_fail_the_source_alone(site, data_dir, tmp_path, monkeypatch, fault, reason):
    monkeypatch.setattr(settings, "MAX_PDF_BYTES", 100_000)  # the FY2019 sample is 108 KB
    monkeypatch.setattr(settings, "HTTP_TIMEOUT_S", 0.5)
    monkeypatch.setattr(settings, "HTTP_RETRIES", 1)
    monkeypatch.setattr(settings, "HTTP_BACKOFF_S", 0.01)
    site.faults["/content/bad.pdf"] = fault
    good = {"url": "/content/fy2023_r1_rl.pdf", "fiscal_year": 2023}
    result = run(
        site, data_dir, tmp_path, [good, {"url": "/content/bad.pdf", "fiscal_year": 2024}], "--no-cross-check"
    )
    assert result.exit_code == 1, result.output
    sources, projects = sources_table(data_dir)
    status, error, published = sources[2024]
    assert status == "failed" and error.startswith("fetch: ") and reason in error
    assert published == 0 and projects == {2023: 21} and sources[2023][0] == "ok"
    assert reason in result.output
    assert not list((data_dir / "raw").glob(".part-*"))
    bad = f"{site.url}/content/bad.pdf"  # its progress says it failed, and no more
    assert f"download: {bad} (failed)" in result.output
    assert f"extract: {bad}" not in result.output and f"normalise: {bad}" not in result.output
    assert f"normalise: {site.url}/content/fy2023_r1_rl.pdf" in result.output


def test_path_traversal_in_the_url_cannot_write_outside_the_raw_store(site, data_dir, tmp_path):
    site.faults["/content/../../../evil.pdf"] = lambda h: send_bytes(
        h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf"
    )
    result = run(
        site,
        data_dir,
        tmp_path,
        [{"url": "/content/%2e%2e/%2e%2e/%2e%2e/evil.pdf", "fiscal_year": 2019}],
        "--no-cross-check",
    )
    assert ("GET", "/content/../../../evil.pdf") in [r[:2] for r in site.requests]  # the server was asked
    assert result.exit_code == 0, result.output  # it answered with a good list: stored and published
    assert sources_table(data_dir) == ({2019: ("ok", None, 17)}, {2019: 17})
    stored = [p for p in (data_dir / "raw").rglob("*.pdf")]
    assert [p.name for p in stored] == [f"{hashlib.sha256(p.read_bytes()).hexdigest()}.pdf" for p in stored]
    assert len(stored) == 1 and stored[0].parent == data_dir / "raw"  # by its sha256, in the store
    for place in (tmp_path, *tmp_path.parents[:3]):  # what ../../../ could reach
        assert not list(place.glob("evil.pdf")), place
    assert not list(tmp_path.rglob("evil.pdf"))
