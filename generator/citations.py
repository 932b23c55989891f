"""Legal citations as departments write them, e.g. 《中华人民共和国行政处罚法》第三十三条第二款.

A citation names one law in 《》 and, optionally, one or more of its articles joined with
、 (第十条、第十二条第一款第（三）项). Article, paragraph (款) and item (项) numbers may be
Chinese numerals or Arabic digits; they are normalised to integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import parse_number

_NUM = r"[0-9零〇一二两三四五六七八九十百千]+"
_ARTICLE = re.compile(
    rf"第(?P<article>{_NUM})条(?:之(?P<extra>{_NUM}))?"
    rf"(?:第(?P<paragraph>{_NUM})款)?"
    rf"(?:第[（(](?P<item_p>{_NUM})[）)]项|第(?P<item>{_NUM})项)?"
)
_LAW = re.compile(r"《(?P<name>[^《》]+)》")
_SEPARATORS = re.compile(r"\s*(?:、|，|,|和|及)\s*")
_TAIL = re.compile(r"(?:的|之)?(?:规定|有关规定)?[。；;]?$")


@dataclass(frozen=True)
class Article:
    number: int
    extra: int | None = None  # 第十条之一
    paragraph: int | None = None
    item: int | None = None


@dataclass(frozen=True)
class Citation:
    law: str
    articles: tuple[Article, ...]


class CitationError(ValueError):
    """The text is not a citation in the accepted form; the message says what to write."""


def parse(text: str) -> Citation:
    law, located = locate(text)
    return Citation(law, tuple(article for article, _, _ in located))


def locate(text: str) -> tuple[str, list[tuple[Article, int, int]]]:
    """The law's name and each article with its (start, end) in `text`, so a page can link each one."""
    match = _LAW.match(text)
    if not match:
        raise CitationError("应以书名号括起的法律法规全称开头，例如《中华人民共和国行政处罚法》第三十三条")
    law = match["name"].strip()
    rest = text[match.end():]
    offset = match.end() + len(rest) - len(rest.lstrip())
    rest = _TAIL.sub("", rest.strip()) if rest.strip() else ""
    articles: list[tuple[Article, int, int]] = []
    position = 0
    while position < len(rest):
        if articles:
            sep = _SEPARATORS.match(rest, position)
            if not sep or sep.end() == position:
                raise CitationError(_leftover(rest[position:]))
            position = sep.end()
        found = _ARTICLE.match(rest, position)
        if not found:
            raise CitationError(_leftover(rest[position:]))
        articles.append((_article(found), offset + found.start(), offset + found.end()))
        position = found.end()
    return law, articles


def _article(match: re.Match[str]) -> Article:
    def number(group: str | None) -> int | None:
        if group is None:
            return None
        value = parse_number(group)
        if value is None or value == 0:
            raise CitationError(f"“{group}”不是有效的序号")
        return value

    return Article(
        number(match["article"]) or 0,
        number(match["extra"]),
        number(match["paragraph"]),
        number(match["item_p"] or match["item"]),
    )


def _leftover(text: str) -> str:
    if "《" in text:
        return f"一条依据只能引用一部法律；“{text}”请另起一项"
    return f"无法识别“{text}”：条文应写成 第X条、第X条第X款 或 第X条第X款第（X）项，多条之间用顿号分隔"
