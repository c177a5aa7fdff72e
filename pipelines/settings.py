"""Where things come from and go to: environment, defaults and limits."""
from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path
from urllib.parse import urljoin

PIPELINE_VERSION = importlib.metadata.version("c3p-warehouse")  # a new version re-publishes

DEFAULT_SITE_URL = "https://www.env.go.jp"
MAX_PDF_BYTES = 50 * 1024 * 1024  # the real lists are < 1 MB; anything this big is not one
HTTP_TIMEOUT_S = 30.0
HTTP_RETRIES = 3  # attempts after the first, on 5xx, timeouts and dropped connections
HTTP_BACKOFF_S = 0.5  # first wait between attempts; doubles each time
EXTRACT_TIME_LIMIT_S = 120.0  # per PDF: a parser hung on a hostile file is stopped
USER_AGENT = "c3p-warehouse/0.1 (+https://github.com/; adoption-list ETL)"


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
