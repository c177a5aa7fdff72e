"""The lists to fetch: a ``--sources`` TOML file or the built-in registry."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pipelines import settings


class SourcesFileError(ValueError):
    """The ``--sources`` file is unreadable or malformed; the message names file and entry."""


@dataclass(frozen=True)
class SourceSpec:
    """One adoption list: where its PDF is and which (fiscal_year, call_round) it claims."""

    url: str
    fiscal_year: int
    call_round: int = 1
    press_url: str | None = None
    expected_count: int | None = None
    origin: str = "registry"  # registry / sources-file / discovered

    @property
    def source_id(self) -> str:
        """Stable id of this PDF's place on its site: see ``source_id``."""
        return source_id(self.url)

    @property
    def list_key(self) -> tuple[int, int]:
        return (self.fiscal_year, self.call_round)

    def to_dict(self) -> dict:
        return asdict(self)


def site_path(url: str) -> str:
    """Where a PDF lies on its site: the URL relative to ``C3P_SITE_URL`` when under it,
    else the URL's path and query (scheme, host and port dropped)."""
    site = settings.site_url()
    if url.startswith(site + "/"):
        return url[len(site) :]
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def source_id(url: str) -> str:
    """``src_`` + 10 hex digits of the SHA-1 of ``site_path(url)``.

    The same list location gives the same id whichever host or port serves it (the
    ministry, a mirror on ``C3P_SITE_URL``, the demo's local server on a random port), and
    a re-published PDF at the same URL keeps its id (``sha256`` tells the versions apart).
    """
    return "src_" + hashlib.sha1(site_path(url).encode("utf-8")).hexdigest()[:10]


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot be a list's URL (None when it can): an http(s) URL with a host, no
    control characters or spaces, a well-formed IPv6 literal and port, no ``user:pass@``
    (credentials would be stored in the manifest and published in ``sources.url``)."""
    if not isinstance(url, str):
        return f"url must be an http(s) URL, got {url!r}"
    bad = next((c for c in url if ord(c) < 0x21 or ord(c) == 0x7F), None)
    if bad is not None:
        return f"url holds a control character or space ({bad!r}): {url!r}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number 0-65535
    except ValueError as exc:
        return f"url is malformed ({exc}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"url must be an http(s) URL, got {url!r}"
    if not parts.hostname:
        return f"url has no host: {url!r}"
    if parts.username is not None or parts.password is not None:
        return (
            f"url holds credentials (user:pass@), which would be stored and published:"
            f" {redact(url)!r}; serve the list without them"
        )
    return None


def redact(url: str) -> str:
    """``url`` with any ``user:pass@`` removed (what may be stored or printed)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def load_sources_file(path: str | Path) -> list[SourceSpec]:
    """Read a ``--sources`` TOML file (format in the contract)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesFileError(f"{path}: no such file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"{path}: not valid TOML ({exc})") from None
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesFileError(f"{path}: expected one or more [[source]] tables")
    specs: list[SourceSpec] = []
    for i, entry in enumerate(entries, 1):
        where = f"{path}: [[source]] #{i}"
        unknown = set(entry) - {"url", "fiscal_year", "call_round", "press_url", "expected_count"}
        if unknown:
            raise SourcesFileError(f"{where}: unknown keys {sorted(unknown)}")
        problem = url_problem(entry.get("url"))
        if problem:
            raise SourcesFileError(f"{where}: {problem}")
        url = entry["url"]
        fy = entry.get("fiscal_year")
        if not isinstance(fy, int) or not 2010 <= fy <= 2100:
            raise SourcesFileError(f"{where}: fiscal_year must be a western year, got {fy!r}")
        rnd = entry.get("call_round", 1)
        if not isinstance(rnd, int) or not 1 <= rnd <= 9:
            raise SourcesFileError(f"{where}: call_round must be 1..9, got {rnd!r}")
        expected = entry.get("expected_count")
        if expected is not None and (not isinstance(expected, int) or expected < 0):
            raise SourcesFileError(f"{where}: expected_count must be a whole number")
        spec = SourceSpec(url, fy, rnd, entry.get("press_url"), expected, origin="sources-file")
        same_place = [j for j, s in enumerate(specs, 1) if s.url != url and s.source_id == spec.source_id]
        if same_place:
            raise SourcesFileError(
                f"{where}: {url} has the same path as [[source]] #{same_place[0]}"
                f" ({specs[same_place[0] - 1].url}) on another host; the two would share one"
                f" source_id: give one list one URL"
            )
        specs.append(spec)
    return specs


def allowed_hosts(specs: list[SourceSpec], site_url: str, from_sources_file: bool) -> set[str]:
    """Hosts downloads may go to: the site's, plus those named in a ``--sources`` file."""
    hosts = {urlsplit(site_url).netloc}
    if from_sources_file:
        hosts |= {urlsplit(s.url).netloc for s in specs if s.origin == "sources-file"}
    return hosts
