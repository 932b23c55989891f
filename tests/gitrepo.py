"""A throwaway Git repository for tests of commands that read history (`portal diff`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GIT = shutil.which("git") or "git"


def git(repo: Path, *args: str, date: str = "2024-06-03T10:00:00+08:00") -> str:
    """Run git in `repo` with a fixed identity and date and no user or system configuration."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "test@example.invalid",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "test@example.invalid",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run([GIT, "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def init(repo: Path) -> str:
    """Make `repo` (a project folder) a repository with everything committed; the commit id."""
    git(repo, "init", "--quiet", "--initial-branch=main")
    return commit(repo, "基准版本")


def commit(repo: Path, message: str, *, date: str = "2024-06-03T10:00:00+08:00") -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-gpg-sign", "--message", message, date=date)
    return git(repo, "rev-parse", "HEAD")
