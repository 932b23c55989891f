"""The GitHub workflows: valid against GitHub's workflow schema, and hardened.

The schema is the one check-jsonschema vendors (SchemaStore's), read from the installed
package, so nothing is downloaded. Each hardening check is a function returning problems;
every workflow must have none, and each check is shown to catch a workflow that breaks it.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

import pytest
import yaml
from jsonschema import Draft7Validator

from .conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
CI = REPO / ".github" / "workflows" / "ci.yml"


def vendored_schema(name: str) -> dict:
    """A schema check-jsonschema ships in check_jsonschema/builtin_schemas/vendor/."""
    path = files("check_jsonschema.builtin_schemas.vendor") / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


class Yaml12Loader(yaml.SafeLoader):
    """YAML as GitHub reads it: only true/false are booleans, so `on:` stays the key "on"
    (PyYAML follows YAML 1.1, where on/off/yes/no are booleans too)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def load(text: str) -> Any:
    return yaml.load(text, Loader=Yaml12Loader)  # noqa: S506 - a SafeLoader subclass


# --- checks: each returns a list of problems (empty: fine) ---------------------------------

SHA_PIN = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*[\"']?(?P<ref>[^\s\"'#]+)[\"']?\s*(?:#\s*(?P<comment>.*?))?\s*$")
VERSION = re.compile(r"v\d+\.\d+\.\d+")


def schema_problems(text: str) -> list[str]:
    validator = Draft7Validator(vendored_schema("github-workflows"))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(load(text))]


def _steps(workflow: dict) -> Iterator[dict]:
    for job in (workflow.get("jobs") or {}).values():
        yield from (job.get("steps") or [])


def _uses(workflow: dict) -> list[str]:
    refs = [step["uses"] for step in _steps(workflow) if "uses" in step]
    refs += [job["uses"] for job in (workflow.get("jobs") or {}).values() if "uses" in job]  # reusable workflows
    return refs


def pin_problems(text: str) -> list[str]:
    problems = []
    lines = {}
    for line in text.splitlines():
        match = USES_LINE.match(line)
        if match:
            lines[match["ref"]] = match["comment"] or ""
    for ref in _uses(load(text)):
        if ref.startswith("./"):
            continue  # an action or workflow in this repository, reviewed with it
        if not SHA_PIN.fullmatch(ref):
            problems.append(f"{ref}：没有固定到 40 位提交 SHA")
        if ref not in lines:
            problems.append(f"{ref}：uses 应单独写一行（版本注释才能核对）")
        elif not VERSION.fullmatch(lines[ref]):
            problems.append(f"{ref}：缺少版本注释（# vX.Y.Z）")
    return problems


#: The only write permissions a workflow job may hold, each for the one task that needs it;
#: every other job reads or holds nothing. Jobs listed here run no project code.
WRITE_GRANTS: dict[tuple[str, str], dict[str, str]] = {
    ("release.yml", "attest"): {"id-token": "write", "attestations": "write"},  # sign, record the attestation
    ("release.yml", "publish"): {"contents": "write"},  # attach the archive to the GitHub release
    ("release.yml", "deploy"): {"pages": "write", "id-token": "write"},  # deploy to GitHub Pages
}


def permission_problems(text: str, workflow_file: str = "") -> list[str]:
    """`workflow_file` is the workflow's file name, for the writes WRITE_GRANTS allows its jobs."""
    workflow = load(text)
    if "permissions" not in workflow:
        return ["顶层没有写 permissions"]
    problems = []
    top = workflow["permissions"]
    if top not in ({}, {"contents": "read"}):
        problems.append(f"顶层 permissions 应为 {{}} 或 contents: read，实际是 {top!r}")
    for name, job in (workflow.get("jobs") or {}).items():
        granted = job.get("permissions", top)
        if top == {} and "permissions" not in job:
            problems.append(f"{name}：顶层 permissions 为 {{}} 时，作业应写明自己的 permissions")
        allowed = WRITE_GRANTS.get((workflow_file, name), {})
        if not isinstance(granted, dict) or any(value != "read" and allowed.get(key) != value
                                                for key, value in granted.items()):
            problems.append(f"{name}：只能授予读权限，实际是 {granted!r}")
    return problems


def trigger_problems(text: str) -> list[str]:
    triggers = load(text).get("on")
    names = [triggers] if isinstance(triggers, str) else list(triggers or [])
    return ["不能使用 pull_request_target（它以基础分支的权限运行拉取请求的代码）"] if "pull_request_target" in names else []


