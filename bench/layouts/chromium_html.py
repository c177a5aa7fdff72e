"""Headless Chromium printing an HTML table (Skia's PDF back end).

The header is a <thead> (Chromium repeats it on every page) or the first row of the body
(printed once); rows are split across pages unless ``break-inside: avoid`` keeps them whole.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path

from .fonts import FONTS

CHROMIUM = [
    "chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
]


def _cell(text: str, tag: str = "td", colspan: int = 1) -> str:
    span = f' colspan="{colspan}"' if colspan > 1 else ""
    return f"<{tag}{span}>" + "<br>".join(html.escape(line) for line in text.split("\n")) + f"</{tag}>"


def page_html(layout, listing) -> str:
    w, h = layout.page_size
    font = FONTS[layout.font].family
    head = "<tr>" + "".join(_cell(c, "th") for c in listing.columns) + "</tr>"
    body = []
    for group, cells in listing.rows:
        if group:
            body.append('<tr class="group">' + _cell(group, colspan=len(cells)) + "</tr>")
        body.append("<tr>" + "".join(_cell(c) for c in cells) + "</tr>")
    cols = "".join(f'<col style="width:{x}pt">' for x in layout.widths)
    keep = "tr { break-inside: avoid; }" if not layout.split_rows else ""
    table = (
        f"<table><colgroup>{cols}</colgroup>"
        + (f"<thead>{head}</thead><tbody>" if layout.repeat_header else f"<tbody>{head}")
        + "".join(body)
        + "</tbody></table>"
    )
    foot = f"<p>{html.escape(listing.footnote)}</p>" if listing.footnote else ""
    return f"""<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>{html.escape(listing.title)}</title>
<style>
@page {{ size: {w}pt {h}pt; margin: {layout.margin}pt; }}
body {{ margin: 0; font-family: "{font}"; font-size: {layout.size}pt; line-height: 1.3; }}
h1 {{ font-size: {layout.size * 1.4:.1f}pt; font-weight: normal; margin: 0 0 {layout.size}pt 0; }}
table {{ border-collapse: collapse; table-layout: fixed; width: {sum(layout.widths):.2f}pt; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 2.5pt; vertical-align: top; text-align: left;
          overflow-wrap: anywhere; font-weight: normal; }}
th {{ text-align: center; vertical-align: middle; }}
{keep}
p {{ margin: {layout.size * 0.6:.1f}pt 0 0 0; }}
</style></head>
<body><h1>{html.escape(listing.title)}</h1>{table}{foot}</body></html>
"""


def render(layout, listing, out_pdf: Path, work: Path) -> None:
    src = work / f"{layout.id}.html"
    src.write_text(page_html(layout, listing), encoding="utf-8")
    profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=work))
    tmp = out_pdf.with_suffix(".part")
    try:
        subprocess.run(
            [*CHROMIUM, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", src.resolve().as_uri()],
            check=True,
            capture_output=True,
            timeout=180,
        )
        tmp.replace(out_pdf)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
