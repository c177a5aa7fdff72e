"""What Prefect costs a short command: the breakdown of a warm ``c3p demo``.

    .venv/bin/python bench/prefect_cost.py [--baseline-root DIR] [--repeat 2] [--write-docs]

Measured, each in a fresh process, ``--repeat`` times, interleaved (the machine is shared;
the load average is beside each figure):

- Python start alone; ``import prefect``; ``import flows`` (Prefect plus our stages: what the
  command imports before its first flow run);
- the temporary Prefect API server (``pipelines/prefect_server.py``'s command) from spawn to
  its health check answering, warm (the ``PREFECT_HOME`` database exists) and on a fresh
  ``PREFECT_HOME`` (Prefect creates and migrates its database: a machine's first run);
- ``c3p demo`` warm: with the code of ``--baseline-root`` (before) and this code, each with
  its temporary server, and this code with a standing server (``c3p server start``).

``--write-docs`` replaces the "## Prefect's fixed cost" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from growth import ROOT, run_c3p, write_docs  # noqa: E402

SECTION = "## Prefect's fixed cost"


def timed_import(module: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, check=True, timeout=120)
    return time.perf_counter() - t0


def server_ready(prefect_home: str | None = None) -> float:
    sys.path.insert(0, str(ROOT))
    from pipelines.server_process import server_command

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv, env = server_command(port)
    if prefect_home:
        env["PREFECT_HOME"] = prefect_home
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() - t0 < 180:
                try:
                    if client.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                        return time.perf_counter() - t0
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        raise SystemExit("the Prefect server did not start within 180 s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def demo(root: Path, data: Path) -> float:
    r = run_c3p(root, "demo", "--data-dir", str(data))
    if r["rc"] != 0:
        raise SystemExit(f"demo failed ({root}):\n{r['out'][-2000:]}\n{r['err'][-2000:]}")
    return r["wall"]


def measure(baseline: Path | None, repeat: int) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}

    def record(name, fn):
        load = os.getloadavg()[0]
        value = fn()
        out.setdefault(name, []).append((value, (load + os.getloadavg()[0]) / 2))
        print(f"{name:<40} {value:6.2f} s", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="c3p-prefect-cost-") as tmp:
        tmp = Path(tmp)
        for i in range(repeat):
            record("python start", lambda: timed_import("os"))
            record("import prefect", lambda: timed_import("prefect"))
            record("import flows (prefect + our stages)", lambda: timed_import("flows"))
            record("temporary server ready, warm", server_ready)
            record("temporary server ready, fresh PREFECT_HOME", lambda: server_ready(str(tmp / f"home-{i}")))
            if baseline:
                record("c3p demo, before", lambda: demo(baseline, tmp / f"before-{i}"))
            record("c3p demo, this code", lambda: demo(ROOT, tmp / f"this-{i}"))
            started = subprocess.run(
                [sys.executable, "-m", "pipelines.cli", "server", "start"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if started.returncode != 0:
                raise SystemExit(f"c3p server start failed: {started.stderr}")
            try:
                record("c3p demo, this code, standing server", lambda: demo(ROOT, tmp / f"stand-{i}"))
            finally:
                subprocess.run(
                    [sys.executable, "-m", "pipelines.cli", "server", "stop"],
                    cwd=ROOT,
                    capture_output=True,
                    timeout=60,
                )
    return out


def markdown(results: dict, command: str) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{command}`  ",
        f"Date: {dt.date.today().isoformat()}, {os.cpu_count()} cores shared with other jobs"
        " (load average during each measure beside it). Median of the runs, each in a fresh"
        " process; runs interleaved.",
        "",
        "| measure | median s | runs s | load |",
        "|---|---:|---|---:|",
    ]
    for name, values in results.items():
        secs = [v for v, _ in values]
        lines.append(
            f"| {name} | {statistics.median(secs):.2f} |"
            f" {', '.join(f'{v:.1f}' for v in secs)} |"
            f" {statistics.mean(l for _, l in values):.1f} |"
        )
    med = {k: statistics.median(v for v, _ in vals) for k, vals in results.items()}
    if "c3p demo, this code, standing server" in med:
        lines += [
            "",
            (
                f"Reading: the temporary server needs {med['temporary server ready, warm']:.1f} s from"
                f" spawn to its first answer ({med['temporary server ready, fresh PREFECT_HOME']:.1f} s"
                " on a machine's first run, when Prefect creates and migrates its database); the"
                f" command meanwhile imports Prefect ({med['import prefect']:.1f} s) and our stages"
                f" ({med['import flows (prefect + our stages)'] - med['import prefect']:.1f} s more)"
                " on the other core. A standing server (`c3p server start`) takes the server's start"
                f" off every command: the demo goes from {med['c3p demo, this code']:.1f} s to"
                f" {med['c3p demo, this code, standing server']:.1f} s; what remains is Python and"
                " Prefect's import, the flow and task runs' bookkeeping through the API, and our own"
                " work (download, extraction, normalisation, publish)."
            ),
        ]
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-root", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    results = measure(args.baseline_root.resolve() if args.baseline_root else None, args.repeat)
    section = markdown(results, "python bench/prefect_cost.py " + " ".join(sys.argv[1:]))
    print(section)
    if args.write_docs:
        write_docs(section, SECTION)


if __name__ == "__main__":
    main()
