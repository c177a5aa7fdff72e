"""What an analyst does with the demo warehouse: the documented queries, the Parquet from
pandas / polars / DuckDB, the notebook, the HTML report, and reading while a refresh publishes.

The demo warehouse is built once for the module (one `c3p demo`, on the session's Prefect
server); everything else reads it.
"""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.warehouse import publish
from pipelines.cli import main
from pipelines.warehouse.schema import TABLES
from tests.conftest import COUNTRY, truth

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "docs" / "queries.sql"
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
FY2023, FY2019 = truth("fy2023_r1"), truth("fy2019_r1")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory, prefect_harness) -> Path:
    data_dir = tmp_path_factory.mktemp("analyst") / "data"
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    return data_dir


@pytest.fixture(scope="module")
def con(demo_dir):
    connection = duckdb.connect(str(demo_dir / "warehouse.duckdb"), read_only=True)
    yield connection
    connection.close()


def parse_queries(text: str) -> dict[str, tuple[str, str]]:
    """{name: (question, sql)} from docs/queries.sql."""
    out = {}
    for block in re.split(r"^-- name:", text, flags=re.M)[1:]:
        name, _, rest = block.partition("\n")
        question = re.search(r"^-- question:\s*(.+)$", rest, flags=re.M)
        sql = "\n".join(line for line in rest.splitlines() if not line.startswith("--")).strip()
        assert name.strip() not in out, f"duplicate query name {name.strip()}"
        out[name.strip()] = (question.group(1).strip() if question else "", sql)
    return out


QUERY_SET = parse_queries(QUERIES.read_text(encoding="utf-8"))


def run(con, name: str) -> list[dict]:
    cur = con.execute(QUERY_SET[name][1])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


# ---------------------------------------------------------------- docs/queries.sql


def test_queries_file_has_ten_named_questions():
    assert len(QUERY_SET) >= 10
    for name, (question, sql) in QUERY_SET.items():
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        assert question.endswith("?"), name
        assert sql.rstrip().endswith(";") and sql.count(";") == 1, name


