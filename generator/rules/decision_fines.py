"""罚款在所适用裁量阶次的幅度之内；不在时必须写明偏离基准的理由。

国办发〔2022〕27号：适用裁量基准作出决定，应当在决定书中说明理由；个案适用基准明显不当的，经集体讨论可以
调整适用，并说明理由。处以罚款的处罚决定必须写明适用的基准条目和阶次（``benchmark``），或写明
``deviation_reason``。阶次只规定了倍数幅度（如货值金额的倍数）时，罚款金额无法在此核对，不报告问题。

通过（阶次从轻处罚为 50000—65000 元）::

    benchmark: {entry: ls-sj-001, tier: 从轻处罚}
    outcome: {kinds: [罚款], fine: 52000}

不通过::

    benchmark: {entry: ls-sj-001, tier: 从轻处罚}
    outcome: {kinds: [罚款], fine: 80000}      # fine-outside-tier
    # 或：有罚款，却既没有 benchmark，也没有 deviation_reason   # benchmark-missing
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..penalties import fine_ranges, tier_named
from ..problems import Problem

CODES = {
    "fine-outside-tier": "罚款金额不在适用阶次的幅度内，且没有写明偏离基准的理由",
    "benchmark-missing": "处以罚款的处罚决定没有写明适用的裁量基准，也没有写明理由",
}
SOURCE = "国办发〔2022〕27号《关于进一步规范行政裁量权基准制定和管理工作的意见》"
#: Each decision is checked on its own, against the benchmark entries: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("benchmark", "decision")
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        if document.get("type") != "行政处罚" or document.get("deviation_reason"):
            continue
        outcome = document.get("outcome")
        fine = outcome.get("fine") if isinstance(outcome, dict) else None
        if not isinstance(fine, (int, float)) or isinstance(fine, bool) or fine <= 0:
            continue
        benchmark = document.get("benchmark")
        if not isinstance(benchmark, dict):
            yield Problem("benchmark-missing", f"处以 {fine} 元罚款，但没有写明适用的裁量基准（benchmark）。"
                          "请写明基准条目和阶次；确实无法适用基准的，写明 deviation_reason。",
                          document.file, path=("outcome", "fine"), source=SOURCE)
            continue
        refs = corpus.entries.get(benchmark.get("entry"))
        tier = tier_named(refs[0].value, benchmark.get("tier")) if refs else None
        if tier is None:
            continue  # unknown-benchmark-entry / unknown-tier say why
        amounts = [r for r in fine_ranges(tier) if r.unit == "元"]
        if not fine_ranges(tier):
            yield Problem("fine-outside-tier", f"适用的阶次“{tier['tier']}”没有规定罚款，决定却处以 {fine} 元罚款。"
                          "请核对适用的阶次，或写明 deviation_reason。", document.file,
                          path=("outcome", "fine"), source=SOURCE)
        elif amounts and not any(r.min <= fine <= r.max for r in amounts):
            yield Problem("fine-outside-tier", f"罚款 {fine} 元不在适用阶次“{tier['tier']}”的幅度 "
                          f"{'、'.join(r.text() for r in amounts)} 内。请核对金额或阶次；确需偏离基准的，"
                          "写明经集体讨论的理由（deviation_reason）。", document.file,
                          path=("outcome", "fine"), source=SOURCE)
