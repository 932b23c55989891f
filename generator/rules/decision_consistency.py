"""执法决定与其事项、状态前后一致：职权类型与所引用事项的职权类型相同；写了撤回信息的决定状态为“已撤回”。

通过::

    type: 行政处罚
    item: 441825-SCJG-CF-0001   # 该事项 type: 行政处罚

不通过::

    type: 行政许可               # decision-type-mismatch：事项是行政处罚
    status: 有效
    withdrawal: {...}           # withdrawal-status：有撤回信息，状态却不是已撤回
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {
    "decision-type-mismatch": "执法决定的职权类型与所引用事项的职权类型不同",
    "withdrawal-status": "写了撤回信息，状态却不是“已撤回”",
}
#: 事后公开 names the 执法类别 of each decision, which the item list defines.
TYPE_SOURCE = "国办发〔2018〕118号（事后公开执法机关、执法对象、执法类别、执法结论）"
WITHDRAWAL_SOURCE = "《中华人民共和国行政处罚法》第四十八条第二款"
#: Each decision is checked on its own, against the item lists: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("items", "decision")
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        refs = corpus.items.get(document.get("item")) if isinstance(document.get("item"), str) else None
        own = [r for r in refs or [] if r.document.placement.agency == document.placement.agency]
        kind = document.get("type")
        # an invalid type is the schema's to report; compare only what could be right
        item_type = own[0].value.get("type") if own else None
        if isinstance(item_type, str) and document.valid and isinstance(kind, str) and item_type != kind:
            yield Problem("decision-type-mismatch", f"决定的职权类型是“{kind}”，但事项 {document.get('item')} "
                          f"的职权类型是“{item_type}”。请核对事项编码或职权类型。",
                          document.file, path=("type",), source=TYPE_SOURCE)
        if isinstance(document.get("withdrawal"), dict) and document.get("status") != "已撤回":
            yield Problem("withdrawal-status", f"写了撤回信息（withdrawal），状态却是“{document.get('status')}”："
                          "已撤回的决定请把 status 改为 已撤回；未撤回的请删除撤回信息。",
                          document.file, path=("status",), source=WITHDRAWAL_SOURCE)
