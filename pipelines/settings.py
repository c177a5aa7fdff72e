"""Where things come from and go to: environment, defaults and limits."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

# What turns a PDF into rows: its code and data. Their fingerprint is part of the pipeline
# version, so an edit there (a new alias in normalizers/data/org_aliases.csv, a fixed rule)
# makes the next refresh read every list again, as a new release does.
ROW_MAKERS = ("extractors", "normalizers", "pipelines/warehouse/records.py", "pipelines/warehouse/schema.py")


def row_makers_fingerprint(root: Path) -> str:
    """sha1 (10 hex digits) of the ``ROW_MAKERS`` code and data files under ``root``."""
    digest = hashlib.sha1()
    for name in ROW_MAKERS:
        base = root / name
        files = (
            [base]
            if base.is_file()
            else sorted(
                p for p in base.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".json", ".txt")
            )
        )
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def _pipeline_version() -> str:
    fingerprint = row_makers_fingerprint(Path(__file__).resolve().parents[1])
    return f"{importlib.metadata.version('c3p-warehouse')}+{fingerprint}"


def __getattr__(name: str):
    if name == "PIPELINE_VERSION":  # computed on first use: `c3p query` never needs it
        globals()["PIPELINE_VERSION"] = value = _pipeline_version()
        return value
    raise AttributeError(name)


DEFAULT_SITE_URL = "https://www.env.go.jp"
MAX_PDF_BYTES = 50 * 1024 * 1024  # the real lists are < 1 MB; anything this big is not one
HTTP_TIMEOUT_S = 30.0
HTTP_RETRIES = 3  # attempts after the first, on 5xx, timeouts and dropped connections
HTTP_BACKOFF_S = 0.5  # first wait between attempts; doubles each time
DOWNLOAD_DEADLINE_S = 300.0  # per download, every attempt included: a dribbling server is cut
EXTRACT_TIME_LIMIT_S = 120.0  # per PDF: a parser hung on a hostile file is stopped...
EXTRACT_TIME_PER_PAGE_S = 1.0  # ...plus this per page (twice this with the cross-check)
EXTRACT_MEMORY_MB = 3072  # address space of the extraction child (RLIMIT_AS)
CROSSCHECK_FLOOR = 0.9  # a list camelot agrees with on fewer cells is quarantined
WRITER_WAIT_S = 30.0  # how long a refresh waits for a read-write holder of warehouse.duckdb
USER_AGENT = "c3p-warehouse/0.1 (+https://github.com/; adoption-list ETL)"


@dataclass(frozen=True)
class ExtractLimits:
    base_s: float
    per_page_s: float
    memory_mb: int

    def describe(self) -> str:
        return f"{self.base_s:g} s + {self.per_page_s:g} s a page"


def extract_limits(cross_check: bool) -> ExtractLimits:
    """Time and memory allowed to read one PDF (``C3P_EXTRACT_TIME_LIMIT_S``,
    ``C3P_EXTRACT_TIME_PER_PAGE_S``, ``C3P_EXTRACT_MEMORY_MB``; 0 MiB: no memory cap)."""
    per_page = _positive_float("C3P_EXTRACT_TIME_PER_PAGE_S", EXTRACT_TIME_PER_PAGE_S)
    return ExtractLimits(
        _positive_float("C3P_EXTRACT_TIME_LIMIT_S", EXTRACT_TIME_LIMIT_S),
        per_page * (2 if cross_check else 1),
        int(
            _number(
                "C3P_EXTRACT_MEMORY_MB", EXTRACT_MEMORY_MB, "a whole number of MiB, 0 or more", whole=True
            )
        ),
    )


def _positive_float(name: str, default: float) -> float:
    return _number(name, default, "a positive number of seconds", positive=True)


def _number(
    name: str, default: float, expected: str, *, positive: bool = False, whole: bool = False
) -> float:
    """A number from the environment, or a one-line error naming the variable and its value."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        number = -1
    if not (number > 0 if positive else number >= 0):
        raise ValueError(f"{name}={value!r}: expected {expected}")
    return number


def download_deadline_s() -> float:
    """The longest one download may take, retries included (``C3P_DOWNLOAD_DEADLINE_S``)."""
    return _positive_float("C3P_DOWNLOAD_DEADLINE_S", DOWNLOAD_DEADLINE_S)


WORKERS = 2  # lists handled side by side (each extraction is a child process)


def workers() -> int:
    """How many lists a refresh handles side by side (``C3P_WORKERS``, 1-32; default 2)."""
    value = os.environ.get("C3P_WORKERS", "").strip()
    if not value:
        return WORKERS
    if not value.isdigit() or not 1 <= int(value) <= 32:
        raise ValueError(f"C3P_WORKERS={value!r}: expected a whole number from 1 to 32")
    return int(value)


def site_url() -> str:
    """Base URL of the ministry's site (``C3P_SITE_URL``)."""
    return os.environ.get("C3P_SITE_URL", DEFAULT_SITE_URL).rstrip("/")


def press_index_url() -> str:
    """The press-release listing the crawler starts from (``C3P_PRESS_INDEX_URL``)."""
    return os.environ.get("C3P_PRESS_INDEX_URL") or urljoin(site_url() + "/", "press/index.html")


def resolve(url: str) -> str:
    """Resolve a registry or discovered URL against the site URL.

    Absolute ministry URLs are re-rooted on ``C3P_SITE_URL`` so that a local mirror
    can stand in for the ministry's site.
    """
    if url.startswith(DEFAULT_SITE_URL) or url.startswith("http://www.env.go.jp"):
        path = url.split("env.go.jp", 1)[1]
        return site_url() + path
    return urljoin(site_url() + "/", url)


def default_data_dir() -> Path:
    return Path(os.environ.get("C3P_DATA_DIR", "data"))


def is_remote(data_dir: str | os.PathLike) -> bool:
    """Whether the data directory is an fsspec URL (``s3://…``) rather than a folder."""
    return "://" in str(data_dir)


def writer_wait_s() -> float:
    """Seconds a refresh waits for another process to close ``warehouse.duckdb`` read-write
    before it refuses (``C3P_WRITER_WAIT_S``, default ``WRITER_WAIT_S``)."""
    value = os.environ.get("C3P_WRITER_WAIT_S", "").strip()
    try:
        return max(0.0, float(value)) if value else WRITER_WAIT_S
    except ValueError:
        return WRITER_WAIT_S
