"""Editor support: VS Code maps every data file to its schema, pre-commit validates changed
files, and .editorconfig fixes encoding, line endings and indentation."""

from __future__ import annotations

import configparser
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from generator.layout import _PATTERNS, place
from generator.schemas import KIND_SCHEMAS

from .conftest import REPO, VALID

SETTINGS = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
SCHEMA_GLOBS: dict[str, list[str]] = {
    schema.removeprefix("./schemas/"): [globs] if isinstance(globs, str) else globs
    for schema, globs in SETTINGS["yaml.schemas"].items()
}


def glob_regex(glob: str) -> re.Pattern[str]:
    """The YAML language server's glob: `*` stays within one folder, `**` crosses folders."""
    parts = re.split(r"(\*\*/?|\*)", glob)
    pattern = "".join(".*" if p.startswith("**") else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(pattern)


def schemas_for(rel: str) -> list[str]:
    return [schema for schema, globs in SCHEMA_GLOBS.items() if any(glob_regex(g).fullmatch(rel) for g in globs)]


def sample_files() -> list[tuple[Path, str]]:
    """Every data file of the bundled data and of the test project, with its path from its root."""
    files = []
    for root in (REPO, VALID):
        for path in sorted((root / "data").rglob("*.yaml")):
            files.append((root, path.relative_to(root).as_posix()))
    return files


SAMPLES = sample_files()


def test_every_record_kind_is_mapped_to_its_schema():
    assert {kind for kind, _ in _PATTERNS} == set(KIND_SCHEMAS)
    assert set(SCHEMA_GLOBS) == set(KIND_SCHEMAS.values())
    for schema, globs in SCHEMA_GLOBS.items():
        assert (REPO / "schemas" / schema).is_file()
        assert globs, schema


@pytest.mark.parametrize("root, rel", SAMPLES, ids=[f"{r.name}:{rel}" for r, rel in SAMPLES])
def test_each_sample_file_gets_exactly_the_schema_of_its_kind(root: Path, rel: str):
    placement = place(rel.removeprefix("data/"), rel)
    assert placement is not None
    assert schemas_for(rel) == [KIND_SCHEMAS[placement.kind]]


def test_every_pattern_matches_a_sample_file():
    unused = [(schema, glob) for schema, globs in SCHEMA_GLOBS.items() for glob in globs
              if not any(glob_regex(glob).fullmatch(rel) for _, rel in SAMPLES)]
    assert unused == []


@pytest.mark.parametrize("rel", [
    "data/agencies/x/decisions/2024-001.yaml",  # no year folder: not a decision
    "data/agencies/x/notes.yaml",
    "docs/about.md",
])
def test_files_outside_the_layout_get_no_schema(rel: str):
    assert schemas_for(rel) == []


def test_the_yaml_extension_is_recommended_and_nothing_is_fetched():
    extensions = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    assert SETTINGS["yaml.schemaStore.enable"] is False  # SchemaStore is downloaded from the internet


# --- pre-commit ----------------------------------------------------------------------------

PRE_COMMIT = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
HOOKS = {hook["id"]: hook for repo in PRE_COMMIT["repos"] for hook in repo["hooks"]}


def test_pre_commit_uses_only_local_system_hooks():
    assert [repo["repo"] for repo in PRE_COMMIT["repos"]] == ["local"]
    assert {hook["language"] for hook in HOOKS.values()} == {"system"}


def test_the_validate_hook_runs_portal_validate_on_the_changed_data_files(cli, project: Path):
    hook = HOOKS["portal-validate"]
    program, *args = shlex.split(hook["entry"])
    assert (program, args) == (".venv/bin/portal", ["validate"])
    assert hook.get("pass_filenames", True) is True
    changed = ["data/site.yaml", "data/agencies/lsscjgj/items.yaml", "docs/about.md", "generator/cli.py"]
    selected = [rel for rel in changed if re.search(hook["files"], rel)]
    assert selected == changed[:2]
    # what pre-commit then runs, from the project root
    paths = [str(project / rel) for rel in selected]
    assert cli(*args, "--root", str(project), *paths) == (0, "共检查 2 个文件：全部通过。\n", "")


def test_the_codeowners_hook_runs_when_reviewers_may_change():
    hook = HOOKS["portal-codeowners"]
    assert shlex.split(hook["entry"]) == [".venv/bin/portal", "codeowners", "--check"]
    assert hook["pass_filenames"] is False
    runs_for = [rel for rel in ("data/agencies/lsscjgj/agency.yaml", "data/site.yaml", ".github/CODEOWNERS",
                                "data/agencies/lsscjgj/items.yaml") if re.search(hook["files"], rel)]
    assert runs_for == ["data/agencies/lsscjgj/agency.yaml", "data/site.yaml", ".github/CODEOWNERS"]


# --- .editorconfig --------------------------------------------------------------------------

def test_editorconfig_fixes_utf8_lf_final_newline_and_two_space_yaml():
    parser = configparser.ConfigParser()
    text = (REPO / ".editorconfig").read_text(encoding="utf-8")
    parser.read_string("[root]\n" + text)  # the leading `root = true` has no section
    assert parser["root"]["root"] == "true"
    assert {key: parser["*"][key] for key in ("charset", "end_of_line", "insert_final_newline")} == {
        "charset": "utf-8", "end_of_line": "lf", "insert_final_newline": "true"}
    assert parser["*.{yaml,yml}"]["indent_size"] == "2"
    assert parser.get("*.{yaml,yml}", "indent_style", fallback=parser["*"]["indent_style"]) == "space"
