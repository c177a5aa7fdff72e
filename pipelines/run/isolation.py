"""Run the extractor on one PDF in a child process with bounded time and memory.

A hostile PDF can make a parser loop for a very long time, inflate a 1 MB file to
gigabytes, or crash camelot's native code; the child is killed (or dies) and the source
fails with one clear reason, while the rest of the run goes on. ``c3p extract`` runs in
the same child.

- memory: the child's address space is capped (``RLIMIT_AS``, ``settings.extract_limits``);
  past it allocations fail with MemoryError, reported as "out of memory".
- time: a base allowance plus one per page (the child reports the page count first), so
  a long valid list is not cut off while a hung small one still is.
- the child leads its own process group: its page-reading workers (``extract_document``
  reads long lists with several processes) die with it.

Children come from a fork server (a clean single-threaded process with the extractor
already imported), not from forking the flow's multi-threaded process: a fork taken while
another thread holds a lock can deadlock the child.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time

from extractors.errors import ExtractionError, OutOfMemory
from pipelines import interrupts, settings


class TimeLimitExceeded(Exception):
    pass


def _limit_memory(limit_mb: int) -> None:
    if limit_mb <= 0:
        return
    import resource

    cap = limit_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _quiet_stderr() -> None:
    """What the child has to say goes through the queue; a native crash's dump (camelot's
    parser dying of a self-drawing form) must not reach the user's terminal."""
    if os.environ.get("C3P_DEBUG"):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _child(path: str, cross_check: bool, memory_mb: int, out) -> None:
    """Runs in the child; ``out`` is the sending end of a pipe (no feeder thread: the
    child stays single-threaded, so its page-reading workers may be forked)."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    interrupts.die_with_command()  # even after `kill -9` of the command
    _quiet_stderr()
    try:
        _limit_memory(memory_mb)
        from extractors import extract_document
        from extractors.extract import page_count

        out.send(("pages", page_count(path), None))
        out.send(("ok", extract_document(path, cross_check=cross_check).to_dict(), None))
    except (MemoryError, OutOfMemory):
        out.send(
            (
                "error",
                path,
                f"out of memory: reading it needs more than the {memory_mb} MiB"
                " allowed (C3P_EXTRACT_MEMORY_MB)",
            )
        )
    except ExtractionError as exc:
        out.send(("error", exc.path, exc.reason))
    except Exception as exc:  # an extractor bug must not look like a hang
        out.send(("error", path, f"extractor crashed: {type(exc).__name__}: {exc}"))


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["extractors", "pipelines.run.isolation"])
    return ctx


def _kill(proc) -> None:
    """The child and every process it started (its process group)."""
    if proc.pid is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.is_alive():
        proc.kill()
    proc.join()


def _died(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        if -exitcode == signal.SIGKILL:
            return f"extractor process killed ({name}; out of memory?)"
        if -exitcode in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
            return f"extractor process crashed ({name}): the PDF breaks a parser"
        return f"extractor process killed ({name})"
    return f"extractor process died (exit code {exitcode})"


def _receive(conn, timeout: float):
    if not conn.poll(timeout):
        raise TimeoutError
    return conn.recv()


def extract_with_time_limit(path: str, *, cross_check: bool = False, seconds: float | None = None):
    """The document as ``Document.to_dict()`` (with ``crosscheck`` when asked for);
    raises ExtractionError or TimeLimitExceeded. ``seconds`` fixes the time limit (default:
    ``settings.extract_limits``, growing with the pages)."""
    limits = settings.extract_limits(cross_check)
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    # not a daemon: the child may start page-reading workers of its own
    proc = ctx.Process(target=_child, args=(path, cross_check, limits.memory_mb, send))
    proc.start()
    send.close()  # the child's end: when the child is gone, reading it ends
    started = time.monotonic()
    allowed = limits.base_s if seconds is None else seconds
    try:
        while True:
            try:
                kind, a, b = _receive(receive, 0.2)
            except EOFError:  # the child died without a word
                proc.join()
                raise ExtractionError(path, _died(proc.exitcode, limits.memory_mb)) from None
            except TimeoutError:
                if not proc.is_alive() and not receive.poll(0):  # dead, its workers not yet
                    proc.join()
                    raise ExtractionError(path, _died(proc.exitcode, limits.memory_mb)) from None
                if time.monotonic() - started > allowed:
                    raise TimeLimitExceeded(
                        f"extraction stopped after {allowed:.3g} s (time limit for this PDF:"
                        f" {limits.describe()})"
                    ) from None
                continue
            if kind == "pages":
                if seconds is None:
                    allowed = limits.base_s + limits.per_page_s * a
                continue
            break
        proc.join(timeout=5)
    finally:
        receive.close()
        if proc.exitcode != 0:  # hung, crashed or interrupted: nothing of it may linger
            _kill(proc)
    if kind == "error":
        raise ExtractionError(a, b)
    return a
