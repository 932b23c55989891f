"""The contributor docs and GitHub templates: valid forms, Chinese text, on the site's help menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from .conftest import REPO
from .test_workflows import load, vendored_schema

FORMS = sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))
ISSUE_FORMS = [form for form in FORMS if form.name != "config.yml"]


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_there_are_forms_for_corrections_and_feedback():
    assert sorted(load(form.read_text(encoding="utf-8"))["name"] for form in ISSUE_FORMS) == ["意见建议", "纠错"]


@pytest.mark.parametrize("form", ISSUE_FORMS, ids=lambda p: p.name)
def test_issue_form_is_valid_and_warns_about_personal_data(form: Path):
    data = load(form.read_text(encoding="utf-8"))
    assert list(Draft7Validator(vendored_schema("github-issue-forms")).iter_errors(data)) == []
    assert chinese(data["name"]) and chinese(data["description"])
    assert all(chinese(field["attributes"]["label"]) for field in data["body"] if field["type"] != "markdown")
    assert "个人信息" in data["body"][0]["attributes"]["value"]


def test_a_bad_issue_form_is_rejected():
    data = load((REPO / ".github/ISSUE_TEMPLATE/correction.yml").read_text(encoding="utf-8"))
    data["body"][1]["type"] = "text"  # not a form element type
    assert list(Draft7Validator(vendored_schema("github-issue-forms")).iter_errors(data)) != []


def test_blank_issues_are_off_and_the_config_is_valid():
    config = load((REPO / ".github/ISSUE_TEMPLATE/config.yml").read_text(encoding="utf-8"))
    assert list(Draft7Validator(vendored_schema("github-issue-config")).iter_errors(config)) == []
    assert config["blank_issues_enabled"] is False


def test_pull_request_template_is_a_chinese_checklist():
    text = (REPO / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert text.count("- [ ] ") >= 5
    for phrase in ("data/agencies/<主体>/", "个人信息", "portal validate", "portal codeowners"):
        assert phrase in text
    for page in ("docs/contributing.md", "docs/reviewing.md"):
        assert page in text and (REPO / page).is_file()


def test_the_guides_are_in_the_help_menu():
    config = load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    help_menu = next(entry["帮助"] for entry in config["nav"] if isinstance(entry, dict) and "帮助" in entry)
    pages = {title: page for entry in help_menu for title, page in entry.items()}
    assert pages["贡献指南"] == "contributing.md" and pages["审核清单"] == "reviewing.md"


def test_the_contributing_guide_covers_the_web_editor_local_and_excel():
    text = (REPO / "docs" / "contributing.md").read_text(encoding="utf-8")
    for heading in ("## 方法一：在 GitHub 网页上", "## 方法二：在自己的电脑上", "## 方法三：用 Excel"):
        assert heading in text
    for command in ("portal new decision --agency", "portal validate", "portal export xlsx --agency",
                    "--kind", "portal import xlsx", "portal codeowners", "portal diff", "make serve"):
        assert command in text


def test_the_reviewer_checklist_covers_decisions_and_prior_disclosure():
    text = (REPO / "docs" / "reviewing.md").read_text(encoding="utf-8")
    for topic in ("## 二、执法决定", "## 三、事项清单、裁量基准和执法人员", "个人信息", "CODEOWNERS", "Approve"):
        assert topic in text
