"""Partner cities and regions abroad: split a cell, resolve names against the gazetteer.

Gazetteer: data/gazetteer.csv (name_ja, name_en, country_code, lat, lon, aliases). Names
and aliases are compared after clean() with spaces removed. A cell is split on line breaks,
「、」 and 「，」 only: 「レムチャバン港およびバンコク港(周辺地域を含む)」 is one place as printed.
A name not in the gazetteer is kept (name_ja = clean(name)), takes the row's country and
raises a warning: add it to the gazetteer.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .model import PartnerCity
from .text import clean, is_wrap, split_outside_brackets


def _fold(s: str) -> str:
    return re.sub(r"\s+", "", clean(s))


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in read_csv("gazetteer.csv"):
        entry = dict(r, lat=float(r["lat"]) if r["lat"] else None, lon=float(r["lon"]) if r["lon"] else None)
        for n in [r["name_ja"], *[a for a in r["aliases"].split("|") if a]]:
            k = _fold(n)
            if k in out and out[k]["name_ja"] != r["name_ja"]:
                raise ValueError(f"gazetteer.csv: {n!r} names two places")
            out[k] = entry
    return out


def lookup(name: str) -> dict | None:
    return _index().get(_fold(name))


def split_places(cell: str) -> list[str]:
    out = split_outside_brackets(cell or "", "\n、，", "(（", ")）")
    parts: list[str] = []
    for p in (x.strip(" \u3000・") for x in out):
        if not p:
            continue
        # a line the extractor broke inside a name (「レムチャバン港およびバ」+「ンコク港…」, 「…回廊」+「（EEC）」)
        if parts and is_wrap(parts[-1], p, use_tokens=True) and not lookup(p):
            parts[-1] += p
        else:
            parts.append(p)
    return parts


def resolve_partners(cell: str, country_code: str | None = None) -> tuple[list[PartnerCity], list[str]]:
    cities, warnings = [], []
    for i, raw in enumerate(split_places(cell), start=1):
        g = lookup(raw)
        if g is None:
            warnings.append(f"partner city {raw!r} not in the gazetteer (normalizers/data/gazetteer.csv)")
            cities.append(PartnerCity(seq=i, name_raw=raw, name_ja=clean(raw), name_en=None,
                                      country_code=country_code))
            continue
        if country_code and g["country_code"] != country_code:
            warnings.append(f"partner city {raw!r} is in {g['country_code']}, the row says {country_code}")
        cities.append(PartnerCity(seq=i, name_raw=raw, name_ja=g["name_ja"], name_en=g["name_en"] or None,
                                  country_code=g["country_code"], lat=g["lat"], lon=g["lon"]))
    return cities, warnings
