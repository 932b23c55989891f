"""裁量基准文件和基准条目的标识不能重复。

执法决定只用条目标识引用裁量基准，所以一个标识在全县（包括省、市上级基准和本县基准）只能指向一个条目。

通过::

    entries:
      - id: ls-scjg-sp-001
      - id: ls-scjg-sp-002

不通过（``duplicate-id``）::

    entries:
      - id: ls-scjg-sp-001
      - id: ls-scjg-sp-001
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

CODES = {"duplicate-id": "裁量基准文件或基准条目的标识重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.benchmark_documents, "duplicate-id", "id",
                      lambda key, first: f"裁量基准文件标识 {key} 已在 {where(first)} 使用，请换一个标识。")
    # Upstream documents come first, so a clash is reported in the county file that re-used
    # the id, never in the province's or city's document.
    entries = {key: sorted(refs, key=lambda ref: not ref.document.placement.upstream)
               for key, refs in corpus.entries.items() if len(refs) > 1}
    yield from report(entries, "duplicate-id", "id",
                      lambda key, first: f"基准条目标识 {key} 已在 {where(first)} 使用；"
                                         "条目标识须全县唯一，请换一个标识。")
