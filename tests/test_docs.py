"""The README tells a newcomer the two commands and every `portal` command."""

from __future__ import annotations

from generator.cli import main

from .conftest import REPO


def test_readme_names_the_two_setup_commands_and_every_portal_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make site" in readme and "make test" in readme
    assert [name for name in main.commands if f"portal {name}" not in readme] == []


def test_readme_documents_every_option_of_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = []
    for name, command in main.commands.items():
        for param in command.params:
            for option in getattr(param, "opts", []):
                if option.startswith("--") and option != "--help" and option not in readme:
                    missing.append(f"{name} {option}")
    assert missing == []


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_documented_json_shape_is_the_reporters():
    import json
    import re

    from generator.problems import Problem
    from generator.reporter import render

    page = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", page, re.S).group(1))
    actual = json.loads(render("json", [Problem("x", "信息", "a.yaml", 1, 1, ("f",))], 1))
    assert set(example) == set(actual)
    assert set(example["counts"]) == set(actual["counts"])
    assert set(example["problems"][0]) == set(actual["problems"][0])
