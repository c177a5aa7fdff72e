from normalizers._data import read_csv
from normalizers.line_ends import PrintedCell
from normalizers.fields import FIELD_CODES, resolve_fields


def test_contract_labels():
    fields, w = resolve_fields(
        "省エネ\n再エネ\n汚泥の炭化・埋設\nモビリティ\n計画策定\nデジタル技術（DX）\n上下水道\n"
        "工業団地\n港湾インフラ\nCCUS\nその他"
    )
    assert [f.field_code for f in fields] == [
        "energy_efficiency",
        "renewable_energy",
        "waste",
        "transport",
        "institution_building",
        "digital",
        "water",
        "industrial_park",
        "port",
        "ccus",
        "other",
    ]
    assert not w


def test_typo_alias_explicit_and_raw_kept():
    (f,), w = resolve_fields("省エネルギールギー")
    assert f.field_raw == "省エネルギールギー" and f.field_code == "energy_efficiency" and not w


def test_unknown_is_other_with_warning():
    fields, w = resolve_fields("省エネルギー、宇宙開発")
    assert [(f.seq, f.field_raw, f.field_code) for f in fields] == [
        (1, "省エネルギー", "energy_efficiency"),
        (2, "宇宙開発", "other"),
    ]
    assert "宇宙開発" in w[0]


def test_taxonomy_codes_valid():
    assert {r["field_code"] for r in read_csv("field_taxonomy.csv")} <= set(FIELD_CODES)


def test_joined_and_broken_lines_repaired():
    # printed lines as the extractor reports them: full lines (wrapped) between two labels,
    # a label cut inside its brackets
    cell = PrintedCell(
        ("再生可能エネルギー", "廃棄物処理", "デジタル技術（", "DX）", "フロン回収・破壊", "DX"),
        ("wrapped", "broken", "broken", "broken", "wrapped"),
    )
    fields, w = resolve_fields(cell)
    assert [f.field_raw for f in fields] == [
        "再生可能エネルギー",
        "廃棄物処理",
        "デジタル技術（DX）",
        "フロン回収・破壊",
        "DX",
    ]
    assert not w


def test_every_code_has_one_row_with_both_labels():
    from normalizers.fields import field_table

    table = field_table()
    assert [r["field_code"] for r in table] == list(FIELD_CODES)
    assert len(set(FIELD_CODES)) == len(FIELD_CODES)
    assert all(r["label_ja"] and r["label_en"] for r in table)
    assert {r["field_code"]: r["label_en"] for r in table}["energy_efficiency"] == "Energy efficiency"
