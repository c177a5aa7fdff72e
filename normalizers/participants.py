"""Co-applicant cells -> one Participant per organisation.

Splitting, in order:
1. line breaks (the author's own; wraps are already joined by the extractor). A line that
   cannot stand alone is joined back to the one before: it starts with a closing bracket,
   it is only a legal form (「株式会社」), or the previous line left a bracket open;
2. a bullet at line start (・ • ● ○ ■ □ ◆ ◇ - ＊) is removed — only at line start, so the
   ・ inside 「エア・ウォーター株式会社」 stays;
3. 「、」 and 「，」 separate names inside a line; the ASCII comma never does (English names:
   "Kansai Energy Solutions (Vietnam) Co., Ltd."), nor do 、 inside brackets;
4. a role label at line start (「共同応募者：川崎市」, 「協力事業者・団体：」) sets the role of the
   names after it, on its line and the lines below, until the next label. Labels are data:
   data/role_labels.csv. Without a label, the role is the column header's (default_role).
   Each role gets its code (roles.role_code: 共同事業者 and 共同応募者 are both co_applicant).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ._data import read_csv
from .model import DomesticCity, Participant
from .orgs import LEGAL_FORMS, split_legal_form, split_org
from .roles import OTHER, role_code
from .text import clean, is_wrap, split_outside_brackets

_BULLET = re.compile(r"^\s*[・•●○■□◆◇▪▫‣＊*]\s*|^\s*-\s+")
_LABEL = re.compile(r"^\s*[【\[〔(（<＜]?\s*([^：:】\]〕)）>＞\n]{2,16}?)\s*[】\]〕)）>＞]?\s*[：:]\s*(.*)$")


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    return {clean(r["label"]).replace(" ", ""): r["role"] for r in read_csv("role_labels.csv")}


def role_label(line: str) -> tuple[str, str] | None:
    """(role, rest of line) when the line starts with a known role label."""
    m = _LABEL.match(line)
    if not m:
        return None
    label = clean(m.group(1)).replace(" ", "")
    role = _labels().get(label)
    if role is None:
        return None
    return role, m.group(2)


_LATIN_LINE = re.compile(r"^[\x20-\x7e]+$")
_LATIN_END_FORM = re.compile(r"(Co\.,?\s*Ltd\.?|Ltd\.?|LLC|Inc\.?|Corp\.?|Corporation|Company|JSC|PLC|GmbH|Bhd\.?|Tbk\.?|\))\s*$", re.I)


def _is_continuation(prev: str, line: str) -> bool:
    t = clean(line)
    if role_label(t) or _BULLET.match(line):
        return False
    if is_wrap(prev, line):
        return True
    if t in LEGAL_FORMS or re.fullmatch(r"\((株|有|合|一社|一財|公社|公財)\)", t):
        return True
    # an English name wrapped: both lines Latin, the first without its legal form yet
    p = clean(_BULLET.sub("", prev, count=1))
    return bool(_LATIN_LINE.match(p) and _LATIN_LINE.match(t) and not _LATIN_END_FORM.search(p)
                and split_legal_form(p)[0] is None and not re.match(r"(PT|CV)\.?\s", t))


def _split_commas(line: str) -> list[str]:
    return split_outside_brackets(line, "、，")


_SUFFIX_FORMS = "|".join(f for f in LEGAL_FORMS if f.endswith("会社"))
_MERGED = re.compile(rf"^(.+?(?:{_SUFFIX_FORMS}))((?:(?!{_SUFFIX_FORMS}).)+(?:{_SUFFIX_FORMS}))$")


def _unmerge(name: str) -> list[str]:
    """「東京センチュリー株式会社ダイキン工業株式会社」 (two lines the extractor joined) -> two
    names: only when both halves end in a suffix legal form and neither starts with one."""
    m = _MERGED.match(name)
    if m and not any(m.group(1).startswith(f) or m.group(2).startswith(f) for f in LEGAL_FORMS):
        return [m.group(1), m.group(2)]
    return [name]


def split_cell(cell: str, default_role: str) -> list[tuple[str, str]]:
    """(name as printed, role) pairs of a co-applicant cell."""
    lines: list[str] = []
    for raw in (cell or "").replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            lines.append("")
            continue
        if lines and lines[-1] and _is_continuation(lines[-1], raw):
            sep = " " if re.search(r"[A-Za-z.,]$", lines[-1]) and re.match(r"\s*[A-Za-z(]", raw) else ""
            lines[-1] = lines[-1].rstrip() + sep + raw.strip()
        else:
            lines.append(raw)
    out: list[tuple[str, str]] = []
    role = default_role
    for line in lines:
        if not line.strip():
            continue
        text = _BULLET.sub("", line, count=1)
        lab = role_label(text)
        if lab:
            role, text = lab
        for name in _split_commas(text):
            name = _BULLET.sub("", name, count=1).strip(" \u3000\t")
            for n in (_unmerge(name) if name else []):
                out.append((n, role))
    return out


def build_participants(cell: str, default_role: str,
                       domestic: list[DomesticCity] | None = None) -> tuple[list[Participant], list[str]]:
    """Participants of one row (seq from 1) and warnings.

    Inferred domestic city: when no printed participant belongs to any of the row's
    domestic-city governments, those governments are added first, inferred=True, with the
    default role (FY2023 row 15 lists only the companies; the truth starts with 富山市)."""
    warnings: list[str] = []
    printed = []
    for name, role in split_cell(cell, default_role):
        org, dept = split_org(name)
        printed.append((name, role, org, dept))
    inferred = []
    if domestic:
        printed_ids = {p[2].org_id for p in printed}
        dom = []
        for d in domestic:
            if d.lg_code:
                org, _ = split_org(d.name)
                dom.append((d, org))
        if dom and not any(org.org_id in printed_ids for _d, org in dom):
            for d, org in dom:
                inferred.append((d.name_raw, default_role, org, None))
                warnings.append(f"participant {d.name_raw!r} inferred from 国内都市 (not printed in the cell)")
    parts = []
    for i, (name, role, org, dept) in enumerate(inferred + printed, start=1):
        code = role_code(role)
        if code is None:
            code = OTHER
            warnings.append(f"role {role!r} has no role_code: stored as {OTHER!r}"
                            " (add it to normalizers/data/role_labels.csv)")
        parts.append(Participant(seq=i, name_raw=name, role=role, role_code=code, org=org,
                                 department=dept, inferred=i <= len(inferred)))
    return parts, warnings
