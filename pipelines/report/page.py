"""``c3p report``: one self-contained HTML file describing the warehouse.

Everything is inline: CSS, and SVG charts drawn here (stacked bars of projects per year by
country, an equirectangular map of the partner cities over a light land outline). Nothing is
fetched from the network when the file is opened, and every piece of text from the
warehouse is HTML-escaped.

The land outline (``_LAND`` at the end) is Natural Earth's 1:110m land (public domain), as
redistributed in world-atlas 2.0.2 (``land-110m.json``, ISC): rings decoded from TopoJSON,
Antarctica and islands under 0.8 square degrees dropped, simplified with Douglas-Peucker at
0.4°, rounded to 0.1°. Longitudes are Pacific-centred (see ``_shift``) so that Asia, the
Pacific and Latin America can share one map.
"""
from __future__ import annotations

import html
import math
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipelines.warehouse.publish import WAREHOUSE

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#86bcb6", "#8cd17d", "#d37295", "#a0cbe8", "#ffbe7d",
           "#499894", "#fabfd2", "#79706e", "#d4a6c8", "#b6992d", "#bab0ac"]
OTHER_COLOUR = "#c7c7c7"


def esc(value: object) -> str:
    """Text for HTML: None as empty, everything else escaped (quotes included)."""
    return "" if value is None else html.escape(str(value), quote=True)


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


# ---------------------------------------------------------------- data


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def gather(con: duckdb.DuckDBPyConnection) -> dict:
    """Everything the report shows, read from the warehouse on ``con``."""
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
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
        "per_year": _rows(con, """
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
            FROM y ORDER BY y.fiscal_year"""),
        "year_country": _rows(con, """
            SELECT p.fiscal_year, coalesce(p.country_code, '?') AS country_code,
                   coalesce(any_value(c.name_ja || ' (' || c.name_en || ')'),
                            any_value(p.country_name_ja)) AS country_name_ja, count(*) AS projects
            FROM projects p LEFT JOIN countries c ON c.code = p.country_code
            GROUP BY 1, 2 ORDER BY 1, 2"""),
        "year_field": _rows(con, """
            SELECT f.fiscal_year, f.field_code,
                   coalesce(any_value(l.label_ja || ' (' || l.label_en || ')'), mode(f.field_raw)) AS label,
                   count(DISTINCT f.project_id) AS projects
            FROM project_fields f LEFT JOIN fields l USING (field_code) GROUP BY 1, 2 ORDER BY 1, 2"""),
        "cities": _rows(con, """
            SELECT d.name, d.prefecture, count(DISTINCT d.project_id) AS projects,
                   list(DISTINCT d.fiscal_year ORDER BY d.fiscal_year) AS years
            FROM domestic_cities d GROUP BY 1, 2 ORDER BY projects DESC, d.name LIMIT 15"""),
        "proposers": _rows(con, """
            SELECT coalesce(o.name, p.proposer_name_raw) AS name, o.org_type,
                   count(*) AS projects, list(DISTINCT p.fiscal_year ORDER BY p.fiscal_year) AS years
            FROM projects p LEFT JOIN organizations o ON o.org_id = p.proposer_org_id
            GROUP BY 1, 2 ORDER BY projects DESC, name LIMIT 15"""),
        "org_types": _rows(con, """
            SELECT coalesce(org_type, 'unknown') AS org_type, count(*) AS organisations
            FROM organizations GROUP BY 1 ORDER BY 2 DESC, 1"""),
        "places": _rows(con, """
            SELECT any_value(lat) AS lat, any_value(lon) AS lon,
                   any_value(coalesce(name_en, name_ja, name_raw)) AS name,
                   coalesce(name_ja, name_raw) AS name_ja, any_value(country_code) AS country_code,
                   count(DISTINCT project_id) AS projects,
                   list(DISTINCT fiscal_year ORDER BY fiscal_year) AS years
            FROM partner_cities WHERE lat IS NOT NULL AND lon IS NOT NULL
            GROUP BY coalesce(name_ja, name_raw) ORDER BY projects DESC, name"""),
        "unplaced": _rows(con, """
            SELECT DISTINCT coalesce(name_ja, name_raw) AS name_raw FROM partner_cities
            WHERE lat IS NULL OR lon IS NULL ORDER BY 1"""),
        "sources": _rows(con, """
            SELECT fiscal_year, call_round, status, fetch_status, origin, rows_extracted,
                   rows_expected, rows_published, pages, bytes, sha256, fetched_at, url, press_url,
                   error, crosscheck_agreement, review_needed, review_reasons,
                   (SELECT count(*) FROM crosscheck_disagreements d
                    WHERE d.source_id = sources.source_id AND NOT d.acknowledged) AS open_cells
            FROM sources ORDER BY fiscal_year DESC, call_round"""),
        "runs": _rows(con, """
            SELECT run_id, started_at, finished_at, command, sources_seen, sources_new,
                   sources_failed, projects, status, pipeline_version
            FROM runs ORDER BY started_at DESC"""),
        "projects": _rows(con, """
            SELECT project_id, fiscal_year, project_name, proposer_name, country_code,
                   domestic_cities, partner_cities, field_codes
            FROM v_projects ORDER BY fiscal_year DESC, call_round, list_no, project_id"""),
        "review": _review_rows(con),
    }


