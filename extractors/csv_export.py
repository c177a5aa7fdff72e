"""CSV rendering of a Document, the text of `c3p extract --format csv`."""

from __future__ import annotations

import csv
import io

from .model import Document


def to_csv(doc: Document) -> str:
    """One CSV block per table (header with a leading ``section`` column, then its rows),
    blocks separated by a blank line. Cells keep their line breaks (quoted)."""
    blocks = []
    for table in doc.tables:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["section", *table.header])
        for row in table.rows:
            w.writerow([row.section or "", *row.cells])
        blocks.append(buf.getvalue())
    return "\n".join(blocks)
