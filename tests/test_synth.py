"""The synthetic corpus (generator/synth.py, `portal synth`): deterministic, validates and builds.

Only the tiny scale runs here; the county corpus is measured by `make bench`, never by a timed test.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.synth import MARKER, synthesize

from .conftest import REPO


def digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "tiny"
    synthesize(REPO, out, "tiny", seed=7)
    return out


def test_the_same_seed_writes_byte_identical_files(tiny: Path, tmp_path: Path):
    again = tmp_path / "again"
    synthesize(REPO, again, "tiny", seed=7)
    synthesize(REPO, again, "tiny", seed=7)  # replacing its own earlier output
    assert digest(again) == digest(tiny)


def test_another_seed_writes_other_decisions(tiny: Path, tmp_path: Path):
    other = tmp_path / "other"
    synthesize(REPO, other, "tiny", seed=8)
    assert digest(other) != digest(tiny)


def test_the_tiny_corpus_clones_bodies_and_replicates_records(tiny: Path):
    agencies = sorted(path.name for path in (tiny / "data" / "agencies").iterdir())
    assert len(agencies) == 12
    assert any(name.endswith("x1") for name in agencies)
    assert len(list((tiny / "data" / "agencies").glob("*/decisions/*/*.yaml"))) > 87
    for name in ("site.yaml", "laws", "calendar", "upstream"):
        assert (tiny / "data" / name).exists()
    assert (tiny / "mkdocs.yml").is_file() and (tiny / "docs").is_dir()


def test_the_tiny_corpus_validates_with_no_problems(cli, tiny: Path):
    code, stdout, stderr = cli("validate", "--root", str(tiny), "--strict")
    assert (code, stderr) == (0, ""), stdout
    assert "全部通过" in stdout


def test_the_tiny_corpus_builds(cli, tiny: Path, tmp_path: Path):
    out = tmp_path / "site"
    code, stdout, stderr = cli("build", "--root", str(tiny), "--out", str(out), "--today", "2026-11-27")
    assert code == 0, stdout + stderr
    assert (out / "index.html").is_file()
    assert list((out / "decisions").glob("*x1/*/index.html"))


def test_a_folder_not_written_by_synth_is_never_replaced(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(FileExistsError):
        synthesize(REPO, tmp_path, "tiny")
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]
    assert not (tmp_path / MARKER).exists()


def test_portal_synth_writes_the_corpus_and_refuses_the_project_itself(cli, tmp_path: Path):
    out = tmp_path / "corpus"
    code, stdout, stderr = cli("synth", "--root", str(REPO), "--scale", "tiny", "--out", str(out), "--seed", "7")
    assert (code, stderr) == (0, "") and "12 个主体" in stdout
    assert (out / "data" / "site.yaml").is_file()
    code, _, stderr = cli("synth", "--root", str(REPO), "--scale", "tiny", "--out", str(REPO))
    assert code == 2 and "--out" in stderr
