"""执法事项编码（基本编码）在全县唯一。

执法决定和裁量基准条目都用编码引用事项，两个事项同一编码会让引用含糊不清。

通过::

    items:
      - code: 441825-SCJG-CF-0001
      - code: 441825-SCJG-CF-0002

不通过（``duplicate-item-code``）::

    items:
      - code: 441825-SCJG-CF-0001
      - code: 441825-SCJG-CF-0001
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

#: The only records this rule reads (it is shown no others, and its answer is kept while they are unchanged).
READS = ("items",)
CODES = {"duplicate-item-code": "执法事项编码重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.items, "duplicate-item-code", "code",
                      lambda key, first: f"事项编码 {key} 已被 {where(first)} 使用；事项编码须全县唯一。")
