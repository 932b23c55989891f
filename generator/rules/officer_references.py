"""Every officer a decision names is on a body's list of certified personnel.

Whether the certificate is valid on the decision date and belongs to the deciding body is
a legal rule of its own (《行政处罚法》第四十二条); this rule only makes sure the number
refers to someone.

PASS::

    officers: ["44182501001", "44182501002"]   # both in some personnel.yaml

FAIL (``unknown-officer``)::

    officers: ["44182501001", "44182509999"]
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"unknown-officer": "执法人员的执法证号不在任何执法人员名单中"}


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
