"""What a person at a terminal sees while a command works: news from the first second."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

from pipelines import progress
from pipelines.prefect_server import STARTING

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL", "BUILDKITE", "TF_BUILD")


def run_in_a_terminal(args: list[str], env: dict, timeout: float = 300) -> tuple[int, str]:
    """Run the command on a pseudo-terminal (as a person would); its exit status and output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the terminal closed: the command has ended
                    break
                if not data:
                    break
                chunks.append(data)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
        code = proc.wait(timeout=30)
    finally:
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_sees_the_prefect_server_start_and_no_telemetry_notice(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT_") and k not in CI_VARIABLES and k != "DO_NOT_TRACK"
    }
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), COLUMNS="160", TERM="xterm")
    code, out = run_in_a_terminal(
        [sys.executable, "-m", "pipelines.cli", "demo", "--data-dir", str(tmp_path / "data")], env
    )
    assert code == 0, out[-3000:]
    assert STARTING.split(" (", 1)[0] in out  # the wait for the server is shown as it happens
    assert "status: ok" in out
    assert "anonymous usage data" not in out and "telemetry" not in out.lower()


def test_a_late_status_listener_hears_the_current_status():
    heard: list[str | None] = []
    progress.status("waiting for something")
    try:
        stop = progress.listen_status(heard.append)
        progress.status(None)
        stop()
        progress.status("not heard")
    finally:
        progress.status(None)
    assert heard == ["waiting for something", None]
