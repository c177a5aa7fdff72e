"""What the normalisers return to the pipeline: plain dataclasses, no PDF knowledge."""

from __future__ import annotations

from dataclasses import dataclass, field

# Canonical field names a header maps to (normalizers.headers.map_header).
CANONICAL_FIELDS = (
    "list_no",
    "proposer",
    "co_applicants",
    "domestic_city",
    "partner_city",
    "country",
    "project_name",
    "target_fields",
    "summary",
)


@dataclass(frozen=True)
class Organization:
    org_id: str  # stable: derived from the matching key / alias table, never from run order
    name: str  # canonical name (NFKC-clean, legal form expanded, legal-form space removed)
    legal_form: str | None  # 株式会社, 一般社団法人, ...
    legal_form_position: str | None  # "prefix" / "suffix" / None
    base_name: str  # name without legal form
    org_type: str  # contract list: local_government_jp, company_jp, ...
    abbreviation: str | None = None  # 「OECC」 of 「…センター(OECC)」: never part of name
    name_en: str | None = None  # English name, from an analyst's decision (decisions.py)


@dataclass
class Participant:
    seq: int
    name_raw: str  # as printed (wraps joined)
    role: str  # 共同応募者 / 協力事業者 / 共同事業者 ... (label decorations removed)
    role_code: str  # co_applicant / cooperating_partner / ... (data/role_codes.csv)
    org: Organization
    department: str | None = None  # 「環境局」 of 「東京都　環境局」
    inferred: bool = False  # True when not printed in the cell (e.g. the domestic city implied)


@dataclass
class DomesticCity:
    seq: int
    name_raw: str
    name: str
    lg_code: str | None  # six digits with check digit
    prefecture: str | None


@dataclass
class PartnerCity:
    seq: int
    name_raw: str
    name_ja: str
    name_en: str | None
    country_code: str | None
    lat: float | None = None
    lon: float | None = None


@dataclass
class ProjectField:
    seq: int
    field_raw: str
    field_code: str


@dataclass
class ReviewNote:
    """A reading published on evidence that disagreed: for a person to check."""

    column: str  # the header as printed
    lines: list[str]  # the cell's printed lines
    chosen: str  # the reading published
    alternative: str | None  # the reading the other way
    reason: str


@dataclass
class ProjectEntities:
    list_no: int | None
    list_no_raw: str
    project_name: str  # as printed
    project_name_norm: str
    proposer_name_raw: str
    proposer: Organization | None
    proposer_department: str | None
    participants: list[Participant]
    domestic_cities: list[DomesticCity]
    partner_cities: list[PartnerCity]
    country_raw: str
    country_code: str | None
    country_name_ja: str | None
    fields: list[ProjectField]
    summary: str | None
    group: str | None
    phase: int | None = None  # フェーズ2 / 第2期 stated in 事業名 or 事業概要
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewNote] = field(default_factory=list)
