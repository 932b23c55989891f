"""填写的公示截止日期（``display_until``）必须与法定公示期一致。

公示期由《市场监督管理行政处罚信息公示规定》（总局令第45号）第二条、第十三条确定，不能自行
延长或缩短，平台按它自动下线到期的决定（不填 ``display_until`` 时自动计算）：

- 仅警告、不予处罚的决定不公示，不应填写截止日期；
- 仅通报批评或较低数额罚款（不超过 site.yaml 的 ``low_fine_limit``，默认 3000 元）的，
  自公示日期起三个月；
- 其他行政处罚自公示日期起三年；限制开展生产经营活动、限制从业超过三年的，按实际限制期限；
- 行政许可决定（《行政许可法》第四十条）和其他执法决定长期公开，不设截止日期。

期满日为到期月中与公示日期同号的那一天（没有该日的为当月最后一天），当天仍然公示。

通过::

    outcome:
      kinds: [罚款]
      fine: 50000
    published_on: 2024-04-15
    display_until: 2027-04-15

不通过（``display-until-mismatch``）::

    published_on: 2024-04-15
    display_until: 2024-07-15    # 罚款 50000 元不是较低数额罚款，应公示三年，到 2027-04-15
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..display import FOREVER, display_until, period
from ..problems import Problem
from ..workdays import parse_date

CODES = {"display-until-mismatch": "公示截止日期与法定公示期不一致"}
#: Each decision is checked on its own, against the site's settings: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    site = corpus.site.data if corpus.site else None
    for document in corpus.of("decision"):
        written = parse_date(document.get("display_until"))
        if written is None or not isinstance(document.data, dict):
            continue  # absent (computed) or malformed (the schema reports it)
        rule = period(document.data, site)
        expected = display_until(document.data, site)
        path = ("display_until",)
        if not rule.shown:
            yield Problem("display-until-mismatch",
                          f"公示截止日期写的是 {written}，但这份决定{rule.reason}，依法不予公示。"
                          "请删除 display_until 这一行。", document.file, path=path, source=rule.source)
        elif expected == FOREVER:
            yield Problem("display-until-mismatch",
                          f"公示截止日期写的是 {written}，但{rule.reason}。请删除 display_until 这一行。",
                          document.file, path=path, source=rule.source)
        elif expected is not None and written != expected:
            yield Problem("display-until-mismatch",
                          f"公示截止日期写的是 {written}，按规定应为 {expected}：这份决定{rule.reason}，"
                          f"自公示日期 {document.get('published_on')} 起计算。公示期由规章确定，不能自行延长或缩短；"
                          f"请改为 {expected}，或删除这一行由平台自动计算。",
                          document.file, path=path, source=rule.source)
