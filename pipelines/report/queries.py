"""The SQL of ``c3p report``: everything the page shows, read from the warehouse as plain rows."""

from __future__ import annotations

import duckdb


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def gather(con: duckdb.DuckDBPyConnection) -> dict:
    """Everything the report shows, read from the warehouse on ``con``."""

    def one(sql: str) -> int:
        row = con.execute(sql).fetchone()
        assert row is not None  # an aggregate always returns one row
        return row[0]

    return {
        "totals": {
            "projects": one("SELECT count(*) FROM projects"),
            "years": one("SELECT count(DISTINCT fiscal_year) FROM projects"),
            "lists": one("SELECT count(*) FROM sources"),
            "lists_ok": one("SELECT count(*) FROM sources WHERE status = 'ok'"),
            "countries": one("SELECT count(DISTINCT country_code) FROM projects"),
            "domestic": one("SELECT count(DISTINCT coalesce(lg_code, name)) FROM domestic_cities"),
            "partners": one("SELECT count(DISTINCT coalesce(name_ja, name_raw)) FROM partner_cities"),
            "organisations": one("SELECT count(*) FROM organizations"),
        },
        "per_year": _rows(
            con,
            """
            WITH y AS (SELECT fiscal_year FROM sources UNION SELECT fiscal_year FROM projects)
            SELECT y.fiscal_year,
                (SELECT count(*) FROM sources s WHERE s.fiscal_year = y.fiscal_year) AS lists,
                (SELECT count(*) FROM sources s WHERE s.fiscal_year = y.fiscal_year
                    AND s.status <> 'ok') AS lists_not_ok,
                (SELECT count(*) FROM projects p WHERE p.fiscal_year = y.fiscal_year) AS projects,
                (SELECT count(DISTINCT country_code) FROM projects p
                    WHERE p.fiscal_year = y.fiscal_year) AS countries,
                (SELECT count(DISTINCT coalesce(lg_code, name)) FROM domestic_cities d
                    WHERE d.fiscal_year = y.fiscal_year) AS domestic_cities,
                (SELECT count(DISTINCT coalesce(name_ja, name_raw)) FROM partner_cities c
                    WHERE c.fiscal_year = y.fiscal_year) AS partner_cities,
                (SELECT count(*) FROM participants x WHERE x.fiscal_year = y.fiscal_year) AS participants
            FROM y ORDER BY y.fiscal_year""",
        ),
        "year_country": _rows(
            con,
            """
            SELECT p.fiscal_year, coalesce(p.country_code, '?') AS country_code,
                   coalesce(any_value(c.name_ja || ' (' || c.name_en || ')'),
                            any_value(p.country_name_ja)) AS country_name_ja, count(*) AS projects
            FROM projects p LEFT JOIN countries c ON c.code = p.country_code
            GROUP BY 1, 2 ORDER BY 1, 2""",
        ),
        "year_field": _rows(
            con,
            """
            SELECT f.fiscal_year, f.field_code,
                   coalesce(any_value(l.label_ja || ' (' || l.label_en || ')'), mode(f.field_raw)) AS label,
                   count(DISTINCT f.project_id) AS projects
            FROM project_fields f LEFT JOIN fields l USING (field_code) GROUP BY 1, 2 ORDER BY 1, 2""",
        ),
        "cities": _rows(
            con,
            """
            SELECT d.name, d.prefecture, count(DISTINCT d.project_id) AS projects,
                   list(DISTINCT d.fiscal_year ORDER BY d.fiscal_year) AS years
            FROM domestic_cities d GROUP BY 1, 2 ORDER BY projects DESC, d.name LIMIT 15""",
        ),
        "proposers": _rows(
            con,
            """
            SELECT coalesce(o.name, p.proposer_name_raw) AS name, o.org_type,
                   count(*) AS projects, list(DISTINCT p.fiscal_year ORDER BY p.fiscal_year) AS years
            FROM projects p LEFT JOIN organizations o ON o.org_id = p.proposer_org_id
            GROUP BY 1, 2 ORDER BY projects DESC, name LIMIT 15""",
        ),
        "org_types": _rows(
            con,
            """
            SELECT coalesce(org_type, 'unknown') AS org_type, count(*) AS organisations
            FROM organizations GROUP BY 1 ORDER BY 2 DESC, 1""",
        ),
        "places": _rows(
            con,
            """
            SELECT any_value(lat) AS lat, any_value(lon) AS lon,
                   any_value(coalesce(name_en, name_ja, name_raw)) AS name,
                   coalesce(name_ja, name_raw) AS name_ja, any_value(country_code) AS country_code,
                   count(DISTINCT project_id) AS projects,
                   list(DISTINCT fiscal_year ORDER BY fiscal_year) AS years
            FROM partner_cities WHERE lat IS NOT NULL AND lon IS NOT NULL
            GROUP BY coalesce(name_ja, name_raw) ORDER BY projects DESC, name""",
        ),
        "unplaced": _rows(
            con,
            """
            SELECT DISTINCT coalesce(name_ja, name_raw) AS name_raw FROM partner_cities
            WHERE lat IS NULL OR lon IS NULL ORDER BY 1""",
        ),
        "sources": _rows(
            con,
            """
            SELECT fiscal_year, call_round, status, fetch_status, origin, rows_extracted,
                   rows_expected, rows_published, pages, bytes, sha256, fetched_at, url, press_url,
                   error, crosscheck_agreement, review_needed, review_reasons,
                   (SELECT count(*) FROM crosscheck_disagreements d
                    WHERE d.source_id = sources.source_id AND NOT d.acknowledged) AS open_cells
            FROM sources ORDER BY fiscal_year DESC, call_round""",
        ),
        "runs": _rows(
            con,
            """
            SELECT run_id, started_at, finished_at, command, sources_seen, sources_new,
                   sources_failed, projects, status, pipeline_version
            FROM runs ORDER BY started_at DESC""",
        ),
        "projects": _rows(
            con,
            """
            SELECT project_id, fiscal_year, project_name, proposer_name, country_code,
                   domestic_cities, partner_cities, field_codes
            FROM v_projects ORDER BY fiscal_year DESC, call_round, list_no, project_id""",
        ),
        "review": _review_rows(con),
    }


def _review_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Cell readings published on disagreeing evidence (none in a warehouse built before
    the review table existed)."""
    try:
        return _rows(
            con,
            """
            SELECT project_id, page, column_name, chosen, alternative, reason
            FROM review ORDER BY fiscal_year DESC, project_id, column_name""",
        )
    except duckdb.CatalogException:
        return []
