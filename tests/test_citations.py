"""Citations, numerals and identifiers: the parsing the rules stand on."""

from __future__ import annotations

import pytest

from generator.citations import Article, CitationError, parse
from generator.identifiers import doc_no_advice, parse_doc_no, uscc_check_char, uscc_is_valid
from generator.numerals import parse_number, to_chinese


@pytest.mark.parametrize("text, number", [
    ("一", 1), ("十", 10), ("十五", 15), ("二十", 20), ("三十三", 33), ("一百零五", 105),
    ("一百二十四", 124), ("一千零一", 1001), ("两百", 200), ("124", 124),
])
def test_chinese_numerals(text: str, number: int):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["", "二三", "十百", "百十百", "x"])
def test_not_numerals(text: str):
    assert parse_number(text) is None


def test_numerals_round_trip():
    assert all(parse_number(to_chinese(n)) == n for n in range(1, 10000))
    assert to_chinese(10) == "十" and to_chinese(105) == "一百零五" and to_chinese(1010) == "一千零一十"


@pytest.mark.parametrize("text, law, articles", [
    ("《中华人民共和国行政处罚法》第三十三条第二款", "中华人民共和国行政处罚法", [Article(33, None, 2)]),
    ("《中华人民共和国食品安全法》第一百二十四条第一款第（五）项", "中华人民共和国食品安全法", [Article(124, None, 1, 5)]),
    ("《食品安全法》第三十四条第（十）项、第一百二十四条", "食品安全法", [Article(34, None, None, 10), Article(124)]),
    ("《行政处罚法》第33条的规定", "行政处罚法", [Article(33)]),
    ("《广告法》第十条之一", "广告法", [Article(10, 1)]),
    ("《中华人民共和国行政处罚法》", "中华人民共和国行政处罚法", []),
])
def test_citations_are_parsed_and_numbers_normalised(text, law, articles):
    parsed = parse(text)
    assert (parsed.law, list(parsed.articles)) == (law, articles)


@pytest.mark.parametrize("text, hint", [
    ("中华人民共和国行政处罚法第三十条", "书名号"),
    ("《行政处罚法》第X条", "无法识别"),
    ("《A法》第十条《B法》第二条", "另起一项"),
    ("《行政处罚法》第零条", "不是有效的序号"),
])
def test_malformed_citations_say_what_to_write(text: str, hint: str):
    with pytest.raises(CitationError, match=hint):
        parse(text)


def test_uscc_check_character():
    assert uscc_check_char("91441825MA4W2G6Y8") == "W"
    assert uscc_is_valid("91441825MA4W2G6Y8W")
    assert not uscc_is_valid("91441825MA4W2G6Y8X")
    assert not uscc_is_valid("91441825MA4W2G6Y8")
    assert not uscc_is_valid("91441825MA4W2G6Y8I")  # I is not in the charset
    for not_a_code in ("91441825MA4W2G6Y", "91441825MA4W2G6YI", "91441825MA4W2G6Y88"):
        with pytest.raises(ValueError):
            uscc_check_char(not_a_code)


def test_every_single_character_change_of_a_uscc_is_caught():
    code = "11441825007010001A"
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        for char in charset:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1:]
                assert not uscc_is_valid(changed), changed


@pytest.mark.parametrize("text, advice", [
    ("连山市监罚[2024]12号", "六角括号"),
    ("连山市监罚【2024】12号", "六角括号"),
    ("连山市监罚〔2024〕第12号", "第"),
    ("连山市监罚〔2024〕012号", "补零"),
    ("连山市监罚〔2024〕12", "号"),
])
def test_doc_number_form(text: str, advice: str):
    assert parse_doc_no(text) is None
    assert advice in doc_no_advice(text)


def test_doc_number_parts():
    parsed = parse_doc_no("连山市监罚〔2024〕12号")
    assert (parsed.prefix, parsed.year, parsed.seq) == ("连山市监罚", 2024, 12)
