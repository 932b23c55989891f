"""Which release and commit a build comes from, as every page footer shows it.

`portal build` describes the project folder's Git checkout: the commit at HEAD, the version tag
on it (if any) and whether the checkout has uncommitted changes. `portal snapshot` builds from a
commit copied out of Git, so it passes the identity itself. Outside Git there is no commit to
name, and the footer says so rather than staying silent.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path as FsPath


@dataclass(frozen=True)
class Release:
    commit: str | None = None  # the full commit id; None when the folder is not in Git
    tag: str | None = None  # the version tag on the commit, e.g. v1.2.0
    dirty: bool = False  # tracked or new files differ from the commit

    def footer(self) -> str:
        """The footer line: 版本：v1.2.0（提交 0123456789ab）."""
        if self.commit is None:
            return "版本：未发布（不在 Git 仓库中生成）"
        note = "，含未提交的修改" if self.dirty else ""
        return f"版本：{self.tag or '未发布'}（提交 {self.commit[:12]}{note}）"


def git(root: FsPath, *args: str) -> str | None:
    """Git's output for `args` run in `root`, or None when Git is missing or the command fails."""
    program = shutil.which("git")
    if program is None:
        return None
    done = subprocess.run([program, "-C", str(root), *args], capture_output=True, check=False)
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def tag_of(root: FsPath, revision: str) -> str | None:
    """The tag pointing at `revision`: the highest version when there are several."""
    tags = git(root, "tag", "--points-at", revision, "--sort=-version:refname")
    return tags.splitlines()[0] if tags else None


def describe(root: FsPath) -> Release:
    """The checkout `root` is in: HEAD's commit and tag, and whether anything is uncommitted."""
    commit = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not commit:
        return Release()
    # The portal's own cache (.cache/, which `portal build` updates as it starts) is never part of
    # a release, even where a repository tracks it by mistake.
    status = git(root, "status", "--porcelain", "--", ".", ":(exclude).cache")
    return Release(commit, tag_of(root, commit), dirty=bool(status))
