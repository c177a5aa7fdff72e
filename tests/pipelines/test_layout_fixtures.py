"""Lists printed by other producers in other layouts (tests/fixtures/layouts, rendered by the
layout-fuzz generators) read exactly: every cell, every row, every participant."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.text_compare import strict_key
from normalizers.text import drop_cjk_spaces
from pipelines.records import adoption_rows, build_records, project_id

LAYOUTS = Path(__file__).resolve().parents[1] / "fixtures" / "layouts"


def layout_fixture(name: str) -> tuple[Path, dict]:
    """A layout fixture's PDF and its spec (layout, failure class, truth of the rows printed)."""
    return LAYOUTS / f"{name}.pdf", json.loads((LAYOUTS / f"{name}.json").read_text(encoding="utf-8"))


def read_as_published(pdf: Path, truth: dict):
    """The rows' cells and the participants per project, through extraction and records."""
    doc = extract_document(pdf)
    cells = {row.cells[0].lstrip("0"): row.cells for _, row in adoption_rows(doc)[0]}
    records = build_records(doc, fiscal_year=truth["fiscal_year"], call_round=truth["round"],
                            source_id="s", sha256="0" * 64)
    participants = {}
    for p in records.tables["participants"]:
        participants.setdefault(p["project_id"], []).append((drop_cjk_spaces(p["name_raw"]), p["role"]))
    return cells, participants, records


CONTROLS = ["canvas_row_split_with_closing_rules", "writer_fy2019_group_rows", "calc_fy2019_group_rows"]


@pytest.mark.parametrize("name", CONTROLS)
def test_other_producers_layouts_read_exactly(name):
    pdf, spec = layout_fixture(name)
    truth = spec["truth"]
    cells, participants, records = read_as_published(pdf, truth)
    assert sorted(cells) == sorted(str(r["no"]) for r in truth["rows"])
    assert len(records.tables["projects"]) == len(truth["rows"])
    for row in truth["rows"]:
        got = cells[str(row["no"])]
        want = [row["cells"][c] for c in truth["columns"]]
        assert [strict_key(g) for g in got] == [strict_key(w) for w in want], row["no"]
        pid = project_id(truth["fiscal_year"], truth["round"], row["no"])
        assert participants.get(pid, []) == \
            [(drop_cjk_spaces(p["name"]), p["role"]) for p in row["participants"]], pid


def test_a_row_split_across_pages_is_read_whole():
    pdf, spec = layout_fixture("canvas_row_split_with_closing_rules")
    [table] = extract_document(pdf).tables
    split = [row for row in table.rows if len(row.pages) > 1]
    assert [row.cells[0] for row in split] == ["8"] and split[0].pages == [1, 2]
