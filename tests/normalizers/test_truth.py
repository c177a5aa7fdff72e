"""Every row of both truth files, from the truth's own raw cells (independent of the extractor)."""

import collections
import json
from pathlib import Path

import pytest

from normalizers.headers import map_header
from normalizers.municipalities import check_digit
from normalizers.orgs import near_matches, near_matches_exhaustive, resolve_org
from normalizers.project import normalise_row
from tests.conftest import COUNTRY

TRUTH = Path(__file__).resolve().parents[1] / "fixtures" / "truth"
FILES = ("fy2023_r1", "fy2019_r1")


def _rows():
    for f in FILES:
        d = json.loads((TRUTH / f"{f}.json").read_text(encoding="utf-8"))
        for r in d["rows"]:
            yield pytest.param(f, d["columns"], r, id=f"{f}-{r['no']}")


def _normalise(columns, row):
    canon = map_header(columns)
    fields = {canon[i]: row["cells"][h] for i, h in enumerate(columns) if canon[i]}
    # called the way pipelines/warehouse/records.py calls it: the role comes from the header keys
    return normalise_row(fields, row.get("group"))


LG_CODES = {
    "横浜市": ("141003", "神奈川県"),
    "東京都": ("130001", "東京都"),
    "さいたま市": ("111007", "埼玉県"),
    "滋賀県": ("250007", "滋賀県"),
    "堺市": ("271403", "大阪府"),
    "浦添市": ("472085", "沖縄県"),
    "川崎市": ("141305", "神奈川県"),
    "愛媛県": ("380008", "愛媛県"),
    "福岡県": ("400009", "福岡県"),
    "北九州市": ("401005", "福岡県"),
    "札幌市": ("011002", "北海道"),
    "富山市": ("162019", "富山県"),
    "大阪市": ("271004", "大阪府"),
    "福島市": ("072010", "福島県"),
    "広島県": ("340006", "広島県"),
}
FIELD = {
    "省エネルギー": "energy_efficiency",
    "再生可能エネルギー": "renewable_energy",
    "廃棄物処理": "waste",
    "廃棄物": "waste",
    "交通インフラ": "transport",
    "交通システム": "transport",
    "制度構築支援": "institution_building",
    "その他": "other",
    "水素技術": "hydrogen",
    "水素": "hydrogen",
    "浄化槽": "water",
    "水質管理": "water",
    "森林管理": "forestry_nature",
    "Nature-based-solution": "forestry_nature",
    "フロン回収・破壊": "fluorocarbons",
    "DX": "digital",
    "デジタル技術（DX）": "digital",
    "スマートシティ開発": "smart_city",
    "エネルギーの有効利用": "energy_utilisation",
}


@pytest.mark.parametrize("f,columns,row", list(_rows()))
def test_row(f, columns, row):
    e = _normalise(columns, row)
    assert [{"name": p.name_raw, "role": p.role} for p in e.participants] == row["participants"]
    assert [d.name_raw for d in e.domestic_cities] == row["domestic_cities"]
    assert [(d.lg_code, d.prefecture) for d in e.domestic_cities] == [
        LG_CODES[n] for n in row["domestic_cities"]
    ]
    for d in e.domestic_cities:  # a 全国地方公共団体コード the normaliser gives carries its check digit
        assert check_digit(d.lg_code[:5]) == d.lg_code[5], d
    assert [c.name_raw for c in e.partner_cities] == row["target_cities"]
    for c in e.partner_cities:  # every partner city is in the gazetteer
        assert c.name_en and c.lat is not None and c.lon is not None, c
        assert c.country_code == COUNTRY[row["country"]]
    assert e.country_code == COUNTRY[row["country"]]
    assert e.country_name_ja == row["country"]
    assert [x.field_raw for x in e.fields] == row.get("target_fields", [])
    assert [x.field_code for x in e.fields] == [FIELD[x] for x in row.get("target_fields", [])]
    assert e.project_name == row["project_name"]
    assert e.proposer_name_raw == row["proposer"]
    assert e.proposer.org_id == resolve_org(row["proposer"]).org_id
    assert e.group == row.get("group")
    assert e.list_no == row["no"]
    # no warnings except the documented inferred participant
    assert all("inferred" in w for w in e.warnings), e.warnings


