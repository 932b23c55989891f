"""`portal codeowners`: every body's folder is reviewed by its own reviewers, everything
else by the platform team, and CI notices when the committed file no longer matches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.codeowners import CODEOWNERS_PATH, DEFAULT_PLATFORM_TEAM, PLATFORM_PATHS, generate

from .conftest import REPO

AGENCY = "data/agencies/lsscjgj/agency.yaml"
PLATFORM = DEFAULT_PLATFORM_TEAM


def owners_of(codeowners: str, path: str) -> list[str]:
    """The owners GitHub assigns to `path`: the last matching line wins.

    Covers the patterns the generator writes: ``*``, ``/folder/`` and ``/file``.
    """
    owners: list[str] = []
    for line in codeowners.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *names = line.split()
        anchored = pattern.lstrip("/")
        if pattern == "*" or path == anchored or path.startswith(anchored.rstrip("/") + "/"):
            owners = names
    return owners


def written(project: Path) -> str:
    return (project / CODEOWNERS_PATH).read_text(encoding="utf-8")


def test_the_committed_codeowners_matches_the_data(cli):
    assert cli("codeowners", "--check", "--root", str(REPO)) == (0, f"{CODEOWNERS_PATH} 与各主体的审核人一致。\n", "")


def test_writing_then_checking_passes(cli, project: Path):
    assert cli("codeowners", "--root", str(project)) == (0, f"已写入 {CODEOWNERS_PATH}（2 个执法主体文件夹）。\n", "")
    assert cli("codeowners", "--check", "--root", str(project))[0] == 0


def test_a_changed_reviewer_makes_the_committed_file_stale(cli, project: Path):
    cli("codeowners", "--root", str(project))
    before = written(project)
    agency = project / AGENCY
    agency.write_text(agency.read_text(encoding="utf-8").replace(
        '["@lianshan-gov/lsscjgj"]', '["@lianshan-gov/lsscjgj", "@zhangsan"]'), encoding="utf-8")
    code, out, err = cli("codeowners", "--check", "--root", str(project))
    assert (code, err) == (1, f"{CODEOWNERS_PATH} 已过期，与 data/ 中的审核人不一致。"
                              "请运行 portal codeowners 重新生成，并把它和数据修改一起提交。\n")
    assert "-/data/agencies/lsscjgj/ @lianshan-gov/lsscjgj\n" in out
    assert "+/data/agencies/lsscjgj/ @lianshan-gov/lsscjgj @zhangsan\n" in out
    assert written(project) == before  # --check never writes


def test_a_missing_file_fails_the_check(cli, project: Path):
    code, _, err = cli("codeowners", "--check", "--root", str(project))
    assert (code, err) == (1, f"{CODEOWNERS_PATH} 不存在。请运行 portal codeowners 重新生成，并把它和数据修改一起提交。\n")


def test_a_windows_checkout_with_crlf_is_not_stale(cli, project: Path):
    cli("codeowners", "--root", str(project))
    path = project / CODEOWNERS_PATH
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("codeowners", "--check", "--root", str(project))[0] == 0


def test_a_body_without_reviewers_falls_back_to_the_platform_team_and_says_so(cli, project: Path):
    # tests/data/valid: jitian's agency.yaml has no reviewers
    cli("codeowners", "--root", str(project))
    lines = written(project).splitlines()
    index = lines.index(f"/data/agencies/jitian/ {PLATFORM}")
    assert lines[index - 1] == "# jitian：agency.yaml 没有填写 reviewers，暂由平台团队审核。"


def test_an_empty_reviewers_list_also_falls_back(project: Path):
    agency = project / AGENCY
    agency.write_text(agency.read_text(encoding="utf-8").replace('["@lianshan-gov/lsscjgj"]', "[]"), encoding="utf-8")
    assert f"/data/agencies/lsscjgj/ {PLATFORM}" in generate(project).text


def test_a_folder_without_agency_yaml_is_owned_by_the_platform_team(project: Path):
    (project / "data/agencies/newtown/decisions/2024").mkdir(parents=True)
    text = generate(project).text
    assert f"# newtown：缺少 agency.yaml，暂由平台团队审核。\n/data/agencies/newtown/ {PLATFORM}\n" in text


def test_the_platform_team_comes_from_site_yaml(project: Path):
    site = project / "data/site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + 'platform_team: "@lianshan-gov/ops"\n', encoding="utf-8")
    text = generate(project).text
    assert owners_of(text, "schemas/decision.schema.json") == ["@lianshan-gov/ops"]
    assert owners_of(text, "data/agencies/jitian/agency.yaml") == ["@lianshan-gov/ops"]
    assert PLATFORM not in text


def test_the_schema_default_is_the_generators_default():
    schema = json.loads((REPO / "schemas/site.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["platform_team"]["default"] == DEFAULT_PLATFORM_TEAM


def test_the_output_is_deterministic(project: Path, tmp_path: Path):
    first = generate(project).text
    # the same data, its folders created in the opposite order
    other = tmp_path / "other"
    (other / "data/agencies").mkdir(parents=True)
    shutil.copy(project / "data/site.yaml", other / "data/site.yaml")
    for folder in sorted((project / "data/agencies").iterdir(), reverse=True):
        shutil.copytree(folder, other / "data/agencies" / folder.name)
    assert generate(project).text == first == generate(other).text
    folders = [line.split()[0] for line in first.splitlines() if line.startswith("/data/agencies/")]
    assert folders == sorted(folders)


@pytest.mark.parametrize("root", [REPO, None], ids=["repository", "fixture"])
def test_every_agency_folder_is_owned_by_its_reviewers(root: Path | None, project: Path):
    from generator.loader import load_file

    root = root or project
    text = generate(root).text
    for folder in sorted((root / "data/agencies").iterdir()):
        agency = load_file(folder / "agency.yaml", "agency.yaml").data
        expected = agency.get("reviewers") or [PLATFORM]
        for inside in ("agency.yaml", "items.yaml", "decisions/2024/2024-001.yaml"):
            assert owners_of(text, f"data/agencies/{folder.name}/{inside}") == expected, (folder.name, inside)


@pytest.mark.parametrize("path", [
    "README.md", "docs/contributing.md", "data/agencies/newbody/agency.yaml",
    *(p.lstrip("/") + ("x" if p.endswith("/") else "") for p in PLATFORM_PATHS),
])
def test_platform_paths_and_anything_unlisted_belong_to_the_platform_team(path: str):
    assert owners_of(generate(REPO).text, path) == [PLATFORM]


def test_platform_rules_come_after_every_body_rule():
    # The last match wins: a body rule after a platform rule could claim a platform path.
    lines = [line for line in generate(REPO).text.splitlines() if line and not line.startswith("#")]
    bodies = [i for i, line in enumerate(lines) if line.startswith("/data/agencies/")]
    platform = [i for i, line in enumerate(lines) if line.split()[0] in PLATFORM_PATHS]
    assert lines[0] == f"* {PLATFORM}"
    assert max(bodies) < min(platform)
    assert {line.split()[0] for line in lines} >= {"/.github/", "/.github/CODEOWNERS", "/.github/workflows/",
                                                    "/schemas/", "/generator/", "/Makefile", "/pyproject.toml",
                                                    "/requirements.lock", "/data/laws/", "/data/upstream/",
                                                    "/data/site.yaml", "/data/calendar/"}


def test_a_malformed_reviewer_is_reported_at_its_line_and_nothing_is_written(cli, project: Path):
    agency = project / AGENCY
    agency.write_text(agency.read_text(encoding="utf-8").replace(
        '["@lianshan-gov/lsscjgj"]', '["lianshan-gov/lsscjgj x"]'), encoding="utf-8")
    code, out, err = cli("codeowners", "--root", str(project))
    assert (code, err) == (1, "审核人信息有误，未生成 CODEOWNERS。请按上面的提示修改后重新运行。\n")
    assert out.startswith(f"{AGENCY}:15:")
    assert "[schema-pattern] reviewers[0]" in out and "应写成 @用户名 或 @组织/团队" in out
    assert not (project / CODEOWNERS_PATH).exists()


def test_other_problems_in_agency_yaml_do_not_block_codeowners(project: Path):
    agency = project / AGENCY
    agency.write_text(agency.read_text(encoding="utf-8").replace("kind: 行政机关", "kind: 机关"), encoding="utf-8")
    assert "/data/agencies/lsscjgj/ @lianshan-gov/lsscjgj" in generate(project).text
