"""Roles of an organisation in a project: the printed role -> its role_code.

Codes and their labels: data/role_codes.csv. Printed labels -> (role stored, role_code):
data/role_labels.csv, so that 共同事業者 (FY2019 lists) and 共同応募者 (FY2020+) — the same
role printed two ways — share the code ``co_applicant`` while ``role`` keeps the print.
"""

from __future__ import annotations

from functools import lru_cache

from ._data import read_csv
from .text import clean

PROPOSER = "proposer"
OTHER = "other"


@lru_cache(maxsize=1)
def role_table() -> tuple[dict[str, str], ...]:
    """(role_code, label_ja, label_en) rows of data/role_codes.csv, in file order."""
    return tuple({k: r[k] for k in ("role_code", "label_ja", "label_en")} for r in read_csv("role_codes.csv"))


def _key(role: str) -> str:
    return clean(role).replace(" ", "")


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    known = {r["role_code"] for r in role_table()}
    out: dict[str, str] = {}
    for r in read_csv("role_labels.csv"):
        code = r["role_code"]
        if code not in known:
            raise ValueError(
                f"role_labels.csv: {r['label']!r} has unknown role_code {code!r} (not in role_codes.csv)"
            )
        for name in (r["label"], r["role"]):
            if out.setdefault(_key(name), code) != code:
                raise ValueError(f"role_labels.csv: {name!r} is given two role codes")
    return out


def role_code(role: str) -> str | None:
    """The code of a printed role (共同事業者 -> co_applicant), None when it has none yet."""
    return _codes().get(_key(role or ""))
