"""执法证号不能重复。

执法决定用执法证号指明承办人员，公开的人员名单也以证号核对：一个证号只能对应一个人。

通过::

    officers:
      - {name: 李文华, cert_no: "44182501001", ...}
      - {name: 黄志明, cert_no: "44182501002", ...}

不通过（``duplicate-cert-no``）::

    officers:
      - {name: 李文华, cert_no: "44182501001", ...}
      - {name: 黄志明, cert_no: "44182501001", ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem
from ._duplicates import report, where

CODES = {"duplicate-cert-no": "执法证号重复"}


def check(corpus: Corpus) -> Iterator[Problem]:
    yield from report(corpus.officers, "duplicate-cert-no", "cert_no",
                      lambda key, first: f"执法证号 {key} 已属于 {where(first)}；一个证号只能对应一名执法人员。")
