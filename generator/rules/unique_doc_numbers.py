"""Decision document numbers (文书号) are unique.

Every decision page and its QR code (一案一码) is addressed by its 文书号.

PASS: two decision files with 连山市监罚〔2024〕12号 and 连山市监罚〔2024〕13号.

FAIL (``duplicate-doc-no``): a second decision file also numbered 连山市监罚〔2024〕12号.
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

CODES = {"duplicate-doc-no": "执法决定文书号重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.decisions, "duplicate-doc-no", "doc_no",
                      lambda key, first: f"文书号 {key} 已由 {where(first)} 使用；同一文书号只能公示一次，"
                                         "更正原决定请直接修改原文件。")
