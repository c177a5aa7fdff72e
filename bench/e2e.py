"""End-to-end timings of the command line, as a user meets them.

    .venv/bin/python bench/e2e.py [--write-docs]

Measures, each command in its own subprocess (so imports and the temporary Prefect server
are included, as for a user):

1. ``c3p demo`` cold: a fresh data directory.
2. ``c3p refresh`` of the two sample lists served from 127.0.0.1 (pipelines.demo.local_server)
   through a ``--sources`` file: the first run downloads and publishes, the second must answer
   "nothing changed" (conditional GETs, 304) without starting Prefect.
3. ``c3p query`` on the warehouse, for scale.

Peak memory is ``ru_maxrss`` of the largest process of each command's tree (the command or
the Prefect server it starts, whichever was bigger), read by a small wrapper process
around each command; it is not the sum over processes.

``--write-docs`` replaces the "## End to end" section of docs/benchmarks.md (only that
section: other sections belong to other benchmarks).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

from benchmarks_doc import replace_section

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## End to end"
TARGETS = {"demo": 15.0, "noop": 3.0, "memory_mb": 600.0}
LISTS = [("fy2023_r1_xlsx.pdf", 2023, 1, 21), ("fy2019_r1_xlsx.pdf", 2019, 1, 17)]

WRAPPER = r"""
import json, resource, subprocess, sys, threading, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
lines = {"out": [], "err": []}
def pump(stream, key):
    for line in stream:
        lines[key].append((time.perf_counter() - t0, line))
threads = [threading.Thread(target=pump, args=(p.stdout, "out")),
           threading.Thread(target=pump, args=(p.stderr, "err"))]
