"""The crawler of the ministry's press releases: registry first, then the month archive.

:func:`crawl` finds the programme's adoption (and call) releases and reads, for each,
fiscal year, round, date, stated counts, the cumulative participation it quotes and the
adoption list's PDF URL.  It downloads no PDF.  In order:

1. ``robots.txt`` of the site is read once and honoured (a 404 allows everything);
2. every release the registry knows a press URL for is read directly (no listing needed);
3. the listing ``/press/index.html`` is read, then month pages ``/press/YYYYMM.html`` of the
   archive it links: every month never read before (so the first run is a backfill of the
   whole archive, and a run cut short by the page budget resumes where it stopped) and the
   two newest months again (with a conditional GET), where new releases appear;
4. each listed release whose title names the programme (adoption or call) and that was not
   read before is read (so one that failed is tried again by the next crawl).

What was read is remembered in a small JSON state file (:class:`CrawlState`,
``DATA_DIR/crawl_state.json``): per month page its ETag / Last-Modified and the releases it
listed; per release what was read from it.  Politeness (:class:`Politeness`): a delay between
requests, a descriptive User-Agent, ``robots.txt``, a page budget, same-host redirects only.

Why one module of ~530 lines: the crawl is one loop over one state (the page budget, the
state file, the politeness rules and the releases found all change together on every
request); the grammar of titles and the reading of pages are already apart
(``release_titles.py``, ``press_pages.py``).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from pipelines.sources.press_pages import (
    Attachment,
    ListedRelease,
    ListingPage,
    ReleasePage,
    canonical_release_url,
    decode_html,
    find_attachment,
    read_listing,
    read_release,
    resolve_url,
)
from pipelines.sources.release_titles import (
    TitleInfo,
    parse_counts,
    parse_cumulative,
    parse_fiscal_year,
    parse_round,
    parse_title,
)

__all__ = [
    "CrawlState",
    "CrawlSummary",
    "DiscoveredRelease",
    "DiscoveryResult",
    "Politeness",
    "STATE_FILE",
    "crawl",
    "index_url",
]

STATE_FILE = "crawl_state.json"
STATE_VERSION = 1
DEFAULT_USER_AGENT = (
    "c3p-warehouse/0.2 (adoption-list crawler of the City-to-City Collaboration"
    " programme; reads press releases only, one page at a time)"
)


def index_url(site_url: str) -> str:
    """The press-release listing of a site: ``{site_url}/press/index.html``."""
    return site_url.rstrip("/") + "/press/index.html"


@dataclass(frozen=True)
class Politeness:
    """How gently the site is read.  From the environment by :meth:`from_env`:
    ``C3P_CRAWL_DELAY`` (seconds between requests, default 1.0), ``C3P_CRAWL_MAX_PAGES``
    (requests per crawl, default 400: a full backfill of ~170 months and ~40 releases fits),
    ``C3P_CRAWL_USER_AGENT``."""

    delay_s: float = 1.0
    max_pages: int = 400
    user_agent: str = DEFAULT_USER_AGENT

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Politeness":
        env = os.environ if environ is None else environ
        try:
            delay = float(env.get("C3P_CRAWL_DELAY", cls.delay_s))
            pages = int(env.get("C3P_CRAWL_MAX_PAGES", cls.max_pages))
        except ValueError as exc:
            raise ValueError(f"C3P_CRAWL_DELAY / C3P_CRAWL_MAX_PAGES: not a number ({exc})") from None
        if delay < 0 or pages < 0:
            raise ValueError("C3P_CRAWL_DELAY and C3P_CRAWL_MAX_PAGES must be >= 0")
        return cls(delay, pages, env.get("C3P_CRAWL_USER_AGENT") or cls.user_agent)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DiscoveredRelease:
    """One press release of the programme.

    ``kind``: ``"adoption"`` (採択結果: carries the list), ``"call"`` (公募について) or
    ``"info"`` (a page of the programme the registry points at, read for its cumulative
    counts only).  ``call_round`` is 1 when neither the title nor the attachment's title states
    a round (``round_stated`` False: FY2016-2018 had unnumbered calls).  ``pdf_url`` and
    ``attachment_title``: the adoption list's link and the list's title.  ``applications`` /
    ``adopted``: counts stated in the text.  ``date``: ``YYYY-MM-DD`` from the page, else from
    the listing's day block.  ``countries`` / ``partner_cities`` / ``local_governments``: the
    cumulative participation the release quotes.  ``via``: ``registry`` or ``listing``.
    """

    fiscal_year: int
    call_round: int
    kind: str
    title: str
    press_url: str
    pdf_url: str | None = None
    applications: int | None = None
    adopted: int | None = None
    date: str | None = None
    round_stated: bool = False
    attachment_title: str | None = None
    countries: int | None = None
    partner_cities: int | None = None
    local_governments: int | None = None
    via: str = "listing"

    @classmethod
    def from_dict(cls, d: dict) -> "DiscoveredRelease":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class CrawlSummary:
    """What one crawl did; :meth:`lines` says it for the run summary."""

    requests: int = 0
    not_modified: int = 0
    months_in_archive: int = 0
    months_read: int = 0
    releases_read: int = 0
    robots_blocked: list[str] = field(default_factory=list)
    not_fetched: list[str] = field(default_factory=list)  # left over when the budget ran out
    max_pages: int = 0
    adoptions_known: int = 0
    adoptions_new: int = 0
    adoptions_without_pdf: int = 0

    def lines(self) -> list[str]:
        out = [
            f"crawl: {self.requests} request(s) of {self.max_pages} allowed"
            f" ({self.not_modified} not modified); {self.months_read} of"
            f" {self.months_in_archive} archive month(s) read; {self.releases_read}"
            f" release page(s) read",
            f"crawl: {self.adoptions_known} adoption release(s) known, {self.adoptions_new}"
            f" new in this run, {self.adoptions_without_pdf} without a PDF link",
        ]
        if self.robots_blocked:
            out.append(
                f"crawl: robots.txt forbids {len(self.robots_blocked)} page(s): "
                + ", ".join(self.robots_blocked[:3])
            )
        if self.not_fetched:
            out.append(
                f"crawl: page budget ({self.max_pages}) spent, {len(self.not_fetched)}"
                " page(s) left for the next run: "
                + ", ".join(self.not_fetched[:3])
                + (" …" if len(self.not_fetched) > 3 else "")
            )
        return out


@dataclass
class DiscoveryResult:
    """Every release known after the crawl (earlier runs' included), the ones read in this
    run (``new``), one error per problem (``"{url}: {reason}"``) and the summary."""

    releases: list[DiscoveredRelease] = field(default_factory=list)
    new: list[DiscoveredRelease] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    summary: CrawlSummary = field(default_factory=CrawlSummary)

    @property
    def adoptions(self) -> list[DiscoveredRelease]:
        return [r for r in self.releases if r.kind == "adoption"]

    @property
    def calls(self) -> list[DiscoveredRelease]:
        return [r for r in self.releases if r.kind == "call"]


# --------------------------------------------------------------------------- state


@dataclass
class CrawlState:
    """What earlier crawls read (``crawl_state.json``).

    ``months``: month-page URL -> ``{"etag", "last_modified", "read_at", "releases"}``
    (the release URLs of the programme it listed); ``releases``: release URL -> the
    :class:`DiscoveredRelease` read from it; ``site``: the site the state belongs to (a state
    of another site is ignored).
    """

    site: str
    months: dict[str, dict] = field(default_factory=dict)
    releases: dict[str, dict] = field(default_factory=dict)
    last_crawl: dict = field(default_factory=dict)
    problem: str | None = field(default=None, compare=False)  # why an existing file was not used

    @classmethod
    def load(cls, path: Path, site: str) -> "CrawlState":
        """The state in ``path``; an empty one when absent, unreadable or of another site
        (``problem`` then says why, naming the file: the next crawl is a full backfill)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(site)
        except (ValueError, UnicodeDecodeError) as exc:
            return cls(
                site, problem=f"{path}: unreadable crawl state ({exc}); reading the whole archive again"
            )
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return cls(
                site,
                problem=f"{path}: not a crawl state of version {STATE_VERSION}; reading the whole archive again",
            )
        if data.get("site") != site:
            return cls(
                site,
                problem=f"{path}: crawl state of {data.get('site')}, not {site}; reading the whole archive again",
            )
        return cls(
            site,
            dict(data.get("months") or {}),
            dict(data.get("releases") or {}),
            dict(data.get("last_crawl") or {}),
        )

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        body = {k: v for k, v in asdict(self).items() if k != "problem"}
        tmp.write_text(
            json.dumps({"version": STATE_VERSION, **body}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        tmp.replace(path)

    def known(self) -> list[DiscoveredRelease]:
        return [DiscoveredRelease.from_dict(d) for d in self.releases.values()]


# --------------------------------------------------------------------------- fetching


def _host_key(url: str) -> tuple[str, int | None]:
    """Host for the same-site rule: lower-cased, a leading ``www.`` ignored, port kept."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    return host.removeprefix("www."), port


class _Budget(Exception):
    """The page budget is spent."""


class _Fetcher:
    """GETs pages of one site: budget, delay, robots.txt, same-host redirects, progress."""

    def __init__(
        self,
        client: httpx.Client,
        site: str,
        polite: Politeness,
        summary: CrawlSummary,
        errors: list[str],
        progress: Callable[[str], None] | None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.site, self.polite = client, _host_key(site), polite
        self.summary, self.errors, self.progress, self.sleep = summary, errors, progress, sleep
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self._last: float | None = None

    def _say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)

    def _get(self, url: str, headers: dict[str, str]) -> httpx.Response:
        if self.summary.requests >= self.polite.max_pages:
            raise _Budget(url)
        if self._last is not None and self.polite.delay_s > 0:
            wait = self.polite.delay_s - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)
        self.summary.requests += 1
        try:
            return self.client.get(
                url, headers={"User-Agent": self.polite.user_agent, **headers}, follow_redirects=False
            )
        finally:
            self._last = time.monotonic()

    def read_robots(self, site_url: str) -> None:
        url = site_url.rstrip("/") + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(url)
        try:
            response = self._get(url, {})
        except httpx.HTTPError as exc:
            self._say(f"GET {url} -> {type(exc).__name__}")
            parser.allow_all = True  # type: ignore[attr-defined]  # robotparser's own switch
            self.robots = parser
            return
        self._say(f"GET {url} -> {response.status_code}")
        if response.status_code == 200:
            parser.parse(decode_html(response.content, response.headers.get("content-type")).splitlines())
        elif response.status_code in (401, 403):
            parser.disallow_all = True  # type: ignore[attr-defined]
        else:
            parser.allow_all = True  # type: ignore[attr-defined]
        self.robots = parser

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response | None:
        """The final response for ``url`` (redirects followed on the site only), or ``None``
        with an error entry.  A 304 is returned as is.  Raises :class:`_Budget`."""
        if _host_key(url) != self.site:
            self.errors.append(f"{url}: not on the site, not fetched")
            return None
        if self.robots is not None and not self.robots.can_fetch(self.polite.user_agent, url):
            self.summary.robots_blocked.append(url)
            self._say(f"skip {url} (robots.txt)")
            return None
        current = url
        try:
            for _ in range(6):
                response = self._get(current, headers or {})
                if response.status_code not in (301, 302, 303, 307, 308):
                    break
                target = resolve_url(current, response.headers.get("location", ""))
                if target is None or _host_key(target) != self.site:
                    self._say(f"GET {url} -> {response.status_code} off-site redirect")
                    self.errors.append(
                        f"{url}: redirected off-site to {target or response.headers.get('location')!r}"
                    )
                    return None
                current = target
            else:
                self._say(f"GET {url} -> too many redirects")
                self.errors.append(f"{url}: too many redirects")
                return None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self._say(f"GET {url} -> {type(exc).__name__}")
            self.errors.append(f"{url}: {type(exc).__name__}: {exc}")
            return None
        self._say(f"GET {url} -> {response.status_code}")
        if response.status_code == 304:
            self.summary.not_modified += 1
            return response
        if response.status_code != 200:
            self.errors.append(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            return None
        ctype = response.headers.get("content-type", "")
        if ctype and not re.match(r"\s*(text/html|application/xhtml\+xml)", ctype, re.I):
            self.errors.append(f"{url}: not an HTML page ({ctype})")
            return None
        return response


def _html(response: httpx.Response) -> str:
    return decode_html(response.content, response.headers.get("content-type"))


# --------------------------------------------------------------------------- reading a release


def release_from_page(
    page: ReleasePage, *, listed: ListedRelease | None = None, expected: "RegistryHint | None" = None
) -> tuple[DiscoveredRelease | None, str | None]:
    """What a release page says, or ``(None, reason)`` when it is not a release of the
    programme this crawler keeps.  ``listed``: how a listing showed it (title and date
    stand in for what the page lacks); ``expected``: what the registry says of it."""
    info: TitleInfo | None = parse_title(page.title or "")
    title = page.title
    if (info is None or info.kind is None) and listed is not None:
        listed_info = parse_title(listed.title)
        if listed_info is not None and listed_info.kind is not None:
            info, title = listed_info, listed.title
    kind: str | None = info.kind if info is not None else None
    if kind is None:
        if expected is None:
            return None, "not an adoption or call release of the programme"
        kind = "info"  # a page the registry points at (a seminar's result): counts only
    attachment: Attachment | None = None
    if kind == "adoption":
        attachment = find_attachment(page.links, page.url, page.text)
    fiscal_year = info.fiscal_year if info is not None else None
    if fiscal_year is None and attachment is not None:
        fiscal_year = parse_fiscal_year(attachment.text)
    if fiscal_year is None and expected is not None:
        fiscal_year = expected.fiscal_year
    if fiscal_year is None:
        fiscal_year = parse_fiscal_year(page.text)
    if fiscal_year is None:
        return None, f"no fiscal year in title {title!r}"
    round_stated = info is not None and info.round_stated
    call_round = info.call_round if info is not None else 1
    if not round_stated and attachment is not None:
        from_attachment = parse_round(attachment.text)
        if from_attachment is not None:
            call_round, round_stated = from_attachment, True
    if not round_stated and expected is not None and expected.call_round is not None:
        call_round, round_stated = expected.call_round, True
    applications, adopted = parse_counts(page.text) if kind == "adoption" else (None, None)
    cumulative = parse_cumulative(page.text)
    return DiscoveredRelease(
        fiscal_year=fiscal_year,
        call_round=call_round,
        kind=kind,
        title=title or "",
        press_url=canonical_release_url(page.url),
        pdf_url=attachment.url if attachment is not None and attachment.is_pdf else None,
        applications=applications,
        adopted=adopted,
        date=page.date or (listed.date if listed is not None else None),
        round_stated=round_stated,
        attachment_title=attachment.text if attachment is not None else None,
        countries=cumulative.countries if cumulative else None,
        partner_cities=cumulative.partner_cities if cumulative else None,
        local_governments=cumulative.local_governments if cumulative else None,
        via="registry" if expected is not None else "listing",
    ), None


@dataclass(frozen=True)
class RegistryHint:
    """A release the registry knows: its press URL (on the crawled site) and what it says."""

    press_url: str
    fiscal_year: int
    call_round: int | None
    kind: str


# --------------------------------------------------------------------------- the crawl


class _Crawl:
    def __init__(self, fetcher: _Fetcher, state: CrawlState, result: DiscoveryResult, backfill: bool) -> None:
        self.fetcher, self.state, self.result, self.backfill = fetcher, state, result, backfill
        self.read_months: set[str] = set()

    def remember(self, release: DiscoveredRelease) -> None:
        self.state.releases[release.press_url] = asdict(release)
        self.result.new.append(release)

    def read_release(
        self, url: str, listed: ListedRelease | None = None, hint: RegistryHint | None = None
    ) -> None:
        response = self.fetcher.fetch(url)
        if response is None:
            return
        self.result.summary.releases_read += 1
        page = read_release(_html(response), str(response.url))
        release, reason = release_from_page(page, listed=listed, expected=hint)
        if release is None:
            self.result.errors.append(f"{url}: {reason}; release skipped")
            return
        if hint is not None and release.press_url != canonical_release_url(url):
            release = DiscoveredRelease.from_dict(
                {**asdict(release), "press_url": canonical_release_url(url)}
            )
        self.remember(release)

    def read_listing(self, url: str, conditional: bool) -> ListingPage | None:
        before = self.state.months.get(url, {})
        headers = {}
        if conditional:
            if before.get("etag"):
                headers["If-None-Match"] = before["etag"]
            if before.get("last_modified"):
                headers["If-Modified-Since"] = before["last_modified"]
        response = self.fetcher.fetch(url, headers)
        if response is None:
            return None
        if response.status_code == 304:  # what it listed is what it lists
            return ListingPage(url, [], [ListedRelease(*r) for r in before.get("releases", [])])
        page = read_listing(_html(response), str(response.url))
        programme = [r for r in page.releases if (i := parse_title(r.title)) and i.kind]
        self.state.months[url] = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
            "read_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "releases": [list(r) for r in programme],
        }
        return ListingPage(page.url, page.months, programme)

    def releases_of(self, page: ListingPage) -> None:
        for listed in page.releases:
            if canonical_release_url(listed.url) not in self.state.releases:
                self.read_release(listed.url, listed=listed)

    def run(self, index: str, hints: Iterable[RegistryHint]) -> None:
        for hint in hints:
            if canonical_release_url(hint.press_url) not in self.state.releases:
                self.read_release(hint.press_url, hint=hint)
        first = self.read_listing(index, conditional=False)
        if first is None:
            return
        self.state.months.pop(index, None)  # the index is read every time, never "done"
        self.releases_of(first)
        archive: dict[str, tuple[int, int]] = {}
        pending = list(first.months)
        while pending:
            months = sorted({(m.year, m.month, m.url) for m in pending}, reverse=True)
            pending = []
            for year, month, url in months:
                archive.setdefault(url, (year, month))
            newest = sorted(archive, key=archive.__getitem__, reverse=True)[:2]
            for url in sorted(archive, key=archive.__getitem__, reverse=True):
                if url in self.state.months and url not in newest and not self.backfill:
                    # not read again; a release it listed that failed last time is retried
                    self.releases_of(
                        ListingPage(
                            url, [], [ListedRelease(*r) for r in self.state.months[url].get("releases", [])]
                        )
                    )
                    continue
                if url in self.read_months:
                    continue
                self.read_months.add(url)
                page = self.read_listing(url, conditional=url in self.state.months)
                if page is None:
                    continue
                self.result.summary.months_read += 1
                self.releases_of(page)
                pending.extend(m for m in page.months if m.url not in archive)
        self.result.summary.months_in_archive = len(archive)


def crawl(
    client: httpx.Client,
    site_url: str,
    *,
    state: CrawlState | None = None,
    registry: Iterable[RegistryHint] = (),
    polite: Politeness | None = None,
    backfill: bool = False,
    progress: Callable[[str], None] | None = None,
    index: str | None = None,
    summary: CrawlSummary | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[DiscoveryResult, CrawlState]:
    """Crawl ``site_url`` for the programme's releases (see the module's docstring).

    ``state``: what earlier crawls read (updated and returned; pass it to the next crawl);
    ``registry``: releases whose press URL is known, read first and directly; ``backfill``:
    read every month of the archive again, not only the new and the two newest; ``index``:
    the listing to start from (default ``{site_url}/press/index.html``; its host is the site
    crawled, its ``robots.txt`` the one honoured); ``summary``: the
    :class:`CrawlSummary` to fill (to watch progress).  Never
    raises for a page that fails: each becomes one ``"{url}: {reason}"`` entry of
    ``result.errors`` and the crawl goes on.  ``progress`` gets one line per request.
    """
    polite = polite or Politeness()
    state = state if state is not None else CrawlState(site_url)
    summary = summary if summary is not None else CrawlSummary()
    summary.max_pages = polite.max_pages
    result = DiscoveryResult(summary=summary)
    index = index or index_url(site_url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(index))  # the site is the index's host
    fetcher = _Fetcher(client, origin, polite, result.summary, result.errors, progress, sleep)
    runner = _Crawl(fetcher, state, result, backfill)
    try:
        fetcher.read_robots(origin)
        runner.run(index, registry)
    except _Budget as stop:
        result.summary.not_fetched.append(f"{stop} and what follows it (the next run resumes)")
    result.releases = state.known()
    summary.adoptions_known = len(result.adoptions)
    summary.adoptions_new = sum(1 for r in result.new if r.kind == "adoption")
    summary.adoptions_without_pdf = sum(1 for r in result.adoptions if r.pdf_url is None)
    state.last_crawl = {
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "requests": result.summary.requests,
        "new_releases": len(result.new),
        "errors": len(result.errors),
        "complete": not result.summary.not_fetched,
    }
    return result, state