@pytest.mark.parametrize("name", sorted(QUERY_SET))
def test_every_query_runs_and_answers(con, demo_dir, name):
    assert run(con, name), f"{name} returned no rows on the demo warehouse"
    # as an analyst runs it: by name, from the file, with the command (its own process)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "query",
            "-f",
            str(QUERIES),
            "--name",
            name,
            "--format",
            "json",
            "--data-dir",
            str(demo_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(run(con, name))


def test_projects_per_year(con):
    got = {r["fiscal_year"]: r["projects"] for r in run(con, "projects-per-year")}
    assert got == {2019: len(FY2019["rows"]), 2023: len(FY2023["rows"])} == {2019: 17, 2023: 21}


def test_projects_per_year_and_country_match_the_truth(con):
    got = collections.Counter()
    for r in run(con, "projects-per-year-and-country"):
        got[(r["fiscal_year"], r["country_code"])] += r["projects"]
    want = collections.Counter()
    for doc in (FY2019, FY2023):
        for row in doc["rows"]:
            want[(doc["fiscal_year"], COUNTRY[row["country"]])] += 1
    assert got == want


def test_most_active_japanese_city_is_kitakyushu(con):
    rows = run(con, "most-active-japanese-cities")
    want = collections.Counter(
        c for doc in (FY2019, FY2023) for row in doc["rows"] for c in set(row["domestic_cities"])
    )
    assert rows[0]["city"] == "北九州市" == want.most_common(1)[0][0]
    assert rows[0]["projects"] == want["北九州市"] == 7
    assert rows[0]["lg_code"] == "401005" and rows[0]["years"] == [2019, 2023]
    assert {r["city"]: r["projects"] for r in rows} == dict(want)


def _org(name: str) -> str:
    return name.replace("(株)", "株式会社").replace("（株）", "株式会社")


def test_most_frequent_proposer_is_nippon_koei(con):
    rows = run(con, "most-active-proposers")
    want = collections.Counter(_org(r["proposer"]) for doc in (FY2019, FY2023) for r in doc["rows"])
    assert rows[0]["proposer"] == "日本工営株式会社" == want.most_common(1)[0][0]
    assert rows[0]["projects"] == want["日本工営株式会社"] == 13
    assert rows[0]["projects_by_year"] == {2019: 7, 2023: 6}
    assert sum(r["projects"] for r in rows) == 38


def test_fields_over_time(con):
    rows = run(con, "fields-over-time")
    assert {r["fiscal_year"] for r in rows} == {2023}  # the FY2019 list has no 対象分野
    got = {r["field_code"]: r["projects"] for r in rows}
    labels = collections.Counter(f for r in FY2023["rows"] for f in set(r["target_fields"]))
    assert got["renewable_energy"] == labels["再生可能エネルギー"] == 21
    assert got["energy_efficiency"] == labels["省エネルギー"] == 19
    assert got["institution_building"] == labels["制度構築支援"] == 19
    assert all(0 < r["pct_of_year"] <= 100 for r in rows)


def test_continued_city_pairs(con):
    rows = run(con, "continued-city-pairs")
    got = {(r["domestic_city"], r["partner_city"]) for r in rows}
    pairs = [
        {(d, t) for r in doc["rows"] for d in r["domestic_cities"] for t in r["target_cities"]}
        for doc in (FY2019, FY2023)
    ]
    assert pairs[0] & pairs[1] <= got  # printed identically in both lists
    assert {
        ("北九州市", "ハイフォン市"),
        ("大阪市", "ホーチミン市"),
        ("富山市", "バリ州"),
        ("東京都", "クアラルンプール市"),
        ("北九州市", "イスカンダル開発地域"),  # 2023 prints ジョホール州イスカンダル開発地域
        ("大阪市", "ケソン市"),
    } <= got  # 2023 prints ケソン
    assert all(r["years_active"] == [2019, 2023] for r in rows)


def test_collaborations_across_years(con):
    rows = {(r["domestic_city"], r["partner_city"]): r for r in run(con, "collaborations-across-years")}
    # the same pairs v_city_pairs calls continued, one row each
    assert set(rows) == {(r["domestic_city"], r["partner_city"]) for r in run(con, "continued-city-pairs")}
    # Osaka and the EEC: printed 「タイ東部地域(EECおよびバンコク都)」 in FY2019 and 「タイ東部経済回廊（EEC）」
    # in FY2023, whose summary calls the project phase 2: one collaboration (a gazetteer alias)
    prints = {
        t
        for doc in (FY2019, FY2023)
        for r in doc["rows"]
        if "大阪市" in r["domestic_cities"]
        for t in r["target_cities"]
        if "EEC" in t
    }
    eec = rows[("大阪市", "タイ東部経済回廊(EEC)")]
    assert set(eec["partner_names_printed"]) == prints and len(prints) == 2
    assert eec["projects_by_year"] == {2019: ["2019-1-12"], 2023: ["2023-1-17"]}
    assert eec["phases"] == [2] and eec["proposers"] == ["日本工営株式会社"]
    for r in rows.values():
        assert sorted(r["projects_by_year"]) == r["years_active"]


def test_organisations_active_in_a_year_include_earlier_first_years(con):
    rows = {r["name"]: r for r in run(con, "organisations-active-in-a-year")}

    # the truth's spellings, as one organisation each: abbreviation apart, the misprint mended
    def one(name: str) -> str:
        name = re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", _org(name))
        name = re.sub(r"[(（][A-Z]+[)）]$", "", name)
        return {"日本エヌ・ユーエス株式会社": "日本エヌ・ユー・エス株式会社"}.get(name, name)

    proposed_2023 = collections.Counter(one(r["proposer"]) for r in FY2023["rows"])
    koei = rows["日本工営株式会社"]
    assert koei["proposed_that_year"] == proposed_2023["日本工営株式会社"] == 6
    assert koei["first_fiscal_year"] == 2019  # first year is not the year it is active in
    assert {n: r["proposed_that_year"] for n, r in rows.items() if r["proposed_that_year"]} == dict(
        proposed_2023
    )


def test_participant_roles_one_code_for_a_role_printed_two_ways(con):
    rows = run(con, "participant-roles")
    got = {(r["fiscal_year"], r["role_code"]): (r["printed_as"], r["participations"]) for r in rows}
    want = collections.Counter(
        (doc["fiscal_year"], p["role"])
        for doc in (FY2019, FY2023)
        for r in doc["rows"]
        for p in r["participants"]
    )
    assert got[(2019, "co_applicant")] == (["共同事業者"], want[(2019, "共同事業者")])
    assert got[(2023, "co_applicant")] == (["共同応募者"], want[(2023, "共同応募者")])
    assert got[(2023, "cooperating_partner")] == (["協力事業者"], want[(2023, "協力事業者")])
    assert sum(n for _, n in got.values()) == sum(want.values())


def test_code_tables_label_every_code_in_use(con, demo_dir):
    missing = {
        "fields": "SELECT DISTINCT field_code FROM project_fields"
        " WHERE field_code NOT IN (SELECT field_code FROM fields)",
        "countries": "SELECT DISTINCT country_code FROM (SELECT country_code FROM projects UNION ALL"
        " SELECT country_code FROM partner_cities) WHERE country_code IS NOT NULL"
        " AND country_code NOT IN (SELECT code FROM countries)",
        "roles": "SELECT DISTINCT role_code FROM participants"
        " WHERE role_code NOT IN (SELECT role_code FROM roles)",
    }
    for table, sql in missing.items():
        assert con.execute(sql).fetchall() == [], table
        files = list((demo_dir / "curated" / table).glob("*.parquet"))
        assert [f.name for f in files] == [f"{table}.parquet"]
        assert (
            pq.read_table(files[0]).num_rows == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        )
    assert con.execute(
        "SELECT label_ja, label_en FROM fields WHERE field_code = 'renewable_energy'"
    ).fetchone() == ("再生可能エネルギー", "Renewable energy")
    assert con.execute("SELECT name_ja, name_en FROM countries WHERE code = 'VN'").fetchone() == (
        "ベトナム",
        "Vietnam",
    )
    assert con.execute("SELECT count(*) FROM roles WHERE role_code = 'proposer'").fetchone()[0] == 1


def test_organizations_years_and_counts_agree_with_the_projects(con):
    mismatched = con.execute("""
        SELECT o.name FROM organizations o JOIN v_org_summary s USING (org_id)
        WHERE (o.first_fiscal_year, o.last_fiscal_year, o.project_count, o.projects_as_proposer,
               o.projects_as_participant)
           <> (s.first_year, s.last_year, s.projects_total, s.projects_as_proposer,
               s.projects_as_participant)""").fetchall()
    assert mismatched == []
    assert (
        con.execute("SELECT count(*) FROM organizations").fetchone()[0]
        == con.execute("SELECT count(*) FROM v_org_summary").fetchone()[0]
    )
    assert "fiscal_year" not in [r[0] for r in con.execute("DESCRIBE organizations").fetchall()]


def test_abbreviations_are_their_own_column(con):
    by_name = dict(con.execute("SELECT name, abbreviation FROM organizations").fetchall())
    assert by_name["一般社団法人海外環境協力センター"] == "OECC"
    assert by_name["一般社団法人Yokohama Urban Solution Alliance"] == "YUSA"
    assert by_name["公益財団法人地球環境戦略研究機関"] == "IGES"
    assert not [n for n in by_name if re.search(r"\([A-Z][A-Z0-9&.-]+\)$", n)]
    aliases = con.execute("SELECT aliases FROM organizations WHERE abbreviation = 'YUSA'").fetchone()[0]
    printed = {p["name"] for r in FY2023["rows"] for p in r["participants"] if "YUSA" in p["name"]}
    assert {drop_cjk(a) for a in aliases} == {drop_cjk(a) for a in printed}  # kept as printed


def drop_cjk(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_organisations_by_type(con):
    rows = run(con, "organisations-by-type")
    allowed = {
        "local_government_jp",
        "local_government_foreign",
        "company_jp",
        "company_foreign",
        "foundation_association",
        "university",
        "chamber_of_commerce",
        "government_agency",
        "other",
    }
    assert {r["org_type"] for r in rows} <= allowed
    assert (
        sum(r["organisations"] for r in rows)
        == con.execute("SELECT count(*) FROM organizations").fetchone()[0]
    )
    by_type = {r["org_type"]: r for r in rows}
    assert by_type["company_jp"]["organisations"] == rows[0]["organisations"]  # the most common kind


def test_repeat_organisations_include_the_big_names(con):
    names = {r["name"] for r in run(con, "repeat-organisations")}
    assert {"日本工営株式会社", "北九州市", "大阪市", "富山市", "川崎市"} <= names


def test_largest_consortia(con):
    rows = run(con, "largest-consortia")
    sizes = sorted((len(r["participants"]) for doc in (FY2019, FY2023) for r in doc["rows"]), reverse=True)
    assert rows[0]["participant_count"] >= sizes[0]
    assert [r["participant_count"] for r in rows] == sorted(
        (r["participant_count"] for r in rows), reverse=True
    )


def test_partner_cities_have_coordinates(con):
    rows = run(con, "partner-cities-per-country")
    assert {r["country_code"] for r in rows} == set(COUNTRY.values())
    assert all(r["lat"] is not None and -90 <= r["lat"] <= 90 for r in rows)


def test_source_health(con):
    rows = run(con, "source-health")
    assert [(r["fiscal_year"], r["status"], r["rows_extracted"], r["count_matches"]) for r in rows] == [
        (2019, "ok", 17, True),
        (2023, "ok", 21, True),
    ]


# ---------------------------------------------------------------- Parquet, as is


def _counts(con) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


@pytest.mark.parametrize("table", list(TABLES))
def test_parquet_is_zstd_and_dictionary_encoded(demo_dir, table):
    files = sorted((demo_dir / "curated" / table).rglob("*.parquet"))
    assert files
    spec = TABLES[table]
    for f in files:
        meta = pq.ParquetFile(f).metadata
        if spec.partitioned:
            assert re.fullmatch(r"fiscal_year=\d{4}", f.parent.name)
        for g in range(meta.num_row_groups):
            for i in range(meta.num_columns):
                col = meta.row_group(g).column(i)
                assert col.compression == "ZSTD", (f, col.path_in_schema)
                if col.physical_type == "BYTE_ARRAY" and meta.row_group(g).num_rows:
                    assert "RLE_DICTIONARY" in col.encodings, (f, col.path_in_schema)


def test_duckdb_reads_the_hive_parquet(demo_dir, con):
    counts = _counts(con)
    for table in TABLES:
        glob = str(demo_dir / "curated" / table / "**" / "*.parquet")
        n = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning=true)", [glob]).fetchone()[0]
        assert n == counts[table], table
    years = con.execute(
        "SELECT fiscal_year, count(*) FROM read_parquet(?, hive_partitioning=true) GROUP BY 1 ORDER BY 1",
        [str(demo_dir / "curated/projects/**/*.parquet")],
    ).fetchall()
    assert years == [(2019, 17), (2023, 21)]


def test_pandas_reads_the_parquet_without_object_columns(demo_dir, con):
    import pandas as pd

    counts = _counts(con)
    for table, spec in TABLES.items():
        path = demo_dir / "curated" / table
        df = pd.read_parquet(path, dtype_backend="pyarrow")
        assert len(df) == counts[table], table
        assert not [c for c, t in df.dtypes.items() if t == object], table  # noqa: E721 (a dtype equals object)
        plain = pd.read_parquet(path)
        assert len(plain) == counts[table]
        objects = {c for c, t in plain.dtypes.items() if t == object}  # noqa: E721 (a dtype equals object)
        # only the list column must be object in the default backend; strings are not
        assert objects <= {c.name for c in spec.columns if pa.types.is_list(c.type)}, (table, objects)
        for col in spec.columns:
            if col.type == pa.string() and col.name in plain:
                assert str(plain[col.name].dtype) in ("str", "string"), (table, col.name)
        if spec.partitioned:
            assert sorted(df["fiscal_year"].astype(int).unique()) == sorted(
                r[0] for r in con.execute(f'SELECT DISTINCT fiscal_year FROM "{table}"').fetchall()
            )


def test_polars_reads_the_parquet(demo_dir, con):
    import polars as pl

    counts = _counts(con)
    for table, spec in TABLES.items():
        df = pl.read_parquet(str(demo_dir / "curated" / table / "**" / "*.parquet"), hive_partitioning=True)
        assert df.height == counts[table], table
        assert pl.Object not in df.schema.dtypes()
        for col in spec.columns:
            if col.type == pa.string():
                assert df.schema[col.name] == pl.String, (table, col.name)
        if spec.partitioned:
            assert df.schema["fiscal_year"].is_integer()
    lazy = pl.scan_parquet(str(demo_dir / "curated/projects/**/*.parquet"), hive_partitioning=True)
    got = dict(lazy.group_by("fiscal_year").len().collect().iter_rows())
    assert got == {2019: 17, 2023: 21}


# ---------------------------------------------------------------- notebook


def test_notebook_runs_on_the_demo_warehouse(demo_dir, monkeypatch, tmp_path):
    import ipykernel  # noqa: F401  (the kernel the notebook runs on)
    import matplotlib  # noqa: F401
    import nbclient
    import nbformat

    monkeypatch.setenv("C3P_DATA_DIR", str(demo_dir))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "projects: 38" in text
    continued = con_count(demo_dir, "SELECT count(*) FROM v_city_pairs WHERE continued")
    assert f"continued collaborations: {continued}" in text and continued == 7
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the notebook draws its charts"


# ---------------------------------------------------------------- report on the real warehouse


def test_report_on_the_demo_warehouse(demo_dir, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--data-dir", str(demo_dir), "--output", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    places = con_count(demo_dir, "SELECT count(DISTINCT coalesce(name_ja, name_raw)) FROM partner_cities")
    assert html.count('class="map-point"') == con_count(
        demo_dir,
        "SELECT count(DISTINCT coalesce(name_ja, name_raw)) FROM partner_cities WHERE lat IS NOT NULL",
    )
    # the partner-city count and the places on the map are one count (EEC printed two ways: one place)
    assert re.search(rf"<b>{places}</b><span>partner cities</span>", html)
    assert f"{places} places on the map" in html
    printed = {t for doc in (FY2019, FY2023) for r in doc["rows"] for t in r["target_cities"]}
    one_place = [
        {"タイ東部地域(EECおよびバンコク都)", "タイ東部経済回廊（EEC）"},
        {"ケソン", "ケソン市"},
        {"ジョホール州イスカンダル開発地域", "イスカンダル開発地域"},
    ]
    assert all(pair <= printed for pair in one_place)
    assert places == len(printed) - len(one_place) == 31
    # labels of the code tables, not one printed spelling per code
    assert "再生可能エネルギー (Renewable energy)" in html and "タイ (Thailand)" in html
    assert "北九州市" in html and "日本工営株式会社" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def con_count(data_dir: Path, sql: str) -> int:
    c = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()


# ---------------------------------------------------------------- reading during a publish


def _rows(demo_dir: Path, only_year: int | None) -> dict[str, list[dict]]:
    rows = {}
    for name, spec in TABLES.items():
        table = publish.read_table(demo_dir, name).to_pylist()
        if only_year is not None and "fiscal_year" in spec.arrow_schema.names:
            table = [r for r in table if r["fiscal_year"] == only_year]
        rows[name] = table
    return rows


def _count(path: Path) -> int:
    c = duckdb.connect(str(path), read_only=True)
    try:
        return c.execute("SELECT count(*) FROM projects").fetchone()[0]
    finally:
        c.close()


def test_reader_sees_old_or_new_warehouse_never_half_written(demo_dir, tmp_path):
    full, fy2019 = _rows(demo_dir, None), _rows(demo_dir, 2019)
    data = tmp_path / "live"
    publish.publish(data, full, "r0")
    warehouse = data / "warehouse.duckdb"

    # an analyst's session held open across a publish keeps the warehouse it opened
    held = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert held.execute("SELECT count(*) FROM projects").fetchone()[0] == 38
        publish.publish(data, fy2019, "r1")
        assert held.execute("SELECT count(*) FROM projects").fetchone()[0] == 38
        assert held.execute("SELECT count(*) FROM v_projects").fetchone()[0] == 38
    finally:
        held.close()
    assert _count(warehouse) == 17

    # new sessions opened in a loop while publishes swap the file: each sees 17 or 38
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                c = duckdb.connect(str(warehouse), read_only=True)
                try:
                    n = c.execute("SELECT count(*) FROM projects").fetchone()[0]
                    m = c.execute("SELECT count(*) FROM v_projects").fetchone()[0]
                    seen.append(n if n == m else -1)
                finally:
                    c.close()
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for i in range(6):
            publish.publish(data, full if i % 2 == 0 else fy2019, f"r{i + 2}")
    finally:
        stop.set()
        thread.join(30)
    assert not errors, errors[:3]
    assert len(seen) > 10
    assert set(seen) <= {17, 38}, collections.Counter(seen)
    assert {17, 38} <= set(seen), "the reader ran across several swaps"
    assert _count(warehouse) == 17
    assert os.listdir(data / "curated")
    # what the switches leave: no half-made link, only the version the one pointer names and
    # the one it replaced (a reader may have resolved the links just before the switch)
    assert not [p for p in data.iterdir() if p.name.startswith((".current", ".curated", ".warehouse"))]
    assert sorted(p.name for p in (data / publish.VERSIONS).iterdir()) == ["r6", "r7"]
    assert os.readlink(data / ".previous") == os.path.join(publish.VERSIONS, "r6")
    assert os.readlink(data / "current") == os.path.join(publish.VERSIONS, "r7")
    assert {p.name for p in (data / publish.CURATED).iterdir()} == set(TABLES)
