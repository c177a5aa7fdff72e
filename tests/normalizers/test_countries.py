import pytest

from normalizers.countries import resolve_country

JCM = {
    "モンゴル": "MN",
    "バングラデシュ": "BD",
    "エチオピア": "ET",
    "ケニア": "KE",
    "モルディブ": "MV",
    "ベトナム": "VN",
    "ラオス": "LA",
    "インドネシア": "ID",
    "コスタリカ": "CR",
    "パラオ": "PW",
    "カンボジア": "KH",
    "メキシコ": "MX",
    "サウジアラビア": "SA",
    "チリ": "CL",
    "ミャンマー": "MM",
    "タイ": "TH",
    "フィリピン": "PH",
    "セネガル": "SN",
    "チュニジア": "TN",
    "アゼルバイジャン": "AZ",
    "モルドバ": "MD",
    "ジョージア": "GE",
    "スリランカ": "LK",
    "ウズベキスタン": "UZ",
    "パプアニューギニア": "PG",
    "アラブ首長国連邦": "AE",
    "キルギス": "KG",
    "カザフスタン": "KZ",
    "ウクライナ": "UA",
    "タンザニア": "TZ",
    "ガーナ": "GH",
    "ザンビア": "ZM",
    "ブラジル": "BR",
    "インド": "IN",
    "マレーシア": "MY",
}


@pytest.mark.parametrize("name,code", sorted(JCM.items()))
def test_partner_countries(name, code):
    assert resolve_country(name)[:2] == (code, name)


@pytest.mark.parametrize(
    "raw,code,short",
    [
        ("ベトナム社会主義共和国", "VN", "ベトナム"),
        ("マレーシア国", "MY", "マレーシア"),
        ("ミャンマー連邦共和国", "MM", "ミャンマー"),
        ("モンゴル国", "MN", "モンゴル"),
        ("ラオス人民民主共和国", "LA", "ラオス"),
        ("タイ王国", "TH", "タイ"),
        ("インドネシア共和国", "ID", "インドネシア"),
        ("フィリピン共和国", "PH", "フィリピン"),
        ("カンボジア王国", "KH", "カンボジア"),
        ("ＴＨＡＩ", None, None),
    ],
)
def test_formal_names(raw, code, short):
    assert resolve_country(raw)[:2] == (code, short)


def test_unknown_warns():
    assert resolve_country("ナントカ国")[2]


def test_country_table_names_every_iso_country_once():
    from normalizers.countries import NOT_COUNTRIES, country_table

    table = country_table()
    codes = [r["code"] for r in table]
    assert len(codes) == len(set(codes)) == 249  # ISO 3166-1 alpha-2
    assert not set(codes) & NOT_COUNTRIES
    by_code = {r["code"]: r for r in table}
    # name_ja is the short name projects.country_name_ja uses (ミャンマー, not CLDR's ミャンマー (ビルマ))
    assert (by_code["MM"]["name_ja"], by_code["TH"]["name_en"]) == ("ミャンマー", "Thailand")
    for name, code in JCM.items():
        assert by_code[code]["name_ja"] == resolve_country(name)[1]


def test_a_union_or_organisation_is_not_a_country():
    assert resolve_country("欧州連合")[0] is None
