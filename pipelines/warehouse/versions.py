"""The published warehouse as one whole version behind one pointer.

::

    DATA_DIR/current           -> .versions/<run>             the one pointer, switched by rename
    DATA_DIR/curated           -> current/curated             stable paths for readers (made once)
    DATA_DIR/warehouse.duckdb  -> current/warehouse.duckdb
    DATA_DIR/.versions/<run>/curated/<table>/…   every table's Parquet
    DATA_DIR/.versions/<run>/warehouse.duckdb    the same tables in DuckDB
    DATA_DIR/.versions/<run>/version.json        the run and each table's row count

A version is written completely and fsynced before ``switch`` replaces ``current`` (one
``rename``), so a reader — and the next run — sees either the previous version or the new
one, never a mix; the previous version is removed only after the switch. DuckDB resolves the
links, so its lock and its ``.wal`` belong to the real file of one version.

This module needs DuckDB and the standard library only (no pyarrow): the no-op refresh uses it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import struct
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import CommandError

CURRENT = "current"
VERSIONS = ".versions"
CURATED = "curated"
WAREHOUSE = "warehouse.duckdb"
VERSION_FILE = "version.json"
# the stable paths readers use, and what they point to (relative, so a copied folder works)
STABLE_LINKS = {CURATED: f"{CURRENT}/{CURATED}", WAREHOUSE: f"{CURRENT}/{WAREHOUSE}"}


class WarehouseBusy(CommandError):
    """Another process holds ``warehouse.duckdb`` read-write: nothing is published (exit 2)."""

    def __init__(self, message: str):
        super().__init__(message, exit_code=2)


def fault_point(step: str) -> None:
    """Called between the steps of a switch; the tests raise here to cut a switch short."""


def version_dir(data_dir: Path, run_id: str) -> Path:
    return Path(data_dir) / VERSIONS / run_id


def current_version(data_dir: Path) -> Path | None:
    """The folder ``current`` points at (None before the first publish)."""
    link = Path(data_dir) / CURRENT
    if not link.is_symlink():
        return None
    target = Path(data_dir) / os.readlink(link)
    return target if target.is_dir() else None


def write_version_file(version: Path, run_id: str, counts: dict[str, int]) -> None:
    (version / VERSION_FILE).write_text(
        json.dumps({"run_id": run_id, "tables": counts}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_version_file(version: Path) -> dict | None:
    try:
        data = json.loads((version / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        return None
    return data


def fsync_tree(root: Path) -> None:
    """Every file and folder under ``root`` (and ``root``) on disk before the switch."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(folder, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(folder))
    _fsync_dir(root.parent)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- a writer on the warehouse

_FLOCK = "hhqqi"  # struct flock on Linux: l_type, l_whence, l_start, l_len, l_pid