def checkout_problems(text: str) -> list[str]:
    return [f"{step['uses']}：应设 persist-credentials: false"
            for step in _steps(load(text))
            if str(step.get("uses", "")).startswith("actions/checkout@")
            and (step.get("with") or {}).get("persist-credentials") is not False]


def concurrency_problems(text: str) -> list[str]:
    concurrency = load(text).get("concurrency")
    if not isinstance(concurrency, dict) or not concurrency.get("group"):
        return ["缺少 concurrency.group"]
    if concurrency.get("cancel-in-progress") is not True:
        return ["concurrency 应设 cancel-in-progress: true，取消被新提交取代的运行"]
    return []


def injection_problems(text: str) -> list[str]:
    return [f"{step.get('name', step['run'])}：run 中不能直接写 ${{{{ }}}}，请经 env: 传入"
            for step in _steps(load(text)) if "run" in step and "${{" in step["run"]]


CHECKS: dict[str, Callable[[str], list[str]]] = {
    "schema": schema_problems,
    "pins": pin_problems,
    "permissions": permission_problems,
    "triggers": trigger_problems,
    "checkout": checkout_problems,
    "concurrency": concurrency_problems,
    "injection": injection_problems,
}


# --- every workflow passes every check -----------------------------------------------------

def test_there_is_a_workflow():
    assert CI in WORKFLOWS


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes(workflow: Path, check: str):
    text = workflow.read_text(encoding="utf-8")
    problems = permission_problems(text, workflow.name) if check == "permissions" else CHECKS[check](text)
    assert problems == []


def test_each_action_has_one_pin_everywhere():
    pins: dict[str, set[str]] = {}
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            match = USES_LINE.match(line)
            if match and "@" in match["ref"]:
                action, sha = match["ref"].split("@")
                pins.setdefault(action, set()).add(f"{sha} {match['comment']}")
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


