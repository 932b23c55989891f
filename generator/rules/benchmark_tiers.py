"""处罚裁量阶次按从轻到重排列、不重复，相邻阶次的罚款幅度不重叠。

国办发〔2022〕27号要求把法定幅度细化为易于操作的裁量阶次；阶次之间重叠，同一罚款数额就可能属于两个
阶次，“类案不同罚”。阶次依次为 不予处罚、减轻处罚、从轻处罚、一般处罚、从重处罚（可以缺少某些阶次）。
同一计算单位的幅度，后一阶次的下限不得低于前一阶次的上限（相接处数额相同可以）；每个幅度的下限不得大于上限。

通过::

    tiers:
      - tier: 从轻处罚
        fines: [{unit: 元, min: 50000, max: 65000}]
      - tier: 一般处罚
        fines: [{unit: 元, min: 65001, max: 84999}]

不通过::

    tiers:
      - tier: 一般处罚                              # tier-order：一般处罚写在从轻处罚之前
        fines: [{unit: 元, min: 60000, max: 85000}]
      - tier: 从轻处罚                              # tier-overlap：60000—85000 与 50000—65000 重叠
        fines: [{unit: 元, min: 65000, max: 50000}] # fine-range-inverted：下限大于上限
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..penalties import TIER_ORDER, fine_ranges, tiers
from ..problems import Problem

#: The only records this rule reads (it is shown no others, and its answer is kept while they are unchanged).
READS = ("benchmark",)
CODES = {
    "tier-order": "裁量阶次没有按从轻到重排列，或同一阶次写了两次",
    "tier-overlap": "相邻裁量阶次的罚款幅度重叠",
    "fine-range-inverted": "罚款幅度的下限大于上限",
}
SOURCE = "国办发〔2022〕27号《关于进一步规范行政裁量权基准制定和管理工作的意见》"


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("benchmark"):
        for path, entry in document.records("entries"):
            if entry.get("kind") != "行政处罚":
                continue
            yield from _entry(document.file, path, entry)
            for index, tier in tiers(entry):
                for fine in fine_ranges(tier):
                    if fine.min > fine.max:
                        yield Problem("fine-range-inverted",
                                      f"「{tier['tier']}」的罚款幅度下限（{fine.min}）大于上限（{fine.max}），请对调。",
                                      document.file, path=path + ("tiers", index, "fines", fine.index), source=SOURCE)
            for fine in fine_ranges(entry.get("statutory")):
                if fine.min > fine.max:
                    yield Problem("fine-range-inverted",
                                  f"法定罚款幅度下限（{fine.min}）大于上限（{fine.max}），请对调。", document.file,
                                  path=path + ("statutory", "fines", fine.index), source=SOURCE)


def _entry(file: str, path: tuple, entry: dict) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    last = -1
    previous: dict[str, tuple[str, object]] = {}  # unit → (tier name, its range)
    for index, tier in tiers(entry):
        name = tier["tier"]
        rank = TIER_ORDER.index(name)
        where = path + ("tiers", index, "tier")
        if name in seen:
            yield Problem("tier-order", f"阶次“{name}”写了两次（第 {seen[name] + 1} 项和第 {index + 1} 项），请合并。",
                          file, path=where, source=SOURCE)
            continue
        seen[name] = index
        if rank < last:
            # out of order: comparing its range with the heavier tier before it says nothing new
            yield Problem("tier-order", f"阶次“{name}”应排在“{TIER_ORDER[last]}”之前：请按 "
                          f"{'、'.join(TIER_ORDER)} 的顺序排列。", file, path=where, source=SOURCE)
            continue
        last = max(last, rank)
        for fine in fine_ranges(tier):
            if fine.min > fine.max:
                continue
            before = previous.get(fine.unit)
            if before is not None and fine.min < before[1].max:
                yield Problem("tier-overlap", f"「{name}」的幅度 {fine.text()} 与「{before[0]}」的幅度 "
                              f"{before[1].text()} 重叠：同一数额只能属于一个阶次。",
                              file, path=path + ("tiers", index, "fines", fine.index), source=SOURCE)
            if before is None or fine.max >= before[1].max:
                previous[fine.unit] = (name, fine)
