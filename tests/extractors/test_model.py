"""A document read back from its JSON (the pipeline writes ``document.json`` once and the
records stage and ``c3p extract --format csv`` read it) is the document that was written."""

from __future__ import annotations

import json

from extractors import extract_document
from extractors.model import document_from_dict
from tests.conftest import sample_pdf


def test_a_document_read_back_from_its_json_is_the_same_document_cross_check_included():
    doc = extract_document(sample_pdf("fy2019_r1_xlsx.pdf"), cross_check=True)
    assert doc.crosscheck is not None and doc.tables
    written = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    again = document_from_dict(written)
    assert again.to_dict() == written
    assert again.crosscheck_agreement == round(doc.crosscheck.agreement, 4)
    assert [[r.cells for r in t.rows] for t in again.tables] == [
        [r.cells for r in t.rows] for t in doc.tables
    ]
