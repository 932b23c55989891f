"""执法决定写明的每名执法人员都必须在某个执法人员名单中。

证件在决定日期是否有效、是否属于作出决定的主体，是另一条法律规则（《行政处罚法》第四十二条）；
本规则只确认证号确有其人。

通过::

    officers: ["44182501001", "44182501002"]   # 都在某个 personnel.yaml 中

不通过（``unknown-officer``）::

    officers: ["44182501001", "44182509999"]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"unknown-officer": "执法人员的执法证号不在任何执法人员名单中"}
#: Each decision is checked on its own, against the personnel lists: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("personnel", "decision")
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        officers = document.get("officers")
        if not isinstance(officers, list):
            continue
        for index, cert in enumerate(officers):
            if isinstance(cert, str) and cert not in corpus.officers:
                yield Problem("unknown-officer", f"执法证号 {cert} 不在任何执法人员名单中。请核对证号，"
                              f"或先在 data/agencies/{document.placement.agency}/personnel.yaml 中登记该人员。",
                              document.file, path=("officers", index))
