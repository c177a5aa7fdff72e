"""Discover the programme's adoption releases on the ministry's press-release pages.

The Ministry of the Environment publishes one press release (報道発表) per call for
proposals (公募について) and one per adoption result (採択結果について) of the
都市間連携事業 programme; the adoption release carries the adoption list
(採択案件一覧 / 採択事業一覧) as an attached PDF.  :func:`discover` walks the
press-release listing and its pagination, recognises the programme's releases by
title, opens each one and reports fiscal year, round, stated counts, date and the
attachment's URL.  It downloads no PDF.

Programme names recognised (the title may put them in 「」, with or without 委託業務):

* 脱炭素社会実現のための都市間連携事業 (FY2020-)
* 低炭素社会実現のための都市間連携事業 (FY2017-2019)
* 低炭素社会実現のための都市間連携に基づくJCM案件形成可能性調査事業 (FY2016)
* アジアの低炭素社会実現のためのJCM(...)案件形成可能性調査事業 (FY2014-2015)

Parsing uses only the standard library (``html.parser``, ``unicodedata``); every
text is NFKC-normalised first, so full-width digits and brackets (令和５年度,
（２次公募）) read like their ASCII forms.

Entry points: :func:`discover`, :func:`default_index_url`, :func:`index_url_from_env`;
pure helpers :func:`parse_title`, :func:`parse_counts`, :func:`find_attachment`,
:func:`parse_date`, :func:`parse_fiscal_year`, :func:`parse_round`, :func:`decode_html`.
"""
from __future__ import annotations

import codecs
import os
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal, NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import httpx

__all__ = [
    "DEFAULT_SITE_URL",
    "Attachment",
    "DiscoveredRelease",
    "DiscoveryResult",
    "Link",
    "TitleInfo",
    "decode_html",
    "default_index_url",
    "discover",
    "find_attachment",
    "index_url_from_env",
    "parse_counts",
    "parse_date",
    "parse_fiscal_year",
    "parse_round",
    "parse_title",
]

DEFAULT_SITE_URL = "https://www.env.go.jp"

