"""Seeded byte-mutants of a sample list through the pipeline's own stages: each one fails
with a clear reason, publishes exactly the true rows, or is flagged for review; none
publishes wrong rows as ok without a flag (issue 14, item 3).

The mutants are made here from a fixed seed (never committed): 1 to 3 bytes of the PDF
replaced anywhere in the file, as a damaged download or disk would. Each goes through the
stages a refresh runs (``extract_stage`` in the isolated child with the cross-check on, as
``refresh`` does by default, then ``records_stage`` and ``reconcile``).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from pipelines.download.fetch import FetchResult, now_utc
from pipelines.run import integrity
from pipelines.run.handoffs import Recorded
from pipelines.run.reconcile import reconcile
from pipelines.run.stages import extract_stage, new_context, records_stage
from pipelines.sources.spec import SourceSpec
from tests.conftest import sample_pdf, truth

SEED = int(os.environ.get("C3P_MUTANT_SEED", 14))
MUTANTS = int(os.environ.get("C3P_MUTANTS", 30))
FY2019 = truth("fy2019_r1")


def mutants(data: bytes, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(b))
            b[at] = (b[at] + rng.randrange(1, 256)) % 256  # always a different byte
        out.append(bytes(b))
    return out


def true_rows() -> list[tuple]:
    return [
        (
            r["no"],
            r["project_name"],
            r["proposer"],
            r["group"],
            tuple(p["name"] for p in r["participants"]),
            tuple(r["target_cities"]),
        )
        for r in FY2019["rows"]
    ]


def published_rows(records: Recorded) -> list[tuple]:
    tables = json.loads(Path(records.records).read_text(encoding="utf-8"))["tables"]
    by_project: dict[str, dict[str, list]] = {}
    for name in ("participants", "partner_cities"):
        for r in sorted(tables[name], key=lambda r: r["seq"]):
            by_project.setdefault(r["project_id"], {}).setdefault(name, []).append(r["name_raw"])
    return [
        (
            p["list_no"],
            p["project_name"],
            p["proposer_name_raw"],
            p["group_name"],
            tuple(by_project.get(p["project_id"], {}).get("participants", [])),
            tuple(by_project.get(p["project_id"], {}).get("partner_cities", [])),
        )
        for p in sorted(tables["projects"], key=lambda p: p["list_no"] or 0)
    ]


def outcome(tmp_path, k: int, pdf: bytes) -> tuple[str, str]:
    """(kind, detail): failed / quarantined (with the reason), review (with the reasons),
    exact (ok, unflagged, the true rows) or WRONG (ok, unflagged, other rows)."""
    path = tmp_path / f"mutant{k:02d}.pdf"
    path.write_bytes(pdf)
    spec = SourceSpec(f"http://127.0.0.1/mutant{k:02d}.pdf", 2019, 1)
    ctx = new_context(tmp_path / f"data{k:02d}", "test", {"127.0.0.1"}, cross_check=True)
    fetched = FetchResult(
        spec.url, "downloaded", now_utc(), sha256=hashlib.sha256(pdf).hexdigest(), path=str(path)
    )
    extracted = extract_stage(spec, fetched, ctx)
    records = records_stage(spec, fetched, extracted, ctx)
    [verdict] = reconcile([spec], [records], [])
    if verdict.status != "ok":
        return verdict.status, verdict.error
    assert isinstance(records, Recorded)
    source = {
        "source_id": spec.source_id,
        "rows_published": records.rows_extracted,
        "review_reasons": records.review_reasons,
    }
    # the cross-check's disagreements as the publish reads them: from the records file
    found = json.loads(Path(records.records).read_text(encoding="utf-8"))["disagreements"]
    disagreements = [{"source_id": spec.source_id, "acknowledged": False} for _ in found]
    integrity.flag_for_review([source], disagreements)
    if source["review_needed"]:
        return "review", "; ".join(source["review_reasons"])
    return ("exact", "") if published_rows(records) == true_rows() else ("WRONG", str(k))


def test_no_mutant_publishes_wrong_rows_unflagged(tmp_path):
    pdfs = mutants(sample_pdf("fy2019_r1_xlsx.pdf").read_bytes(), SEED, MUTANTS)
    with ThreadPoolExecutor(2) as pool:  # each extraction is a child process of its own
        results = list(pool.map(lambda kp: outcome(tmp_path, *kp), enumerate(pdfs)))
    kinds = Counter(kind for kind, _ in results)
    print(kinds, *(f"{k}: {kind}: {detail}" for k, (kind, detail) in enumerate(results)), sep="\n")
    assert kinds["WRONG"] == 0, results
    for kind, detail in results:  # a reason is one line that says something
        if kind in ("failed", "quarantined", "review"):
            assert detail and "\n" not in detail and len(detail) > 10
