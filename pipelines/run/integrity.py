"""What a list promises about itself, checked before its rows may be published.

A damaged or wrong PDF can still be read: a corrupt stream loses a page's rows, a broken
font turns 世界 into ``ef``, last year's list sits at this year's URL. Each check below
compares the list with something it states itself (its numbers, its title), with an
independent reading (camelot's), or with what the parser had to repair.

``quarantine`` reasons withhold the list's rows (its previous good version stays
published); ``review`` reasons publish the rows with ``sources.review_needed`` and the
reasons in ``sources.review_reasons``, for a person to check against the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines import settings
from pipelines.sources.release_titles import clean, names_adoption_list, parse_fiscal_year, parse_round
from pipelines.sources.spec import SourceSpec

CALL_WORDS = ("公募要領", "募集要領", "公募について", "提案書", "応募様式")


@dataclass
class Findings:
    quarantine: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def check_list(spec: SourceSpec, document: dict, list_numbers: list[int | None]) -> Findings:
    """The reasons to withhold or to review the list read from ``document``
    (``Document.to_dict()``) whose rows carry ``list_numbers``."""
    found = Findings()
    _numbers(list_numbers, found)
    _title(spec, document.get("title"), found)
    agreement = (document.get("crosscheck") or {}).get("agreement")
    if agreement is not None and agreement < settings.CROSSCHECK_FLOOR:
        found.quarantine.append(
            f"cross-check: camelot agrees on only {agreement:.1%} of cells"
            f" (at least {settings.CROSSCHECK_FLOOR:.0%} required)"
        )
    repairs = document.get("repairs", [])
    if repairs:
        more = f" (and {len(repairs) - 1} more)" if len(repairs) > 1 else ""
        found.review.append(f"damaged PDF, read after the parser's repairs: {repairs[0]}{more}")
    for problem in document.get("problems", []):
        found.review.append(f"extractor: {problem}")
    return found


OPEN_CELLS = "camelot reads {} cell(s) differently, not yet acknowledged"


def flag_for_review(source_rows: list[dict], disagreements: list[dict]) -> None:
    """``review_reasons`` completed with the open cross-check cells (recounted every run:
    acknowledgements close them) and ``review_needed`` set exactly when there is a reason."""
    open_cells: dict[str, int] = {}
    for d in disagreements:
        if not d.get("acknowledged"):
            open_cells[d["source_id"]] = open_cells.get(d["source_id"], 0) + 1
    prefix = OPEN_CELLS.split("{}")[0]
    for s in source_rows:
        reasons = [r for r in (s.get("review_reasons") or []) if not r.startswith(prefix)]
        if s["source_id"] in open_cells and s.get("rows_published"):
            reasons.append(OPEN_CELLS.format(open_cells[s["source_id"]]))
        s["review_reasons"] = reasons
        s["review_needed"] = bool(reasons)


def _numbers(numbers: list[int | None], found: Findings) -> None:
    """A list is numbered 1…N, each number once (build_records refuses repeats)."""
    given = sorted(n for n in numbers if n is not None)
    if not given:
        return
    expected = list(range(1, len(numbers) + 1))
    if given == expected:
        return
    missing = sorted(set(range(1, max(given[-1], len(numbers)) + 1)) - set(given))
    extra = sorted(set(given) - set(expected))
    parts = []
    if missing:
        parts.append(f"missing {_ranges(missing)}")
    if extra:
        parts.append(f"beyond {len(numbers)} rows: {_ranges(extra)}")
    found.quarantine.append(
        f"list numbers are not 1…{len(numbers)}: {'; '.join(parts)} (rows lost or misread)"
    )


def _ranges(numbers: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(out)


def _title(spec: SourceSpec, title: str | None, found: Findings) -> None:
    """The title above the table names the list's fiscal year and round, and an adoption
    list (not a call for proposals)."""
    text = clean(title or "")
    if not text:
        found.review.append("no title above the table: its fiscal year could not be checked")
        return
    shown = text if len(text) <= 80 else text[:79] + "…"
    year = parse_fiscal_year(text)
    if year is not None and year != spec.fiscal_year:
        found.quarantine.append(f"the title names FY{year}, not FY{spec.fiscal_year}: 「{shown}」")
    call_round = parse_round(text)
    if call_round is not None and call_round != spec.call_round:
        found.quarantine.append(f"the title names round {call_round}, not {spec.call_round}: 「{shown}」")
    if not names_adoption_list(text) and any(w in text for w in CALL_WORDS):
        found.quarantine.append(f"the title is not an adoption list's: 「{shown}」")
    elif year is None:
        found.review.append(f"no fiscal year in the title 「{shown}」: not checked")
