"""Rows of lists as they were published, list by list: the one way a run keeps what it does
not read again.

Three cases use it, all from the published Parquet (never by extracting again):

- a list whose PDF (sha256), source, pipeline version and cross-check setting are unchanged
  keeps its published rows (``of_source``);
- a list whose new version failed or was quarantined keeps its previous good version
  (``of_list``);
- ``refresh --only``: the lists not in the run stay as they are (``untouched``).

Each list comes back as ``build_records`` lays one out (its rows table by table, and its
organisations with the spellings seen in that list), so the publish merges kept and new lists
the same way, in the same order, as a build from scratch would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from normalizers.phases import stated_phase
from normalizers.roles import OTHER, role_code
from pipelines.warehouse.publish import read_table
from pipelines.warehouse.records import ORG_ENTRY_FIELDS

PROJECT_TABLES = ("participants", "domestic_cities", "partner_cities", "project_fields", "review")


@dataclass
class PublishedList:
    """One list's published rows: its ``sources`` row, its rows of every project table, the
    organisations it names (aliases as spelt in this list) and its cross-check cells."""

    source: dict
    tables: dict[str, list[dict]] = field(default_factory=dict)
    organizations: dict[str, dict] = field(default_factory=dict)
    disagreements: list[dict] = field(default_factory=list)


def _rows(data_dir: Path, table: str) -> list[dict]:
    """The published rows of ``table`` (none when the version has no such table)."""
    found = read_table(data_dir, table)
    return found.to_pylist() if found is not None else []


class PublishedLists:
    """What the data directory's current version publishes, grouped by source; read once,
    on first use."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._by_source: dict[str, PublishedList] | None = None

    def _load(self) -> dict[str, PublishedList]:
        if self._by_source is not None:
            return self._by_source
        self._by_source = {}
        sources = read_table(self.data_dir, "sources")
        if sources is None:
            return self._by_source
        lists = self._by_source
        for s in sources.to_pylist():
            lists[s["source_id"]] = PublishedList(
                s, {name: [] for name in ("projects", *PROJECT_TABLES, "corrections_applied")}
            )
        list_of_project: dict[str, PublishedList] = {}
        for p in _rows(self.data_dir, "projects"):
            owner = lists.get(p["source_id"])
            if owner is not None:
                owner.tables["projects"].append(p)
                list_of_project[p["project_id"]] = owner
        for name in PROJECT_TABLES:  # none: published before the table existed
            for r in _rows(self.data_dir, name):
                owner = list_of_project.get(r["project_id"])
                if owner is not None:
                    owner.tables[name].append(r)
        for d in _rows(self.data_dir, "crosscheck_disagreements"):
            if d["source_id"] in lists:
                lists[d["source_id"]].disagreements.append(d)
        for c in _rows(self.data_dir, "corrections_applied"):  # none: published before it
            if c["source_id"] in lists:
                lists[c["source_id"]].tables["corrections_applied"].append(c)
        orgs = {o["org_id"]: o for o in _rows(self.data_dir, "organizations")}
        for published in lists.values():
            _derive_missing(published.tables)
            published.organizations = _organizations_of(published, orgs)
        return lists

    def sources(self) -> list[dict]:
        return [p.source for p in self._load().values()]

    def of_source(self, source_id: str) -> PublishedList | None:
        """The rows published from ``source_id`` (None when it published none)."""
        found = self._load().get(source_id)
        return found if found is not None and found.tables["projects"] else None

    def of_list(self, list_key: tuple[int, int], as_source: str) -> PublishedList | None:
        """The rows published for the list (fiscal_year, call_round), from whichever URL,
        re-attributed to ``as_source`` (the URL that now supplies the list)."""
        for published in self._load().values():
            rows = published.tables["projects"]
            if rows and (rows[0]["fiscal_year"], rows[0]["call_round"]) == list_key:
                return _attributed(published, as_source)
        return None

    def untouched(self, run_lists: set[tuple[int, int]]) -> list[PublishedList]:
        """Every published source (and its rows) whose list is not in ``run_lists``."""
        return [
            p
            for p in self._load().values()
            if (p.source["fiscal_year"], p.source["call_round"]) not in run_lists
        ]


def _organizations_of(published: PublishedList, orgs: dict[str, dict]) -> dict[str, dict]:
    """The list's organisations as ``build_records`` gives them: in order of first mention
    (proposer, then participants by seq), each with the spellings printed in this list."""
    participants: dict[str, list[dict]] = {}
    for r in published.tables["participants"]:
        participants.setdefault(r["project_id"], []).append(r)
    out: dict[str, dict] = {}
    for p in published.tables["projects"]:
        mentions = [(p["proposer_org_id"], p["proposer_name_raw"])] if p["proposer_org_id"] else []
        mentions += [
            (r["org_id"], r["name_raw"])
            for r in sorted(participants.get(p["project_id"], []), key=lambda r: r["seq"])
        ]
        for org_id, name_raw in mentions:
            entry = out.get(org_id)
            if entry is None:
                entry = out[org_id] = {
                    **{k: orgs[org_id][k] for k in ORG_ENTRY_FIELDS},
                    "aliases": [],
                    "former_ids": list(orgs[org_id].get("former_ids") or []),
                }
            if name_raw not in entry["aliases"]:
                entry["aliases"].append(name_raw)
    return out


def _attributed(published: PublishedList, source_id: str) -> PublishedList:
    if published.source["source_id"] == source_id:
        return published
    tables = {name: list(rows) for name, rows in published.tables.items()}
    for name in ("projects", "corrections_applied", "review"):
        tables[name] = [{**r, "source_id": source_id} for r in tables[name]]
    return PublishedList(
        published.source,
        tables,
        published.organizations,
        [{**d, "source_id": source_id} for d in published.disagreements],
    )


def _derive_missing(tables: dict[str, list[dict]]) -> None:
    """Rows published by an older version lack the columns added since (they read as null):
    derive them again from what was published, as the records stage would."""
    for p in tables["projects"]:
        if p.get("phase") is None:
            p["phase"] = stated_phase(p["project_name"], p.get("summary"))
    for x in tables["participants"]:
        if x.get("role_code") is None:
            x["role_code"] = role_code(x["role"]) or OTHER