def _review_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Cell readings published on disagreeing evidence (none in a warehouse built before
    the review table existed)."""
    try:
        return _rows(con, """
            SELECT project_id, page, column_name, chosen, alternative, reason
            FROM review ORDER BY fiscal_year DESC, project_id, column_name""")
    except duckdb.CatalogException:
        return []


def _country_colours(year_country: list[dict]) -> dict[str, str]:
    totals: dict[str, int] = defaultdict(int)
    for r in year_country:
        totals[r["country_code"]] += r["projects"]
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    return {c: (PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR) for i, c in enumerate(ranked)}


# ---------------------------------------------------------------- charts


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    step = 10 ** int(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return int(m * step) if m * step >= value else int(10 * step)
    return value


def stacked_bars(year_country: list[dict], years: list[int], colours: dict[str, str],
                 names: dict[str, str]) -> str:
    """SVG: one bar per fiscal year, stacked by country, with totals and a legend."""
    if not years:
        return '<p class="empty">No projects yet.</p>'
    by_year: dict[int, list[dict]] = defaultdict(list)
    for r in year_country:
        by_year[r["fiscal_year"]].append(r)
    order = list(colours)
    top = _nice_max(max((sum(r["projects"] for r in by_year[y]) for y in years), default=1))
    left, right, top_pad, bottom = 44, 16, 22, 34
    bar_w = round(min(90, max(22, 420 / len(years))))
    gap = round(bar_w * 0.6)
    plot_w = len(years) * (bar_w + gap) + gap
    plot_h = 260
    width, height = left + plot_w + right, top_pad + plot_h + bottom
    y_of = lambda v: top_pad + plot_h - v / top * plot_h  # noqa: E731
    out = [f'<svg id="chart-year-country" class="chart" role="img" viewBox="0 0 {width:.0f} {height}"'
           f' width="{width:.0f}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
           "<title>Projects per fiscal year, stacked by partner country</title>"]
    ticks = top if top <= 5 else 5 if top % 5 == 0 else 4
    for i in range(ticks + 1):
        v = top * i / ticks
        y = y_of(v)
        out.append(f'<line x1="{left}" x2="{left + plot_w:.0f}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">{v:g}</text>')
    for i, year in enumerate(years):
        x = left + gap + i * (bar_w + gap)
        acc = 0
        segments = sorted(by_year[year], key=lambda r: order.index(r["country_code"]))
        for r in segments:
            y0, y1 = y_of(acc), y_of(acc + r["projects"])
            acc += r["projects"]
            label = f'FY{year} {r["country_code"]} {names.get(r["country_code"]) or ""}: {r["projects"]}'
            out.append(f'<rect class="bar" x="{x:.1f}" y="{y1:.1f}" width="{bar_w}" height="{y0 - y1:.1f}"'
                       f' fill="{colours[r["country_code"]]}"><title>{esc(label)}</title></rect>')
            if y0 - y1 >= 13:
                out.append(f'<text x="{x + bar_w / 2:.1f}" y="{(y0 + y1) / 2 + 4:.1f}" class="seg"'
                           f' text-anchor="middle">{esc(r["country_code"])}</text>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y_of(acc) - 5:.1f}" class="total"'
                   f' text-anchor="middle">{acc}</text>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top_pad + plot_h + 18}" class="axis"'
                   f' text-anchor="middle">{year}</text>')
    out.append(f'<line x1="{left}" x2="{left + plot_w:.0f}" y1="{top_pad + plot_h}"'
               f' y2="{top_pad + plot_h}" class="axisline"/>')
    out.append("</svg>")
    totals: dict[str, int] = defaultdict(int)
    for r in year_country:
        totals[r["country_code"]] += r["projects"]
    return ('<div class="chart-wrap">' + "\n".join(out) + _legend(colours, names, totals) + "</div>")


def _legend(colours: dict[str, str], names: dict[str, str], totals: dict[str, int]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{c}"></span><code>{esc(code)}</code> '
        f'{esc(names.get(code) or "")} <span class="muted">{totals.get(code, 0)}</span></li>'
        for code, c in colours.items())
    return f'<ul class="legend">{items}</ul>'


def _shift(lon: float) -> float:
    """Pacific-centred longitude: the Americas east of Asia (matches ``_LAND``)."""
    return lon + 360 if lon < -26 else lon


def _land_rings() -> list[list[tuple[float, float]]]:
    return [[tuple(map(float, p.split(","))) for p in ring.split()]
            for ring in _LAND.split(";") if ring.strip()]


def partner_map(places: list[dict], colours: dict[str, str]) -> str:
    """SVG: equirectangular map of the partner cities over a light land outline.

    Places far from the main cluster (Latin America when most partners are in Asia) get
    small inset maps beside the main one instead of stretching it across the Pacific.
    """
    if not places:
        return '<p class="empty">No partner city with coordinates yet.</p>'
    xs = sorted(_shift(p["lon"]) for p in places)
    median = xs[len(xs) // 2]
    main = [p for p in places if abs(_shift(p["lon"]) - median) <= 60]
    rest = sorted((p for p in places if abs(_shift(p["lon"]) - median) > 60),
                  key=lambda p: _shift(p["lon"]))
    groups: list[list[dict]] = []
    for p in rest:
        if groups and _shift(p["lon"]) - _shift(groups[-1][-1]["lon"]) <= 30:
            groups[-1].append(p)
        else:
            groups.append([p])
    svgs = [_map_svg(main, colours, 760 if groups else 960, "map", label_all=False)]
    insets = [_map_svg(g, colours, 180, f"map-inset-{i + 1}", label_all=True, span=(40, 40))
              for i, g in enumerate(groups)]
    if insets:
        svgs.append('<div class="insets">' + "".join(insets) + "</div>")
    return '<div class="maps">' + "".join(svgs) + "</div>"


def _map_svg(places: list[dict], colours: dict[str, str], width: int, svg_id: str, *,
             label_all: bool, span: tuple[float, float] = (60, 36)) -> str:
    xs = [_shift(p["lon"]) for p in places]
    ys = [p["lat"] for p in places]
    pad = 6.0
    x0, x1 = min(xs) - pad, max(xs) + pad
    y0, y1 = min(ys) - pad, max(ys) + pad
    if x1 - x0 < span[0]:  # at least a region's worth of context
        mid = (x0 + x1) / 2
        x0, x1 = mid - span[0] / 2, mid + span[0] / 2
    if y1 - y0 < span[1]:
        mid = (y0 + y1) / 2
        y0, y1 = mid - span[1] / 2, mid + span[1] / 2
    y0, y1 = max(y0, -60.0), min(y1, 80.0)
    scale = width / (x1 - x0)
    height = round((y1 - y0) * scale)
    px = lambda lon: (lon - x0) * scale  # noqa: E731
    py = lambda lat: (y1 - lat) * scale  # noqa: E731
    out = [f'<svg id="{svg_id}" class="map" role="img" viewBox="0 0 {width} {height}" width="{width}"'
           f' height="{height}" xmlns="http://www.w3.org/2000/svg">',
           "<title>Partner cities and regions abroad</title>",
           f'<rect x="0" y="0" width="{width}" height="{height}" class="sea"/>']
    paths = []
    for ring in _land_rings():
        rx = [p[0] for p in ring]
        ry = [p[1] for p in ring]
        if max(rx) < x0 or min(rx) > x1 or max(ry) < y0 or min(ry) > y1:
            continue
        paths.append("M" + "L".join(f"{px(a):.1f},{py(b):.1f}" for a, b in ring) + "Z")
    out.append(f'<path class="land" d="{"".join(paths)}"/>')
    step = 10 if (x1 - x0) < 100 and width > 400 else 20 if (x1 - x0) < 200 else 30
    for lon in range(int(math.ceil(x0 / step) * step), int(x1) + 1, step):
        shown = lon - 360 if lon > 180 else lon
        out.append(f'<line class="graticule" x1="{px(lon):.1f}" x2="{px(lon):.1f}" y1="0" y2="{height}"/>')
        out.append(f'<text class="coord" x="{px(lon) + 3:.1f}" y="{height - 4}">'
                   f'{abs(shown)}°{"E" if shown > 0 else "W" if shown < 0 else ""}</text>')
    for lat in range(int(math.ceil(y0 / step) * step), int(y1) + 1, step):
        out.append(f'<line class="graticule" x1="0" x2="{width}" y1="{py(lat):.1f}" y2="{py(lat):.1f}"/>')
        out.append(f'<text class="coord" x="3" y="{py(lat) - 3:.1f}">'
                   f'{abs(lat)}°{"N" if lat > 0 else "S" if lat < 0 else ""}</text>')
    if label_all:  # an inset: say which countries it shows
        codes = ", ".join(sorted({p["country_code"] or "?" for p in places}))
        out.append(f'<text class="inset-caption" x="{width - 4}" y="13" text-anchor="end">'
                   f'inset: {esc(codes)}</text>')
    ranked = sorted(places, key=lambda p: (-p["projects"], p["name"]))
    for p in ranked:  # big circles first, so small ones stay on top
        r = 4 + 3 * math.sqrt(p["projects"] - 1)
        years = ", ".join(str(y) for y in p["years"])
        tip = (f'{p["name"]} ({p["name_ja"]}), {p["country_code"]}: {p["projects"]} project'
               f'{"s" if p["projects"] != 1 else ""} ({years})')
        out.append(f'<circle class="map-point" cx="{px(_shift(p["lon"])):.1f}" cy="{py(p["lat"]):.1f}"'
                   f' r="{r:.1f}" fill="{colours.get(p["country_code"], OTHER_COLOUR)}">'
                   f'<title>{esc(tip)}</title></circle>')
    boxes = [(px(_shift(p["lon"])) - 5, py(p["lat"]) - 5, px(_shift(p["lon"])) + 5, py(p["lat"]) + 5)
             for p in places]
    for p in ranked:
        if not (label_all or p["projects"] > 1):
            continue
        limit = 28 if width > 400 else 24
        text = p["name"] if len(p["name"]) <= limit else p["name"][:limit - 2] + "…"
        w, h = 6.0 * len(text) + 2, 12
        cx, cy = px(_shift(p["lon"])), py(p["lat"])
        for x, y, anchor in ((cx + 8, cy, "start"), (cx - 8, cy, "end"),
                             (cx, cy - 13, "middle"), (cx, cy + 15, "middle")):
            left = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
            box = (left, y - h / 2, left + w, y + h / 2)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            clash = any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                        for b in boxes if b != (cx - 5, cy - 5, cx + 5, cy + 5))
            if inside and not clash:
                boxes.append(box)
                out.append(f'<text class="map-label" x="{x:.1f}" y="{y + 4:.1f}"'
                           f' text-anchor="{anchor}">{esc(text)}</text>')
                break
    out.append("</svg>")
    return "\n".join(out)


def _hbar(value: int, top: int, colour: str = "#4e79a7") -> str:
    w = 0 if not top else round(120 * value / top)
    return (f'<svg class="hbar" width="124" height="12" viewBox="0 0 124 12">'
            f'<rect x="0" y="1" width="{w}" height="10" fill="{colour}"/></svg>')


# ---------------------------------------------------------------- tables


def _table(headers: list[str], rows: list[list[str]], cls: str = "", row_cls: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        f'<tr{f" class={chr(34)}{row_cls}{chr(34)}" if row_cls else ""}>'
        + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    if not rows:
        body = f'<tr><td colspan="{len(headers)}" class="empty">none</td></tr>'
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _pivot(rows: list[dict], key: str, years: list[int], label=None, colours=None) -> str:
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for r in rows:
        counts[r[key]][r["fiscal_year"]] = r["projects"]
        if label and r.get(label):
            labels[r[key]] = r[label]
    totals = {k: sum(v.values()) for k, v in counts.items()}
    top = max(totals.values(), default=0)
    body = []
    for k in sorted(counts, key=lambda k: (-totals[k], k)):
        colour = (colours or {}).get(k, "#4e79a7")
        body.append([f"<code>{esc(k)}</code>", esc(labels.get(k, ""))]
                    + [str(counts[k].get(y, "")) for y in years]
                    + [f"<b>{totals[k]}</b>", _hbar(totals[k], top, colour)])
    return _table([key.replace("_", " "), "label"] + [f"FY{y}" for y in years] + ["total", ""],
                  body, "num")


def _status(value: str | None) -> str:
    v = value or "unknown"
    kind = {"ok": "ok", "failed": "bad", "quarantined": "warn", "partial": "warn"}.get(v, "")
    return f'<span class="badge {kind}">{esc(v)}</span>'


def _review(source: dict) -> str:
    """A list flagged for review: how many cells wait for a person, where to look, and
    every other reason (``sources.review_reasons``)."""
    if not source["review_needed"]:
        return ""
    cells = source["open_cells"]
    agreement = source["crosscheck_agreement"]
    out = ' <span class="badge warn review">review' + (f": {cells} cell(s)" if cells else "") \
        + "</span>"
    if cells:
        out += (f'<div class="url">camelot reads {cells} cell(s) differently'
                + (f" (agreement {agreement:.1%})" if agreement is not None else "")
                + "; see crosscheck_disagreements, acknowledge checked cells in"
                  " crosscheck_acknowledged.csv</div>")
    for reason in source.get("review_reasons") or []:
        if not reason.startswith("camelot reads"):  # the cells: said above
            out += f'<div class="url">{esc(reason)}</div>'
    return out


def _list(values) -> str:
    return esc(", ".join(str(v) for v in values or [] if v is not None))


# ---------------------------------------------------------------- page


CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Segoe UI", system-ui, sans-serif;
       color: var(--ink); margin: 0; background: var(--bg); line-height: 1.45; font-size: 14px; }
header { background: #243b53; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
header p { margin: 0; color: #bcccdc; }
main { max-width: 1080px; margin: 0 auto; padding: 8px 24px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px;
          margin: 18px 0; overflow-x: auto; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 12px; margin-top: 18px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card b { display: block; font-size: 24px; }
.card span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; white-space: nowrap; }
table.num td { white-space: nowrap; }
td.err, .err { color: #a61b1b; white-space: normal; word-break: break-word; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e4e7eb; }
.badge.ok { background: #d9f2e3; color: #1a6b3c; }
.badge.bad { background: #fde0e0; color: #a61b1b; }
.badge.warn { background: #fff0c2; color: #8a5a00; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 900px) { .two { grid-template-columns: 1fr; } }
.chart .grid { stroke: #eceff3; } .chart .axisline { stroke: #9aa5b1; }
.chart .axis { font-size: 11px; fill: var(--muted); } .chart .total { font-size: 12px; font-weight: 600; }
.chart .seg { font-size: 10px; fill: #fff; pointer-events: none; }
.chart-wrap { display: flex; gap: 28px; align-items: flex-start; flex-wrap: wrap; }
.legend { list-style: none; padding: 0; margin: 18px 0 0; font-size: 13px; columns: 2; column-gap: 28px; }
.legend li { margin: 0 0 5px; break-inside: avoid; }
.muted { color: var(--muted); }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; }
.maps { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.insets { display: flex; flex-direction: column; gap: 12px; }
.map { max-width: 100%; height: auto; border: 1px solid var(--line); overflow: hidden; }
.map .sea { fill: #f4f8fb; } .map .land { fill: #e6e9e3; stroke: #c3c9bf; stroke-width: 0.7; }
.map .graticule { stroke: #dde4ea; stroke-width: 0.6; } .map .coord { font-size: 10px; fill: #9aa5b1; }
.map .inset-caption { font-size: 11px; fill: var(--muted); font-weight: 600; }
.map .map-point { stroke: #fff; stroke-width: 1.2; fill-opacity: 0.9; }
.map .map-label { font-size: 11px; fill: #334e68; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.empty { color: var(--muted); font-style: italic; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.url { word-break: break-all; font-size: 12px; color: var(--muted); }
details summary { cursor: pointer; color: #334e68; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 10px 0 30px; }
"""


