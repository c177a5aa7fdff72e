"""Lists that did not change are not read again: their published rows are kept, exactly.

Through the real CLI: real HTTP on 127.0.0.1, real Prefect flow runs, real Parquet and
DuckDB. The extractor is watched (each call counted by the PDF it reads), so "not read
again" is observed, not taken from the run summary's word.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.run import isolation
from pipelines.run import stages
from pipelines.cli import main
from pipelines.run.stages import PIPELINE_VERSION, reusable_lists
from tests.conftest import sample_pdf, write_sources

pytestmark = pytest.mark.usefixtures("prefect_harness")

FY2019 = {"url": "/content/fy2019_r1_xlsx.pdf", "fiscal_year": 2019}
FY2023 = {"url": "/content/fy2023_r1_xlsx.pdf", "fiscal_year": 2023}
FY2024 = {"url": "/content/list2024.pdf", "fiscal_year": 2024}  # a third list, new later
FIXTURES = Path(__file__).parents[2] / "fixtures" / "pipelines"
LIST_TABLES = ("projects", "participants", "domestic_cities", "partner_cities", "project_fields")
PROJECT_TABLES = (
    "projects",
    "participants",
    "domestic_cities",
    "partner_cities",
    "project_fields",
    "organizations",
    "crosscheck_disagreements",
)


@pytest.fixture
def extractions(monkeypatch) -> list[str]:
    """The file name of every PDF the extractor reads during the test."""
    seen: list[str] = []
    real = isolation.extract_with_time_limit

    def counting(path, **kwargs):
        seen.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(stages, "extract_with_time_limit", counting)
    return seen


def refresh(site, data_dir, tmp_path, entries, *extra):
    sources = write_sources(tmp_path / "sources.toml", [{**e, "url": site.url + e["url"]} for e in entries])
    return CliRunner().invoke(
        main, ["refresh", "--sources", str(sources), "--data-dir", str(data_dir), "--no-cross-check", *extra]
    )


def tables(data_dir) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PROJECT_TABLES}
    finally:
        con.close()


def partition_bytes(data_dir, year: int) -> dict[str, bytes]:
    """The Parquet file of fiscal year ``year`` of every table of a list's rows (not
    ``sources``, which records each run's fetch, nor ``organizations``, partitioned by the
    year an organisation first appears in any list)."""
    return {
        p.parts[-3]: p.read_bytes()
        for p in (data_dir / "curated").glob(f"*/fiscal_year={year}/*.parquet")
        if p.parts[-3] in LIST_TABLES
    }


def test_a_new_list_is_read_and_the_unchanged_ones_are_kept_byte_for_byte(
    site, site_root, data_dir, tmp_path, extractions
):
    shutil.copy(FIXTURES / "decisions_list.pdf", site_root / "content" / "list2024.pdf")
    assert refresh(site, data_dir, tmp_path, [FY2019, FY2023]).exit_code == 0
    assert len(extractions) == 2
    before = {year: partition_bytes(data_dir, year) for year in (2019, 2023)}
    assert before[2019] and before[2023]

    grown = refresh(site, data_dir, tmp_path, [FY2019, FY2023, FY2024])
    assert grown.exit_code == 0, grown.output
    # only the new list was extracted
    assert len(extractions) == 3 and extractions[-1].endswith(".pdf")
    assert "reused: 2 unchanged list(s)" in grown.output
    assert grown.output.count("rows kept, not re-read") == 2
    # the unchanged lists' Parquet is the same, byte for byte
    for year in (2019, 2023):
        assert partition_bytes(data_dir, year) == before[year], year
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    made_by = con.execute(
        "SELECT fiscal_year, rows_published, pipeline_version FROM sources ORDER BY 1"
    ).fetchall()
    con.close()
    assert [r[:2] for r in made_by] == [(2019, 17), (2023, 21), (2024, 3)]
    # the kept lists and the new one were made by the same version (and decision files)
    assert len({r[2] for r in made_by}) == 1 and made_by[0][2].startswith(PIPELINE_VERSION)

    # and the whole warehouse is what a build reading every list again makes
    kept = tables(data_dir)
    forced = refresh(site, data_dir, tmp_path, [FY2019, FY2023, FY2024], "--force")
    assert forced.exit_code == 0, forced.output
    assert len(extractions) == 6 and "reused:" not in forced.output
    assert tables(data_dir) == kept


def test_changed_bytes_or_another_pipeline_version_are_read_again(
    site, site_root, data_dir, tmp_path, extractions, monkeypatch
):
    assert refresh(site, data_dir, tmp_path, [FY2019, FY2023]).exit_code == 0
    # the ministry replaces the FY2019 file (same table, different bytes)
    target = site_root / "content" / "fy2019_r1_xlsx.pdf"
    target.write_bytes(sample_pdf("fy2019_r1_xlsx.pdf").read_bytes() + b"\n% revised\n%%EOF\n")
    changed = refresh(site, data_dir, tmp_path, [FY2019, FY2023])
    assert changed.exit_code == 0, changed.output
    assert len(extractions) == 3 and extractions[-1].endswith(".pdf")
    assert "reused: 1 unchanged list(s)" in changed.output
    # a new pipeline version reads everything again, even with unchanged bytes
    shutil.copy(sample_pdf("fy2019_r1_xlsx.pdf"), target)
    monkeypatch.setattr(stages, "PIPELINE_VERSION", PIPELINE_VERSION + ".post1")
    newer = refresh(site, data_dir, tmp_path, [FY2019, FY2023])
    assert newer.exit_code == 0, newer.output
    assert len(extractions) == 5 and "reused:" not in newer.output


def test_a_broken_new_version_keeps_the_published_rows_without_reading_the_old_pdf(
    site, site_root, data_dir, tmp_path, extractions
):
    assert refresh(site, data_dir, tmp_path, [FY2019, FY2023]).exit_code == 0
    before = partition_bytes(data_dir, 2019)
    (site_root / "content" / "fy2019_r1_xlsx.pdf").write_bytes(b"%PDF-1.4\nnot a pdf\n%%EOF\n")
    broken = refresh(site, data_dir, tmp_path, [FY2019, FY2023])
    assert broken.exit_code == 1, broken.output
    # the broken file was tried once; the previous version came from the warehouse
    assert len(extractions) == 3
    assert partition_bytes(data_dir, 2019) == before
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT fiscal_year, status, rows_published FROM sources ORDER BY 1").fetchall() == [
        (2019, "failed", 17),
        (2023, "ok", 21),
    ]
    con.close()


def _published(**overrides) -> dict:
    row = {
        "source_id": "src_a",
        "status": "ok",
        "published_sha256": "ab" * 32,
        "rows_extracted": 17,
        "pipeline_version": PIPELINE_VERSION,
        "crosscheck_agreement": 0.99,
    }
    return {**row, **overrides}


def test_only_lists_published_ok_by_this_version_with_the_same_cross_check_are_reusable():
    assert set(reusable_lists([_published()], cross_check=True)) == {"src_a"}
    assert reusable_lists([_published()], cross_check=False) == {}
    assert set(reusable_lists([_published(crosscheck_agreement=None)], cross_check=False)) == {"src_a"}
    assert reusable_lists([_published(status="failed")], cross_check=True) == {}
    assert reusable_lists([_published(status="quarantined")], cross_check=True) == {}
    assert reusable_lists([_published(pipeline_version="0.0.1")], cross_check=True) == {}
    assert reusable_lists([_published(pipeline_version=None)], cross_check=True) == {}
    assert reusable_lists([_published(published_sha256=None)], cross_check=True) == {}


def test_an_edit_to_the_code_or_data_that_make_rows_changes_the_pipeline_version(tmp_path):
    from pipelines import settings

    for name in (
        "normalizers/data/org_aliases.csv",
        "normalizers/orgs.py",
        "extractors/cell_text.py",
        "pipelines/warehouse/records.py",
        "pipelines/warehouse/schema.py",
        "pipelines/report/page.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("v1\n")
    before = settings.row_makers_fingerprint(tmp_path)
    (tmp_path / "pipelines/report/page.py").write_text("v2\n")  # does not make rows
    assert settings.row_makers_fingerprint(tmp_path) == before
    for name in (
        "normalizers/data/org_aliases.csv",
        "extractors/cell_text.py",
        "pipelines/warehouse/records.py",
    ):
        (tmp_path / name).write_text("v2\n")
        assert settings.row_makers_fingerprint(tmp_path) != before, name
        (tmp_path / name).write_text("v1\n")
    assert settings.PIPELINE_VERSION.endswith(
        "+" + settings.row_makers_fingerprint(Path(settings.__file__).resolve().parents[1])
    )
