"""Ctrl-C (SIGINT) and SIGTERM: act within seconds, leave nothing behind.

``install()`` (the CLI, before any work) makes both signals:
1. mark the command as interrupted (``requested()``: stages not yet started do not start),
2. kill this process's children at once — a hung extraction child among them — except the
   ones registered with ``spare`` (the temporary Prefect server, stopped in order later),
3. raise ``Interrupted`` in the main thread, so that every ``finally`` runs (the lock is
   released, the temporary Prefect server stopped, ``.work/`` removed), and
4. start a watchdog: if the command has not ended ``GRACE_S`` seconds later (a thread stuck
   in a download), it runs the ``on_exit`` clean-ups itself and leaves with the exit status.

The exit status is 128 + the signal (130 for SIGINT, 143 for SIGTERM). ``die_with_parent`` (a
``preexec_fn``, or the first thing a child does) asks Linux to kill a child when its parent
dies, so that even ``kill -9`` of the command orphans nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable

GRACE_S = 5.0
PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The command was stopped by a signal (a KeyboardInterrupt: ``except Exception`` lets
    it through)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_received: int | None = None
_spared: set[int] = set()
_cleanups: list[Callable[[], None]] = []
_said = threading.Lock()


def requested() -> bool:
    """Whether a signal asked this command to stop."""
    return _received is not None


def exit_code(default: int = 130) -> int:
    return 128 + _received if _received is not None else default


def spare(pid: int) -> None:
    """Do not kill ``pid`` with the other children on a signal (it is stopped in order)."""
    _spared.add(pid)


def on_exit(cleanup: Callable[[], None]) -> Callable[[], None]:
    """Run ``cleanup`` if the watchdog has to end the command; returns its remover."""
    _cleanups.append(cleanup)
    return lambda: _cleanups.remove(cleanup) if cleanup in _cleanups else None


def install() -> None:
    """Handle SIGINT and SIGTERM as described above (main thread only; else a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _handle)


def reinstall_sigterm() -> None:
    """Take SIGTERM back after a library (Prefect's flow engine) replaced its handler."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is _handle:
        signal.signal(signal.SIGTERM, _handle)


def _handle(signum: int, frame) -> None:
    global _received
    first = _received is None
    _received = signum
    if first:
        kill_children()
        threading.Thread(target=_watchdog, args=(signum,), name="c3p-interrupt-watchdog", daemon=True).start()
        raise Interrupted(signum)


def say(message: str) -> None:
    """Print the interruption's one line, once (the command or the watchdog, not both)."""
    if _said.acquire(blocking=False):
        print(message, file=sys.stderr, flush=True)


def _watchdog(signum: int) -> None:
    threading.Event().wait(GRACE_S)
    for cleanup in list(_cleanups):
        try:
            cleanup()
        except Exception:  # noqa: BLE001 - the process ends now whatever a clean-up does
            pass
    kill_children(spare_none=True)
    say(
        f"interrupted ({signal.Signals(signum).name}): stopped; nothing of this run was"
        " published, the previous version stays published"
    )
    os._exit(128 + signum)


def descendants(pid: int | None = None) -> list[int]:
    """The processes below ``pid`` (default: this one), read from ``/proc``."""
    root = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _multiprocessing_helpers() -> set[int]:
    """multiprocessing's fork server and resource tracker: they end with us, cleanly."""
    import multiprocessing.forkserver as forkserver
    import multiprocessing.resource_tracker as tracker

    pids = {
        getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None),
        getattr(getattr(tracker, "_resource_tracker", None), "_pid", None),
    }
    return {p for p in pids if p}


def kill_children(spare_none: bool = False) -> None:
    """SIGKILL every descendant of this process but the spared ones (the temporary Prefect
    server, multiprocessing's helpers) and theirs: the extraction children among them."""
    spared: set[int] = set()
    if not spare_none:
        for pid in _spared:
            spared |= {pid, *descendants(pid)}
        spared |= _multiprocessing_helpers()
    for pid in descendants():
        if pid not in spared:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``signum`` to this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call took hold
        os.kill(os.getpid(), signum)


def die_with_command() -> None:
    """For a child of multiprocessing's fork server (an extraction): die with the fork server,
    which ends when the command does. Each such child holds the pipe whose end tells the fork
    server that no client is left: it lets go of it, else the two would wait on each other."""
    import multiprocessing.forkserver as forkserver

    server = getattr(forkserver, "_forkserver", None)
    alive = getattr(server, "_forkserver_alive_fd", None)
    if server is not None and alive is not None:
        try:
            os.close(alive)
        except OSError:
            pass
        server._forkserver_alive_fd = None
    die_with_parent()


def die_with_parent_term() -> None:
    """``die_with_parent`` with SIGTERM (a server that can shut down cleanly)."""
    die_with_parent(signal.SIGTERM)
