"""Completeness: which of the ministry's lists are known, found, downloaded and published.

:func:`release_rows` merges the built-in registry with what the crawler read
(``crawl_state.json``) into the rows of the ``releases`` table; the ``coverage`` view of
``views.sql`` compares them with ``sources`` and ``projects``.  :func:`coverage_table`
evaluates that same view on the current registry and crawl state over the published
warehouse (or over empty tables when nothing is published yet) — no Prefect, no network:
``c3p status`` and ``c3p report`` print it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from pipelines import settings
from pipelines.sources import registry
from pipelines.sources.release_titles import parse_cumulative

STATE_FILE = "crawl_state.json"  # = pipelines.sources.crawler.STATE_FILE (kept import-light)

COLUMNS = (
    "fiscal_year",
    "call_round",
    "release_date",
    "in_registry",
    "found_by_crawler",
    "downloaded",
    "published",
    "rows_stated",
    "rows_published",
    "missing",
    "quoted_countries",
    "quoted_partner_cities",
    "quoted_local_governments",
    "warehouse_countries",
    "warehouse_partner_cities",
    "warehouse_local_governments",
)


def _state(data_dir: Path) -> dict:
    """The crawl state of the current site (``{}`` when there is none)."""
    import json

    try:
        state = json.loads((Path(data_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(state, dict) or state.get("site") != settings.site_url():
        return {}
    return state


def _crawled(data_dir: Path) -> list[dict]:
    return list((_state(data_dir).get("releases") or {}).values())


def last_crawl(data_dir: Path) -> str:
    """One line on the last crawl of the current site, from ``crawl_state.json``."""
    state = _state(data_dir)
    last = state.get("last_crawl") or {}
    if not last:
        return f"last crawl of {settings.site_url()}: none (crawl_state.json absent)"
    return (
        f"last crawl of {settings.site_url()}: {last.get('finished_at')},"
        f" {last.get('requests')} request(s), {len(state.get('months') or {})} month page(s)"
        f" and {len(state.get('releases') or {})} release(s) known"
        + ("" if last.get("complete") else "; INCOMPLETE (page budget spent), the next crawl resumes")
    )


def _key(kind: str, fiscal_year: int, call_round: int | None, press_url: str | None):
    if kind in ("adoption", "call"):
        return kind, fiscal_year, call_round or 1
    return kind, urlsplit(press_url or "").path


def release_rows(data_dir: Path) -> list[dict]:
    """One row per release (the ``releases`` table): registry rows, completed and overridden
    by what the crawler read from the same release ((kind, fiscal year, round) for adoptions
    and calls, the press URL's path otherwise)."""
    rows: dict[tuple, dict] = {}
    for r in registry.releases():
        cumulative = parse_cumulative(r.notes)
        rows[_key(r.kind, r.fiscal_year, r.call_round, r.press_url)] = {
            "fiscal_year": r.fiscal_year,
            "call_round": r.call_round or 1,
            "round_stated": r.call_round is not None,
            "kind": r.kind,
            "release_date": r.date,
            "title": None,
            "press_url": settings.resolve(r.press_url) if r.press_url else None,
            "pdf_url": settings.resolve(r.attachment_url) if r.attachment_url else None,
            "attachment_title": r.attachment_title,
            "applications": r.applications,
            "adopted": r.adopted,
            "countries": cumulative.countries if cumulative else None,
            "partner_cities": cumulative.partner_cities if cumulative else None,
            "local_governments": cumulative.local_governments if cumulative else None,
            "in_registry": True,
            "found_by_crawler": False,
        }
    for c in _crawled(data_dir):
        key = _key(c["kind"], c["fiscal_year"], c["call_round"], c["press_url"])
        row = rows.setdefault(key, {"in_registry": False, "title": None})
        found = {
            "fiscal_year": c["fiscal_year"],
            "call_round": c["call_round"],
            "round_stated": c.get("round_stated", False),
            "kind": c["kind"],
            "release_date": c.get("date"),
            "title": c.get("title"),
            "press_url": c["press_url"],
            "pdf_url": c.get("pdf_url"),
            "attachment_title": c.get("attachment_title"),
            "applications": c.get("applications"),
            "adopted": c.get("adopted"),
            "countries": c.get("countries"),
            "partner_cities": c.get("partner_cities"),
            "local_governments": c.get("local_governments"),
        }
        stated = bool(row.get("round_stated")) or bool(c.get("round_stated"))
        row.update({k: v for k, v in found.items() if v is not None or k not in row})
        row["round_stated"] = stated
        row["found_by_crawler"] = True
    return sorted(rows.values(), key=lambda r: (r["fiscal_year"], r["call_round"], r["kind"]))


def coverage_table(data_dir: Path) -> list[dict]:
    """The ``coverage`` view over the warehouse in ``data_dir`` (if any) and the current
    registry and crawl state, as dicts in list order."""
    from pipelines.warehouse.publish import WAREHOUSE, arrow_table
    from pipelines.warehouse.schema import TABLES

    data_dir = Path(data_dir)
    con = duckdb.connect(":memory:")
    try:
        present: set[str] = set()
        warehouse = data_dir / WAREHOUSE
        if warehouse.exists():
            con.execute(f"ATTACH '{warehouse.as_posix()}' AS w (READ_ONLY)")
            present = {
                name
                for (name,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = 'w'"
                ).fetchall()
            }
        for name, spec in TABLES.items():
            if name == "releases":
                con.register("releases", arrow_table(spec, release_rows(data_dir)))
            elif name in present:
                con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM w."{name}"')
            else:
                con.register(name, arrow_table(spec, []))
        views = resources.files("pipelines.warehouse").joinpath("views.sql").read_text(encoding="utf-8")
        con.execute(views)
        cursor = con.execute("SELECT * FROM coverage")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def _cell(value) -> str:
    if value is None:
        return "–"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


HEADERS = (
    "FY",
    "round",
    "date",
    "registry",
    "crawler",
    "downloaded",
    "published",
    "stated",
    "rows",
    "missing",
    "quoted c/p/j",
    "warehouse c/p/j",
)


def table_rows(rows: list[dict]) -> list[tuple[str, ...]]:
    """The coverage rows as the text cells of :data:`HEADERS`."""
    out: list[tuple[str, ...]] = []
    for r in rows:
        quoted = (r["quoted_countries"], r["quoted_partner_cities"], r["quoted_local_governments"])
        out.append(
            (
                str(r["fiscal_year"]),
                str(r["call_round"]) + ("" if r["round_stated"] else "*"),
                _cell(r["release_date"]),
                _cell(r["in_registry"]),
                _cell(r["found_by_crawler"]),
                _cell(r["downloaded"]),
                _cell(r["published"]),
                _cell(r["rows_stated"]),
                _cell(r["rows_published"]),
                r["missing"] or "complete",
                "/".join(_cell(v) for v in quoted) if any(v is not None for v in quoted) else "–",
                f"{r['warehouse_countries']}/{r['warehouse_partner_cities']}/{r['warehouse_local_governments']}",
            )
        )
    return out


def render_text(rows: list[dict]) -> str:
    """A plain-text table of the coverage, one line per list, and a totals line."""
    cells = [HEADERS, *table_rows(rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells]
    complete = sum(1 for r in rows if r["missing"] is None)
    lines.append(
        f"{complete} of {len(rows)} known lists complete; * = round not stated;"
        " c/p/j = countries / partner cities / Japanese local governments (cumulative)"
    )
    return "\n".join(lines)


def render(rows: list[dict], fmt: str = "table") -> str:
    """The coverage as ``table`` (:func:`render_text`), ``csv`` or ``json`` (every column)."""
    if fmt == "json":
        import json

        return json.dumps(rows, ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    return render_text(rows)


def html_section(data_dir: Path) -> str:
    """The coverage table as a section of the HTML report."""
    from html import escape

    rows = coverage_table(data_dir)
    head = "".join(f"<th>{escape(h)}</th>" for h in HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>" for cells in table_rows(rows)
    )
    complete = sum(1 for r in rows if r["missing"] is None)
    return (
        f'<section id="coverage">\n<h2>Coverage: every list the ministry published</h2>\n'
        f"<p>{complete} of {len(rows)} known adoption lists are complete in the warehouse."
        " * = round not stated; c/p/j = countries / partner cities / Japanese local"
        " governments, cumulative, as quoted in the release and as counted in the"
        f" warehouse.</p>\n<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"
        "</section>\n"
    )
