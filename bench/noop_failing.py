"""The no-op refresh with a list that fails for good (issue 14 item 10), before and after.

Two good sample lists and one PDF with no table (it fails extraction every time) on a local
site; one refresh, then timed no-op refreshes, each a fresh ``c3p refresh`` process. With
``--before REF`` the same is run on that git commit's code (extracted to a temporary folder),
for the figure beside today's. Writes the "No-op with a failing list" section of
docs/benchmarks.md.

    .venv/bin/python bench/noop_failing.py --before 77404c5
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchmarks_doc import replace_section  # noqa: E402
from pipelines.demo.local_server import LocalSite  # noqa: E402

LISTS = [("fy2019_r1_xlsx.pdf", 2019), ("fy2023_r1_xlsx.pdf", 2023), ("bad.pdf", 2020)]


def measure(code: Path, work: Path, repeats: int) -> dict:
    content = work / "site" / "content"
    content.mkdir(parents=True)
    for name, _ in LISTS[:2]:
        shutil.copy(ROOT / "pipelines/demo/samples" / name, content)
    shutil.copy(ROOT / "tests/fixtures/extractors/no_table.pdf", content / "bad.pdf")
    with LocalSite(work / "site") as site:
        toml = work / "sources.toml"
        toml.write_text(
            "".join(f'[[source]]\nurl = "{site.url}/content/{n}"\nfiscal_year = {fy}\n\n' for n, fy in LISTS)
        )
        args = [
            sys.executable,
            "-m",
            "pipelines.cli",
            "refresh",
            "--sources",
            str(toml),
            "--data-dir",
            str(work / "data"),
            "--no-cross-check",
        ]
        env = {**os.environ, "PYTHONPATH": str(code)}
        subprocess.run(args, cwd=code, env=env, capture_output=True, check=False)
        times, said = [], ""
        for _ in range(repeats):
            start = time.monotonic()
            out = subprocess.run(args, cwd=code, env=env, capture_output=True, text=True)
            times.append(time.monotonic() - start)
            said = "no-op" if "nothing changed" in out.stdout else "ran the flow"
    return {"median_s": sorted(times)[len(times) // 2], "said": said}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="git commit to measure beside the working tree")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    opts = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="c3p-bench-noop-") as tmp:
        if opts.before:
            old = Path(tmp) / "before"
            old.mkdir()
            archive = subprocess.run(
                ["git", "archive", opts.before], cwd=ROOT, check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
            rows.append((f"before ({opts.before})", measure(old, Path(tmp) / "w-before", opts.repeats)))
        rows.append(("now", measure(ROOT, Path(tmp) / "w-now", opts.repeats)))
    load = os.getloadavg()[0]
    lines = [
        "## No-op with a failing list",
        "",
        "Two sample lists and one PDF that fails extraction every time, all answering 304;"
        f" median of {opts.repeats} fresh `c3p refresh` processes (`bench/noop_failing.py`,"
        f" load average {load:.1f} on a shared 2-core machine).",
        "",
        "| code | no-op refresh | what it did |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {r['median_s']:.2f} s | {r['said']} |" for name, r in rows]
    section = "\n".join(lines) + "\n"
    print(section)
    if not opts.no_write:
        replace_section("## No-op with a failing list", section)


if __name__ == "__main__":
    main()
