"""Co-applicant cells -> one Participant per organisation.

Splitting, in order:
1. items: where a printed line ends an item is decided by normalizers.line_ends (from the
   extractor's verdicts, the grammar of names and the organisations known to the programme);
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
from .model import DomesticCity, Participant
from .line_ends import PARTICIPANTS, Reading, read_cell, role_label
from .orgs import split_org
from .roles import OTHER, role_code
from .text import split_outside_brackets

_BULLET = re.compile(r"^\s*[・•●○■□◆◇▪▫‣＊*]\s*|^\s*-\s+")


def _split_commas(line: str) -> list[str]:
    return split_outside_brackets(line, "、，")


def split_cell(cell, default_role: str) -> list[tuple[str, str]]:
    """(name as printed, role) pairs of a co-applicant cell: the extractor's printed lines
    with their verdicts, plain text, or a Reading already made (normalizers.line_ends)."""
    reading = cell if isinstance(cell, Reading) else read_cell(cell, PARTICIPANTS)
    lines = reading.items
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
            if name:
                out.append((name, role))
    return out


def build_participants(
    cell, default_role: str, domestic: list[DomesticCity] | None = None
) -> tuple[list[Participant], list[str]]:
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
                warnings.append(
                    f"participant {d.name_raw!r} inferred from 国内都市 (not printed in the cell)"
                )
    parts = []
    for i, (name, role, org, dept) in enumerate(inferred + printed, start=1):
        code = role_code(role)
        if code is None:
            code = OTHER
            warnings.append(
                f"role {role!r} has no role_code: stored as {OTHER!r}"
                " (add it to normalizers/data/role_labels.csv)"
            )
        parts.append(
            Participant(
                seq=i,
                name_raw=name,
                role=role,
                role_code=code,
                org=org,
                department=dept,
                inferred=i <= len(inferred),
            )
        )
    return parts, warnings