def render(data: dict, *, data_dir: Path | None = None, generated: datetime | None = None) -> str:
    """The report as one HTML string."""
    generated = generated or datetime.now(timezone.utc)
    t = data["totals"]
    years = [r["fiscal_year"] for r in data["per_year"]]
    project_years = sorted({r["fiscal_year"] for r in data["year_country"]})
    colours = _country_colours(data["year_country"])
    names = {r["country_code"]: r["country_name_ja"] for r in data["year_country"]}
    last_run = data["runs"][0] if data["runs"] else None

    cards = [("projects", t["projects"]), ("fiscal years", t["years"]),
             ("lists ok", f'{t["lists_ok"]} / {t["lists"]}'), ("countries", t["countries"]),
             ("Japanese local govts", t["domestic"]), ("partner cities", t["partners"]),
             ("organisations", t["organisations"])]
    cards_html = "".join(f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for k, v in cards)

    per_year = _table(
        ["fiscal year", "lists", "projects", "countries", "Japanese local govts", "partner cities",
         "participants"],
        [[str(r["fiscal_year"]),
          f'{r["lists"]}' + (f' <span class="badge bad">{r["lists_not_ok"]} not ok</span>'
                              if r["lists_not_ok"] else ""),
          str(r["projects"]), str(r["countries"]), str(r["domestic_cities"]),
          str(r["partner_cities"]), str(r["participants"])] for r in data["per_year"]], "num")

    fields = (_pivot(data["year_field"], "field_code", sorted({r["fiscal_year"] for r in data["year_field"]}),
                     label="label")
              if data["year_field"] else '<p class="empty">No target fields (lists before FY2020 have no 対象分野 column).</p>')

    cities = _table(["Japanese local government", "prefecture", "projects", "years"],
                    [[esc(r["name"]), esc(r["prefecture"]), str(r["projects"]), _list(r["years"])]
                     for r in data["cities"]], "num")
    proposers = _table(["proposer", "type", "projects", "years"],
                       [[esc(r["name"]), f'<code>{esc(r["org_type"])}</code>', str(r["projects"]),
                         _list(r["years"])] for r in data["proposers"]])
    org_types = _table(["organisation type", "organisations"],
                       [[f'<code>{esc(r["org_type"])}</code>', str(r["organisations"])]
                        for r in data["org_types"]], "num")

    place_rows = [[esc(p["name"]), esc(p["name_ja"]), esc(p["country_code"]), str(p["projects"]),
                   _list(p["years"]), f'{p["lat"]:.2f}, {p["lon"]:.2f}'] for p in data["places"]]
    unplaced = ("" if not data["unplaced"] else
                f'<p class="err">Not on the map (no coordinates in the gazetteer): '
                f'{_list(r["name_raw"] for r in data["unplaced"])}</p>')

    sources = _table(
        ["FY", "round", "status", "fetch", "rows extracted / expected / published", "pages",
         "fetched", "URL and error"],
        [[str(s["fiscal_year"]), str(s["call_round"]), _status(s["status"]) + _review(s),
          esc(s["fetch_status"] or "–"),
          f'{_fmt(s["rows_extracted"])} / {_fmt(s["rows_expected"])} / {_fmt(s["rows_published"])}',
          esc(_fmt(s["pages"])), esc(_fmt(s["fetched_at"])),
          f'<div class="url">{esc(s["url"])}</div>'
          + (f'<div class="url">press: {esc(s["press_url"])}</div>' if s["press_url"] else "")
          + (f'<div class="err">{esc(s["error"])}</div>' if s["error"] else "")
          + (f'<div class="url">sha256 {esc(s["sha256"][:16])}…</div>' if s["sha256"] else "")]
         for s in data["sources"]], row_cls="source-row")

    review = _table(
        ["project", "page", "column", "published", "other reading", "why"],
        [[esc(r["project_id"]), esc(_fmt(r["page"])), esc(r["column_name"]),
          esc(r["chosen"]).replace("\n", "<br>"),
          esc(r["alternative"] or "–").replace("\n", "<br>"), esc(r["reason"])]
         for r in data.get("review", [])])

    def duration(r):
        if r["finished_at"] and r["started_at"]:
            return f'{(r["finished_at"] - r["started_at"]).total_seconds():.0f} s'
        return "–"

    runs = _table(
        ["run", "started", "took", "command", "sources seen / new / failed", "projects", "status", "version"],
        [[f'<code>{esc(r["run_id"])}</code>', esc(_fmt(r["started_at"])), duration(r), esc(r["command"]),
          f'{_fmt(r["sources_seen"])} / {_fmt(r["sources_new"])} / {_fmt(r["sources_failed"])}',
          esc(_fmt(r["projects"])), _status(r["status"]), esc(r["pipeline_version"])]
         for r in data["runs"]], row_cls="run-row")

    projects = _table(
        ["id", "project", "proposer", "country", "Japanese local govts", "partner cities", "fields"],
        [[f'<code>{esc(p["project_id"])}</code>', esc(p["project_name"]), esc(p["proposer_name"]),
          esc(p["country_code"]), _list(p["domestic_cities"]), _list(p["partner_cities"]),
          _list(p["field_codes"])] for p in data["projects"]])

    subtitle = (f'Last run {esc(_fmt(last_run["started_at"]))} ({esc(last_run["command"])}): '
                f'{_status(last_run["status"])}' if last_run else "No run recorded yet.")
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>C3P warehouse report</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>C3P warehouse — 都市間連携事業 adoption lists</h1>
<p>{subtitle}</p>
</header>
<main>
<div class="cards">{cards_html}</div>

