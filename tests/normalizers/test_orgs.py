import random

import pytest

from normalizers.orgs import near_matches, near_matches_exhaustive, resolve_org, split_org


@pytest.mark.parametrize(
    "raw,name,form,pos,base,typ",
    [
        (
            "株式会社 KANSOテクノス",
            "株式会社KANSOテクノス",
            "株式会社",
            "prefix",
            "KANSOテクノス",
            "company_jp",
        ),
        ("日本工営(株)", "日本工営株式会社", "株式会社", "suffix", "日本工営", "company_jp"),
        ("アミタ㈱", "アミタ株式会社", "株式会社", "suffix", "アミタ", "company_jp"),
        ("㍿テスト", "株式会社テスト", "株式会社", "prefix", "テスト", "company_jp"),
        (
            "(一社)テスト協会",
            "一般社団法人テスト協会",
            "一般社団法人",
            "prefix",
            "テスト協会",
            "foundation_association",
        ),
        (
            "(公財)地球環境センター",
            "公益財団法人地球環境センター",
            "公益財団法人",
            "prefix",
            "地球環境センター",
            "foundation_association",
        ),
        (
            "（独）国際協力機構",
            "独立行政法人国際協力機構",
            "独立行政法人",
            "prefix",
            "国際協力機構",
            "government_agency",
        ),
        ("テスト(有)", "テスト有限会社", "有限会社", "suffix", "テスト", "company_jp"),
        (
            "シードおきなわ合同会社",
            "シードおきなわ合同会社",
            "合同会社",
            "suffix",
            "シードおきなわ",
            "company_jp",
        ),
        (
            "公益財団法人　地球環境戦略研究機関",
            "公益財団法人地球環境戦略研究機関",
            "公益財団法人",
            "prefix",
            "地球環境戦略研究機関",
            "foundation_association",
        ),
        ("北海道大学", "北海道大学", None, None, "北海道大学", "university"),
        ("札幌商工会議所", "札幌商工会議所", None, None, "札幌商工会議所", "chamber_of_commerce"),
        (
            "Kansai Energy Solutions (Vietnam) Co., Ltd.",
            "Kansai Energy Solutions (Vietnam) Co., Ltd.",
            "Co., Ltd.",
            "suffix",
            "Kansai Energy Solutions (Vietnam)",
            "company_foreign",
        ),
        (
            "PT. Gistec Prima Energindo",
            "PT. Gistec Prima Energindo",
            "PT",
            "prefix",
            "Gistec Prima Energindo",
            "company_foreign",
        ),
        (
            "イスカンダル地域開発庁",
            "イスカンダル地域開発庁",
            None,
            None,
            "イスカンダル地域開発庁",
            "government_agency",
        ),
    ],
)
def test_canonical_forms(raw, name, form, pos, base, typ):
    o = resolve_org(raw)
    assert (o.name, o.legal_form, o.legal_form_position, o.base_name, o.org_type) == (
        name,
        form,
        pos,
        base,
        typ,
    )


@pytest.mark.parametrize(
    "raw,gov,dept,typ",
    [
        (
            "北九州市　環境局　国際環境部 環境国際戦略課",
            "北九州市",
            "環境局 国際環境部 環境国際戦略課",
            "local_government_jp",
        ),
        ("東京都　環境局", "東京都", "環境局", "local_government_jp"),
        ("北九州市環境局", "北九州市", "環境局", "local_government_jp"),
        ("北九州市アジア低炭素化センター", "北九州市", "アジア低炭素化センター", "local_government_jp"),
        ("横浜市（Y-PORTセンター）", "横浜市", "Y-PORTセンター", "local_government_jp"),
        ("さいたま市　都市戦略本部", "さいたま市", "都市戦略本部", "local_government_jp"),
        ("富山市", "富山市", None, "local_government_jp"),
        ("西ジャワ州", "西ジャワ州", None, "local_government_foreign"),
        ("ハイフォン市外務局", "ハイフォン市", "外務局", "local_government_foreign"),
    ],
)
def test_departments_belong_to_their_government(raw, gov, dept, typ):
    org, d = split_org(raw)
    assert (org.name, d, org.org_type) == (gov, dept, typ)


def test_not_governments():
    for n in (
        "北海道大学",
        "札幌商工会議所",
        "北海道ガス株式会社",
        "東京センチュリー株式会社",
        "大阪商工会議所",
        "福島商工会議所",
    ):
        assert not resolve_org(n).org_type.startswith("local_government"), n


