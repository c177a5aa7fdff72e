"""The built-in registry of the ministry's adoption lists, plus what discovery added.

``moe_releases.csv`` (shipped in the package, 37 rows) records every adoption, call and
info release known: fiscal year, round (blank for the unnumbered FY2016-2018 calls), date,
press URL, stated counts, the list's title and PDF URL where known, sources and notes.
Releases whose PDF URL is known become sources; every release with a press URL is read
directly by the crawler (:func:`crawl_hints`); the rest stay as metadata for the coverage
view.  Lists the crawler found are appended to ``DATA_DIR/registry_discovered.json``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pipelines.settings import resolve
from pipelines.sources.spec import SourceSpec

DISCOVERED_FILE = "registry_discovered.json"


@dataclass(frozen=True)
class Release:
    fiscal_year: int
    era: str
    call_round: int | None
    kind: str  # adoption / call
    date: str | None
    press_url: str | None
    applications: int | None
    adopted: int | None
    attachment_title: str | None
    attachment_url: str | None
    notes: str = ""


def _int(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def releases() -> list[Release]:
    """Every release in the shipped reference table."""
    text = resources.files("pipelines.sources").joinpath("moe_releases.csv").read_text(encoding="utf-8")
    out = []
    for row in csv.DictReader(text.splitlines()):
        out.append(
            Release(
                fiscal_year=int(row["fiscal_year"]),
                era=row["era"],
                call_round=_int(row["round"]),
                kind=row["kind"],
                date=row["date"] or None,
                press_url=row["press_url"] or None,
                applications=_int(row["applications"]),
                adopted=_int(row["adopted"]),
                attachment_title=row["attachment_title"] or None,
                attachment_url=row["attachment_url"] or None,
                notes=row.get("notes") or "",
            )
        )
    return out


def builtin_sources() -> list[SourceSpec]:
    """Adoption lists with a known PDF URL, resolved against ``C3P_SITE_URL``."""
    return [
        SourceSpec(
            url=resolve(r.attachment_url),
            fiscal_year=r.fiscal_year,
            call_round=r.call_round or 1,
            press_url=r.press_url,
            expected_count=r.adopted,
            origin="registry",
        )
        for r in releases()
        if r.kind == "adoption" and r.attachment_url
    ]


def crawl_hints():
    """Releases with a known press URL, on ``C3P_SITE_URL``, for the crawler to read first."""
    from pipelines.sources.crawler import RegistryHint

    return [
        RegistryHint(resolve(r.press_url), r.fiscal_year, r.call_round, r.kind)
        for r in releases()
        if r.press_url and r.kind in ("adoption", "call", "info")
    ]


def discovered_sources(data_dir: Path) -> list[SourceSpec]:
    path = Path(data_dir) / DISCOVERED_FILE
    if not path.exists():
        return []
    return [SourceSpec(**{**d, "origin": "discovered"}) for d in json.loads(path.read_text())]


def add_discovered(data_dir: Path, found: list[SourceSpec]) -> list[SourceSpec]:
    """Record newly discovered lists; return those not known before."""
    known = {s.url for s in builtin_sources()} | {s.url for s in discovered_sources(data_dir)}
    new = [s for s in found if s.url not in known]
    if new:
        path = Path(data_dir) / DISCOVERED_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        everything = [s.to_dict() for s in discovered_sources(data_dir) + new]
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(everything, ensure_ascii=False, indent=1))
        tmp.replace(path)
    return new
