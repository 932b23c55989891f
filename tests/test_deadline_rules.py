"""The deadline and display-period rules on the minimal project, one changed field at a time."""

from __future__ import annotations

from pathlib import Path

from generator.checker import validate

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
CODES = {"published-before-decided", "late-publication", "calendar-not-covered", "withdrawn-before-change",
         "late-withdrawal", "display-until-mismatch"}
WITHDRAWAL = ("withdrawal:\n  changed_on: {changed}\n  date: {date}\n  reason: 原决定被行政复议决定撤销。\n"
              "  document: 行政复议决定书（示例）\n")


def check(project: Path, replace: dict[str, str] | None = None, append: str = "",
          calendar: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """Validate after replacing top-level ``key: value`` lines of the decision; our rules' problems."""
    path = project / DECISION
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key = line.split(":", 1)[0]
        lines.append(f"{key}: {replace[key]}" if replace and key in replace and not line.startswith(" ") else line)
    path.write_text("\n".join(lines) + "\n" + append, encoding="utf-8")
    for year, text in (calendar or {}).items():
        (project / "data" / "calendar").mkdir(exist_ok=True)
        (project / "data" / "calendar" / f"{year}.yaml").write_text(text, encoding="utf-8")
    return [(p.code, p.severity.value, p.message) for p in validate(project).problems if p.code in CODES]


def codes(problems: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return [(code, severity) for code, severity, _ in problems]


# publication: 7 working days for 行政许可 / 行政处罚, 20 for the rest

def test_a_penalty_published_on_the_seventh_working_day_is_on_time(project: Path):
    assert check(project, {"published_on": "2024-04-19"}) == []


def test_a_penalty_published_after_seven_working_days_is_a_warning_naming_the_deadline(project: Path):
    problems = check(project, {"published_on": "2024-04-22"})
    assert codes(problems) == [("late-publication", "warning")]
    assert "期限是 2024-04-19" in problems[0][2] and "7 个工作日" in problems[0][2]


def test_a_local_holiday_moves_the_publication_deadline(project: Path):
    local = "year: 2024\nsource: 县政府通知（示例）\nholidays:\n  - date: 2024-04-12\n    name: 本地节日（示例）\n"
    assert check(project, {"published_on": "2024-04-22"}, calendar={"2024": local}) == []


def test_other_decisions_have_twenty_working_days(project: Path):
    # 2024-04-10 + 20 working days = 2024-05-10 (劳动节 2024-05-01..05; Sunday 04-28 worked)
    assert check(project, {"type": "行政检查", "published_on": "2024-05-10"}) == []
    problems = check(project, {"type": "行政检查", "published_on": "2024-05-11"})
    assert codes(problems) == [("late-publication", "warning")]
    assert "期限是 2024-05-10" in problems[0][2] and "20 个工作日" in problems[0][2]


def test_publishing_before_the_decision_is_an_error(project: Path):
    assert codes(check(project, {"published_on": "2024-04-09"})) == [("published-before-decided", "error")]


def test_decisions_before_guidance_118_are_not_checked_for_lateness(project: Path):
    assert check(project, {"decided_on": "2018-12-03", "published_on": "2019-03-01"}) == []


def test_a_late_publication_in_an_uncovered_year_is_judged_from_the_covered_deadline(project: Path):
    problems = check(project, {"published_on": "2035-01-02"})
    assert codes(problems) == [("late-publication", "warning")]


# withdrawal: 3 working days after the change, for penalties

def test_a_withdrawal_on_the_third_working_day_is_on_time(project: Path):
    # Friday 2024-09-20 → Wednesday 09-25
    withdrawal = WITHDRAWAL.format(changed="2024-09-20", date="2024-09-25")
    assert check(project, {"status": "已撤回"}, withdrawal) == []


def test_a_late_withdrawal_is_a_warning_naming_the_deadline(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2024-09-20", date="2024-09-26")
    problems = check(project, {"status": "已撤回"}, withdrawal)
    assert codes(problems) == [("late-withdrawal", "warning")]
    assert "期限是 2024-09-25" in problems[0][2]


def test_withdrawing_before_the_change_is_an_error(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2024-09-20", date="2024-09-18")
    assert codes(check(project, {"status": "已撤回"}, withdrawal)) == [("withdrawn-before-change", "error")]


def test_the_three_day_limit_applies_to_penalties_only(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2024-09-20", date="2024-10-30")
    assert check(project, {"type": "行政检查", "status": "已撤回"}, withdrawal) == []


def test_the_three_day_limit_applies_from_the_2021_revision(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2021-07-14", date="2021-08-30")
    assert check(project, {"status": "已撤回"}, withdrawal) == []


def test_a_withdrawal_in_an_uncovered_year_is_an_error_naming_the_year_and_the_file_to_add(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2035-06-04", date="2035-06-11")
    problems = check(project, {"status": "已撤回"}, withdrawal)
    assert codes(problems) == [("calendar-not-covered", "error")]
    assert "2035 年" in problems[0][2] and "data/calendar/2035.yaml" in problems[0][2]
    assert "national: true" in problems[0][2]


NATIONAL_2035 = ("year: 2035\nsource: 国务院办公厅关于2035年部分节假日安排的通知（示例）\nnational: true\n"
                 "holidays:\n  - date: 2035-06-05\n    name: 示例节日\n")


def test_a_national_calendar_file_lets_an_uncovered_year_be_judged(project: Path):
    # Monday 06-04; Tuesday 06-05 is a holiday: the third working day is Friday 06-08
    on_time = WITHDRAWAL.format(changed="2035-06-04", date="2035-06-08")
    assert check(project, {"status": "已撤回"}, on_time, calendar={"2035": NATIONAL_2035}) == []


def test_a_national_calendar_file_gives_the_deadline_in_an_uncovered_year(project: Path):
    late = WITHDRAWAL.format(changed="2035-06-04", date="2035-06-11")
    problems = check(project, {"status": "已撤回"}, late, calendar={"2035": NATIONAL_2035})
    assert codes(problems) == [("late-withdrawal", "warning")] and "期限是 2035-06-08" in problems[0][2]


def test_a_withdrawal_within_three_calendar_days_needs_no_calendar(project: Path):
    withdrawal = WITHDRAWAL.format(changed="2035-06-04", date="2035-06-07")
    assert check(project, {"status": "已撤回"}, withdrawal) == []


# display_until must be the legal display period

def test_the_legal_display_until_may_be_written(project: Path):
    assert check(project, append="display_until: 2027-04-15\n") == []


def test_a_shorter_display_until_is_an_error_with_both_dates(project: Path):
    problems = check(project, append="display_until: 2024-07-15\n")
    assert codes(problems) == [("display-until-mismatch", "error")]
    assert "2024-07-15" in problems[0][2] and "2027-04-15" in problems[0][2]


def test_a_longer_display_until_is_an_error_too(project: Path):
    assert codes(check(project, append="display_until: 2028-04-15\n")) == [("display-until-mismatch", "error")]


def test_a_permit_has_no_display_until(project: Path):
    problems = check(project, {"type": "行政许可"}, "display_until: 2027-04-15\n")
    assert codes(problems) == [("display-until-mismatch", "error")]
    assert "行政许可" in problems[0][2] and "删除" in problems[0][2]


def test_a_raised_small_fine_limit_in_site_yaml_shortens_the_period(project: Path):
    site = project / "data" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "low_fine_limit: 50000\n", encoding="utf-8")
    assert check(project, append="display_until: 2024-07-15\n") == []
