"""The grammar of the ministry's release texts: programme names, eras, rounds, counts, dates.

Pure functions over text; no HTML, no network.  Every text is NFKC-normalised and its
white space dropped first, so full-width digits and brackets (令和５年度, （２次公募）)
read like their ASCII forms.  The wordings handled are those seen on the real site
(``docs/ministry_site.md``):

* programme names — 脱炭素社会実現のための都市間連携事業 (FY2020-), 低炭素社会(の)実現のための
  都市間連携事業 (FY2017-2019), …都市間連携に基づくJCM案件形成可能性調査事業 (FY2016),
  アジアの低炭素社会実現のためのJCM…案件形成可能性調査 / …形成支援事業 (FY2013-2015);
  never the programme's platform contract (…都市間連携プラットフォーム…) or its seminars;
* fiscal years in two eras (平成31年度 and 令和元年度 are both FY2019) or western;
* rounds as (2次), (2次公募), 1次公募, 第2次公募, 二次公募 — or no number at all (FY2016-2018);
* counts as 「N件の応募があり、審査の結果、M件を採択」, 「…M件の都市間連携事業を採択」, 「M件を採択」;
* the cumulative sentence 「アジアを中心に13か国49都市・地域と、日本の20自治体が参画」.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal, NamedTuple

__all__ = [
    "Cumulative",
    "Kind",
    "TitleInfo",
    "clean",
    "names_adoption_list",
    "norm",
    "parse_counts",
    "parse_cumulative",
    "parse_date",
    "parse_fiscal_year",
    "parse_round",
    "parse_title",
]

Kind = Literal["adoption", "call"]


def norm(text: str) -> str:
    """NFKC, then all white space (ASCII and ideographic) removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def clean(text: str) -> str:
    """Tidy-up for display (no NFKC): white space runs collapsed to one space."""
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- years and rounds

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ERA_BASE = {"平成": 1988, "令和": 2018}
_ERA_FY_RE = re.compile(r"(平成|令和)(元|\d{1,2})年度")
_WESTERN_FY_RE = re.compile(r"((?:19|20)\d\d)年度")

_N = r"(\d{1,2}|[一二三四五六七八九])"
_ROUND_RES = (
    re.compile(r"第" + _N + r"次"),
    re.compile(_N + r"次(?:公募|募集)"),
    re.compile(r"\(" + _N + r"次\)"),
)


def _int(token: str) -> int:
    return _KANJI_DIGITS[token] if token in _KANJI_DIGITS else int(token)


def _era_year(era: str, number: str) -> int:
    return _ERA_BASE[era] + (1 if number == "元" else int(number))


def parse_fiscal_year(text: str) -> int | None:
    """The first fiscal year named in ``text`` (``令和５年度`` -> 2023, ``令和元年度`` and
    ``平成31年度`` -> 2019, ``2024年度`` -> 2024), else ``None``.  平成N = 1988+N, 令和N =
    2018+N, 元 = 1."""
    t = norm(text)
    era = _ERA_FY_RE.search(t)
    western = _WESTERN_FY_RE.search(t)
    if era and (not western or era.start() < western.start()):
        return _era_year(era.group(1), era.group(2))
    if western:
        return int(western.group(1))
    return None


def parse_round(text: str) -> int | None:
    """The call round marked in ``text`` — ``(2次)``, ``(2次公募)``, ``1次公募``,
    ``第2次公募``, ``二次公募``, full-width digits alike — else ``None``."""
    t = norm(text)
    hits = [m for rx in _ROUND_RES for m in rx.finditer(t)]
    if not hits:
        return None
    return _int(min(hits, key=lambda m: m.start()).group(1))


# --------------------------------------------------------------------------- titles


class TitleInfo(NamedTuple):
    """What :func:`parse_title` reads from a release title.

    ``kind`` is ``None`` for a release of the programme that is neither an adoption
    result nor a call (a seminar, a report); ``fiscal_year`` is ``None`` when the title
    names no year; ``round_stated`` tells whether ``call_round`` came from a marker in the
    title or is the default 1 (the FY2016-2018 calls had no number).
    """

    fiscal_year: int | None
    call_round: int
    round_stated: bool
    kind: Kind | None


_PROGRAMME_RE = re.compile(
    r"(?:低炭素|脱炭素)社会(?:の)?実現のための都市間連携(?:事業|に基づく)"
    r"|アジアの低炭素社会実現のためのJCM.{0,20}?(?:案件形成可能性調査|形成支援)"
)
# Same words, other things: the platform contract and events of the programme.
_NOT_A_CALL_RE = re.compile(r"プラットフォーム|セミナー|シンポジウム|フォーラム|ワークショップ|報告会|開催")
_ADOPTION_RE = re.compile(r"採択|契約候補|(?:公募|募集)の?結果")
_CALL_RE = re.compile(r"公募|募集|委託業務について")


