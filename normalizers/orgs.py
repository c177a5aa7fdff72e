"""Organisations: canonical name, legal form, type and a stable org_id.

org_id = "org_" + sha1(matching key)[:12]. The matching key is the name with its legal form
taken out, NFKC/width/case/kana folded, punctuation and spaces removed and a trailing
all-capitals abbreviation 「(IGES)」 dropped. The canonical name never carries that
abbreviation: it is its own field (``abbreviation``), and the printed spelling stays in the
aliases; the reviewed alias table
(data/org_aliases.csv) maps further spellings onto one canonical spelling. Japanese local
governments are keyed by their 団体コード, so 「北九州市」, 「北九州市環境局」 and
「北九州市アジア低炭素化センター」 are one organisation (the rest is the department).
Stateless and deterministic: the same text gives the same id in every run. The analyst's
organisation decisions (merges, splits, preferred and English names) are applied on top by
decisions.OrgDecisions, which keeps every id not named in a decision as it is.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
from collections import Counter
from functools import lru_cache

from . import municipalities
from ._data import read_csv
from .model import Organization
from .text import clean

# abbreviation (as it reads after NFKC: （株）/㈱ -> (株); ㍿ -> 株式会社) -> legal form
ABBREVIATIONS = {
    "株": "株式会社",
    "有": "有限会社",
    "合": "合同会社",
    "資": "合資会社",
    "名": "合名会社",
    "一社": "一般社団法人",
    "一財": "一般財団法人",
    "公社": "公益社団法人",
    "公財": "公益財団法人",
    "独": "独立行政法人",
    "国研": "国立研究開発法人",
    "特非": "特定非営利活動法人",
    "NPO": "特定非営利活動法人",
    "学": "学校法人",
    "社": "社団法人",
    "財": "財団法人",
    "医": "医療法人",
    "福": "社会福祉法人",
}
LEGAL_FORMS = sorted(
    {
        "株式会社",
        "有限会社",
        "合同会社",
        "合資会社",
        "合名会社",
        "一般社団法人",
        "一般財団法人",
        "公益社団法人",
        "公益財団法人",
        "独立行政法人",
        "地方独立行政法人",
        "国立研究開発法人",
        "特定非営利活動法人",
        "国立大学法人",
        "公立大学法人",
        "学校法人",
        "社会福祉法人",
        "医療法人",
        "社団法人",
        "財団法人",
    },
    key=len,
    reverse=True,
)
FORM_TYPE = {
    "株式会社": "company_jp",
    "有限会社": "company_jp",
    "合同会社": "company_jp",
    "合資会社": "company_jp",
    "合名会社": "company_jp",
    "一般社団法人": "foundation_association",
    "一般財団法人": "foundation_association",
    "公益社団法人": "foundation_association",
    "公益財団法人": "foundation_association",
    "社団法人": "foundation_association",
    "財団法人": "foundation_association",
    "特定非営利活動法人": "foundation_association",
    "社会福祉法人": "foundation_association",
    "医療法人": "foundation_association",
    "独立行政法人": "government_agency",
    "地方独立行政法人": "government_agency",
    "国立研究開発法人": "government_agency",
    "国立大学法人": "university",
    "公立大学法人": "university",
    "学校法人": "university",
}
# Latin legal forms (foreign companies)
_LATIN_SUFFIX = re.compile(
    r"[\s,]*\b(Co\.?,?\s*Ltd\.?|Company\s+Limited|Ltd\.?|LLC|L\.L\.C\.|Inc\.?|Corp\.?|Corporation|"
    r"Pte\.?\s*Ltd\.?|Sdn\.?\s*Bhd\.?|Bhd\.?|JSC|PLC|GmbH|S\.A\.|Tbk\.?)$",
    re.I,
)
_LATIN_PREFIX = re.compile(r"^(PT|CV)\.?\s+")
# 「…センター(OECC)」, 「… LLC (JCH)」: a trailing abbreviation in capitals (a parenthesised word
# in lower case, 「(Vietnam)」, is part of the name)
_TRAILING_ABBR = re.compile(r"\s*\(([A-Z][A-Z0-9&\-.]{1,11})\)$")
_ABBR_RE = re.compile(
    r"\((" + "|".join(sorted(map(re.escape, ABBREVIATIONS), key=len, reverse=True)) + r")\)"
)
_DEPT_END = re.compile(r"(局|部|課|室|係|班|本部|センター|事務所|事務局|支所|支店|支社|グループ|チーム|庁)$")
_NOT_DEPT = re.compile(r"(商工会議所|会議所|大学|公社|事業団|協会|協議会|組合|銀行)$|^立")
_FOREIGN_GOV = re.compile(
    r"^((?:[東西南北中]部?)?[ァ-ヴー・]+(?:特別州|特別区|管区|首都区|市|州|省|都|県|郡|区))(.*)$"
)
_PUNCT = re.compile(r"[\s・･·.,，、\-_'’\"“”()（）「」\[\]/／&＆+]")


def expand_abbreviations(s: str) -> str:
    """(株)→株式会社 etc. on clean()ed text; the legal form's adjoining spaces removed."""
    t = _ABBR_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], s)
    for f in LEGAL_FORMS:
        t = re.sub(rf"{f}\s+(?=\S)", f, t) if t.startswith(f) else t
        t = re.sub(rf"(?<=\S)\s+{f}(?=$|\s*\()", f, t)
    return t


