"""处罚裁量阶次的幅度符合法定幅度和本文件的划分比例。

《行政处罚法》第三十四条、国办发〔2022〕27号：从轻、一般、从重处罚的罚款必须在法定幅度内；减轻处罚低于法定
最低限（或适用更轻的处罚种类）；不予处罚不给予处罚。基准文件写了 ``tier_split`` 时，从轻、一般、从重三个阶次
还要分别落在法定幅度按该比例划分的区间内（例如 30、40、30：从轻在下限起 30% 以内）。比例由每个基准文件
自己规定，没有写 ``tier_split`` 的文件不检查划分比例。

通过（法定 50000—100000 元，tier_split 30/40/30）::

    - tier: 从轻处罚
      fines: [{unit: 元, min: 50000, max: 65000}]

不通过::

    - tier: 从重处罚                      # tier-outside-statutory：超过法定上限 100000 元
      fines: [{unit: 元, min: 85000, max: 120000}]
    - tier: 减轻处罚                      # reduced-tier-not-reduced：没有低于法定下限 50000 元
      fines: [{unit: 元, min: 45000, max: 55000}]
    - tier: 不予处罚                      # no-penalty-with-fine：不予处罚却写了罚款
      fines: [{unit: 元, min: 0, max: 500}]
    - tier: 一般处罚                      # tier-outside-split：一般阶次应在 65000—85000 元之间
      fines: [{unit: 元, min: 60000, max: 90000}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..penalties import RANGED_TIERS, FineRange, fine_ranges, kinds, tiers
from ..problems import Problem

#: The only records this rule reads (it is shown no others, and its answer is kept while they are unchanged).
READS = ("benchmark",)
CODES = {
    "tier-outside-statutory": "从轻、一般、从重阶次的罚款或处罚种类超出法定范围",
    "reduced-tier-not-reduced": "减轻处罚阶次没有低于法定最低限，也没有适用更轻的处罚种类",
    "no-penalty-with-fine": "不予处罚阶次写了罚款或处罚种类",
    "tier-outside-split": "阶次幅度不在基准文件规定的划分比例之内",
    "tier-split-sum": "基准文件的划分比例之和不是 100",
}
SOURCE = "《中华人民共和国行政处罚法》第三十四条；国办发〔2022〕27号"
#: Penalty kinds lighter than a fine, for 减轻处罚 “or a lighter kind”.
LIGHT_KINDS = {"警告", "通报批评"}


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("benchmark"):
        split = _split(document.get("tier_split"))
        if split is not None and abs(split["从重处罚"][1] - 1) > 1e-9:
            total = f"{split['从重处罚'][1] * 100:g}"
            yield Problem("tier-split-sum", f"从轻、一般、从重三个比例之和是 {total}，应为 100。",
                          document.file, path=("tier_split",), source=SOURCE)
            split = None
        for path, entry in document.records("entries"):
            if entry.get("kind") != "行政处罚":
                continue
            statutory = entry.get("statutory")
            legal = fine_ranges(statutory)
            legal_kinds = set(kinds(statutory))
            for index, tier in tiers(entry):
                where = path + ("tiers", index)
                yield from _tier(document.file, where, tier, legal, legal_kinds, split)


def _tier(file: str, where: tuple, tier: dict, legal: list[FineRange], legal_kinds: set[str],
          split: dict[str, tuple[float, float]] | None) -> Iterator[Problem]:
    name = tier["tier"]
    fines = [f for f in fine_ranges(tier) if f.min <= f.max]
    if name == "不予处罚":
        if fines or kinds(tier):
            yield Problem("no-penalty-with-fine", "「不予处罚」阶次不给予处罚，不应填写罚款幅度或处罚种类"
                          "（没收违法所得等可写在适用情形中说明）。", file, path=where, source=SOURCE)
        return
    if name == "减轻处罚":
        for fine in fines:
            floor = [r for r in legal if r.unit == fine.unit]
            if floor and fine.max >= min(r.min for r in floor) and not LIGHT_KINDS & set(kinds(tier)):
                yield Problem("reduced-tier-not-reduced",
                              f"「减轻处罚」的幅度 {fine.text()} 没有低于法定最低限 {floor[0].text()} 的下限："
                              "减轻处罚应在法定最低限以下，或适用更轻的处罚种类。",
                              file, path=where + ("fines", fine.index), source=SOURCE)
        return
    extra = [k for k in kinds(tier) if legal_kinds and k not in legal_kinds]
    if extra:
        yield Problem("tier-outside-statutory", f"「{name}」的处罚种类 {'、'.join(extra)} 不在法定处罚种类"
                      f"（{'、'.join(sorted(legal_kinds))}）之内。", file, path=where + ("kinds",), source=SOURCE)
    for fine in fines:
        same_unit = [r for r in legal if r.unit == fine.unit]
        if not legal:
            continue
        if not any(fine in r for r in same_unit):
            allowed = "、".join(r.text() for r in same_unit) or "（罚则没有这种计算单位的罚款）"
            yield Problem("tier-outside-statutory", f"「{name}」的幅度 {fine.text()} 超出法定幅度 {allowed}。",
                          file, path=where + ("fines", fine.index), source=SOURCE)
            continue
        if split is not None and name in RANGED_TIERS:
            outer = next(r for r in same_unit if fine in r)
            low, high = split[name]
            band = FineRange(fine.unit, outer.min + (outer.max - outer.min) * low,
                             outer.min + (outer.max - outer.min) * high, -1)
            if not (band.min - 1e-9 <= fine.min and fine.max <= band.max + 1e-9):
                yield Problem("tier-outside-split",
                              f"「{name}」的幅度 {fine.text()} 不在按本文件划分比例计算的区间 {band.text()} 内"
                              f"（法定幅度 {outer.text()}）。", file, path=where + ("fines", fine.index), source=SOURCE)


def _split(value: object) -> dict[str, tuple[float, float]] | None:
    """tier_split percentages → each ranged tier's (start, end) as fractions of the range."""
    if not isinstance(value, dict):
        return None
    try:
        shares = [float(value[name]) for name in RANGED_TIERS]
    except (KeyError, TypeError, ValueError):
        return None
    bands, start = {}, 0.0
    for name, share in zip(RANGED_TIERS, shares, strict=True):
        bands[name] = (start / 100, (start + share) / 100)
        start += share
    return bands
