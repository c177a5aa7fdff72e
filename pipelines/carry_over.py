"""Rows of lists a run does not touch (``refresh --only``), taken as published before."""
from __future__ import annotations

from pathlib import Path

from normalizers.phases import stated_phase
from normalizers.roles import OTHER, role_code
from pipelines.publish import read_table

PROJECT_TABLES = ("participants", "domestic_cities", "partner_cities", "project_fields", "review")


def untouched_lists(data_dir: Path, run_lists: set[tuple[int, int]]) -> dict[str, list[dict]]:
    """Every published row of the lists not in ``run_lists``, table by table, plus the
    organisations they refer to (``organizations``, as rows) and their ``sources`` rows."""
    out: dict[str, list[dict]] = {name: [] for name in
                                  ("sources", "projects", "organizations",
                                   "crosscheck_disagreements", "corrections_applied",
                                   *PROJECT_TABLES)}
    sources = read_table(data_dir, "sources")
    if sources is None:
        return out
    kept = [s for s in sources.to_pylist()
            if (s["fiscal_year"], s["call_round"]) not in run_lists]
    kept_ids = {s["source_id"] for s in kept}
    out["sources"] = kept
    out["projects"] = [p for p in read_table(data_dir, "projects").to_pylist()
                       if p["source_id"] in kept_ids]
    project_ids = {p["project_id"] for p in out["projects"]}
    for name in PROJECT_TABLES:
        table = read_table(data_dir, name)  # None: a warehouse published before the table existed
        out[name] = [r for r in (table.to_pylist() if table is not None else [])
                     if r["project_id"] in project_ids]
    _derive_missing(out)
    for name in ("crosscheck_disagreements", "corrections_applied"):
        table = read_table(data_dir, name)  # None: published before the table existed
        out[name] = [r for r in (table.to_pylist() if table is not None else [])
                     if r["source_id"] in kept_ids]
    org_ids = {p["proposer_org_id"] for p in out["projects"]} | \
              {p["org_id"] for p in out["participants"]}
    out["organizations"] = [o for o in read_table(data_dir, "organizations").to_pylist()
                            if o["org_id"] in org_ids]
    return out


def _derive_missing(out: dict[str, list[dict]]) -> None:
    """Rows published by an older version lack the columns added since (they read as null):
    derive them again from what was published, as the records stage would."""
    for p in out["projects"]:
        if p.get("phase") is None:
            p["phase"] = stated_phase(p["project_name"], p.get("summary"))
    for x in out["participants"]:
        if x.get("role_code") is None:
            x["role_code"] = role_code(x["role"]) or OTHER
