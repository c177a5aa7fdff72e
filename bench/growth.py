"""How a refresh's cost grows with the archive, and what the small commands cost.

    .venv/bin/python bench/growth.py [--baseline-root DIR] [--sizes 2,8,24,54] [--write-docs]

A synthetic archive of N lists is rendered from the truth lists by reportlab
(``bench/layouts``, the fuzz benchmark's canvas producer; needs ``pip install -e ".[fuzz]"``
and Debian's ``fonts-noto-cjk`` / ``fonts-ipaexfont``) at distinct URLs, fiscal years and
rounds, each titled with its own year, served by ``pipelines.demo.local_server.LocalSite`` on 127.0.0.1 and refreshed through a
``--sources`` file, each command in its own subprocess as a user runs it. Measured per
command: wall time, CPU seconds (user + system of the whole process tree: the command, the
temporary Prefect server, the extraction fork server and its children), peak RSS (the largest
single process of the tree) and the size of the data directory afterwards.

Scenarios, for each code under test:

- ``build N`` for each N in ``--sizes``: a fresh data directory, N lists;
- ``one list alone``: a fresh data directory, the one list that is new below;
- ``one new list on 54``: the archive of the largest N plus one list never seen before;
- ``no-op at 54``: the same sources again (every list answers 304);
- ``query``: ``c3p query "SELECT count(*) FROM projects"`` on that warehouse.

``--baseline-root DIR`` runs every scenario also with the code in DIR (e.g. an export of
``main``: ``git archive main | tar -x -C /tmp/base``), interleaved with the current code,
scenario by scenario, so both see the same load (paired runs; the machine is shared). The
venv is the same; only the package code differs (``python -m pipelines.cli`` from DIR).

The wrapper around each command makes itself a child subreaper (Linux ``prctl``), so the
CPU and memory of processes the command leaves to be reaped (Prefect's server, the fork
server) are counted too.

``--write-docs`` replaces the "## Growth with the archive" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks_doc import replace_section

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Growth with the archive"
TRUTH_DIR = ROOT / "tests" / "fixtures" / "truth"
LISTS = ("fy2023_r1", "fy2019_r1")  # the truth lists the archive's PDFs print

WRAPPER = r"""
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True)
out, err = p.communicate()
wall = time.perf_counter() - t0
deadline = time.monotonic() + 30
while time.monotonic() < deadline:  # reap what the command left (fork server, ...)
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid == 0:
        time.sleep(0.05)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "wall": wall, "out": out, "err": err,
                  "cpu": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss}))
