"""``data/raw/``: downloaded PDFs, content-addressed and never overwritten, plus a manifest.

The manifest (``manifest.jsonl``) is append-only: one JSON line per fetch attempt with
the URL, what came back and when. The latest successful line per URL holds the
validators (ETag / Last-Modified) for the next conditional GET.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class ManifestEntry:
    url: str
    fetched_at: str
    status: str  # downloaded / unchanged / failed
    sha256: str | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    http_status: int | None = None
    error: str | None = None


class RawStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest_path = self.root / "manifest.jsonl"

    def path_for(self, sha256: str) -> Path:
        return self.root / f"{sha256}.pdf"

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def temp_file(self) -> tuple[int, Path]:
        """A temp file inside the store, so the final rename stays on one file system."""
        fd, name = tempfile.mkstemp(dir=self.root, prefix=".part-", suffix=".pdf")
        return fd, Path(name)

    def commit(self, temp: Path, sha256: str) -> Path:
        """Move a verified temp file to its content address; an existing copy is kept."""
        final = self.path_for(sha256)
        if final.exists():
            temp.unlink()
        else:
            os.replace(temp, final)
        return final

    def record(self, entry: ManifestEntry) -> None:
        line = json.dumps(asdict(entry), ensure_ascii=False)
        with open(self.manifest_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def entries(self) -> list[ManifestEntry]:
        if not self.manifest_path.exists():
            return []
        out = []
        for line in self.manifest_path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                out.append(ManifestEntry(**json.loads(line)))
            except (json.JSONDecodeError, TypeError):
                continue  # a line cut by a crash mid-write: the next fetch re-records
        return out

    def last_good(self, url: str) -> ManifestEntry | None:
        """The latest entry for ``url`` that has a stored file."""
        for entry in reversed(_with_file(self.manifest_path).get(url, [])):
            if self.has(entry.sha256):
                return entry
        return None

    def last_good_by_url(self) -> dict[str, ManifestEntry]:
        """``last_good`` of every URL in the manifest, from one reading of it."""
        found = {}
        for url, entries in _with_file(self.manifest_path).items():
            for entry in reversed(entries):
                if self.has(entry.sha256):
                    found[url] = entry
                    break
        return found


# manifest path -> (bytes read so far, url -> its entries that name a stored file, in order).
# The manifest only grows, so each look-up reads just the lines appended since the last one,
# not the whole history once per URL.
_INDEX: dict[Path, tuple[int, dict[str, list[ManifestEntry]]]] = {}
_INDEX_LOCK = threading.Lock()


def _with_file(manifest: Path) -> dict[str, list[ManifestEntry]]:
    with _INDEX_LOCK:
        try:
            size = manifest.stat().st_size
        except FileNotFoundError:
            _INDEX.pop(manifest, None)
            return {}
        offset, by_url = _INDEX.get(manifest, (0, {}))
        if size < offset:  # replaced or cut: read it again from the start
            offset, by_url = 0, {}
        if size > offset:
            with open(manifest, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read(size - offset)
            complete = chunk[:chunk.rfind(b"\n") + 1]  # a line still being written waits
            offset += len(complete)
            by_url = dict(by_url)  # a new index: readers may still iterate the old one
            for line in complete.splitlines():
                entry = _parse(line)
                if entry is not None and entry.sha256:
                    by_url[entry.url] = [*by_url.get(entry.url, ()), entry]
            _INDEX[manifest] = (offset, by_url)
        return by_url


def _parse(line: bytes) -> ManifestEntry | None:
    try:
        return ManifestEntry(**json.loads(line.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError):
        return None  # a line cut by a crash mid-write, or damaged: the next fetch re-records
