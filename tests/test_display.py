"""Display periods (总局令第45号 第二、十三条) and what the generated lists show on a given day."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.checker import validate
from generator.display import DEFAULT_LOW_FINE_LIMIT, FOREVER, add_months, display_until, period
from generator.pages import HtmlPage
from generator.render import pages, visible

day = datetime.date.fromisoformat
DOC_NO = "连山市监罚〔2024〕12号"


def penalty(*kinds: str, fine: float | None = None, published: str = "2024-04-15", **outcome) -> dict:
    out = {"kinds": list(kinds), **outcome}
    if fine is not None:
        out["fine"] = fine
    return {"type": "行政处罚", "outcome": out, "published_on": published}


def test_a_warning_only_penalty_is_never_displayed():
    assert display_until(penalty("警告"), None) is None
    assert not visible(penalty("警告"), day("2024-04-16"))


def test_a_decision_imposing_no_penalty_is_never_displayed():
    decision = {"type": "行政处罚", "outcome": {"conclusion": "不予行政处罚"}, "published_on": "2024-04-15"}
    assert display_until(decision, None) is None


@pytest.mark.parametrize("decision", [
    pytest.param(penalty("罚款", fine=500), id="small-fine"),
    pytest.param(penalty("罚款", fine=DEFAULT_LOW_FINE_LIMIT), id="fine-equal-to-the-limit"),
    pytest.param(penalty("通报批评"), id="public-criticism"),
    pytest.param(penalty("警告", "罚款", fine=200), id="warning-and-small-fine"),
])
def test_public_criticism_or_a_small_fine_is_displayed_three_months(decision: dict):
    assert display_until(decision, None) == day("2024-07-15")


@pytest.mark.parametrize("decision", [
    pytest.param(penalty("罚款", fine=DEFAULT_LOW_FINE_LIMIT + 0.01), id="fine-above-the-limit"),
    pytest.param(penalty("罚款"), id="fine-without-amount"),
    pytest.param(penalty("没收违法所得", "罚款", fine=500), id="small-fine-with-confiscation"),
    pytest.param(penalty("吊销许可证件"), id="licence-revoked"),
    pytest.param(penalty("限制从业", restriction_months=24), id="restriction-shorter-than-three-years"),
])
def test_other_penalties_are_displayed_three_years(decision: dict):
    assert display_until(decision, None) == day("2027-04-15")


def test_a_restriction_longer_than_three_years_is_displayed_for_the_restriction():
    assert display_until(penalty("限制从业", restriction_months=60), None) == day("2029-04-15")


def test_the_small_fine_limit_comes_from_site_yaml():
    decision = penalty("罚款", fine=5000)
    assert display_until(decision, {"low_fine_limit": 10000}) == day("2024-07-15")
    assert display_until(decision, {}) == day("2027-04-15")
    assert "10,000" in period(decision, {"low_fine_limit": 10000}).reason


@pytest.mark.parametrize("start, months, end", [
    ("2024-04-15", 3, "2024-07-15"),
    ("2023-11-30", 3, "2024-02-29"),  # no 30 February: the month's last day
    ("2024-08-31", 3, "2024-11-30"),
    ("2024-02-29", 36, "2027-02-28"),
    ("2024-10-15", 3, "2025-01-15"),
])
def test_a_period_ends_on_the_same_day_of_the_month_or_the_months_last_day(start: str, months: int, end: str):
    assert add_months(day(start), months) == day(end)


@pytest.mark.parametrize("kind", ["行政许可", "行政检查", "行政强制", "行政裁决"])
def test_permits_and_other_decisions_stay_displayed(kind: str):
    decision = {"type": kind, "outcome": {"conclusion": "准予"}, "published_on": "2024-04-15"}
    assert display_until(decision, None) == FOREVER
    assert visible(decision, day("2099-12-31"))


def test_a_decision_is_shown_from_publication_through_its_last_day():
    decision = penalty("罚款", fine=500)
    assert [visible(decision, day(d)) for d in ("2024-04-14", "2024-04-15", "2024-07-15", "2024-07-16")] == [
        False, True, True, False]


def test_a_minors_decision_is_never_shown():
    decision = {**penalty("罚款", fine=500), "party": {"kind": "自然人", "name": "张某", "minor": True}}
    assert not visible(decision, day("2024-05-01"))


def source(content: str | HtmlPage) -> str:
    return content.body if isinstance(content, HtmlPage) else content


def test_expired_decisions_are_absent_from_the_generated_lists(project: Path):
    corpus = validate(project).corpus
    # 罚款 50000 元, published 2024-04-15: on display to 2027-04-15
    last, after = pages(corpus, day("2027-04-15")), pages(corpus, day("2027-04-16"))
    for page in ("index.md", "decisions/index.md", "agencies/lsscjgj.md"):
        assert DOC_NO in source(last[page]), page
        assert DOC_NO not in source(after[page]), page

