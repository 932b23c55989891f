"""被变更、撤销、确认违法或确认无效的行政处罚决定，应在 3 个工作日内撤回公示信息。

《行政处罚法》第四十八条第二款：公开的行政处罚决定被依法变更、撤销、确认违法或者确认无效的，
行政机关应当在三日内撤回行政处罚决定信息并公开说明理由；第八十五条：“三日”是指工作日，
不含法定节假日。期限从 ``withdrawal.changed_on`` 的次日起算，按国家放假安排（含调休）和
``data/calendar/<年份>.yaml`` 中的本县节假日计算。

- 撤回日期早于变更日期是错误（``withdrawn-before-change``），任何类型的决定都检查；
- 行政处罚决定超过 3 个工作日才撤回的只提示警告（``late-withdrawal``）：已经发生的逾期由
  执法监督报告统计，不阻止其他修改；
- 需要判断的日子所在年份没有国家放假安排时报错（``calendar-not-covered``）。

3 个工作日的期限只适用于行政处罚决定（第四十八条），且只适用于 2021 年 7 月 15 日修订施行
之后发生的变更；其他决定按国办发〔2018〕118号“及时撤下”，没有具体天数。

通过（2024 年 9 月 20 日是星期五，第 3 个工作日是 9 月 25 日）::

    status: 已撤回
    withdrawal:
      changed_on: 2024-09-20
      date: 2024-09-24

不通过::

    withdrawal:
      changed_on: 2024-09-20
      date: 2024-09-19    # withdrawn-before-change
      date: 2024-09-30    # late-withdrawal（警告：期限是 2024-09-25）
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import WARNING, Problem
from ..workdays import Calendar, UncoveredYear, parse_date, uncovered_advice

CODES = {
    "withdrawn-before-change": "撤回日期早于原决定被变更、撤销的日期",
    "late-withdrawal": "行政处罚决定超过 3 个工作日才撤回（警告）",
    "calendar-not-covered": "判断工作日期限所需年份的全国放假安排缺失",
}
SOURCE = "《中华人民共和国行政处罚法》第四十八条第二款、第八十五条"
#: The 2021 revision, which added the three-day rule, took effect on this day (第八十六条).
IN_FORCE = datetime.date(2021, 7, 15)
DAYS = 3
#: Each decision is checked on its own, against the calendars: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    calendar = Calendar.from_corpus(corpus)
    for document in corpus.of("decision"):
        withdrawal = document.get("withdrawal")
        if not isinstance(withdrawal, dict):
            continue
        changed = parse_date(withdrawal.get("changed_on"))
        withdrawn = parse_date(withdrawal.get("date"))
        if changed is None or withdrawn is None:
            continue  # the schema reports a missing or malformed date
        path = ("withdrawal", "date")
        if withdrawn < changed:
            yield Problem("withdrawn-before-change",
                          f"撤回日期 {withdrawn} 早于变更日期 {changed}：原决定被变更、撤销、确认违法或确认无效后"
                          "才撤回公示信息。请核对这两个日期（changed_on 写变更、撤销等文书作出的日期）。",
                          document.file, path=path, source=SOURCE)
            continue
        if document.get("type") != "行政处罚" or changed < IN_FORCE:
            continue
        try:
            deadline = calendar.missed_deadline(changed, withdrawn, DAYS)
        except UncoveredYear as exc:
            yield Problem("calendar-not-covered",
                          f"无法判断撤回（变更日期 {changed}，撤回日期 {withdrawn}）是否在 {DAYS} 个工作日内："
                          f"{uncovered_advice(exc.year)}",
                          document.file, path=path, source=SOURCE)
            continue
        if deadline is not None:
            yield Problem("late-withdrawal",
                          f"行政处罚决定被变更、撤销、确认违法或确认无效后，应在 {DAYS} 个工作日内撤回公示信息并"
                          f"说明理由：变更日期 {changed}，期限是 {deadline}，实际撤回日期 {withdrawn}，"
                          f"晚了 {(withdrawn - deadline).days} 天。逾期情况计入执法监督统计；撤回日期请如实填写，"
                          "如填错请更正。",
                          document.file, path=path, source=SOURCE, severity=WARNING)
