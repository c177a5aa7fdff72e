"""The analyst's decision files: where they are, reading and validating them.

Plain text kept in git next to the analyst's queries, in the decisions directory (the data
directory unless ``--decisions DIR`` / ``C3P_DECISIONS_DIR``); formats in docs/contract.md:

- ``corrections.toml`` — corrections of printed values (path also ``--corrections FILE`` /
  ``C3P_CORRECTIONS``);
- ``organizations.toml`` — one organisation, kept apart, preferred and English names;
- ``gazetteer.csv`` — extra partner places and aliases (columns of the shipped gazetteer);
- ``layouts.csv`` — printed table header -> canonical field (or ``ignore``);
- ``field_labels.csv`` — 対象分野 label -> field_code;
- ``reviewed.csv`` — review questions answered with no other effect (``c3p review``).

A bad file raises DecisionFileError whose message is one line naming the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from normalizers.decisions import COLUMNS, ENTITIES, Decisions, OrgDecision, OrgDecisions
from normalizers.fields import FIELD_CODES, fold_label
from normalizers.headers import header_index
from normalizers.places import gazetteer_index, shipped_index

CORRECTIONS = "corrections.toml"
ORGANIZATIONS = "organizations.toml"
GAZETTEER = "gazetteer.csv"
LAYOUTS = "layouts.csv"
FIELD_LABELS = "field_labels.csv"
REVIEWED = "reviewed.csv"
FILES = (CORRECTIONS, ORGANIZATIONS, GAZETTEER, LAYOUTS, FIELD_LABELS, REVIEWED)
CSV_COLUMNS = {
    GAZETTEER: ("name_ja", "name_en", "country_code", "lat", "lon", "aliases", "note"),
    LAYOUTS: ("header", "field", "role", "note"),
    FIELD_LABELS: ("label", "field_code", "note"),
    REVIEWED: ("question_id", "decision", "note"),
}


class DecisionFileError(ValueError):
    """A decision file that cannot be read; the message is 'FILE:LINE: reason'."""


@dataclass(frozen=True)
class Correction:
    fiscal_year: int
    call_round: int
    list_no: int
    target: str  # a column (COLUMNS) or an entity (ENTITIES)
    seq: int | None
    expected: str
    corrected: str
    reason: str
    file: str
    line: int

    @property
    def list_key(self) -> tuple[int, int]:
        return (self.fiscal_year, self.call_round)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class DecisionSet:
    """Every decision file of a run, loaded and checked."""

    corrections: list[Correction] = field(default_factory=list)
    normalizer: Decisions = field(default_factory=Decisions)
    reviewed: dict[str, str] = field(default_factory=dict)  # question id -> decision
    fingerprint: str = ""


@dataclass(frozen=True)
class Location:
    """Where the decision files are."""

    directory: str
    corrections_file: str

    def path(self, name: str) -> Path:
        return Path(self.corrections_file) if name == CORRECTIONS else Path(self.directory) / name


def locate(
    data_dir: str | Path, decisions_dir: str | None = None, corrections_file: str | None = None
) -> Location:
    directory = decisions_dir or os.environ.get("C3P_DECISIONS_DIR") or str(data_dir)
    corrections = corrections_file or os.environ.get("C3P_CORRECTIONS") or str(Path(directory) / CORRECTIONS)
    return Location(str(directory), str(corrections))


def fingerprint(loc: Location) -> str:
    """SHA-256 over every decision file's name and bytes: a change means a new publish."""
    h = hashlib.sha256()
    for name in FILES:
        p = loc.path(name)
        if p.exists():
            h.update(name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def load(loc: Location) -> DecisionSet:
    """Read and check every decision file that exists (none is required)."""
    places = _csv(loc.path(GAZETTEER))
    layouts = _csv(loc.path(LAYOUTS))
    labels = _csv(loc.path(FIELD_LABELS))
    reviewed = _csv(loc.path(REVIEWED))
    normalizer = Decisions(
        orgs=OrgDecisions(tuple(_organizations(loc.path(ORGANIZATIONS)))),
        places=_checked(loc.path(GAZETTEER), places, _gazetteer),
        field_labels=_checked(loc.path(FIELD_LABELS), labels, _labels),
        layouts=_checked(loc.path(LAYOUTS), layouts, _layouts),
    )
    return DecisionSet(
        corrections=_corrections(loc.path(CORRECTIONS)),
        normalizer=normalizer,
        reviewed={r["question_id"]: r["decision"] for _n, r in reviewed},
        fingerprint=fingerprint(loc),
    )


# ---------------------------------------------------------------- TOML files


def _toml(path: Path, table: str) -> list[tuple[int, dict]]:
    """(line, entry) of every [[table]] of a TOML file; [] when the file does not exist."""
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise DecisionFileError(
            f"{path}:{m.group(1) if m else 1}: not valid TOML ({str(exc).split(' (at')[0]})"
        ) from None
    unknown = sorted(set(data) - {table})
    if unknown:
        raise DecisionFileError(f"{path}:1: unknown table(s) {unknown}; expected [[{table}]]")
    entries = data.get(table, [])
    if not isinstance(entries, list):
        raise DecisionFileError(f"{path}:1: {table} must be an array of tables: [[{table}]]")
    lines = [i for i, ln in enumerate(text.splitlines(), 1) if re.match(rf"\s*\[\[\s*{table}\s*\]\]", ln)]
    return list(zip(lines, entries))


def _need(path, line, entry, key, kind, required=True):
    value = entry.get(key)
    if value is None:
        if required:
            raise DecisionFileError(f"{path}:{line}: missing {key!r}")
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        want = {int: "an integer", str: "a string", list: "a list of strings"}[kind]
        raise DecisionFileError(f"{path}:{line}: {key!r} must be {want}, not {value!r}")
    if kind is list and not all(isinstance(v, str) for v in value):
        raise DecisionFileError(f"{path}:{line}: {key!r} must be a list of strings")
    return value


CORRECTION_KEYS = {
    "fiscal_year",
    "call_round",
    "list_no",
    "column",
    "entity",
    "seq",
    "expected",
    "corrected",
    "reason",
}


def _corrections(path: Path) -> list[Correction]:
    out: list[Correction] = []
    seen: dict[tuple, int] = {}
    for line, e in _toml(path, "correction"):
        extra = sorted(set(e) - CORRECTION_KEYS)
        if extra:
            raise DecisionFileError(f"{path}:{line}: unknown key(s) {extra}")
        column, entity = e.get("column"), e.get("entity")
        if (column is None) == (entity is None):
            raise DecisionFileError(f"{path}:{line}: give exactly one of 'column' or 'entity'")
        if column is not None and column not in COLUMNS:
            raise DecisionFileError(
                f"{path}:{line}: column {column!r} cannot be corrected;"
                f" one of {sorted(COLUMNS)} (list cells: entity + seq)"
            )
        if entity is not None and entity not in ENTITIES:
            raise DecisionFileError(f"{path}:{line}: unknown entity {entity!r}; one of {sorted(ENTITIES)}")
        seq = _need(path, line, e, "seq", int, required=entity is not None)
        if column is not None and seq is not None:
            raise DecisionFileError(f"{path}:{line}: 'seq' is for entities, not column {column!r}")
        c = Correction(
            fiscal_year=_need(path, line, e, "fiscal_year", int),
            call_round=_need(path, line, e, "call_round", int, required=False) or 1,
            list_no=_need(path, line, e, "list_no", int),
            target=str(column or entity),
            seq=seq,
            expected=_need(path, line, e, "expected", str),
            corrected=_need(path, line, e, "corrected", str),
            reason=_need(path, line, e, "reason", str),
            file=str(path),
            line=line,
        )
        if not c.reason.strip():
            raise DecisionFileError(f"{path}:{line}: 'reason' is empty: say why")
        address = (c.fiscal_year, c.call_round, c.list_no, c.target, c.seq)
        if address in seen:
            raise DecisionFileError(f"{path}:{line}: corrects the same value as line {seen[address]}")
        seen[address] = line
        out.append(c)
    return out


ORG_KEYS = {"name", "same", "not_same", "name_en", "org_id"}


def _organizations(path: Path) -> list[OrgDecision]:
    out = []
    for line, e in _toml(path, "organization"):
        extra = sorted(set(e) - ORG_KEYS)
        if extra:
            raise DecisionFileError(f"{path}:{line}: unknown key(s) {extra}")
        org_id = _need(path, line, e, "org_id", str, required=False)
        if org_id is not None and not re.fullmatch(r"org_[0-9a-f]{12}", org_id):
            raise DecisionFileError(f"{path}:{line}: org_id {org_id!r} is not org_ + 12 hex digits")
        out.append(
            OrgDecision(
                name=_need(path, line, e, "name", str),
                same=tuple(_need(path, line, e, "same", list, required=False) or ()),
                not_same=tuple(_need(path, line, e, "not_same", list, required=False) or ()),
                name_en=_need(path, line, e, "name_en", str, required=False),
                org_id=org_id,
                line=line,
            )
        )
    return out


# ---------------------------------------------------------------- CSV files


def _csv(path: Path) -> list[tuple[int, dict]]:
    """(line, row) of a decision CSV; lines whose first cell starts with '#' are comments."""
    if not path.exists():
        return []
    expected = CSV_COLUMNS[path.name]
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    head, out = None, []
    for cells in reader:
        if not cells or not "".join(cells).strip() or cells[0].startswith("#"):
            continue
        if head is None:
            head = [c.strip() for c in cells]
            missing = [c for c in expected if c not in head and c not in ("note", "aliases", "role")]
            if missing:
                raise DecisionFileError(
                    f"{path}:{reader.line_num}: header lacks column(s) {missing};"
                    f" expected {','.join(expected)}"
                )
            continue
        if len(cells) > len(head):
            raise DecisionFileError(f"{path}:{reader.line_num}: {len(cells)} cells, header has {len(head)}")
        out.append((reader.line_num, {k: v.strip() for k, v in zip(head, cells + [""] * len(head))}))
    return out


def _checked(path, rows, check):
    try:
        return check(path, rows)
    except ValueError as exc:
        if isinstance(exc, DecisionFileError):
            raise
        raise DecisionFileError(f"{path}:{rows[0][0] if rows else 1}: {exc}") from None


def _gazetteer(path, rows):
    for line, r in rows:
        if not r["name_ja"]:
            raise DecisionFileError(f"{path}:{line}: name_ja is empty")
        if r["country_code"] and not re.fullmatch(r"[A-Z]{2}", r["country_code"]):
            raise DecisionFileError(
                f"{path}:{line}: country_code {r['country_code']!r} is not ISO 3166-1 alpha-2 (TH, VN, ...)"
            )
        for k, lim in (("lat", 90), ("lon", 180)):
            try:
                if r[k] and not -lim <= float(r[k]) <= lim:
                    raise ValueError
            except ValueError:
                raise DecisionFileError(
                    f"{path}:{line}: {k} {r[k]!r} is not a number between -{lim} and {lim}"
                ) from None
    return gazetteer_index([r for _l, r in rows], base=shipped_index(), name=str(path))


def _labels(path, rows):
    out = {}
    for line, r in rows:
        if r["field_code"] not in FIELD_CODES:
            raise DecisionFileError(
                f"{path}:{line}: unknown field_code {r['field_code']!r}; one of {', '.join(FIELD_CODES)}"
            )
        out[fold_label(r["label"])] = r["field_code"]
    return out


def _layouts(path, rows):
    for line, r in rows:
        try:
            header_index([r], name=str(path))
        except ValueError as exc:
            raise DecisionFileError(
                f"{path}:{line}: {str(exc).split(': ', 1)[1]} (a canonical field or 'ignore')"
            ) from None
    return header_index([r for _l, r in rows], name=str(path))


# ---------------------------------------------------------------- appending decisions


def append_csv_row(path: Path, row: dict) -> None:
    """Add one row to a decision CSV, writing its header first when the file is new."""
    columns = CSV_COLUMNS[path.name]
    new = not path.exists() or not path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if new:
        w.writerow(columns)
    w.writerow([row.get(c, "") for c in columns])
    text = path.read_text(encoding="utf-8") if not new else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + buf.getvalue(), encoding="utf-8")


def toml_string(s: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    import json

    return json.dumps(s, ensure_ascii=False)


def append_toml(path: Path, table: str, entry: dict, comment: str | None = None) -> None:
    """Add one [[table]] entry to a decision TOML file (created when missing)."""
    lines = [f"# {comment}"] if comment else []
    lines.append(f"[[{table}]]")
    for k, v in entry.items():
        if v is None:
            continue
        if isinstance(v, (list, tuple)):
            lines.append(f"{k} = [{', '.join(toml_string(x) for x in v)}]")
        elif isinstance(v, str):
            lines.append(f"{k} = {toml_string(v)}")
        else:
            lines.append(f"{k} = {v}")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + ("\n" if text else "") + "\n".join(lines) + "\n", encoding="utf-8")