Kind = Literal["adoption", "call"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DiscoveredRelease:
    """One press release of the programme found by :func:`discover`.

    ``kind`` is ``"adoption"`` (採択結果: carries the adoption list) or ``"call"``
    (公募について: useful for the schedule only; ``pdf_url`` and the counts are
    always ``None`` for a call).  ``call_round`` is 1 when neither the title nor the
    attachment's link text states a round.  ``pdf_url`` is the absolute URL of the
    採択案件一覧/採択事業一覧 PDF, ``None`` when the release links none.
    ``applications``/``adopted`` are the counts stated in the release text, ``None``
    when not stated.  ``date`` is the release date as ``YYYY-MM-DD`` when the page
    (or failing that, the listing) shows one.
    """

    fiscal_year: int
    call_round: int
    kind: Kind
    title: str
    press_url: str
    pdf_url: str | None = None
    applications: int | None = None
    adopted: int | None = None
    date: str | None = None


@dataclass
class DiscoveryResult:
    """What :func:`discover` found: the releases in crawl order, and one message per
    problem (a page that failed to load, a release without a fiscal year, the
    ``max_pages`` bound being reached).  Each error message starts with the URL
    concerned when there is one."""

    releases: list[DiscoveredRelease] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def adoptions(self) -> list[DiscoveredRelease]:
        """The adoption releases only."""
        return [r for r in self.releases if r.kind == "adoption"]

    @property
    def calls(self) -> list[DiscoveredRelease]:
        """The call releases only."""
        return [r for r in self.releases if r.kind == "call"]


class TitleInfo(NamedTuple):
    """What :func:`parse_title` reads from a release title.

    ``kind`` is ``None`` for a release of the programme that is neither an adoption
    result nor a call (a seminar, a report); ``fiscal_year`` is ``None`` when the
    title names no year; ``round_stated`` tells whether ``call_round`` came from a
    marker in the title or is the default 1.
    """

    fiscal_year: int | None
    call_round: int
    round_stated: bool
    kind: Kind | None


class Link(NamedTuple):
    """An ``<a href>`` of a page: its raw ``href``, its text, and context the
    crawler uses (``rel``; whether it sits inside a pagination block; the date
    seen last in its listing item)."""

    href: str
    text: str
    rel: str = ""
    in_pager: bool = False
    item_date: str | None = None


class Attachment(NamedTuple):
    """The adoption-list link of a release: absolute URL and link text."""

    url: str
    text: str
    is_pdf: bool


# --------------------------------------------------------------------------- env


def default_index_url(site_url: str = DEFAULT_SITE_URL) -> str:
    """The press-release listing of a site: ``{site_url}/press/index.html``."""
    return site_url.rstrip("/") + "/press/index.html"


def index_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``C3P_PRESS_INDEX_URL`` if set, else :func:`default_index_url` of
    ``C3P_SITE_URL`` (default :data:`DEFAULT_SITE_URL`)."""
    env = os.environ if environ is None else environ
    explicit = (env.get("C3P_PRESS_INDEX_URL") or "").strip()
    if explicit:
        return explicit
    return default_index_url((env.get("C3P_SITE_URL") or "").strip() or DEFAULT_SITE_URL)


# --------------------------------------------------------------------------- text helpers


def _norm(text: str) -> str:
    """NFKC, then all white space (ASCII and ideographic) removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _clean(text: str) -> str:
    """NFKC-free tidy-up for display: collapse white space runs to one space."""
    return re.sub(r"\s+", " ", text).strip()


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

_PROGRAMME_RE = re.compile(
    r"(?:低炭素|脱炭素)社会(?:の)?実現のための都市間連携"
    r"|アジアの低炭素社会実現のためのJCM.{0,20}?案件形成可能性調査"
)
_ADOPTION_RE = re.compile(r"採択|契約候補|(?:公募|募集)の?結果")
_CALL_RE = re.compile(r"公募|募集|委託業務について")


def _int(token: str) -> int:
    return _KANJI_DIGITS[token] if token in _KANJI_DIGITS else int(token)


def parse_fiscal_year(text: str) -> int | None:
    """The first fiscal year named in ``text`` (``令和５年度`` -> 2023, ``令和元年度``
    -> 2019, ``平成31年度`` -> 2019, ``2024年度`` -> 2024), else ``None``.
    平成N = 1988+N, 令和N = 2018+N, 元 = 1."""
    t = _norm(text)
    era = _ERA_FY_RE.search(t)
    western = _WESTERN_FY_RE.search(t)
    if era and (not western or era.start() < western.start()):
        n = 1 if era.group(2) == "元" else int(era.group(2))
        return _ERA_BASE[era.group(1)] + n
    if western:
        return int(western.group(1))
    return None


def parse_round(text: str) -> int | None:
    """The call round marked in ``text`` — ``(2次)``, ``(2次公募)``, ``1次公募``,
    ``第2次公募``, ``二次公募``, full-width digits alike — else ``None``."""
    t = _norm(text)
    hits = [m for rx in _ROUND_RES for m in rx.finditer(t)]
    if not hits:
        return None
    return _int(min(hits, key=lambda m: m.start()).group(1))


def parse_title(title: str) -> TitleInfo | None:
    """Read a press-release title; ``None`` unless it names this programme.

    >>> parse_title("令和５年度脱炭素社会実現のための都市間連携事業委託業務（２次公募）採択結果について")
    TitleInfo(fiscal_year=2023, call_round=2, round_stated=True, kind='adoption')

    ``kind`` is ``"adoption"`` when the title speaks of 採択 / 契約候補 / 公募の結果,
    else ``"call"`` when it speaks of 公募 / 募集 or is the bare
    ``…委託業務について(お知らせ)`` announcement, else ``None``.
    """
    t = _norm(title)
    if not _PROGRAMME_RE.search(t):
        return None
    kind: Kind | None
    if _ADOPTION_RE.search(t):
        kind = "adoption"
    elif _CALL_RE.search(t):
        kind = "call"
    else:
        kind = None
    rnd = parse_round(t)
    return TitleInfo(parse_fiscal_year(t), rnd or 1, rnd is not None, kind)


_APPLICATION_RES = (
    re.compile(r"(\d+)件の(?:応募|提案)"),
    re.compile(r"応募(?:総数|件数|数)(?:は|が)?[:]?(?:計|合計)?(\d+)件"),
    re.compile(r"応募(?:のあった|があった|された|を受けた)(\d+)件"),
    re.compile(r"(\d+)件が応募"),
)
_ADOPTED_RES = (
    re.compile(r"(\d+)件を(?:採択|契約候補|選定)"),
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
    """``(applications, adopted)`` stated in a release's text, ``None`` for either
    when not stated.  Reads 「24件の応募があり、…21件を採択」, 「応募総数24件…採択21件」,
    「8件の応募の中から4件を採択」 and close variants (full-width digits too); the
    earliest statement of each count wins."""
    t = _norm(text)
    return _first_number(t, _APPLICATION_RES), _first_number(t, _ADOPTED_RES)


_DATE_RES = (
    re.compile(r"((?:19|20)\d\d)年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"(平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日"),
    re.compile(r"((?:19|20)\d\d)[./-](\d{1,2})[./-](\d{1,2})"),
)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD`` (``2024年03月29日``,
    ``令和元年5月10日``, ``2024-03-29``, ``2024.3.29``), else ``None``."""
    t = _norm(text)
    best: tuple[int, str] | None = None
    for rx in _DATE_RES:
        m = rx.search(t)
        if not m:
            continue
        g = m.groups()
        if g[0] in _ERA_BASE:
            year = _ERA_BASE[g[0]] + (1 if g[1] == "元" else int(g[1]))
            month, day = int(g[2]), int(g[3])
        else:
            year, month, day = int(g[0]), int(g[1]), int(g[2])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if best is None or m.start() < best[0]:
            best = (m.start(), f"{year:04d}-{month:02d}-{day:02d}")
    return best[1] if best else None


_ATTACHMENT_RE = re.compile(r"(?:採択|契約候補)(?:案件|事業)一覧")


def _is_pdf(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


def find_attachment(links: Iterable[Link | tuple[str, str]], base_url: str) -> Attachment | None:
    """The adoption-list attachment among a release page's links.

    A link qualifies when its text names 採択案件一覧 / 採択事業一覧 / 採択案件一覧表
    (decorations such as (別添), [PDF 123KB] are ignored) and its ``href`` resolves
    to an http(s) URL against ``base_url``.  The first qualifying PDF wins; a
    qualifying non-PDF link is returned (``is_pdf=False``) only when there is no PDF.
    """
    fallback: Attachment | None = None
    for link in links:
        href, text = link[0], link[1]
        if not _ATTACHMENT_RE.search(_norm(text)):
            continue
        url = _resolve(base_url, href)
        if url is None:
            continue
        if _is_pdf(url):
            return Attachment(url, _clean(text), True)
        if fallback is None:
            fallback = Attachment(url, _clean(text), False)
    return fallback


# --------------------------------------------------------------------------- decoding

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_ALIASES = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "ms932": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page's bytes.

    Tries, in order and strictly: a BOM, the ``charset`` of ``content_type``, the
    page's own ``<meta charset>`` / ``http-equiv`` declaration, UTF-8, CP932 — the
    first that decodes without error wins (so a Shift_JIS page served under a wrong
    ``charset=utf-8`` header still reads right); last resort UTF-8 with
    replacement characters.  Shift_JIS is read as CP932, its Windows superset.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(enc, errors="replace").lstrip("\ufeff")
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m = _META_CHARSET_RE.search(body[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates += ["utf-8", "cp932"]
    seen: set[str] = set()
    for name in candidates:
        codec = _codec(name)
        if codec is None or codec in seen:
            continue
        seen.add(codec)
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            continue
    return body.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- HTML


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "br",
          "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav"}
_ITEM = {"li", "tr", "dt", "article"}
_PAGER_CLASS_RE = re.compile(r"pagination|pager|paging|page-?nav", re.I)


class _PageParser(HTMLParser):
    """Collects links (with pagination and listing-date context), ``<h1>`` texts,
    date-like elements and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.h1: list[str] = []
        self.dates: list[str] = []
        self._text: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, is_pager, is_date)
        self._skip = 0  # inside <script>/<style>
        self._anchor: dict | None = None
        self._h1: list[str] | None = None
        self._date_buf: list[list[str]] = []
        self._item_date: str | None = None

    # -- helpers
    def _in_pager(self) -> bool:
        return any(p for _, p, _ in self._stack)

    def _close_anchor(self) -> None:
        a = self._anchor
        if a is None:
            return
        self._anchor = None
        self.links.append(Link(a["href"], _clean("".join(a["text"])), a["rel"], a["pager"], self._item_date))

    # -- HTMLParser hooks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
            return
        if tag in _BLOCK:
            self._text.append("\n")
        if tag in _ITEM:
            self._item_date = None
        if tag == "time" and a.get("datetime"):
            self.dates.append(a["datetime"])
        if tag == "a":
            self._close_anchor()
            if "href" in a:
                self._anchor = {"href": a["href"].strip(), "text": [], "rel": a.get("rel", ""),
                                "pager": self._in_pager() or bool(_PAGER_CLASS_RE.search(a.get("class", "")))}
            return
        if tag in _VOID:
            return
        cls = a.get("class", "") + " " + a.get("id", "")
        is_date = bool(re.search(r"date", cls, re.I)) and not re.search(r"update|modif", cls, re.I)
        self._stack.append((tag, bool(_PAGER_CLASS_RE.search(cls)), is_date))
        if is_date:
            self._date_buf.append([])
        if tag == "h1":
            self._h1 = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCK:
            self._text.append("\n")
        if tag == "a":
            self._close_anchor()
            return
        if tag not in (t for t, _, _ in self._stack):
            return
        while self._stack:
            t, _, is_date = self._stack.pop()
            if is_date and self._date_buf:
                self.dates.append("".join(self._date_buf.pop()))
            if t == "h1" and self._h1 is not None:
                self.h1.append(_clean("".join(self._h1)))
                self._h1 = None
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self._text.append(data)
        if self._anchor is not None:
            self._anchor["text"].append(data)
        if self._h1 is not None:
            self._h1.append(data)
        for buf in self._date_buf:
            buf.append(data)
        d = parse_date(data)
        if d:
            self._item_date = d

    def close(self) -> None:
        super().close()
        self._close_anchor()

    @property
    def text(self) -> str:
        return "".join(self._text)


class _Page(NamedTuple):
    url: str  # final URL, after redirects
    links: list[Link]
    h1: list[str]
    dates: list[str]
    text: str


def _parse_page(url: str, html: str) -> _Page:
    p = _PageParser()
    p.feed(html)
    p.close()
    return _Page(url, p.links, p.h1, p.dates, p.text)


# --------------------------------------------------------------------------- URLs


def _resolve(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``, fragment dropped, scheme and host
    lower-cased; ``None`` unless http(s)."""
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urldefrag(urljoin(base, href.strip())).url)
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def _host_key(url: str) -> tuple[str, int | None]:
    """Host for the same-site rule: lower-cased, a leading ``www.`` ignored, explicit port kept."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        port = -1
    return host, port


def _url_key(url: str) -> tuple[tuple[str, int | None], str, str]:
    """Identity of a page for the visited set (scheme and ``www.`` ignored)."""
    parts = urlsplit(url)
    return _host_key(url), parts.path or "/", parts.query


def _directory(url: str) -> str:
    path = urlsplit(url).path or "/"
    return path[: path.rfind("/") + 1]


_LISTING_NAME_RE = re.compile(r"^(?:index(?:[_-][0-9A-Za-z]+)?\.html?)?$", re.I)
_NEXT_TEXT_RE = re.compile(r"^(?:次へ|次のページ|次の\d+件|前へ|前のページ|[<>«»‹›]+|\d{1,4})$")


_LEADING_DATE_RE = re.compile(
    r"^\s*(?:(?:19|20)\d\d|(?:平成|令和)(?:元|\d{1,2}))\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
)


def _is_listing_link(link: Link, url: str, index_url: str) -> bool:
    """A pagination link of the listing: same directory as the index, and an
    ``index*.html`` name, a ``rel=next/prev``, or a page-number link in a pager block."""
    if _directory(url) != _directory(index_url):
        return False
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    if _LISTING_NAME_RE.match(name):
        return True
    rel = link.rel.lower().split()
    if "next" in rel or "prev" in rel:
        return True
    return link.in_pager and bool(_NEXT_TEXT_RE.match(_norm(link.text)))


# --------------------------------------------------------------------------- crawl


class _Crawler:
    def __init__(self, client: httpx.Client, index_url: str, max_pages: int,
                 progress: Callable[[str], None] | None) -> None:
        self.client = client
        self.index_url = index_url
        self.listing_dir: str | None = None
        self.site = _host_key(index_url)
        self.max_pages = max_pages
        self.progress = progress
        self.fetched = 0
        self.seen: set = set()
        self.skipped: list[str] = []
        self.result = DiscoveryResult()

    def _say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)

    def _error(self, message: str) -> None:
        self.result.errors.append(message)

    def claim(self, url: str) -> bool:
        """Mark ``url`` visited; False if it already was."""
        key = _url_key(url)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def fetch(self, url: str) -> _Page | None:
        """GET one HTML page (redirects followed on the same site only); ``None``
        with an error entry when it fails or the ``max_pages`` budget is spent."""
        if self.fetched >= self.max_pages:
            self.skipped.append(url)
            return None
        self.fetched += 1
        current = url
        try:
            for _ in range(6):
                response = self.client.get(current, follow_redirects=False)
                if not response.is_redirect:
                    break
                target = _resolve(current, response.headers.get("location", ""))
                if target is None or _host_key(target) != self.site:
                    self._say(f"GET {url} -> {response.status_code} off-site redirect")
                    self._error(f"{url}: redirected off-site to {target or response.headers.get('location')!r}")
                    return None
                current = target
            else:
                self._say(f"GET {url} -> too many redirects")
                self._error(f"{url}: too many redirects")
                return None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self._say(f"GET {url} -> {type(exc).__name__}")
            self._error(f"{url}: {type(exc).__name__}: {exc}")
            return None
        self._say(f"GET {url} -> {response.status_code}")
        if current != url and not self.claim(current):
            return None  # redirected to a page already visited
        if response.status_code != 200:
            self._error(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            return None
        ctype = response.headers.get("content-type", "")
        if ctype and not re.match(r"\s*(text/html|application/xhtml\+xml)", ctype, re.I):
            self._error(f"{url}: not an HTML page ({ctype})")
            return None
        return _parse_page(str(response.url), decode_html(response.content, ctype))

    def run(self) -> DiscoveryResult:
        listings: deque[str] = deque([self.index_url])
        self.claim(self.index_url)
        while listings:
            page = self.fetch(listings.popleft())
            if page is None:
                continue
            if self.listing_dir is None:  # pagination lives beside the (redirected) index
                self.listing_dir = page.url
            candidates: list[tuple[str, str, TitleInfo, str | None]] = []
            for link in page.links:
                url = _resolve(page.url, link.href)
                if url is None or _host_key(url) != self.site:
                    continue
                if _is_listing_link(link, url, self.listing_dir):
                    if self.claim(url):
                        listings.append(url)
                    continue
                title = _LEADING_DATE_RE.sub("", link.text)
                info = parse_title(title)
                if info is None or info.kind is None:
                    continue
                if self.claim(url):
                    candidates.append((url, title, info, link.item_date))
            for url, title, info, listing_date in candidates:
                self.read_release(url, title, info, listing_date)
        if self.skipped:
            shown = ", ".join(self.skipped[:5]) + (" …" if len(self.skipped) > 5 else "")
            self._error(f"max_pages={self.max_pages} reached: {len(self.skipped)} page(s) not fetched: {shown}")
        return self.result

    def read_release(self, url: str, listing_title: str, listing_info: TitleInfo,
                     listing_date: str | None) -> None:
        page = self.fetch(url)
        if page is None:
            return
        title, info = listing_title, listing_info
        for h1 in page.h1:
            h1_info = parse_title(h1)
            if h1_info is not None and h1_info.kind is not None:
                title, info = h1, h1_info
                break
        kind = info.kind
        assert kind is not None
        attachment = find_attachment(page.links, page.url) if kind == "adoption" else None
        fiscal_year = info.fiscal_year
        if fiscal_year is None and attachment is not None:
            fiscal_year = parse_fiscal_year(attachment.text)
        if fiscal_year is None:
            fiscal_year = parse_fiscal_year(page.text)
        if fiscal_year is None:
            self._error(f"{url}: no fiscal year in title {title!r}; release skipped")
            return
        call_round = info.call_round
        if not info.round_stated and attachment is not None:
            call_round = parse_round(attachment.text) or call_round
        pdf_url = None
        if attachment is not None:
            if attachment.is_pdf:
                pdf_url = attachment.url
            else:
                self._error(f"{url}: adoption list link is not a PDF: {attachment.url}")
        applications, adopted = parse_counts(page.text) if kind == "adoption" else (None, None)
        date = next((d for d in map(parse_date, page.dates) if d), None) or listing_date
        self.result.releases.append(DiscoveredRelease(
            fiscal_year=fiscal_year, call_round=call_round, kind=kind, title=title,
            press_url=page.url, pdf_url=pdf_url, applications=applications,
            adopted=adopted, date=date,
        ))


def discover(
    client: httpx.Client,
    index_url: str,
    *,
    max_pages: int = 200,
    progress: Callable[[str], None] | None = None,
) -> DiscoveryResult:
    """Crawl the press-release listing at ``index_url`` for the programme's releases.

    Fetches the listing, follows its pagination (links in the listing's directory
    named ``index*.html``, ``rel=next/prev`` links, page-number links inside a
    pagination block), and on every listing page picks the links whose text
    :func:`parse_title` recognises as an adoption or a call release of this
    programme.  Each such release page is fetched once and read for its title
    (``<h1>`` if it names the programme, else the listing's link text), date,
    stated counts and — for adoptions — the 採択案件一覧/採択事業一覧 PDF link,
    resolved against the page URL.

    Only pages on the host of ``index_url`` are fetched (``www.`` and the scheme
    ignored, the port not); redirects are followed on that host only.  No page is
    fetched twice, and at most ``max_pages`` pages are fetched in all (listing and
    release pages together); pages left over are named in one error entry.  A page
    that fails (network error, non-200 status, not HTML) becomes an error entry
    ``"{url}: {reason}"``; the crawl goes on.  ``progress``, if given, is called
    with one line per page fetched.  ``client`` is used as given (its timeout,
    headers); nothing is downloaded besides HTML pages.
    """
    if max_pages < 0:
        raise ValueError("max_pages must be >= 0")
    return _Crawler(client, index_url, max_pages, progress).run()
