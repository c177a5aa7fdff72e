"""The report's SVG charts, drawn here so that the page needs nothing from the network.

Stacked bars of projects per fiscal year by country, an equirectangular map of the partner cities
over a light land outline (``data/coastline.json``: Natural Earth 1:110m land, see its "about"),
and the small horizontal bars of the pivot tables. Every text from the warehouse is escaped; each
function returns ``Markup`` for the template.
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from functools import cache
from importlib.resources import files

from markupsafe import Markup

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
    "#8cd17d",
    "#d37295",
    "#a0cbe8",
    "#ffbe7d",
    "#499894",
    "#fabfd2",
    "#79706e",
    "#d4a6c8",
    "#b6992d",
    "#bab0ac",
]
OTHER_COLOUR = "#c7c7c7"


def esc(value: object) -> str:
    """Text for HTML: None as empty, everything else escaped (quotes included)."""
    return "" if value is None else html.escape(str(value), quote=True)


@cache
def land_rings() -> list[list[tuple[float, float]]]:
    """The land outline's rings of (lon, lat), Pacific-centred longitudes (see ``shift``)."""
    data = json.loads(files("pipelines.report").joinpath("data/coastline.json").read_text("utf-8"))
    return [[(float(lon), float(lat)) for lon, lat in ring] for ring in data["rings"]]


def country_colours(year_country: list[dict]) -> dict[str, str]:
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


def stacked_bars(
    year_country: list[dict], years: list[int], colours: dict[str, str], names: dict[str, str]
) -> Markup:
    """SVG: one bar per fiscal year, stacked by country, with totals and a legend."""
    if not years:
        return Markup('<p class="empty">No projects yet.</p>')
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
    out = [
        f'<svg id="chart-year-country" class="chart" role="img" viewBox="0 0 {width:.0f} {height}"'
        f' width="{width:.0f}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Projects per fiscal year, stacked by partner country</title>",
    ]
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
            label = f"FY{year} {r['country_code']} {names.get(r['country_code']) or ''}: {r['projects']}"
            out.append(
                f'<rect class="bar" x="{x:.1f}" y="{y1:.1f}" width="{bar_w}" height="{y0 - y1:.1f}"'
                f' fill="{colours[r["country_code"]]}"><title>{esc(label)}</title></rect>'
            )
            if y0 - y1 >= 13:
                out.append(
                    f'<text x="{x + bar_w / 2:.1f}" y="{(y0 + y1) / 2 + 4:.1f}" class="seg"'
                    f' text-anchor="middle">{esc(r["country_code"])}</text>'
                )
        out.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y_of(acc) - 5:.1f}" class="total"'
            f' text-anchor="middle">{acc}</text>'
        )
        out.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top_pad + plot_h + 18}" class="axis"'
            f' text-anchor="middle">{year}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{left + plot_w:.0f}" y1="{top_pad + plot_h}"'
        f' y2="{top_pad + plot_h}" class="axisline"/>'
    )
    out.append("</svg>")
    totals: dict[str, int] = defaultdict(int)
    for r in year_country:
        totals[r["country_code"]] += r["projects"]
    return Markup('<div class="chart-wrap">' + "\n".join(out) + _legend(colours, names, totals) + "</div>")


def _legend(colours: dict[str, str], names: dict[str, str], totals: dict[str, int]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{c}"></span><code>{esc(code)}</code> '
        f'{esc(names.get(code) or "")} <span class="muted">{totals.get(code, 0)}</span></li>'
        for code, c in colours.items()
    )
    return f'<ul class="legend">{items}</ul>'


def shift(lon: float) -> float:
    """Pacific-centred longitude: the Americas east of Asia (matches ``data/coastline.json``)."""
    return lon + 360 if lon < -26 else lon


