"""Working days (工作日) for deadline rules: the national calendar with 调休, plus local days.

The national schedule comes from the maintained ``chinese_calendar`` package (the State
Council's yearly 调休 notices; 《全国年节及纪念日放假办法》). ``data/calendar/<year>.yaml`` adds
the county's own days on top (第四条: an autonomous county may set holidays for its ethnic
festivals): a listed holiday is never a working day, a listed workday always is.

A year the package does not cover is an `UncoveredYear`, never a guess: a weekend-only
calendar would put 国庆 and 春节 inside every deadline. A calendar file that says
``national: true`` declares that its lists are the State Council's complete notice for that
year, which covers the year until the package catches up.

Dates are judged one at a time, so a deadline that ends before an uncovered year never
needs it.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

import chinese_calendar

_DAY = datetime.timedelta(days=1)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class UncoveredYear(Exception):
    """Raised by `Calendar` for a day in a year with no national schedule; rules report it as an error."""

    def __init__(self, year: int):
        super().__init__(f"no national holiday schedule for {year}")
        self.year = year


def parse_date(value: Any) -> datetime.date | None:
    """A ``YYYY-MM-DD`` string from the data as a date; None for anything else (the schema reports it)."""
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class Calendar:
    """Which days are working days: the national schedule, then the county's overrides."""

    def __init__(self, holidays: Iterable[datetime.date] = (), workdays: Iterable[datetime.date] = (),
                 national_years: Iterable[int] = ()):
        self.holidays = frozenset(holidays)
        # A day listed both ways counts as a holiday: a deadline is never shortened by doubt.
        self.workdays = frozenset(workdays) - self.holidays
        self.national_years = frozenset(national_years)
        self._library_years: dict[int, bool] = {}

    @classmethod
    def from_corpus(cls, corpus: Any) -> Calendar:
        """The calendar of the project: every ``data/calendar/<year>.yaml`` that loaded."""
        holidays: list[datetime.date] = []
        workdays: list[datetime.date] = []
        national: list[int] = []
        for document in corpus.of("calendar"):
            holidays += _days(document.get("holidays"))
            workdays += _days(document.get("workdays"))
            year = document.get("year")
            if document.get("national") is True and isinstance(year, int) and str(year) == document.placement.stem:
                national.append(year)
        return cls(holidays, workdays, national)

    def covers(self, year: int) -> bool:
        """Whether the national schedule of `year` is known (from the package or a national file)."""
        return year in self.national_years or self._library_covers(year)

    def _library_covers(self, year: int) -> bool:
        if year not in self._library_years:
            try:
                chinese_calendar.is_workday(datetime.date(year, 1, 1))
                self._library_years[year] = True
            except NotImplementedError:
                self._library_years[year] = False
        return self._library_years[year]

    def is_workday(self, day: datetime.date) -> bool:
        """Whether `day` is a working day; raises `UncoveredYear` if its year is not covered."""
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        if self._library_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.national_years:
            # The file lists every holiday and 调休 workday of the year; the rest follow the week.
            return day.weekday() < 5
        raise UncoveredYear(day.year)

    def add_workdays(self, day: datetime.date, n: int) -> datetime.date:
        """The `n`-th working day after `day` (`day` itself is not counted; ``n == 0`` gives `day`)."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        while n:
            day += _DAY
            if self.is_workday(day):
                n -= 1
        return day

    def missed_deadline(self, start: datetime.date, done: datetime.date, n: int) -> datetime.date | None:
        """The deadline `n` working days after `start` if `done` came after it, else None.

        Raises `UncoveredYear` only when the answer needs such a year: the n-th working day is
        never earlier than n calendar days later, so anything done by then is on time.
        """
        if done <= start + datetime.timedelta(days=n):
            return None
        deadline = self.add_workdays(start, n)
        return deadline if done > deadline else None

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += _DAY
            count += self.is_workday(day)
        return count


def _days(values: Any) -> list[datetime.date]:
    if not isinstance(values, list):
        return []
    days = (parse_date(value.get("date")) for value in values if isinstance(value, dict))
    return [day for day in days if day is not None]


def uncovered_advice(year: int) -> str:
    """What to add so that dates in `year` can be judged (for the rules' messages)."""
    return (f"程序内置的国家日历（chinesecalendar）没有 {year} 年的放假安排，无法判断哪些日子是工作日。"
            f"请新增 data/calendar/{year}.yaml，写 year: {year} 和 national: true，并按国务院办公厅 {year} 年"
            "部分节假日安排的通知列出全部放假日（holidays）和调休上班日（workdays），source 写该通知的文号；"
            "或者请平台管理员升级 chinesecalendar。")