def test_inferred_domestic_city_fy2023_row15():
    d = json.loads((TRUTH / "fy2023_r1.json").read_text(encoding="utf-8"))
    row = next(r for r in d["rows"] if r["no"] == 15)
    e = _normalise(d["columns"], row)
    assert e.participants[0].inferred and e.participants[0].org.name == "富山市"
    assert not any(p.inferred for p in e.participants[1:])


SAME = [
    {"日本エヌ・ユーエス株式会社", "日本エヌ・ユー・エス株式会社"},
    {
        "公益財団法人　地球環境戦略研究機関",
        "公益財団法人地球環境戦略研究機関(IGES)",
        "(公財)地球環境戦略研究機関",
        "公益財団法人地球環境戦略研究機関",
    },
    {"日本工営(株)", "日本工営株式会社"},
    {"株式会社NTTデータ経営研究所", "株式会社エヌ・ティ・ティ・データ経営研究所"},
    {
        "北九州市",
        "北九州市　環境局　国際環境部 環境国際戦略課",
        "北九州市環境局",
        "北九州市アジア低炭素化センター",
    },
    {"東京都", "東京都　環境局", "東京都環境局"},
    {"横浜市", "横浜市（Y-PORTセンター）"},
    {"さいたま市", "さいたま市　都市戦略本部"},
    {
        "一般社団法人YOKOHAMA URBAN SOLUTION ALLIANCE（YUSA）",
        "一般社団法人Yokohama Urban Solution　Alliance(YUSA)",
    },
    {"(公財)地球環境センター", "公益財団法人地球環境センター"},
    {"日立ジョンソンコントロールズ空調(株)", "日立ジョンソンコントロールズ空調株式会社"},
    {"JFEエンジニアリング", "JFEエンジニアリング株式会社"},
    {"日鉄エンジニアリング（株）", "日鉄エンジニアリング株式会社"},
    {"アミタ㈱", "アミタ株式会社"},
    {"アジアゲートウェイ(株)", "アジアゲートウェイ株式会社"},
    {"ハイフォン市外務局", "ハイフォン市"},
]


@pytest.mark.parametrize("group", SAME, ids=lambda g: sorted(g)[0])
def test_equivalent_spellings_share_one_id(group):
    assert len({resolve_org(n).org_id for n in group}) == 1


def _truth_names():
    names = set()
    for f in FILES:
        d = json.loads((TRUTH / f"{f}.json").read_text(encoding="utf-8"))
        for r in d["rows"]:
            names.add(r["proposer"])
            names.update(p["name"] for p in r["participants"])
    return names


def test_distinct_organisations_get_distinct_ids():
    names = _truth_names()
    expected_group = {}
    for i, g in enumerate(SAME):
        for n in g:
            expected_group[n] = i
    by_id = collections.defaultdict(set)
    for n in names:
        by_id[resolve_org(n).org_id].add(n)
    for org_id, ns in by_id.items():
        if len(ns) > 1:
            groups = {expected_group.get(n, ("alone", n)) for n in ns}
            assert len(groups) == 1, f"{org_id} merges different organisations: {ns}"
    # and every expected group present in the truth is not split
    for g in SAME:
        present = g & names
        assert len({resolve_org(n).org_id for n in present}) <= 1


def test_near_matches_in_truth_are_reported_not_merged():
    pairs = near_matches(_truth_names())
    assert ("PT. 富士古河E&Cインドネシア", "富士古河E&C", 0.9) in pairs
    for a, b, _ in pairs:
        assert resolve_org(a).org_id != resolve_org(b).org_id


@pytest.mark.parametrize("threshold", [0.85, 0.7, 0.5])
def test_near_matches_finds_the_pairs_of_comparing_every_pair_on_the_samples(threshold):
    names = _truth_names()
    assert near_matches(names, threshold) == near_matches_exhaustive(names, threshold)
