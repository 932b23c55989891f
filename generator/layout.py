"""The folder layout of `data/`: which file holds which kind of record, and for which body.

    data/site.yaml                                   site
    data/laws/<law-id>.yaml                          law
    data/upstream/benchmarks/<doc-id>.yaml           benchmark (province / city)
    data/calendar/<year>.yaml                        calendar
    data/pii-allowlist.yaml                          pii-allowlist (reviewed false positives)
    data/releases.yaml                               releases (published versions, 历史版本)
    data/agencies/<agency-id>/agency.yaml            agency
    data/agencies/<agency-id>/personnel.yaml         personnel
    data/agencies/<agency-id>/items.yaml             items
    data/agencies/<agency-id>/benchmarks/<doc>.yaml  benchmark (county)
    data/agencies/<agency-id>/decisions/<year>/<slug>.yaml   decision

One folder per body makes ownership plain: a department's pull request touches only its own
folder. A file anywhere else is reported rather than ignored, so a decision saved in the
wrong place can never silently go unpublished.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path as FsPath

from .problems import Problem

_STEM = r"[a-z0-9][a-z0-9-]*"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("site", re.compile(r"site\.yaml")),
    ("law", re.compile(rf"laws/(?P<stem>{_STEM})\.yaml")),
    ("benchmark", re.compile(rf"upstream/benchmarks/(?P<stem>{_STEM})\.yaml")),
    ("calendar", re.compile(r"calendar/(?P<stem>\d{4})\.yaml")),
    ("pii-allowlist", re.compile(r"pii-allowlist\.yaml")),
    ("releases", re.compile(r"releases\.yaml")),
    ("agency", re.compile(rf"agencies/(?P<agency>{_STEM})/agency\.yaml")),
    ("personnel", re.compile(rf"agencies/(?P<agency>{_STEM})/personnel\.yaml")),
    ("items", re.compile(rf"agencies/(?P<agency>{_STEM})/items\.yaml")),
    ("benchmark", re.compile(rf"agencies/(?P<agency>{_STEM})/benchmarks/(?P<stem>{_STEM})\.yaml")),
    ("decision", re.compile(
        rf"agencies/(?P<agency>{_STEM})/decisions/(?P<year>\d{{4}})/(?P<stem>[A-Za-z0-9][A-Za-z0-9._-]*)\.yaml")),
]

_DECISION_FIRST = [_PATTERNS[-1], *_PATTERNS[:-1]]

# Files that editors and Git put in folders; they are never data.
_IGNORED = re.compile(r"(^|/)(\.gitkeep|\.DS_Store|Thumbs\.db|desktop\.ini|README\.md)$")


@dataclass(frozen=True)
class Placement:
    """Where a data file sits: its kind and what its path says about it."""

    kind: str
    rel: str  # path relative to the project root, e.g. data/agencies/x/items.yaml
    agency: str | None = None  # the body whose folder holds the file
    stem: str | None = None  # file name without .yaml (law / benchmark / decision / calendar)
    year: str | None = None  # decisions/<year>/

    @property
    def upstream(self) -> bool:
        return self.kind == "benchmark" and self.agency is None

    @property
    def slug(self) -> str:
        """A decision's address on the site: the file name, prefixed with its year folder
        unless it already starts with it (``2024/fumes.yaml`` → ``2024-fumes``), so the same
        name in two year folders gives two addresses."""
        stem, year = self.stem or "", self.year or ""
        return stem if stem.startswith(f"{year}-") or stem == year else f"{year}-{stem}"


def place(rel_to_data: str, rel: str) -> Placement | None:
    # Most files are decisions, whose pattern is the last: tried first where it can match (no
    # other pattern matches a path with a decisions folder), a county's discovery takes a third less.
    patterns = _DECISION_FIRST if "/decisions/" in rel_to_data else _PATTERNS
    for kind, pattern in patterns:
        match = pattern.fullmatch(rel_to_data)
        if match:
            groups = match.groupdict()
            return Placement(kind, rel, groups.get("agency"), groups.get("stem"), groups.get("year"))
    return None


def discover(root: FsPath) -> tuple[list[Placement], list[Problem]]:
    """Every data file under ``root/data`` with its placement, and problems for the rest."""
    placements: list[Placement] = []
    problems: list[Problem] = []
    for inner, is_link in walk(root / "data"):
        rel = f"data/{inner}"
        if _IGNORED.search(inner):
            continue
        if is_link:
            # A link could make CI read (and quote) a file outside the repository.
            problems.append(Problem("file-symlink", "数据文件不能是符号链接，请换成普通文件。", rel, 1, 1))
            continue
        placement = place(inner, rel)
        if placement is not None:
            placements.append(placement)
        elif _suffix(inner) == ".yml":
            problems.append(Problem(
                "unknown-file", "扩展名应为 .yaml（不是 .yml），否则不会被读取。请重命名。", rel))
        else:
            problems.append(Problem("unknown-file", _misplaced_hint(inner), rel))
    return placements, problems


def walk(folder: FsPath) -> list[tuple[str, bool]]:
    """Every file and symbolic link under `folder` (links are not followed), as (path relative
    to `folder` with ``/``, whether it is a link), in `pathlib` order (component by component).

    Scans with os.scandir: a county's ~50,000 files take ~0.2 s, a third of Path.rglob's time."""
    found: list[tuple[str, bool]] = []

    def scan(directory: str, prefix: str) -> None:
        try:
            entries = list(os.scandir(directory))
        except OSError:  # unreadable or vanished folder: as Path.rglob, skip it
            return
        for entry in entries:
            if entry.is_symlink():
                found.append((prefix + entry.name, True))
            elif entry.is_dir(follow_symlinks=False):
                scan(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                found.append((prefix + entry.name, False))

    if folder.is_dir():
        scan(str(folder), "")
    found.sort(key=lambda item: item[0].split("/"))
    return found


def _suffix(inner: str) -> str:
    """``PurePath.suffix`` of the file name: ``.yml`` for ``a.yml``, nothing for ``.yml``."""
    name = inner.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _misplaced_hint(inner: str) -> str:
    parts = inner.split("/")
    if parts[0] == "agencies" and len(parts) >= 3:
        if parts[2] == "decisions":
            return ("执法决定应放在 data/agencies/<主体>/decisions/<四位年份>/<文件名>.yaml，"
                    "文件名只用英文字母、数字和连字符。")
        return ("主体文件夹内只能有 agency.yaml、personnel.yaml、items.yaml、"
                "benchmarks/<文件>.yaml 和 decisions/<年份>/<文件>.yaml。")
    return ("文件位置不符合数据目录约定，不会被读取（文件名只用小写英文字母、数字和连字符，扩展名 .yaml）。"
            "目录约定见“数据规范”页面。")
