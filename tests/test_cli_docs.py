"""Every command of `c3p` is documented in the README, with every option."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.cli import main

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_is_documented(name):
    command = main.commands[name]
    assert f"`c3p {name}" in README, f"c3p {name} is missing from the README"
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in ("--help",):
                assert opt in README, f"c3p {name} {opt} is missing from the README"
