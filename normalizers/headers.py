"""Printed table headers -> canonical fields (model.CANONICAL_FIELDS).

The synonyms are data: normalizers/data/header_synonyms.csv (header, field, role). A header
is folded before lookup: clean() (NFKC, width), footnote marks (*1, ※1, 注1, ＊, †) removed,
all white space removed. Unknown headers raise UnknownHeader: never a silent guess.
"""

from __future__ import annotations

import re

from ._data import read_csv
from .model import CANONICAL_FIELDS
from .text import clean

REQUIRED = ("project_name", "proposer")
IGNORE = "ignore"  # a layout row's field for a printed column the warehouse does not keep


class UnknownHeader(ValueError):
    """A printed header that is not in header_synonyms.csv (or a required one missing)."""

    def __init__(self, message: str, header: str | None = None):
        super().__init__(message)
        self.header = header


_FOOTNOTE = re.compile(r"(?:[*※＊†‡]\s*\d*|注\s*\d+|\(\s*注\s*\d*\s*\)|\[\s*\d+\s*\])")


def fold_header(h: str) -> str:
    t = clean(h)
    t = _FOOTNOTE.sub("", t)
    return re.sub(r"\s+", "", t)


def header_index(rows, name: str = "header_synonyms.csv") -> dict[str, tuple[str, str | None]]:
    """Folded header -> (canonical field or "ignore", role) for rows (header, field, role)."""
    out = {}
    for r in rows:
        if r["field"] not in CANONICAL_FIELDS and r["field"] != IGNORE:
            raise ValueError(f"{name}: unknown field {r['field']!r}")
        out[fold_header(r["header"])] = (r["field"], r.get("role") or None)
    return out


def _table() -> dict[str, tuple[str, str | None]]:
    return header_index(read_csv("header_synonyms.csv"))


class CanonicalField(str):
    """A canonical field name (a plain str for comparisons, hashing and dict keys) that also
    remembers the header as printed (`.printed`) and the role it implies (`.role`), so that
    normalise_row() can read the co-applicant column's role (共同応募者 / 共同事業者) from
    the keys of the `fields` dict built from map_header()'s output."""

    printed: str
    role: str | None

    def __new__(cls, field: str, printed: str, role: str | None = None):
        obj = super().__new__(cls, field)
        obj.printed = printed
        obj.role = role
        return obj


def canonical_field(header: str, layouts: dict | None = None) -> str | None:
    """One printed header -> canonical field (a CanonicalField), or None for a column a
    layout row says to ignore; ``layouts`` (an analyst's header_index) is read first.
    Raises UnknownHeader."""
    folded = fold_header(header)
    hit = (layouts or {}).get(folded) or _table().get(folded)
    if hit is None:
        raise UnknownHeader(
            f"unknown table header {header!r} (folded {folded!r}); "
            "map it in DATA_DIR/layouts.csv (or normalizers/data/header_synonyms.csv"
            " if it is a synonym)",
            header,
        )
    return None if hit[0] == IGNORE else CanonicalField(hit[0], header, hit[1])


def header_role(header: str) -> str | None:
    """The participant role a co-applicant column's header implies (共同応募者/共同事業者/...)."""
    hit = _table().get(fold_header(header))
    return hit[1] if hit else None


def map_header(header: list[str], layouts: dict | None = None) -> list[str | None]:
    """Each printed header to its canonical field (None: blank or ignored). Raises
    UnknownHeader for an unknown header, a field printed twice, or a missing required field
    (事業名, 提案者). ``layouts``: the analyst's mappings (header_index), read first."""
    fields: list[str | None] = []
    for h in header:
        if h is None or not clean(h):
            fields.append(None)  # an empty header cell (e.g. a blank spacer column)
            continue
        fields.append(canonical_field(h, layouts))
    seen = [f for f in fields if f]
    dup = {f for f in seen if seen.count(f) > 1}
    if dup:
        raise UnknownHeader(f"header {header!r} maps several columns to {sorted(dup)}")
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        raise UnknownHeader(f"header {header!r} lacks required field(s) {missing}")
    return fields


def role_from_fields(fields) -> str | None:
    """The co-applicant role carried by a CanonicalField key of `fields`, if any."""
    for k in fields:
        if k == "co_applicants" and getattr(k, "role", None):
            return k.role
    return None


def co_applicant_role(header: list[str]) -> str | None:
    """Default participant role for a table: the co-applicant column's own wording."""
    for h in header:
        if h and clean(h) and _table().get(fold_header(h), ("", None))[0] == "co_applicants":
            return header_role(h)
    return None
