"""执法决定适用的裁量基准条目必须存在，适用的阶次必须是该条目规定了的阶次。

通过::

    benchmark:
      entry: ls-scjg-sp-001   # 某个基准文件中的条目标识
      tier: 从轻处罚          # 该条目的阶次之一

不通过（``unknown-benchmark-entry``、``unknown-tier``）::

    benchmark:
      entry: ls-scjg-sp-999
      tier: 从重处罚          # 该条目没有从重处罚阶次
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {
    "unknown-benchmark-entry": "引用的裁量基准条目不存在",
    "unknown-tier": "引用的裁量阶次在该基准条目中不存在",
}
#: Each decision is checked on its own, against the benchmark entries: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("benchmark", "decision")
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        benchmark = document.get("benchmark")
        if not isinstance(benchmark, dict) or not isinstance(benchmark.get("entry"), str):
            continue
        entry_id = benchmark["entry"]
        refs = corpus.entries.get(entry_id)
        if not refs:
            yield Problem("unknown-benchmark-entry", f"裁量基准条目 {entry_id} 不存在。请核对条目标识"
                          "（见本主体 benchmarks/ 下的基准文件）。", document.file, path=("benchmark", "entry"))
            continue
        tier = benchmark.get("tier")
        tiers = refs[0].value.get("tiers")
        names = [t.get("tier") for t in tiers if isinstance(t, dict)] if isinstance(tiers, list) else []
        if isinstance(tier, str) and tier not in names:
            listed = "、".join(str(n) for n in names) or "（无）"
            yield Problem("unknown-tier", f"基准条目 {entry_id} 没有“{tier}”阶次；该条目的阶次有：{listed}。",
                          document.file, path=("benchmark", "tier"))
