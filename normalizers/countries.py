"""対象国/国 cells -> ISO 3166-1 alpha-2 and a canonical short Japanese name.

Names come from Babel's CLDR Japanese territory names plus data/countries_extra.csv (formal
names as the ministry prints them: ベトナム社会主義共和国, マレーシア国, ...). Lookup folds
width and spaces, then tries again without a state-form suffix (王国, 共和国, 国, ...).
country_name_ja is CLDR's short name unless countries_extra.csv marks another as canonical;
country_table() lists every country with that name and CLDR's English one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .text import clean

_SUFFIXES = (
    "連邦民主共和国",
    "人民民主共和国",
    "民主社会主義共和国",
    "社会主義共和国",
    "連邦共和国",
    "民主共和国",
    "人民共和国",
    "連合共和国",
    "共和国",
    "独立国",
    "合衆国",
    "王国",
    "連邦",
    "国",
)


# Codes CLDR names that ISO 3166-1 does not assign to a country (EU, UN, Kosovo's XK,
# exceptionally reserved AC/CP/CQ/DG/EA/IC/TA, pseudo-locales, unknown): never a partner country.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


def _fold(s: str) -> str:
    return re.sub(r"\s+", "", clean(s))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    from babel import Locale  # only at first use

    names: dict[str, str] = {}
    short: dict[str, str] = {}
    for code, name in Locale("ja").territories.items():
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
            short[code] = name
            names.setdefault(_fold(name), code)
            names.setdefault(_fold(re.sub(r"\s*\(.*\)$", "", name)), code)
    for r in read_csv("countries_extra.csv"):
        names[_fold(r["name_ja"])] = r["country_code"]
        if r["note"].startswith("canonical"):
            short[r["country_code"]] = r["name_ja"]
    return names, short


def country_code(raw: str) -> str | None:
    t = _fold(raw or "")
    if not t:
        return None
    names, _ = _tables()
    if t in names:
        return names[t]
    for suf in _SUFFIXES:
        if t.endswith(suf) and t[: -len(suf)] in names:
            return names[t[: -len(suf)]]
    return None


def country_table() -> list[dict[str, str]]:
    """Every ISO 3166-1 alpha-2 country: code, name_ja (the canonical short name, as in
    projects.country_name_ja) and name_en (CLDR English), sorted by code."""
    from babel import Locale

    english = Locale("en").territories
    return [
        {"code": code, "name_ja": name, "name_en": english.get(code, code)}
        for code, name in sorted(_tables()[1].items())
    ]


def country_name_ja(code: str | None) -> str | None:
    return _tables()[1].get(code) if code else None


def resolve_country(raw: str) -> tuple[str | None, str | None, list[str]]:
    """(country_code, country_name_ja, warnings). Several countries in one cell: the first is
    returned, and a warning lists them all."""
    parts = [p for p in re.split(r"[\n、，,・/／]+", raw or "") if p.strip()]
    codes = [country_code(p) for p in parts] or [None]
    warnings = []
    if len(parts) > 1:
        warnings.append(f"country cell {raw!r} names several countries: {codes}")
    if raw and raw.strip() and codes[0] is None:
        warnings.append(f"country {raw!r}: unknown (add it to normalizers/data/countries_extra.csv)")
    return codes[0], country_name_ja(codes[0]), warnings
