"""Where a printed line and an item end: the one place that decides, for every kind of cell.

The extractor reports each cell's printed lines and a geometric verdict per line end
(``wrapped`` / ``broken`` / ``unsure``, see docs/contract.md). `read_cell` decides every end,
once, and gives the cell's items (participants, places, fields: one per item; prose: one per
paragraph) with the doubts it could not settle. Evidence, strongest first:

1. certain breaks: a blank line; a line ending in a label colon (「協力事業者：」); a role label
   starting the next line; an item marker (・ ● ① 1) (1) １）) starting it after a sentence
   end, in a list, or after an item that started with a marker too;
2. certain joins: a bracket left open; a line that is only a bracketed abbreviation 「（EEC）」; a line starting with what JIS X 4051 forbids at a line
   start (closing brackets, 、。, small kana, ー); a line ending in an opening bracket, 、 or ・;
   in names, a line that is only a legal form or only a unit suffix (本部, 局, 課, センター ...)
   never stands alone — a legal form alone joins the name after it when the item before is
   already a whole name, else it ends the item before;
3. knowledge: joining two lines into a name known for the kind (organisations known to the
   programme, data/known_organizations.csv, and municipalities; the gazetteer; the field
   taxonomy) joins them — with a space or without, whichever is known; two known names stay
   apart, unless the line was full and the gazetteer or the taxonomy knows them joined;
4. geometry and the grammar of names: a ``broken`` end breaks; a ``wrapped`` end joins unless
   both sides read as whole names (a legal form, a government, an organisation-type ending)
   and the second starts like one; an ``unsure`` end breaks between two whole names, else
   joins; a line that is no name on its own, ending an item, joins the one before. In prose,
   a sentence that ends at a full line is undecidable by geometry: it breaks where the cell's
   author ends more sentences with a paragraph than inside one, else joins — a doubt; a
   heading that fills its line ends there if the next line runs on (a body), not if that one
   ends short (the heading's rest) — a doubt too, unless the end cuts a word. Where two
   items or paragraphs part at a page break and the cell left room there (the extractor's
   ``page_breaks``), a blank line of the author's may be lost, or the producer kept lines
   together: read without one, a doubt (`BLANK_AT_PAGE_BREAK`).
Decisions taken on the grammar alone, or against the geometry, are doubts: `Reading.doubts`
and the warehouse's ``review`` table.

Why one module of ~700 lines: issue 9 asks for one place that decides every line end and
item boundary, for every kind of cell; its rules read each other's evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from ._data import read_csv
from .text import clean, is_latin, open_brackets, split_outside_brackets

WRAPPED, BROKEN, UNSURE = "wrapped", "broken", "unsure"
SPACE_WRAP = "two known names; the line fitted all but a full-width space: wrapped at it"
PARTICIPANTS, NAME, PLACES, CITIES, FIELDS, PROSE = (
    "participants",
    "name",
    "places",
    "cities",
    "fields",
    "prose",
)
LISTS = (PARTICIPANTS, PLACES, CITIES, FIELDS)

# JIS X 4051 line-start prohibition (行頭禁則): these never begin a line of their own
LINE_START_FORBIDDEN = set(
    "ーッンぁぃぅぇぉっゃゅょゎァィゥェォャュョヮヵヶ）)]」』】〕〉》、。，．,.:：;；!！?？"
)
_OPENING_END = set("（([「『【〔〈《、，,・")
SENTENCE_END = set("。．.！？!?")
_JAPANESE_SENTENCE_END = set("。．")
SENTENCE_AT_FULL_LINE = "a sentence ends at a full line: the author's break or a wrap"
BLANK_AT_PAGE_BREAK = (
    "the row goes on on the next page and the cell left room for a line there: a blank line"
    " of the author's, lost at the break, or lines the producer kept together"
)
_MARKER = re.compile(
    r"^(?:[・●○◎■□◆◇▪▫•‣※＊*]|[\u2460-\u2473\u2776-\u2793]|[(（]?[0-9０-９]{1,2}[)）]|[0-9０-９]{1,2}[.．](?!\d))"
)
_PLACE_SUFFIXES = {"省", "市", "州", "県", "区", "郡", "都", "府", "道", "町", "村", "地域", "特別州"}
_ABBREVIATION_LINE = re.compile(r"^[(（][A-Za-z0-9&.\- ]{1,15}[)）]$")
_LABEL_END = re.compile(r"[：:]$")
UNIT_SUFFIXES = (
    "本部",
    "部",
    "局",
    "課",
    "室",
    "係",
    "センター",
    "事務所",
    "事務局",
    "支所",
    "支店",
    "支社",
    "グループ",
    "チーム",
    "協議会",
    "協会",
    "研究所",
    "機構",
    "財団",
    "組合",
)
_ORG_ENDING = re.compile(
    r"(大学|大学院|協会|協議会|機構|財団|銀行|商工会議所|会議所|庁|省|委員会|センター|"
    r"研究所|組合|公社|事業団)$"
)


@dataclass(frozen=True)
class PrintedCell:
    """A cell as printed: its lines and the verdict on each line end (one fewer); the ends
    at a page break inside the row, with the room in lines the cell left there."""

    lines: tuple[str, ...]
    ends: tuple[str, ...]
    page_breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Doubt:
    """A line end decided on weak or conflicting evidence."""

    end: int  # index of the line whose end it is
    joined: bool  # what was chosen
    reason: str
    blank_line: bool = False  # the doubt is a blank line possibly lost there, not the join


@dataclass
class Reading:
    items: list[str]  # logical lines: items of a list, paragraphs of prose ("" = blank line)
    doubts: list[Doubt] = field(default_factory=list)
    alternative: list[str] | None = None  # the items with every doubted end decided the other way

    @property
    def text(self) -> str:
        return "\n".join(self.items)


def printed(cell) -> PrintedCell:
    """A PrintedCell from the extractor's cell lines (anything with ``lines`` and ``ends``)
    or from plain text (each line end taken as the author's: ``broken``)."""
    if isinstance(cell, PrintedCell):
        return cell
    if cell is None:
        return PrintedCell((), ())
    if isinstance(cell, str):
        lines = tuple(cell.replace("\r\n", "\n").split("\n"))
        return PrintedCell(lines, (BROKEN,) * (len(lines) - 1))
    if isinstance(cell, dict):
        breaks = tuple((int(b["end"]), int(b["room"])) for b in cell.get("page_breaks", ()))
        return PrintedCell(tuple(cell["lines"]), tuple(cell["ends"]), breaks)
    return PrintedCell(tuple(cell.lines), tuple(cell.ends), tuple(getattr(cell, "page_breaks", ())))


def join_pair(a: str, b: str) -> str:
    """Two lines read as one: one space between Latin words, none next to Japanese (Japanese
    line breaking takes none), none after a hyphen, a slash or a space typed at the wrap, none
    before a hyphen that goes on with a word (「Nature-based」/「-solution」), none inside a
    number cut in two."""
    a, b = a.rstrip(" "), b.lstrip(" ")
    last, first = a[-1:], b[:1]
    if first == "-" and (b[1:2].isalnum() or b == "-"):
        return a + b
    if is_latin(last) and is_latin(first) and last not in "-/" and not (last.isdigit() and first.isdigit()):
        return a + " " + b
    return a + b


def _joins(a: str, b: str) -> list[str]:
    """The readings of a and b as one line: the grammatical one first, then without a space,
    then with one (a wrap at a space before a bracket, 「Co., Ltd. （TDEM）」)."""
    a, b = a.rstrip(" "), b.lstrip(" ")
    return list(dict.fromkeys([join_pair(a, b), a + b, a + " " + b]))


# an upper-case run that begins after Japanese text or a bracket, and one that ends before
# them: the two halves of an abbreviation a breaker that cuts anywhere split
_ACRONYM_END = re.compile(r"(?:^|[^\x00-\x7f]|[(（])([A-Z]{1,4})$")
_ACRONYM_START = re.compile(r"[A-Z]{1,4}(?=$|[^\x00-\x7f]|[)）])")
_FUNCTION_WORDS = {"and", "of", "for", "the", "de", "du", "la", "le", "in", "on", "at", "to", "y", "et"}


def _join_text(item: str, b: str, kind: str, known: Known | None, words: frozenset[str] = frozenset()) -> str:
    """The text of item and b read as one. For names: a known organisation's spelling (or
    its beginning) wins, spaces as it spells them (U+3000 included: a wrap at a space leaves
    no trace of which); else a Latin word cut in two joins without a space — a word the row
    prints whole elsewhere or the reference data spell (`_cuts_a_word`), the two pieces not
    both words; or, outside prose, the next line going on in lower case; else the
    grammatical join."""
    options = _joins(item, b)
    names = kind in (PARTICIPANTS, NAME)
    if names:
        a, c = item.rstrip(" "), b.lstrip(" ")
        spelled = options + [a + "\u3000" + c]
        hit = (
            next((j for j in spelled if _bare(j) in _known_spellings()), None)
            or next((j for j in spelled if known_prefix(j)), None)
            or _known_spacing(a, c)
        )
        if hit is not None:
            return hit
    a, c = item.rstrip(" "), b.lstrip(" ")
    if _cuts_a_word(a, c, words):
        return a + c
    end, start = _ACRONYM_END.search(a), _ACRONYM_START.match(c)
    if end and start and len(end.group(1) + start.group(0)) <= 5:
        return a + c  # an abbreviation in Japanese text cut in two (「（EE」/「C）」, 「GH」/「G」)
    if kind != PROSE:
        word = re.match(r"[a-z]+", c)
        if a[-1:].isascii() and a[-1:].isalpha() and word and word.group(0) not in _FUNCTION_WORDS:
            return a + c
    if known is not None:
        hit = next((j for j in options if known(j)), None)
        if hit is not None:
            return hit
    return options[0]


_LATIN_WORD = re.compile(r"[A-Za-z]+")
_WORD_END = re.compile(r"[A-Za-z]+$")


def printed_words(cells) -> frozenset[str]:
    """The Latin words printed whole in these cells (anything `printed` takes), casefolded: a
    word inside a line, touching neither of its ends (where a wrap may have cut one)."""
    out: set[str] = set()
    for cell in cells:
        for line in printed(cell).lines:
            line = line.strip(" \u3000")
            out.update(
                m.group().casefold()
                for m in _LATIN_WORD.finditer(line)
                if m.start() > 0 and m.end() < len(line)
            )
    return frozenset(out)


@lru_cache(maxsize=1)
def _reference_words() -> frozenset[str]:
    """The Latin words of the reference data: organisations known to the programme and the
    field taxonomy's labels, casefolded."""
    names = [r["name"] for r in read_csv("known_organizations.csv")]
    names += [r["label"] for r in read_csv("field_taxonomy.csv")]
    return frozenset(m.group().casefold() for n in names for m in _LATIN_WORD.finditer(n))


def _cuts_a_word(a: str, b: str, words: frozenset[str]) -> bool:
    """Whether the end of a and the start of b are the two pieces of one Latin word cut by a
    wrap: together a word (printed whole in the row, ``words``, or spelled by the reference
    data), and not both words on their own (「soluti」/「on」, 「Rac」/「e」; not 「to」/「day」)."""
    head, tail = _WORD_END.search(a), _LATIN_WORD.match(b)
    if head is None or tail is None:
        return False
    reference = _reference_words()
    x, y = head.group().casefold(), tail.group().casefold()
    is_word = lambda w: w in words or w in reference  # noqa: E731 - no union built per line end
    return is_word(x + y) and not (is_word(x) and is_word(y))


def _known_spacing(a: str, b: str) -> str | None:
    """a and b joined as the known organisation whose letters (white space aside) they begin
    spaces them at the join (「…Soluti」/「on Alliance」 -> 「Solution」), when one is."""
    head, tail = "".join(_bare(a).split()), "".join(b.split())
    if len(head) < 4 or not tail:
        return None
    for k in sorted(_known_spellings()):
        letters = "".join(k.split())
        if not letters.startswith(head + tail[:8]):
            continue
        seen = 0  # walk k to the join: the white space k has there is the join's
        for i, ch in enumerate(k):
            if not ch.isspace():
                seen += 1
            elif seen == len(head):
                return a + ch + b
            if seen == len(head) and i + 1 < len(k) and not k[i + 1].isspace():
                return a + b
        return None
    return None


def _bare(text: str) -> str:
    return text.strip(" \u3000").lstrip("・•●○■□◆◇ \u3000")


@lru_cache(maxsize=1)
def _spellings_by_letters() -> dict[str, str]:
    return {"".join(k.split()): k for k in _known_spellings()}


def known_spelling(text: str) -> str | None:
    """The spelling of data/known_organizations.csv that text matches but for white space."""
    return _spellings_by_letters().get("".join(_bare(text).split()))


@lru_cache(maxsize=1)
def _known_spellings() -> frozenset[str]:
    return frozenset(r["name"] for r in read_csv("known_organizations.csv"))


@lru_cache(maxsize=8192)
def known_prefix(text: str, spaced: bool = True) -> bool:
    """Whether text, spaces as printed, begins a name of data/known_organizations.csv (with
    ``spaced=False``: white space aside)."""
    t = _bare(text)
    if not spaced:
        t = "".join(t.split())
        return len(t) >= 4 and any("".join(k.split()).startswith(t) for k in _known_spellings())
    return len(t) >= 4 and any(k.startswith(t) for k in _known_spellings())


_LABEL = re.compile(r"^\s*[【\[〔(（<＜]?\s*([^：:】\]〕)）>＞\n]{2,16}?)\s*[】\]〕)）>＞]?\s*[：:]\s*(.*)$")
_BULLET = re.compile(r"^\s*[・•●○■□◆◇▪▫‣＊*]\s*|^\s*-\s+")


@lru_cache(maxsize=1)
def _role_labels() -> dict[str, str]:
    return {clean(r["label"]).replace(" ", ""): r["role"] for r in read_csv("role_labels.csv")}


def role_label(line: str) -> tuple[str, str] | None:
    """(role, rest of line) when the line starts with a known role label (data/role_labels.csv)."""
    m = _LABEL.match(line)
    if not m:
        return None
    role = _role_labels().get(clean(m.group(1)).replace(" ", ""))
    return None if role is None else (role, m.group(2))


def starts_with_label(line: str) -> bool:
    return role_label(_BULLET.sub("", line, count=1)) is not None


def starts_with_marker(line: str) -> bool:
    return bool(_MARKER.match(line.lstrip(" \u3000")))


# --- the grammar of organisation names ------------------------------------------------------


def _legal_forms() -> tuple[str, ...]:
    from .orgs import LEGAL_FORMS

    return tuple(LEGAL_FORMS)


_ABBREVIATED_FORM = re.compile(r"^[(（](株|有|合|一社|一財|公社|公財|特非)[)）]$|^㈱$|^㈲$")
_LATIN_FORM = re.compile(
    r"^(Co\.?,?\s*Ltd\.?|Ltd\.?|LLC|Inc\.?|Corp\.?|Corporation|JSC|PLC|GmbH|PT\.?|CV\.?)$", re.I
)


def is_legal_form(line: str) -> bool:
    t = clean(line).strip("・ ")
    return t in _legal_forms() or bool(_ABBREVIATED_FORM.match(t)) or bool(_LATIN_FORM.match(t))


def is_unit_suffix(line: str) -> bool:
    return clean(line).strip(" ") in UNIT_SUFFIXES


_UNIT_END = re.compile(r"(?:局|部|課|室|係|センター|事務所)")
_FOREIGN_PLACE = re.compile(r"[ァ-ヴー]{2,}(?:市|州|省|県|都|区)")


@lru_cache(maxsize=4096)
def _government(text: str) -> bool:
    """A Japanese local government alone or with its department — one, not two run
    together (「北九州市環境局ハイフォン市外務局」 is two)."""
    from .orgs import split_org

    org, dept = split_org(text)
    if org.org_type != "local_government_jp":
        return False
    if not dept:
        return True
    if _FOREIGN_PLACE.search(dept):
        return False
    return not any(_cached_prefix(dept[m.end() :].lstrip(" \u3000")) for m in _UNIT_END.finditer(dept))


def starts_like_name(line: str) -> bool:
    """A line that begins the way an organisation's name does: a legal form first, a
    Japanese government's name, an item marker."""
    t = clean(line).lstrip("・•●○■□◆◇ ")
    if starts_with_marker(line) or re.match(r"^(PT|CV)\.?\s", t):
        return True
    if any(t.startswith(f) for f in _legal_forms()) or re.match(
        r"^[(（](株|有|合|一社|一財|公社|公財)[)）]", t
    ):
        return True
    return _cached_prefix(t)


@lru_cache(maxsize=4096)
def _cached_prefix(t: str) -> bool:
    from .municipalities import government_prefix

    return government_prefix(t) is not None


def _form_across(a: str, b: str) -> bool:
    """Whether a legal form runs across the end of a into b (「株式」/「会社」, 「公益財団」/「法人…」)."""
    a, b = clean(a), clean(b)
    for form in _legal_forms():
        for k in range(1, len(form)):
            if a.endswith(form[:k]) and b.startswith(form[k:]) and not a.endswith(form):
                return True
    return False


def _legal_form_of(text: str) -> str | None:
    from .orgs import expand_abbreviations, split_legal_form

    t = clean(text).lstrip("・•●○■□◆◇ ")
    return None if is_legal_form(t) else split_legal_form(expand_abbreviations(t))[0]


def whole_name(text: str) -> bool:
    """Whether text reads as a whole organisation name by its grammar: a legal form with a
    name beside it, a government at home or abroad (with its department), an
    organisation-type ending (大学, 協議会, 銀行, ...)."""
    t = clean(text).lstrip("・•●○■□◆◇ ")
    if not t or is_legal_form(t) or is_unit_suffix(t):
        return False
    from .orgs import split_legal_form, expand_abbreviations

    form, _pos, base = split_legal_form(expand_abbreviations(t))
    if form and base and len(base) >= 2:
        return True
    return _government(t) or _foreign_government(t) or bool(_ORG_ENDING.search(t))


@lru_cache(maxsize=4096)
def _foreign_government(text: str) -> bool:
    from .orgs import split_org

    org, dept = split_org(text)
    return org.org_type == "local_government_foreign" and not (dept and _FOREIGN_PLACE.search(dept))


@lru_cache(maxsize=8192)
def closed_name(text: str) -> bool:
    """A whole name whose end is its last word: a suffix legal form, an organisation-type
    ending, or a government (with its department)."""
    t = clean(text)
    from .orgs import expand_abbreviations, split_legal_form

    form, pos, _base = split_legal_form(expand_abbreviations(t))
    return (
        (form is not None and pos == "suffix")
        or bool(_ORG_ENDING.search(t))
        or _government(t)
        or _foreign_government(t)
    )


# --- knowledge ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_org_keys() -> frozenset[str]:
    from .orgs import matching_key

    return frozenset(matching_key(r["name"]) for r in read_csv("known_organizations.csv"))


@lru_cache(maxsize=8192)
def known_organization(text: str) -> bool:
    """A name of data/known_organizations.csv (any spelling sharing its org_id) or a
    Japanese local government, with or without its department."""
    from .orgs import matching_key

    t = clean(text).lstrip("・•●○■□◆◇ ")
    if not t or is_legal_form(t):
        return False
    return matching_key(t) in _known_org_keys() or _government(t)


Known = Callable[[str], bool]


# --- the decision ---------------------------------------------------------------------------


def _decide(
    item: str,
    a: str,
    b: str,
    after: str | None,
    end: str,
    kind: str,
    known: Known | None,
    item_marked: bool,
    b_item: str,
    sentence_paragraphs: bool = False,
    b_end: str | None = None,
) -> tuple[bool, bool, str]:
    """(join, sure, reason) for the end of line a (item = the item it ends so far), b the next
    line, after the one after b (None at the cell's end), b_item the item b would begin (b
    with the lines the geometry says it wrapped onto); ``sentence_paragraphs``: the cell's
    author ends more sentences with a paragraph than inside one (`_sentence_paragraphs`);
    ``b_end`` the verdict on b's own end (None: b is the cell's last line)."""
    if not a.strip() or not b.strip():
        return False, True, "blank line"
    names = kind in (PARTICIPANTS, NAME)
    sa, sb = a.rstrip(" \u3000"), b.lstrip(" \u3000")
    if kind in LISTS:  # names separated by 、 on one line: judge the two next to the line end
        item = split_outside_brackets(item, "、，")[-1] or item
        b_item = split_outside_brackets(b_item, "、，")[0] or b_item
    b_head = (split_outside_brackets(sb, "、，")[0] or sb) if kind in LISTS else sb
    b_raw = b.lstrip(" ")  # as printed: a U+3000 typed at the wrap belongs to the join
    b_raw = (split_outside_brackets(b_raw, "、，")[0] or b_raw) if kind in LISTS else b_raw
    if kind == PARTICIPANTS:  # the name after a role label (「共同応募者：川崎市」)
        label = role_label(_BULLET.sub("", item, count=1))
        item = label[1] if label and label[1].strip() else item
    # 1. certain breaks
    if (
        kind == PARTICIPANTS
        and _LABEL_END.search(sa)
        and end == WRAPPED
        and after is None
        and not starts_with_label(sb)
        and not starts_with_marker(sb)
    ):
        # the line was full: the one name after the label wrapped (「共同応募者：」/「川崎市」)
        return True, True, "a role label's one name, wrapped"
    if kind == PARTICIPANTS and (_LABEL_END.search(sa) or starts_with_label(sb)):
        return False, True, "role label"
    if (
        names
        and sb[0] == "・"
        and end != BROKEN
        and known is not None
        and sb.lstrip("・ \u3000")
        and any(known(j) for j in _joins(item, b_raw))
    ):
        # the line was full and a known name runs on across it (「株式会社グリーン」/「・パシフィック」;
        # a 「・」 alone on the line adds nothing to the name)
        return True, True, "「・」 starts the line inside a known name"
    if names and sb[0] == "・" and not whole_name(item):
        # 「・」 may not start a line (JIS X 4051): a bullet, or the middle dot of a name
        if item_marked and any(known_prefix(j) for j in _joins(item, b_raw)):
            return True, True, "「・」 starts the line inside a known name"
        if not item_marked:
            return True, False, "「・」 starts the line, but the name before it is not whole"
    if (
        kind in (PLACES, CITIES, FIELDS)
        and sb[0] == "・"
        and end != BROKEN
        and known is not None
        and any(known(j) for j in _joins(item, b_raw))
    ):
        return True, True, "「・」 starts the line inside a known name"  # a middle dot, no bullet
    if (
        starts_with_marker(sb)
        and open_brackets(item) <= 0
        and (sa[-1] in SENTENCE_END or kind in LISTS or item_marked)
    ):
        return False, True, "item marker after an item's end"
    if (
        kind == PROSE
        and starts_with_marker(sb)
        and open_brackets(item) <= 0
        and sa[-1] not in _OPENING_END
        and _HEADING.match(clean(item))
    ):
        return False, True, "item marker after a heading (「活動2：…」)"
    # 2. certain joins
    if open_brackets(item) > 0:
        return True, True, "bracket left open"
    if sb[0] in LINE_START_FORBIDDEN:
        return True, True, "line-start rule (JIS X 4051)"
    if sa[-1] in _OPENING_END:
        return True, True, "line ends in an opening bracket or a separator"
    if _ABBREVIATION_LINE.match(sb):
        return True, True, "a bracketed abbreviation belongs to the name before it"
    if kind in (PLACES, CITIES) and sb in _PLACE_SUFFIXES:
        return True, True, "an administrative suffix alone never stands alone"
    if kind == CITIES and (a.endswith("\u3000") or b.startswith("\u3000")):
        return True, True, SPACE_WRAP
    if names:
        if _form_across(item, b_head):
            return True, True, "a legal form cut by the line end"
        if is_legal_form(b_head) and b_head != sb:
            return True, True, "a legal form never stands alone"  # 「株式会社、…」 「㈱、…」
        if is_unit_suffix(sb) or (
            is_legal_form(sb) and not (whole_name(item) and after is not None and not starts_like_name(after))
        ):
            return True, True, "a legal form or unit suffix never stands alone"
        if is_legal_form(item):
            return True, True, "a legal form alone starts the name after it"
        if is_legal_form(sb):
            return False, True, "a legal form alone starts the name after it"
        if sb[0] in "（(" and not starts_with_marker(sb):
            return True, True, "a parenthesis after a name belongs to it"
        if _legal_form_of(item) and _legal_form_of(b_head):
            return False, True, "each line has its own legal form: two names"
    # 3. knowledge
    if known is not None:
        if kind in (PLACES, FIELDS) and end == WRAPPED and any(known(j) for j in _joins(item, b_item)):
            # the gazetteer and the taxonomy list whole names: a full line that runs on into
            # one (「リアウ州」/「ローカン」/「ウル県」) joins, though its two parts are names too
            return True, True, "joined, a known name (the line was full)"
        if known(item) and (known(sb) or known(b_item) or (after is None and whole_name(sb))):
            if kind == CITIES and end != BROKEN:
                return True, True, SPACE_WRAP  # the cell's names are split at spaces, too
            return False, True, "two known names"
        if any(known(j) for j in _joins(item, b_raw)):
            return True, True, "joined, a known name"
        if (
            known(item)
            and not (names and any(known_prefix(j, False) for j in _joins(item, b_raw)))
            and (end != WRAPPED or names)
            and (not names or whole_name(b_item) or starts_like_name(sb))
        ):
            return False, end == BROKEN, "a known name, and joining makes none"
    # 4. geometry, with the grammar of names for lists
    if kind == PROSE and end != WRAPPED and sa[-1] in SENTENCE_END:
        return False, True, "a sentence ends where the line ended short"
    if kind == PROSE and sa[-1] in _JAPANESE_SENTENCE_END:
        # the line was full and a sentence ends with it: the author's break and a wrap print
        # alike. The cell's author decides: a break where they end more sentences with a
        # paragraph than inside one (`_sentence_paragraphs`), else a wrap; a doubt either way
        if sentence_paragraphs:
            return False, False, SENTENCE_AT_FULL_LINE + "; its author ends most sentences with a paragraph"
        return True, False, SENTENCE_AT_FULL_LINE + "; its author ends most sentences inside a paragraph"
    if kind == PROSE and end == UNSURE and not (is_latin(sa[-1]) or is_latin(sb[0]) or _katakana(sb[0])):
        # between Japanese glyphs the next one fitted, but not by a glyph's width more: an
        # author's break only where the text shows one (a heading, a label after it); else a
        # wrap, sure when the line end cuts a word or the next line goes on with a particle
        if _HEADING.match(clean(item)) or _HEADING.match(clean(sb)):
            return False, True, "a heading (「活動1：」) ends where the line ended short"
        if continues_clause(sa, sb):
            return True, True, "geometry: unsure; the line end cuts a word or a clause"
        return True, False, "geometry: unsure, the next glyph fitted; joined as a wrap"
    if kind == PROSE and end == WRAPPED and _heading_so_far(item):
        # a heading that fills its line exactly: wrapped, or ended by its author there. A
        # heading is short: what is left of it ends the next line short; a body runs on
        if continues_clause(sa, sb):
            return True, True, "a heading (「活動1：…」) fills its line; the line end cuts a word or a clause"
        if b_end == WRAPPED:
            return False, False, "a heading (「活動1：…」) fills its line, the next line runs on: a body"
        return True, False, "a heading (「活動1：…」) fills its line, the next ends short: its rest"
    if kind == PROSE or kind == NAME:
        return end != BROKEN, True, f"geometry: {end}"
    whole_item = whole_name(item) if names else (known is not None and known(item))
    next_whole = (
        (whole_name(sb) or whole_name(b_item) or starts_like_name(sb))
        if names
        else (known is not None and (known(sb) or known(b_item)))
    )
    if end == WRAPPED:
        # a full line ends an item only if the next starts like a name, or this one is closed
        # (its legal form, type or government last) and the next reads as a whole name
        if whole_item and (starts_like_name(sb) or (names and closed_name(item) and whole_name(b_item))):
            return False, False, "the line was full, but both lines read as whole names"
        return True, True, "geometry: wrapped"
    if end == UNSURE:
        if whole_item and next_whole:
            return False, False, "the line fits the cell exactly; both lines read as whole names"
        return True, False, "the line fits the cell exactly; the next line does not start a name"
    # broken
    if names and not whole_name(sb) and not starts_like_name(sb) and after is None and not whole_item:
        return True, False, "the line ended short, but the next is no name on its own"
    return False, True, "geometry: broken"


_HEADING = re.compile(r"^[^。、，：:（(「\s]{1,12}[0-9０-９]*[：:]")  # 「活動1：」 「背景：」


def _heading_so_far(item: str) -> bool:
    """Whether an item read so far is a heading (「活動1：…」) and nothing else: after its label
    a phrase with no comma or sentence end (a sentence after a label, 「目的：本事業は、…」, is
    a body)."""
    t = clean(item)
    m = _HEADING.match(t)
    return m is not None and not any(ch in "、，。．" for ch in t[m.end() :])


_DEPENDENT = ("助詞", "助動詞", "接尾辞", "補助記号")


@lru_cache(maxsize=4096)
def continues_clause(a: str, b: str) -> bool:
    """Whether Japanese line b goes on with line a's word or clause: the end of a falls inside
    a word (SudachiPy, mode C: 「導」/「出」, 「貢献す」/「る」), or b starts with what never starts
    a clause of its own (a particle, an auxiliary, a suffix, a dependent verb: 「し、」 「て、」)."""
    from .text import tokens

    tail, head = a[-12:], b[:12]
    pos = 0
    for surface, part in tokens(tail + head):
        end = pos + len(surface)
        if pos < len(tail) < end:
            return True  # a word cut by the line end
        if pos == len(tail):
            return part[0] in _DEPENDENT or (part[0] == "動詞" and part[1] == "非自立可能")
        pos = end
    return False


def _run_from(pc: PrintedCell, k: int, known: Known | None) -> str:
    """Line k joined with the lines after it that geometry says it wrapped onto, and with a
    legal form or unit suffix alone that follows, up to a known or closed name: the item
    line k would begin."""
    text = pc.lines[k]
    while (
        k < len(pc.ends)
        and pc.lines[k + 1].strip()
        and not ((known is not None and known(text)) or closed_name(text))
        and (
            pc.ends[k] == WRAPPED
            or is_legal_form(pc.lines[k + 1])
            or is_unit_suffix(pc.lines[k + 1])
            or pc.lines[k + 1].lstrip()[:1] in LINE_START_FORBIDDEN
            or _form_across(text, pc.lines[k + 1])
        )
    ):
        text = join_pair(text, pc.lines[k + 1])
        k += 1
    return text


def _katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fc"


def _sentence_paragraphs(pc: PrintedCell) -> bool:
    """Whether the author of a prose cell ends more of its sentences with a paragraph than
    inside one, as far as the print shows: sentences ending a line short (``broken``) with more
    text after, against sentences ending inside a printed line. (A sentence ending at a full
    line shows neither: it is the one being decided.)"""
    lines = [l.strip(" \u3000") for l in pc.lines]
    inside = sum(ch in _JAPANESE_SENTENCE_END for l in lines for ch in l[:-1])
    ended = sum(
        end == BROKEN and a[-1:] in _JAPANESE_SENTENCE_END and bool(b)
        for end, a, b in zip(pc.ends, lines, lines[1:])
    )
    return ended > inside


def read_cell(cell, kind: str, known: Known | None = None, words: frozenset[str] = frozenset()) -> Reading:
    """Decide every line end of a cell (extractor lines with verdicts, or plain text).

    ``kind``: participants, name (one organisation: the proposer), places, cities, fields or
    prose; ``known(text)`` says whether a text is a known name of the kind (participants and
    names default to `known_organization`); ``words``: the Latin words the row prints whole
    (`printed_words`), which tell a word cut by a wrap."""
    pc = printed(cell)
    if not pc.lines:
        return Reading([])
    if known is None and kind in (PARTICIPANTS, NAME):
        known = known_organization
    items = [pc.lines[0]]
    marked = [starts_with_marker(pc.lines[0])]
    paragraphs = kind == PROSE and _sentence_paragraphs(pc)
    rooms = dict(pc.page_breaks)
    joined_at: list[tuple[int, bool, bool]] = []  # (end, joined, sure)
    doubts: list[Doubt] = []
    for i, (end, b) in enumerate(zip(pc.ends, pc.lines[1:])):
        after = pc.lines[i + 2] if i + 2 < len(pc.lines) and pc.lines[i + 2].strip() else None
        join, sure, reason = _decide(
            items[-1],
            pc.lines[i],
            b,
            after,
            end,
            kind,
            known,
            marked[-1],
            _run_from(pc, i + 1, known),
            paragraphs,
            pc.ends[i + 1] if i + 1 < len(pc.ends) else None,
        )
        if join and reason == SPACE_WRAP:
            items[-1] = items[-1].rstrip(" \u3000") + "\u3000" + b.lstrip(" \u3000")
        elif join:
            items[-1] = _join_text(items[-1], b, kind, known, words)
        else:
            items.append(b.strip(" ") if kind != PROSE else b)
            marked.append(starts_with_marker(b))
        joined_at.append((i, join, sure))
        if not sure:
            doubts.append(Doubt(i, join, reason))
        elif not join and rooms.get(i, 0) and pc.lines[i].strip() and b.strip():
            # a page break where the cell left room: the print cannot say whether a blank line
            # was there (`extractors.cell_text.room_left`); read without one, a doubt
            doubts.append(Doubt(i, join, BLANK_AT_PAGE_BREAK, blank_line=True))
    reading = Reading([x.strip(" ") if kind != PROSE else x.rstrip(" ") for x in items], doubts)
    if doubts:
        flipped = {d.end for d in doubts if not d.blank_line}
        blanks = {d.end for d in doubts if d.blank_line}
        alt = [pc.lines[0]]
        for i, join, _sure in joined_at:
            b = pc.lines[i + 1]
            if join != (i in flipped):
                alt[-1] = join_pair(alt[-1], b)
            else:
                alt += ["", b] if i in blanks else [b]
        reading.alternative = [x.strip(" ") for x in alt]
    return reading
