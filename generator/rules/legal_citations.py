"""每条法律依据都要能识别，并能在法律法规库（``data/laws/``）中找到。

按部门的惯常写法书写，中文数字会换算成序号。法律法规用全称（或法规库 ``aliases`` 中登记的简称），
必须在法规库中、没有废止，引用的条文不能超过该法律法规的最后一条（``last_article``）。

通过::

    basis:
      - 《中华人民共和国行政处罚法》第三十三条第二款
      - 《中华人民共和国食品安全法》第三十四条第（十）项、第一百二十四条第一款第（五）项

不通过::

    basis:
      - 中华人民共和国行政处罚法第三十三条         # citation-syntax：没有书名号
      - 《中华人民共和国食品卫生法》第四十条        # repealed-law：2009-06-01 废止
      - 《中华人民共和国行政处罚法》第九十条        # unknown-article：该法共八十六条
      - 《中华人民共和国行政执法法》第一条          # unknown-law：法规库中没有
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator

from .. import citations
from ..corpus import RECORD_KINDS, Corpus, Document
from ..numerals import to_chinese
from ..problems import Path, Problem

CODES = {
    "citation-syntax": "法律依据的写法无法识别",
    "unknown-law": "引用的法律法规不在法律法规库中",
    "repealed-law": "引用的法律法规已废止",
    "unknown-article": "引用的条文超出该法律法规的条文范围",
}
#: Each file is checked on its own, against the laws: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = RECORD_KINDS
EACH = tuple(kind for kind in RECORD_KINDS if kind != "law")


def law_names(corpus: Corpus) -> dict[str, dict]:
    """Full names and aliases → law record."""
    names: dict[str, dict] = {}
    for refs in corpus.laws.values():
        law = refs[0].value
        for name in [law.get("name"), *(law.get("aliases") or [])]:
            if isinstance(name, str):
                names.setdefault(name, law)
    return names


def resolver(corpus: Corpus) -> Callable[[str], tuple[dict, citations.Citation] | None]:
    """The parse of a citation's text with the registered law it names, or None if it does not
    parse or names none (this rule's problems); each text is parsed once."""
    names = law_names(corpus)

    @functools.cache
    def resolve(text: str) -> tuple[dict, citations.Citation] | None:
        try:
            parsed = citations.parse(text)
        except citations.CitationError:
            return None
        law = names.get(parsed.law)
        return (law, parsed) if law is not None and isinstance(law.get("id"), str) else None

    return resolve


def resolved(corpus: Corpus) -> Iterator[tuple[Document, Path, dict, citations.Citation]]:
    """Every citation that parses and names a registered law, with that law's record (for pages;
    the ones that do not are this rule's problems)."""
    resolve = resolver(corpus)
    for document, path, text in corpus.tracked("citation"):
        found = resolve(text)
        if found is not None:
            yield document, path, *found


def check(corpus: Corpus) -> Iterator[Problem]:
    names = law_names(corpus)
    cache: dict[str, citations.Citation | str] = {}
    for document, path, text in corpus.tracked("citation"):
        if text not in cache:
            try:
                cache[text] = citations.parse(text)
            except citations.CitationError as exc:
                cache[text] = str(exc)
        parsed = cache[text]
        if isinstance(parsed, str):
            yield Problem("citation-syntax", f"无法识别的法律依据“{text}”：{parsed}。", document.file, path=path)
            continue
        law = names.get(parsed.law)
        if law is None:
            close = difflib.get_close_matches(parsed.law, list(names), n=1, cutoff=0.6)
            hint = f"是否应为《{close[0]}》？" if close else "请使用法律法规全称，或先在 data/laws/ 中登记该法律法规。"
            yield Problem("unknown-law", f"法律法规库中没有《{parsed.law}》。{hint}", document.file, path=path)
            continue
        if law.get("status") == "已废止":
            replaced = law.get("replaced_by")
            successor = corpus.laws.get(replaced)[0].value.get("name") if replaced in corpus.laws else None
            yield Problem(
                "repealed-law",
                f"《{law.get('name')}》已于 {law.get('repealed_on', '（日期不详）')} 废止，不能作为依据。"
                + (f"请改引《{successor}》的相应条文。" if successor else "请改引现行有效的法律法规。"),
                document.file, path=path)
            continue
        last = law.get("last_article")
        if not isinstance(last, int):
            continue
        for article in parsed.articles:
            if article.number > last:
                yield Problem(
                    "unknown-article",
                    f"《{law.get('name')}》只有 {last} 条（最后一条是第{to_chinese(last)}条），"
                    f"没有第{_numeral(article.number)}条。请核对条文序号。",
                    document.file, path=path)


def _numeral(number: int) -> str:
    return to_chinese(number) if number < 10000 else str(number)
