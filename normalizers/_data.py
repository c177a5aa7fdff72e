"""Loading the CSV reference data shipped in normalizers/data/."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of data/<name> as dicts; lines whose first cell starts with '#' are comments."""
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    head, body = rows[0], rows[1:]
    return tuple({k: v.strip() for k, v in zip(head, r + [""] * (len(head) - len(r)))} for r in body)