for t in threads: t.start()
rc = p.wait()
wall = time.perf_counter() - t0
for t in threads: t.join()
print(json.dumps({"rc": rc, "wall": wall, "out": "".join(l for _, l in lines["out"]),
                  "err": "".join(l for _, l in lines["err"]), "events": lines["err"] + lines["out"],
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def c3p(*args: str, env: dict | None = None) -> dict:
    """Run ``c3p ARGS`` in a fresh wrapper process: wall time, exit code, output, peak RSS."""
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "pipelines.cli", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"wrapper failed: {proc.stderr}")
    result = json.loads(proc.stdout)
    result["maxrss_mb"] = result["maxrss_kb"] / 1024
    # progress lines ("download: …", "publish: warehouse") are printed as the stages run
    # when stderr is not a terminal: their arrival times split the wall time into phases
    events = sorted(result.pop("events"))
    first = lambda prefix: next((t for t, line in events if line.startswith(prefix)), None)  # noqa: E731
    result["t_first_task"] = first("download:")
    result["t_publish"] = first("publish:")
    result["t_summary"] = first("status:")
    return result


def measure() -> dict:
    from pipelines.demo.local_server import LocalSite

    env = {"PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="c3p-bench-") as tmp:
        tmp = Path(tmp)
        demo_dir = tmp / "demo"
        demo = c3p("demo", "--data-dir", str(demo_dir), env=env)
        if demo["rc"] != 0:
            raise SystemExit(f"c3p demo failed:\n{demo['out']}\n{demo['err']}")
        out["demo"] = demo
        # the very first run on a machine also creates and migrates Prefect's own database
        fresh = c3p(
            "demo", "--data-dir", str(tmp / "demo2"), env={**env, "PREFECT_HOME": str(tmp / "prefect-home")}
        )
        if fresh["rc"] != 0:
            raise SystemExit(f"c3p demo (fresh Prefect home) failed:\n{fresh['err']}")
        out["demo_fresh_prefect"] = fresh

        site_dir = tmp / "site"
        (site_dir / "content").mkdir(parents=True)
        samples = resources.files("pipelines.demo") / "samples"
        for name, *_ in LISTS:
            (site_dir / "content" / name).write_bytes(samples.joinpath(name).read_bytes())
        with LocalSite(site_dir) as site:
            sources = tmp / "sources.toml"
            sources.write_text(
                "".join(
                    f'[[source]]\nurl = "{site.url}/content/{name}"\nfiscal_year = {fy}\n'
                    f"call_round = {rnd}\nexpected_count = {n}\n\n"
                    for name, fy, rnd, n in LISTS
                )
            )
            data = tmp / "data"
            args = ("refresh", "--sources", str(sources), "--data-dir", str(data), "--no-discover")
            first = c3p(*args, env=env)
            if first["rc"] != 0:
                raise SystemExit(f"first refresh failed:\n{first['out']}\n{first['err']}")
            out["refresh_first"] = first
            mtime = (data / "warehouse.duckdb").stat().st_mtime_ns
            noop = c3p(*args, env=env)
            out["noop"] = noop
            out["noop_said_nothing_changed"] = "nothing changed" in noop["out"]
            out["noop_left_warehouse"] = (data / "warehouse.duckdb").stat().st_mtime_ns == mtime
            out["noop_requests"] = [(m, p, "If-None-Match" in h) for m, p, h in site.requests]
        out["query"] = c3p(
            "query", "SELECT count(*) FROM projects", "--data-dir", str(data), "--format", "csv", env=env
        )
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def phase(r: dict, start: str | None, end: str) -> str:
    a = 0.0 if start is None else r.get(start)
    b = r.get(end)
    return "?" if a is None or b is None else f"{b - a:.1f}"


def verdict(value: float, target: float) -> str:
    return "meets" if value < target else "**misses**"


def markdown(r: dict) -> str:
    demo, first, noop, query = r["demo"], r["refresh_first"], r["noop"], r["query"]
    peak = max(demo["maxrss_mb"], first["maxrss_mb"], noop["maxrss_mb"])
    cores = os.cpu_count()
    lines = [
        SECTION,
        "",
        "Command: `.venv/bin/python bench/e2e.py --write-docs`  ",
        f"Date: {dt.date.today().isoformat()}, {cores} cores, Python {sys.version.split()[0]},"
        f" load average {os.getloadavg()[0]:.2f} at the end (other jobs on the machine slow it).",
        "",
        "| measure | seconds | peak RSS MB | target | |",
        "|---|---:|---:|---|---|",
        f"| `c3p demo`, cold (fresh data dir, 2 sample lists, 38 projects) | {demo['wall']:.1f} |"
        f" {demo['maxrss_mb']:.0f} | < {TARGETS['demo']:.0f} s | {verdict(demo['wall'], TARGETS['demo'])} |",
        f"| ↳ start → first task (imports, temporary Prefect server, flow start) | {phase(demo, None, 't_first_task')} | | | |",
        f"| ↳ first download → publish (download, extract, normalise 7 pages) | {phase(demo, 't_first_task', 't_publish')} | | | |",
        f"| ↳ publish → summary printed (Parquet + DuckDB, swap, flow end) | {phase(demo, 't_publish', 't_summary')} | | | |",
        f"| ↳ summary → exit (temporary Prefect server shut down) | {phase(demo, 't_summary', 'wall')} | | | |",
        f"| `c3p demo`, first run on a machine (fresh `PREFECT_HOME`: Prefect creates and migrates"
        f" its database) | {r['demo_fresh_prefect']['wall']:.1f} | {r['demo_fresh_prefect']['maxrss_mb']:.0f}"
        f" | (< 30 s) | {verdict(r['demo_fresh_prefect']['wall'], 30.0)} |",
        f"| `c3p refresh --sources` (2 lists over local HTTP), first run | {first['wall']:.1f} |"
        f" {first['maxrss_mb']:.0f} | | |",
        f"| `c3p refresh`, same sources, nothing changed (no-op) | {noop['wall']:.2f} |"
        f" {noop['maxrss_mb']:.0f} | < {TARGETS['noop']:.0f} s | {verdict(noop['wall'], TARGETS['noop'])} |",
        f'| `c3p query "SELECT count(*) FROM projects"` | {query["wall"]:.2f} | {query["maxrss_mb"]:.0f} | | |',
        f"| peak memory, any process of the above | | {peak:.0f} | < {TARGETS['memory_mb']:.0f} MB |"
        f" {verdict(peak, TARGETS['memory_mb'])} |",
        "",
        f'No-op refresh said "nothing changed": {"yes" if r["noop_said_nothing_changed"] else "NO"};'
        f" warehouse file untouched: {'yes' if r['noop_left_warehouse'] else 'NO'};"
        f" requests of the second run that were conditional GETs: "
        f"{sum(1 for _, _, cond in r['noop_requests'][len(LISTS) :] if cond)} of"
        f" {len(r['noop_requests'][len(LISTS) :])}.",
        "",
    ]
    before = demo["t_first_task"] or 0.0
    work = (demo["t_summary"] or demo["wall"]) - before
    lines += [
        f"What dominates: of the cold demo's {demo['wall']:.1f} s, {before:.1f} s pass before the"
        " first task starts (Python and Prefect imports, and the temporary Prefect server that"
        " the command starts as a child process at its very start when no `PREFECT_API_URL` is"
        " configured, `pipelines/prefect_server.py`: importing Prefect's server alone takes ~7 s"
        f" here, then database migrations and API start-up), {work:.1f} s are the work itself (download, extraction, normalisation,"
        f" publish, flow bookkeeping through the API) and {demo['wall'] - (demo['t_summary'] or demo['wall']):.1f} s"
        " shutting the temporary server down. The 15 s target for `c3p demo` is at the edge"
        " of what a temporary server allows on this machine (load average at the time in the"
        " table's heading); with a running Prefect server (`PREFECT_API_URL`"
        " set, as under `c3p serve`) the start-up and shut-down go away. The no-op refresh never"
        " imports Prefect: it decides from conditional GETs (ETag / Last-Modified → 304) and"
        " leaves the warehouse as it is.",
        "",
        "Peak RSS is `ru_maxrss` of the largest single process of the command's tree (the"
        " command itself or the Prefect server it spawns), measured by a wrapper process around"
        " each command; it is not the sum of the processes.",
        "",
    ]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or append it)."""
    replace_section(SECTION, section, DOCS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--write-docs", action="store_true", help='replace the "## End to end" section of docs/benchmarks.md'
    )
    parser.add_argument("--json", action="store_true", help="also print the raw measurements")
    args = parser.parse_args()
    started = time.perf_counter()
    results = measure()
    section = markdown(results)
    print(section)
    if args.json:
        print(json.dumps({k: v for k, v in results.items()}, default=str, indent=1))
    if args.write_docs:
        write_docs(section)
        print(
            f"wrote {DOCS.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s in all)", file=sys.stderr
        )


if __name__ == "__main__":
    main()
