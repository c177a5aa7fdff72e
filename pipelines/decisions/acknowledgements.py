"""Cross-check disagreements a person has reviewed: ``DATA_DIR/crosscheck_acknowledged.csv``.

Where camelot reads a cell differently from us, the cell lands in
``crosscheck_disagreements`` and its list gets ``sources.review_needed``. Once someone has
checked the cell against the PDF and found our reading right, a row in this file
acknowledges it: the disagreement stays in the table (``acknowledged`` true) and no longer
flags the list. An acknowledgement holds for one PDF version (``sha256``) and one pair of
readings (``ours``, ``camelot``): a new version of the list, or a different reading of the
cell, is flagged again.

The file is CSV with a header (``note`` is free text); ``REVIEW_SQL`` through ``c3p query
--format csv`` prints the open cells in its layout (see the README).
"""

from __future__ import annotations

import csv
from pathlib import Path

FILE = "crosscheck_acknowledged.csv"
COLUMNS = ("sha256", "table_no", "row_no", "column_name", "ours", "camelot", "note")
Key = tuple[str, int, int, str, str, str]
REVIEW_SQL = (
    "SELECT s.published_sha256 AS sha256, d.table_no, d.row_no, d.column_name, d.ours,"
    " d.camelot, '' AS note FROM crosscheck_disagreements d JOIN sources s USING (source_id)"
    " WHERE NOT d.acknowledged ORDER BY s.fiscal_year, s.call_round, d.table_no, d.row_no,"
    " d.column_name"
)


def load(data_dir: Path, warnings: list[str]) -> set[Key]:
    """The acknowledged cells; a damaged file is reported in ``warnings``, never fatal."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return set()
    keys: set[Key] = set()
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = set(COLUMNS[:-1]) - set(reader.fieldnames or ())
            if missing:
                warnings.append(
                    f"{path}: ignored, no column {', '.join(sorted(missing))} (expected {','.join(COLUMNS)})"
                )
                return set()
            for line, row in enumerate(reader, start=2):
                try:
                    keys.add(
                        _key(
                            row["sha256"],
                            row["table_no"],
                            row["row_no"],
                            row["column_name"],
                            row["ours"],
                            row["camelot"],
                        )
                    )
                except (TypeError, ValueError):
                    warnings.append(
                        f"{path}, line {line}: ignored (table_no and row_no must be whole numbers)"
                    )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        warnings.append(f"{path}: ignored, cannot be read ({exc})")
        return set()
    return keys


def _key(sha256, table_no, row_no, column_name, ours, camelot) -> Key:
    return (
        str(sha256).strip(),
        int(table_no),
        int(row_no),
        str(column_name),
        "" if ours is None else str(ours),
        "" if camelot is None else str(camelot),
    )


def apply(source_rows: list[dict], disagreements: list[dict], acknowledged: set[Key]) -> None:
    """Mark each disagreement acknowledged or not, and flag for review exactly the lists
    that keep an unacknowledged one (in place)."""
    sha = {s["source_id"]: s.get("published_sha256") or s.get("sha256") for s in source_rows}
    open_cells: dict[str, int] = {}
    for d in disagreements:
        d["acknowledged"] = (
            _key(
                sha.get(d["source_id"]) or "",
                d["table_no"],
                d["row_no"],
                d["column_name"],
                d["ours"],
                d["camelot"],
            )
            in acknowledged
        )
        if not d["acknowledged"]:
            open_cells[d["source_id"]] = open_cells.get(d["source_id"], 0) + 1
    listed = {d["source_id"] for d in disagreements}
    for s in source_rows:
        if s["source_id"] in listed:
            s["review_needed"] = s["source_id"] in open_cells
