"""requirements.lock pins, with hashes, every dependency pyproject.toml declares."""

from __future__ import annotations

import re
import tomllib

from .conftest import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def test_every_declared_dependency_is_pinned_with_hashes():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        declared |= {_name(r) for r in extra}
    build = (REPO / "build-requirements.in").read_text(encoding="utf-8").splitlines()
    declared |= {_name(line) for line in build if line.strip() and not line.startswith("#")}
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = {m.group(1).lower().replace("_", "-") for m in re.finditer(r"^([A-Za-z0-9._-]+)==\S+ \\$", lock, re.M)}
    assert sorted(declared - pinned) == []
    blocks = re.findall(r"^[A-Za-z0-9._-]+==\S+ \\\n(?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+", lock, re.M)
    assert len(blocks) == len(pinned)
