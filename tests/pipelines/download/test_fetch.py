"""The downloader against a real local HTTP server, faults injected by the server."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from pipelines.download.fetch import fetch, make_client
from pipelines.demo.local_server import send_bytes
from pipelines.download.raw_store import RawStore
from tests.conftest import drop_mid_body, sample_pdf

PDF = "/content/fy2023_r1_xlsx.pdf"


@pytest.fixture
def store(tmp_path):
    return RawStore(tmp_path / "raw")


def get(site, store, path=PDF, **kw):
    with make_client(timeout=kw.pop("timeout", 5.0)) as client:
        return fetch(site.url + path, store, client, {site.url.split("//")[1]}, backoff_s=0.01, **kw)


def test_download_is_content_addressed_and_recorded(site, store):
    result = get(site, store)
    assert result.status == "downloaded"
    data = sample_pdf("fy2023_r1_xlsx.pdf").read_bytes()
    assert result.bytes == len(data)
    assert store.path_for(result.sha256).read_bytes() == data
    [entry] = store.entries()
    assert entry.url == site.url + PDF and entry.etag and entry.sha256 == result.sha256
    assert not list(store.root.glob(".part-*")), "no temp file left behind"


def test_unchanged_file_is_not_downloaded_again(site, store):
    first = get(site, store)
    second = get(site, store)
    assert second.status == "unchanged" and second.http_status == 304
    assert second.sha256 == first.sha256
    assert site.requests[-1][2].get("If-None-Match") == store.entries()[0].etag


def test_changed_file_is_a_new_version_and_old_raw_file_is_kept(site, site_root, store):
    first = get(site, store)
    target = site_root / "content" / "fy2023_r1_xlsx.pdf"
    target.write_bytes(sample_pdf("fy2023_r1_rl.pdf").read_bytes())
    second = get(site, store)
    assert second.status == "downloaded" and second.sha256 != first.sha256
    assert store.has(first.sha256) and store.has(second.sha256)


@pytest.mark.parametrize(
    "body, ctype, reason",
    [
        (b"", "application/pdf", "empty file"),
        (b"<!DOCTYPE html><html><body>error</body></html>", "application/pdf", "HTML page"),
        (b"<!DOCTYPE html><html></html>", "text/html", "content type 'text/html'"),
        (sample_pdf("fy2019_r1_xlsx.pdf").read_bytes()[:5000], "application/pdf", "truncated PDF"),
    ],
)
def test_bad_bodies_fail_with_a_reason_and_store_nothing(site, store, body, ctype, reason):
    site.faults["/bad.pdf"] = lambda h: send_bytes(h, 200, body, ctype)
    result = get(site, store, "/bad.pdf")
    assert result.status == "failed" and reason in result.error
    assert not list(store.root.glob("*.pdf")) and not list(store.root.glob(".part-*"))
    assert store.entries()[-1].status == "failed"


def test_404_fails_without_retry(site, store):
    result = get(site, store, "/content/missing.pdf")
    assert result.status == "failed" and result.error == "HTTP 404" and result.http_status == 404
    assert site.get_count("/content/missing.pdf") == 1


def test_500_then_success_is_retried(site, store):
    calls = []

    def flaky(h):
        calls.append(1)
        if len(calls) < 3:
            send_bytes(h, 500, b"busy", "text/plain")
        else:
            send_bytes(h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf")

    site.faults["/flaky.pdf"] = flaky
    result = get(site, store, "/flaky.pdf")
    assert result.status == "downloaded" and len(calls) == 3


def test_persistent_500_gives_up_with_attempt_count(site, store):
    site.faults["/down.pdf"] = lambda h: send_bytes(h, 500, b"x", "text/plain")
    result = get(site, store, "/down.pdf", retries=2)
    assert result.status == "failed" and "HTTP 500" in result.error and "3 attempts" in result.error


def test_timeout(site, store):
    def slow(h):
        time.sleep(1.5)
        send_bytes(h, 200, b"%PDF-1.4 late", "application/pdf")

    site.faults["/slow.pdf"] = slow
    result = get(site, store, "/slow.pdf", timeout=0.5, retries=0)
    assert result.status == "failed" and "timed out" in result.error


def test_connection_dropped_mid_body(site, store):
    site.faults["/drop.pdf"] = drop_mid_body
    result = get(site, store, "/drop.pdf", retries=1)
    assert result.status == "failed" and "connection failed" in result.error
    assert not list(store.root.glob("*.pdf")) and not list(store.root.glob(".part-*"))


def test_file_over_size_limit(site, store):
    result = get(site, store, max_bytes=10_000)
    assert result.status == "failed" and "too large" in result.error


def test_host_not_allowed(site, store):
    with make_client() as client:
        result = fetch("http://example.invalid/x.pdf", store, client, {"127.0.0.1:1"})
    assert result.status == "failed" and "not allowed" in result.error


def test_non_http_scheme_refused(store):
    with make_client() as client:
        result = fetch("file:///etc/passwd", store, client, {""})
    assert result.status == "failed" and "only http(s)" in result.error


def test_path_traversal_in_url_cannot_escape_the_store(site, store, tmp_path):
    site.faults["/content/../../evil.pdf"] = lambda h: send_bytes(
        h, 200, sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), "application/pdf"
    )
    result = get(site, store, "/content/%2e%2e/%2e%2e/evil.pdf")
    assert ("GET", "/content/../../evil.pdf") in [r[:2] for r in site.requests]  # the server was asked
    assert result.status == "downloaded", result  # and answered with a PDF: stored, by its sha256
    assert Path(result.path) == Path(store.root) / f"{result.sha256}.pdf"
    assert hashlib.sha256(Path(result.path).read_bytes()).hexdigest() == result.sha256
    files = {p.name for p in tmp_path.rglob("*.pdf")}
    assert "evil.pdf" not in files
    for place in tmp_path.parents[:2]:  # what ../../ could reach from the store
        assert not list(place.glob("evil.pdf")), place
