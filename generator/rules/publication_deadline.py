"""执法决定应在法定期限内公示：行政许可、行政处罚决定 7 个工作日内，其他决定 20 个工作日内。

国办发〔2018〕118号要求执法机关自作出执法决定之日起 20 个工作日内公开执法机关、执法对象、
执法类别、执法结论等信息，行政许可、行政处罚的执法决定信息在 7 个工作日内公开。期限从决定
日期的次日起算，按国家放假安排（含调休）和 ``data/calendar/<年份>.yaml`` 中的本县节假日计算
工作日。

- 公示日期早于决定日期是错误（``published-before-decided``）；
- 超过期限公示的只提示警告（``late-publication``）：已经发生的逾期由执法监督报告统计，
  不阻止其他修改；公示日期应如实填写，不要为消除警告而改动；
- 需要判断的日子所在年份没有国家放假安排时报错（``calendar-not-covered``），绝不按周末猜测。

该指导意见 2019 年 1 月 3 日公布，之前作出的决定不检查期限。

通过（2024 年 4 月 10 日作出的行政处罚决定，第 7 个工作日是 4 月 19 日）::

    type: 行政处罚
    decided_on: 2024-04-10
    published_on: 2024-04-15

不通过::

    decided_on: 2024-04-10
    published_on: 2024-04-08    # published-before-decided
    published_on: 2024-05-06    # late-publication（警告：期限是 2024-04-19）
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import WARNING, Problem
from ..workdays import Calendar, UncoveredYear, parse_date, uncovered_advice

CODES = {
    "published-before-decided": "公示日期早于决定日期",
    "late-publication": "执法决定超过法定期限公示（警告）",
    "calendar-not-covered": "判断工作日期限所需年份的全国放假安排缺失",
}
SOURCE = ("《国务院办公厅关于全面推行行政执法公示制度执法全过程记录制度重大执法决定法制审核制度的指导意见》"
          "（国办发〔2018〕118号）“加强事后公开”")
#: The guidance was made public on this day; earlier decisions had no such deadline.
IN_FORCE = datetime.date(2019, 1, 3)
#: Working days allowed, by 职权类型; every other type has `OTHER_DAYS`.
DAYS = {"行政许可": 7, "行政处罚": 7}
OTHER_DAYS = 20
#: Each decision is checked on its own, against the calendars: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    calendar = Calendar.from_corpus(corpus)
    for document in corpus.of("decision"):
        decided = parse_date(document.get("decided_on"))
        published = parse_date(document.get("published_on"))
        if decided is None or published is None:
            continue  # the schema reports a missing or malformed date
        if published < decided:
            yield Problem("published-before-decided",
                          f"公示日期 {published} 早于决定日期 {decided}：决定作出后才能公示。"
                          "请核对这两个日期（常见的是年份或月份写错）。",
                          document.file, path=("published_on",), source=SOURCE)
            continue
        if decided < IN_FORCE:
            continue
        kind = document.get("type")
        days = DAYS.get(kind, OTHER_DAYS) if isinstance(kind, str) else OTHER_DAYS
        try:
            deadline = calendar.missed_deadline(decided, published, days)
        except UncoveredYear as exc:
            yield Problem("calendar-not-covered",
                          f"无法判断这份决定（决定日期 {decided}，公示日期 {published}）是否在 {days} 个工作日内"
                          f"公示：{uncovered_advice(exc.year)}",
                          document.file, path=("published_on",), source=SOURCE)
            continue
        if deadline is not None:
            label = kind if kind in DAYS else "行政许可、行政处罚以外的执法决定"
            yield Problem("late-publication",
                          f"{label}应在决定作出后 {days} 个工作日内公示：决定日期 {decided}，期限是 {deadline}，"
                          f"实际公示日期 {published}，晚了 {(published - deadline).days} 天。"
                          "逾期情况计入执法监督统计；公示日期请如实填写，如填错请更正，今后请在期限内公示。",
                          document.file, path=("published_on",), source=SOURCE, severity=WARNING)

