"""Progress of long work, reported to whoever listens (the CLI draws bars)."""
from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, str, int], None]  # (stage, item, total)
_listeners: list[Listener] = []


def listen(listener: Listener) -> Callable[[], None]:
    """Register a listener; returns a function that removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def step(stage: str, item: str, total: int) -> None:
    """One item of ``stage`` (of ``total``) is done."""
    for listener in list(_listeners):
        listener(stage, item, total)
