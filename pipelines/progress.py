"""Progress of long work, reported to whoever listens (the CLI draws bars).

Two kinds of news: a ``step`` (one item of a stage is done) and a ``status`` (what the
command is waiting for right now, e.g. the temporary Prefect server starting; None when the
wait is over). A status listener registered late is told the current status at once.
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, "str | None", int], None]  # (stage, item or None if skipped, total)
StatusListener = Callable[["str | None"], None]
_listeners: list[Listener] = []
_status_listeners: list[StatusListener] = []
_status: str | None = None


def listen(listener: Listener) -> Callable[[], None]:
    """Register a listener; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def step(stage: str, item: str | None, total: int) -> None:
    """One item of ``stage`` (of ``total``) is done; ``item`` None: skipped, as an earlier
    stage of that item failed (a bar advances, nothing is said about it)."""
    for listener in list(_listeners):
        listener(stage, item, total)


def listen_status(listener: StatusListener) -> Callable[[], None]:
    """Register a status listener, told the current status at once; returns its remover."""
    _status_listeners.append(listener)
    if _status is not None:
        listener(_status)
    return lambda: _status_listeners.remove(listener)


def status(message: str | None) -> None:
    """What the command waits for now (None: nothing any more)."""
    global _status
    if message == _status:
        return
    _status = message
    for listener in list(_status_listeners):
        listener(message)
