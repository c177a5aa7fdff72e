"""Decisions applied to one normalised row: corrections keep the printed text, organisation
merges and splits touch only the ids they name."""

from __future__ import annotations

from normalizers.decisions import (
    OrgDecision,
    OrgDecisions,
    apply_correction,
    printed_value,
    same_text,
    split_org_id,
)
from normalizers.orgs import resolve_org
from normalizers.project import normalise_row

ROW = {
    "list_no": "2",
    "proposer": "日本エヌ・ユーエス株式会社",
    "co_applicants": "川崎市\nアズビル株式会社",
    "domestic_city": "川崎市",
    "partner_city": "バンドン市",
    "country": "インドネシア",
    "project_name": "省エネルギールギー促進事業",
    "target_fields": "省エネルギールギー\n交通インフラ",
}


def test_printed_values_compare_after_nfkc_without_spaces():
    assert same_text("ＡＢＣ 株式会社", "ABC株式会社") and not same_text("A", None)


def test_corrected_entity_is_resolved_again_and_keeps_its_printed_name():
    e = normalise_row(ROW)
    assert printed_value(e, "participants", 2) == "アズビル株式会社"
    apply_correction(e, "participants", 2, "ダイキン工業株式会社")
    p = e.participants[1]
    assert p.name_raw == "アズビル株式会社" and p.org == resolve_org("ダイキン工業株式会社")
    apply_correction(e, "project_fields", 1, "省エネルギー")
    assert (e.fields[0].field_raw, e.fields[0].field_code) == ("省エネルギールギー", "energy_efficiency")
    apply_correction(e, "country", None, "タイ")
    assert (e.country_raw, e.country_code) == ("インドネシア", "TH")
    assert printed_value(e, "partner_cities", 9) is None


def test_merge_moves_only_the_named_spelling_and_split_gives_a_new_id():
    koei = resolve_org("日本工営株式会社")
    english = resolve_org("Nippon Koei Co., Ltd.")
    other = resolve_org("アズビル株式会社")
    d = OrgDecisions(
        (
            OrgDecision("日本工営株式会社", same=("Nippon Koei Co., Ltd.",), name_en="Nippon Koei"),
            OrgDecision("一般社団法人海外環境協力センター", not_same=("公益社団法人海外環境協力センター",)),
        )
    )
    merged, former = d.decide(english, "Nippon Koei Co., Ltd.")
    assert (merged.org_id, merged.name, merged.name_en, former) == (
        koei.org_id,
        "日本工営株式会社",
        "Nippon Koei",
        english.org_id,
    )
    assert d.decide(other, "アズビル株式会社") == (other, None)
    apart, former = d.decide(
        resolve_org("公益社団法人海外環境協力センター"), "公益社団法人海外環境協力センター"
    )
    assert apart.org_id == split_org_id("公益社団法人海外環境協力センター") != former
    assert d.decided_pair("一般社団法人海外環境協力センター", "公益社団法人海外環境協力センター")
    assert d.decided_pair("日本工営株式会社", "Nippon Koei Co., Ltd.")
    assert not d.decided_pair("アズビル株式会社", "日本工営株式会社")
