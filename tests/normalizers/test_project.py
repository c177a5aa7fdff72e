from normalizers.headers import map_header
from normalizers.project import normalise_row

H19 = ["No.", "事業名", "実施主体（代表事業者）", "共同事業者", "本邦都市", "パートナー都市", "国"]
R19 = [
    "04",
    "川崎市・ヤンゴン市による都市間連携を活用した低炭素社会形成支援業務(工業団地等の開発による低炭素化促進事業)",
    "日本工営株式会社",
    "川崎市、JFEエンジニアリング",
    "川崎市",
    "ヤンゴン市",
    "ミャンマー連邦共和国",
]


def test_table_role_from_header():
    # as the records stage reads a row: fields keyed by the mapped header, which carries the
    # printed role of the co-applicant column
    fields = {f: c for f, c in zip(map_header(H19), R19) if f}
    e = normalise_row(fields, "川崎市ーミャンマー連邦共和国ヤンゴン市連携事業")
    assert [p.role for p in e.participants] == ["共同事業者", "共同事業者"]
    assert e.list_no == 4 and e.list_no_raw == "04" and e.group.startswith("川崎市ー")
    assert (
        e.country_code == "MM"
        and e.country_name_ja == "ミャンマー"
        and e.country_raw == "ミャンマー連邦共和国"
    )


def test_plain_str_keys_fall_back_with_warning():
    fields = {str(k): v for k, v in zip(map_header(H19), R19)}
    e = normalise_row(fields, None)
    assert e.participants[0].role == "共同応募者" and any("role" in w for w in e.warnings)
    e = normalise_row(fields, None, co_applicant_role="共同事業者")
    assert e.participants[0].role == "共同事業者" and not e.warnings


def test_text_kept_as_printed():
    fields = {
        "project_name": "バンドン市における省エネルギールギー促進　事業①",
        "proposer": "日本工営(株)",
        "summary": "一行目\n二行目",
    }
    e = normalise_row(fields, None)
    assert e.project_name == "バンドン市における省エネルギールギー促進　事業①"
    assert e.project_name_norm == "バンドン市における省エネルギールギー促進 事業①"
    assert e.proposer_name_raw == "日本工営(株)" and e.proposer.name == "日本工営株式会社"
    assert e.summary == "一行目\n二行目" and e.list_no is None
