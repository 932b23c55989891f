"""Display periods (公示期): until when a published decision stays on the portal.

Penalties follow 《市场监督管理行政处罚信息公示规定》(总局令第45号):

- 第二条第二款: a penalty of only 警告 is not displayed; nor is a decision that imposes no
  penalty at all (不予处罚: there is even less to display than a warning);
- 第十三条第一款: only 通报批评 and/or a 较低数额罚款 (a 警告 beside them changes nothing) →
  three months from publication; every other penalty → three years;
- 第十三条第三款: a 限制开展生产经营活动 / 限制从业 longer than three years → that period.

第十三条第二款 leaves 较低数额罚款 to the province: it is ``low_fine_limit`` in site.yaml
(`DEFAULT_LOW_FINE_LIMIT` if absent); an amount equal to the limit is still 较低
(《民法典》第一千二百五十九条: 以下 includes the number itself).

Periods run from ``published_on``. 《民法典》第二百零一条: the day of publication is not
counted, and the period ends on the same day of the month three months (or years) later,
or on the last day of that month if it has no such day. The returned date is that last
day: the decision is still shown on it. A holiday does not lengthen a display period
(第二百零三条 extends the last day for *doing* something, not for showing it).

Other decisions have no end: 《行政许可法》第四十条 makes 准予行政许可 decisions public
records that anyone may consult, and no law limits how long the results of inspections,
coercive measures or other decisions that 国办发〔2018〕118号 asks to publish stay public.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from .workdays import parse_date

#: 较低数额罚款 when site.yaml sets no ``low_fine_limit``: the most an organisation can be fined on
#: the spot (《行政处罚法》第五十一条), a stand-in until the Guangdong figure is configured.
DEFAULT_LOW_FINE_LIMIT = 3000
#: A display period with no end.
FOREVER = datetime.date.max
SOURCE = "《市场监督管理行政处罚信息公示规定》（国家市场监督管理总局令第45号）第二条、第十三条"
PERMIT_SOURCE = "《中华人民共和国行政许可法》第四十条"

_LIGHT = {"警告", "通报批评", "罚款"}
_STANDARD_MONTHS = 36
_SHORT_MONTHS = 3


@dataclass(frozen=True)
class Period:
    """How long a decision is displayed, and why (the reason is quoted in messages)."""

    #: False: the decision is never displayed.
    shown: bool
    #: Months from publication; None with ``shown``: no end.
    months: int | None
    #: Why, in Chinese, e.g. ``仅处通报批评或较低数额罚款（罚款 500 元，不超过 3,000 元）``.
    reason: str
    source: str = SOURCE


def low_fine_limit(site: Any) -> float:
    value = site.get("low_fine_limit") if isinstance(site, dict) else None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else DEFAULT_LOW_FINE_LIMIT


def period(decision: dict, site: Any = None) -> Period:
    """The display period the law gives `decision` (a decision record as loaded)."""
    if decision.get("type") != "行政处罚":
        if decision.get("type") == "行政许可":
            return Period(True, None, "行政许可决定应予公开，公众有权查阅，不设公示截止日期", PERMIT_SOURCE)
        return Period(True, None, f"{decision.get('type')}决定的公示没有法定截止期限", "国办发〔2018〕118号")
    outcome = decision.get("outcome") if isinstance(decision.get("outcome"), dict) else {}
    kinds = outcome.get("kinds")
    kinds = {k for k in kinds if isinstance(k, str)} if isinstance(kinds, list) else set()
    if not kinds:
        return Period(False, None, "未给予行政处罚（不予处罚）")
    if kinds == {"警告"}:
        return Period(False, None, "仅给予警告")
    limit = low_fine_limit(site)
    fine = outcome.get("fine")
    has_fine = isinstance(fine, (int, float)) and not isinstance(fine, bool)
    if kinds <= _LIGHT and ("罚款" not in kinds or (has_fine and fine <= limit)):
        detail = f"罚款 {_amount(fine)} 元，不超过 {_amount(limit)} 元" if "罚款" in kinds else "通报批评"
        return Period(True, _SHORT_MONTHS, f"仅给予通报批评或较低数额罚款（{detail}），公示三个月")
    restriction = outcome.get("restriction_months")
    if isinstance(restriction, int) and not isinstance(restriction, bool) and restriction > _STANDARD_MONTHS:
        return Period(True, restriction, f"限制期限 {restriction} 个月超过三年，按实际限制期限公示")
    given = "、".join(sorted(kinds, key=_kind_order))
    if "罚款" in kinds and not has_fine:
        return Period(True, _STANDARD_MONTHS, f"给予{given}，未填写罚款金额，不能认定为较低数额罚款，公示三年")
    if kinds <= _LIGHT:
        return Period(True, _STANDARD_MONTHS,
                      f"给予{given}，罚款 {_amount(fine)} 元超过较低数额罚款上限 {_amount(limit)} 元，公示三年")
    return Period(True, _STANDARD_MONTHS, f"给予{given}，公示三年")


def display_until(decision: dict, site: Any = None) -> datetime.date | None:
    """The last day `decision` is on display: None if never displayed, `FOREVER` if no end.

    None too for a penalty without a valid ``published_on`` (such data fails validation).
    """
    rule = period(decision, site)
    if not rule.shown:
        return None
    if rule.months is None:
        return FOREVER
    published = parse_date(decision.get("published_on"))
    return add_months(published, rule.months) if published else None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (《民法典》第二百零一条)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _amount(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


#: 《行政处罚法》第九条 order, for naming the kinds given.
_KIND_ORDER = ("警告", "通报批评", "罚款", "没收违法所得", "没收非法财物", "暂扣许可证件", "降低资质等级",
               "吊销许可证件", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "行政拘留",
               "其他行政处罚")


def _kind_order(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)
