"""Reading the ministry's press pages: bytes to text, listing pages, release pages, attachments.

Pure functions over one page each (no network).  HTML is parsed with selectolax (lexbor);
the shapes read are the real ones (``docs/ministry_site.md``):

* a **listing page** (``/press/index.html`` or a month page ``/press/YYYYMM.html``): the month
  archive ``a.c-table-month__col__link`` (``aria-label="2024年3月"``), then one
  ``details.p-press-release-list__block`` per day whose ``summary`` holds the date
  (``span.p-press-release-list__heading`` 「2024年03月29日発表」) and whose
  ``li.c-news-link__item`` are that day's releases (``a.c-news-link__link``, topic
  ``span.p-news-link__tag``) — the date is outside the ``li``;
* a **release page** in the new layout (``div.p-press-release-material`` with
  ``__date`` / ``__heading``, attachments after 【添付資料】) or the old one (和暦 date on top,
  then the topic and 「この記事を印刷」, attachments after 添付資料);
* an **attachment** named by its link text (「…採択案件一覧」, 「…(2次公募)採択事業一覧」), or — on
  old pages — linked as only 「別添」 / 「[PDF 120KB]」 while the body names the list
  (「「…採択案件一覧表」(別添)を御参照ください」).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipelines.sources.release_titles import (
    clean,
    list_named_in_body,
    names_adoption_list,
    norm,
    parse_date,
    parse_title,
)

__all__ = [
    "Attachment",
    "ListedRelease",
    "ListingPage",
    "MonthLink",
    "PageLink",
    "ReleasePage",
    "canonical_release_url",
    "decode_html",
    "find_attachment",
    "read_listing",
    "read_release",
    "resolve_url",
]


# --------------------------------------------------------------------------- decoding

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms932": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
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

    Tries, in order and strictly: a BOM, the ``charset`` of ``content_type``, the page's own
    ``<meta charset>`` / ``http-equiv`` declaration, UTF-8, CP932 — the first that decodes
    without error wins (so a Shift_JIS page served under a wrong ``charset=utf-8`` header
    still reads right); last resort UTF-8 with replacement characters.  Shift_JIS is read
    as CP932, its Windows superset.
    """
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(enc, errors="replace").lstrip("\ufeff")
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*([^;\s]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    meta = _META_CHARSET_RE.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
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


# --------------------------------------------------------------------------- URLs


def resolve_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``, fragment dropped, scheme and host
    lower-cased; ``None`` unless http(s)."""
    if not href or href.strip().lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urldefrag(urljoin(base, href.strip())).url)
    if parts.scheme.lower() not in ("http", "https"):
        return None
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def canonical_release_url(url: str) -> str:
    """A release's identity: its whole URL, the ``-print.html`` twin folded onto the page
    (``/press/107906-print.html`` -> ``/press/107906.html``).  Press numbers restarted in
    2025, so the number alone identifies nothing."""
    parts = urlsplit(url)
    path = re.sub(r"-print(\.html?)$", r"\1", parts.path)
    return urlunsplit(parts._replace(path=path))


# --------------------------------------------------------------------------- listing pages


class MonthLink(NamedTuple):
    """One month of the archive (「月別一覧」 / 「過去の月別一覧」)."""

    year: int
    month: int
    url: str


class ListedRelease(NamedTuple):
    """One release as a listing shows it: absolute URL, title, the day block's date, topic."""

    url: str
    title: str
    date: str | None
    topic: str | None


class ListingPage(NamedTuple):
    url: str
    months: list[MonthLink]
    releases: list[ListedRelease]


_MONTH_HREF_RE = re.compile(r"/press/((?:19|20)\d\d)(0[1-9]|1[0-2])\.html?$")
_MONTH_LABEL_RE = re.compile(r"((?:19|20)\d\d)年(\d{1,2})月")


def _tree(html: str) -> LexborHTMLParser:
    tree = LexborHTMLParser(html)
    tree.strip_tags(["script", "style", "noscript"])
    return tree


def _month(link: LexborNode, url: str) -> tuple[int, int] | None:
    label = _MONTH_LABEL_RE.search(norm(link.attributes.get("aria-label") or ""))
    if label:
        return int(label.group(1)), int(label.group(2))
    m = _MONTH_HREF_RE.search(urlsplit(url).path)
    return (int(m.group(1)), int(m.group(2))) if m else None


def read_listing(html: str, url: str) -> ListingPage:
    """The month archive and the day blocks of a listing page.

    Months come from ``a.c-table-month__col__link`` (year and month from ``aria-label``, else
    from the ``/press/YYYYMM.html`` href — a six-digit release page such as ``105365.html``
    never reads as a month, and is never taken from outside the month table).  Releases come
    from each ``details.p-press-release-list__block``, dated by its ``summary``; items outside
    any day block are kept undated.
    """
    tree = _tree(html)
    months: dict[tuple[int, int], MonthLink] = {}
    for a in tree.css("a.c-table-month__col__link"):
        target = resolve_url(url, a.attributes.get("href") or "")
        ym = _month(a, target) if target else None
        if target and ym and 1 <= ym[1] <= 12 and ym not in months:
            months[ym] = MonthLink(ym[0], ym[1], target)
    releases: list[ListedRelease] = []
    seen: set[int] = set()
    for block in tree.css("details.p-press-release-list__block"):
        heading = block.css_first("summary .p-press-release-list__heading") or block.css_first("summary")
        day = parse_date(heading.text()) if heading is not None else None
        for item in block.css("li.c-news-link__item"):
            seen.add(item.mem_id)
            releases.extend(_listed(item, url, day))
    for item in tree.css("li.c-news-link__item"):
        if item.mem_id not in seen:
            releases.extend(_listed(item, url, None))
    return ListingPage(url, sorted(months.values(), reverse=True), releases)


def _listed(item: LexborNode, base: str, day: str | None) -> list[ListedRelease]:
    link = item.css_first("a.c-news-link__link") or item.css_first("a[href]")
    if link is None:
        return []
    target = resolve_url(base, link.attributes.get("href") or "")
    if target is None:
        return []
    tag = item.css_first(".p-news-link__tag")
    title = link.text(separator=" ")
    if tag is not None and tag.parent is not None and tag.parent.mem_id == link.mem_id:
        title = title.replace(tag.text(), "", 1)  # a tag inside the link is not the title
    return [ListedRelease(target, clean(title), day, clean(tag.text()) if tag is not None else None)]


# --------------------------------------------------------------------------- release pages


class PageLink(NamedTuple):
    """An ``<a href>`` of a release page; ``in_attachments``: it follows the 添付資料 heading."""

    href: str
    text: str
    in_attachments: bool = False


class ReleasePage(NamedTuple):
    url: str
    layout: str  # "new" (p-press-release-material) or "old"
    title: str | None
    date: str | None
    text: str
    links: list[PageLink]


_ATTACHMENT_HEADINGS = {"添付資料", "【添付資料】", "[添付資料]"}
_SECTION_TAGS = {"h1", "h2", "h3", "h4"}
_SITE_SUFFIX_RE = re.compile(r"\s*[｜|]\s*(?:報道発表資料|報道発表)?.*$")


def _links_of(root: LexborNode) -> list[PageLink]:
    """Links in document order, each marked whether it sits after a 添付資料 heading and
    before the next section heading (連絡先 and the like)."""
    links: list[PageLink] = []
    in_attachments = False
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            if norm(node.text_content or "") in _ATTACHMENT_HEADINGS:
                in_attachments = True
            continue
        if tag in _SECTION_TAGS or tag in ("dt", "strong", "p"):
            label = norm(node.text())
            if label in _ATTACHMENT_HEADINGS:
                in_attachments = True
            elif tag in _SECTION_TAGS:
                in_attachments = False
        if tag == "a" and "href" in node.attributes:
            links.append(
                PageLink(
                    (node.attributes.get("href") or "").strip(),
                    clean(node.text(separator=" ")),
                    in_attachments,
                )
            )
    return links


def read_release(html: str, url: str) -> ReleasePage:
    """Title, date, text and links of a release page, new layout or old.

    New layout: everything inside ``div.p-press-release-material``.  Old layout: the first
    heading that names the programme (else the first ``h1``, else the ``<title>`` without
    the site's suffix) and the first date of the main text (和暦 allowed).
    """
    tree = _tree(html)
    material = tree.css_first("div.p-press-release-material")
    if material is not None:
        heading = material.css_first(".p-press-release-material__heading")
        day = material.css_first(".p-press-release-material__date")
        text = material.text(separator="\n")
        return ReleasePage(
            url,
            "new",
            clean(heading.text()) if heading is not None else None,
            parse_date(day.text()) if day is not None else parse_date(text),
            text,
            _links_of(material),
        )
    root = tree.css_first("#main") or tree.css_first("main") or tree.body or tree.root
    if root is None:  # an empty document
        return ReleasePage(url, "old", None, None, "", [])
    headings = [clean(h.text()) for h in root.css("h1, h2")]
    title = next((h for h in headings if parse_title(h) is not None), None)
    if title is None:
        h1 = root.css_first("h1")
        page_title = tree.css_first("title")
        title = (
            clean(h1.text())
            if h1 is not None
            else (_SITE_SUFFIX_RE.sub("", clean(page_title.text())) if page_title is not None else None)
        )
    text = root.text(separator="\n")
    return ReleasePage(url, "old", title or None, parse_date(text), text, _links_of(root))


# --------------------------------------------------------------------------- attachments


class Attachment(NamedTuple):
    """The adoption-list link of a release: absolute URL, the list's title (the link text,
    or the body's naming of it when the link says only 別添), and whether it is a PDF."""

    url: str
    text: str
    is_pdf: bool


_GENERIC_LINK_RE = re.compile(
    r"^[\[(【]?(?:別添|別紙|添付)?\d*[\])】]?(?:[\[(]?PDF(?:形式)?[:]?[\d.,]*(?:KB|MB|B)?[\])]?)?$", re.I
)


def _is_pdf(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


def find_attachment(
    links: Iterable[PageLink | tuple[str, str]], base_url: str, body_text: str | None = None
) -> Attachment | None:
    """The adoption-list attachment among a release page's links.

    1. A link whose text names the list (:func:`~pipelines.sources.release_titles.names_adoption_list`;
       decorations such as (別添), [PDF 123KB] are ignored): the first PDF wins; a non-PDF one
       is returned (``is_pdf=False``) only when there is no PDF.
    2. Else, when ``body_text`` names the list and points at an enclosure (「「…採択案件一覧表」
       (別添)を御参照ください」): the PDF linked under 添付資料 with a generic text (「別添」,
       「[PDF 120KB]」), preferring one that says 別添; when several generic PDFs remain and
       none says 別添, nothing is guessed.
    """
    page_links = [link if isinstance(link, PageLink) else PageLink(*link) for link in links]
    fallback: Attachment | None = None
    for link in page_links:
        if not names_adoption_list(link.text):
            continue
        url = resolve_url(base_url, link.href)
        if url is None:
            continue
        if _is_pdf(url):
            return Attachment(url, link.text, True)
        if fallback is None:
            fallback = Attachment(url, link.text, False)
    if fallback is not None or not body_text:
        return fallback
    named = list_named_in_body(body_text)
    if named is None:
        return None
    block = [link for link in page_links if link.in_attachments] or page_links
    generic = [
        (link, url)
        for link in block
        if _GENERIC_LINK_RE.match(norm(link.text))
        and (url := resolve_url(base_url, link.href)) is not None
        and _is_pdf(url)
    ]
    marked = [pair for pair in generic if "別添" in norm(pair[0].text)]
    choice = marked[0] if marked else generic[0] if len(generic) == 1 else None
    return Attachment(choice[1], named, True) if choice else None
