"""A data directory in object storage: ``--data-dir s3://bucket/c3p`` (any fsspec URL).

The pipeline works on a local copy (``~/.cache/c3p/<hash of the URL>``, or
``C3P_CACHE_DIR``): ``pull`` brings the remote raw store, registry and published tables
down before a command; ``push`` sends what a refresh wrote back up. The published Parquet
files and ``warehouse.duckdb`` are uploaded after the new raw files, each object whole, so
a reader of the bucket sees complete files. One writer at a time: the lock is local, so run
the scheduled refresh from one machine.

``synced(data_dir)`` is the one way a command uses it: a local folder passes through; a URL
is pulled, the command works on the copy, and what it changed goes back up.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from pipelines.decisions.files import FILES as DECISION_FILES
from pipelines.settings import is_remote
from pipelines.warehouse import versions
from pipelines.warehouse.versions import CURATED, VERSION_FILE, WAREHOUSE

TOP_FILES = ("registry_discovered.json", "crawl_state.json", *DECISION_FILES)
# the published version, uploaded after its tables (version.json last: it names them)
VERSION_FILES = (WAREHOUSE, VERSION_FILE)
PULLED = "pulled"  # prefix of the local copy's versions made from the bucket's tables
STATE_FILES = ("registry_discovered.json", "crawl_state.json")  # a crawl changes them even
# when nothing is published
# written by people in the bucket, read by a refresh, never uploaded back
READ_ONLY_FILES = ("crosscheck_acknowledged.csv",)


def cache_dir(url: str) -> Path:
    root = Path(os.environ.get("C3P_CACHE_DIR", Path.home() / ".cache" / "c3p"))
    return root / hashlib.sha1(url.rstrip("/").encode()).hexdigest()[:16]


class RemoteDataDir:
    def __init__(self, url: str):
        import fsspec

        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url)
        self.local = cache_dir(self.url)

    def pull(self) -> Path:
        """Mirror the remote data directory into the local copy; returns the local path."""
        self.local.mkdir(parents=True, exist_ok=True)
        if not self.fs.exists(self.root):
            return self.local
        remote_raw = f"{self.root}/raw"
        if self.fs.exists(remote_raw):
            (self.local / "raw").mkdir(exist_ok=True)
            for path in self.fs.ls(remote_raw, detail=False):
                name = path.rsplit("/", 1)[-1]
                target = self.local / "raw" / name
                # raw PDFs are content-addressed: present means identical
                if name.endswith(".pdf") and target.exists():
                    continue
                self.fs.get(path, str(target))
        for name in TOP_FILES + READ_ONLY_FILES:
            if self.fs.exists(f"{self.root}/{name}"):
                self.fs.get(f"{self.root}/{name}", str(self.local / name))
            elif name in DECISION_FILES + READ_ONLY_FILES:  # removed in the bucket: no more
                (self.local / name).unlink(missing_ok=True)
        self._pull_version()
        return self.local

    def _pull_version(self) -> None:
        """The bucket's published tables as the local copy's current version (switched in
        whole, as a publish is; a bucket without ``version.json`` is re-published by the next
        refresh, since the check of one whole version fails)."""
        if not self.fs.exists(f"{self.root}/{WAREHOUSE}"):
            return
        versions.clean(self.local)
        run = f"{PULLED}-{os.urandom(4).hex()}"  # beside the local copy's current version
        version = versions.version_dir(self.local, run)
        version.mkdir(parents=True)
        for name in VERSION_FILES:
            if self.fs.exists(f"{self.root}/{name}"):
                self.fs.get_file(f"{self.root}/{name}", str(version / name))
        for path in self.fs.find(f"{self.root}/{CURATED}"):
            target = version / CURATED / path[len(self.root) + len(CURATED) + 2 :]
            target.parent.mkdir(parents=True, exist_ok=True)
            self.fs.get_file(path, str(target))
        versions.fsync_tree(version)
        versions.switch(self.local, run, wait_s=0.0)

    def push(self) -> None:
        """Upload new raw files, the manifest, the published tables and the warehouse."""
        self.fs.makedirs(f"{self.root}/raw", exist_ok=True)
        remote_raw = set(self.fs.ls(f"{self.root}/raw", detail=False))
        for path in sorted((self.local / "raw").glob("*")):
            target = f"{self.root}/raw/{path.name}"
            if path.name.endswith(".pdf") and target in remote_raw:
                continue
            if path.name.startswith("."):
                continue
            self.fs.put_file(str(path), target)
        published = {}
        for table in sorted((self.local / CURATED).iterdir()):
            if table.name.startswith("."):
                continue
            source = table.resolve()
            for file in sorted(source.rglob("*.parquet")):
                published[f"{self.root}/{CURATED}/{table.name}/{file.relative_to(source)}"] = file
        for target, file in published.items():
            self.fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            self.fs.put_file(str(file), target)
        stale = [p for p in self.fs.find(f"{self.root}/{CURATED}") if p not in published]
        if stale:
            self.fs.rm(stale)
        self._put(TOP_FILES)
        self._put(VERSION_FILES, self.local / versions.CURRENT)

    def push_state(self) -> None:
        """Upload only the registry and crawl state (after a run that published nothing)."""
        self._put(STATE_FILES)

    def push_decisions(self) -> None:
        """Upload the local copy's decision files (after ``c3p review accept|reject``)."""
        self.fs.makedirs(self.root, exist_ok=True)
        self._put(DECISION_FILES)

    def _put(self, names, folder: Path | None = None) -> None:
        folder = folder or self.local
        for name in names:
            if (folder / name).exists():
                self.fs.put_file(str(folder / name), f"{self.root}/{name}")

    def drop_local(self) -> None:
        shutil.rmtree(self.local, ignore_errors=True)


def _published(local: Path) -> str | None:
    version = versions.current_version(local)
    return version.name if version is not None else None


@contextmanager
def synced(data_dir: str | Path):
    """The data directory as a local folder for the body: a folder as it is; an fsspec URL
    pulled into its local copy, and afterwards pushed back — the published version when the
    body switched to a new one, else the registry and crawl state only. Nothing is pushed
    when the body raises."""
    if not is_remote(data_dir):
        yield Path(data_dir)
        return
    remote = RemoteDataDir(str(data_dir))
    local = remote.pull()
    before = _published(local)
    yield local
    if _published(local) != before:
        remote.push()
    else:
        remote.push_state()
