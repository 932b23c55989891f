"""`.github/CODEOWNERS` from the data: each body's folder is reviewed by its own reviewers.

GitHub reads CODEOWNERS top to bottom and the *last* matching pattern wins, so the file is
written in three parts:

1. the catch-all ``*`` for the platform team, first, so that anything not named below (a
   new body's folder, docs, tests) needs the platform team;
2. one line per folder under ``data/agencies/``, owned by the ``reviewers`` of its
   ``agency.yaml`` (the platform team when there are none, with a comment saying so);
3. the platform paths, last, so that no body rule can ever claim the rules, the code, CI,
   the shared data or CODEOWNERS itself.

The file is generated, never edited. A body changes its reviewers in its own agency.yaml;
CI runs ``portal codeowners --check``, so the change cannot merge without the regenerated
CODEOWNERS, which (being under ``.github/``) only the platform team can approve.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from . import loader
from .checker import locate_all
from .problems import Problem, sort_problems
from .schemas import SchemaSet, coerce, iter_schema_problems

CODEOWNERS_PATH = ".github/CODEOWNERS"
#: Used when data/site.yaml has no platform_team; the schema's "default" says the same.
DEFAULT_PLATFORM_TEAM = "@lianshan-gov/platform"

#: Paths the platform team owns whatever else matches (written last, so they win). Some are
#: already inside another entry; they are listed so that a reader finds each one by name.
PLATFORM_PATHS = (
    "/.github/",
    "/.github/workflows/",
    "/.github/CODEOWNERS",
    "/.ci/",
    "/schemas/",
    "/generator/",
    "/tests/",
    "/Makefile",
    "/pyproject.toml",
    "/requirements.lock",
    "/build-requirements.in",
    "/mkdocs.yml",  # its hooks run Python during the build
    "/.pre-commit-config.yaml",  # its hooks run on reviewers' machines
    "/.vscode/",
    "/data/site.yaml",
    "/data/laws/",
    "/data/upstream/",
    "/data/calendar/",
    "/data/pii-allowlist.yaml",  # an entry lets a value past the personal-data gate
    "/data/releases.yaml",  # the digests that anchor the archives' hash chain
)

# Folder names that are safe to write as a CODEOWNERS path (the layout's agency id). Any
# other folder is not data (layout.py reports its files) and stays with the catch-all.
_FOLDER = re.compile(r"[a-z0-9][a-z0-9-]*")

_HEADER = """\
# 本文件由 `portal codeowners` 根据 data/agencies/*/agency.yaml 中的 reviewers 生成，请勿手工修改。
# 修改审核人：编辑本主体 agency.yaml 的 reviewers，运行 `portal codeowners`，连同本文件一起提交。
# CI 运行 `portal codeowners --check`：本文件与数据不一致时不能合并。
# GitHub 按“最后一条匹配的规则”确定审核人：平台团队的兜底规则在最前，
# 各执法主体的文件夹居中，平台文件在最后（任何主体的规则都不能覆盖）。
"""


@dataclass(frozen=True)
class Body:
    """One folder under data/agencies/ and who reviews it."""

    folder: str
    owners: tuple[str, ...]
    #: why the platform team reviews this body's folder (no reviewers, no agency.yaml)
    fallback: str | None = None


@dataclass
class Generated:
    """The CODEOWNERS text, or None with the problems that prevented writing it."""

    text: str | None
    problems: list[Problem] = field(default_factory=list)
    files: int = 0  # data files read


def generate(root: FsPath) -> Generated:
    schemas = SchemaSet()
    problems: list[Problem] = []
    files = 0

    platform = DEFAULT_PLATFORM_TEAM
    site = root / "data" / "site.yaml"
    if site.is_file():
        files += 1
        value, found = _field(schemas, root, "site", "data/site.yaml", "platform_team")
        problems.extend(found)
        if isinstance(value, str):
            platform = value

    bodies: list[Body] = []
    agencies = root / "data" / "agencies"
    for folder in sorted(agencies.iterdir() if agencies.is_dir() else []):
        if not folder.is_dir() or not _FOLDER.fullmatch(folder.name):
            continue
        rel = f"data/agencies/{folder.name}/agency.yaml"
        if not (root / rel).is_file():
            bodies.append(Body(folder.name, (platform,), "缺少 agency.yaml"))
            continue
        files += 1
        value, found = _field(schemas, root, "agency", rel, "reviewers")
        problems.extend(found)
        reviewers = tuple(dict.fromkeys(value)) if isinstance(value, list) else ()
        if reviewers:
            bodies.append(Body(folder.name, reviewers))
        else:
            bodies.append(Body(folder.name, (platform,), "agency.yaml 没有填写 reviewers"))

    if problems:
        return Generated(None, sort_problems(locate_all(root, problems)), files)
    return Generated(render(platform, bodies), [], files)


def _field(schemas: SchemaSet, root: FsPath, kind: str, rel: str, key: str) -> tuple[object, list[Problem]]:
    """The value of one top-level field, with the problems that make it unusable.

    Only problems of that field count: a body whose phone number is wrong still gets its
    reviewers (`portal validate` reports the phone). A file that cannot be read at all does
    count, since then its reviewers are unknown.
    """
    loaded = loader.load_file(root / rel, rel)
    if loaded.data is None:
        return None, loaded.problems
    if not isinstance(loaded.data, dict):
        return None, []  # the schema problem is the whole file's; validate reports it
    data = coerce(loaded.data, schemas.shape(kind), (), [])
    problems = [p for p in iter_schema_problems(schemas, kind, data, rel) if p.path[:1] == (key,)]
    return (None if problems else data.get(key)), problems


def render(platform: str, bodies: list[Body]) -> str:
    lines = [_HEADER, "# 兜底：下面没有列出的文件（包括新建的执法主体文件夹）由平台团队审核。", f"* {platform}", ""]
    lines.append("# 各执法主体的数据文件夹，由该主体 agency.yaml 中的 reviewers 审核。")
    for body in bodies:
        if body.fallback:
            lines.append(f"# {body.folder}：{body.fallback}，暂由平台团队审核。")
        lines.append(f"/data/agencies/{body.folder}/ {' '.join(body.owners)}")
    lines.append("")
    lines.append("# 平台文件：程序、校验规则、构建、CI、审核分工本身和各主体共用的数据。")
    lines.extend(f"{path} {platform}" for path in PLATFORM_PATHS)
    return "\n".join(lines) + "\n"


def compare(root: FsPath, expected: str) -> str | None:
    """None when the committed file is `expected`; otherwise a unified diff from it to `expected`."""
    path = root / CODEOWNERS_PATH
    # A Windows checkout may have turned LF into CRLF; GitHub reads both the same.
    current = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n") if path.is_file() else ""
    if current == expected:
        return None
    return "".join(difflib.unified_diff(
        current.splitlines(keepends=True), expected.splitlines(keepends=True),
        f"{CODEOWNERS_PATH}（现有）", f"{CODEOWNERS_PATH}（按数据生成）"))
