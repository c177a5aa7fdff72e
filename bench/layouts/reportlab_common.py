"""What the two reportlab producers share: the layout's font registered for reportlab."""

from __future__ import annotations

from pathlib import Path

from .fonts import truetype


def register_font(layout, listing, work: Path) -> str:
    """Register the layout's font (embedded TrueType) and return its reportlab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"fuzz-{layout.font}"
    if name not in pdfmetrics.getRegisteredFontNames():
        path = truetype(layout.font, work.parent / "fonts")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    face = pdfmetrics.getFont(name).face
    missing = {ch for ch in listing.chars() if ord(ch) not in face.charToGlyph and ch != "\n"}
    if missing:
        raise ValueError(f"{layout.font}: no glyph for {''.join(sorted(missing))!r}")
    return name
