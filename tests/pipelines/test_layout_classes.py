"""The FY2023 list printed by other producers, one rendering per failure class of issue 9
(tests/fixtures/layouts/README.md): every row, every project's participants, and the cells
the class is about, read through the pipeline's records."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from extractors import extract_document
from extractors.text_compare import same_strict
from normalizers.text import drop_cjk_spaces
from pipelines.warehouse.records import adoption_rows, build_records, project_id

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
TRUTH = json.loads((ROOT / "truth" / "fy2023_r1.json").read_text(encoding="utf-8"))
NUMBERED = re.compile(r"^(?:[（(]?[0-9０-９]+[）)]|[①-⑳])", re.M)

# rendering -> the columns whose every cell must read as the truth
CLASSES = {
    "legal_form_alone_on_a_line": ["提案者", "共同応募者"],
    "wrap_inside_a_name": ["共同応募者", "対象都市・地域"],
    "items_joined_at_the_cell_edge": ["共同応募者", "国内都市", "対象分野"],
    "spaces_at_wraps": ["提案者", "対象分野"],
    "numbered_item_after_a_sentence": ["共同応募者"],
}


@lru_cache(maxsize=None)
def _read(name: str):
    doc = extract_document(ROOT / "layouts" / f"{name}.pdf")
    return doc, build_records(doc, fiscal_year=2023, call_round=1, source_id="s", sha256="0" * 64)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_project_has_its_participants(name):
    _doc, recs = _read(name)
    assert [p["project_id"] for p in recs.tables["projects"]] == [
        project_id(2023, 1, r["no"]) for r in TRUTH["rows"]
    ]
    wrong = []
    for row in TRUTH["rows"]:
        pid = project_id(2023, 1, row["no"])
        got = [
            (drop_cjk_spaces(p["name_raw"]), p["role"])
            for p in recs.tables["participants"]
            if p["project_id"] == pid
        ]
        want = [(drop_cjk_spaces(p["name"]), p["role"]) for p in row["participants"]]
        if got != want:
            wrong.append((row["no"], got, want))
    assert not wrong, wrong[:2]


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_the_cells_of_the_class_read_as_printed(name):
    doc, _recs = _read(name)
    rows, _ = adoption_rows(doc)
    header = doc.tables[0].header
    for (_fields, row), want in zip(rows, TRUTH["rows"]):
        for col in CLASSES[name]:
            got = row.cells[header.index(col)]
            assert same_strict(got, want["cells"][col]), (want["no"], col, got)


def test_numbered_items_keep_their_own_lines():
    doc, _recs = _read("numbered_item_after_a_sentence")
    rows, _ = adoption_rows(doc)
    j = doc.tables[0].header.index("事業概要 *1")
    checked = 0
    for (_fields, row), want in zip(rows, TRUTH["rows"]):
        expected = want["cells"]["事業概要 *1"]
        if NUMBERED.search(expected):
            got_items = [l for l in row.cells[j].split("\n") if NUMBERED.match(l)]
            want_items = [l for l in expected.split("\n") if NUMBERED.match(l)]
            assert [l[:8] for l in got_items] == [l[:8] for l in want_items], want["no"]
            checked += 1
    assert checked >= 2
