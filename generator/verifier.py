"""`portal verify`: check a release archive made by `portal snapshot`, file by file.

What is checked, each failure naming the file:

* the archive itself: a readable .tar.gz with one top folder, only folders and regular files,
  no absolute or ``..`` paths, no name twice;
* the bag in full (bagit ``validate(fast=False)``): every payload file's SHA-256 and SHA-512
  against manifest-*.txt, and every tag file against tagmanifest-*.txt; files missing from
  the archive, and files the manifests do not list (payload or tag files), are named;
* with ``--previous ARCHIVE``: that archive is checked the same way, and the SHA-256 of its
  tagmanifest-sha256.txt must be the one this archive recorded in
  data/meta/previous-release.sha256 (the hash chain);
* with ``--expect-sha256 HEX``: the archive's own SHA-256 (as the release page, data/releases.yaml
  and the GitHub artifact attestation record it).

What a bag alone cannot show (reliability.md §3.3): whoever changes a file and rewrites the
manifests to match has a bag that validates. Only a digest kept elsewhere catches that: the
next release's chain link, or the recorded archive digest.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from pathlib import PurePosixPath

from .snapshot import ALGORITHMS, CHAIN_FILE

_TAG_MANIFEST = re.compile(r"tagmanifest-[a-z0-9]+\.txt")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Finding:
    where: str  # the file, as a path inside the bag, or an archive's file name
    message: str


@dataclass
class Opened:
    """An archive read and its bag checked: what it says about itself, and what is wrong."""

    archive: FsPath
    name: str = ""  # the top folder, e.g. portal-v1.0.0
    tag: str | None = None  # bag-info.txt External-Identifier
    files: int = 0  # payload files
    tagmanifest_sha256: str | None = None
    chain: tuple[str, str] | None = None  # (digest, "<previous>/tagmanifest-sha256.txt") this archive recorded
    findings: list[Finding] = field(default_factory=list)


@dataclass
class Report:
    current: Opened
    previous: Opened | None = None
    sha256: str = ""
    expected: bool = False  # the archive's SHA-256 was compared with a recorded one

    @property
    def findings(self) -> list[Finding]:
        return self.current.findings + (self.previous.findings if self.previous else [])

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(archive: FsPath, *, previous: FsPath | None = None, expect_sha256: str | None = None) -> Report:
    report = Report(read_archive(archive))
    report.sha256 = _sha256_file(archive)
    report.expected = expect_sha256 is not None
    if expect_sha256 is not None and report.sha256 != expect_sha256.lower():
        report.current.findings.append(Finding(archive.name, (
            f"存档的 SHA-256 与记录的不一致（记录为 {expect_sha256.lower()}，实际为 {report.sha256}）："
            "存档在发布后被改动过，或者不是该版本的存档。")))
    if previous is not None:
        report.previous = read_archive(previous, label=f"上一版本 {previous.name} 中的 ")
        report.current.findings.extend(_chain_findings(report.current, report.previous))
    return report


def read_archive(archive: FsPath, *, label: str = "") -> Opened:
    """Unpack `archive` into a temporary folder and check its bag in full."""
    opened = Opened(archive)
    with tempfile.TemporaryDirectory(prefix="portal-verify-") as temporary:
        folder = FsPath(temporary)
        top = _unpack(archive, folder, opened)
        if top is not None:
            opened.name = top
            _check_bag(folder / top, opened)
    opened.findings = [Finding(label + f.where if label and f.where != archive.name else f.where, f.message)
                       for f in opened.findings]
    return opened


# --- the archive ----------------------------------------------------------------------------

def _unpack(archive: FsPath, into: FsPath, opened: Opened) -> str | None:
    """Write the archive's files under `into`; the top folder's name, or None if unusable."""
    findings = opened.findings
    tops: set[str] = set()
    seen: set[str] = set()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                path = PurePosixPath(member.name)
                name = path.as_posix()
                if path.is_absolute() or ".." in path.parts or name in ("", "."):
                    findings.append(Finding(member.name, "存档中的路径不安全（绝对路径或含“..”），未解开。"))
                    continue
                if name in seen:
                    findings.append(Finding(name, "存档中出现了两次（后一份可能替换前一份）。"))
                    continue
                seen.add(name)
                tops.add(path.parts[0])
                target = into / name
                if member.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                elif member.isfile():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    source = tar.extractfile(member)
                    assert source is not None
                    with source, target.open("wb") as sink:
                        while block := source.read(1 << 20):
                            sink.write(block)
                else:
                    findings.append(Finding(name, "存档中只能有文件夹和普通文件，这是链接或特殊文件，未解开。"))
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        findings.append(Finding(archive.name, f"不是可读的 .tar.gz 存档：{exc}"))
        return None
    if len(tops) != 1:
        findings.append(Finding(archive.name,
                                f"存档应只有一个顶层文件夹（BagIt 存档的根目录），实际有 {len(tops)} 个。"))
        return None
    return tops.pop()


# --- the bag --------------------------------------------------------------------------------

def _check_bag(bag: FsPath, opened: Opened) -> None:
    import bagit

    findings = opened.findings
    try:
        loaded = bagit.Bag(str(bag))
    except bagit.BagError as exc:
        findings.append(Finding(opened.archive.name, f"不是有效的 BagIt 存档：{exc}"))
        return
    for required in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        if not (bag / required).is_file():
            findings.append(Finding(required, "缺少这个清单文件，存档不完整。"))
    only_listed, only_present = loaded.compare_manifests_with_fs()
    findings += [Finding(path, "清单中有这个文件，存档中却没有：文件被删除了。") for path in sorted(only_listed)]
    findings += [Finding(path, "存档中多出这个文件，清单中没有：文件是后来添加的。") for path in sorted(only_present)]
    findings += _tag_file_findings(bag, loaded)
    findings += _digest_findings(bag, loaded)
    if not findings:
        try:
            loaded.validate(fast=False)  # bagit's own full check, so nothing it catches is missed
        except bagit.BagError as exc:
            findings.append(Finding(opened.archive.name, f"BagIt 校验未通过：{exc}"))
    opened.tag = loaded.info.get("External-Identifier") if isinstance(loaded.info.get("External-Identifier"), str) \
        else None
    opened.files = len(loaded.payload_entries())
    if (bag / "tagmanifest-sha256.txt").is_file():
        opened.tagmanifest_sha256 = _sha256_file(bag / "tagmanifest-sha256.txt")
    opened.chain = _chain_link(bag, findings)


def _tag_file_findings(bag: FsPath, loaded: object) -> list[Finding]:
    """Files outside data/ that no tag manifest lists (bagit itself does not look for them)."""
    listed = {path for path in getattr(loaded, "entries", {}) if not path.startswith("data/")}
    extra = []
    for path in sorted(bag.rglob("*")):
        rel = path.relative_to(bag).as_posix()
        if path.is_file() and not rel.startswith("data/") and rel not in listed and not _TAG_MANIFEST.fullmatch(rel):
            extra.append(Finding(rel, "存档中多出这个文件，标签清单（tagmanifest）中没有：文件是后来添加的。"))
    return extra


def _digest_findings(bag: FsPath, loaded: object) -> list[Finding]:
    """Every listed file that exists, hashed with every algorithm its manifests give."""
    findings = []
    for rel, expected in sorted(getattr(loaded, "entries", {}).items()):
        path = bag / rel
        if not path.is_file():
            if not rel.startswith("data/"):  # payload files were named by the completeness check
                findings.append(Finding(rel, "标签清单中有这个文件，存档中却没有：文件被删除了。"))
            continue
        for algorithm in sorted(expected):
            if algorithm not in hashlib.algorithms_available:
                continue
            actual = _digest_file(path, algorithm)
            if actual != expected[algorithm].lower():
                findings.append(Finding(rel, f"内容被改动过：{_label(algorithm)} 应为 {expected[algorithm][:16]}…，"
                                             f"实际为 {actual[:16]}…。"))
                break
    return findings


def _chain_link(bag: FsPath, findings: list[Finding]) -> tuple[str, str] | None:
    path = bag / CHAIN_FILE
    if not path.is_file():
        return None
    fields = path.read_text(encoding="utf-8", errors="replace").split()
    if len(fields) != 2 or not _HEX64.fullmatch(fields[0]):
        findings.append(Finding(CHAIN_FILE, "格式不对：应为“摘要  上一版本/tagmanifest-sha256.txt”一行。"))
        return None
    return fields[0], fields[1]


def _chain_findings(current: Opened, previous: Opened) -> list[Finding]:
    if previous.tagmanifest_sha256 is None:
        return []  # the previous archive's own findings say why
    if current.chain is None:
        return [Finding(CHAIN_FILE, f"本存档没有记录上一版本（它是第一个版本），不能与 {previous.archive.name} 核对。")]
    digest, path = current.chain
    expected = f"{previous.name}/tagmanifest-sha256.txt"
    if path != expected:
        return [Finding(CHAIN_FILE, f"本存档记录的上一版本是 {path.split('/')[0]}，"
                                    f"而 {previous.archive.name} 是 {previous.name}：不是本版本的上一版本。")]
    if digest != previous.tagmanifest_sha256:
        return [Finding(f"上一版本 {previous.archive.name} 中的 tagmanifest-sha256.txt", (
            f"SHA-256 与本存档 {CHAIN_FILE} 记录的不一致（记录为 {digest}，实际为 {previous.tagmanifest_sha256}）："
            "上一版本的存档在发布后被改动过，清单可能被重写以掩盖修改。"))]
    return []


def _label(algorithm: str) -> str:
    return algorithm.upper().replace("SHA", "SHA-", 1) if algorithm.startswith("sha") else algorithm


def _digest_file(path: FsPath, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _sha256_file(path: FsPath) -> str:
    return _digest_file(path, "sha256")


# --- the report -----------------------------------------------------------------------------

def render(report: Report) -> str:
    """One line per finding, or the one line saying what was checked."""
    if not report.ok:
        return "".join(f"{f.where}：{f.message}\n" for f in report.findings)
    current = report.current
    names = "、".join(_label(algorithm) for algorithm in ALGORITHMS)
    lines = [f"验证通过：{current.archive.name}（{current.tag or current.name}）",
             f"- {current.files} 个文件的 {names} 摘要与清单一致，清单与标签清单一致"]
    if report.previous is not None:
        lines.append(f"- 与上一版本 {report.previous.archive.name}（{report.previous.tag}）的摘要链一致")
    if report.expected:
        lines.append("- 存档的 SHA-256 与记录的一致")
    lines.append(f"存档 SHA-256：{report.sha256}")
    return "\n".join(lines) + "\n"

