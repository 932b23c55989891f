"""Enforcement item codes (基本编码) are unique in the county.

Decisions and benchmark entries name an item by its code; two items with one code would
make both references ambiguous.

PASS::

    items:
      - code: 441825-SCJG-CF-0001
      - code: 441825-SCJG-CF-0002

FAIL (``duplicate-item-code``)::

    items:
      - code: 441825-SCJG-CF-0001
      - code: 441825-SCJG-CF-0001
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

CODES = {"duplicate-item-code": "执法事项编码重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.items, "duplicate-item-code", "code",
                      lambda key, first: f"事项编码 {key} 已被 {where(first)} 使用；事项编码须全县唯一。")
