"""``data/raw/``: downloaded PDFs, content-addressed and never overwritten, plus a manifest.

The manifest (``manifest.jsonl``) is append-only: one JSON line per fetch attempt with
the URL, what came back and when. The latest successful line per URL holds the
validators (ETag / Last-Modified) for the next conditional GET.
"""
from __future__ import annotations

import json
import os
import tempfile
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
        for entry in reversed(self.entries()):
            if entry.url == url and entry.sha256 and self.has(entry.sha256):
                return entry
        return None
