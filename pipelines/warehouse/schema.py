"""The warehouse's tables: Arrow types and the comment on every table and column.

One definition serves the Parquet writer, the DuckDB DDL (``COMMENT ON``) and the
generated data dictionary, so they cannot drift apart.

Why one module of ~550 lines: it is data (16 tables, every column with its comment), kept
in one place on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    comment: str
    nullable: bool = True


@dataclass(frozen=True)
class TableSpec:
    name: str
    comment: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    references: tuple[tuple[str, str], ...] = ()  # (column, "table.column") foreign keys
    partitioned: bool = True  # Hive-partitioned by fiscal_year under data/curated/<name>/

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type, c.nullable) for c in self.columns])


S, I16, I32, I64, F64, B = pa.string(), pa.int16(), pa.int32(), pa.int64(), pa.float64(), pa.bool_()
TS = pa.timestamp("s", tz="UTC")
FY = Column("fiscal_year", I16, "Fiscal year (年度) of the adoption list, western calendar.", False)

TABLES: dict[str, TableSpec] = {}


def _table(spec: TableSpec) -> TableSpec:
    TABLES[spec.name] = spec
    return spec


def _code_table(name: str, comment: str, code: Column, *labels: Column) -> TableSpec:
    """A code and label table: one row per code, one file (small, and readable when empty)."""
    return _table(TableSpec(name, comment, (code, *labels), primary_key=(code.name,), partitioned=False))


FIELDS = _code_table(
    "fields",
    "One row per code of the target-field taxonomy (project_fields.field_code) with its labels:"
    " group and label by code, not by one printed spelling.",
    Column("field_code", S, "Code of the contract's field taxonomy (energy_efficiency, ...).", False),
    Column("label_ja", S, "Japanese label (the label the lists print most).", False),
    Column("label_en", S, "English label.", False),
)

COUNTRIES = _code_table(
    "countries",
    "One row per ISO 3166-1 country, with the names the warehouse uses (projects.country_code,"
    " partner_cities.country_code).",
    Column("code", S, "ISO 3166-1 alpha-2 code (TH, VN, ...).", False),
    Column("name_ja", S, "Short Japanese name (as in projects.country_name_ja).", False),
    Column("name_en", S, "English name (CLDR).", False),
)

ROLES = _code_table(
    "roles",
    "One row per role an organisation can have in a project (participants.role_code; proposer"
    " for projects.proposer_org_id): roles printed differently in different years share a code.",
    Column("role_code", S, "proposer, co_applicant, cooperating_partner or other.", False),
    Column("label_ja", S, "Japanese label.", False),
    Column("label_en", S, "English label.", False),
)

SOURCES = _table(
    TableSpec(
        "sources",
        "One row per adoption-list PDF the warehouse was built from (the last run's, plus the"
        " lists a `refresh --only` run left as they were): where it came from, what was fetched,"
        " and whether its rows are published (status ok) or not (failed / quarantined).",
        (
            Column(
                "source_id",
                S,
                "Stable id of the list's location: src_ + 10 hex digits of the SHA-1"
                " of the URL's path on its site (relative to C3P_SITE_URL, else without scheme and"
                " host), so a mirror or the demo's local server on any port gives the same id.",
                False,
            ),
            FY,
            Column("call_round", I16, "Call round (1次/2次/3次 公募); 1 where the year had one call.", False),
            Column("url", S, "URL the PDF was fetched from.", False),
            Column("press_url", S, "Press release announcing the list, when known."),
            Column("origin", S, "Where the source came from: registry, sources-file or discovered."),
            Column("sha256", S, "SHA-256 of the PDF used; the file is data/raw/<sha256>.pdf."),
            Column("bytes", I64, "Size of the PDF in bytes."),
            Column(
                "fetched_at",
                TS,
                "When the PDF was last fetched or confirmed unchanged by a"
                " publishing run (UTC); a no-op refresh's check is checked_at.",
            ),
            Column("fetch_status", S, "Last fetch: downloaded, unchanged or failed."),
            Column(
                "checked_at",
                TS,
                "When the list's server was last asked for it (UTC): the fetch of"
                " a publishing run, or the conditional GET of a no-op refresh (304 Not Modified;"
                " then runs has a row with status unchanged).",
            ),
            Column("pages", I16, "Pages in the PDF."),
            Column(
                "status",
                S,
                "ok: rows published; failed: fetch or extraction failed;"
                " quarantined: a conflicting or unreconciled list, rows withheld.",
                False,
            ),
            Column("error", S, "Why the source failed or was quarantined, naming the reason."),
            Column("rows_extracted", I32, "Project rows read from the PDF."),
            Column("rows_expected", I32, "Adopted count stated in the press release (採択件数), when known."),
            Column(
                "rows_published",
                I32,
                "Project rows in the warehouse from this list"
                " (may come from an earlier good version when the latest failed).",
            ),
            Column("published_sha256", S, "SHA-256 of the PDF version whose rows are published."),
            Column(
                "crosscheck_agreement",
                F64,
                "Share of cells on which camelot's independent reading"
                " agrees with ours (null when the cross-check did not run).",
            ),
            Column(
                "review_needed",
                B,
                "True exactly when review_reasons is not empty: the published"
                " rows should be checked against the PDF.",
            ),
            Column(
                "review_reasons",
                pa.list_(S),
                "Why the published rows should be checked: cells"
                " camelot reads differently and not yet acknowledged (crosscheck_disagreements;"
                " acknowledge a reviewed cell in DATA_DIR/crosscheck_acknowledged.csv), the"
                " parser's repairs of a damaged PDF, text the extractor could not place, a title"
                " whose fiscal year could not be checked. Empty when there is nothing to check.",
            ),
            Column(
                "pipeline_version",
                S,
                "Version of the pipeline that extracted and normalised the"
                " published rows, with the fingerprint of the decision files applied to them when"
                " there are any (null when no rows are published). A list whose PDF, place and"
                " pipeline version are unchanged keeps these rows without being read again.",
            ),
        ),
        primary_key=("source_id",),
    )
)

ORGANIZATIONS = _table(
    TableSpec(
        "organizations",
        "One row per distinct organisation; spellings across lists and years share one org_id."
        " first/last_fiscal_year and the counts span every published list; for the organisations"
        " active in one year, use v_org_activity.",
        (
            Column("org_id", S, "Stable id derived from the organisation's matching key.", False),
            Column(
                "name",
                S,
                "Canonical name: NFKC-clean, legal form expanded and attached, without"
                " a trailing abbreviation (that is in abbreviation; printed spellings in aliases).",
                False,
            ),
            Column(
                "abbreviation",
                S,
                "Abbreviation printed after the name (OECC of"
                " 「…センター（OECC）」), the one most spellings give; null when none is printed.",
            ),
            Column("legal_form", S, "Legal form (株式会社, 一般社団法人, ...), if any."),
            Column("legal_form_position", S, "prefix (前株) or suffix (後株); null without legal form."),
            Column("base_name", S, "Name without its legal form."),
            Column(
                "org_type",
                S,
                "local_government_jp, local_government_foreign, company_jp,"
                " company_foreign, foundation_association, university, chamber_of_commerce,"
                " government_agency or other.",
            ),
            Column("aliases", pa.list_(S), "Every spelling seen, as printed."),
            Column(
                "first_fiscal_year",
                I16,
                "First fiscal year with a project of the organisation (in any role).",
                False,
            ),
            Column("last_fiscal_year", I16, "Last fiscal year with a project of the organisation.", False),
            Column("project_count", I32, "Distinct projects in any role.", False),
            Column("projects_as_proposer", I32, "Projects it proposed (提案者 / 代表事業者).", False),
            Column(
                "projects_as_participant",
                I32,
                "Projects it joined as co-applicant or partner (participants rows, inferred ones included).",
                False,
            ),
            Column("name_en", S, "English name, from the analyst's organizations.toml."),
            Column(
                "former_ids",
                pa.list_(S),
                "Ids spellings of this organisation had by the"
                " matching rules before an analyst's decision re-identified them (a merge into"
                " this organisation, or a split from the one whose id it is); empty otherwise.",
            ),
        ),
        primary_key=("org_id",),
        partitioned=False,  # one small file: partitioning by a year would read like a filter
    )
)

PROJECTS = _table(
    TableSpec(
        "projects",
        "One row per adopted project (one row of an adoption list).",
        (
            Column("project_id", S, "Stable id: <fiscal_year>-<call_round>-<list_no, two digits>.", False),
            FY,
            Column("call_round", I16, "Call round of the list the project was adopted in.", False),
            Column("list_no", I16, "番号 / No. in the list."),
            Column("list_no_raw", S, "番号 as printed (e.g. 01)."),
            Column(
                "project_name",
                S,
                "事業名 (wrapped lines joined): as printed, unless a"
                " correction applies (corrections_applied).",
                False,
            ),
            Column("project_name_raw", S, "事業名 as printed, even when corrected."),
            Column("project_name_norm", S, "事業名, NFKC-clean (circled numbers and dashes kept)."),
            Column("proposer_org_id", S, "Organisation of the proposer (提案者 / 代表事業者)."),
            Column("proposer_name_raw", S, "提案者 as printed."),
            Column("proposer_department", S, "Department named after the proposer, if any."),
            Column("country_code", S, "ISO 3166-1 alpha-2 code of the partner country (countries.code)."),
            Column("country_name_ja", S, "Short Japanese name of the partner country (countries.name_ja)."),
            Column("country_raw", S, "対象国 / 国 as printed."),
            Column(
                "summary",
                S,
                "事業概要 (FY2020+ lists), paragraph breaks kept: as printed, unless a correction applies.",
            ),
            Column("summary_raw", S, "事業概要 as printed, even when corrected."),
            Column(
                "phase",
                I16,
                "Phase the list states (「フェーズ2」, 「Phase II」): in 事業名, else the"
                " highest in 事業概要; null when neither states one (read from the text: check the"
                " summary).",
            ),
            Column("group_name", S, "Group row above the project naming the city pair (older lists)."),
            Column("source_id", S, "The PDF the row was read from (sources.source_id).", False),
            Column("source_sha256", S, "SHA-256 of the PDF version the row was read from."),
            Column("page_first", I16, "First page of the PDF the row lies on."),
            Column("page_last", I16, "Last page of the PDF the row lies on."),
        ),
        primary_key=("project_id",),
        references=(("source_id", "sources.source_id"), ("proposer_org_id", "organizations.org_id")),
    )
)

PARTICIPANTS = _table(
    TableSpec(
        "participants",
        "One row per co-applicant or partner organisation named in a project's 共同応募者 cell.",
        (
            Column("project_id", S, "The project (projects.project_id).", False),
            FY,
            Column("seq", I16, "Order in the cell, from 1.", False),
            Column("org_id", S, "The organisation (organizations.org_id)."),
            Column("name_raw", S, "Name as printed.", False),
            Column("role", S, "Role as the list prints it (共同応募者, 協力事業者, 共同事業者, ...).", False),
            Column(
                "role_code",
                S,
                "Code of the role (roles.role_code): co_applicant for 共同応募者 and"
                " 共同事業者 alike, cooperating_partner, ...; group by this, not by role.",
                False,
            ),
            Column("org_type", S, "Type of the organisation (see organizations.org_type)."),
            Column("department", S, "Department of the organisation named in the cell (e.g. 環境局)."),
            Column(
                "inferred",
                B,
                "True when not printed in the cell but implied"
                " (the domestic city of the project, missing from its co-applicants).",
            ),
        ),
        primary_key=("project_id", "seq"),
        references=(("project_id", "projects.project_id"), ("org_id", "organizations.org_id")),
    )
)

DOMESTIC_CITIES = _table(
    TableSpec(
        "domestic_cities",
        "One row per Japanese local government (国内都市 / 本邦都市) of a project.",
        (
            Column("project_id", S, "The project (projects.project_id).", False),
            FY,
            Column("seq", I16, "Order in the cell, from 1.", False),
            Column("lg_code", S, "Six-digit 全国地方公共団体コード with check digit (横浜市 141003)."),
            Column("name", S, "Canonical name of the local government.", False),
            Column("name_raw", S, "Name as printed."),
            Column("prefecture", S, "Prefecture the local government is in (itself for a prefecture)."),
        ),
        primary_key=("project_id", "seq"),
        references=(("project_id", "projects.project_id"),),
    )
)

PARTNER_CITIES = _table(
    TableSpec(
        "partner_cities",
        "One row per partner city or region abroad (対象都市・地域 / パートナー都市) of a project.",
        (
            Column("project_id", S, "The project (projects.project_id).", False),
            FY,
            Column("seq", I16, "Order in the cell, from 1.", False),
            Column("name_raw", S, "Name as printed.", False),
            Column(
                "name_ja",
                S,
                "Canonical Japanese name from the gazetteer: one place however printed"
                " (its aliases), so group by this, not by name_raw.",
            ),
            Column("name_en", S, "English name from the gazetteer."),
            Column("country_code", S, "ISO 3166-1 alpha-2 code of the city's country."),
            Column("lat", F64, "Latitude (gazetteer), for maps."),
            Column("lon", F64, "Longitude (gazetteer), for maps."),
        ),
        primary_key=("project_id", "seq"),
        references=(("project_id", "projects.project_id"),),
    )
)

PROJECT_FIELDS = _table(
    TableSpec(
        "project_fields",
        "One row per target field (対象分野) of a project.",
        (
            Column("project_id", S, "The project (projects.project_id).", False),
            FY,
            Column("seq", I16, "Order in the cell, from 1.", False),
            Column("field_raw", S, "Label as printed.", False),
            Column(
                "field_code",
                S,
                "Code of the contract's field taxonomy (fields.field_code); other when unknown.",
                False,
            ),
        ),
        primary_key=("project_id", "seq"),
        references=(("project_id", "projects.project_id"),),
    )
)

CROSSCHECK_DISAGREEMENTS = _table(
    TableSpec(
        "crosscheck_disagreements",
        "One row per table cell where camelot's independent reading of a published list differs"
        " from ours (compared after NFKC with white space removed): cells to review by hand.",
        (
            Column("source_id", S, "The list (sources.source_id).", False),
            FY,
            Column("call_round", I16, "Call round of the list.", False),
            Column("table_no", I16, "Table of the PDF, from 1.", False),
            Column("row_no", I16, "Row of the table, from 1 (header and group rows not counted).", False),
            Column("list_no_raw", S, "First cell of the row (番号 as printed)."),
            Column("column_name", S, "Column header as printed.", False),
            Column("page_first", I16, "First page the row lies on."),
            Column("ours", S, "Our reading of the cell (what is published)."),
            Column("camelot", S, "camelot's reading of the cell."),
            Column(
                "acknowledged",
                B,
                "True when a person checked the cell against the PDF and"
                " confirmed our reading (a row of DATA_DIR/crosscheck_acknowledged.csv for this"
                " PDF version and these two readings): it no longer flags the list for review.",
            ),
        ),
        primary_key=("source_id", "table_no", "row_no", "column_name"),
        references=(("source_id", "sources.source_id"),),
        partitioned=False,  # small, and readable even when empty
    )
)

CORRECTIONS_APPLIED = _table(
    TableSpec(
        "corrections_applied",
        "One row per analyst's correction (corrections.toml) addressed to a published list:"
        " applied, or stale (the list no longer prints the expected value; not applied).",
        (
            FY,
            Column("call_round", I16, "Call round of the list.", False),
            Column("list_no", I16, "番号 of the corrected row.", False),
            Column(
                "project_id",
                S,
                "The project (projects.project_id); null when the list has no such row any more.",
            ),
            Column(
                "target",
                S,
                "What is corrected: a column of projects (project_name, proposer,"
                " country, summary) or an entity (participants, domestic_cities,"
                " partner_cities, project_fields) with seq.",
                False,
            ),
            Column("seq", I16, "seq of the corrected entity row; null for a column."),
            Column("expected_value", S, "Printed value the correction expects.", False),
            Column("printed_value", S, "Value the list prints now (null: nothing at that address)."),
            Column("corrected_value", S, "Value used in place of the printed one.", False),
            Column("reason", S, "The analyst's reason, as written.", False),
            Column(
                "status",
                S,
                "applied, or stale (expected_value no longer printed: not applied, to review).",
                False,
            ),
            Column("decision_file", S, "The corrections file the entry is in.", False),
            Column("decision_line", I32, "Line of the entry's [[correction]] in that file.", False),
            Column("source_id", S, "The list (sources.source_id).", False),
            Column("source_sha256", S, "SHA-256 of the PDF version the correction was checked on."),
            Column("page_first", I16, "First page of the PDF the corrected row lies on."),
        ),
        primary_key=("decision_file", "decision_line"),
        references=(("source_id", "sources.source_id"),),
        partitioned=False,  # small, and readable even when empty
    )
)

REVIEW = _table(
    TableSpec(
        "review",
        "One row per cell whose reading was published on evidence that disagreed (where a"
        " printed line or an item ends, decided by normalizers/line_ends.py): the reading chosen"
        " and the other one, for a person to check; also participants that are neither known"
        " organisations nor read as whole names.",
        (
            Column("source_id", S, "The list (sources.source_id).", False),
            FY,
            Column("page", I16, "First page of the PDF the row lies on."),
            Column("project_id", S, "The project (projects.project_id).", False),
            Column("column_name", S, "Column header as printed.", False),
            Column("printed_lines", pa.list_(S), "The cell's lines as printed, top to bottom."),
            Column("chosen", S, "The reading published (items separated by line breaks)."),
            Column(
                "alternative",
                S,
                "The reading with every doubted line end decided the other"
                " way, and a blank line where one may be lost at a page break inside the row"
                " (null when the doubt is about a name, not a line end).",
            ),
            Column("reason", S, "Why the evidence disagreed.", False),
        ),
        references=(("project_id", "projects.project_id"), ("source_id", "sources.source_id")),
    )
)

RUNS = _table(
    TableSpec(
        "runs",
        "One row per refresh that published or checked: when it ran and what it saw (a no-op"
        " refresh, nothing changed, is a row with status unchanged).",
        (
            Column("run_id", S, "Id of the run (UTC start time and a random suffix).", False),
            Column("started_at", TS, "Start (UTC).", False),
            Column("finished_at", TS, "End (UTC)."),
            Column("command", S, "demo or refresh."),
            Column("sources_seen", I32, "Sources in the run."),
            Column("sources_new", I32, "Sources downloaded new or changed."),
            Column("sources_failed", I32, "Sources failed or quarantined."),
            Column("projects", I32, "Projects published."),
            Column(
                "status",
                S,
                "ok (every source ok), partial (some failed or quarantined),"
                " failed (none ok) or unchanged (a no-op: every list answered 304 Not Modified,"
                " nothing read again; sources_failed counts the lists still failing).",
                False,
            ),
            Column(
                "pipeline_version",
                S,
                "Version of C3P warehouse that ran, with a fingerprint of"
                " the code and data that turn a PDF into rows (<release>+<fingerprint>).",
            ),
            Column(
                "decisions_sha256",
                S,
                "SHA-256 over the analyst's decision files the run"
                " applied (corrections.toml, organizations.toml, ...): a change re-publishes.",
            ),
        ),
        primary_key=("run_id",),
        partitioned=False,
    )
)

RELEASES = _table(
    TableSpec(
        "releases",
        "One row per press release of the programme known to the registry (pipelines/sources/moe_releases.csv)"
        " or found by the crawler (crawl_state.json): adoption results, calls, and pages read for the"
        " cumulative participation they quote. The coverage view compares it with what was published.",
        (
            FY,
            Column(
                "call_round", I16, "Call round; 1 where the release states none (round_stated false).", False
            ),
            Column(
                "round_stated",
                B,
                "True when the title, the attachment's title or the registry states the round.",
            ),
            Column("kind", S, "adoption (採択結果, carries the list), call (公募) or info.", False),
            Column("release_date", S, "Release date, YYYY-MM-DD (or YYYY-MM when only the month is known)."),
            Column("title", S, "Title of the release as printed (when read)."),
            Column("press_url", S, "The release's URL (its identity: press numbers restarted in 2025)."),
            Column("pdf_url", S, "The adoption list's PDF, when known."),
            Column("attachment_title", S, "The list's title as the release names it."),
            Column("applications", I32, "Applications stated in the release (応募件数)."),
            Column("adopted", I32, "Projects adopted, stated in the release (採択件数)."),
            Column("countries", I16, "Cumulative partner countries quoted (「13か国…」)."),
            Column("partner_cities", I16, "Cumulative partner cities and regions quoted (「49都市・地域」)."),
            Column(
                "local_governments", I16, "Cumulative Japanese local governments quoted (「日本の20自治体」)."
            ),
            Column("in_registry", B, "Known from the built-in registry.", False),
            Column("found_by_crawler", B, "Read by the crawler from the ministry's site.", False),
        ),
        partitioned=False,
    )
)
