"""Tests of pipelines.discovery: pure helpers, then the crawler against a real local
HTTP server (pipelines.local_server.LocalSite) serving tests/fixtures/site/."""
from __future__ import annotations

import csv
import re
import socket
from pathlib import Path

import httpx
import pytest

from pipelines.discovery import (
    Attachment,
    DiscoveredRelease,
    Link,
    decode_html,
    default_index_url,
    discover,
    find_attachment,
    index_url_from_env,
    parse_counts,
    parse_date,
    parse_fiscal_year,
    parse_round,
    parse_title,
)
from pipelines.local_server import LocalSite, send_bytes

REPO = Path(__file__).resolve().parents[2]
SITE_ROOT = REPO / "tests" / "fixtures" / "site"
RELEASES_CSV = REPO / "pipelines" / "moe_releases.csv"


# --------------------------------------------------------------------------- titles from the reference CSV

# Notes quote titles as "Title: …", "Title (reposted): …", "EIC title: …",
# "headline says '…'", "JPRSI repost: … [環境省]"; and programme names as
# "PREDECESSOR name: …", "Name: …", or a leading name before the first "; ".
_END = r"(?=; |\. | \(| \[|$)"
_TITLE_RE = re.compile(
    r"(?:^|(?<=[\s\"]))(?:EIC )?[Tt]itle(?: \(reposted\))?: (.+?)" + _END
    + r"|headline says '(.+?)'"
    + r"|repost: (.+?)" + _END
)
_NAME_RE = re.compile(r"(?:PREDECESSOR name|^Name): (.+?)" + _END + r"|^((?:平成|令和)[^;]+?)(?=; )")


def _csv_rows() -> list[dict[str, str]]:
    with RELEASES_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _quoted(pattern: re.Pattern[str]) -> list[tuple[dict[str, str], str]]:
    out = []
    for row in _csv_rows():
        for m in pattern.finditer(row["notes"]):
            out.append((row, next(g for g in m.groups() if g)))
    return out


CSV_TITLES = _quoted(_TITLE_RE)
CSV_NAMES = _quoted(_NAME_RE)


def _id(case: tuple[dict[str, str], str]) -> str:
    row, _ = case
    return f"FY{row['fiscal_year']}-r{row['round'] or '_'}-{row['kind']}"


def test_csv_yields_titles_for_every_quoting_adoption_row():
    # guard: the parametrised tests below must not silently run on nothing
    adoption_rows_quoting = {
        (r["fiscal_year"], r["round"]) for r in _csv_rows()
        if r["kind"] == "adoption" and re.search(r"[Tt]itle|headline says", r["notes"])
    }
    found = {(row["fiscal_year"], row["round"]) for row, _ in CSV_TITLES if row["kind"] == "adoption"}
    assert adoption_rows_quoting and adoption_rows_quoting <= found
    assert len(CSV_TITLES) >= 12 and len(CSV_NAMES) >= 4


@pytest.mark.parametrize("case", CSV_TITLES, ids=[_id(c) for c in CSV_TITLES])
def test_parse_title_real_titles(case):
    row, title = case
    info = parse_title(title)
    assert info is not None, title
    assert info.fiscal_year == int(row["fiscal_year"])
    assert info.kind == row["kind"]
    assert info.call_round == int(row["round"] or 1)


@pytest.mark.parametrize("case", CSV_NAMES, ids=[_id(c) for c in CSV_NAMES])
def test_parse_title_real_programme_names(case):
    row, name = case
    info = parse_title(name)
    assert info is not None, name
    assert info.fiscal_year == int(row["fiscal_year"])
    assert info.kind in (None, row["kind"])  # a bare name says neither 採択 nor 公募
    if info.round_stated:
        assert info.call_round == int(row["round"])


# --------------------------------------------------------------------------- parse_title by hand