<section id="per-year-country">
<h2>Projects per fiscal year, by partner country</h2>
{stacked_bars(data["year_country"], project_years, colours, names)}
</section>

<section id="map-section">
<h2>Partner cities and regions abroad</h2>
{partner_map(data["places"], colours)}
{unplaced}
<details><summary>{len(data["places"])} places on the map</summary>
{_table(["city or region", "name (ja)", "country", "projects", "years", "lat, lon"], place_rows, "num")}
</details>
</section>

<section id="counts">
<h2>Counts per fiscal year</h2>
{per_year}
<h3>Per partner country</h3>
{_pivot(data["year_country"], "country_code", project_years, label="country_name_ja", colours=colours)}
<h3>Per target field</h3>
{fields}
</section>

<section id="who" class="two-wrap">
<h2>Who takes part</h2>
<div class="two">
<div><h3>Most active Japanese local governments</h3>{cities}</div>
<div><h3>Most frequent proposers</h3>{proposers}</div>
</div>
<h3>Organisations by type</h3>
{org_types}
</section>

<section id="sources">
<h2>Sources (adoption-list PDFs)</h2>
{sources}
</section>

<section id="review">
<h2>Readings to check ({len(data["review"])}): cells published on disagreeing evidence</h2>
<p>Where a printed line or an item ends was decided on evidence that disagreed; the reading
published and the other one (table <code>review</code>).</p>
{review}
</section>

<section id="runs">
<h2>Runs</h2>
{runs}
</section>

