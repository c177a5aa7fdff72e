from normalizers._data import read_csv
from normalizers.participants import build_participants
from normalizers.roles import OTHER, role_code, role_table


def test_the_co_applicant_role_printed_two_ways_has_one_code():
    # FY2019 lists print the column as 共同事業者, FY2020+ as 共同応募者: one role
    assert role_code("共同事業者") == role_code("共同応募者") == role_code("共同実施者") == "co_applicant"
    assert role_code("協力事業者") == role_code("現地協力機関") == "cooperating_partner"
    assert role_code("【協力事業者】") is None  # decorations are stripped before, by the splitter


def test_every_role_a_header_or_label_gives_has_a_code():
    codes = {r["role_code"] for r in role_table()}
    assert {"proposer", "co_applicant", "cooperating_partner", OTHER} <= codes
    for r in read_csv("header_synonyms.csv"):
        if r["role"]:
            assert role_code(r["role"]) in codes, r
    for r in read_csv("role_labels.csv"):
        assert role_code(r["role"]) == r["role_code"], r


def test_participants_carry_the_printed_role_and_its_code():
    parts, _ = build_participants("川崎市\n協力事業者・団体：\n札幌商工会議所", "共同事業者")
    assert [(p.role, p.role_code) for p in parts] == [
        ("共同事業者", "co_applicant"),
        ("協力事業者", "cooperating_partner"),
    ]


def test_a_role_without_code_is_other_and_reported():
    parts, warnings = build_participants("川崎市", "連携自治体")
    assert (parts[0].role, parts[0].role_code) == ("連携自治体", OTHER)
    assert any("連携自治体" in w and "role_labels.csv" in w for w in warnings)
