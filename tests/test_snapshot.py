"""`portal snapshot` and `portal verify`: reproducible release archives, every kind of tampering
named, and the hash chain from one release to the next."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest

from generator.pages.releases import changelog_markdown
from generator.snapshot import pack

from .conftest import REPO, VALID, run_cli
from .gitrepo import commit, git

V1_DATE = "2024-06-03T10:00:00+08:00"
V1_EPOCH = 1717380000
V2_DATE = "2024-07-01T09:30:00+08:00"
ITEMS = "data/agencies/lsscjgj/items.yaml"
RELEASES = """\
download_base: https://example.invalid/releases/download/
releases:
"""


@dataclass
class Releases:
    repo: Path
    v1: Path  # portal-v1.0.0.tar.gz
    v2: Path  # portal-v1.1.0.tar.gz, chained to v1 through data/releases.yaml
    v1_commit: str
    v2_stdout: str


def make_project(root: Path) -> Path:
    """The minimal valid project with the repository's schemas and lock file, as a release has them."""
    shutil.copytree(VALID, root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copyfile(REPO / "requirements.lock", root / "requirements.lock")
    return root


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    repo = make_project(tmp_path_factory.mktemp("releases") / "project")
    git(repo, "init", "--quiet", "--initial-branch=main")
    v1_commit = commit(repo, "第一个版本", date=V1_DATE)
    git(repo, "tag", "v1.0.0")
    out = repo.parent / "dist"
    code, _, stderr = run_cli("snapshot", "--root", str(repo), "--out", str(out))
    assert code == 0, stderr
    # publishing v1.0.0: its entry goes into data/releases.yaml, and the data changes
    entry = (out / "portal-v1.0.0.release.yaml").read_text(encoding="utf-8")
    (repo / "data" / "releases.yaml").write_text(RELEASES + entry.split("\n", 1)[1], encoding="utf-8")
    path = repo / ITEMS
    path.write_text(path.read_text(encoding="utf-8").replace("对经营超过保质期食品", "对经营超过保质期的食品", 1),
                    encoding="utf-8")
    commit(repo, "登记 v1.0.0，修改事项名称", date=V2_DATE)
    git(repo, "tag", "v1.1.0")
    code, stdout, stderr = run_cli("snapshot", "--root", str(repo), "--out", str(out))
    assert code == 0, stderr
    return Releases(repo, out / "portal-v1.0.0.tar.gz", out / "portal-v1.1.0.tar.gz", v1_commit, stdout)


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    (top,) = into.iterdir()
    return top


def repack(bag: Path, archive: Path) -> Path:
    pack(bag, archive, V1_EPOCH)
    return archive


# --- reproducible ---------------------------------------------------------------------------

def test_two_snapshots_of_one_commit_are_byte_identical(tmp_path: Path):
    """Different folders, time zones, umasks, locales and wall-clock times; a SOURCE_DATE_EPOCH
    left in the environment is not used (the commit time is)."""
    origin = make_project(tmp_path / "origin")
    git(origin, "init", "--quiet", "--initial-branch=main")
    commit(origin, "第一个版本", date=V1_DATE)
    git(origin, "tag", "v1.0.0")
    runs = [({"TZ": "UTC", "LC_ALL": "C.UTF-8"}, 0o022),
            ({"TZ": "Pacific/Kiritimati", "LC_ALL": "C", "SOURCE_DATE_EPOCH": "1"}, 0o077)]
    digests = []
    for number, (env, umask) in enumerate(runs):
        clone = tmp_path / f"elsewhere-{number}" / "deeper" / "clone"
        subprocess.run([shutil.which("git") or "git", "clone", "--quiet", str(origin), str(clone)], check=True)
        cwd = tmp_path / f"cwd-{number}"
        cwd.mkdir()
        out = tmp_path / f"out-{number}"
        done = subprocess.run([sys.executable, "-m", "generator", "snapshot", "--root", str(clone), "--out", str(out)],
                              cwd=cwd, env={**os.environ, "PYTHONHASHSEED": str(number), **env}, umask=umask,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        archive = out / "portal-v1.0.0.tar.gz"
        digests.append((sha256(archive), sha256(out / "portal-v1.0.0.release.yaml")))
        assert f"SHA-256：{digests[-1][0]}" in done.stdout
        time.sleep(1.1)  # the next run starts in another second
    assert digests[0] == digests[1]


def test_the_archive_is_deterministic_to_the_byte(releases: Releases):
    raw = releases.v1.read_bytes()
    assert raw[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no flags: no file name
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip header mtime 0
    with tarfile.open(releases.v1, "r:gz") as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names) and names[0] == "portal-v1.0.0"
    assert {(m.uid, m.gid, m.uname, m.gname, m.mtime) for m in members} == {(0, 0, "", "", V1_EPOCH)}
    assert {m.mode for m in members if m.isdir()} == {0o755}
    assert {m.mode for m in members if m.isfile()} == {0o644}
    assert all(m.isdir() or m.isfile() for m in members)


def test_the_archive_is_a_bagit_bag_holding_the_site_the_sources_and_the_provenance(releases: Releases, tmp_path: Path):
    bag = unpack(releases.v1, tmp_path)
    assert bagit.Bag(str(bag)).validate(fast=False)
    assert (bag / "bagit.txt").read_text(encoding="utf-8") == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = bagit.Bag(str(bag)).info
    assert (info["External-Identifier"], info["Bagging-Date"], info["Internal-Sender-Identifier"]) == (
        "v1.0.0", "2024-06-03", releases.v1_commit)
    for rel in ("data/site/index.html", "data/site/releases/index.html", "data/source/data/site.yaml",
                "data/source/schemas/releases.schema.json", "data/source/requirements.lock",
                "data/meta/changelog.md", "manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
                "tagmanifest-sha512.txt"):
        assert (bag / rel).is_file(), rel
    assert not (bag / "data/meta/previous-release.sha256").exists()  # the first release
    provenance = json.loads((bag / "data/meta/provenance.json").read_text(encoding="utf-8"))
    assert {key: provenance[key] for key in ("tag", "commit", "committed_at", "source_date_epoch", "display_date",
                                             "previous_release")} == {
        "tag": "v1.0.0", "commit": releases.v1_commit, "committed_at": V1_DATE, "source_date_epoch": V1_EPOCH,
        "display_date": "2024-06-03", "previous_release": None}
    assert {"python", "mkdocs", "mkdocs-material", "bagit", "lianshan-enforcement-portal"} <= set(provenance["tools"])
    # the site inside: built for the commit's date, and saying which release it is
    index = (bag / "data/site/index.html").read_text(encoding="utf-8")
    assert f"版本：v1.0.0（提交 {releases.v1_commit[:12]}）" in index
    sitemap = (bag / "data/site/sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2024-06-03</lastmod>" in sitemap
    tagmanifest = (bag / "tagmanifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in tagmanifest] == sorted(
        ["bag-info.txt", "bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"])


def test_the_next_release_links_to_the_previous_one_and_lists_it(releases: Releases, tmp_path: Path):
    v1 = unpack(releases.v1, tmp_path / "v1")
    v2 = unpack(releases.v2, tmp_path / "v2")
    link = (v2 / "data/meta/previous-release.sha256").read_text(encoding="utf-8")
    assert link == f"{sha256(v1 / 'tagmanifest-sha256.txt')}  portal-v1.0.0/tagmanifest-sha256.txt\n"
    changelog = (v2 / "data/meta/changelog.md").read_text(encoding="utf-8")
    assert "v1.0.0" in changelog and "对经营超过保质期的食品的行政处罚" in changelog
    page = (v2 / "data/site/releases/index.html").read_text(encoding="utf-8")
    assert sha256(releases.v1) in page and sha256(v1 / "tagmanifest-sha256.txt") in page
    assert 'href="https://example.invalid/releases/download/v1.0.0/portal-v1.0.0.tar.gz"' in page
    assert "执法公示数据变更摘要" in page
    assert "上一版本 v1.0.0" in releases.v2_stdout


def test_naming_the_previous_archive_gives_the_same_archive_as_the_index(releases: Releases, tmp_path: Path):
    code, _, stderr = run_cli("snapshot", "--root", str(releases.repo), "--out", str(tmp_path),
                              "--previous", str(releases.v1))
    assert code == 0, stderr
    assert sha256(tmp_path / "portal-v1.1.0.tar.gz") == sha256(releases.v2)


def test_a_snapshot_needs_a_git_commit(project: Path, tmp_path: Path):
    code, _, stderr = run_cli("snapshot", "--root", str(project), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "不是 Git 仓库" in stderr


# --- verify ---------------------------------------------------------------------------------

def test_an_untouched_chain_verifies(releases: Releases):
    code, stdout, stderr = run_cli("verify", str(releases.v2), "--previous", str(releases.v1),
                                   "--expect-sha256", sha256(releases.v2))
    assert (code, stderr) == (0, "")
    assert stdout.splitlines()[:4] == [
        "验证通过：portal-v1.1.0.tar.gz（v1.1.0）",
        stdout.splitlines()[1],
        "- 与上一版本 portal-v1.0.0.tar.gz（v1.0.0）的摘要链一致",
        "- 存档的 SHA-256 与记录的一致"]
    assert "SHA-256、SHA-512 摘要与清单一致" in stdout


def _change_a_byte(bag: Path) -> None:
    page = bag / "data/site/index.html"
    content = bytearray(page.read_bytes())
    content[100] ^= 0x01  # same size: only the full digest check sees it
    page.write_bytes(bytes(content))


def _remove_a_file(bag: Path) -> None:
    (bag / "data/site/404.html").unlink()


def _add_a_file(bag: Path) -> None:
    (bag / "data/site/notice.html").write_text("<p>后加的页面</p>\n", encoding="utf-8")


@pytest.mark.parametrize("tamper, expected", [
    pytest.param(_change_a_byte, "data/site/index.html：内容被改动过：SHA-256 应为 ", id="changed-byte"),
    pytest.param(_remove_a_file, "data/site/404.html：清单中有这个文件，存档中却没有：文件被删除了。", id="removed-file"),
    pytest.param(_add_a_file, "data/site/notice.html：存档中多出这个文件，清单中没有：文件是后来添加的。", id="added-file"),
])
def test_each_tampered_copy_fails_naming_the_file(releases: Releases, tmp_path: Path, tamper, expected: str):
    bag = unpack(releases.v1, tmp_path / "unpacked")
    tamper(bag)
    tampered = repack(bag, tmp_path / "portal-v1.0.0.tar.gz")
    code, stdout, stderr = run_cli("verify", str(tampered))
    assert code == 1
    assert len(stdout.splitlines()) == 1 and stdout.startswith(expected), stdout
    assert stderr == "验证未通过：portal-v1.0.0.tar.gz 有 1 个问题。\n"


def test_a_tag_file_added_beside_the_manifests_is_named(releases: Releases, tmp_path: Path):
    bag = unpack(releases.v1, tmp_path / "unpacked")
    (bag / "README.txt").write_text("x\n", encoding="utf-8")
    code, stdout, _ = run_cli("verify", str(repack(bag, tmp_path / "portal-v1.0.0.tar.gz")))
    assert (code, stdout) == (1, "README.txt：存档中多出这个文件，标签清单（tagmanifest）中没有：文件是后来添加的。\n")


def test_rewritten_manifests_are_caught_by_the_chain_and_by_the_recorded_digest(releases: Releases, tmp_path: Path):
    bag = unpack(releases.v1, tmp_path / "unpacked")
    _change_a_byte(bag)
    rewritten = bagit.Bag(str(bag))
    rewritten.save(manifests=True)  # the attacker makes the bag consistent again
    tampered = repack(bag, tmp_path / "portal-v1.0.0.tar.gz")
    # the bag alone cannot tell (reliability.md §3.3) ...
    assert run_cli("verify", str(tampered))[0] == 0
    # ... the next release's chain link can
    code, stdout, _ = run_cli("verify", str(releases.v2), "--previous", str(tampered))
    assert code == 1
    assert stdout.startswith("上一版本 portal-v1.0.0.tar.gz 中的 tagmanifest-sha256.txt：SHA-256 与本存档 "
                             "data/meta/previous-release.sha256 记录的不一致（记录为 "), stdout
    assert stdout.endswith("上一版本的存档在发布后被改动过，清单可能被重写以掩盖修改。\n")
    # ... and so can the digest recorded at release time (release page, attestation)
    code, stdout, _ = run_cli("verify", str(tampered), "--expect-sha256", sha256(releases.v1))
    assert code == 1
    assert stdout == (f"portal-v1.0.0.tar.gz：存档的 SHA-256 与记录的不一致（记录为 {sha256(releases.v1)}，"
                      f"实际为 {sha256(tampered)}）：存档在发布后被改动过，或者不是该版本的存档。\n")
    # and a snapshot refuses to chain to it, since data/releases.yaml recorded the original
    code, _, stderr = run_cli("snapshot", "--root", str(releases.repo), "--out", str(tmp_path / "out"),
                              "--previous", str(tampered))
    assert code == 1
    assert "不是发布时的那一份" in stderr


def test_the_wrong_previous_release_is_named(releases: Releases):
    code, stdout, _ = run_cli("verify", str(releases.v1), "--previous", str(releases.v2))
    assert code == 1
    assert stdout.startswith("data/meta/previous-release.sha256：本存档没有记录上一版本（它是第一个版本）")


def test_a_file_that_is_not_an_archive_is_named(tmp_path: Path):
    bogus = tmp_path / "portal-v9.tar.gz"
    bogus.write_bytes(gzip.compress(b"not a tar file at all" * 40))
    code, stdout, _ = run_cli("verify", str(bogus))
    assert code == 1
    assert stdout.startswith("portal-v9.tar.gz：不是可读的 .tar.gz 存档")


def test_unsafe_paths_in_an_archive_are_not_unpacked(tmp_path: Path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"x\n"))
    code, stdout, _ = run_cli("verify", str(archive))
    assert code == 1
    assert stdout.startswith("../outside.txt：存档中的路径不安全")
    assert not (tmp_path.parent / "outside.txt").exists()


def test_expect_sha256_must_be_a_digest(releases: Releases):
    code, _, stderr = run_cli("verify", str(releases.v1), "--expect-sha256", "abc")
    assert code == 2 and "64 位十六进制" in stderr


# --- the 历史版本 page and the footer -----------------------------------------------------------

def test_the_changelog_is_shown_as_markdown_without_html_or_links():
    shown = changelog_markdown("## 执法公示数据变更摘要\n\n- 事项 \\<script\\> \\[点我\\](javascript:x) <b>x</b>\n")
    assert shown.startswith("### 执法公示数据变更摘要\n")
    assert "<script" not in shown and "<b>" not in shown and "](" not in shown
    assert "&#60;script&#62;" in shown


def test_a_build_footer_names_the_commit_and_tag(cli, project: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert cli("build", "--root", str(project), "--out", str(out), "--today", "2024-06-03")[0] == 0
    assert "版本：未发布（不在 Git 仓库中生成）" in (out / "index.html").read_text(encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    head = commit(project, "基准版本")
    git(project, "tag", "v2.0.0")
    assert cli("build", "--root", str(project), "--out", str(out), "--today", "2024-06-03")[0] == 0
    for page in ("index.html", "agencies/lsscjgj/index.html", "releases/index.html"):
        assert f"版本：v2.0.0（提交 {head[:12]}）" in (out / page).read_text(encoding="utf-8"), page
    (project / "docs" / "extra.md").write_text("# 草稿\n", encoding="utf-8")
    assert cli("build", "--root", str(project), "--out", str(out), "--today", "2024-06-03")[0] == 0
    assert f"版本：v2.0.0（提交 {head[:12]}，含未提交的修改）" in (out / "index.html").read_text(encoding="utf-8")
