"""A small HTTP server on 127.0.0.1 serving a folder, for the demo and the tests.

It speaks enough HTTP for the real downloader to be exercised: Content-Type,
Content-Length, ETag and Last-Modified, and 304 on a matching conditional GET.
A URL with a query is served from a file named ``<path>@<query>.html`` (the old site's
``/press/press.php?serial=NNNNN``).  Tests inject faults through ``faults``: a mapping of URL path to a callable that
takes the request handler and answers instead of the file.
"""

from __future__ import annotations

import email.utils
import hashlib
import mimetypes
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

Fault = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hung up (timeouts in tests) is expected, not worth a traceback.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LocalSite:
    """Serve ``root`` on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, root: str | Path, port: int = 0):
        self.root = Path(root).resolve()
        self.faults: dict[str, Fault] = {}
        self.etags = True  # False: answer like a server that only knows Last-Modified
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test and demo output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                site.requests.append(("GET", path, dict(self.headers.items())))
                fault = site.faults.get(path)
                if fault is not None:
                    fault(self)
                    return
                if parts.query:  # /press/press.php?serial=1 is served from press/press.php@serial=1.html
                    path = f"{path}@{unquote(parts.query)}.html"
                site._serve_file(self, path)

        self._server = _QuietServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def get_count(self, path: str) -> int:
        """How many GET requests reached ``path`` (including 304 answers)."""
        return sum(1 for method, p, _ in self.requests if method == "GET" and p == path)

    def start(self) -> "LocalSite":
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LocalSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve_file(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        target = (self.root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(self.root) or not target.is_file():
            send_bytes(handler, 404, b"not found", "text/plain")
            return
        body = target.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        last_modified = email.utils.formatdate(target.stat().st_mtime, usegmt=True)
        since = handler.headers.get("If-Modified-Since")
        if handler.headers.get("If-None-Match") == etag or (
            since and not self.etags and since == last_modified
        ):
            handler.send_response(304)
            if self.etags:
                handler.send_header("ETag", etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/"):
            ctype += "; charset=utf-8"
        validators = {"ETag": etag} if self.etags else {}
        send_bytes(handler, 200, body, ctype, {**validators, "Last-Modified": last_modified})


def send_bytes(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a request with a whole body."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