def test_dependabot_config_is_valid():
    config = load((REPO / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert list(Draft7Validator(vendored_schema("dependabot")).iter_errors(config)) == []


# --- what CI runs -----------------------------------------------------------------------

def _run_lines() -> list[str]:
    return [step["run"] for step in _steps(load(CI.read_text(encoding="utf-8"))) if "run" in step]


def test_ci_runs_the_local_make_targets_and_the_portal_gates():
    runs = "\n".join(_run_lines())
    for command in ("make test", "make site", ".venv/bin/portal validate --format github",
                    ".venv/bin/portal codeowners --check", '.venv/bin/portal diff "origin/${BASE_REF}" HEAD'):
        assert command in runs
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert all(f"\n{target}:" in makefile for target in ("test", "site", ".venv-ready"))


def test_ci_uploads_the_site_and_writes_the_diff_to_the_job_summary():
    workflow = load(CI.read_text(encoding="utf-8"))
    steps = list(_steps(workflow))
    upload = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert sorted(s["with"]["path"] for s in upload) == ["site/", "test-artifacts/"]
    tests = next(s for s in steps if s.get("run") == "make test")
    assert tests["env"]["PORTAL_CHROMIUM"]  # the runner's system browser, never a downloaded one
    summary = next(s for s in steps if "portal diff" in s.get("run", ""))
    assert summary["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    assert summary["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert "pull_request" in summary["if"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch must be there to compare with


# --- each check catches a workflow that breaks it ----------------------------------------

GOOD = CI.read_text(encoding="utf-8") if CI.exists() else ""
CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"


@pytest.mark.parametrize("check, old, new, expected", [
    pytest.param("schema", "runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04", "jobs/check",
                 id="schema-misspelled-key"),
    pytest.param("schema", "timeout-minutes: 30", "timeout-minutes: [30]", "jobs/check",
                 id="schema-wrong-type"),
    pytest.param("pins", CHECKOUT, "actions/checkout@v4 # v4.2.2", "没有固定到 40 位提交 SHA",
                 id="pin-tag"),
    pytest.param("pins", CHECKOUT, "actions/checkout@11bd719 # v4.2.2", "没有固定到 40 位提交 SHA",
                 id="pin-short-sha"),
    pytest.param("pins", CHECKOUT, CHECKOUT.split(" #")[0], "缺少版本注释", id="pin-no-comment"),
    pytest.param("pins", CHECKOUT, CHECKOUT.replace("v4.2.2", "v4"), "缺少版本注释", id="pin-vague-comment"),
    pytest.param("permissions", "permissions: {}\n", "", "顶层没有写 permissions", id="permissions-missing"),
    pytest.param("permissions", "permissions: {}\n", "permissions: write-all\n", "顶层 permissions 应为",
                 id="permissions-write-all"),
    pytest.param("permissions", "      contents: read", "      contents: write", "只能授予读权限",
                 id="permissions-job-write"),
    pytest.param("permissions", "    permissions:\n      contents: read\n", "", "作业应写明自己的 permissions",
                 id="permissions-job-missing"),
    pytest.param("triggers", "  pull_request:\n", "  pull_request_target:\n", "不能使用 pull_request_target",
                 id="pull-request-target"),
    pytest.param("checkout", "persist-credentials: false", "persist-credentials: true", "persist-credentials",
                 id="persist-credentials-true"),
    pytest.param("checkout", "          persist-credentials: false\n", "", "persist-credentials",
                 id="persist-credentials-missing"),
    pytest.param("concurrency", "cancel-in-progress: true", "cancel-in-progress: false", "cancel-in-progress",
                 id="no-cancel-in-progress"),
    pytest.param("concurrency", "concurrency:\n", "x-concurrency:\n", "缺少 concurrency.group",
                 id="no-concurrency"),
    pytest.param("injection", '"origin/${BASE_REF}"', '"origin/${{ github.base_ref }}"', "经 env: 传入",
                 id="template-injection"),
])
def test_a_bad_workflow_is_caught(check: str, old: str, new: str, expected: str):
    assert old in GOOD
    bad = GOOD.replace(old, new, 1)
    problems = CHECKS[check](bad)
    assert any(expected in problem for problem in problems), problems


# --- the release workflow -------------------------------------------------------------------

RELEASE = REPO / ".github" / "workflows" / "release.yml"


def test_the_release_workflow_snapshots_verifies_attests_releases_and_deploys():
    workflow = load(RELEASE.read_text(encoding="utf-8"))
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    assert {job: jobs[job].get("needs") for job in jobs} == {
        "snapshot": None, "attest": "snapshot", "publish": ["snapshot", "attest"], "deploy": ["snapshot", "publish"]}
    runs = "\n".join(step.get("run", "") for step in jobs["snapshot"]["steps"])
    for command in ("make .venv-ready", ".venv/bin/portal snapshot --out dist", ".venv/bin/portal verify dist/*.tar.gz"):
        assert command in runs
    checkout = next(s for s in jobs["snapshot"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the previous release's tag, for the changelog
    uses = {step["uses"].split("@")[0]: step.get("with", {}) for job in jobs.values() for step in job["steps"]
            if "uses" in step}
    assert uses["actions/attest-build-provenance"] == {"subject-path": "dist/*.tar.gz"}
    assert uses["actions/upload-pages-artifact"] == {"path": "pages/"}  # the site taken out of the archive
    assert "actions/deploy-pages" in uses and jobs["deploy"]["environment"]["name"] == "github-pages"
    publish = "\n".join(step.get("run", "") for step in jobs["publish"]["steps"])
    assert "gh release create" in publish and "--clobber" not in publish  # a published archive is never replaced
    # every write grant the release needs is listed, and used by the job it is listed for
    assert {job: jobs[job]["permissions"] for job in jobs if (RELEASE.name, job) in WRITE_GRANTS} == {
        job: {**grants, **({"contents": "read"} if job == "attest" else {})}
        for (file, job), grants in WRITE_GRANTS.items() if file == RELEASE.name}


@pytest.mark.parametrize("old, new", [
    pytest.param("    permissions:\n      contents: read\n    steps:", "    permissions:\n      contents: write\n    steps:",
                 id="the-building-job-writes"),
    pytest.param("      contents: read\n      id-token: write", "      contents: write\n      id-token: write",
                 id="the-signing-job-writes-contents"),
])
def test_a_write_grant_that_is_not_listed_is_caught(old: str, new: str):
    text = RELEASE.read_text(encoding="utf-8")
    assert old in text
    problems = permission_problems(text.replace(old, new, 1), RELEASE.name)
    assert any("只能授予读权限" in problem for problem in problems), problems


def test_the_listed_write_grants_hold_only_in_their_own_workflow():
    problems = permission_problems(RELEASE.read_text(encoding="utf-8"), "ci.yml")
    assert sorted(problem.split("：")[0] for problem in problems) == ["attest", "deploy", "publish"]
