"""One URL per list; counts that agree with the press release."""

from __future__ import annotations

from pipelines.run.handoffs import Failed, Recorded
from pipelines.run.reconcile import reconcile
from pipelines.sources.spec import SourceSpec

OK = Recorded("data/.work/run/src.records.json", 21)
FAILED = Failed("fetch", "HTTP 404")


def spec(url, expected=None, year=2023):
    return SourceSpec(url, year, 1, expected_count=expected)


def test_first_claim_wins_and_the_second_url_is_quarantined():
    a, b = reconcile([spec("http://a"), spec("http://b")], [OK, OK], [])
    assert (a.status, a.owns_list) == ("ok", True)
    assert b.status == "quarantined" and not b.owns_list and "http://a" in b.error


def test_the_url_a_list_was_published_from_keeps_it():
    previous = [{"fiscal_year": 2023, "call_round": 1, "url": "http://b", "status": "ok"}]
    a, b = reconcile([spec("http://a"), spec("http://b")], [OK, OK], previous)
    assert a.status == "quarantined" and b.status == "ok"


def test_a_failed_owner_still_owns_its_list():
    a, b = reconcile([spec("http://a"), spec("http://b")], [FAILED, OK], [])
    assert (a.status, a.error, a.owns_list) == ("failed", "fetch: HTTP 404", True)
    assert b.status == "quarantined"


def test_count_mismatch_is_quarantined_but_keeps_its_list():
    [v] = reconcile([spec("http://a", expected=20)], [OK], [])
    assert v.status == "quarantined" and v.owns_list and "(21)" in v.error and "(20)" in v.error
    [v] = reconcile([spec("http://a", expected=21)], [OK], [])
    assert v.status == "ok"


def test_different_lists_do_not_conflict():
    verdicts = reconcile([spec("http://a"), spec("http://b", year=2019)], [OK, OK], [])
    assert [v.status for v in verdicts] == ["ok", "ok"]
