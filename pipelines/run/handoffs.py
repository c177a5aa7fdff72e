"""What the stages of a refresh hand each other, as types: the run's context, and per list
what the extract and records stages produced (or why they did not).

A list moves through fetch → extract → records → publish. The fetch gives a
``download.fetch.FetchResult``; the extract gives ``Extracted`` or ``Failed``; the records
stage gives ``Recorded`` or ``Failed``; a list whose fetched bytes are those its published
rows were read from gives ``Reused`` for both (its rows are kept as published). The results
hold paths and counts, not tables: a run's documents and records are files in
``DATA_DIR/.work/<run_id>/``.

Prefect sees plain data only at the flow's edge: the flow's parameters are the specs and the
context as dicts (``SourceSpec.to_dict``, ``RunContext.to_dict``), turned into these types
once, when the flow starts (``RunContext.from_dict``); tasks pass these objects as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Union

from pipelines.decisions import files as decision_files
from pipelines.download.raw_store import RawStore


@dataclass(frozen=True)
class Reusable:
    """A list published ok whose rows a run may keep: the bytes they were read from."""

    sha256: str
    rows_extracted: int


@dataclass
class RunContext:
    data_dir: str
    run_id: str
    started_at: str
    command: str
    allowed_hosts: list[str]
    cross_check: bool = False
    keep_other_lists: bool = False  # refresh --only: lists not in the run stay as published
    force: bool = False  # refresh --force: unconditional GETs (no validators sent)
    decisions_dir: str = ""  # the analyst's decision files (default: the data directory)
    corrections_file: str = ""
    # source_id -> what it published, for lists whose rows may be kept when their bytes match
    reusable: dict[str, Reusable] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what discovery found or skipped

    @property
    def work_dir(self) -> Path:
        return Path(self.data_dir) / ".work" / self.run_id

    @property
    def raw(self) -> RawStore:
        return RawStore(Path(self.data_dir) / "raw")

    @property
    def decisions(self) -> decision_files.Location:
        return decision_files.locate(self.data_dir, self.decisions_dir or None, self.corrections_file or None)

    def to_dict(self) -> dict:
        """The context as a flow parameter (JSON: Prefect stores a flow run's parameters)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RunContext:
        reusable = {k: Reusable(**v) for k, v in data.get("reusable", {}).items()}
        return cls(**{**data, "reusable": reusable})


@dataclass(frozen=True)
class Failed:
    """A list that went no further: the stage that failed it and why (one line)."""

    stage: str  # fetch / extract / records
    error: str


@dataclass(frozen=True)
class Extracted:
    """The tables of a PDF, read: ``document`` is its ``Document.to_dict()`` as a file."""

    document: str
    pages: int
    crosscheck_agreement: float | None = None


@dataclass(frozen=True)
class Recorded:
    """A list's rows in the contract's shape: ``records`` is a file of its tables,
    organisations and cross-check disagreements."""

    records: str
    rows_extracted: int
    warnings: list[str] = field(default_factory=list)
    quarantine: list[str] = field(default_factory=list)  # promises the list broke (integrity)
    review_reasons: list[str] = field(default_factory=list)  # why a person should look
    errors: list[str] = field(default_factory=list)  # text the parser could not place


@dataclass(frozen=True)
class Reused:
    """A list whose fetched bytes are those its published rows were read from: kept as
    published, read neither by the extract nor by the records stage."""

    rows_extracted: int


ExtractResult = Union[Extracted, Reused, Failed]
RecordsResult = Union[Recorded, Reused, Failed]
