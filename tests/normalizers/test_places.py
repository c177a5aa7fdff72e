import pytest

from normalizers._data import read_csv
from normalizers.places import lookup, resolve_partners, split_places

PROGRAMME = [
    "バンコク都",
    "ダナン市",
    "ハイフォン市",
    "ヤンゴン市",
    "イスカンダル開発地域",
    "ホーチミン市",
    "ハノイ市",
    "クアラルンプール市",
    "ウランバートル市",
    "ケソン市",
    "ダバオ市",
    "セブ州",
    "バリ州",
    "スマラン市",
    "ジャカルタ特別州",
    "プノンペン都",
    "シェムリアップ州",
    "ビエンチャン都",
    "マンダレー市",
    "チェンマイ県",
    "ラヨーン県",
]


@pytest.mark.parametrize("name", PROGRAMME)
def test_programme_cities_in_gazetteer(name):
    g = lookup(name)
    assert g and g["name_en"] and g["lat"] is not None and len(g["country_code"]) == 2


def test_gazetteer_coordinates_plausible():
    for r in read_csv("gazetteer.csv"):
        assert -90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, r


def test_alias():
    cities, w = resolve_partners("ケソン", "PH")
    assert cities[0].name_raw == "ケソン" and cities[0].name_ja == "ケソン市" and not w


def test_split_multi_city():
    assert split_places("ホーチミン市、トゥードック市") == ["ホーチミン市", "トゥードック市"]
    assert split_places("タイ東部地域(EECおよびバンコク都)") == ["タイ東部地域(EECおよびバンコク都)"]


def test_unknown_city_kept_and_reported():
    cities, w = resolve_partners("ナントカ市", "VN")
    assert cities[0].name_ja == "ナントカ市" and cities[0].country_code == "VN" and w


def test_broken_lines_joined():
    assert split_places("レムチャバン港およびバ\nンコク港(周辺地域を含む)") == [
        "レムチャバン港およびバンコク港(周辺地域を含む)"
    ]
    assert split_places("タイ東部経済回廊\n（EEC）") == ["タイ東部経済回廊（EEC）"]
    assert split_places("ホーチミン市\nトゥードック市") == ["ホーチミン市", "トゥードック市"]
