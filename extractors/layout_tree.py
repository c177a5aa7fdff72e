"""Walking pdfminer's layout tree of a page."""

from __future__ import annotations

from collections.abc import Iterator

from pdfminer.layout import LTPage


def leaves(layout: LTPage) -> Iterator[object]:
    """Every object of the page that is not a container (figures and marked content are
    descended into), in the order the extractor has always read them."""
    stack: list = [layout]  # the page, then containers met on the way down
    while stack:
        for obj in stack.pop():
            if hasattr(obj, "_objs"):
                stack.append(obj)
            else:
                yield obj
