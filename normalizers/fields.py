"""対象分野 cells -> ProjectField rows with a field_code (taxonomy: data/field_taxonomy.csv
maps printed labels to codes; data/field_codes.csv gives each code its Japanese and English label).

Items are the cell's items (normalizers.line_ends), separated further by 「、」 and 「，」 (not
by ・: 「フロン回収・破壊」 is one label).
Unknown labels get field_code "other", keep their text in field_raw and raise a warning;
「その他」 printed as such is "other" without a warning.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .model import ProjectField
from .line_ends import FIELDS, Reading, read_cell
from .text import clean, split_outside_brackets


@lru_cache(maxsize=1)
def field_table() -> tuple[dict[str, str], ...]:
    """(field_code, label_ja, label_en) rows of data/field_codes.csv, in the contract's order."""
    return tuple(
        {k: r[k] for k in ("field_code", "label_ja", "label_en")} for r in read_csv("field_codes.csv")
    )


FIELD_CODES = tuple(r["field_code"] for r in field_table())


def _fold(s: str) -> str:
    return re.sub(r"\s+", "", clean(s)).casefold()


fold_label = _fold  # how labels are compared (an analyst's field_labels.csv keys too)


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    out = {}
    for r in read_csv("field_taxonomy.csv"):
        if r["field_code"] not in FIELD_CODES:
            raise ValueError(f"field_taxonomy.csv: unknown code {r['field_code']!r}")
        out[_fold(r["label"])] = r["field_code"]
    return out


def split_fields(cell, extra: dict | None = None) -> list[str]:
    """Labels as printed: items by normalizers.line_ends (a taxonomy label is known), then
    「、」 and 「，」 outside brackets."""
    reading = (
        cell if isinstance(cell, Reading) else read_cell(cell, FIELDS, known=lambda t: is_known(t, extra))
    )
    out: list[str] = []
    for item in reading.items:
        out += [p for p in (x.strip(" \u3000・") for x in split_outside_brackets(item, "、，")) if p]
    return out


def is_known(label: str, extra: dict | None = None) -> bool:
    return field_code(label, extra) is not None


def field_code(label: str, extra: dict | None = None) -> str | None:
    """The label's field_code; ``extra`` (an analyst's folded label -> code) first."""
    k = _fold(label)
    return (extra or {}).get(k) or _table().get(k)


def resolve_fields(cell, extra: dict | None = None) -> tuple[list[ProjectField], list[str]]:
    out, warnings = [], []
    for i, raw in enumerate(split_fields(cell, extra), start=1):
        code = field_code(raw, extra)
        if code is None:
            warnings.append(
                f"target field {raw!r} not in the taxonomy: stored as 'other'"
                " (map it in DATA_DIR/field_labels.csv)"
            )
            code = "other"
        out.append(ProjectField(seq=i, field_raw=raw, field_code=code))
    return out, warnings
