"""One table row (canonical field -> raw cell text) -> ProjectEntities."""

from __future__ import annotations

import re

from . import fields as fields_module, headers, line_ends, municipalities, places as places_module
from .countries import resolve_country
from .fields import resolve_fields
from .model import ProjectEntities, ReviewNote
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


# how each column's line ends are read (normalizers.line_ends), and what names it knows
KINDS = {
    "list_no": (line_ends.NAME, None),
    "proposer": (line_ends.NAME, None),
    "co_applicants": (line_ends.PARTICIPANTS, None),
    "domestic_city": (line_ends.CITIES, municipalities.is_known),
    "partner_city": (line_ends.PLACES, places_module.is_known),
    "country": (line_ends.NAME, lambda t: False),
    "project_name": (line_ends.PROSE, None),
    "target_fields": (line_ends.FIELDS, fields_module.is_known),
    "summary": (line_ends.PROSE, None),
}


def read_cells(
    fields: dict, places: dict | None = None, field_labels: dict | None = None
) -> dict[str, line_ends.Reading]:
    """Every cell of a row read once by normalizers.line_ends (the analyst's places and
    field labels known too)."""
    extra = {
        "partner_city": lambda t: places_module.is_known(t, places),
        "target_fields": lambda t: fields_module.is_known(t, field_labels),
    }
    out = {}
    words = line_ends.printed_words(fields.values())
    for k, v in fields.items():
        kind, known = KINDS.get(str(k), (line_ends.PROSE, None))
        out[k] = line_ends.read_cell(v, kind, known=extra.get(str(k), known), words=words)
    return out


def _review(fields: dict, readings: dict[str, line_ends.Reading], participants) -> list[ReviewNote]:
    notes = []
    for k, r in readings.items():
        if not r.doubts:
            continue
        notes.append(
            ReviewNote(
                column=getattr(k, "printed", str(k)),
                lines=list(line_ends.printed(fields[k]).lines),
                chosen=r.text,
                alternative="\n".join(r.alternative) if r.alternative else None,
                reason="; ".join(dict.fromkeys(d.reason for d in r.doubts)),
            )
        )
    strange = [
        p.name_raw
        for p in participants
        if not p.inferred
        and not line_ends.known_organization(p.name_raw)
        and not line_ends.whole_name(p.name_raw)
    ]
    strange += [
        f"{p.name_raw} (known as {known})"
        for p in participants
        if (known := line_ends.known_spelling(p.name_raw)) not in (None, p.name_raw.strip())
    ]
    if strange:
        k = next(k for k in fields if str(k) == "co_applicants")
        notes.append(
            ReviewNote(
                column=getattr(k, "printed", str(k)),
                lines=list(line_ends.printed(fields[k]).lines),
                chosen=readings[k].text,
                alternative=None,
                reason="participant(s) neither known nor read as a whole name, or spaced otherwise"
                " than the known organisation: " + "、".join(strange),
            )
        )
    return notes


def normalise_row(
    fields: dict,
    section: str | None = None,
    *,
    co_applicant_role: str | None = None,
    places: dict | None = None,
    field_labels: dict | None = None,
) -> ProjectEntities:
    """Normalise one row. `fields` maps canonical field (model.CANONICAL_FIELDS) to the
    cell: the extractor's printed lines with their verdicts (anything with ``lines`` and
    ``ends``) or plain text (its line breaks taken as the author's); `section` is the group
    row above it (FY2019 lists), kept as `group`. Line ends are decided once, by
    normalizers.line_ends; what it was unsure of is in ``review``.

    co_applicant_role: the role named by the co-applicant column's printed header
    (headers.co_applicant_role(header): 共同応募者 in FY2023, 共同事業者 in FY2019). When not
    given, it is read from the `fields` keys when they come from map_header() (CanonicalField
    remembers the printed header); failing that 共同応募者 is used and a warning says so.

    places, field_labels: the analyst's gazetteer entries and 対象分野 labels (folded name ->
    entry / code, see decisions.py), looked up before the shipped data."""
    warnings: list[str] = []
    readings = read_cells(fields, places, field_labels)
    empty = line_ends.Reading([])
    r = lambda k: readings.get(k, empty)  # noqa: E731
    g = lambda k: r(k).text  # noqa: E731
    role = co_applicant_role or headers.role_from_fields(fields)
    if role is None:
        role = DEFAULT_ROLE
        if g("co_applicants").strip():
            warnings.append(f"co-applicant column role not given: {DEFAULT_ROLE} assumed")

    country_code, country_name, w = resolve_country(g("country"))
    warnings += w
    domestic, w = resolve_domestic(g("domestic_city"))
    warnings += w
    partners, w = resolve_partners(r("partner_city"), country_code, places)
    warnings += w
    participants, w = build_participants(r("co_applicants"), role, domestic)
    warnings += w
    fields_, w = resolve_fields(r("target_fields"), field_labels)
    warnings += w

    proposer_raw = g("proposer").strip()
    proposer, proposer_dept = split_org(proposer_raw) if proposer_raw else (None, None)
    list_no_raw = g("list_no").strip()
    list_no = list_number(list_no_raw)
    if list_no_raw and list_no is None:
        warnings.append(f"list number {list_no_raw!r} is not a number")
    project_name = g("project_name").strip()
    summary = g("summary") if "summary" in fields else None
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
        review=_review(fields, readings, participants),
    )


def decided_cells(header: list[str], cells: list, canonical: list | None = None) -> list[str]:
    """The text of every cell of a row as normalizers.line_ends reads it: each column by the
    kind its header maps to (``canonical``: the fields already mapped; an unknown header's
    cells as prose)."""
    out = []
    words = line_ends.printed_words(cells)
    for i, (h, cell) in enumerate(zip(header, cells)):
        try:
            field_name = (
                str(canonical[i] or "")
                if canonical is not None
                else str(headers.canonical_field(h))
                if h and clean(h)
                else ""
            )
        except headers.UnknownHeader:
            field_name = ""
        kind, known = KINDS.get(field_name, (line_ends.PROSE, None))
        out.append(line_ends.read_cell(cell, kind, known=known, words=words).text)
    return out
