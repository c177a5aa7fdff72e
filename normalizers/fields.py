"""対象分野 cells -> ProjectField rows with a field_code (taxonomy: data/field_taxonomy.csv).

Items are separated by line breaks, 「、」 and 「，」 (not by ・: 「フロン回収・破壊」 is one label).
Unknown labels get field_code "other", keep their text in field_raw and raise a warning;
「その他」 printed as such is "other" without a warning.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .model import ProjectField
from .text import clean

FIELD_CODES = ("energy_efficiency", "renewable_energy", "energy_utilisation", "waste", "hydrogen",
               "transport", "institution_building", "digital", "smart_city", "fluorocarbons", "water",
               "forestry_nature", "industrial_park", "port", "ccus", "other")


def _fold(s: str) -> str:
    return re.sub(r"\s+", "", clean(s)).casefold()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    out = {}
    for r in read_csv("field_taxonomy.csv"):
        if r["field_code"] not in FIELD_CODES:
            raise ValueError(f"field_taxonomy.csv: unknown code {r['field_code']!r}")
        out[_fold(r["label"])] = r["field_code"]
    return out


def split_fields(cell: str) -> list[str]:
    return [p.strip(" \u3000・") for p in re.split(r"[\n、，]+", cell or "") if p.strip(" \u3000・")]


def field_code(label: str) -> str | None:
    return _table().get(_fold(label))


def resolve_fields(cell: str) -> tuple[list[ProjectField], list[str]]:
    out, warnings = [], []
    for i, raw in enumerate(split_fields(cell), start=1):
        code = field_code(raw)
        if code is None:
            warnings.append(f"target field {raw!r} not in the taxonomy: stored as 'other'")
            code = "other"
        out.append(ProjectField(seq=i, field_raw=raw, field_code=code))
    return out, warnings
