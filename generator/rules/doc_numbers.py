"""文书号（文号）的写法符合规定；执法决定的年份和机关代字要对得上。

GB/T 9704-2012 第 7.2.4 条：机关代字 + 六角括号〔〕内的年份 + 序号（不加“第”，不补零）+ 号。
执法决定的文书号使用作出决定当年的年份，机关代字是作出决定的主体在 agency.yaml 的
``doc_prefixes`` 中登记的代字之一。

通过::

    doc_no: 连山市监罚〔2024〕12号
    decided_on: 2024-04-10

不通过::

    doc_no: 连山市监罚[2024]012号    # doc-no-form
    doc_no: 连山市监罚〔2023〕12号    # doc-no-year（2024 年 4 月作出；一月作出的只提示警告）
    doc_no: 连山综执罚〔2024〕12号    # doc-no-prefix（不是 lsscjgj 的机关代字）
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import RECORD_KINDS, Corpus
from ..identifiers import doc_no_advice, parse_doc_no
from ..problems import ERROR, WARNING, Problem

CODES = {
    "doc-no-form": "文书号格式不符合 机关代字〔年份〕序号号 的写法",
    "doc-no-year": "文书号中的年份与决定日期不一致",
    "doc-no-prefix": "文书号的机关代字不是本主体登记的代字",
}
SOURCE = "GB/T 9704-2012《党政机关公文格式》第 7.2.4 条"
#: Each file is checked on its own, against the agencies' registered prefixes: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = RECORD_KINDS
EACH = tuple(kind for kind in RECORD_KINDS if kind != "agency")


def check(corpus: Corpus) -> Iterator[Problem]:
    for document, path, text in corpus.tracked("doc_no"):
        parsed = parse_doc_no(text)
        if parsed is None:
            yield Problem("doc-no-form", f"文号“{text}”格式不正确：{doc_no_advice(text)}。",
                          document.file, path=path, source=SOURCE)
            continue
        if document.kind != "decision" or path != ("doc_no",):
            continue
        decided = document.get("decided_on")
        if isinstance(decided, str) and decided[:4].isdigit() and int(decided[:4]) != parsed.year:
            # A number taken in late December for a case decided in early January carries the
            # old year; that is worth a look, not a block.
            january = decided[5:7] == "01" and parsed.year == int(decided[:4]) - 1
            yield Problem("doc-no-year", f"文书号年份是 {parsed.year}，但决定日期是 {decided}；"
                          "文书号应使用作出决定当年的年份"
                          + ("（年初跨年编号的，请核对后确认）。" if january else "。"),
                          document.file, path=path, source=SOURCE, severity=WARNING if january else ERROR)
        agency = corpus.agency(document.get("agency"))
        prefixes = agency.get("doc_prefixes") if agency else None
        if isinstance(prefixes, list) and prefixes and parsed.prefix not in prefixes:
            yield Problem("doc-no-prefix", f"机关代字“{parsed.prefix}”不是本主体登记的代字"
                          f"（{'、'.join(map(str, prefixes))}）。"
                          "如确需新增代字，请先在 agency.yaml 的 doc_prefixes 中登记。",
                          document.file, path=path, source=SOURCE)
