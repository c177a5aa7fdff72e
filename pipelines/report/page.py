"""``c3p report``: one self-contained HTML file describing the warehouse.

The page is data + a template: ``queries.py`` reads the warehouse, ``charts.py`` draws the SVG
charts (stacked bars of projects per year by country, a map of the partner cities over the
land outline in ``data/coastline.json``), and ``templates/report.html.j2`` lays out the page
with Jinja2's autoescaping, so every piece of text from the warehouse is HTML-escaped. CSS is
inline and nothing is fetched from the network when the file is opened.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipelines.report import charts
from pipelines.report.queries import gather
from pipelines.warehouse.publish import WAREHOUSE

__all__ = ["gather", "render", "write_report"]


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _escaped(value: object) -> Markup:
    """Every ``{{ value }}``: None as empty, text escaped as ``html.escape`` does (quotes too)."""
    if isinstance(value, Markup):
        return value
    return Markup("" if value is None else html.escape(str(value), quote=True))


def _list_text(values) -> str:
    return ", ".join(str(v) for v in values or [] if v is not None)


def _lines(value: object) -> Markup:
    """Text whose line ends show as ``<br>``."""
    return Markup("<br>").join(_escaped(value).split("\n"))


def _took(run: dict) -> str:
    if run["finished_at"] and run["started_at"]:
        return f"{(run['finished_at'] - run['started_at']).total_seconds():.0f} s"
    return "–"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pipelines.report", "templates"),
        autoescape=select_autoescape(["j2", "html"], default=True),
        undefined=StrictUndefined,
        finalize=_escaped,
        keep_trailing_newline=True,
    )
    env.filters.update(
        fmt=_fmt,
        list_text=_list_text,
        lines=_lines,
        took=_took,
        percent=lambda v: f"{v:.1%}",
        fy=lambda y: f"FY{y}",
    )
    return env


def _pivot(
    rows: list[dict], key: str, years: list[int], label: str, colours: dict[str, str] | None = None
) -> dict:
    """Projects per ``key`` and fiscal year, most frequent first, for the template's ``pivot``."""
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for r in rows:
        counts[r[key]][r["fiscal_year"]] = r["projects"]
        if r.get(label):
            labels[r[key]] = r[label]
    totals = {k: sum(v.values()) for k, v in counts.items()}
    top = max(totals.values(), default=0)
    return {
        "key_label": key.replace("_", " "),
        "years": years,
        "rows": [
            {
                "key": k,
                "label": labels.get(k, ""),
                "counts": [counts[k].get(y, "") for y in years],
                "total": totals[k],
                "bar": charts.hbar(totals[k], top, (colours or {}).get(k, "#4e79a7")),
            }
            for k in sorted(counts, key=lambda k: (-totals[k], k))
        ],
    }


def render(data: dict, *, data_dir: Path | None = None, generated: datetime | None = None) -> str:
    """The report as one HTML string."""
    t = data["totals"]
    project_years = sorted({r["fiscal_year"] for r in data["year_country"]})
    colours = charts.country_colours(data["year_country"])
    names = {r["country_code"]: r["country_name_ja"] for r in data["year_country"]}
    field_years = sorted({r["fiscal_year"] for r in data["year_field"]})
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data,
            generated=generated or datetime.now(timezone.utc),
            data_dir=data_dir,
            years=[r["fiscal_year"] for r in data["per_year"]],
            last_run=data["runs"][0] if data["runs"] else None,
            cards=[
                ("projects", t["projects"]),
                ("fiscal years", t["years"]),
                ("lists ok", f"{t['lists_ok']} / {t['lists']}"),
                ("countries", t["countries"]),
                ("Japanese local govts", t["domestic"]),
                ("partner cities", t["partners"]),
                ("organisations", t["organisations"]),
            ],
            year_country_chart=charts.stacked_bars(data["year_country"], project_years, colours, names),
            partner_map=charts.partner_map(data["places"], colours),
            unplaced=[r["name_raw"] for r in data["unplaced"]],
            per_country=_pivot(
                data["year_country"], "country_code", project_years, "country_name_ja", colours
            ),
            per_field=_pivot(data["year_field"], "field_code", field_years, "label")
            if data["year_field"]
            else None,
            review=data.get("review", []),
        )
    )


def write_report(data_dir: Path, output: Path) -> Path:
    """Write the HTML report of the warehouse in ``data_dir`` to ``output``."""
    data_dir, output = Path(data_dir), Path(output)
    con = duckdb.connect(str(data_dir / WAREHOUSE), read_only=True)
    try:
        data = gather(con)
    finally:
        con.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    page = render(data, data_dir=data_dir)
    from pipelines.warehouse.coverage import html_section  # completeness: registry, crawler, warehouse

    page = page.replace("</main>", html_section(data_dir) + "</main>", 1)
    output.write_text(page, encoding="utf-8")
    return output
