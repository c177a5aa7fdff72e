"""Which source may publish its list: one URL per (fiscal_year, call_round), and a row count
that agrees with the press release."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.run.handoffs import Failed, Recorded, RecordsResult, Reused
from pipelines.sources.spec import SourceSpec


@dataclass(frozen=True)
class Verdict:
    status: str  # ok / failed / quarantined
    error: str | None
    owns_list: bool  # this URL supplies its list (its good rows, or the previous ones, publish)


def reconcile(
    specs: list[SourceSpec], records: list[RecordsResult], previous_sources: list[dict]
) -> list[Verdict]:
    """A verdict per source, in the order given.

    A list already published from a URL keeps that URL; otherwise the first claim wins and
    any other URL claiming the same list is quarantined. A list whose row count differs from
    the count stated in the press release, or that breaks a promise of its own (numbers
    1…N, the year in its title; ``integrity``), is quarantined (it still owns its list, so
    its previous good version stays published).
    """
    published_from = {
        (p["fiscal_year"], p["call_round"]): p["url"] for p in previous_sources if p["status"] == "ok"
    }
    order = sorted(
        range(len(specs)), key=lambda i: (published_from.get(specs[i].list_key) != specs[i].url, i)
    )
    owner: dict[tuple[int, int], str] = {}
    verdicts: dict[int, Verdict] = {}
    for i in order:
        spec, r = specs[i], records[i]
        claimed_by = owner.setdefault(spec.list_key, spec.url)
        if claimed_by != spec.url:
            verdicts[i] = Verdict(
                "quarantined",
                (
                    f"another URL already supplies the FY{spec.fiscal_year} round"
                    f" {spec.call_round} list: {claimed_by}"
                ),
                owns_list=False,
            )
        elif isinstance(r, Failed):
            verdicts[i] = Verdict("failed", f"{r.stage}: {r.error}", owns_list=True)
        elif reasons := _quarantine_reasons(spec, r):
            verdicts[i] = Verdict("quarantined", "; ".join(reasons), owns_list=True)
        else:
            verdicts[i] = Verdict("ok", None, owns_list=True)
    return [verdicts[i] for i in range(len(specs))]


def _quarantine_reasons(spec: SourceSpec, records: Recorded | Reused) -> list[str]:
    """Why a list read without error may not publish: what the list promises about itself
    (``integrity.check_list``; rows kept as published kept theirs) and the count stated in
    the press release."""
    reasons = list(records.quarantine) if isinstance(records, Recorded) else []
    if spec.expected_count is not None and records.rows_extracted != spec.expected_count:
        reasons.append(
            f"rows extracted ({records.rows_extracted}) differ from the count"
            f" stated in the press release ({spec.expected_count})"
        )
    return reasons
