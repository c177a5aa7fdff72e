import csv

import pytest

from normalizers._data import DATA_DIR
from normalizers.municipalities import (
    check_digit,
    government_prefix,
    lookup,
    resolve_domestic,
    split_domestic,
)


@pytest.mark.parametrize("code", ["141003", "130001", "111007"])
def test_check_digit(code):
    assert check_digit(code[:5]) == code[5]


def test_reference_codes_all_valid():
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    assert len(rows) > 1700
    assert all(check_digit(r["lg_code"][:5]) == r["lg_code"][5] for r in rows)


@pytest.mark.parametrize(
    "name,code",
    [
        ("横浜市", "141003"),
        ("東京都", "130001"),
        ("さいたま市", "111007"),
        ("愛媛県松山市", "382019"),
        ("千代田区", "131016"),
    ],
)
def test_lookup(name, code):
    assert lookup(name).lg_code == code


def test_ambiguous_name_is_not_guessed():
    assert lookup("府中市") is None
    assert lookup("府中市", "広島県").lg_code == "342084"
    cities, warnings = resolve_domestic("府中市")
    assert cities[0].lg_code is None and warnings


@pytest.mark.parametrize(
    "cell,names",
    [
        ("東京都　さいたま市", ["東京都", "さいたま市"]),
        ("東京都さいたま市", ["東京都", "さいたま市"]),
        ("神奈川県横浜市", ["神奈川県横浜市"]),
        ("横浜市、川崎市", ["横浜市", "川崎市"]),
        ("横浜市\n川崎市", ["横浜市", "川崎市"]),
    ],
)
def test_split(cell, names):
    assert split_domestic(cell) == names


def test_resolve_two():
    cities, _ = resolve_domestic("東京都　さいたま市")
    assert [(c.seq, c.name, c.lg_code, c.prefecture) for c in cities] == [
        (1, "東京都", "130001", "東京都"),
        (2, "さいたま市", "111007", "埼玉県"),
    ]


def test_government_prefix():
    assert government_prefix("北九州市環境局")[0].lg_code == "401005"
    assert government_prefix("東京センチュリー株式会社") is None
