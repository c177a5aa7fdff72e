"""`c3p server start` leaves a Prefect server that later commands use instead of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_sources

ROOT = Path(__file__).resolve().parents[2]


def c3p(env, *args, timeout=240):
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def prefect_env(tmp_path):
    """A fresh PREFECT_HOME and no configured server, as on a user's machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect-home"),
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    yield env
    c3p(env, "server", "stop")


def test_a_standing_server_serves_later_refreshes_and_stops(site, tmp_path, prefect_env):
    assert c3p(prefect_env, "server", "status").returncode == 1
    started = c3p(prefect_env, "server", "start")
    assert started.returncode == 0, started.stderr
    assert "prefect server started: http://127.0.0.1:" in started.stdout
    url = started.stdout.split(": ", 1)[1].split(" ", 1)[0]
    again = c3p(prefect_env, "server", "start")
    assert "already running: " + url in again.stdout
    status = c3p(prefect_env, "server", "status")
    assert status.returncode == 0 and url in status.stdout

    sources = write_sources(
        tmp_path / "sources.toml", [{"url": site.url + "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}]
    )
    refresh = c3p(
        prefect_env,
        "refresh",
        "--sources",
        str(sources),
        "--data-dir",
        str(tmp_path / "data"),
        "--no-cross-check",
    )
    assert refresh.returncode == 0, refresh.stdout + refresh.stderr
    # the flow run was recorded by the standing server, which still runs afterwards
    import httpx

    runs = httpx.post(f"{url}/flow_runs/filter", json={}, timeout=10).json()
    assert [r["state_type"] for r in runs] == ["COMPLETED"]
    assert c3p(prefect_env, "server", "status").returncode == 0

    stopped = c3p(prefect_env, "server", "stop")
    assert "prefect server stopped" in stopped.stdout
    assert c3p(prefect_env, "server", "status").returncode == 1
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/health", timeout=2)
