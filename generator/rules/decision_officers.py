"""执法决定至少由两名执法人员承办，证件在决定日期有效，且属于作出决定的执法主体。

《行政处罚法》第四十二条：行政处罚应当由具有行政执法资格的执法人员实施，执法人员不得少于两人。
证件有效期以 personnel.yaml 中的 valid_from、valid_until 为准；证件现在的状态不是“有效”的，提示核对。

通过::

    officers: ["44182501001", "44182501002"]   # 都是本主体人员，决定日期在证件有效期内

不通过::

    officers: ["44182501001"]                  # too-few-officers
    officers: ["44182501001", "44182502001"]   # officer-other-agency：第二人属于其他主体
    # 决定日期在某人证件有效期之外                # officer-not-valid
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import WARNING, Problem

CODES = {
    "too-few-officers": "承办的执法人员少于两名",
    "officer-not-valid": "执法人员的证件在决定日期不在有效期内，或现已不是有效状态",
    "officer-other-agency": "执法人员不属于作出决定的执法主体",
}
SOURCE = "《中华人民共和国行政处罚法》第四十二条"
#: Each decision is checked on its own, against the personnel lists: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("personnel", "decision")
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        officers = document.get("officers")
        decided = document.get("decided_on")
        agency = document.placement.agency
        if not isinstance(officers, list):
            continue
        distinct = {o for o in officers if isinstance(o, str) and o}
        if len(distinct) < 2:
            yield Problem("too-few-officers", f"只写了 {len(distinct)} 名执法人员：执法人员不得少于两人，"
                          "请补充承办人员的执法证号。", document.file, path=("officers",), source=SOURCE)
        for index, cert in enumerate(officers):
            refs = corpus.officers.get(cert) if isinstance(cert, str) else None
            if not refs:
                continue  # unknown-officer
            ref = refs[0]
            person = ref.value
            where = ("officers", index)
            if ref.document.placement.agency != agency:
                yield Problem("officer-other-agency", f"执法证号 {cert}（{person.get('name')}）属于 "
                              f"{ref.document.placement.agency}，不是作出决定的主体（{agency}）的执法人员。",
                              document.file, path=where, source=SOURCE)
            start, end = person.get("valid_from"), person.get("valid_until")
            if isinstance(decided, str) and isinstance(start, str) and isinstance(end, str) and not (
                    start <= decided <= end):
                yield Problem("officer-not-valid", f"执法证号 {cert}（{person.get('name')}）的有效期是 {start} 至 "
                              f"{end}，决定日期 {decided} 不在有效期内。", document.file, path=where, source=SOURCE)
            elif person.get("status") != "有效":
                yield Problem("officer-not-valid", f"执法证号 {cert}（{person.get('name')}）现在的状态是"
                              f"“{person.get('status')}”，请核对决定日期时证件是否有效。", document.file,
                              path=where, source=SOURCE, severity=WARNING)
