"""Every command of `c3p` is documented in the README, with every option, and in the contract;
the README's command table is the one scripts/readme_commands.py makes from `--help`."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRACT = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
SCRIPT = ROOT / "scripts" / "readme_commands.py"
_spec = importlib.util.spec_from_file_location("readme_commands", SCRIPT)
readme_commands = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"`c3p {name}" in README, f"c3p {name} is missing from the README"
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in README, f"c3p {name} {opt} is missing from the README"


def _leaves(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            if command.invoke_without_command:
                yield (*path, name)
            yield from _leaves(command, (*path, name))
        else:
            yield (*path, name)


@pytest.mark.parametrize("path", list(_leaves(main)), ids=" ".join)
def test_every_command_is_in_the_readme_table_and_the_contract(path):
    *parents, name = path
    # `c3p server start|stop|status` names each of them
    pattern = re.compile(
        r"c3p " + "".join(re.escape(p) + " " for p in parents) + r"(?:[\w-]+\\?\|)*" + re.escape(name) + r"\b"
    )
    table = README.split(readme_commands.BEGIN)[1].split(readme_commands.END)[0]
    assert pattern.search(table), f"c3p {' '.join(path)} is missing from the README's command table"
    assert pattern.search(CONTRACT), f"c3p {' '.join(path)} is missing from docs/contract.md"


def test_the_readme_command_table_is_the_one_made_from_the_help():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # else: run python scripts/readme_commands.py


def test_a_stale_command_table_is_found_and_rewritten(tmp_path):
    stale = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", stale)
    text = stale.read_text(encoding="utf-8")
    assert "| `c3p report " in text
    stale.write_text(text.replace("A self-contained HTML report", "An HTML report", 1), encoding="utf-8")
    check = [sys.executable, str(SCRIPT), "--check", "--readme", str(stale)]
    found = subprocess.run(check, capture_output=True, text=True)
    assert found.returncode == 1 and f"{stale}: the command table is stale" in found.stderr
    subprocess.run([sys.executable, str(SCRIPT), "--readme", str(stale)], check=True, capture_output=True)
    assert stale.read_text(encoding="utf-8") == text
    assert subprocess.run(check, capture_output=True).returncode == 0