@pytest.mark.parametrize(
    "title, fy, rnd, stated, kind",
    [
        ("令和５年度脱炭素社会実現のための都市間連携事業委託業務の採択結果について", 2023, 1, False, "adoption"),
        ("令和５年度脱炭素社会実現のための都市間連携事業委託業務（２次公募）採択結果について", 2023, 2, True, "adoption"),
        ("令和元年度低炭素社会実現のための都市間連携事業委託業務（1次公募）採択結果について", 2019, 1, True, "adoption"),
        ("平成31年度低炭素社会実現のための都市間連携事業委託業務の採択結果について", 2019, 1, False, "adoption"),
        ("「平成30年度低炭素社会実現のための都市間連携事業委託業務」採択結果について", 2018, 1, False, "adoption"),
        ("令和6年度 脱炭素社会実現のための都市間連携事業委託業務 第2次公募 採択結果について", 2024, 2, True, "adoption"),
        ("令和6年度脱炭素社会実現のための都市間連携事業委託業務（3次公募）採択結果について", 2024, 3, True, "adoption"),
        ("令和2年度脱炭素社会実現のための都市間連携事業委託業務 二次公募の結果について", 2020, 2, True, "adoption"),
        ("平成28年度低炭素社会実現のための都市間連携に基づくJCM案件形成可能性調査事業の採択結果について",
         2016, 1, False, "adoption"),
        ("平成27年度アジアの低炭素社会実現のためのJCM案件形成可能性調査事業（第2次公募）の採択結果について",
         2015, 2, True, "adoption"),
        ("平成26年度アジアの低炭素社会実現のためのJCM（二国間クレジット制度）大規模案件形成可能性調査事業の契約候補の決定について",
         2014, 1, False, "adoption"),
        ("令和４年度脱炭素社会実現のための都市間連携事業委託業務（２次）公募について", 2022, 2, True, "call"),
        ("令和6年度脱炭素社会実現のための都市間連携事業委託業務1次公募について", 2024, 1, True, "call"),
        ("㋿8年度脱炭素社会実現のための都市間連携事業委託業務1次公募について", 2026, 1, True, "call"),
        ("脱炭素社会実現のための都市間連携事業委託業務 二次公募開始", None, 2, True, "call"),
        ("「脱炭素社会実現のための都市間連携事業」成果報告会の開催について", None, 1, False, None),
    ],
)
def test_parse_title_cases(title, fy, rnd, stated, kind):
    info = parse_title(title)
    assert info is not None
    assert (info.fiscal_year, info.call_round, info.round_stated, info.kind) == (fy, rnd, stated, kind)


@pytest.mark.parametrize(
    "title",
    [
        "令和6年度二国間クレジット制度資金支援事業のうち設備補助事業の採択結果について",
        "令和6年度国立公園満喫プロジェクト等推進事業の採択結果について",
        "令和5年度脱炭素先行地域の選定結果について",
        "ゼロカーボンシティ国際フォーラムにおける都市間連携について",
        "",
    ],
)
def test_parse_title_ignores_other_programmes(title):
    assert parse_title(title) is None


@pytest.mark.parametrize(
    "text, fy",
    [("令和元年度", 2019), ("平成31年度", 2019), ("平成26年度", 2014), ("令和５年度", 2023),
     ("令和 6 年度", 2024), ("㍻30年度", 2018), ("2024年度", 2024), ("都市間連携事業", None),
     ("令和6年2月2日から令和5年度分", 2023)],
)
def test_parse_fiscal_year(text, fy):
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    "text, rnd",
    [("(2次)", 2), ("（２次公募）", 2), ("1次公募", 1), ("第2次公募", 2), ("二次公募", 2),
     ("三次募集", 3), ("第２次", 2), ("一次エネルギー消費量", None), ("採択結果について", None)],
)
def test_parse_round(text, rnd):
    assert parse_round(text) == rnd


