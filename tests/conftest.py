"""Shared fixtures: a copy of the minimal valid project, and the CLI as a user runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
VALID = TESTS / "data" / "valid"
INVALID = TESTS / "data" / "invalid"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of tests/data/valid: a complete, minimal project that validates."""
    root = tmp_path / "project"
    # Not the validation cache a `portal build --root tests/data/valid` by hand leaves there.
    shutil.copytree(VALID, root, ignore=shutil.ignore_patterns(".cache"))
    return root


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run `portal ARGS` in-process; (exit code, stdout, stderr) for one assertion."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def cli():
    return run_cli
