"""Analysts' decisions as data, applied to one normalised row: corrections of printed
values, organisation merges and splits, extra gazetteer entries, header and field labels.

Pure functions over plain data: reading and validating the decision files is
``pipelines/decisions/files.py``'s job. Every decision keeps what was printed (``*_raw``) and
changes only the normalised form beside it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from . import orgs
from .countries import resolve_country
from .fields import field_code
from .model import Organization, ProjectEntities
from .municipalities import resolve_domestic
from .places import resolve_partners
from .text import clean

# correctable scalar columns: target -> attribute of ProjectEntities holding the printed value
COLUMNS = {
    "project_name": "project_name",
    "proposer": "proposer_name_raw",
    "country": "country_raw",
    "summary": "summary",
}
# correctable list entities (addressed by seq): target -> (attribute, printed-text attribute)
ENTITIES = {
    "participants": ("participants", "name_raw"),
    "domestic_cities": ("domestic_cities", "name_raw"),
    "partner_cities": ("partner_cities", "name_raw"),
    "project_fields": ("fields", "field_raw"),
}


def same_text(a: str | None, b: str | None) -> bool:
    """Printed values compared after NFKC with all white space removed."""
    if a is None or b is None:
        return a is b
    return re.sub(r"\s+", "", clean(a)) == re.sub(r"\s+", "", clean(b))


# ---------------------------------------------------------------- corrections


def printed_value(e: ProjectEntities, target: str, seq: int | None) -> str | None:
    """What the list prints at (target, seq) of the row; None when there is no such value."""
    if target in COLUMNS:
        return getattr(e, COLUMNS[target])
    attr, text = ENTITIES[target]
    item = next((x for x in getattr(e, attr) if x.seq == seq), None)
    return getattr(item, text) if item is not None else None


def apply_correction(
    e: ProjectEntities,
    target: str,
    seq: int | None,
    corrected: str,
    places: dict | None = None,
    labels: dict | None = None,
) -> None:
    """Put ``corrected`` in place of the printed value at (target, seq): the normalised
    columns are derived from it, the printed text stays where it was (``*_raw``)."""
    if target == "project_name":
        e.project_name = corrected
        e.project_name_norm = clean(corrected)
    elif target == "summary":
        e.summary = corrected
    elif target == "proposer":
        e.proposer, e.proposer_department = orgs.split_org(corrected)
    elif target == "country":
        e.country_code, e.country_name_ja, _w = resolve_country(corrected)
    else:
        attr, _text = ENTITIES[target]
        items = getattr(e, attr)
        i = next(i for i, x in enumerate(items) if x.seq == seq)
        old = items[i]
        if target == "participants":
            org, dept = orgs.split_org(corrected)
            items[i] = replace(old, org=org, department=dept)
        elif target == "domestic_cities":
            new = resolve_domestic(corrected)[0]
            if new:
                items[i] = replace(new[0], seq=old.seq, name_raw=old.name_raw)
        elif target == "partner_cities":
            partners = resolve_partners(corrected, e.country_code, places)[0]
            if partners:
                items[i] = replace(partners[0], seq=old.seq, name_raw=old.name_raw)
        else:  # project_fields
            items[i] = replace(old, field_code=field_code(corrected, labels) or "other")


# ---------------------------------------------------------------- organisations


@dataclass(frozen=True)
class OrgDecision:
    """One [[organization]] entry: the preferred name, spellings that are this
    organisation (``same``), printed names that are not (``not_same``), an English name."""

    name: str
    same: tuple[str, ...] = ()
    not_same: tuple[str, ...] = ()
    name_en: str | None = None
    org_id: str | None = None  # pinned id; default: the id `name` has by the matching rules
    line: int = 0

    @property
    def id(self) -> str:
        return self.org_id or orgs.resolve_org(self.name).org_id


def _full_key(name: str) -> str:
    return re.sub(r"\s+", "", orgs.expand_abbreviations(clean(name))).casefold()


def split_org_id(name: str) -> str:
    """The id of a printed name kept apart from the organisation its matching key gives."""
    return "org_" + hashlib.sha1(("x:" + _full_key(name)).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class OrgDecisions:
    entries: tuple[OrgDecision, ...] = ()
    # indexes of ``entries``, built once
    _by_id: dict[str, OrgDecision] = field(init=False, repr=False, compare=False)
    _by_same: dict[str, OrgDecision] = field(init=False, repr=False, compare=False)
    _apart: dict[str, OrgDecision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, OrgDecision] = {}
        by_same: dict[str, OrgDecision] = {}
        apart: dict[str, OrgDecision] = {}
        for d in self.entries:
            by_id[d.id] = d
            for s in d.same:
                by_same[orgs.resolve_org(s).org_id] = d
            for s in d.not_same:
                apart[_full_key(s)] = d
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_by_same", by_same)
        object.__setattr__(self, "_apart", apart)

    def decide(self, org: Organization, name_raw: str) -> tuple[Organization, str | None]:
        """(organisation after the decisions, the id it had before when a decision changed it)."""
        if not self.entries:
            return org, None
        kept_apart = self._apart.get(_full_key(name_raw))
        if kept_apart is not None and org.org_id == kept_apart.id:
            return replace(org, org_id=split_org_id(name_raw)), org.org_id
        d = self._by_same.get(org.org_id) or self._by_id.get(org.org_id)
        if d is None:
            return org, None
        canon = orgs.resolve_org(d.name)
        org_type = org.org_type if canon.org_type == "other" else canon.org_type
        new = replace(
            canon,
            org_id=d.id,
            org_type=org_type,
            name_en=d.name_en,
            abbreviation=canon.abbreviation or org.abbreviation,
        )
        return new, (org.org_id if org.org_id != d.id else None)

    def names(self, spelling: str) -> bool:
        """True when an entry lists this printed spelling in its same or not_same."""
        key = _full_key(spelling)
        return any(key == _full_key(s) for d in self.entries for s in (*d.same, *d.not_same))

    def decided_pair(self, a: str, b: str) -> bool:
        """True when an analyst has answered whether printed names a and b are one
        organisation (merged into one, or one kept apart from the other)."""
        ida = self.decide(orgs.resolve_org(a), a)[0].org_id
        idb = self.decide(orgs.resolve_org(b), b)[0].org_id
        if ida == idb:
            return True
        for d in self.entries:
            apart_ids = {self.decide(orgs.resolve_org(s), s)[0].org_id for s in d.not_same}
            if {ida, idb} <= apart_ids | {d.id} and d.id in {ida, idb}:
                return True
        return False


# ---------------------------------------------------------------- the whole row


@dataclass(frozen=True)
class Decisions:
    """Everything the analyst decided, as the normalisers need it."""

    orgs: OrgDecisions = field(default_factory=OrgDecisions)
    places: dict = field(default_factory=dict)  # folded name -> gazetteer entry (places.py)
    field_labels: dict = field(default_factory=dict)  # folded label -> field_code
    layouts: dict = field(default_factory=dict)  # folded header -> (field, role)


def apply_decisions(e: ProjectEntities, decisions: Decisions) -> list[tuple[str, str]]:
    """Organisation decisions on a normalised row (in place); places and labels are read
    by normalise_row itself. Returns (old id, new id) of every organisation a decision
    re-identified."""
    changed = []
    if e.proposer is not None:
        e.proposer, old = decisions.orgs.decide(e.proposer, e.proposer_name_raw)
        if old:
            changed.append((old, e.proposer.org_id))
    for i, p in enumerate(e.participants):
        org, old = decisions.orgs.decide(p.org, p.name_raw)
        if org is not p.org:
            e.participants[i] = replace(p, org=org)
        if old:
            changed.append((old, org.org_id))
    return changed
