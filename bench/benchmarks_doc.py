"""docs/benchmarks.md, written section by section by the benchmarks beside this file."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def replace_section(heading: str, section: str, docs: Path = DOCS) -> None:
    """Replace the ``heading`` section of ``docs`` (up to the next ``## ``) or append it."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    docs.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