def partner_map(places: list[dict], colours: dict[str, str]) -> Markup:
    """SVG: equirectangular map of the partner cities over a light land outline.

    Places far from the main cluster (Latin America when most partners are in Asia) get
    small inset maps beside the main one instead of stretching it across the Pacific.
    """
    if not places:
        return Markup('<p class="empty">No partner city with coordinates yet.</p>')
    xs = sorted(shift(p["lon"]) for p in places)
    median = xs[len(xs) // 2]
    main = [p for p in places if abs(shift(p["lon"]) - median) <= 60]
    rest = sorted((p for p in places if abs(shift(p["lon"]) - median) > 60), key=lambda p: shift(p["lon"]))
    groups: list[list[dict]] = []
    for p in rest:
        if groups and shift(p["lon"]) - shift(groups[-1][-1]["lon"]) <= 30:
            groups[-1].append(p)
        else:
            groups.append([p])
    svgs = [_map_svg(main, colours, 760 if groups else 960, "map", label_all=False)]
    insets = [
        _map_svg(g, colours, 180, f"map-inset-{i + 1}", label_all=True, span=(40, 40))
        for i, g in enumerate(groups)
    ]
    if insets:
        svgs.append('<div class="insets">' + "".join(insets) + "</div>")
    return Markup('<div class="maps">' + "".join(svgs) + "</div>")


def _map_svg(
    places: list[dict],
    colours: dict[str, str],
    width: int,
    svg_id: str,
    *,
    label_all: bool,
    span: tuple[float, float] = (60, 36),
) -> str:
    xs = [shift(p["lon"]) for p in places]
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
    out = [
        f'<svg id="{svg_id}" class="map" role="img" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Partner cities and regions abroad</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" class="sea"/>',
    ]
    paths = []
    for ring in land_rings():
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
        out.append(
            f'<text class="coord" x="{px(lon) + 3:.1f}" y="{height - 4}">'
            f"{abs(shown)}°{'E' if shown > 0 else 'W' if shown < 0 else ''}</text>"
        )
    for lat in range(int(math.ceil(y0 / step) * step), int(y1) + 1, step):
        out.append(f'<line class="graticule" x1="0" x2="{width}" y1="{py(lat):.1f}" y2="{py(lat):.1f}"/>')
        out.append(
            f'<text class="coord" x="3" y="{py(lat) - 3:.1f}">'
            f"{abs(lat)}°{'N' if lat > 0 else 'S' if lat < 0 else ''}</text>"
        )
    if label_all:  # an inset: say which countries it shows
        codes = ", ".join(sorted({p["country_code"] or "?" for p in places}))
        out.append(
            f'<text class="inset-caption" x="{width - 4}" y="13" text-anchor="end">inset: {esc(codes)}</text>'
        )
    ranked = sorted(places, key=lambda p: (-p["projects"], p["name"]))
    for p in ranked:  # big circles first, so small ones stay on top
        r = 4 + 3 * math.sqrt(p["projects"] - 1)
        years = ", ".join(str(y) for y in p["years"])
        tip = (
            f"{p['name']} ({p['name_ja']}), {p['country_code']}: {p['projects']} project"
            f"{'s' if p['projects'] != 1 else ''} ({years})"
        )
        out.append(
            f'<circle class="map-point" cx="{px(shift(p["lon"])):.1f}" cy="{py(p["lat"]):.1f}"'
            f' r="{r:.1f}" fill="{colours.get(p["country_code"], OTHER_COLOUR)}">'
            f"<title>{esc(tip)}</title></circle>"
        )
    boxes = [
        (px(shift(p["lon"])) - 5, py(p["lat"]) - 5, px(shift(p["lon"])) + 5, py(p["lat"]) + 5) for p in places
    ]
    for p in ranked:
        if not (label_all or p["projects"] > 1):
            continue
        limit = 28 if width > 400 else 24
        text = p["name"] if len(p["name"]) <= limit else p["name"][: limit - 2] + "…"
        w, h = 6.0 * len(text) + 2, 12
        cx, cy = px(shift(p["lon"])), py(p["lat"])
        for x, y, anchor in (
            (cx + 8, cy, "start"),
            (cx - 8, cy, "end"),
            (cx, cy - 13, "middle"),
            (cx, cy + 15, "middle"),
        ):
            left = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
            box = (left, y - h / 2, left + w, y + h / 2)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            clash = any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                for b in boxes
                if b != (cx - 5, cy - 5, cx + 5, cy + 5)
            )
            if inside and not clash:
                boxes.append(box)
                out.append(
                    f'<text class="map-label" x="{x:.1f}" y="{y + 4:.1f}"'
                    f' text-anchor="{anchor}">{esc(text)}</text>'
                )
                break
    out.append("</svg>")
    return "\n".join(out)


def hbar(value: int, top: int, colour: str = "#4e79a7") -> Markup:
    """SVG: a small horizontal bar, ``value`` of ``top`` (the pivot tables' last column)."""
    w = 0 if not top else round(120 * value / top)
    return Markup(
        f'<svg class="hbar" width="124" height="12" viewBox="0 0 124 12">'
        f'<rect x="0" y="1" width="{w}" height="10" fill="{colour}"/></svg>'
    )
