"""执法决定的文书号不能重复。

每个决定的页面和二维码（一案一码）都以文书号为准。

通过：两个决定文件分别是 连山市监罚〔2024〕12号 和 连山市监罚〔2024〕13号。

不通过（``duplicate-doc-no``）：又一个决定文件也写 连山市监罚〔2024〕12号。
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

CODES = {"duplicate-doc-no": "执法决定文书号重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.decisions, "duplicate-doc-no", "doc_no",
                      lambda key, first: f"文书号 {key} 已由 {where(first)} 使用；同一文书号只能公示一次，"
                                         "更正原决定请直接修改原文件。")