"""


def run_c3p(code_root: Path, *args: str, timeout: float = 3600) -> dict:
    """``c3p ARGS`` with the package code of ``code_root``, in a fresh wrapper process."""
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    cmd = [sys.executable, "-c", WRAPPER, str(code_root), sys.executable, "-m", "pipelines.cli", *args]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"wrapper failed: {proc.stderr}")
    result = json.loads(proc.stdout)
    result["maxrss_mb"] = result.pop("maxrss_kb") / 1024
    result["load"] = (load_before + os.getloadavg()[0]) / 2
    return result


def dir_size_mb(path: Path) -> float:
    total = 0
    for root, _dirs, files in os.walk(path):  # symbolic links are not followed
        for name in files:
            p = Path(root) / name
            if not p.is_symlink():
                total += p.stat().st_size
    return total / 1e6


class Archive:
    """N adoption lists at distinct URLs, years and rounds under one site folder: the truth
    lists printed by reportlab (``bench/layouts``, four layouts in turn), each titled with its
    own fiscal year (a list whose title names another year is quarantined,
    ``pipelines/run/integrity.py``, so copies of one PDF cannot stand for other years)."""

    def __init__(self, site_dir: Path, count: int):
        import layouts

        self.content = site_dir / "content"
        self.content.mkdir(parents=True)
        truths = {name: layouts.load_truth(TRUTH_DIR, name) for name in LISTS}
        self.lists = []
        for i in range(count):
            year, rnd = 2013 + i // 3, 1 + i % 3
            name = f"fy{year}_r{rnd}.pdf"
            truth = LISTS[i % len(LISTS)]
            listing = layouts.listing_of(truths[truth], truth)
            title = f"{year}年度" + listing.title.split("年度", 1)[1]
            layout = layouts.make_layout(layouts.layout_id("rl_canvas", truth, i % 4))
            layouts.render(
                layout, dataclasses.replace(listing, title=title), self.content / name, site_dir / "work"
            )
            self.lists.append((name, year, rnd))

    def sources(self, url: str, lists, path: Path) -> Path:
        path.write_text(
            "".join(
                f'[[source]]\nurl = "{url}/content/{name}"\nfiscal_year = {year}\ncall_round = {rnd}\n\n'
                for name, year, rnd in lists
            )
        )
        return path


def refresh(code_root: Path, sources: Path, data: Path, cross_check: bool) -> dict:
    args = ["refresh", "--sources", str(sources), "--data-dir", str(data), "--no-discover"]
    if not cross_check:
        args.append("--no-cross-check")
    r = run_c3p(code_root, *args)
    if r["rc"] not in (0,) and "nothing changed" not in r["out"]:
        raise SystemExit(f"refresh failed ({code_root}):\n{r['out'][-3000:]}\n{r['err'][-3000:]}")
    r["data_mb"] = dir_size_mb(data)
    r["reused"] = _reused(r["out"])
    return r


def _reused(out: str) -> int | None:
    m = re.search(r"reused: (\d+)", out)
    return int(m.group(1)) if m else None


def measure(codes: dict[str, Path], sizes: list[int], cross_check: bool) -> dict:
    from pipelines.demo.local_server import LocalSite

    largest = max(sizes)
    results: dict[str, dict[str, dict]] = {label: {} for label in codes}
    with tempfile.TemporaryDirectory(prefix="c3p-growth-") as tmp:
        tmp = Path(tmp)
        archive = Archive(tmp / "site", largest + 1)
        new_list = archive.lists[largest]
        with LocalSite(tmp / "site") as site:

            def sources(lists, name):
                return archive.sources(site.url, lists, tmp / f"{name}.toml")

            def each(label_of_scenario, action):
                for label, root in codes.items():  # paired: every code, one after the other
                    started = time.perf_counter()
                    results[label][label_of_scenario] = action(label, root)
                    print(
                        f"{label_of_scenario:<24} {label:<9} "
                        f"{results[label][label_of_scenario]['wall']:7.1f} s"
                        f" (bench {time.perf_counter() - started:.0f} s)",
                        file=sys.stderr,
                    )

            for n in sizes:
                src = sources(archive.lists[:n], f"n{n}")
                each(
                    f"build {n}",
                    lambda label, root, n=n, src=src: refresh(root, src, tmp / label / f"n{n}", cross_check),
                )
            alone = sources([new_list], "alone")
            each(
                "one list alone", lambda label, root: refresh(root, alone, tmp / label / "alone", cross_check)
            )
            grown = sources(archive.lists[: largest + 1], "grown")
            each(
                f"one new list on {largest}",
                lambda label, root: refresh(root, grown, tmp / label / f"n{largest}", cross_check),
            )
            each(
                f"no-op at {largest + 1}",
                lambda label, root: refresh(root, grown, tmp / label / f"n{largest}", cross_check),
            )
            each(
                "query",
                lambda label, root: run_c3p(
                    root,
                    "query",
                    "SELECT count(*) FROM projects",
                    "--data-dir",
                    str(tmp / label / f"n{largest}"),
                    "--format",
                    "csv",
                ),
            )
    return results


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares a + b·N."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    b = sum((x - mx) * (y - my) for x, y in points) / (sum((x - mx) ** 2 for x, _ in points) or 1)
    return my - b * mx, b


def markdown(results: dict, sizes: list[int], cross_check: bool, command: str) -> str:
    labels = list(results)
    largest = max(sizes)
    scenarios = list(results[labels[0]])
    lines = [
        SECTION,
        "",
        f"Command: `{command}`  ",
        f"Date: {dt.date.today().isoformat()}, {os.cpu_count()} cores (shared with other jobs:"
        f" the load average during each command is in its row), Python {sys.version.split()[0]},"
        f" cross-check {'on' if cross_check else 'off'}. Synthetic archives: the two truth"
        " lists printed by reportlab in four layouts, at distinct URLs, years and rounds, each"
        " titled with its year, over local HTTP (`bench/growth.py`)."
        + (" Paired runs: each scenario ran with every code one after the other." if len(labels) > 1 else ""),
        "",
        "| scenario | code | wall s | CPU s | peak RSS MB | data dir MB | lists re-used | load |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        for label in labels:
            r = results[label][s]
            reused = r.get("reused")
            lines.append(
                f"| {s} | {label} | {r['wall']:.2f} | {r['cpu']:.1f} | {r['maxrss_mb']:.0f} |"
                f" {r.get('data_mb', float('nan')):.1f} |"
                f" {'' if reused is None else reused} | {r['load']:.1f} |"
            )
    lines.append("")
    for label in labels:
        res = results[label]
        a, b = fit([(n, res[f"build {n}"]["cpu"]) for n in sizes])
        aw, bw = fit([(n, res[f"build {n}"]["wall"]) for n in sizes])
        grow = res[f"one new list on {largest}"]
        alone = res["one list alone"]
        lines.append(
            f"- {label}: a build of N lists costs CPU ≈ {a:.1f} + {b:.2f}·N s (wall ≈ {aw:.1f} +"
            f" {bw:.2f}·N s); adding one list to {largest} costs {grow['wall']:.1f} s wall /"
            f" {grow['cpu']:.1f} CPU-s = {grow['wall'] / alone['wall']:.2f}× /"
            f" {grow['cpu'] / alone['cpu']:.2f}× refreshing that one list alone"
            f" ({alone['wall']:.1f} s / {alone['cpu']:.1f} CPU-s; target ≤ 2×); the no-op at"
            f" {largest + 1} lists takes {res[f'no-op at {largest + 1}']['wall']:.2f} s (target < 1 s),"
            f" `c3p query` {res['query']['wall']:.2f} s (target < 0.5 s)."
        )
    lines.append("")
    return "\n".join(lines)


def write_docs(section: str, heading: str = SECTION) -> None:
    """Replace this benchmark's section of docs/benchmarks.md (or append it)."""
    replace_section(heading, section, DOCS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2,8,24,54", help="archive sizes to build (comma-separated)")
    parser.add_argument(
        "--baseline-root",
        type=Path,
        default=None,
        help="also run every scenario with the package code in this folder",
    )
    parser.add_argument(
        "--only-baseline", action="store_true", help="run only the code of --baseline-root (today's figures)"
    )
    parser.add_argument("--cross-check", action="store_true", help="refresh with the camelot cross-check")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw results here")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    codes: dict[str, Path] = {}
    if args.baseline_root:
        codes["before"] = args.baseline_root.resolve()
    if not args.only_baseline:
        codes["this"] = ROOT
    results = measure(codes, sizes, args.cross_check)
    command = "python bench/growth.py " + " ".join(sys.argv[1:])
    section = markdown(results, sizes, args.cross_check, command)
    print(section)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    if args.write_docs:
        write_docs(section)


if __name__ == "__main__":
    main()
