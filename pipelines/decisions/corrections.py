"""Corrections of printed values, applied to one list in the records stage of every run.

A correction names one value — (fiscal_year, call_round, list_no, column or entity, seq) —
with the printed value it expects. It is applied only while the list still prints that
value; otherwise it is ``stale`` (the ministry re-published the list, or the extractor now
reads it differently) and reported with what is printed now. Either way it is a row of
``corrections_applied``.
"""

from __future__ import annotations

from extractors.model import Row
from normalizers.decisions import Decisions, apply_correction, printed_value, same_text
from normalizers.model import ProjectEntities
from pipelines.decisions.files import Correction


def correct_list(
    entities: list[tuple[ProjectEntities, Row]],
    corrections: list[Correction],
    *,
    fiscal_year: int,
    call_round: int,
    source_id: str,
    sha256: str,
    project_id,
    decisions: Decisions,
) -> tuple[list[dict], list[str]]:
    """Apply the list's corrections in place; (corrections_applied rows, warnings)."""
    by_no = {e.list_no: (e, row) for e, row in entities if e.list_no is not None}
    rows, warnings = [], []
    for c in corrections:
        if c.list_key != (fiscal_year, call_round):
            continue
        e, row = by_no.get(c.list_no, (None, None))
        printed = printed_value(e, c.target, c.seq) if e is not None else None
        status = (
            "applied" if e is not None and printed is not None and same_text(printed, c.expected) else "stale"
        )
        if status == "applied" and e is not None:
            apply_correction(e, c.target, c.seq, c.corrected, decisions.places, decisions.field_labels)
        else:
            where = f"{c.target}" + (f" #{c.seq}" if c.seq is not None else "")
            now = "nothing there now" if printed is None else f"the list now prints {printed!r}"
            warnings.append(
                f"stale correction ({c.file}:{c.line}), not applied:"
                f" FY{fiscal_year} round {call_round} no. {c.list_no} {where}"
                f" expects {c.expected!r}, {now}"
            )
        rows.append(
            {
                "fiscal_year": fiscal_year,
                "call_round": call_round,
                "list_no": c.list_no,
                "project_id": project_id(fiscal_year, call_round, c.list_no) if e is not None else None,
                "target": c.target,
                "seq": c.seq,
                "expected_value": c.expected,
                "printed_value": printed,
                "corrected_value": c.corrected,
                "reason": c.reason,
                "status": status,
                "decision_file": c.file,
                "decision_line": c.line,
                "source_id": source_id,
                "source_sha256": sha256,
                "page_first": min(row.pages) if row is not None and row.pages else None,
            }
        )
    return rows, warnings
