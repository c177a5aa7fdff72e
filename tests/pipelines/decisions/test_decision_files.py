"""Reading the decision files: every mistake is one line naming the file and line."""

from __future__ import annotations

import pytest

from pipelines.decisions import files as decisions


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "organizations.toml",
            '[[organization]]\nname = "A"\nsame = "B"\n',
            "organizations.toml:1: 'same' must be a list of strings",
        ),
        (
            "organizations.toml",
            '\n[[organization]]\nnam = "A"\n',
            "organizations.toml:2: unknown key(s) ['nam']",
        ),
        (
            "gazetteer.csv",
            "name_ja,name_en,country_code,lat,lon\nX市,X,Thai,,\n",
            "gazetteer.csv:2: country_code 'Thai' is not ISO 3166-1 alpha-2",
        ),
        (
            "gazetteer.csv",
            "name_ja,name_en,country_code,lat,lon\n# c\nX市,X,TH,95,\n",
            "gazetteer.csv:3: lat '95' is not a number between -90 and 90",
        ),
        ("layouts.csv", "header,field\n予算額,budget\n", "layouts.csv:2: unknown field 'budget'"),
        (
            "field_labels.csv",
            "label,field_code\nグリーン水素,green\n",
            "field_labels.csv:2: unknown field_code 'green'",
        ),
        (
            "corrections.toml",
            '[[correction]]\nfiscal_year = 2024\nlist_no = 1\ncolumn = "summary"\n'
            'expected = "a"\ncorrected = "b"\nreason = " "\n',
            "corrections.toml:1: 'reason' is empty",
        ),
    ],
)
def test_bad_decision_file(tmp_path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(decisions.DecisionFileError) as exc:
        decisions.load(decisions.locate(tmp_path))
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_same_value_corrected_twice_names_both_lines(tmp_path):
    entry = (
        '[[correction]]\nfiscal_year = 2024\nlist_no = 1\ncolumn = "summary"\n'
        'expected = "a"\ncorrected = "b"\nreason = "r"\n'
    )
    (tmp_path / "corrections.toml").write_text(entry + entry, encoding="utf-8")
    with pytest.raises(
        decisions.DecisionFileError, match="corrections.toml:8: corrects the same value as line 1"
    ):
        decisions.load(decisions.locate(tmp_path))


def test_fingerprint_changes_with_any_decision_file(tmp_path):
    where = decisions.locate(tmp_path)
    empty = decisions.fingerprint(where)
    decisions.append_csv_row(tmp_path / "reviewed.csv", {"question_id": "place-1", "decision": "reject"})
    assert decisions.fingerprint(where) != empty
    assert decisions.load(where).reviewed == {"place-1": "reject"}


def test_appended_toml_reads_back(tmp_path):
    path = tmp_path / "organizations.toml"
    decisions.append_toml(path, "organization", {"name": 'A "quoted"', "not_same": ["B\\C"]}, "why")
    decisions.append_toml(path, "organization", {"name": "D", "same": ["E"]})
    got = decisions.load(decisions.locate(tmp_path)).normalizer.orgs.entries
    assert [(o.name, o.same, o.not_same, o.line) for o in got] == [
        ('A "quoted"', (), ("B\\C",), 2),
        ("D", ("E",), (), 6),
    ]
