"""The shape every extractor returns: logical tables of cell texts with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cell_text import CellLines

if TYPE_CHECKING:  # crosscheck imports this module
    from .crosscheck import CrossCheck

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, per page


@dataclass
class Row:
    """One logical row; a row cut by a page break is one Row with several pages."""

    cells: list[str]
    pages: list[int]  # 1-based page numbers the row lies on
    section: str | None = None  # text of the group row above it, if any
    bboxes: list[tuple[int, BBox]] = field(default_factory=list)  # (page, box) per piece
    lines: list[CellLines] = field(default_factory=list)  # per cell: printed lines, verdicts


@dataclass
class Table:
    """One logical table, possibly continued over several pages."""

    header: list[str]
    pages: list[int]
    rows: list[Row]


@dataclass
class Document:
    file: str
    pages: int
    tables: list[Table]
    crosscheck: CrossCheck | None = None  # when asked for
    problems: list[str] = field(default_factory=list)  # text the tables could not place
    repairs: list[str] = field(default_factory=list)  # what the parser repaired to read it
    title: str | None = None  # the text above the first table (on its page)

    @property
    def crosscheck_agreement(self) -> float | None:
        return None if self.crosscheck is None else self.crosscheck.agreement

    def to_dict(self) -> dict:
        d = {
            "file": self.file,
            "pages": self.pages,
            "tables": [
                {
                    "header": t.header,
                    "pages": t.pages,
                    "rows": [
                        {
                            "section": r.section,
                            "cells": r.cells,
                            "pages": r.pages,
                            "lines": [c.to_dict() for c in r.lines],
                        }
                        for r in t.rows
                    ],
                }
                for t in self.tables
            ],
        }
        d["problems"] = list(self.problems)
        d["repairs"] = list(self.repairs)
        d["title"] = self.title
        if self.crosscheck is not None:
            d["crosscheck"] = self.crosscheck.to_dict()
        return d


def document_from_dict(data: dict) -> Document:
    """Inverse of ``Document.to_dict`` (boxes are not serialised)."""
    return Document(
        file=data["file"],
        pages=data["pages"],
        tables=[
            Table(
                header=t["header"],
                pages=t["pages"],
                rows=[
                    Row(
                        cells=r["cells"],
                        pages=r["pages"],
                        section=r.get("section"),
                        lines=[CellLines(list(c["lines"]), list(c["ends"])) for c in r.get("lines", [])],
                    )
                    for r in t["rows"]
                ],
            )
            for t in data["tables"]
        ],
        problems=list(data.get("problems", [])),
        repairs=list(data.get("repairs", [])),
        title=data.get("title"),
    )
