from normalizers.text import clean, compare_key, drop_cjk_spaces, tokens


def test_nfkc_width_and_spaces():
    assert clean("ＡＢＣ　１２３  x\t y ") == "ABC 123 x y"
    assert clean("（株）") == "(株)"


def test_circled_numbers_protected():
    assert clean("①脱炭素、②森林、⑳、㉑、㊿") == "①脱炭素、②森林、⑳、㉑、㊿"


def test_dashes_and_tildes_explicit():
    assert clean("北九州市―イスカンダル") == "北九州市-イスカンダル"
    assert clean("a－b‐c–d—e−f") == "a-b-c-d-e-f"
    assert clean("2013～2024") == clean("2013〜2024") == "2013〜2024"
    assert clean("エネルギー") == "エネルギー"  # ー is not a dash


def test_keep_newlines():
    assert clean("a　 b\n\nｃ", keep_newlines=True) == "a b\n\nc"


def test_compare_key_ignores_spaces_between_japanese_only():
    assert compare_key("東京都　さいたま市") == compare_key("東京都さいたま市")
    assert compare_key("Urban Solution　Alliance") == "Urban Solution Alliance"
    assert drop_cjk_spaces("株式会社 KANSO") == "株式会社 KANSO"


def test_tokens_surface_only():
    assert [t[0] for t in tokens("東京都さいたま市")] == ["東京都", "さいたま市"]
