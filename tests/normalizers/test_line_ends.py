"""normalizers.line_ends: rules decided on the evidence of the cell or its row."""

from __future__ import annotations

from normalizers.line_ends import (
    BLANK_AT_PAGE_BREAK,
    BROKEN,
    PARTICIPANTS,
    PROSE,
    SENTENCE_AT_FULL_LINE,
    WRAPPED,
    FIELDS,
    PrintedCell,
    printed_words,
    read_cell,
)


def _prose(*lines_and_ends: str) -> PrintedCell:
    return PrintedCell(tuple(lines_and_ends[::2]), tuple(lines_and_ends[1::2]))


def test_a_sentence_at_a_full_line_follows_the_cells_author_and_is_a_doubt():
    # the author ends the other sentence with a paragraph, none inside a line: a break
    paragraphs = _prose("第一の文である。", WRAPPED, "第二の文を書", WRAPPED, "く。", BROKEN, "第三の文。")
    reading = read_cell(paragraphs, PROSE)
    assert reading.items == ["第一の文である。", "第二の文を書く。", "第三の文。"]
    [doubt] = reading.doubts
    assert doubt.end == 0 and not doubt.joined and doubt.reason.startswith(SENTENCE_AT_FULL_LINE)
    assert reading.alternative == ["第一の文である。第二の文を書く。", "第三の文。"]
    # a sentence ends inside a line as often as with a paragraph: a wrap, still a doubt
    inline = _prose("第一の文である。", WRAPPED, "第二の文。第三の", WRAPPED, "文。", BROKEN, "第四の文。")
    reading = read_cell(inline, PROSE)
    assert reading.items == ["第一の文である。第二の文。第三の文。", "第四の文。"]
    assert [d.joined for d in reading.doubts] == [True]


def test_a_latin_word_cut_by_a_wrap_joins_without_a_space():
    cell = PrintedCell(("制度構築支援", "Nature-based-soluti", "on"), (BROKEN, WRAPPED))
    assert read_cell(cell, FIELDS).items == ["制度構築支援", "Nature-based-solution"]
    name = PrintedCell(("レンカ区のRac", "e to Zero参加"), (WRAPPED,))
    assert read_cell(name, PROSE).text == "レンカ区のRac e to Zero参加"  # nothing says 「Race」
    words = printed_words([name, "区のRace to Zero参加を支援"])
    assert "race" in words and "rac" not in words  # a word at a line's edge may be a piece
    assert read_cell(name, PROSE, words=words).text == "レンカ区のRace to Zero参加"
    # two words on their own keep their space, even if together they spell a third
    both = PrintedCell(("the next to", "day"), (WRAPPED,))
    assert read_cell(both, PROSE, words=frozenset({"today", "to", "day"})).text == "the next to day"


def test_a_heading_that_fills_its_line_ends_where_a_body_runs_on():
    body = _prose(
        "活動1：連携プロジェクト創出検討", WRAPPED, "候補工業団地における排水・排", WRAPPED, "熱の調査を実施"
    )
    reading = read_cell(body, PROSE)
    assert reading.items == ["活動1：連携プロジェクト創出検討", "候補工業団地における排水・排熱の調査を実施"]
    assert [d.joined for d in reading.doubts] == [False]
    # the rest of the heading ends its line short: one heading
    rest = _prose("活動1：産業間連携プロジェクト創出", WRAPPED, "検討", BROKEN, "候補工業団地の調査を実施")
    assert read_cell(rest, PROSE).items == [
        "活動1：産業間連携プロジェクト創出検討",
        "候補工業団地の調査を実施",
    ]
    # a line end inside a word is a wrap, whatever follows
    cut = _prose("活動1：脱炭素化に向け", WRAPPED, "た産業間連携プロジェクト創", WRAPPED, "出検討")
    reading = read_cell(cut, PROSE)
    assert reading.items == ["活動1：脱炭素化に向けた産業間連携プロジェクト創出検討"]


def test_a_sentence_after_a_label_is_no_heading():
    # 「目的：」 then a sentence with a comma: its full lines are wraps, not a heading's end
    body = _prose(
        "目的：本事業は、両都市の連携により", WRAPPED, "脱炭素技術の導入を図るものであ", WRAPPED, "る"
    )
    reading = read_cell(body, PROSE)
    assert reading.items == ["目的：本事業は、両都市の連携により脱炭素技術の導入を図るものである"]
    # a heading over two lines, the second full, the body running on below
    two = _prose(
        "活動1：脱炭素化に向け",
        WRAPPED,
        "た産業間連携プロジェクト創出検討",
        WRAPPED,
        "候補工業団地における排",
        WRAPPED,
        "水の調査",
    )
    assert read_cell(two, PROSE).items == [
        "活動1：脱炭素化に向けた産業間連携プロジェクト創出検討",
        "候補工業団地における排水の調査",
    ]


def test_room_left_at_a_page_break_is_a_doubt_of_a_blank_line_never_decided():
    names = ("共同応募者：札幌市", "協力事業者・団体：", "北海道大学")
    # the cell stopped a line short on its page before 「協力事業者・団体：」: read without a
    # blank line (orphan and widow control leave such room too), the blank line the other reading
    reading = read_cell(PrintedCell(names, (BROKEN, BROKEN), ((0, 1),)), PARTICIPANTS)
    assert reading.items == list(names)
    [doubt] = reading.doubts
    assert doubt.end == 0 and doubt.blank_line and doubt.reason == BLANK_AT_PAGE_BREAK
    assert reading.alternative == ["共同応募者：札幌市", "", "協力事業者・団体：", "北海道大学"]
    # no room left at the break, or a name wrapped across it: nothing to doubt
    assert not read_cell(PrintedCell(names, (BROKEN, BROKEN), ((0, 0),)), PARTICIPANTS).doubts
    wrapped = PrintedCell(("株式会社オリ", "エンタルコンサルタンツ"), (WRAPPED,), ((0, 1),))
    assert read_cell(wrapped, PARTICIPANTS).items == ["株式会社オリエンタルコンサルタンツ"]
    assert not read_cell(wrapped, PARTICIPANTS).doubts
    # the extractor's JSON carries the page breaks too
    as_json = {"lines": list(names), "ends": [BROKEN, BROKEN], "page_breaks": [{"end": 0, "room": 1}]}
    assert read_cell(as_json, PARTICIPANTS).alternative == reading.alternative