def parse_title(title: str) -> TitleInfo | None:
    """Read a press-release title; ``None`` unless it names this programme.

    >>> parse_title("令和５年度脱炭素社会実現のための都市間連携事業委託業務（２次公募）採択結果について")
    TitleInfo(fiscal_year=2023, call_round=2, round_stated=True, kind='adoption')

    ``kind`` is ``"adoption"`` when the title speaks of 採択 / 契約候補 / 公募の結果, else
    ``"call"`` when it speaks of 公募 / 募集 or is the bare ``…委託業務について(お知らせ)``
    announcement, else ``None``.  A title about a platform contract, a seminar, a report
    meeting or another event of the programme has ``kind`` ``None`` even when it says
    募集 (of participants) or 委託業務.
    """
    t = norm(title)
    if not _PROGRAMME_RE.search(t):
        return None
    kind: Kind | None
    if _NOT_A_CALL_RE.search(t):
        kind = None
    elif _ADOPTION_RE.search(t):
        kind = "adoption"
    elif _CALL_RE.search(t):
        kind = "call"
    else:
        kind = None
    rnd = parse_round(t)
    return TitleInfo(parse_fiscal_year(t), rnd or 1, rnd is not None, kind)


_LIST_TITLE_RE = re.compile(r"(?:採択|契約候補)(?:案件|事業)(?:一覧|の一覧)")
_NAMED_IN_BODY_RE = re.compile(r"「([^「」]*(?:採択|契約候補)(?:案件|事業)一覧[^「」]*)」\(?別添")


def names_adoption_list(text: str) -> bool:
    """Whether a link text names the adoption list (採択案件一覧, 採択事業一覧, 採択案件一覧表,
    契約候補事業一覧), whatever decorations surround it."""
    return bool(_LIST_TITLE_RE.search(norm(text)))


def list_named_in_body(text: str) -> str | None:
    """The title of the adoption list when the body names it and points at an enclosure:
    「「平成30年度…公募採択案件一覧表」(別添)を御参照ください」 -> ``平成30年度…公募採択案件一覧表``."""
    m = _NAMED_IN_BODY_RE.search(norm(text))
    return m.group(1) if m else None


# --------------------------------------------------------------------------- counts

_APPLICATION_RES = (
    re.compile(r"(\d+)件の(?:応募|提案)"),
    re.compile(r"応募(?:総数|件数|数)(?:は|が)?[:]?(?:計|合計)?(\d+)件"),
    re.compile(r"応募(?:のあった|があった|された|を受けた)(\d+)件"),
    re.compile(r"(\d+)件が応募"),
)
_ADOPTED_RES = (
    re.compile(r"(\d+)件を(?:採択|契約候補|選定)"),
    # 「18件の都市間連携事業を採択」 (2023-): a short noun phrase between 件の and を採択
    re.compile(r"(\d+)件の[^、。件応提]{1,20}?(?:を|が)採択"),
    re.compile(r"採択(?:件数|数|総数)?(?:は|が)?[:]?(?:計|合計)?(\d+)件"),
    re.compile(r"(\d+)件が採択"),
    re.compile(r"契約候補(?:事業|案件|者)?(?:として|は)?(\d+)件"),
)


def _first_number(text: str, patterns: Iterable[re.Pattern[str]]) -> int | None:
    hits = [m for rx in patterns for m in rx.finditer(text)]
    if not hits:
        return None
    return int(min(hits, key=lambda m: m.start()).group(1))


def parse_counts(text: str) -> tuple[int | None, int | None]:
    """``(applications, adopted)`` stated in a release's text, ``None`` for either when not
    stated.  Reads 「24件の応募があり、審査の結果、18件の都市間連携事業を採択」, 「…21件を採択」,
    「応募総数24件…採択21件」, 「8件の応募の中から4件を採択」, 「2件の都市間連携事業を採択」 (no
    application count) and close variants; the earliest statement of each count wins."""
    t = norm(text)
    return _first_number(t, _APPLICATION_RES), _first_number(t, _ADOPTED_RES)


class Cumulative(NamedTuple):
    """The programme's cumulative participation quoted in a release."""

    countries: int
    partner_cities: int
    local_governments: int


_CUMULATIVE_RE = re.compile(
    r"(\d+)(?:か|カ|ヵ|ケ|ヶ)国(?:の)?(\d+)都市(?:・地域)?(?:と|、)*(?:日本|国内)(?:の|国内の)?(\d+)(?:自治体|都市)"
)


def parse_cumulative(text: str) -> Cumulative | None:
    """「アジアを中心に13か国49都市・地域と、日本の20自治体が参画」 -> ``Cumulative(13, 49, 20)``
    (か国 / カ国, 日本の / 日本国内の, 自治体 / 都市 alike); ``None`` when not quoted."""
    m = _CUMULATIVE_RE.search(norm(text))
    return Cumulative(*map(int, m.groups())) if m else None


# --------------------------------------------------------------------------- dates

_DATE_RES = (
    re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"((?:19|20)\d\d)[./-](\d{1,2})[./-](\d{1,2})"),
)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD`` (``2024年03月29日``, ``平成28年2月25日``,
    ``令和元年5月10日``, ``2024-03-29``, ``2024.3.29``), else ``None``."""
    t = norm(text)
    best: tuple[int, str] | None = None
    for rx in _DATE_RES:
        for m in rx.finditer(t):
            g = m.groups()
            if g[0] in _ERA_BASE:
                year, month, day = _era_year(g[0], g[1]), int(g[2]), int(g[3])
            else:
                year, month, day = int(g[0]), int(g[1]), int(g[2])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), f"{year:04d}-{month:02d}-{day:02d}")
            break
    return best[1] if best else None
