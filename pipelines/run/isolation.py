"""Run the extractor on one PDF in a child process, stopped after a time limit.

A hostile PDF can make a parser loop for a very long time; the child is killed and
the source fails with a clear reason, while the rest of the run goes on.

Children come from a fork server (a clean single-threaded process with the extractor
already imported), not from forking the flow's multi-threaded process: a fork taken while
another thread holds a lock can deadlock the child.
"""
from __future__ import annotations

import multiprocessing as mp
import queue
import time

from extractors.errors import ExtractionError
from pipelines import interrupts, settings


class TimeLimitExceeded(Exception):
    pass


def _child(path: str, cross_check: bool, out: mp.Queue) -> None:
    interrupts.die_with_command()  # even after `kill -9` of the command
    try:
        from extractors import extract_document

        out.put(("ok", extract_document(path, cross_check=cross_check).to_dict(), None))
    except ExtractionError as exc:
        out.put(("error", exc.path, exc.reason))
    except Exception as exc:  # an extractor bug must not look like a hang
        out.put(("error", path, f"extractor crashed: {type(exc).__name__}: {exc}"))


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["extractors", "pipelines.run.isolation"])
    return ctx


def extract_with_time_limit(path: str, *, cross_check: bool = False,
                            seconds: float | None = None):
    """The document as ``Document.to_dict()`` (with ``crosscheck`` when asked for);
    raises ExtractionError or TimeLimitExceeded."""
    seconds = settings.EXTRACT_TIME_LIMIT_S if seconds is None else seconds
    ctx = _context()
    out: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(path, cross_check, out), daemon=True)
    proc.start()
    deadline = time.monotonic() + seconds
    while True:
        try:
            kind, a, b = out.get(timeout=0.2)
            break
        except queue.Empty:
            if not proc.is_alive() and out.empty():
                raise ExtractionError(path, f"extractor process died (exit code {proc.exitcode})")
            if time.monotonic() > deadline:
                proc.kill()
                proc.join()
                raise TimeLimitExceeded(
                    f"extraction stopped after {seconds:.0f} s (time limit per PDF)") from None
    proc.join()
    if kind == "error":
        raise ExtractionError(a, b)
    return a
