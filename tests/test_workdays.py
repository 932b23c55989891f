"""Working days: the national calendar with 调休, the county's own days, and years nobody covers."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.checker import load_corpus, validate
from generator.workdays import Calendar, UncoveredYear, parse_date

from .conftest import REPO

day = datetime.date.fromisoformat
# Far enough ahead that no release of chinesecalendar will cover it soon.
UNCOVERED = 2035


def bundled_calendar() -> Calendar:
    corpus, _ = load_corpus(REPO)
    return Calendar.from_corpus(corpus)


def test_national_day_2026_is_a_holiday():
    assert Calendar().is_workday(day("2026-10-01")) is False


def test_the_sunday_swapped_for_national_day_2026_is_a_workday():
    assert day("2026-09-20").weekday() == 6
    assert Calendar().is_workday(day("2026-09-20")) is True


def test_an_ordinary_weekend_is_not_a_workday():
    assert Calendar().is_workday(day("2026-09-19")) is False


def test_a_local_holiday_in_data_calendar_is_not_a_workday():
    # data/calendar/2025.yaml: 壮族“三月三”, Monday 2025-03-31
    assert Calendar().is_workday(day("2025-03-31")) is True
    assert bundled_calendar().is_workday(day("2025-03-31")) is False
    assert bundled_calendar().add_workdays(day("2025-03-28"), 1) == day("2025-04-01")


def test_a_local_workday_is_a_workday():
    calendar = Calendar(workdays=[day("2026-09-19")])
    assert calendar.is_workday(day("2026-09-19")) is True


def test_a_day_listed_both_ways_is_a_holiday():
    calendar = Calendar(holidays=[day("2026-09-21")], workdays=[day("2026-09-21")])
    assert calendar.is_workday(day("2026-09-21")) is False


def test_add_workdays_skips_spring_festival_2026_and_counts_its_swapped_saturdays():
    calendar = Calendar()
    # 春节 2026-02-15..23; Saturdays 02-14 and 02-28 are working days
    assert calendar.add_workdays(day("2026-02-13"), 1) == day("2026-02-14")
    assert calendar.add_workdays(day("2026-02-13"), 2) == day("2026-02-24")
    assert calendar.add_workdays(day("2026-02-12"), 7) == day("2026-02-28")


def test_the_start_day_is_not_counted():
    calendar = Calendar()
    assert calendar.add_workdays(day("2026-03-02"), 1) == day("2026-03-03")
    assert calendar.add_workdays(day("2026-03-02"), 0) == day("2026-03-02")
    with pytest.raises(ValueError):
        calendar.add_workdays(day("2026-03-02"), -1)


def test_workdays_between_counts_the_end_day_but_not_the_start_day():
    calendar = Calendar()
    # 国庆 2026-10-01..07, Saturday 10-10 is a working day
    assert calendar.workdays_between(day("2026-09-30"), day("2026-10-10")) == 3
    assert calendar.workdays_between(day("2026-03-02"), day("2026-03-02")) == 0
    assert calendar.workdays_between(day("2026-03-03"), day("2026-03-02")) == -1
    start = day("2026-02-12")
    assert calendar.workdays_between(start, calendar.add_workdays(start, 7)) == 7


def test_an_uncovered_year_raises_naming_the_year():
    with pytest.raises(UncoveredYear) as raised:
        Calendar().is_workday(datetime.date(UNCOVERED, 3, 1))
    assert raised.value.year == UNCOVERED
    assert not Calendar().covers(UNCOVERED) and Calendar().covers(2026)


def test_years_before_the_package_data_are_uncovered_too():
    with pytest.raises(UncoveredYear):
        Calendar().is_workday(day("2003-06-02"))


def test_counting_into_an_uncovered_year_raises_and_stopping_before_it_does_not():
    calendar = Calendar()
    with pytest.raises(UncoveredYear):
        calendar.add_workdays(datetime.date(UNCOVERED - 1, 12, 30), 3)
    assert calendar.add_workdays(day("2026-12-01"), 3) == day("2026-12-04")


def test_a_calendar_file_declaring_the_national_schedule_covers_its_year(project: Path):
    (project / "data" / "calendar").mkdir()
    (project / "data" / "calendar" / f"{UNCOVERED}.yaml").write_text(
        f"year: {UNCOVERED}\n"
        "source: 国务院办公厅关于2035年部分节假日安排的通知（示例）\n"
        "national: true\n"
        "holidays:\n  - date: 2035-01-01\n    name: 元旦\n"
        "workdays:\n  - date: 2035-01-06\n    name: 调休上班\n", encoding="utf-8")
    result = validate(project)
    assert result.problems == []
    calendar = Calendar.from_corpus(result.corpus)
    assert calendar.covers(UNCOVERED)
    assert calendar.is_workday(day("2035-01-01")) is False  # listed holiday (a Monday)
    assert calendar.is_workday(day("2035-01-02")) is True  # ordinary Tuesday
    assert calendar.is_workday(day("2035-01-06")) is True  # listed Saturday workday
    assert calendar.is_workday(day("2035-01-07")) is False  # ordinary Sunday


def test_a_calendar_file_of_local_days_only_does_not_cover_its_year(project: Path):
    (project / "data" / "calendar").mkdir()
    (project / "data" / "calendar" / f"{UNCOVERED}.yaml").write_text(
        f"year: {UNCOVERED}\nsource: 县政府通知（示例）\n"
        "holidays:\n  - date: 2035-04-10\n    name: 壮族“三月三”\n", encoding="utf-8")
    calendar = Calendar.from_corpus(validate(project).corpus)
    assert calendar.is_workday(day("2035-04-10")) is False  # the listed day is still known
    with pytest.raises(UncoveredYear):
        calendar.is_workday(day("2035-04-11"))


@pytest.mark.parametrize("value, expected", [
    ("2024-02-29", datetime.date(2024, 2, 29)),
    ("2023-02-29", None),
    ("20240229", None),
    ("2024-2-9", None),
    (20240229, None),
    (None, None),
])
def test_only_well_formed_dates_from_the_data_are_read(value, expected):
    assert parse_date(value) == expected


def test_a_missed_deadline_is_named_and_one_met_is_not():
    calendar = Calendar()
    # 7 working days after 2026-09-30: 国庆 10-01..07 off, Saturday 10-10 a 调休 workday → 10-15
    assert calendar.missed_deadline(day("2026-09-30"), day("2026-10-15"), 7) is None
    assert calendar.missed_deadline(day("2026-09-30"), day("2026-10-16"), 7) == day("2026-10-15")


def test_a_deadline_met_within_n_calendar_days_needs_no_calendar():
    assert Calendar().missed_deadline(day("2035-03-02"), day("2035-03-05"), 7) is None
    with pytest.raises(UncoveredYear):
        Calendar().missed_deadline(day("2035-03-02"), day("2035-04-30"), 7)