def split_abbreviation(name: str) -> tuple[str, str | None]:
    """(name without its trailing abbreviation, the abbreviation or None), on clean()ed text:
    「一般社団法人海外環境協力センター(OECC)」 -> (「一般社団法人海外環境協力センター」, 「OECC」)."""
    m = _TRAILING_ABBR.search(name)
    if m is None or m.start() == 0:
        return name, None
    return name[: m.start()].rstrip(), m.group(1)


def split_legal_form(name: str) -> tuple[str | None, str | None, str]:
    """(legal_form, position, base_name) of a canonical name."""
    core = _TRAILING_ABBR.sub("", name)
    for f in LEGAL_FORMS:
        if name.startswith(f):
            return f, "prefix", name[len(f) :].strip()
        if core.endswith(f) and core != f:
            return f, "suffix", (core[: -len(f)].strip() + name[len(core) :]).strip()
    m = _LATIN_PREFIX.match(name)
    if m:
        return m.group(1), "prefix", name[m.end() :].strip()
    m = _LATIN_SUFFIX.search(core)
    if m and m.start() > 0:
        return m.group(1), "suffix", (core[: m.start()].strip() + name[len(core) :]).strip()
    return None, None, name


def _fold(s: str) -> str:
    s = s.casefold()
    s = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in s)  # hiragana -> katakana
    return _PUNCT.sub("", s)


def _raw_key(name: str) -> str:
    """Matching key of a canonical (non-government) name."""
    core = _TRAILING_ABBR.sub("", name)
    _form, _pos, base = split_legal_form(core)
    return "o:" + _fold(base)


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, str]]:
    """matching key of an alias -> (matching key, name) of its canonical spelling."""
    out = {}
    for r in read_csv("org_aliases.csv"):
        canon = _canonical_text(r["canonical"])
        out[_raw_key(_canonical_text(r["alias"]))] = (_raw_key(canon), canon)
        out.setdefault(_raw_key(canon), (_raw_key(canon), canon))
    return out


@lru_cache(maxsize=1)
def _types() -> dict[str, str]:
    return {_raw_key(_canonical_text(r["name"])): r["org_type"] for r in read_csv("org_types.csv")}


def _canonical_text(raw: str) -> str:
    return expand_abbreviations(clean(raw))


def _is_department(rest: str) -> bool:
    r = re.sub(r"^[\s(（]+|[\s)）]+$", "", rest)
    if not r:
        return True
    return bool(_DEPT_END.search(r)) and not _NOT_DEPT.search(r)


