from normalizers.municipalities import resolve_domestic
from normalizers.line_ends import PrintedCell
from normalizers.participants import build_participants, split_cell


def test_labels_and_blank_lines():
    cell = "共同応募者：川崎市\n\n協力事業者：\nアズビル株式会社\nグリーンブルー株式会社"
    assert split_cell(cell, "共同応募者") == [
        ("川崎市", "共同応募者"),
        ("アズビル株式会社", "協力事業者"),
        ("グリーンブルー株式会社", "協力事業者"),
    ]


def test_label_decoration_mapped_to_truth_role():
    assert split_cell("協力事業者・団体：\n札幌商工会議所", "共同応募者") == [
        ("札幌商工会議所", "協力事業者")
    ]
    assert split_cell("【協力事業者】：北海道大学", "x") == [("北海道大学", "協力事業者")]


def test_bullets_only_at_line_start():
    assert split_cell("・堺市\n・エア・ウォーター株式会社", "r") == [
        ("堺市", "r"),
        ("エア・ウォーター株式会社", "r"),
    ]


def test_ideographic_comma_splits_ascii_comma_does_not():
    cell = "大阪市、Kansai Energy Solutions (Vietnam) Co., Ltd.、(公財)地球環境センター"
    assert [n for n, _ in split_cell(cell, "r")] == [
        "大阪市",
        "Kansai Energy Solutions (Vietnam) Co., Ltd.",
        "(公財)地球環境センター",
    ]


def test_comma_inside_brackets_does_not_split():
    assert [n for n, _ in split_cell("株式会社A（東京、大阪）", "r")] == ["株式会社A（東京、大阪）"]


def test_wrapped_legal_form_and_open_bracket_joined():
    assert [
        n for n, _ in split_cell("日本エヌ・ユー・エス\n株式会社\n大阪市（環境局\n環境施策部）", "r")
    ] == ["日本エヌ・ユー・エス株式会社", "大阪市（環境局環境施策部）"]


def test_inferred_domestic_city_first():
    dom, _ = resolve_domestic("富山市")
    parts, warnings = build_participants("北酸株式会社\n\n株式会社日本空調北陸", "共同応募者", dom)
    assert [(p.name_raw, p.inferred) for p in parts] == [
        ("富山市", True),
        ("北酸株式会社", False),
        ("株式会社日本空調北陸", False),
    ]
    assert [p.seq for p in parts] == [1, 2, 3] and warnings


def test_no_inference_when_a_department_of_the_city_is_printed():
    dom, _ = resolve_domestic("横浜市")
    parts, _ = build_participants("・株式会社オオスミ\n・横浜市（Y-PORTセンター）", "共同応募者", dom)
    assert not any(p.inferred for p in parts)
    assert parts[1].department == "Y-PORTセンター"


def test_full_lines_between_names_and_wrapped_names():
    # what the extractor reports: two names whose first ended at the cell's edge (wrapped),
    # an abbreviation and an English name wrapped onto the next line
    cell = PrintedCell(
        (
            "東京センチュリー株式会社",
            "ダイキン工業株式会社",
            "三井住友トラスト・パナソニックファイナンス株式会社",
            "（SMTPFC）",
            "・Johnson Controls-Hitachi",
            "Air Conditioning Vietnam LLC (JCH)",
            "PT. Gikoko Kogyo Indonesia",
            "Kansai Energy Solutions (Vietnam) Co., Ltd.",
            "JNK Co., Ltd.",
        ),
        ("wrapped", "broken", "wrapped", "wrapped", "wrapped", "broken", "broken", "broken"),
    )
    assert [n for n, _ in split_cell(cell, "r")] == [
        "東京センチュリー株式会社",
        "ダイキン工業株式会社",
        "三井住友トラスト・パナソニックファイナンス株式会社（SMTPFC）",
        "Johnson Controls-Hitachi Air Conditioning Vietnam LLC (JCH)",
        "PT. Gikoko Kogyo Indonesia",
        "Kansai Energy Solutions (Vietnam) Co., Ltd.",
        "JNK Co., Ltd.",
    ]


def test_prefix_form_merge_not_guessed():
    # 「株式会社電業社機械製作所グリーンブルー株式会社」 printed on one line cannot be cut without a
    # dictionary: kept whole
    assert len(split_cell("株式会社電業社機械製作所グリーンブルー株式会社", "r")) == 1


def test_a_name_cut_mid_word_joins_as_the_known_organisation_spaces_it():
    # platypus breaks Latin words anywhere: 「…Soluti」/「on Alliance」 is 「Solution」 (the known
    # name has no space there), though 「on」 could be a word of its own; the space printed stays
    cell = PrintedCell(("・一般社団法人Yokohama Urban Soluti", "on Alliance(YUSA)"), ("wrapped",))
    assert [n for n, _ in split_cell(cell, "r")] == ["一般社団法人Yokohama Urban Solution Alliance(YUSA)"]
