"""--sources files and the built-in registry."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

from pipelines.sources import registry
from pipelines.sources.spec import SourcesFileError, allowed_hosts, load_sources_file
from tests.conftest import write_sources


def test_sources_file_round_trip(tmp_path):
    path = write_sources(
        tmp_path / "s.toml",
        [
            {
                "url": "http://127.0.0.1:8000/a.pdf",
                "fiscal_year": 2023,
                "call_round": 2,
                "press_url": "https://www.env.go.jp/press/press_02247.html",
                "expected_count": 2,
            },
            {"url": "http://127.0.0.1:8000/b.pdf", "fiscal_year": 2019},
        ],
    )
    a, b = load_sources_file(path)
    assert (a.fiscal_year, a.call_round, a.expected_count) == (2023, 2, 2)
    assert (b.call_round, b.expected_count, b.origin) == (1, None, "sources-file")
    assert a.source_id != b.source_id and a.source_id == load_sources_file(path)[0].source_id


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"url": "ftp://x/a.pdf", "fiscal_year": 2023}, "http(s) URL"),
        ({"url": "http://x/a.pdf", "fiscal_year": "R5"}, "fiscal_year"),
        ({"url": "http://x/a.pdf", "fiscal_year": 2023, "call_round": 0}, "call_round"),
        ({"url": "http://x/a.pdf", "fiscal_year": 2023, "colour": "red"}, "unknown keys"),
    ],
)
def test_bad_entries_name_file_and_entry(tmp_path, entry, message):
    path = write_sources(tmp_path / "s.toml", [entry])
    with pytest.raises(SourcesFileError) as err:
        load_sources_file(path)
    assert str(path) in str(err.value) and "#1" in str(err.value) and message in str(err.value)


def test_unreadable_sources_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[source]\nurl=")
    with pytest.raises(SourcesFileError, match="not valid TOML"):
        load_sources_file(bad)
    with pytest.raises(SourcesFileError, match="no such file"):
        load_sources_file(tmp_path / "missing.toml")


def test_only_site_host_unless_named_in_sources_file(tmp_path):
    specs = load_sources_file(
        write_sources(tmp_path / "s.toml", [{"url": "http://127.0.0.1:9/a.pdf", "fiscal_year": 2023}])
    )
    assert allowed_hosts(specs, "https://www.env.go.jp", from_sources_file=True) == {
        "www.env.go.jp",
        "127.0.0.1:9",
    }
    assert allowed_hosts(specs, "https://www.env.go.jp", from_sources_file=False) == {"www.env.go.jp"}


def test_registry_keeps_every_release_and_knows_the_fy2024_pdfs():
    releases = registry.releases()
    table = resources.files("pipelines.sources").joinpath("moe_releases.csv").read_text(encoding="utf-8")
    assert len(releases) == len(list(csv.DictReader(table.splitlines())))  # every row of the reference
    years = {r.fiscal_year for r in releases}
    assert min(years) == 2013 and years == set(range(2013, max(years) + 1))  # no year missing
    assert len({(r.fiscal_year, r.call_round, r.kind) for r in releases}) == len(releases)
    for r in releases:  # what the crawler and the coverage table rely on, true of every row
        assert r.kind in ("adoption", "call", "info") and r.era in ("低炭素", "脱炭素"), r
        assert r.call_round is None or r.call_round >= 1, r
        assert r.date is None or re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", r.date), r
        for url in (r.press_url, r.attachment_url):
            assert url is None or re.match(r"https?://www\.env\.go\.jp/", url), r
        assert r.attachment_url is None or r.kind == "adoption", r
        assert r.adopted is None or r.applications is None or 0 < r.adopted <= r.applications, r
    adoption_2023 = [r for r in releases if r.fiscal_year == 2023 and r.kind == "adoption"]
    assert {(r.call_round, r.adopted) for r in adoption_2023} == {(1, 21), (2, 2)}
    sources = registry.builtin_sources()
    assert [(s.fiscal_year, s.call_round) for s in sources] == [(2024, 1), (2024, 2), (2024, 3)]
    assert sources[0].expected_count == 18 and sources[0].press_url.endswith("press_02986.html")


def test_registry_urls_follow_the_site_url(monkeypatch):
    monkeypatch.setenv("C3P_SITE_URL", "http://127.0.0.1:8765")
    assert registry.builtin_sources()[0].url == "http://127.0.0.1:8765/content/000212466.pdf"


def test_source_id_follows_the_path_on_the_site_not_the_host_or_port(monkeypatch):
    from pipelines.sources.spec import site_path, source_id

    # the demo's local server picks a new port every run: the id stays
    assert source_id("http://127.0.0.1:41234/content/fy2023_r1_xlsx.pdf") == source_id(
        "http://127.0.0.1:50999/content/fy2023_r1_xlsx.pdf"
    )
    # a mirror on C3P_SITE_URL (with a path prefix) gives the ministry's ids
    ministry = source_id("https://www.env.go.jp/content/000212466.pdf")
    monkeypatch.setenv("C3P_SITE_URL", "http://mirror.local:8080/env")
    mirrored = registry.builtin_sources()[0]
    assert mirrored.url == "http://mirror.local:8080/env/content/000212466.pdf"
    assert site_path(mirrored.url) == "/content/000212466.pdf"
    assert mirrored.source_id == ministry
    # different lists stay apart; the query is part of the place
    assert source_id("http://x/content/a.pdf") != source_id("http://x/content/b.pdf")
    assert source_id("http://x/get?id=1") != source_id("http://x/get?id=2")
    assert ministry.startswith("src_") and len(ministry) == 14


def test_two_hosts_with_one_path_in_a_sources_file_are_refused(tmp_path):
    path = write_sources(
        tmp_path / "s.toml",
        [
            {"url": "http://a.example/list.pdf", "fiscal_year": 2023},
            {"url": "http://b.example/list.pdf", "fiscal_year": 2024},
        ],
    )
    with pytest.raises(SourcesFileError) as err:
        load_sources_file(path)
    message = str(err.value)
    assert str(path) in message and "#2" in message and "#1" in message and "source_id" in message
