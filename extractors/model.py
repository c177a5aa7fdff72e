"""The shape every extractor returns: logical tables of cell texts with provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cell_text import CellLines, cell_lines_from_dict

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
class CrossCheck:
    agreement: float  # share of our cells camelot reads the same (lenient), 0..1
    disagreements: list[tuple[int, int, int, str, str]] = field(default_factory=list)
    # (table index, row index, column index, ours, camelot's)

    def to_dict(self) -> dict:
        """Tables, rows and columns numbered from 1, as in the warehouse's
        ``crosscheck_disagreements`` (rows: the table's rows, header and group rows not counted)."""
        return {
            "agreement": round(self.agreement, 4),
            "disagreements": [
                {"table_no": t + 1, "row_no": r + 1, "column_no": c + 1, "ours": o, "camelot": k}
                for t, r, c, o, k in self.disagreements
            ],
        }


def crosscheck_from_dict(data: dict) -> CrossCheck:
    """Inverse of ``CrossCheck.to_dict``."""
    return CrossCheck(
        data["agreement"],
        [
            (d["table_no"] - 1, d["row_no"] - 1, d["column_no"] - 1, d["ours"], d["camelot"])
            for d in data["disagreements"]
        ],
    )


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
                        lines=[cell_lines_from_dict(c) for c in r.get("lines", [])],
                    )
                    for r in t["rows"]
                ],
            )
            for t in data["tables"]
        ],
        problems=list(data.get("problems", [])),
        repairs=list(data.get("repairs", [])),
        title=data.get("title"),
        crosscheck=crosscheck_from_dict(data["crosscheck"]) if data.get("crosscheck") else None,
    )
