"""対象分野 cells -> ProjectField rows with a field_code (taxonomy: data/field_taxonomy.csv
maps printed labels to codes; data/field_codes.csv gives each code its Japanese and English label).

Items are separated by line breaks, 「、」 and 「，」 (not by ・: 「フロン回収・破壊」 is one label).
Unknown labels get field_code "other", keep their text in field_raw and raise a warning;
「その他」 printed as such is "other" without a warning.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .model import ProjectField
from .text import clean, open_brackets



@lru_cache(maxsize=1)
def field_table() -> tuple[dict[str, str], ...]:
    """(field_code, label_ja, label_en) rows of data/field_codes.csv, in the contract's order."""
    return tuple({k: r[k] for k in ("field_code", "label_ja", "label_en")}
                 for r in read_csv("field_codes.csv"))


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


def _segment(label: str) -> list[str] | None:
    """「再生可能エネルギー廃棄物処理」 (two lines the extractor joined) -> the known labels it
    is made of, exactly (no characters left over), or None."""
    s = label
    best: dict[int, list[str] | None] = {0: []}
    keys = {}
    for r in read_csv("field_taxonomy.csv"):
        keys[_fold(r["label"])] = r["label"]
    f = _fold(s)
    # positions in the folded text; map back through the raw text character by character
    raw_pos = [i for i, ch in enumerate(s) if not ch.isspace()]
    for i in range(len(f)):
        if best.get(i) is None:
            continue
        for k in keys:
            if f.startswith(k, i) and (i + len(k)) not in best:
                best[i + len(k)] = best[i] + [(i, i + len(k))]
    spans = best.get(len(f))
    if not spans or len(spans) < 2 or len(raw_pos) != len(f):
        return None
    return [s[raw_pos[a]: raw_pos[b - 1] + 1] for a, b in spans]


def split_fields(cell: str) -> list[str]:
    items: list[str] = []
    for p in (x.strip(" \u3000・") for x in re.split(r"[\n、，]+", cell or "")):
        if not p:
            continue
        if items and open_brackets(items[-1]) > 0:
            items[-1] += p  # 「デジタル技術（」+「DX）」
        else:
            items.append(p)
    out: list[str] = []
    for p in items:
        out.extend((_segment(p) if field_code(p) is None else None) or [p])
    return out


def field_code(label: str, extra: dict | None = None) -> str | None:
    """The label's field_code; ``extra`` (an analyst's folded label -> code) first."""
    k = _fold(label)
    return (extra or {}).get(k) or _table().get(k)


def resolve_fields(cell: str, extra: dict | None = None) -> tuple[list[ProjectField], list[str]]:
    out, warnings = [], []
    for i, raw in enumerate(split_fields(cell), start=1):
        code = field_code(raw, extra)
        if code is None:
            warnings.append(f"target field {raw!r} not in the taxonomy: stored as 'other'"
                            " (map it in DATA_DIR/field_labels.csv)")
            code = "other"
        out.append(ProjectField(seq=i, field_raw=raw, field_code=code))
    return out, warnings