<section id="projects">
<h2>Projects</h2>
<details><summary>All {len(data["projects"])} projects</summary>
{projects}
</details>
</section>
</main>
<footer>Generated {esc(_fmt(generated))} by <code>c3p report</code>
{f"from <code>{esc(data_dir)}</code>" if data_dir else ""} · years in the warehouse: {esc(", ".join(map(str, years)) or "none")}
· map: Natural Earth 1:110m land outline, equirectangular</footer>
</body>
</html>
"""


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


# Natural Earth 1:110m land, Pacific-centred longitudes (see the module docstring).
_LAND = (
    "292.2,-53.8 294.9,-54.7 294.5,-55.2 293,-54.9 290.8,-55.5 287.7,-54.5 285.3,-52.8 288.9,-54.1 "
    "290.7,-52.5 292.2,-53.8;301.5,-51.1 302.3,-51.5 302,-51.9 299.3,-52.3 298.8,-51.8 "
    "301.5,-51.1;70.3,-49.7 68.7,-49.8 68.9,-48.6 70.5,-49.1 70.3,-49.7;145.4,-40.8 148.3,-40.9 "
    "147.9,-43.2 146,-43.5 144.7,-41.2 145.4,-40.8;173,-40.9 174.2,-41.3 172.7,-43.4 173.1,-43.9 "
    "171.5,-44.2 170.6,-45.9 169.3,-46.6 166.7,-46.2 167,-45.1 170.5,-43 172.1,-41 172.8,-40.5 "
    "173,-40.9;174.6,-36.2 176.8,-37.9 178.5,-37.7 178,-39.2 177.2,-39.1 175.2,-41.7 174.7,-41.3 "
    "175.2,-40.5 174.9,-39.9 173.8,-39.5 174.6,-38.8 174.7,-37.4 172.6,-34.5 174.3,-35.3 "
    "174.6,-36.2;167.1,-22.2 165.5,-21.7 164,-20.1 167.1,-22.2;50.1,-13.6 50.4,-15.7 49.7,-15.7 "
    "49.8,-16.9 47.1,-24.9 45.4,-25.6 44,-25 43.3,-22.1 44.4,-20.1 44,-17.4 44.4,-16.2 46.3,-15.8 "
    "47.7,-14.6 49.2,-12 50.1,-13.6;143.6,-13.8 143.9,-14.5 144.6,-14.2 145.4,-15 146.4,-19 "
    "148.8,-20.4 149.7,-22.3 150.7,-22.4 150.9,-23.5 153.1,-26.1 153.6,-28.1 153.1,-30.9 150.3,-35.7 "
    "150,-37.4 146.3,-39 144.9,-38.4 145,-37.9 143.6,-38.8 140.6,-38 139.6,-36.1 138.1,-35.6 "
    "138.2,-34.4 136.8,-35.3 137.8,-32.9 136,-34.9 134.3,-32.6 131.3,-31.5 126.1,-32.2 124.2,-33 "
    "123.7,-33.9 119.9,-34 118,-35.1 115,-34.2 115.7,-33.3 115.7,-31.6 113.3,-26.1 113.8,-26.5 "
    "113.4,-25.6 114.2,-26.3 113.4,-24.4 114.1,-21.8 114.2,-22.5 116.7,-20.7 120.9,-19.7 123,-16.4 "
    "123.4,-17.3 123.9,-17.1 123.5,-16.6 125.7,-14.2 127.1,-13.8 128.4,-14.9 129.6,-15 129.4,-14.4 "
    "130.6,-12.5 132.6,-12.1 131.8,-11.3 132.4,-11.1 135.3,-12.2 136.5,-11.9 137,-12.4 136,-13.3 "
    "135.5,-15 140.2,-17.7 140.9,-17.4 141.7,-15 142.1,-11 142.5,-10.7 142.8,-11.2 "
    "143.6,-13.8;124.4,-10.1 123.5,-10.2 124,-9.3 127.3,-8.4 124.4,-10.1;117.9,-8.1 119.1,-8.7 "
    "116.7,-9 117.9,-8.1;108.6,-6.8 110.8,-6.5 115.7,-8.4 114.6,-8.8 108.3,-7.8 105.4,-6.9 106.1,-5.9 "
    "108.6,-6.8;152,-5.5 150.2,-6.3 148.3,-5.7 150.1,-5 150.8,-5.5 151.5,-4.2 152.3,-4.3 "
    "152,-5.5;130.5,-3.1 130.8,-3.9 127.9,-3.4 128.1,-2.8 130.5,-3.1;134.1,-1.2 134.4,-2.8 135.5,-3.4 "
    "136.3,-2.3 138.3,-1.7 144.6,-3.9 146,-5.5 147.6,-6.1 147.9,-6.6 147,-6.7 147.2,-7.4 150.7,-10.6 "
    "147.9,-10.1 146,-8.1 144.7,-7.6 143.3,-8.2 143.4,-9 142.6,-9.3 139.1,-8.1 137.6,-8.4 138.7,-7.3 "
    "137.9,-5.4 133.7,-3.5 133,-4.1 132,-2.8 133.7,-2.2 132.2,-2.2 130.5,-0.9 132.4,-0.4 "
    "134.1,-1.2;125.2,1.4 123.7,0.2 120.2,0.2 120,-0.5 120.9,-1.4 123.3,-0.6 121.5,-1.9 123.2,-5.3 "
    "122.2,-5.3 122.7,-4.5 121.5,-4.6 121,-2.6 120.3,-2.9 120.4,-5.5 119.4,-5.4 119.5,-3.5 118.8,-2.8 "
    "120,0.6 120.9,1.3 122.9,0.9 125.2,1.4;128.7,1.1 128.1,-0.9 127.6,1.8 127.9,2.2 "
    "128.7,1.1;105.8,-5.9 104.7,-5.9 102.6,-4.2 98.6,1.8 95.3,5.5 97.5,5.2 100.6,2.1 101.7,2.1 "
    "103.8,0.1 103.4,-0.7 106.1,-3.1 105.8,-5.9;117.9,1.8 119,0.9 117.8,0.8 117.5,-0.8 116.6,-1.5 "
    "116.1,-4 110.2,-2.9 110.1,-1.6 109.1,-0.5 109.1,1.3 109.7,2 111.2,1.9 111.4,2.7 113,3.1 "
    "116.7,6.9 119.2,5.4 117.3,3.2 117.9,1.8;126.4,8.4 126.5,7.2 126.2,6.3 125.8,7.3 125.4,6.8 "
    "125.4,5.6 124.2,6.2 124.2,7.4 123.6,7.8 121.9,7.2 123.5,8.7 123.8,8.2 125.5,9 125.4,9.8 "
    "126.4,8.4;81.2,6.2 80.3,6 79.9,6.8 80.1,9.8 81.8,7.5 81.2,6.2;124,10.3 123,9 122.4,9.7 "
    "122.9,10.9 123.5,10.9 123.3,10.3 124.1,11.2 124,10.3;118.5,9.3 117.2,8.4 119.5,11.4 119.7,10.6 "
    "118.5,9.3;121.9,11.9 123.1,11.6 122,10.4 121.9,11.9;125.5,12.2 125.8,11 125,11.3 125.3,10.4 "
    "124.8,10.1 124.3,11.5 124.9,11.8 124.3,12.6 125.5,12.2;121.3,18.5 122.2,18.5 122.5,17.1 "
    "121.7,15.9 121.7,14.3 124,13.8 124.1,12.5 122.9,13.6 120.6,13.9 121,14.5 120.1,15 119.9,16.4 "
    "120.3,16 120.7,18.5 121.3,18.5;287.4,19.9 290,19.6 291.7,18.6 289.3,18.4 288.6,17.6 287.6,18.2 "
    "286.1,18 285.6,18.7 287.7,18.7 286.6,19.6 287.4,19.9;110.3,18.7 108.7,18.5 108.6,19.4 110.8,20.1 "
    "110.3,18.7;280.3,22.8 285.8,20.3 282.2,19.9 282.9,20.4 281.3,21.6 278.2,22.2 278.2,22.6 275,21.9 "
    "277.7,23.2 280.3,22.8;121.2,22.8 120.7,22 120.1,23.6 121.5,25.3 122,25 121.2,22.8;134.6,34.1 "
    "134.2,33.2 132.4,33 132.9,34.1 134.6,34.1;34.6,35.7 33,34.6 32.3,35.1 34.6,35.7;23.7,35.7 "
    "26.3,35.3 24.7,34.9 23.5,35.3 23.7,35.7;15.5,38.2 15.1,36.6 12.4,37.6 12.6,38.1 "
    "15.5,38.2;9.2,41.2 9.8,40.5 9.7,39.2 8.8,38.9 8.2,41 9.2,41.2;141,37.1 140.3,35.1 137.2,34.6 "
    "135.8,33.5 135.1,34.6 131,33.9 132,33.1 131.3,31.5 130.7,31 130.2,31.4 130.4,32.3 129.4,33.3 "
    "132.6,35.4 135.7,35.5 136.7,37.3 137.4,36.8 139.4,38.2 140.3,41.2 141.4,41.4 141.9,40 "
    "141,37.1;9.6,42.2 9.2,41.4 8.5,42.3 9.4,43 9.6,42.2;143.9,44.2 145.3,44.4 145.5,43.3 144.1,43 "
    "143.2,42 141.6,42.7 141.1,41.6 140,41.6 139.8,42.6 140.3,43.3 141.4,43.4 142,45.6 "
    "143.9,44.2;236.5,48.5 234.3,48.8 231.9,50 231.6,50.8 234.2,50.3 236.5,48.5;303.9,50.7 303.2,49.8 "
    "303.9,50.1 304.5,49.9 304.2,49.6 306.5,49.2 306.2,48.5 306.9,48.7 307.4,47.5 306.9,46.7 "
    "305.8,46.8 305.8,47.8 304.6,46.9 304,46.9 304.7,47.4 303.7,47.6 300.7,47.6 301.2,48.3 300.8,48.5 "
    "302.6,50.7 304.1,51.6 304.6,51.6 303.9,50.7;227.3,54 228.3,54.1 227.9,53 228.8,52.2 226.9,53.4 "
    "226.8,54.2 227.3,54;143.6,50.7 144.7,49 143.2,49.3 142.6,47.9 143.5,46.1 142.7,46.7 142.1,46 "
    "141.7,53.3 142.7,54.4 143.6,50.7;353.2,52.3 350,51.8 350.8,52.9 350.3,53.9 353.3,55.2 354.3,54.6 "
    "353.2,52.3;12.7,55.6 12.1,54.8 10.9,55.8 12.4,56.1 12.7,55.6;207,57.1 206,56.7 205.3,57.5 "
    "207.4,57.9 207.9,57.6 207,57.1;-3,58.6 -4.1,57.6 -2,57.7 -3.1,56 -2.1,55.9 0.5,52.9 1.7,52.7 "
    "1,51.8 1.4,51.3 -5.2,50 -5.8,50.2 -3.4,51.4 -5.3,52 -4.2,52.3 -4.6,53.5 -3.1,53.4 -2.9,54 "
    "-4.8,54.8 -5,55.8 -5.6,55.3 -6.2,56.8 -5,58.6 -3,58.6;274.8,65.7 279.9,63.7 279,63.4 276.9,64.1 "
    "274.5,63.1 274.1,63.6 272.8,63.5 273.6,64 274.1,65.7 274.8,65.7;345.5,66.5 345.3,65.8 346.4,65.1 "
    "341.3,63.5 337.2,64 338.2,64.4 336,64.9 337.8,65.4 335.7,65.6 337.9,66.4 339.4,65.7 "
    "345.5,66.5;284.1,67.1 282.8,67.6 284.1,68.3 284.9,68 284.1,67.1;180,69 185.1,67.2 185,66.6 "
    "185.7,66.3 185.4,67.1 188.1,66.9 190.1,66 187.5,65.4 187,64.3 183.8,65.4 181.6,65.4 181.3,66.1 "
    "180.1,65.9 180.6,65.4 180,65 177.4,64.6 179.4,63 179.2,62.3 177.4,62.5 173.7,61.7 170.3,59.9 "
    "168.9,60.6 166.3,59.8 163.5,59.9 162,58.2 163.2,57.6 163.1,56.2 162.1,56.1 161.7,55.3 162.1,54.9 "
    "160.4,54.3 160,53.2 158.5,53 158.2,51.9 156.8,51 155.4,55.4 155.9,56.8 156.8,57.8 158.4,58.1 "
    "163.7,61.1 164.5,62.6 163.3,62.5 160.1,60.5 159.3,61.8 156.7,61.4 154.2,59.8 155,59.1 151.3,58.8 "
    "151.3,59.5 149.8,59.7 142.2,59 135.1,54.7 138.2,53.8 139.9,54.2 141.3,53.1 141.4,52.2 140.6,51.2 "
    "140.1,48.4 138.2,46.3 134.9,43.4 133.5,42.8 132.3,43.3 127.5,39.8 127.4,39.2 129.5,36.8 "
    "129.1,35.1 126.5,34.4 126.1,36.7 126.9,36.9 126.2,37.7 124.7,38.1 125.3,39.6 124.3,39.9 "
    "121.1,38.9 122.2,40.4 121.6,40.9 118,39.2 117.5,38.7 118.9,37.4 119.7,37.2 120.8,37.9 122.4,37.5 "
    "122.5,36.9 121.1,36.7 119.2,34.9 120.2,34.4 121.9,31.7 121.3,30.7 122.1,29.8 121.7,28.2 "
    "118.7,24.5 115.9,22.8 110.8,21.4 110.4,20.3 109.9,20.3 109.9,21.4 108.5,21.7 105.9,19.8 "
    "105.7,19.1 108.9,15.3 109.3,13.4 109.2,11.7 105.2,8.6 105.1,9.9 103.5,10.6 102.6,12.2 100.8,12.6 "
    "101,13.4 100.1,13.4 99.2,9.2 99.9,9.2 100.5,7.4 103,5.5 104.2,1.3 101.4,2.8 100.1,6.5 98.5,8.4 "
    "98.3,7.8 98.8,11.4 97.2,16.9 95.4,15.7 94.2,16 94.3,18.2 91.4,22.8 90.5,22.8 90.3,21.8 87,21.5 "
    "86.5,20.2 85.1,19.5 82.2,16.6 80.3,15.9 79.9,10.4 77.5,8 76.6,8.9 73.5,16 72.6,21.4 70.5,20.9 "
    "69.2,22.1 69.3,22.8 67.4,23.9 66.4,25.4 61.5,25.1 57.4,25.7 56.5,27.1 54.7,26.5 51.5,27.9 "
    "50.1,30.1 48,30 50.8,24.8 51,26 51.6,25.8 51.8,24 54,24.1 56.4,26.4 56.8,24.2 58.7,23.6 "
    "59.8,22.3 57.8,20.2 57.7,18.9 55.3,17.2 52.4,16.4 52.2,15.6 48.7,14 43.5,12.6 42.7,16.8 "
    "39.1,21.3 38.5,23.7 34.6,28.1 34.9,29.5 33.9,27.6 32.4,29.9 35.7,23.9 35.5,23.1 36.9,22 "
    "37.5,18.6 38.4,18 39.3,15.9 43.3,12.4 42.7,11.7 44.6,10.4 51.1,12 51,10.6 47.7,4.2 40.3,-2.6 "
    "39.2,-4.7 38.7,-5.9 39.4,-6.8 39.2,-8.5 40.5,-10.8 40.8,-14.7 40.1,-16.1 34.8,-19.8 35.6,-22.1 "
    "35.5,-24.1 32.6,-25.7 32.5,-28.3 30.1,-31.1 25.8,-33.9 22.6,-33.9 19.6,-34.8 18.4,-34.1 "
    "18.2,-31.7 15.2,-27.1 14.3,-22.1 11.8,-18.1 11.6,-16.7 12.5,-13.5 13.6,-12 12.9,-9.2 13.2,-8.6 "
    "11.9,-5 8.8,-1.1 9.8,3.1 8.5,4.8 5.9,4.3 4.3,6.3 2.7,6.3 -2,4.7 -4.6,5.2 -8,4.4 -12.9,7.8 "
    "-14.8,10.9 -16.6,12.2 -16.7,13.6 -17.6,14.7 -16.3,17.2 -16.3,20.1 -17.1,21 -16,23.7 -13.1,27.6 "
    "-9.6,29.9 -9.3,32.6 -6.9,34.1 -5.9,35.8 -2.2,35.2 1.5,36.6 9.5,37.4 10.2,36.7 11.1,36.9 "
    "10.3,33.8 15.2,32.3 15.7,31.4 19.1,30.3 20.1,31 20.1,32.2 21.5,32.8 28.9,30.9 31,31.6 32,30.9 "
    "33.8,31 36,34.6 36.2,36.7 32.5,36.1 31.7,36.6 29.7,36.1 27.6,36.7 26.3,38.2 26.8,39 26.2,39.5 "
    "27.3,40.4 28.8,40.5 29.2,41.2 31.1,41.1 33.5,42 38.3,40.9 41.6,41.5 41.5,42.6 36.7,45.2 "
    "38.2,46.2 37.7,46.6 39.1,47.3 35,46.3 35,45.7 36.5,45.5 36.3,45.1 33.9,44.4 32.5,45.3 33.3,46.1 "
    "30.7,46.6 29.6,45 28.8,44.9 27.7,42.6 28.8,41.1 26.4,40.2 26.1,40.8 24.9,40.9 23.7,40.7 "
    "24.4,40.1 23.9,40 22.6,40.3 24,37.7 23.1,37.9 23.2,36.4 22.5,36.4 19.4,40.3 19.5,41.7 13.1,45.7 "
    "12.3,45.4 12.6,44.1 18.5,40.2 16.9,40.4 16.5,39.8 17.1,38.9 16.1,38 15.7,37.9 16.1,39 15.4,40 "
    "12.1,41.7 10.5,42.9 10.2,43.9 8.9,44.4 6.5,43.1 3.1,43.1 3,41.9 0.8,41 -0.3,39.3 0.1,38.7 "
    "-2.1,36.7 -4.4,36.7 -5.4,35.9 -6.5,36.9 -8.9,36.9 -8.8,38.3 -9.5,38.7 -8.8,40.8 -9.4,43 -8,43.7 "
    "-1.9,43.4 -1.4,44 -1.2,46 -3,47.6 -4.5,48 -4.6,48.7 -1.6,48.6 -1.9,49.8 -1,49.3 1.3,50.1 "
    "1.6,50.9 3.8,51.6 4.7,53.1 8.1,53.5 8.8,54 8.1,55.5 8.5,57.1 10.6,57.7 10.3,56.9 10.9,56.5 "
    "9.6,55.5 10.9,54 12.5,54.5 14.1,53.8 17.6,54.9 19.7,54.4 21.3,55.2 21.6,57.4 22.5,57.8 24.1,57 "
    "24.4,58.4 23.4,58.6 23.3,59.2 29.1,60 28.1,60.5 22.9,59.8 21.3,60.7 21.1,62.6 21.5,63.2 "
    "25.4,65.1 23.9,66 22.2,65.7 21.2,65 21.4,64.4 17.8,62.7 17.1,61.3 18.8,60.1 17.9,59 16.8,58.7 "
    "15.9,56.1 12.9,55.4 10.4,59.5 8.4,58.3 5.7,58.6 5,62 10.5,64.5 14.8,67.8 19.2,69.8 28.2,71.2 "
    "31.3,70.5 30,70.2 31.1,69.6 32.1,69.9 40.3,67.9 41.1,66.8 40,66.3 33.2,66.6 34.8,65.9 34.9,64.4 "
    "37,63.9 36.5,64.8 37.2,65.1 39.6,64.5 40.4,64.8 39.8,65.5 42.1,66.5 44,66.1 44.5,66.8 43.7,67.4 "
    "44.2,68 43.5,68.6 46.3,68.2 46.8,67.7 45.6,67.6 45.6,67 46.3,66.7 53.7,68.9 54.5,68.8 53.5,68.2 "
    "58.8,68.9 59.9,68.3 61.1,68.9 60,69.5 60.6,69.9 68.5,68.1 69.2,68.6 66.9,69.5 66.7,71 69.9,73 "
    "72.6,72.8 72.8,72.2 71.8,71.4 72.8,70.4 72.6,69 73.7,68.4 71.3,66.3 72.4,66.2 75.1,67.8 "
    "74.5,68.3 74.9,69 73.6,69.6 74.4,70.6 73.1,71.4 74.9,72.1 74.7,72.8 75.7,72.3 75.3,71.3 "
    "76.4,71.2 75.9,71.9 77.6,72.3 81.5,71.7 80.6,72.6 80.5,73.6 86.8,73.9 86,74.5 87.2,75.1 "
    "100.8,76.4 104.4,77.7 107.2,76.5 111.1,76.7 114.1,75.8 113.9,75.3 109.4,74.2 113,74 113.5,73.3 "
    "115.6,73.8 123.2,73 123.3,73.7 127,73.6 128.6,73 129.1,72.4 128.5,72 131.3,70.8 132.3,71.8 "
    "139.9,71.5 139.1,72.4 140.5,72.8 149.5,72.2 153,70.8 159,70.9 159.8,70.5 159.7,69.7 160.9,69.4 "
    "167.8,69.6 169.6,68.7 170.8,69 170,69.7 170.5,70.1 175.7,69.9 180,69;49.1,41.3 50.4,40.3 "
    "49.6,40.2 48.9,38.8 49.2,37.6 50.8,36.9 53.8,37 53.9,39 53.1,39.3 53.4,40 52.7,40 52.9,40.9 "
    "54.7,41 53.7,42.1 52.9,41.9 52.8,41.1 52.5,42.8 51.3,43.1 50.3,44.6 53,45.3 53,46.9 51.2,47 "
    "49.1,46.4 46.7,44.6 49.1,41.3;264.4,69.1 260.2,69.4 261.8,70.1 264.4,69.1;180,71.5 182.4,71.3 "
    "180,70.8 180,71.5;269.5,69.5 269.5,68.5 270.8,69.3 272,68.6 271.7,67.9 272.7,67.2 274.4,68.8 "
    "274.5,69.9 277.4,69.7 278.7,69.2 278,68.1 278.7,67.6 276.7,66.4 274.2,66.6 272.7,64.8 270.1,64 "
    "269.2,63 266.8,62 265.8,60.9 265.3,58.9 266.8,58.8 267.7,57.1 269.1,57.3 275,55.3 277.7,55.1 "
    "277.9,53.3 280.1,51.2 281.4,52.6 280.2,54.7 283.5,56.5 282.7,58.1 281.5,58.8 282.7,59.9 "
    "281.9,62.3 286.2,62.4 288.6,61.1 290.4,61.1 290.7,59 292.3,58.2 295.4,60.3 298.6,57 298.2,56.3 "
    "302.7,54.6 304.2,53.3 304.3,52.1 300,50.2 293.6,50.2 288.9,46.8 291.3,48.3 294.9,49.2 295.8,48.7 "
    "294.9,48.1 295.5,46.2 298.5,45.9 299.5,47 300.2,45.9 294.6,43.5 293.9,43.6 293.8,44.5 295.6,45.3 "
    "292.9,45.1 289.3,43 289.2,42.3 290,41.6 286.3,40.9 288.1,40.9 286,40.8 285.1,38.9 284.5,39.5 "
    "284.9,38.4 284.1,37.2 283.6,39.1 283.7,38.1 283,38.2 283.7,37.9 284.3,35.6 278.7,31.4 279.9,26.9 "
    "279.6,25.2 278.3,25.9 277.1,29.1 275.9,30.1 274.9,29.6 273.6,30.4 270.8,30.3 270.4,30.2 "
    "270.8,29.3 269.8,29.1 266.2,29.7 263.4,28.3 262.6,27.4 262.1,22.4 263.7,19.3 265.6,18.1 268,18.7 "
    "269.2,19.3 269.7,21 272.9,21.5 273.2,20.8 272.2,18.3 271.7,18.5 271.6,16.5 271.1,15.9 275,16 "
    "276.6,15.3 276.2,11.1 278.6,8.8 280.4,9.6 283.2,8.6 284.3,9.4 285.1,11.1 286.6,11.2 288.2,12.4 "
    "288.9,12.1 288.1,11.4 288.3,9.1 289,9.9 288.6,11 289.8,11.4 290.1,12.2 291.8,10.6 295.1,10.1 "
    "295.7,10.6 298.1,10.7 297.3,10.4 297.6,9.9 299.2,9.4 299.3,8.6 300.9,8 302.9,6 306,5.8 308.7,4.2 "
    "310,1.7 309.6,-0.1 311.4,-0.2 311.4,-1.2 312.2,-0.6 315.1,-1.6 315.4,-2.7 320,-2.9 322.8,-4.8 "
    "324.4,-5.1 325.3,-7.3 324.9,-9 321.3,-13.1 320.7,-17.9 319.1,-21.9 318,-23 315.4,-23.4 "
    "312.4,-24.9 311.5,-25.9 311.1,-28.7 306.2,-34.4 303.8,-34.9 301.6,-33.9 303.2,-36.9 302.3,-38.2 "
    "300.8,-38.7 297.7,-38.8 297.9,-40.7 297.3,-41 294.9,-41.1 295,-42.1 296.5,-42.6 294.8,-43.5 "
    "294.4,-45 292.7,-45.6 292.4,-46.3 294.4,-47.2 294,-48.1 290.9,-50.7 291.8,-52.4 289.2,-52.9 "
    "289,-53.8 285.1,-52.3 284.4,-48.7 285.9,-46.9 284.4,-46.6 285.3,-45.8 285.6,-44.1 286.8,-44.5 "
    "287.3,-42.4 286.6,-42.1 286.3,-43.4 285.7,-43.2 286.8,-39.3 286.4,-37.2 288.6,-32.4 288.5,-28.9 "
    "289.1,-27.6 289.8,-19.8 289.6,-18.3 288.5,-17.4 284,-14.6 280.2,-7.2 278.7,-6.1 278.6,-4.7 "
    "280.2,-2.7 279,-2.2 279.1,-1.1 279.9,0.8 281.1,1.4 282.9,3.8 281.8,8.3 280.4,8.9 279.5,8.1 "
    "280,7.5 279.1,7.2 278.9,7.8 276.5,8.4 275,10.1 274.9,9.6 274.3,9.9 274.3,11.1 272.5,13.3 "
    "268.8,13.9 265.3,16.2 263.4,15.7 256.5,18.3 254.5,19.9 254.7,21.4 254,22.8 250.7,25.6 250.7,26.4 "
    "247.8,29 246.9,31.2 246.1,31.6 245.2,31.8 245.3,30.2 248.4,26.7 249.3,24.3 250.6,23.4 250,22.8 "
    "247.8,24.7 247.7,26 244.9,27.7 245.8,28.6 244.5,29.6 242.7,33 239.4,34.6 235.6,40.3 236.1,45.5 "
    "235.3,48.2 236.9,48 237.4,47.1 237.2,49 232.6,50.8 232.2,52.3 230.9,52.8 230.7,53.6 228,55.5 "
    "225.9,58.1 223.4,58.2 220.1,59.5 212.9,60.9 211.8,60.7 212,60 208.3,59.2 208.6,60.7 209.4,61.3 "
    "206,59.4 206.7,58.9 205.8,58.1 201.6,56 195.2,54.4 202.3,57.6 203,58.9 198,58.7 198.1,59.6 "
    "196.2,59.8 193.9,61.5 195.4,63.1 199.2,63.8 198.5,64.4 199.2,64.8 195,64.4 191.9,65.7 195.5,66.6 "
    "198.3,66.1 193.2,68.4 196.8,69.4 198.1,70.3 203.4,71.4 223.5,68.9 230.2,70.2 230.9,69.8 "
    "231.9,70.5 234.2,69.5 235.6,70.2 235.7,69.4 238.5,69.8 244.8,68.9 246.1,68.4 244.7,67.9 250.1,68 "
    "251.1,67.4 252.2,67.9 251.2,68.3 251.8,68.7 253.9,68.8 258.5,67.6 261.6,67.8 261.4,68.4 "
    "262.3,68.6 263.9,68.2 263.9,67.3 264.5,68.1 265.3,68.1 265.8,69.1 263.5,70.1 263.6,71.2 "
    "264.8,71.9 267.1,71.3 268.5,70.2 267.6,69.7 269.5,69.5;245.8,73.1 245.3,72.7 247.6,73 248.9,72.5 "
    "250.1,73 251.8,71.7 252.3,72.1 251.6,73.1 253.5,73.1 254.6,72.7 255.5,71 259,70 257.3,69.5 "
    "257.9,69.1 257.6,68.8 254,69.2 246.7,68.5 243.9,69.2 242.7,70 247.6,70.4 242.1,70.5 241.6,70.9 "
    "243.9,71.3 240.6,71.6 242.1,72.7 245.8,73.1;255.5,73.4 254.6,72.8 253.1,73.5 "
    "255.5,73.4;283.7,73.1 280.5,72.7 279.1,73.3 281.9,73.7 283.7,73.1;273.4,73.2 274.2,72.5 "
    "275.1,73.3 277.7,73.8 279.4,72.7 279.2,72.1 282.2,72.8 285.9,71.3 287.8,71.6 292.1,70.1 293,69.2 "
    "291.2,68.7 298.1,66.9 296.1,65 293.3,66.4 292,66.3 291.9,65.7 294.7,64.4 295.3,63.4 295,62.7 "
    "291.2,63.7 293.8,61.9 289,62.9 285.2,64.7 282.3,64.2 281.4,64.6 282.1,65.3 286,65.5 285.7,65.8 "
    "287.3,67.3 287.1,67.7 281,70.2 278.7,69.7 271.3,70.4 270.5,70.8 271.5,71.2 270.1,71.2 269.8,72.2 "
    "271.6,73.5 274.2,73.8 273.4,73.2;259.6,73.8 262.6,73.8 261.9,73 263.5,72.6 263.3,71.7 260.7,71.4 "
    "257.5,72.5 259.6,72.7 258.5,73.4 259.6,73.8;143.6,73.2 139.9,73.4 142.1,73.9 "
    "143.6,73.2;266.8,72.8 264.6,72.1 264,73.4 265.5,74.1 269.5,73.9 266.8,72.8;239.5,71.4 236.9,70.9 "
    "234.1,71.9 236.1,73.7 235.1,74.3 242.4,74.2 244.5,73.5 240.8,72.5 239.5,71.4;150.7,75.1 "
    "149.6,74.7 146.1,75.2 150.7,75.1;266.4,75 263.2,74.9 265.1,75.6 266.4,75;145.1,75.6 144.3,74.8 "
    "139,74.6 137,75.3 138.8,76.1 145.1,75.6;261.5,76.7 262.3,76.3 261.8,75 257.5,75.6 257.4,76.3 "
    "261.5,76.7;251.8,76.2 254.1,76 253.7,75 246.3,74.4 248.2,75.2 242.3,75.2 244.6,76.5 250.9,75.5 "
    "249.5,76.4 250.4,76.8 251.8,76.2;57.5,70.7 53.7,70.8 51.6,71.5 51.5,72 52.5,72.2 52.4,72.8 "
    "54.4,73.6 53.5,73.8 55.9,74.6 55.6,75.1 66.2,76.8 68.9,76.5 58.5,74.3 55.4,72.4 55.6,71.5 "
    "57.5,70.7;265.3,77.1 268.4,76.8 270.8,75.6 278.9,75.7 280.2,74.9 271.9,74.4 267.6,74.8 "
    "267.1,75.9 266.1,76.3 262.9,76.8 265.3,77.1;243.8,77.6 242.9,76.5 237.1,76.1 240.9,77.5 "
    "243.8,77.6;249.8,77.7 246.5,77.7 248.7,78.2 250.1,78 249.8,77.7;24.7,77.9 20.7,77.7 21.4,77.9 "
    "20.8,78.3 22.9,78.5 24.7,77.9;264.2,78.1 261.9,78.1 261.4,78.9 264.4,78.4 264.2,78.1;259.9,78.3 "
    "260.3,77.9 254.8,78.4 255.8,78.7 254.5,79.3 259.9,78.3;105.1,78.3 99.4,77.9 102.1,79.3 "
    "105.4,78.7 105.1,78.3;18.3,79.7 21.5,79 19,78.6 17.1,76.8 15.9,76.8 13.8,77.4 14.7,77.7 "
    "10.4,79.7 18.3,79.7;25.4,80.4 27.4,80.1 23,79.4 17.4,80.3 25.4,80.4;51.1,80.5 47.6,80 46.5,80.2 "
    "47.1,80.6 44.8,80.6 51.1,80.5;99.9,78.9 95,79 91.2,80.3 95.9,81.3 100.2,79.8 99.9,78.9;273,79.7 "
    "274.2,79.3 269.2,78.2 267.1,78.3 266,78.8 266.9,79.4 263.3,80.2 265.7,81 265.3,81.2 267.6,81.3 "
    "272.2,80.3 273,79.7;291.5,83.1 298.1,82.4 292.3,81.5 294.5,81.5 288.8,79.8 283.1,79.3 284.5,79.2 "
    "283.8,79 284.6,78.5 280.2,77.2 282.1,76.8 279.4,76.2 270.5,76.5 270.4,77 272.2,77.2 271.7,77.9 "
    "275,77.5 272,78.4 274.9,79.3 273.1,80.3 278.2,80.5 272.4,80.5 268.4,81.9 274.5,82.7 276.8,82.3 "
    "280.7,83.1 291.5,83.1;332.9,83.5 339.2,82.7 328.6,82 337.1,82.1 337.9,81.7 336.8,81.2 344.2,81.9 "
    "347.8,81.3 340,80.2 342.3,80.1 340.3,78.8 340.3,77.6 341.5,77 338.3,76.6 340.2,76.1 340.4,75.2 "
    "339.3,75.2 340.6,74.3 338.4,74.2 339.6,73.8 339.2,73.5 336.4,73.3 337.7,72.2 335.2,72.3 "
    "337.9,71.5 338.2,70.7 336.5,70.5 334.5,71.4 334.8,70.8 333.6,70.2 337.7,70.1 332.3,68.5 "
    "328.2,68.1 325.8,66.7 320.2,65.5 318.8,63.5 317.2,62.7 317.6,61.9 316.6,60.1 311.7,60.9 "
    "308.4,63.6 306,67.2 307,68.4 308.5,68.7 309.1,69.9 306.5,69.3 305.3,69.6 305.6,70.8 308.6,70.6 "
    "304.2,71.7 305.3,72.6 301.4,75.5 298.7,76.1 291.5,76.1 288.6,77 293.2,77.4 286.7,78 294.3,79.4 "
    "294.7,79.8 292,80.1 297.8,81.3 297.4,81.8 307,81.9 309.6,82.4 315.5,81.7 313.1,82.2 313.2,82.6 "
    "316.6,83.2 332.9,83.5 "
)
