import pytest

from normalizers.phases import phases_in, stated_phase


@pytest.mark.parametrize(
    "text, phases",
    [
        ("脱炭素モデルエリア構築事業（フェーズ２）", [2]),  # full-width digit, in the name
        ("フェーズ2の2年次となる本年度は", [2]),  # 2年次 is a year of the phase, not a phase
        ("フェーズⅡ事業として", [2]),
        ("Phase 3 of the project, after phase II", [3, 2]),
        ("第２フェーズ", [2]),
        ("第2期気候変動計画に基づき", []),  # 第N期 names other things
        ("phaseout of HFCs", []),
        ("", []),
    ],
)
def test_phases_stated_in_text(text, phases):
    assert phases_in(text) == phases


def test_the_name_wins_else_the_highest_in_the_summary():
    assert stated_phase("事業（フェーズ2）", "フェーズ3に向けて") == 2
    assert stated_phase("事業", "フェーズ1の成果を踏まえ、フェーズ2として実施する") == 2
    assert stated_phase("事業", None) is None