def _department_text(rest: str) -> str | None:
    r = rest.strip()
    if r.startswith("(") and r.endswith(")"):
        r = r[1:-1].strip()
    return r or None


def _org_id(key: str) -> str:
    return "org_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def _org_type(name: str, form: str | None, key: str) -> str:
    if key in _types():
        return _types()[key]
    if form in FORM_TYPE:
        return FORM_TYPE[form]
    if form:  # Latin legal form
        return "company_foreign"
    if "商工会議所" in name:
        return "chamber_of_commerce"
    if re.search(r"大学(校)?$|大学院", name):
        return "university"
    if re.search(r"(協会|協議会|財団|機構|センター)$", name):
        return "foundation_association"
    if re.search(r"(庁|省|委員会)$", name):
        return "government_agency"
    return "other"


@lru_cache(maxsize=8192)
def split_org(name_raw: str) -> tuple[Organization, str | None]:
    """(organisation, department or None) for one printed name."""
    text = _canonical_text(name_raw)
    form, _pos, _base = split_legal_form(text)
    if form is None:
        gov = municipalities.government_prefix(text)
        if gov and _is_department(gov[1]):
            m, rest = gov
            org = Organization(
                org_id=_org_id("lg:" + m.lg_code),
                name=m.name,
                legal_form=None,
                legal_form_position=None,
                base_name=m.name,
                org_type="local_government_jp",
            )
            return org, _department_text(rest)
        fg = _FOREIGN_GOV.match(text)
        if fg and _is_department(fg.group(2)):
            gname = fg.group(1)
            org = Organization(
                org_id=_org_id("lgf:" + _fold(gname)),
                name=gname,
                legal_form=None,
                legal_form_position=None,
                base_name=gname,
                org_type="local_government_foreign",
            )
            return org, _department_text(fg.group(2))
    department = None
    # 「株式会社X　海外事業部」: department after a space
    if form and " " in text:
        head, _, tail = text.rpartition(" ")
        if split_legal_form(head)[0] and _is_department(tail) and not re.search(r"[A-Za-z]", tail):
            text, department = head, tail
    key = _raw_key(text)
    text, abbreviation = split_abbreviation(text)
    if key in _aliases():
        key, canonical = _aliases()[key]
        canonical, canonical_abbreviation = split_abbreviation(canonical)
        text, abbreviation = canonical, abbreviation or canonical_abbreviation
    form, pos, base = split_legal_form(text)
    org = Organization(
        org_id=_org_id(key),
        name=text,
        legal_form=form,
        legal_form_position=pos,
        base_name=base,
        org_type=_org_type(text, form, key),
        abbreviation=abbreviation,
    )
    return org, department


def resolve_org(name_raw: str) -> Organization:
    """Deterministic, stateless: the Organization a printed name stands for."""
    return split_org(name_raw)[0]


def matching_key(name_raw: str) -> str:
    """The key org_id is derived from (after the alias table)."""
    org = resolve_org(name_raw)
    if org.org_type.startswith("local_government"):
        return org.org_id
    return _aliases().get(_raw_key(org.name), (_raw_key(org.name), ""))[0]


def near_matches(names, threshold: float = 0.85) -> list[tuple[str, str, float]]:
    """Pairs of printed names that resolve to DIFFERENT org_ids yet look alike (matching-key
    similarity >= threshold, or one key containing the other). Reported for review, never
    merged: a confirmed pair goes into data/org_aliases.csv.

    The pairs are those of comparing every pair (``near_matches_exhaustive``, the
    definition), found without doing so: only pairs that can reach the threshold are scored
    (``_candidate_pairs``), so 10,000 names take seconds, not an hour."""
    items = _distinct_keys(names)
    keys = [k for _, k in items]
    candidates = (
        _candidate_pairs(keys, threshold)
        if threshold > 0
        else {(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))}
    )
    return _scored(items, sorted(candidates), threshold)