def writer_pid(path: Path) -> int | None:
    """The PID of a process holding ``path`` read-write (DuckDB keeps an fcntl write lock on
    its file while a read-write connection is open), 0 when the PID is not known (not Linux),
    or None. Readers do not count."""
    try:
        fd = os.open(Path(path).resolve(), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        if sys.platform.startswith("linux"):  # F_GETLK names the holder
            query = struct.pack(_FLOCK, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
            l_type, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
            return pid if l_type != fcntl.F_UNLCK else None
        try:  # elsewhere struct flock is laid out differently: a shared lock tells, not who
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None
        except OSError:
            return 0
    finally:
        os.close(fd)


def _busy(path: Path, pid: int | None, waited_s: float) -> WarehouseBusy:
    who = f"PID {pid}" if pid else "a process"
    return WarehouseBusy(
        f"{path}: held open read-write by another process ({who}) for {waited_s:.0f} s;"
        " nothing published, the previous version stays; close that connection"
        " (read_only=True in a notebook) and run again"
    )


def wait_for_no_writer(data_dir: Path, wait_s: float) -> None:
    """Return once no process holds the published warehouse read-write; after ``wait_s``
    seconds raise ``WarehouseBusy`` naming the holder."""
    path = Path(data_dir) / WAREHOUSE
    deadline = time.monotonic() + wait_s
    while (pid := writer_pid(path)) is not None:  # 0: a writer, PID unknown
        if time.monotonic() >= deadline:
            raise _busy(path, pid, wait_s)
        time.sleep(0.2)


@contextmanager
def no_writer(data_dir: Path, wait_s: float):
    """Hold a shared lock on the published DuckDB file: no read-write connection can open it
    while the version is switched (DuckDB refuses to open a file another process locks), and
    none is open now (after waiting up to ``wait_s`` seconds, ``WarehouseBusy``)."""
    path = Path(data_dir) / WAREHOUSE
    try:
        fd = os.open(path.resolve(), os.O_RDONLY)
    except FileNotFoundError:  # nothing published yet
        yield
        return
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise
                if time.monotonic() >= deadline:
                    raise _busy(path, writer_pid(path), wait_s) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


# ---------------------------------------------------------------- the switch


def switch(data_dir: Path, run_id: str, wait_s: float) -> None:
    """Make ``.versions/<run_id>`` (complete and on disk) the published version: one atomic
    replacement of ``current``, under a lock that keeps writers of the warehouse out; then
    remove the previous version and whatever killed runs left."""
    data_dir = Path(data_dir)
    with no_writer(data_dir, wait_s):
        fault_point("before-switch")
        replaced = current_version(data_dir)
        _replace_link(data_dir / CURRENT, Path(VERSIONS) / run_id, f".{CURRENT}.tmp", made="pointer-made")
        _fsync_dir(data_dir)
        fault_point("switched")
        _stable_links(data_dir)
        if replaced is not None and replaced.name != run_id:
            _remember_previous(data_dir, replaced.name)
    fault_point("before-cleanup")
    clean(data_dir)


def _remember_previous(data_dir: Path, name: str) -> None:
    """Name the replaced version in ``.previous``. A dead writer's WAL in it goes (no writer
    holds the file: checked under the same lock); its changes were never published."""
    for wal in (data_dir / VERSIONS / name).glob("*.wal"):
        wal.unlink(missing_ok=True)
    _replace_link(data_dir / PREVIOUS, Path(VERSIONS) / name, f"{PREVIOUS}.tmp")


def _replace_link(link: Path, target: Path | str, tmp_name: str, made: str | None = None) -> None:
    """Point ``link`` at ``target`` in one rename: a reader finds the old link or the new one,
    never none. The new link is made beside it as ``tmp_name`` first (``made``: the fault
    point the tests stop at between the two steps)."""
    tmp = link.parent / tmp_name
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    if made is not None:
        fault_point(made)
    os.replace(tmp, link)


def _stable_links(data_dir: Path) -> None:
    """``curated`` and ``warehouse.duckdb`` as links through ``current`` (made once; a data
    directory of an older layout — a ``curated/`` folder of table links, a plain DuckDB file —
    is converted here, after ``current`` is in place)."""
    for name, target in STABLE_LINKS.items():
        path = data_dir / name
        if path.is_symlink() and os.readlink(path) == target:
            continue
        if path.is_dir() and not path.is_symlink():  # a folder cannot be renamed over
            aside = data_dir / VERSIONS / f".old-{name}"
            shutil.rmtree(aside, ignore_errors=True)
            os.rename(path, aside)
        _replace_link(path, target, f".{name}.link")
    # A plain warehouse.duckdb (older layout) kept its WAL beside it; the file it belonged to
    # is gone, and no writer holds it (checked): it must not meet the new file.
    (data_dir / f"{WAREHOUSE}.wal").unlink(missing_ok=True)
    _fsync_dir(data_dir)


PREVIOUS = ".previous"  # DATA_DIR/.previous -> .versions/<run> the switch replaced


def previous_version(data_dir: Path) -> Path | None:
    """The version the last switch replaced, while it is whole: kept until the next switch,
    because a reader may have resolved ``warehouse.duckdb`` or ``curated/`` through
    ``current`` just before the switch and open the files a moment later (DuckDB follows
    the links before it opens)."""
    link = Path(data_dir) / PREVIOUS
    if not link.is_symlink():
        return None
    version = Path(data_dir) / os.readlink(link)
    return version if (version / VERSION_FILE).is_file() else None


def clean(data_dir: Path) -> None:
    """Remove every version but the published one and the one before it (see
    ``previous_version``), and the litter of killed runs (half-made links, unfinished
    versions). Nothing published is touched."""
    data_dir = Path(data_dir)
    for name in (CURRENT, *STABLE_LINKS):
        (data_dir / f".{name}.{'tmp' if name == CURRENT else 'link'}").unlink(missing_ok=True)
    (data_dir / f"{PREVIOUS}.tmp").unlink(missing_ok=True)
    live = current_version(data_dir)
    previous = previous_version(data_dir) if live is not None else None
    keep = {v.name for v in (live, previous) if v is not None}
    versions = data_dir / VERSIONS
    if versions.exists():
        for version in versions.iterdir():
            if version.name not in keep:
                if version.is_dir() and not version.is_symlink():
                    shutil.rmtree(version, ignore_errors=True)
                else:
                    version.unlink(missing_ok=True)


# ---------------------------------------------------------------- is it one whole version?


def whole_version_problem(data_dir: Path) -> str | None:
    """Why what is published is not one whole version (None when it is): the pointer, the
    stable links, ``version.json``, and every table's rows in DuckDB and in Parquet equal to
    the counts ``version.json`` names. DuckDB only (no pyarrow)."""
    import duckdb

    data_dir = Path(data_dir)
    version = current_version(data_dir)
    if version is None:
        return "no current version (published by an older layout, or not at all)"
    for name in STABLE_LINKS:
        path = data_dir / name
        if not path.exists() or path.resolve() != (version / name).resolve():
            return f"{path} does not lead to the current version {version.name}"
    manifest = read_version_file(version)
    if manifest is None:
        return f"{version / VERSION_FILE}: missing or unreadable"
    try:
        con = duckdb.connect(str(version / WAREHOUSE), read_only=True)
    except duckdb.Error as exc:
        return f"{version / WAREHOUSE}: {str(exc).splitlines()[0]}"
    try:
        for table, expected in sorted(manifest["tables"].items()):
            in_duckdb = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]  # count(*) gives a row
            glob = str(version / CURATED / table / "**" / "*.parquet")
            in_parquet = con.execute("SELECT count(*) FROM read_parquet(?)", [glob]).fetchone()[0]  # type: ignore[index]  # count(*) gives a row
            if not in_duckdb == in_parquet == expected:
                return (
                    f"table {table}: version.json says {expected} rows, DuckDB has"
                    f" {in_duckdb}, Parquet {in_parquet}"
                )
    except duckdb.Error as exc:
        return f"{version.name}: {str(exc).splitlines()[0]}"
    finally:
        con.close()
    return None


# ---------------------------------------------------------------- a no-op check, recorded


def record_check(data_dir: Path, run_id: str, checked_at: dict[str, str], run: dict, wait_s: float) -> None:
    """A new version that is the published one plus the record of a check that changed
    nothing: ``sources.checked_at`` of the lists checked (url -> ISO time) and one ``runs``
    row. Made by DuckDB alone (no pyarrow, no Prefect): the other tables' Parquet files are
    hard links to the published ones (a version's files never change), the DuckDB file a
    copy updated in place, ``sources`` and ``runs`` written again by DuckDB; then the same
    switch as a publish."""
    import duckdb

    data_dir = Path(data_dir)
    clean(data_dir)
    live = current_version(data_dir)
    manifest = read_version_file(live) if live is not None else None
    if live is None or manifest is None:
        raise ValueError(f"{data_dir}: no whole version to record a check on")
    new = version_dir(data_dir, run_id)
    new.mkdir(parents=True)
    rewritten = ("sources", "runs")
    for folder in sorted((live / CURATED).iterdir()):
        if folder.name not in rewritten:
            shutil.copytree(folder, new / CURATED / folder.name, copy_function=_link_or_copy)
    wait_for_no_writer(data_dir, wait_s)  # a consistent copy: no one writes it now
    shutil.copyfile(live / WAREHOUSE, new / WAREHOUSE)
    con = duckdb.connect(str(new / WAREHOUSE))
    try:
        con.executemany(
            "UPDATE sources SET checked_at = CAST(? AS TIMESTAMPTZ) WHERE url = ?",
            [[at, url] for url, at in checked_at.items()],
        )
        names = list(run)
        con.execute(
            f"INSERT INTO runs ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [run[n] for n in names],
        )
        for table in rewritten:
            target = new / CURATED / table
            target.mkdir(parents=True)
            partitioned = any(p.name.startswith("fiscal_year=") for p in (live / CURATED / table).iterdir())
            if partitioned:
                con.execute(
                    f"COPY \"{table}\" TO '{_sql(target)}' (FORMAT parquet, COMPRESSION zstd,"
                    " PARTITION_BY (fiscal_year), FILENAME_PATTERN 'part-{i}',"
                    " OVERWRITE_OR_IGNORE)"
                )
            else:
                con.execute(
                    f"COPY \"{table}\" TO '{_sql(target / f'{table}.parquet')}'"
                    " (FORMAT parquet, COMPRESSION zstd)"
                )
        counts = {
            name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[index]
            for name in manifest["tables"]
        }
        con.execute("CHECKPOINT")
    finally:
        con.close()
    write_version_file(new, run_id, counts)
    fsync_tree(new)
    switch(data_dir, run_id, wait_s)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _sql(path: Path) -> str:
    return str(path).replace("'", "''")
