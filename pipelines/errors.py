"""What the command line says about an error nothing else caught: one line, never a traceback.

``explain(exc)`` turns any exception into ``(message, exit status)``: the file it concerns
and the reason, and what to do where we know it.
"""

from __future__ import annotations

import re


class CommandError(Exception):
    """An error a command reports as it is, with the exit status to leave with
    (1: the work failed, 2: bad arguments or nothing could run)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# fsspec protocols whose filesystem lives in a package of its own -> our extra that installs it
EXTRAS = {
    "s3": "s3",
    "s3a": "s3",
    "gs": "gcs",
    "gcs": "gcs",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
    "adl": "azure",
}


def missing_filesystem(url: str) -> str | None:
    """Why fsspec cannot open ``url`` (its filesystem package is not installed), or None."""
    import fsspec

    protocol = url.split("://", 1)[0].lower()
    try:
        fsspec.get_filesystem_class(protocol)
    except ImportError as exc:
        extra = EXTRAS.get(protocol)
        how = (
            f"pip install 'c3p-warehouse[{extra}]'"
            if extra
            else f"install the package fsspec names: {_first_line(exc)}"
        )
        return f"{url}: {protocol}:// needs a filesystem package that is not installed ({how})"
    except ValueError:
        return f"{url}: unknown protocol {protocol}://"
    return None


def explain(exc: BaseException) -> tuple[str, int]:
    """``(one-line message, exit status)`` for an exception that reached the command line."""
    if isinstance(exc, CommandError):
        return str(exc), exc.exit_code
    text = _first_line(exc)
    if type(exc).__module__.startswith(("duckdb", "_duckdb")):
        held = re.search(r'lock on file "([^"]+)".*?PID (\d+)', str(exc), flags=re.S)
        if held:  # named by the path readers use, not the version folder DuckDB resolved
            path = re.sub(r"/\.versions/[^/]+/", "/", held.group(1))
            return (
                f"{path}: held open read-write by another process (PID"
                f" {held.group(2)}); close that connection (e.g. read_only=True in a"
                " notebook) and try again",
                1,
            )
        return f"DuckDB: {text}", 1
    if isinstance(exc, FileExistsError) and exc.filename:
        return f"{exc.filename}: exists and is not a folder", 2
    if isinstance(exc, NotADirectoryError) and exc.filename:
        return f"{exc.filename}: a file is in the way of a folder", 2
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or text}", 1
    if isinstance(exc, ImportError):
        return f"a package is missing: {text} (reinstall with pip install -e .)", 1
    return f"{type(exc).__name__}: {text}", 1


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__