# --------------------------------------------------------------------------- parse_counts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("24件の応募があり、外部有識者による審査の結果、21件を採択しました。", (24, 21)),
        ("応募総数24件のうち、審査の結果、採択21件となりました。", (24, 21)),
        ("8件の応募の中から4件を採択", (8, 4)),
        ("２４件の応募があり、２１件を採択", (24, 21)),
        ("応募総数 28 件 … 採択 16 件", (28, 16)),
        ("外部有識者による審査の結果、２件を採択しました。", (None, 2)),
        ("13件の応募があり、契約候補事業3件を決定しました。", (13, 3)),
        ("別添の採択案件一覧のとおりです。事業費は1件あたり2,000万円。", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_counts(text, expected):
    assert parse_counts(text) == expected


# --------------------------------------------------------------------------- find_attachment

PAGE = "https://www.env.go.jp/press/press_02986.html"


@pytest.mark.parametrize(
    "href, text, url",
    [
        ("/content/000212466.pdf", "令和6年度脱炭素社会実現のための都市間連携事業委託業務 1次公募採択案件一覧[PDF 123KB]",
         "https://www.env.go.jp/content/000212466.pdf"),
        ("../content/000164321.pdf", "採択事業一覧 (PDF 98KB)", "https://www.env.go.jp/content/000164321.pdf"),
        ("files/jp/108765.pdf", "採択案件一覧表（別添）（PDF 123KB）", "https://www.env.go.jp/press/files/jp/108765.pdf"),
        ("/press/files/jp/26590.pdf", "（別添）採択 案件 一覧", "https://www.env.go.jp/press/files/jp/26590.pdf"),
        ("https://www.env.go.jp/content/000228910.pdf#page=1", "第２次公募採択案件一覧",
         "https://www.env.go.jp/content/000228910.pdf"),
        ("HTTP://WWW.ENV.GO.JP/content/000000001.PDF", "採択案件一覧", "http://www.env.go.jp/content/000000001.PDF"),
    ],
)
def test_find_attachment_shapes(href, text, url):
    links = [("/content/1.pdf", "（参考）事業の概要[PDF 1MB]"), (href, text), ("/content/2.pdf", "採点表")]
    att = find_attachment(links, PAGE)
    assert att is not None and att.is_pdf
    assert att.url == url


def test_find_attachment_prefers_pdf_and_reports_non_pdf():
    links = [Link("/content/list.xlsx", "採択案件一覧（Excel）"), Link("/content/list.pdf", "採択案件一覧（PDF）")]
    assert find_attachment(links, PAGE) == Attachment("https://www.env.go.jp/content/list.pdf", "採択案件一覧（PDF）", True)
    only_xlsx = find_attachment(links[:1], PAGE)
    assert only_xlsx is not None and not only_xlsx.is_pdf


@pytest.mark.parametrize(
    "links",
    [[], [("/content/1.pdf", "公募要領")], [("mailto:x@env.go.jp", "採択案件一覧")],
     [("javascript:void(0)", "採択案件一覧")], [("/press/files/jp/1.pdf", "採択結果について")]],
)
def test_find_attachment_none(links):
    assert find_attachment(links, PAGE) is None


# --------------------------------------------------------------------------- dates, decoding, env


@pytest.mark.parametrize(
    "text, iso",
    [("2024年03月29日", "2024-03-29"), ("令和元年6月14日", "2019-06-14"), ("平成27年4月13日", "2015-04-13"),
     ("２０２３年１０月３日", "2023-10-03"), ("発表日：2024.3.29", "2024-03-29"), ("2024-13-40", None),
     ("令和6年度", None)],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


SJIS_PAGE = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>' \
            "<body><h1>令和元年度低炭素社会実現のための都市間連携事業委託業務①</h1></body></html>"


def test_decode_html():
    sjis = SJIS_PAGE.encode("cp932")
    assert decode_html(sjis, "text/html") == SJIS_PAGE  # meta charset
    assert decode_html(sjis, "text/html; charset=utf-8") == SJIS_PAGE  # lying header: meta wins
    assert decode_html(sjis, None) == SJIS_PAGE
    utf8 = "<p>令和５年度</p>"
    assert decode_html(utf8.encode(), "text/html") == utf8
    assert decode_html(b"\xef\xbb\xbf" + utf8.encode(), "text/html; charset=shift_jis") == utf8
    assert decode_html(utf8.encode("euc_jp"), "text/html; charset=EUC-JP") == utf8
    assert "\ufffd" in decode_html(b"\xff\xfe\xfd\x80\x81", "text/html; charset=nonsense")  # never raises


def test_index_urls():
    assert default_index_url("https://www.env.go.jp/") == "https://www.env.go.jp/press/index.html"
    assert index_url_from_env({}) == "https://www.env.go.jp/press/index.html"
    assert index_url_from_env({"C3P_SITE_URL": "http://127.0.0.1:8000"}) == "http://127.0.0.1:8000/press/index.html"
    assert index_url_from_env({"C3P_SITE_URL": "http://a", "C3P_PRESS_INDEX_URL": "http://b/p/list.html"}) \
        == "http://b/p/list.html"


# --------------------------------------------------------------------------- the crawler on a local site


@pytest.fixture
def site():
    with LocalSite(SITE_ROOT) as s:
        s.faults["/press/broken.html"] = lambda h: send_bytes(h, 500, b"oops", "text/plain")
        yield s


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def _by_path(releases: list[DiscoveredRelease]) -> dict[str, DiscoveredRelease]:
    out = {}
    for r in releases:
        path = httpx.URL(r.press_url).path
        assert path not in out, f"{path} reported twice"
        out[path] = r
    return out


def test_discover_fixture_site(site, client):
    lines: list[str] = []
    result = discover(client, default_index_url(site.url), progress=lines.append)
    got = _by_path(result.releases)
    u = site.url

    assert got == {
        "/press/press_03150.html": DiscoveredRelease(
            2024, 2, "adoption", "令和６年度脱炭素社会実現のための都市間連携事業委託業務（第２次公募）採択結果について",
            f"{u}/press/press_03150.html", "https://www.env.go.jp/content/000228910.pdf", 8, 4, "2024-06-07"),
        "/press/press_02986.html": DiscoveredRelease(
            2024, 1, "adoption", "令和6年度脱炭素社会実現のための都市間連携事業委託業務採択結果について",
            f"{u}/press/press_02986.html", f"{u}/content/000212466.pdf", 24, 18, "2024-03-29"),
        "/press/press_02689.html": DiscoveredRelease(
            2024, 1, "call", "令和6年度脱炭素社会実現のための都市間連携事業委託業務1次公募について",
            f"{u}/press/press_02689.html", None, None, None, "2024-02-02"),
        "/press/press_02247.html": DiscoveredRelease(
            2023, 2, "adoption", "令和５年度脱炭素社会実現のための都市間連携事業委託業務（２次公募）採択結果について",
            f"{u}/press/press_02247.html", f"{u}/content/000164321.pdf", None, 2, "2023-10-03"),
        # attachment missing: adoption found, pdf_url None
        "/press/108450.html": DiscoveredRelease(
            2020, 2, "adoption", "令和2年度脱炭素社会実現のための都市間連携事業委託業務（2次）採択結果について",
            f"{u}/press/108450.html", None, 8, 5, "2020-09-18"),
        # Shift_JIS page (served under a charset=utf-8 header), counts not stated
        "/press/106860.html": DiscoveredRelease(
            2019, 1, "adoption", "令和元年度低炭素社会実現のための都市間連携事業委託業務（1次公募）採択結果について",
            f"{u}/press/106860.html", f"{u}/press/files/jp/111509.pdf", None, None, "2019-06-14"),
        "/press/102107.html": DiscoveredRelease(
            2016, 1, "call",
            "平成28年度低炭素社会実現のための都市間連携に基づくJCM案件形成可能性調査事業委託業務について（お知らせ）",
            f"{u}/press/102107.html", None, None, None, "2016-02-25"),
        # FY2015 predecessor name
        "/press/100833.html": DiscoveredRelease(
            2015, 1, "adoption",
            "「平成27年度アジアの低炭素社会実現のためのJCM案件形成可能性調査事業委託業務」の採択結果について",
            f"{u}/press/100833.html", f"{u}/press/files/jp/26590.pdf", 21, 9, "2015-04-13"),
    }
    assert [r.press_url for r in result.adoptions][:2] == [f"{u}/press/press_03150.html", f"{u}/press/press_02986.html"]
    assert {r.press_url for r in result.calls} == {f"{u}/press/press_02689.html", f"{u}/press/102107.html"}

    # the broken page is one error entry naming its URL and the reason
    assert result.errors == [f"{u}/press/broken.html: HTTP 500 Internal Server Error"]

    # unrelated releases (other programmes, a seminar of this one) are never fetched
    for path in ("/press/press_02950.html", "/press/press_03100.html", "/press/100820.html", "/press/press_02600.html"):
        assert site.get_count(path) == 0, path
    # every page fetched once despite self/back links, '#top' duplicates and two links to index_2
    for path in ("/press/index.html", "/press/index_2.html", "/press/press_02986.html"):
        assert site.get_count(path) == 1, path
    # nothing off-site was requested (it would have been a connection error entry)
    assert not any("example.com" in e for e in result.errors)
    # nothing but HTML pages was requested; one progress line per request
    assert not any(p.endswith(".pdf") for _, p, _ in site.requests)
    assert len(lines) == len(site.requests) == 2 + 8 + 1
    assert all(line.startswith("GET ") for line in lines)
    assert any(line.endswith("/press/broken.html -> 500") for line in lines)


def test_discover_listing_page_404_is_an_error(site, client):
    site.faults["/press/index_2.html"] = lambda h: send_bytes(h, 404, b"not found", "text/plain")
    result = discover(client, default_index_url(site.url))
    assert f"{site.url}/press/index_2.html: HTTP 404 Not Found" in result.errors
    paths = set(_by_path(result.releases))
    assert "/press/press_02986.html" in paths and "/press/106860.html" not in paths


def test_discover_index_unreachable(client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/press/index.html"
    result = discover(client, url)
    assert result.releases == []
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{url}: ConnectError")


def test_discover_max_pages(site, client):
    lines: list[str] = []
    result = discover(client, default_index_url(site.url), max_pages=3, progress=lines.append)
    assert len(site.requests) == len(lines) == 3
    assert [httpx.URL(r.press_url).path for r in result.releases] == ["/press/press_03150.html", "/press/press_02986.html"]
    assert len(result.errors) == 1 and result.errors[0].startswith("max_pages=3 reached:")
    assert "/press/index_2.html" in result.errors[0]

    assert discover(client, default_index_url(site.url), max_pages=0).releases == []


def _redirect(location: str):
    def answer(h):
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return answer


def test_discover_redirects_same_site_only(site, client):
    site.faults["/press/latest.html"] = _redirect("/press/index.html")
    site.faults["/press/press_02247.html"] = _redirect("https://www.example.com/press/press_02247.html")
    result = discover(client, f"{site.url}/press/latest.html")
    paths = set(_by_path(result.releases))
    assert "/press/press_02986.html" in paths and "/press/106860.html" in paths
    assert "/press/press_02247.html" not in paths
    assert site.get_count("/press/index.html") == 1  # the redirect target counts as visited
    assert f"{site.url}/press/press_02247.html: redirected off-site to " \
           "'https://www.example.com/press/press_02247.html'" in result.errors


def test_discover_non_html_page_is_an_error(site, client):
    site.faults["/press/press_02986.html"] = lambda h: send_bytes(h, 200, b"%PDF-1.7", "application/pdf")
    result = discover(client, default_index_url(site.url))
    assert f"{site.url}/press/press_02986.html: not an HTML page (application/pdf)" in result.errors
    assert "/press/press_02986.html" not in _by_path(result.releases)


OLD_LISTING = """<html><head><meta charset="utf-8"></head><body>
<dl class="list">
<dt>2024年02月02日</dt>
<dd><a href="press_02689.html">令和6年度脱炭素社会実現のための都市間連携事業委託業務1次公募について</a></dd>
<dt>2023年10月03日</dt>
<dd><a href="/press/press_02247.html">2023年10月03日　令和５年度脱炭素社会実現のための都市間連携事業委託業務（２次公募）採択結果について</a></dd>
</dl>
<div class="pager"><a href="?page=2">次へ</a><a href="/press/other/index.html">別の一覧</a></div>
</body></html>"""

BARE_RELEASE = "<html><body><p>令和6年度の公募を行います。</p></body></html>"


def test_discover_listing_dates_titles_and_query_pagination(site, client):
    site.faults["/press/index.html"] = lambda h: send_bytes(h, 200, OLD_LISTING.encode(), "text/html; charset=utf-8")
    # a release page without <h1> or date: title and date come from the listing
    site.faults["/press/press_02689.html"] = lambda h: send_bytes(h, 200, BARE_RELEASE.encode(), "text/html")
    result = discover(client, default_index_url(site.url))
    got = _by_path(result.releases)
    call = got["/press/press_02689.html"]
    assert (call.title, call.date, call.fiscal_year, call.kind) == (
        "令和6年度脱炭素社会実現のための都市間連携事業委託業務1次公募について", "2024-02-02", 2024, "call")
    assert got["/press/press_02247.html"].date == "2023-10-03"
    # ?page=2 is pagination (same path, fetched once more with its query); other directories are not
    assert site.get_count("/press/index.html") == 2
    assert site.get_count("/press/other/index.html") == 0
