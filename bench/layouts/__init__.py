"""Random page layouts of an adoption list, and the producers that print them.

A layout is drawn from its id alone (``<producer>-<list>-<n>``, e.g. ``chromium-fy2023_r1-0007``):
the id seeds the random choices, so the same id gives the same layout on any machine. Each
producer is one module with ``render(layout, listing, out_pdf, work_dir)``; the producers'
own libraries are imported by those modules only.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .fonts import FONTS

# producer name -> module; what each producer can do differently is in CAPABILITIES
PRODUCERS = {
    "rl_canvas": "reportlab_canvas",
    "rl_platypus": "reportlab_platypus",
    "writer": "writer_docx",
    "calc": "calc_xlsx",
    "chromium": "chromium_html",
}
# Calc never breaks a row across pages; docx sizes are half-points
CAN_SPLIT_ROWS = {"rl_canvas": True, "rl_platypus": True, "writer": True, "calc": False, "chromium": True}

PAPER = {"A4": (595.28, 841.89), "A3": (841.89, 1190.55)}

# Column widths of the published lists (points on A4 landscape), scaled to each page; a
# new truth list needs its row here
BASE_WIDTHS = {
    "fy2023_r1": (21, 71, 97, 39, 65, 39, 123, 71, 259),
    "fy2019_r1": (24, 150, 110, 150, 60, 90, 90),
}


@dataclass(frozen=True)
class Layout:
    id: str
    producer: str
    truth: str  # truth list name: fy2023_r1, fy2019_r1
    font: str  # key of fonts.FONTS
    size: float  # pt
    paper: str  # A4, A3
    landscape: bool
    repeat_header: bool
    split_rows: bool  # rows may break across pages (else each row kept whole)
    margin: float  # pt, all four sides
    widths: tuple[float, ...]  # pt, one per column, summing to the printable width
    scales: tuple[float, ...] = field(default=())  # the ±35 % factor drawn per column

    @property
    def page_size(self) -> tuple[float, float]:
        w, h = PAPER[self.paper]
        return (h, w) if self.landscape else (w, h)

    def describe(self) -> str:
        orient = "landscape" if self.landscape else "portrait"
        return (
            f"{self.paper} {orient}, {FONTS[self.font].family} {self.size:g} pt, header "
            f"{'repeated' if self.repeat_header else 'once'}, rows "
            f"{'split across pages' if self.split_rows else 'kept whole'}"
        )

    def to_json(self) -> dict:
        return asdict(self)


def layout_id(producer: str, truth: str, n: int) -> str:
    return f"{producer}-{truth}-{n:04d}"


def parse_id(lid: str) -> tuple[str, str, int]:
    try:
        producer, rest = lid.split("-", 1)
        truth, n = rest.rsplit("-", 1)
        return producer, truth, int(n)
    except ValueError:
        raise ValueError(f"bad layout id {lid!r}") from None


def make_layout(lid: str) -> Layout:
    """The layout of an id: every choice drawn from a generator seeded by the id."""
    producer, truth, _ = parse_id(lid)
    if producer not in PRODUCERS:
        raise ValueError(f"unknown producer {producer!r} in layout id {lid!r}")
    if truth not in BASE_WIDTHS:
        raise ValueError(
            f"no column widths for list {truth!r} in layout id {lid!r} "
            f"(BASE_WIDTHS knows {', '.join(BASE_WIDTHS)})"
        )
    rng = random.Random(lid)
    font = rng.choice(sorted(FONTS))
    size = round(rng.uniform(6.5, 9.0) * 2) / 2 if producer == "writer" else round(rng.uniform(6.5, 9.0), 1)
    paper = rng.choice(["A4", "A3"])
    landscape = rng.random() < 0.6
    repeat_header = rng.random() < 0.6
    split_rows = CAN_SPLIT_ROWS[producer] and rng.random() < 0.6
    margin = round(rng.uniform(20, 42), 1)
    base = BASE_WIDTHS[truth]
    scales = tuple(round(rng.uniform(0.65, 1.35), 3) for _ in base)
    w, _ = PAPER[paper][::-1] if landscape else PAPER[paper]
    printable = w - 2 * margin
    raw = [b * s for b, s in zip(base, scales)]
    # the narrowest column still takes two characters and its padding
    floor = 2.2 * size + 6
    widths = [max(floor, r * printable / sum(raw)) for r in raw]
    k = printable / sum(widths)
    widths = tuple(round(x * k, 2) for x in widths)
    return Layout(
        lid, producer, truth, font, size, paper, landscape, repeat_header, split_rows, margin, widths, scales
    )


@dataclass(frozen=True)
class Listing:
    """What is printed: title, header, one entry per project (its group row, if any, and its
    cells in header order, ``\\n`` for the author's own line breaks), footnote."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, tuple[str, ...]], ...]
    footnote: str | None

    def chars(self) -> str:
        parts = [self.title, *self.columns, self.footnote or ""]
        for group, cells in self.rows:
            parts += [group or "", *cells]
        return "".join(sorted(set("".join(parts))))


def load_truth(truth_dir: Path, name: str) -> dict:
    return json.loads((truth_dir / f"{name}.json").read_text(encoding="utf-8"))


def listing_of(truth: dict, name: str) -> Listing:
    cols = tuple(truth["columns"])
    rows = tuple((r.get("group"), tuple(r["cells"][c] for c in cols)) for r in truth["rows"])
    return Listing(name, truth["title"], cols, rows, truth.get("footnote"))


def subset(truth: dict, numbers) -> dict:
    """The truth list with only the rows of these list numbers (a small rendering)."""
    keep = set(numbers)
    return {**truth, "rows": [r for r in truth["rows"] if r["no"] in keep]}


SHARED_MODULES = ("__init__.py", "fonts.py", "office.py", "reportlab_common.py")


def generator_digest(producer: str) -> str:
    """A digest of the code that renders this producer's layouts: a cached rendering made by
    other code is stale."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha1()
    for name in (*SHARED_MODULES, PRODUCERS[producer] + ".py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:12]


def producer_module(producer: str):
    return importlib.import_module(f"{__name__}.{PRODUCERS[producer]}")


def render(layout: Layout, listing: Listing, out_pdf: Path, work: Path) -> Path:
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    producer_module(layout.producer).render(layout, listing, out_pdf, work)
    if not out_pdf.exists():
        raise RuntimeError(f"{layout.id}: the producer wrote no PDF")
    return out_pdf
