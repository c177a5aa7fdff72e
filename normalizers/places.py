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
from .line_ends import PLACES, Reading, read_cell
from .text import clean, split_outside_brackets


def _fold(s: str) -> str:
    return re.sub(r"\s+", "", clean(s))


def gazetteer_index(rows, base: dict | None = None, name: str = "gazetteer.csv") -> dict[str, dict]:
    """Folded name/alias -> entry for gazetteer rows (name_ja, name_en, country_code, lat,
    lon, aliases). With ``base`` (the shipped index), a row naming a known place adds
    aliases to it and overrides only the columns it fills (an analyst's extra gazetteer)."""
    out: dict[str, dict] = {}
    for r in rows:
        known = (base or {}).get(_fold(r["name_ja"]), {})
        entry = {k: r.get(k) or known.get(k) for k in ("name_ja", "name_en", "country_code")}
        for k in ("lat", "lon"):
            entry[k] = float(r[k]) if r.get(k) else known.get(k)
        for n in [r["name_ja"], *[a for a in (r.get("aliases") or "").split("|") if a]]:
            k = _fold(n)
            if k in out and out[k]["name_ja"] != entry["name_ja"]:
                raise ValueError(f"{name}: {n!r} names two places")
            out[k] = entry
    return out


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    return gazetteer_index(read_csv("gazetteer.csv"))


def shipped_index() -> dict[str, dict]:
    """The shipped gazetteer (data/gazetteer.csv) as folded name -> entry."""
    return _index()


def lookup(name: str, extra: dict | None = None) -> dict | None:
    """The gazetteer entry of a printed name; ``extra`` (an analyst's index) first."""
    k = _fold(name)
    return (extra or {}).get(k) or _index().get(k)


def split_places(cell, extra: dict | None = None) -> list[str]:
    """Place names as printed: items by normalizers.line_ends (a name in the gazetteer is
    known), then 「、」 and 「，」 outside brackets."""
    reading = (
        cell if isinstance(cell, Reading) else read_cell(cell, PLACES, known=lambda t: is_known(t, extra))
    )
    parts: list[str] = []
    for item in reading.items:
        parts += [
            p for p in (x.strip(" \u3000・") for x in split_outside_brackets(item, "、，", "(（", ")）")) if p
        ]
    return parts


def is_known(name: str, extra: dict | None = None) -> bool:
    return lookup(name, extra) is not None


def resolve_partners(
    cell, country_code: str | None = None, extra: dict | None = None
) -> tuple[list[PartnerCity], list[str]]:
    cities, warnings = [], []
    for i, raw in enumerate(split_places(cell, extra), start=1):
        g = lookup(raw, extra)
        if g is None:
            warnings.append(f"partner city {raw!r} not in the gazetteer (add it to DATA_DIR/gazetteer.csv)")
            cities.append(
                PartnerCity(seq=i, name_raw=raw, name_ja=clean(raw), name_en=None, country_code=country_code)
            )
            continue
        if country_code and g["country_code"] != country_code:
            warnings.append(f"partner city {raw!r} is in {g['country_code']}, the row says {country_code}")
        cities.append(
            PartnerCity(
                seq=i,
                name_raw=raw,
                name_ja=g["name_ja"],
                name_en=g["name_en"] or None,
                country_code=g["country_code"] or country_code,
                lat=g["lat"],
                lon=g["lon"],
            )
        )
    return cities, warnings
