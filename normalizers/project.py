"""One table row (canonical field -> raw cell text) -> ProjectEntities."""
from __future__ import annotations

import re

from . import headers
from .countries import resolve_country
from .fields import resolve_fields
from .model import ProjectEntities
from .municipalities import resolve_domestic
from .orgs import split_org
from .participants import build_participants
from .phases import stated_phase
from .places import resolve_partners
from .text import clean

DEFAULT_ROLE = "共同応募者"


def list_number(raw: str) -> int | None:
    """番号 as printed (「01」, 「No.3」) -> 3, or None."""
    m = re.fullmatch(r"\s*(?:No\.?\s*)?(\d+)\s*\.?\s*", clean(raw or ""))
    return int(m.group(1)) if m else None


def normalise_row(fields: dict[str, str], section: str | None = None, *,
                  co_applicant_role: str | None = None,
                  places: dict | None = None,
                  field_labels: dict | None = None) -> ProjectEntities:
    """Normalise one row. `fields` maps canonical field (model.CANONICAL_FIELDS) to the raw
    cell text; `section` is the group row above it (FY2019 lists), kept as `group`.

    co_applicant_role: the role named by the co-applicant column's printed header
    (headers.co_applicant_role(header): 共同応募者 in FY2023, 共同事業者 in FY2019). When not
    given, it is read from the `fields` keys when they come from map_header() (CanonicalField
    remembers the printed header); failing that 共同応募者 is used and a warning says so.

    places, field_labels: the analyst's gazetteer entries and 対象分野 labels (folded name ->
    entry / code, see decisions.py), looked up before the shipped data."""
    warnings: list[str] = []
    role = co_applicant_role or headers.role_from_fields(fields)
    if role is None:
        role = DEFAULT_ROLE
        if (fields.get("co_applicants") or "").strip():
            warnings.append(f"co-applicant column role not given: {DEFAULT_ROLE} assumed")
    g = lambda k: fields.get(k) or ""  # noqa: E731

    country_code, country_name, w = resolve_country(g("country"))
    warnings += w
    domestic, w = resolve_domestic(g("domestic_city"))
    warnings += w
    partners, w = resolve_partners(g("partner_city"), country_code, places)
    warnings += w
    participants, w = build_participants(g("co_applicants"), role, domestic)
    warnings += w
    fields_, w = resolve_fields(g("target_fields"), field_labels)
    warnings += w

    proposer_raw = g("proposer").strip()
    proposer, proposer_dept = (split_org(proposer_raw) if proposer_raw else (None, None))
    list_no_raw = g("list_no").strip()
    list_no = list_number(list_no_raw)
    if list_no_raw and list_no is None:
        warnings.append(f"list number {list_no_raw!r} is not a number")
    project_name = g("project_name").strip()
    summary = fields.get("summary")
    return ProjectEntities(
        list_no=list_no,
        list_no_raw=list_no_raw,
        project_name=project_name,
        project_name_norm=clean(project_name),
        proposer_name_raw=proposer_raw,
        proposer=proposer,
        proposer_department=proposer_dept,
        participants=participants,
        domestic_cities=domestic,
        partner_cities=partners,
        country_raw=g("country").strip(),
        country_code=country_code,
        country_name_ja=country_name,
        fields=fields_,
        summary=summary.strip() if summary is not None else None,
        group=section.strip() if section and section.strip() else None,
        phase=stated_phase(project_name, summary),
        warnings=warnings,
    )


def normalise_table(header: list[str], rows: list[list[str]],
                    sections: list[str | None] | None = None) -> list[ProjectEntities]:
    """map_header + normalise_row for a whole table, with the co-applicant role taken from
    the printed header."""
    canon = headers.map_header(header)
    role = headers.co_applicant_role(header)
    out = []
    for i, cells in enumerate(rows):
        fields = {f: c for f, c in zip(canon, cells) if f}
        out.append(normalise_row(fields, sections[i] if sections else None, co_applicant_role=role))
    return out
