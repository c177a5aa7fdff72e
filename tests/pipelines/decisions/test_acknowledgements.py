"""A cross-check disagreement a person has reviewed stops flagging its list, and only that."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from pipelines.decisions import acknowledgements
from pipelines.cli import main
from tests.conftest import refresh, sample_pdf, sql

LIST = [{"url": "/content/fy2023_r1_rl.pdf", "fiscal_year": 2023, "call_round": 1, "expected_count": 21}]


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.usefixtures("prefect_harness")
def test_acknowledged_cells_stop_flagging_the_list(site, data_dir, tmp_path):
    first = refresh(site, data_dir, tmp_path, LIST)
    assert first.exit_code == 0, first.output
    [(open_cells, review)] = sql(
        data_dir,
        "SELECT (SELECT count(*) FROM crosscheck_disagreements"
        " WHERE NOT acknowledged), review_needed FROM sources",
    )
    assert open_cells > 0 and review is True
    assert f"camelot reads {open_cells} cell(s) differently" in first.output
    report = tmp_path / "before.html"
    assert invoke("report", "--data-dir", data_dir, "--output", report).exit_code == 0
    assert f"review: {open_cells} cell(s)" in report.read_text(encoding="utf-8")

    # the reviewer checks the cells against the PDF and acknowledges them (README's command)
    ack = data_dir / acknowledgements.FILE
    listed = invoke(
        "query", acknowledgements.REVIEW_SQL, "--data-dir", data_dir, "--format", "csv", "--output", ack
    )
    assert listed.exit_code == 0, listed.output
    rows = list(csv.DictReader(ack.open(encoding="utf-8")))
    assert len(rows) == open_cells and list(rows[0]) == list(acknowledgements.COLUMNS)

    second = refresh(site, data_dir, tmp_path, LIST, "--force")
    assert second.exit_code == 0, second.output
    assert "camelot reads" not in second.output and acknowledgements.FILE not in second.output
    assert sql(data_dir, "SELECT review_needed FROM sources") == [(False,)]
    assert sql(data_dir, "SELECT count(*), bool_and(acknowledged) FROM crosscheck_disagreements") == [
        (open_cells, True)
    ]  # still recorded, never dropped
    report = tmp_path / "after.html"
    assert invoke("report", "--data-dir", data_dir, "--output", report).exit_code == 0
    assert "review:" not in report.read_text(encoding="utf-8")


def _disagreement(source_id="src_a", ours="日本工営", camelot="日本工當"):
    return {
        "source_id": source_id,
        "table_no": 1,
        "row_no": 3,
        "column_name": "提案者",
        "ours": ours,
        "camelot": camelot,
    }


def test_an_acknowledgement_holds_for_one_pdf_version_and_one_pair_of_readings():
    acknowledged = {("sha_a", 1, 3, "提案者", "日本工営", "日本工當")}
    for sha, d, still_open in [
        ("sha_a", _disagreement(), False),
        ("sha_b", _disagreement(), True),  # a new version of the list: review again
        ("sha_a", _disagreement(ours="日本工営株式会社"), True),  # we read it differently now
        ("sha_a", _disagreement(camelot="日本工"), True),
    ]:
        sources = [
            {"source_id": "src_a", "published_sha256": sha, "review_needed": True},
            {"source_id": "src_b", "published_sha256": "x", "review_needed": False},
        ]
        acknowledgements.apply(sources, [d], acknowledged)
        assert d["acknowledged"] is not still_open
        assert [s["review_needed"] for s in sources] == [still_open, False]


def test_a_damaged_acknowledgements_file_is_a_warning_not_a_failure(tmp_path):
    (tmp_path / acknowledgements.FILE).write_text("sha256,row\nx,1\n", encoding="utf-8")
    warnings: list[str] = []
    assert acknowledgements.load(tmp_path, warnings) == set()
    assert len(warnings) == 1 and acknowledgements.FILE in warnings[0] and "no column" in warnings[0]
    (tmp_path / acknowledgements.FILE).write_bytes(b"\xff\xfe garbage")
    warnings.clear()
    assert acknowledgements.load(tmp_path, warnings) == set() and len(warnings) == 1


def test_extract_csv_reports_the_cross_check_numbered_as_the_json(tmp_path):
    pdf = sample_pdf("fy2023_r1_rl.pdf")
    as_json = invoke("extract", pdf, "--cross-check")
    assert as_json.exit_code == 0
    disagreements = json.loads(as_json.stdout)["crosscheck"]["disagreements"]
    assert disagreements, "camelot misreads some cell of this sample"
    as_csv = CliRunner().invoke(main, ["extract", str(pdf), "--cross-check", "--format", "csv"])
    assert as_csv.exit_code == 0
    assert "cross-check" not in as_csv.stdout  # the CSV is the table alone
    lines = as_csv.stderr.splitlines()
    assert lines[0].startswith("cross-check: camelot agrees on ")
    assert f"{len(disagreements)} read differently" in lines[0]
    for d, line in zip(disagreements, lines[1:], strict=True):
        assert line.startswith(f"  table {d['table_no']} row {d['row_no']} ")
        assert repr(d["ours"]) in line and repr(d["camelot"]) in line
