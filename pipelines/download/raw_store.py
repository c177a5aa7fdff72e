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
            os.chmod(temp, 0o644)  # mkstemp makes 0600; raw files are read like the rest
            os.replace(temp, final)
        return final

    def record(self, entry: ManifestEntry) -> None:
        line = json.dumps(asdict(entry), ensure_ascii=False)
        with _RECORD_LOCK, open(self.manifest_path, "ab") as fh:  # one line at a time
            if fh.tell() and not _ends_with_newline(self.manifest_path):
                line = "\n" + line  # a line cut by a crash stays alone, not glued to this one
            fh.write((line + "\n").encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())

    def problems(self) -> list[str]:
        """One line per damaged manifest (lines that are not UTF-8 JSON entries: skipped,
        the next fetch of their URL records it again)."""
        _with_file(self.manifest_path)
        bad = _DAMAGED.get(self.manifest_path, [])
        if not bad:
            return []
        return [
            f"{self.manifest_path}: {len(bad)} damaged line(s) skipped (line"
            f" {', '.join(map(str, bad[:5]))}{', ...' if len(bad) > 5 else ''});"
            " their URLs are downloaded again"
        ]

    def remove_leftovers(self) -> int:
        """Remove ``.part-*`` files a killed download left behind; how many there were.
        Only while no download runs (the refresh holds the data directory's lock)."""
        found = 0
        for part in self.root.glob(".part-*"):
            part.unlink(missing_ok=True)
            found += 1
        return found

    def entries(self) -> list[ManifestEntry]:
        if not self.manifest_path.exists():
            return []
        lines = self.manifest_path.read_bytes().splitlines()
        return [e for e in map(_parse, lines) if e is not None]

    def last_good(self, url: str) -> ManifestEntry | None:
        """The latest entry for ``url`` that has a stored file."""
        for entry in reversed(_with_file(self.manifest_path).get(url, [])):
            if entry.sha256 is not None and self.has(entry.sha256):
                return entry
        return None

    def last_good_by_url(self) -> dict[str, ManifestEntry]:
        """``last_good`` of every URL in the manifest, from one reading of it."""
        found: dict[str, ManifestEntry] = {}
        for url, entries in _with_file(self.manifest_path).items():
            for entry in reversed(entries):
                if entry.sha256 is not None and self.has(entry.sha256):
                    found[url] = entry
                    break
        return found


# manifest path -> (bytes read so far, url -> its entries that name a stored file, in order).
# The manifest only grows, so each look-up reads just the lines appended since the last one,
# not the whole history once per URL.
_INDEX: dict[Path, tuple[int, dict[str, list[ManifestEntry]]]] = {}
_INDEX_LOCK = threading.Lock()
_RECORD_LOCK = threading.Lock()
_DAMAGED: dict[Path, list[int]] = {}  # manifest path -> numbers of its damaged lines
_LINES: dict[Path, int] = {}  # manifest path -> lines indexed so far


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


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
            _DAMAGED.pop(manifest, None)
        if size > offset:
            with open(manifest, "rb") as fh:
                fh.seek(offset)
                chunk = fh.read(size - offset)
            complete = chunk[: chunk.rfind(b"\n") + 1]  # a line still being written waits
            offset += len(complete)
            by_url = dict(by_url)  # a new index: readers may still iterate the old one
            first = _LINES.get(manifest, 0) if offset > len(complete) else 0
            lines = complete.split(b"\n")[:-1]
            _LINES[manifest] = first + len(lines)
            for number, line in enumerate(lines, first + 1):
                entry = _parse(line)
                if entry is None and line.strip():
                    _DAMAGED.setdefault(manifest, []).append(number)
                if entry is not None and entry.sha256:
                    by_url[entry.url] = [*by_url.get(entry.url, ()), entry]
            _INDEX[manifest] = (offset, by_url)
        return by_url


def _parse(line: bytes) -> ManifestEntry | None:
    try:
        return ManifestEntry(**json.loads(line.decode("utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError):
        return None  # a line cut by a crash mid-write, or damaged: the next fetch re-records
