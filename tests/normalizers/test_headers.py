import pytest

from normalizers.headers import UnknownHeader, canonical_field, co_applicant_role, map_header

FY2023 = [
    "番号",
    "提案者",
    "共同応募者",
    "国内都市",
    "対象都市・地域",
    "対象国",
    "事業名",
    "対象分野",
    "事業概要 *1",
]
FY2019 = ["No.", "事業名", "実施主体（代表事業者）", "共同事業者", "本邦都市", "パートナー都市", "国"]


def test_fy2023():
    assert map_header(FY2023) == [
        "list_no",
        "proposer",
        "co_applicants",
        "domestic_city",
        "partner_city",
        "country",
        "project_name",
        "target_fields",
        "summary",
    ]
    assert co_applicant_role(FY2023) == "共同応募者"


def test_fy2019():
    assert map_header(FY2019) == [
        "list_no",
        "project_name",
        "proposer",
        "co_applicants",
        "domestic_city",
        "partner_city",
        "country",
    ]
    assert co_applicant_role(FY2019) == "共同事業者"


@pytest.mark.parametrize(
    "h,f",
    [
        ("No", "list_no"),
        ("番 号", "list_no"),
        ("事業概要※1", "summary"),
        ("事業概要（注1）", "summary"),
        ("対象国＊", "country"),
        ("国名", "country"),
        ("案件名", "project_name"),
        ("代表事業者", "proposer"),
        ("実施主体", "proposer"),
        ("共同実施者", "co_applicants"),
        ("海外都市", "partner_city"),
        ("ＮＯ．", "list_no"),
    ],
)
def test_synonyms_and_folding(h, f):
    assert canonical_field(h) == f


def test_unknown_header_shows_text():
    with pytest.raises(UnknownHeader, match="予算額"):
        map_header(["番号", "提案者", "事業名", "予算額"])


def test_missing_required_raises():
    with pytest.raises(UnknownHeader, match="proposer"):
        map_header(["番号", "事業名", "国"])
    with pytest.raises(UnknownHeader, match="project_name"):
        map_header(["番号", "提案者"])


def test_duplicate_field_raises():
    with pytest.raises(UnknownHeader):
        map_header(["提案者", "事業名", "国", "対象国"])


def test_field_remembers_printed_header():
    c = map_header(FY2019)[3]
    assert c == "co_applicants" and c.printed == "共同事業者" and c.role == "共同事業者"
    assert {c: "x"}["co_applicants"] == "x"
