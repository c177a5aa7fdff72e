"""How a Prefect API server process is launched: a free local port, its command line and
environment. The temporary server of one command (``prefect_server``) and the standing one
(``standing_server``) start the same process."""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(port: int) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of a Prefect API server on 127.0.0.1:``port``
    (no UI, no telemetry; services as in Prefect's own ephemeral server)."""
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise RuntimeError("Prefect is not installed: pip install -e . installs it")
    app_dir = str(Path(spec.origin).parent.parent)
    env = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        app_dir,
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    return argv, env