def test_ids_are_stable_and_prefixed():
    a = resolve_org("日本工営株式会社").org_id
    assert a == resolve_org("日本工営株式会社").org_id and a.startswith("org_") and len(a) == 16


def test_near_matches_report_not_merge():
    pairs = near_matches(["PT. 富士古河E&Cインドネシア", "富士古河E&C", "大阪市", "大阪ガス株式会社"])
    assert [p[:2] for p in pairs] == [("PT. 富士古河E&Cインドネシア", "富士古河E&C")]


@pytest.mark.parametrize(
    "raw, name, abbreviation",
    [
        # the abbreviation is its own field whether or not a reviewed alias names the organisation
        ("一般社団法人海外環境協力センター（OECC）", "一般社団法人海外環境協力センター", "OECC"),
        (
            "一般社団法人YOKOHAMA URBAN SOLUTION ALLIANCE（YUSA）",
            "一般社団法人Yokohama Urban Solution Alliance",
            "YUSA",
        ),
        (
            "一般社団法人Yokohama Urban Solution　Alliance(YUSA)",
            "一般社団法人Yokohama Urban Solution Alliance",
            "YUSA",
        ),
        (
            "Johnson Controls-Hitachi Air Conditioning Vietnam LLC (JCH)",
            "Johnson Controls-Hitachi Air Conditioning Vietnam LLC",
            "JCH",
        ),
        ("公益財団法人地球環境戦略研究機関", "公益財団法人地球環境戦略研究機関", None),
        ("Kansai Energy Solutions (Vietnam) Co., Ltd.", "Kansai Energy Solutions (Vietnam) Co., Ltd.", None),
        (
            "株式会社ダイキアクシス（PT. DAIKI AXIS INDONESIA）",
            "株式会社ダイキアクシス(PT. DAIKI AXIS INDONESIA)",
            None,
        ),
    ],
)
def test_abbreviation_split_from_the_canonical_name(raw, name, abbreviation):
    org = resolve_org(raw)
    assert (org.name, org.abbreviation) == (name, abbreviation)
    assert not org.base_name.endswith(f"({abbreviation})")


def test_abbreviation_does_not_change_the_id():
    assert (
        resolve_org("一般社団法人海外環境協力センター（OECC）").org_id
        == resolve_org("一般社団法人海外環境協力センター").org_id
    )


def _generated_names(count: int, seed: int) -> list[str]:
    """Company-like names built from shared parts, with near spellings of each other: a
    character dropped, changed or doubled, a word added, the legal form moved."""
    rng = random.Random(seed)
    parts = [
        "日本",
        "東京",
        "大阪",
        "環境",
        "エネルギー",
        "ソリューション",
        "テクノ",
        "グリーン",
        "開発",
        "工業",
        "電力",
        "エンジニアリング",
        "コンサルタンツ",
        "システム",
        "リサイクル",
        "Eco",
        "Energy",
        "Solutions",
        "アジア",
        "パシフィック",
        "水",
        "ガス",
        "太陽光",
        "バイオ",
        "サービス",
    ]
    forms = ["株式会社{}", "{}株式会社", "一般社団法人{}", "{} Co., Ltd.", "{}"]
    names: list[str] = []
    while len(names) < count:
        if names and rng.random() < 0.5:
            base = rng.choice(names)
            i = rng.randrange(len(base))
            change = rng.choice(["drop", "swap", "double", "add"])
            if change == "drop":
                name = base[:i] + base[i + 1 :]
            elif change == "swap":
                name = base[:i] + rng.choice("アイウエオカキクケコ環境電") + base[i + 1 :]
            elif change == "double":
                name = base[:i] + base[i] + base[i:]
            else:
                name = base + rng.choice(parts)
        else:
            base = "".join(rng.sample(parts, rng.randint(1, 3)))
            name = rng.choice(forms).format(base)
        if name.strip():
            names.append(name)
    return names


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("threshold", [0.85, 0.6])
def test_near_matches_finds_the_pairs_of_comparing_every_pair_on_generated_names(seed, threshold):
    names = _generated_names(250, seed)
    found = near_matches(names, threshold)
    assert len(found) > 20  # the set has near spellings to find
    assert found == near_matches_exhaustive(names, threshold)