def near_matches_exhaustive(names, threshold: float = 0.85) -> list[tuple[str, str, float]]:
    """``near_matches`` by comparing every pair of distinct keys: quadratic, the reference."""
    items = _distinct_keys(names)
    n = len(items)
    return _scored(items, [(i, j) for i in range(n) for j in range(i + 1, n)], threshold)


def _distinct_keys(names) -> list[tuple[str, str]]:
    """(first printed name, folded base name) per non-government org_id, sorted."""
    seen: dict[str, tuple[str, str]] = {}
    for n in names:
        o = resolve_org(n)
        if o.org_type.startswith("local_government"):
            continue
        seen.setdefault(o.org_id, (n, _fold(o.base_name)))
    return sorted(seen.values())


def _similarity(ka: str, kb: str) -> float:
    score = difflib.SequenceMatcher(None, ka, kb).ratio()
    if min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka):
        score = max(score, 0.9)
    return score


def _scored(items, pairs, threshold: float) -> list[tuple[str, str, float]]:
    out = []
    for i, j in pairs:
        (a, ka), (b, kb) = items[i], items[j]
        if not ka or not kb:
            continue
        score = _similarity(ka, kb)
        if score >= threshold:
            out.append((a, b, round(score, 3)))
    return sorted(out, key=lambda x: -x[2])


def _candidate_pairs(keys: list[str], threshold: float) -> set[tuple[int, int]]:
    """Index pairs (i < j) that may score >= threshold: a superset of the pairs found.

    - Containment (score 0.9): a key of 4+ characters lies inside another only if that one
      holds the key's rarest 4-gram: keys are indexed by their 4-grams.
    - Ratio: SequenceMatcher's ratio is 2·M / (la + lb), M the matched characters, at most
      the characters the two keys share (as multisets, each occurrence a token). So a pair
      at the threshold t has lengths within a factor t / (2 - t) of each other and shares
      at least α_z = ⌈t·lz / (2 - t)⌉ tokens with either key z; two sets sharing α tokens
      share one among each one's first lz - α + 1 tokens in any fixed order (prefix
      filtering). With the rarest characters first, those prefixes are short and rare;
      a pair found so is kept when the characters it shares can reach the threshold.
    """
    pairs: set[tuple[int, int]] = set()
    grams: dict[str, set[int]] = {}
    for j, k in enumerate(keys):
        for g in range(len(k) - 3):
            grams.setdefault(k[g : g + 4], set()).add(j)
    for i, k in enumerate(keys):
        if len(k) >= 4:
            rarest = min((k[g : g + 4] for g in range(len(k) - 3)), key=lambda q: len(grams[q]))
            pairs.update((min(i, j), max(i, j)) for j in grams[rarest] if j != i and k in keys[j])

    frequency = Counter(c for k in keys for c in k)
    ratio = threshold / (2 - threshold)
    token_sets: list[frozenset] = [frozenset()] * len(keys)
    index: dict[tuple[str, int], list[int]] = {}  # token -> keys, shortest first
    start: dict[tuple[str, int], int] = {}  # first entry long enough for the current key
    for i in sorted(range(len(keys)), key=lambda i: len(keys[i])):
        k = keys[i]
        if not k:
            continue
        occurrence: Counter = Counter()
        tokens = []
        for c in k:
            occurrence[c] += 1
            tokens.append((c, occurrence[c]))
        token_sets[i] = frozenset(tokens)
        tokens.sort(key=lambda t: (frequency[t[0]], t))
        shortest = ratio * len(k) - 1e-9
        found: set[int] = set()
        for token in tokens[: len(k) - math.ceil(ratio * len(k) - 1e-9) + 1]:
            members = index.setdefault(token, [])
            first = start.get(token, 0)
            while first < len(members) and len(keys[members[first]]) < shortest:
                first += 1
            start[token] = first
            found.update(members[first:])
            members.append(i)
        mine = token_sets[i]
        for j in found:  # M <= the characters both hold (each occurrence a token)
            if 2 * len(mine & token_sets[j]) >= threshold * (len(k) + len(keys[j])) - 1e-9:
                pairs.add((i, j) if i < j else (j, i))
    return pairs
