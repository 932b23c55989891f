"""执法决定和本县裁量基准条目引用的事项必须在本主体的事项清单中。

事项在本主体 ``items.yaml`` 中登记才算本主体的事项；镇人民政府行使赋权事项，也要在自己的
``items.yaml`` 中登记该事项。

通过（lsscjgj 的决定）::

    item: 441825-SCJG-CF-0001   # 在 data/agencies/lsscjgj/items.yaml 中

不通过（``unknown-item``）::

    item: 441825-SCJG-CF-9999   # 不在任何清单中，或只在其他主体的清单中
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus, Document
from ..problems import Problem

CODES = {"unknown-item": "引用的执法事项不存在，或不属于本主体"}
#: Each file is checked on its own, against the item lists: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("items", "benchmark", "decision")
EACH = ("benchmark", "decision")


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        yield from _check(corpus, document, document.get("item"), ("item",))
    for document in corpus.of("benchmark"):
        if document.placement.upstream:
            continue
        for path, entry in document.records("entries"):
            if "item" in entry:
                yield from _check(corpus, document, entry.get("item"), path + ("item",))


def _check(corpus: Corpus, document: Document, code: object, path: tuple) -> Iterator[Problem]:
    if not isinstance(code, str):
        return
    agency = document.placement.agency
    refs = corpus.items.get(code, [])
    if any(ref.document.placement.agency == agency for ref in refs):
        return
    if refs:
        owner = refs[0].document.placement.agency
        yield Problem("unknown-item", f"事项 {code} 属于 {owner} 的事项清单，不在本主体（{agency}）的清单中。"
                      "请先在本主体 items.yaml 中登记该事项（赋权事项同样要登记）。", document.file, path=path)
    else:
        yield Problem("unknown-item", f"事项编码 {code} 不在任何事项清单中。请核对编码，"
                      f"或先在 data/agencies/{agency}/items.yaml 中新增该事项。", document.file, path=path)
