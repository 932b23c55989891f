"""本县细化的基准条目所依据的上级条目必须存在，且是同类的省、市条目。

依据国办发〔2022〕27号，县级在上级基准的范围内细化量化，而不是另起炉灶。``parent`` 必须指向
``data/upstream/benchmarks/`` 中同一类别的条目。

通过::

    - id: ls-scjg-sp-001
      kind: 行政处罚
      parent: gd-scjg-sp-001   # 在 data/upstream/benchmarks/ 中

不通过（``unknown-parent-entry``）::

    - id: ls-scjg-sp-001
      kind: 行政处罚
      parent: gd-scjg-sp-404
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

#: The only records this rule reads (it is shown no others, and its answer is kept while they are unchanged).
READS = ("benchmark",)
CODES = {"unknown-parent-entry": "细化所依据的上级基准条目不存在或不是上级条目"}
SOURCE = "国办发〔2022〕27号《关于进一步规范行政裁量权基准制定和管理工作的意见》"


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("benchmark"):
        for path, entry in document.records("entries"):
            parent = entry.get("parent")
            if not isinstance(parent, str):
                continue
            refs = corpus.entries.get(parent)
            where = document.file, path + ("parent",)
            if not refs:
                yield Problem("unknown-parent-entry", f"上级基准条目 {parent} 不存在。请核对省、市基准文件"
                              "（data/upstream/benchmarks/）中的条目标识。", where[0], path=where[1], source=SOURCE)
                continue
            target = next((ref for ref in refs if ref.document.placement.upstream), refs[0])
            if not target.document.placement.upstream:
                yield Problem("unknown-parent-entry", f"{parent} 是本县条目，不是省、市上级基准条目；"
                              "parent 只能指向上级基准。", where[0], path=where[1], source=SOURCE)
            elif target.value.get("kind") != entry.get("kind"):
                yield Problem("unknown-parent-entry", f"上级条目 {parent} 的类别是{target.value.get('kind')}，"
                              f"与本条目（{entry.get('kind')}）不同。", where[0], path=where[1], source=SOURCE)
