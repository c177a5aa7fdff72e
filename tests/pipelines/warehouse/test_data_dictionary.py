"""docs/data_dictionary.md is generated from the warehouse's comments and kept current."""

from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from pipelines.warehouse import data_dictionary
from pipelines.warehouse import publish
from pipelines.cli import main
from pipelines.warehouse.schema import TABLES

DOC = Path(__file__).resolve().parents[3] / "docs" / "data_dictionary.md"


def test_committed_data_dictionary_is_current(tmp_path):
    fresh = data_dictionary.write_data_dictionary(tmp_path / "dd.md").read_text(encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/data_dictionary.md is stale: run `c3p docs` and commit it"
    )


def test_every_table_column_key_and_view_is_documented(tmp_path):
    text = data_dictionary.generate()
    for name, spec in TABLES.items():
        assert f"### {name}\n\n{spec.comment}" in text
        for col in spec.columns:
            assert f"| `{col.name}`" in text and col.comment.split()[0] in text, (name, col.name)
        if spec.primary_key:
            assert "- Primary key: " + ", ".join(f"`{k}`" for k in spec.primary_key) in text
    for view in ("v_projects", "v_city_pairs", "v_org_activity", "v_org_summary"):
        assert f"### {view}\n" in text


def test_views_and_their_columns_carry_comments(tmp_path):
    publish.publish(tmp_path, {}, "t")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        views = con.execute(
            "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'"
        ).fetchall()
        assert len(views) >= 4 and all(c for _, c in views), views
        missing = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE comment IS NULL"
            " AND NOT internal AND schema_name = 'main'"
        ).fetchall()
        assert missing == []
    finally:
        con.close()


def test_markdown_cells_are_escaped():
    assert data_dictionary._cell("a | b\n c") == "a \\| b c"
    assert data_dictionary._cell(None) == ""


def test_c3p_docs_writes_the_file(tmp_path):
    out = tmp_path / "docs" / "dd.md"
    out.parent.mkdir()  # an --output folder must exist: c3p docs never creates one
    result = CliRunner().invoke(main, ["docs", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Data dictionary")
