"""The downloader: conditional GET with retries, verified PDFs into the raw store.

Only http(s) URLs on allowed hosts are fetched. A body is streamed to a temp file
inside ``data/raw``, checked (size limit, ``%PDF-`` magic, ``%%EOF`` trailer, content
type) and renamed to its sha256 address. Nothing about a failed download reaches
the store: the failure is returned and recorded in the manifest.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from pipelines import settings
from pipelines.download.raw_store import ManifestEntry, RawStore
from pipelines.sources.spec import redact, url_problem

ACCEPTED_TYPES = (
    "application/pdf",
    "application/octet-stream",
    "binary/octet-stream",
    "application/x-pdf",
    "application/download",
)


class FetchError(Exception):
    """A download that cannot succeed, with a reason a user can act on."""

    def __init__(self, reason: str, http_status: int | None = None, retryable: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.http_status = http_status
        self.retryable = retryable


@dataclass
class FetchResult:
    url: str
    status: str  # downloaded / unchanged / failed
    fetched_at: str
    sha256: str | None = None
    path: str | None = None
    bytes: int | None = None
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def now_utc() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_client(timeout: float | None = None) -> httpx.Client:
    timeout = settings.HTTP_TIMEOUT_S if timeout is None else timeout
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        headers={"User-Agent": settings.USER_AGENT},
    )


def conditional_headers(entry: ManifestEntry) -> dict[str, str]:
    """The validators of a stored download, as the headers of a conditional GET."""
    return {
        name: value
        for name, value in (("If-None-Match", entry.etag), ("If-Modified-Since", entry.last_modified))
        if value
    }


def check_url(url: str, allowed_hosts: set[str]) -> None:
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError(f"malformed URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http(s) URLs are fetched, not {parts.scheme or 'a bare path'}")
    problem = url_problem(url)
    if problem:
        raise FetchError(problem)
    if parts.netloc not in allowed_hosts:
        raise FetchError(
            f"host {parts.netloc!r} is not allowed (allowed: {', '.join(sorted(allowed_hosts))});"
            " name it in a --sources file to fetch from it"
        )


def fetch(
    url: str,
    store: RawStore,
    client: httpx.Client,
    allowed_hosts: set[str],
    *,
    retries: int | None = None,
    backoff_s: float | None = None,
    max_bytes: int | None = None,
    deadline_s: float | None = None,
    force: bool = False,
) -> FetchResult:
    """Fetch one PDF; never raises for a download problem, returns a failed result.

    ``retries``, ``backoff_s``, ``max_bytes`` and ``deadline_s`` (the whole download, every
    attempt included) default to the values in ``settings``. ``force``: an unconditional GET
    (no If-None-Match / If-Modified-Since), so a server's stale validator cannot keep old bytes.
    """
    deadline_s = settings.download_deadline_s() if deadline_s is None else deadline_s
    url_for_request, url = url, redact(url)  # no user:pass@ is stored (check_url refuses it)
    retries = settings.HTTP_RETRIES if retries is None else retries
    backoff_s = settings.HTTP_BACKOFF_S if backoff_s is None else backoff_s
    max_bytes = settings.MAX_PDF_BYTES if max_bytes is None else max_bytes
    fetched_at = now_utc()
    previous = store.last_good(url)
    try:
        check_url(url_for_request, allowed_hosts)
        result = _fetch_with_retries(
            url,
            store,
            client,
            previous,
            retries,
            backoff_s,
            max_bytes,
            allowed_hosts,
            deadline_s,
            conditional=not force,
        )
    except FetchError as exc:
        result = FetchResult(url, "failed", fetched_at, http_status=exc.http_status, error=exc.reason)
    except Exception as exc:  # noqa: BLE001 - whatever else goes wrong is this source's failure
        result = FetchResult(url, "failed", fetched_at, error=f"download failed: {type(exc).__name__}: {exc}")
    store.record(
        ManifestEntry(
            url=url,
            fetched_at=result.fetched_at,
            status=result.status,
            sha256=result.sha256,
            bytes=result.bytes,
            http_status=result.http_status,
            error=result.error,
            etag=result.etag,
            last_modified=result.last_modified,
        )
    )
    return result


def _fetch_with_retries(
    url, store, client, previous, retries, backoff_s, max_bytes, allowed_hosts, deadline_s, conditional=True
):
    attempt = 0
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            return _fetch_once(
                url, store, client, previous, max_bytes, allowed_hosts, deadline, deadline_s, conditional
            )
        except FetchError as exc:
            wait = backoff_s * 2**attempt
            if not exc.retryable or attempt >= retries or time.monotonic() + wait > deadline:
                if exc.retryable and attempt:
                    exc.reason += f" (after {attempt + 1} attempts)"
                raise
        attempt += 1
        time.sleep(wait)


class _Overdue(Exception):
    pass


def _fetch_once(
    url,
    store,
    client,
    previous,
    max_bytes,
    allowed_hosts,
    deadline,
    deadline_s,
    conditional=True,
    redirects=0,
):
    headers = conditional_headers(previous) if previous and conditional else {}
    try:
        with client.stream(
            "GET", url, headers=headers, extensions={"timeout": _timeouts(client, deadline)}
        ) as response:
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                target = str(response.url.join(response.headers["location"]))
                if redirects >= 5:
                    raise FetchError("too many redirects", status)
                check_url(target, allowed_hosts)
                response.close()
                return _fetch_once(
                    target,
                    store,
                    client,
                    previous,
                    max_bytes,
                    allowed_hosts,
                    deadline,
                    deadline_s,
                    conditional,
                    redirects + 1,
                )
            if status == 304 and previous:
                return FetchResult(
                    url,
                    "unchanged",
                    now_utc(),
                    previous.sha256,
                    str(store.path_for(previous.sha256)),
                    previous.bytes,
                    304,
                    etag=previous.etag,
                    last_modified=previous.last_modified,
                )
            if status >= 500 or status == 429:
                raise FetchError(f"HTTP {status} from server", status, retryable=True)
            if status != 200:
                raise FetchError(f"HTTP {status}", status)
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype and ctype not in ACCEPTED_TYPES:
                raise FetchError(f"not a PDF: content type {ctype!r}", status)
            length = response.headers.get("content-length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"file too large: {int(length)} bytes > limit {max_bytes}", status)
            sha, size, temp = _stream_to_temp(response, store, max_bytes, deadline)
            etag = response.headers.get("etag")
            last_modified = response.headers.get("last-modified")
    except _Overdue:
        raise FetchError(
            f"download took longer than its deadline of {deadline_s:g} s (C3P_DOWNLOAD_DEADLINE_S)"
        ) from None
    except httpx.TimeoutException as exc:
        if time.monotonic() >= deadline:
            raise FetchError(
                f"download took longer than its deadline of {deadline_s:g} s (C3P_DOWNLOAD_DEADLINE_S)"
            ) from None
        raise FetchError(f"timed out ({type(exc).__name__})", retryable=True) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError, httpx.WriteError) as exc:
        raise FetchError(f"connection failed: {exc or type(exc).__name__}", retryable=True) from None
    except httpx.DecodingError as exc:
        raise FetchError(f"the server's body could not be decoded ({exc})") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"download failed: {type(exc).__name__}: {exc}") from None
    try:
        _verify_pdf(temp, size)
    except FetchError:
        temp.unlink(missing_ok=True)
        raise
    path = store.commit(temp, sha)
    unchanged = previous is not None and previous.sha256 == sha
    return FetchResult(
        url,
        "unchanged" if unchanged else "downloaded",
        now_utc(),
        sha,
        str(path),
        size,
        200,
        etag=etag,
        last_modified=last_modified,
    )


def _timeouts(client: httpx.Client, deadline: float) -> dict[str, float | None]:
    """The client's timeouts, none longer than what is left before the download's deadline."""
    left = max(0.01, deadline - time.monotonic())
    return {k: left if v is None else min(v, left) for k, v in client.timeout.as_dict().items()}


def _stream_to_temp(response: httpx.Response, store: RawStore, max_bytes: int, deadline: float):
    digest = hashlib.sha256()
    size = 0
    fd, temp = store.temp_file()
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in response.iter_bytes():  # as they come: no wait for 64 kB
                if time.monotonic() > deadline:  # a server dribbling bytes under the timeouts
                    raise _Overdue()
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"file too large: more than {max_bytes} bytes")
                digest.update(chunk)
                fh.write(chunk)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size, temp


def _verify_pdf(path: Path, size: int) -> None:
    if size == 0:
        raise FetchError("empty file (0 bytes)")
    with open(path, "rb") as fh:
        head = fh.read(1024)
        fh.seek(0)
        trailer = _has_eof_marker(fh)
    if b"%PDF-" not in head[:1024]:
        sniff = head[:64].lstrip().lower()
        kind = "an HTML page" if sniff.startswith((b"<!doctype", b"<html")) else "not a PDF"
        raise FetchError(f"not a PDF: the body is {kind} (no %PDF- header)")
    if not trailer:
        raise FetchError("truncated PDF: no %%EOF trailer in the file")


def _has_eof_marker(fh) -> bool:
    """Whether ``%%EOF`` occurs anywhere: bytes after it (padding, a signature) are fine."""
    carry = b""
    while chunk := fh.read(1 << 20):
        if b"%%EOF" in carry + chunk:
            return True
        carry = chunk[-4:]
    return False
