"""A Prefect API server that outlives one command: ``c3p server start`` / ``stop`` / ``status``.

Without one, every command that runs a flow starts a temporary server and waits for it
(several seconds: Prefect imports its whole server stack). A standing server is started once,
in its own session (it survives the terminal that started it), and recorded in
``$PREFECT_HOME/c3p-server.json``; later commands find it there, check that it answers, and
use it instead of starting their own. ``PREFECT_API_URL``, when set, still wins.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from pipelines.server_process import free_port, server_command


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def state_file() -> Path:
    return prefect_home() / "c3p-server.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _healthy(api_url: str, timeout: float = 1.0) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def status() -> dict | None:
    """The running standing server ({pid, api_url, started_at}) or None; a record of one
    that is gone is removed."""
    path = state_file()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        pid, api_url = int(state["pid"]), str(state["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(pid) and _healthy(api_url):
        return state
    if not _alive(pid):
        path.unlink(missing_ok=True)
    return None


def running_url() -> str | None:
    state = status()
    return state["api_url"] if state else None


def start(timeout: float = 120.0) -> tuple[dict, bool]:
    """Start the standing server unless one runs; (its state, whether it was started now)."""
    state = status()
    if state:
        return state, False
    port = free_port()
    argv, env = server_command(port)
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / "c3p-server.log", "ab")
    process = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
    )
    log.close()
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    while not _healthy(api_url, timeout=2.0):
        if process.poll() is not None:
            raise RuntimeError(
                f"the Prefect server exited with code {process.returncode}; see {home / 'c3p-server.log'}"
            )
        if time.monotonic() > deadline:
            _terminate(process.pid)
            raise RuntimeError(f"the Prefect server did not answer within {timeout:.0f} s")
        time.sleep(0.1)
    state = {
        "pid": process.pid,
        "api_url": api_url,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    state_file().write_text(json.dumps(state), encoding="utf-8")
    return state, True


def stop() -> dict | None:
    """Stop the standing server; its state, or None when none was running."""
    path = state_file()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        pid = int(state["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _alive(pid):
        _terminate(pid)
    path.unlink(missing_ok=True)
    return state


def _terminate(pid: int, wait: float = 10.0) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)  # its own session: the server and any child
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:  # not our child: poll until it is gone
            if not _alive(pid):
                return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
