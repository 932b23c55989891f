"""本县细化的基准条目不超出所细化的上级条目：同一阶次的幅度在上级同一阶次的幅度之内。

国办发〔2022〕27号：县级人民政府及其部门可以在法定范围内，对上级基准进一步细化、量化，但不得超出上级基准
的范围。上级条目没有该阶次时，本县阶次不得超出上级条目的法定幅度。问题说明中同时写出本县和上级的幅度。

通过（上级从轻 50000—65000 元）::

    parent: gd-sj-001
    tiers:
      - tier: 从轻处罚
        fines: [{unit: 元, min: 50000, max: 60000}]

不通过（``refinement-outside-parent``）::

    parent: gd-sj-001
    tiers:
      - tier: 从轻处罚
        fines: [{unit: 元, min: 45000, max: 70000}]
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..penalties import fine_ranges, tier_named, tiers
from ..problems import Problem

#: The only records this rule reads (it is shown no others, and its answer is kept while they are unchanged).
READS = ("benchmark",)
CODES = {"refinement-outside-parent": "本县细化的阶次幅度超出上级基准同一阶次的幅度"}
SOURCE = "国办发〔2022〕27号《关于进一步规范行政裁量权基准制定和管理工作的意见》"


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("benchmark"):
        if document.placement.upstream:
            continue
        for path, entry in document.records("entries"):
            parent_id = entry.get("parent")
            refs = corpus.entries.get(parent_id) if isinstance(parent_id, str) else None
            parent = next((r for r in refs or [] if r.document.placement.upstream), None)
            if parent is None or entry.get("kind") != "行政处罚" or parent.value.get("kind") != "行政处罚":
                continue  # a missing or mismatched parent is unknown-parent-entry's to report
            for index, tier in tiers(entry):
                name = tier["tier"]
                upper = tier_named(parent.value, name)
                bounds = fine_ranges(upper) if upper is not None else fine_ranges(parent.value.get("statutory"))
                label = f"上级「{name}」" if upper is not None else "上级条目的法定幅度"
                for fine in fine_ranges(tier):
                    same_unit = [b for b in bounds if b.unit == fine.unit]
                    if fine.min > fine.max or any(b.min > b.max for b in same_unit):
                        continue  # fine-range-inverted says so; no containment to judge
                    if not same_unit and upper is not None:
                        yield Problem(
                            "refinement-outside-parent",
                            f"本县「{name}」规定了 {fine.text()} 的罚款，但上级「{name}」没有这种罚款"
                            f"（上级条目 {parent_id}，{parent.file}）。细化不能加重上级基准。",
                            document.file, path=path + ("tiers", index, "fines", fine.index), source=SOURCE)
                    elif same_unit and not any(fine in b for b in same_unit):
                        yield Problem(
                            "refinement-outside-parent",
                            f"本县「{name}」的幅度 {fine.text()} 超出{label} {'、'.join(b.text() for b in same_unit)}"
                            f"（上级条目 {parent_id}，{parent.file}）。细化只能在上级幅度之内。",
                            document.file, path=path + ("tiers", index, "fines", fine.index), source=SOURCE)
