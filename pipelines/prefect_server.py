"""A temporary Prefect API server for one command, started as early as possible.

A flow run with no Prefect server configured makes Prefect start a temporary one itself,
only when the flow starts and after importing its server code in our process (~15 s here).
Starting the same server ourselves, as a child process, before Prefect is even imported,
lets its start overlap with the rest of the command's start-up. When a server is configured
(``PREFECT_API_URL``, or a test harness) nothing is started.
"""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time

import httpx

from pipelines import interrupts, progress, standing_server
from pipelines.server_process import free_port, server_command

STARTING = "starting a temporary Prefect server (10-30 s; set PREFECT_API_URL to use a running one)"


class TemporaryServer:
    def __init__(self, process: subprocess.Popen, api_url: str):
        self.process = process
        self.api_url = api_url

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the API answers its health check."""
        deadline = time.monotonic() + timeout
        try:
            with httpx.Client(timeout=2.0) as client:
                while time.monotonic() < deadline:
                    if self.process.poll() is not None:
                        raise RuntimeError(
                            f"the temporary Prefect server exited with code {self.process.returncode}"
                        )
                    try:
                        if client.get(f"{self.api_url}/health").status_code == 200:
                            return
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.1)
            raise RuntimeError(f"the temporary Prefect server did not start within {timeout:.0f} s")
        finally:
            progress.status(None)

    def stop(self) -> None:
        """Stop the server and whatever it started (its own process group)."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=2 if interrupts.requested() else 10)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(pid: int) -> None:
    """The interrupt watchdog's last resort: no server outlives the command."""
    _signal_group(pid, signal.SIGKILL)


def _server_configured() -> bool:
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect" in sys.modules:  # e.g. a test harness set it through Prefect's settings
        from prefect.settings import PREFECT_API_URL

        return bool(PREFECT_API_URL.value())
    return False


_started: TemporaryServer | None = None


def wait_until_ready() -> None:
    """Wait for the server this process started, if any (no-op otherwise)."""
    if _started is not None:
        _started.wait_ready()


def _drain_prefect_clients(timeout: float = 5.0) -> None:
    """Send what Prefect's client still holds (logs, events) while the server listens, so
    that nothing tries to reach a stopped server at exit ("Error logging to API")."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        try:
            worker.drain_all(timeout=timeout)
        except Exception:  # noqa: BLE001 - best effort: the server stops either way
            pass


def stop_temporary_server() -> None:
    global _started
    if _started is not None:
        progress.status(None)
        _drain_prefect_clients(1.0 if interrupts.requested() else 5.0)
        _started.stop()
        if os.environ.get("PREFECT_API_URL") == _started.api_url:
            del os.environ["PREFECT_API_URL"]
        _started = None


def start_temporary_server() -> TemporaryServer | None:
    """Start Prefect's API server in a child process and point this process at it.

    Returns None when a server is already configured. ``wait_until_ready`` before the first
    flow run; ``stop_temporary_server`` when the command ends (also done at exit).
    """
    if _server_configured():
        return None
    standing = standing_server.running_url()  # `c3p server start` left one running
    if standing:
        os.environ["PREFECT_API_URL"] = standing
        return None
    port = free_port()
    argv, env = server_command(port)
    # Its own session: a Ctrl-C at the terminal reaches us, not it, and it is stopped in order;
    # a parent-death signal: even `kill -9` of the command does not orphan it.
    # (Linux sends it when the starting *thread* ends: only the main thread asks for it.)
    in_main = threading.current_thread() is threading.main_thread()
    process = subprocess.Popen(
        argv,
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=interrupts.die_with_parent_term if in_main else None,
    )
    interrupts.spare(process.pid)
    interrupts.on_exit(lambda: _kill_group(process.pid))
    api_url = f"http://127.0.0.1:{port}/api"
    os.environ["PREFECT_API_URL"] = api_url
    progress.status(STARTING)
    global _started
    _started = TemporaryServer(process, api_url)
    atexit.register(stop_temporary_server)
    return _started
