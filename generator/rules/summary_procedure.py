"""简易程序（当场处罚）只适用于数额较小的罚款或者警告。

《行政处罚法》第五十一条：违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元以下
罚款或者警告的行政处罚的，可以当场作出。个体工商户的经营者是公民，按二百元计。

通过::

    procedure: 简易
    party: {kind: 自然人, name: 张某}
    outcome: {kinds: [罚款], fine: 100}

不通过（``summary-procedure-limit``）::

    procedure: 简易
    party: {kind: 自然人, name: 张某}
    outcome: {kinds: [罚款], fine: 500}      # 超过 200 元
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..penalties import kinds
from ..problems import Problem

CODES = {"summary-procedure-limit": "简易程序的罚款超过法定数额，或给予了罚款、警告以外的处罚"}
SOURCE = "《中华人民共和国行政处罚法》第五十一条"
LIMITS = {"自然人": 200, "个体工商户": 200, "法人": 3000, "其他组织": 3000}
#: Each decision is checked on its own: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        if document.get("procedure") != "简易":
            continue
        party = document.get("party")
        outcome = document.get("outcome")
        limit = LIMITS.get(party.get("kind")) if isinstance(party, dict) else None
        if not isinstance(outcome, dict) or limit is None:
            continue
        fine = outcome.get("fine")
        if isinstance(fine, (int, float)) and not isinstance(fine, bool) and fine > limit:
            yield Problem("summary-procedure-limit", f"简易程序对{party['kind']}只能处 {limit} 元以下罚款，"
                          f"本决定罚款 {fine} 元：应适用普通程序（procedure: 普通）。", document.file,
                          path=("outcome", "fine"), source=SOURCE)
        other = [k for k in kinds(outcome) if k not in ("罚款", "警告")]
        if other:
            yield Problem("summary-procedure-limit", f"简易程序只能给予罚款或者警告，本决定还给予了"
                          f"{'、'.join(other)}：应适用普通程序。", document.file,
                          path=("outcome", "kinds"), source=SOURCE)
