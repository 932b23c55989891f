"""`portal snapshot`: one release as a BagIt bag (RFC 8493), packed as a reproducible .tar.gz.

The bag (made with the Library of Congress ``bagit`` library, sha256 and sha512 manifests):

    portal-<tag>/bagit.txt, bag-info.txt, manifest-*.txt, tagmanifest-*.txt
    portal-<tag>/data/site/                        the built site, as deployed
    portal-<tag>/data/source/data/                 the YAML records at the commit
    portal-<tag>/data/source/schemas/              the JSON Schemas at the commit
    portal-<tag>/data/source/requirements.lock     the locked dependencies
    portal-<tag>/data/meta/provenance.json         commit, tag, dates, tool versions
    portal-<tag>/data/meta/changelog.md            `portal diff PREVIOUS_TAG TAG`
    portal-<tag>/data/meta/previous-release.sha256 the hash chain (absent for the first release)

The hash chain: previous-release.sha256 holds the SHA-256 of the previous release's
``tagmanifest-sha256.txt`` in ``sha256sum -c`` form, so each release fixes every byte of the
one before it. The previous release is the archive given with ``--previous`` or else the last
entry of data/releases.yaml at the commit (the index the platform team appends to after each
release, from the ``<archive>.release.yaml`` this command writes); when both exist they must
agree. The changelog compares with that release's tag, which must be in the repository.

Reproducible (reliability.md §3): the bag is made from the commit (``git archive``), never
from the working tree; SOURCE_DATE_EPOCH is the commit time (mkdocs' sitemap dates), the
display period is judged on the commit's date in 北京时间, the bag's date is that date, tag
manifests are written sorted, and the tar has sorted entries, mtime = SOURCE_DATE_EPOCH,
uid/gid 0, no user or group names, fixed modes, and a gzip header without name or time. Time
zone, umask, folder and wall-clock time change nothing; tool versions (recorded in
provenance.json) and the zlib that compresses can.
"""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path as FsPath
from typing import Any

from .release import Release, git, tag_of

ALGORITHMS = ("sha256", "sha512")
CHAIN_FILE = "data/meta/previous-release.sha256"
PROVENANCE_FILE = "data/meta/provenance.json"
CHANGELOG_FILE = "data/meta/changelog.md"
#: The county's time: a release's date, and the day its display periods are judged on.
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
#: Recorded in provenance.json: what turned the commit into these bytes.
TOOLS = ("lianshan-enforcement-portal", "mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions",
         "Pygments", "Jinja2", "PyYAML", "jsonschema", "jsonschema-rs", "chinesecalendar", "zxing-cpp", "bagit")
_DIR_MODE = 0o755
_FILE_MODE = 0o644


class SnapshotError(Exception):
    """The snapshot cannot be made from this input (exit 1); raised by `make` only."""


class SnapshotUsageError(Exception):
    """The command was asked for something impossible: no Git, an unknown tag (exit 2)."""


@dataclass(frozen=True)
class Previous:
    """The release this one chains to."""

    tag: str
    name: str  # the top folder of its archive, e.g. portal-v1.0.0
    tagmanifest_sha256: str


@dataclass(frozen=True)
class Snapshot:
    archive: FsPath
    entry: FsPath  # <archive>.release.yaml: the data/releases.yaml entry to append after publishing
    sha256: str
    tagmanifest_sha256: str
    release: Release
    previous: Previous | None
    files: int


def make(root: FsPath, out: FsPath, *, previous_archive: FsPath | None = None) -> Snapshot:
    """Build the site from HEAD of `root`'s repository and write the bagged archive into `out`."""
    commit = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if not commit:
        raise SnapshotUsageError(f"{root} 不是 Git 仓库（或还没有提交）：存档只能从提交生成。")
    release = Release(commit, tag_of(root, commit))
    epoch = int(git(root, "show", "-s", "--format=%ct", commit) or "0")
    committed = datetime.datetime.fromtimestamp(epoch, BEIJING)
    name = f"portal-{release.tag or commit[:12]}"
    with tempfile.TemporaryDirectory(prefix="portal-snapshot-") as temporary:
        work = FsPath(temporary)
        source = work / "source"
        _materialise(root, commit, source)
        corpus = _validated(source)
        previous = _previous(corpus, previous_archive, release)
        changelog = _changelog(root, previous, release)
        bag = work / name
        _stage(source, bag, release=release, epoch=epoch, previous=previous, changelog=changelog,
               committed=committed)
        _bag(bag, corpus, release, committed)
        files = sum(1 for path in (bag / "data").rglob("*") if path.is_file())
        tagmanifest = hashlib.sha256((bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
        out.mkdir(parents=True, exist_ok=True)
        archive = out / f"{name}.tar.gz"
        pack(bag, archive, epoch)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    entry = out / f"{name}.release.yaml"
    entry.write_text(release_entry(release, committed.date(), archive.name, digest, tagmanifest, changelog),
                     encoding="utf-8", newline="\n")
    return Snapshot(archive, entry, digest, tagmanifest, release, previous, files)


# --- the input: the commit, validated -------------------------------------------------------

def _materialise(root: FsPath, commit: str, into: FsPath) -> None:
    """The commit's files, from Git's objects: uncommitted edits and ignored files stay out."""
    into.mkdir()
    program = shutil.which("git") or "git"
    with subprocess.Popen([program, "-C", str(root), "archive", "--format=tar", commit],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            tar.extractall(into, filter="data")
    if proc.returncode != 0:
        raise SnapshotUsageError(f"git archive {commit} 失败。")


def _validated(source: FsPath) -> Any:
    from .checker import validate
    from .problems import has_errors
    from .reporter import render

    result = validate(source, use_cache=False)  # a temporary export: its cache would never be reused
    if has_errors(result.problems):
        raise SnapshotError(render("text", result.problems, len(result.corpus.documents))
                            + "提交中的数据有错误，未生成存档。")
    return result.corpus


# --- the previous release and the changelog ---------------------------------------------------

def _previous(corpus: Any, archive: FsPath | None, release: Release) -> Previous | None:
    listed = _listed_releases(corpus)
    recorded = listed[-1] if listed else None
    if archive is not None:
        from .verifier import read_archive

        opened = read_archive(archive)
        if opened.findings:
            raise SnapshotError("上一版本的存档校验未通过，不能以它为链接：\n"
                                + "\n".join(f"{f.where}：{f.message}" for f in opened.findings))
        assert opened.tag is not None and opened.tagmanifest_sha256 is not None
        previous = Previous(opened.tag, opened.name, opened.tagmanifest_sha256)
        same = next((r for r in listed if r.get("tag") == previous.tag), None)
        if same is not None and same.get("tagmanifest_sha256") != previous.tagmanifest_sha256:
            raise SnapshotError(
                f"{archive.name} 的 tagmanifest-sha256.txt 摘要 {previous.tagmanifest_sha256} 与 data/releases.yaml "
                f"登记的 {previous.tag} 的 {same.get('tagmanifest_sha256')} 不一致：这个存档不是发布时的那一份。")
    elif recorded is not None:
        previous = Previous(str(recorded["tag"]), _archive_name(str(recorded["archive"])),
                            str(recorded["tagmanifest_sha256"]))
    else:
        return None
    if previous.tag == release.tag:
        raise SnapshotUsageError(f"上一版本 {previous.tag} 就是本次提交的标签：请先为新版本打新标签。")
    return previous


def _listed_releases(corpus: Any) -> list[dict]:
    documents = corpus.of("releases")
    data = documents[0].data if documents and isinstance(documents[0].data, dict) else {}
    return [r for r in data.get("releases") or [] if isinstance(r, dict)]


def _archive_name(file_name: str) -> str:
    return file_name.removesuffix(".tar.gz")


def _changelog(root: FsPath, previous: Previous | None, release: Release) -> str:
    from .diff import RevisionError, summarize

    if previous is None:
        return "## 执法公示数据变更摘要\n\n这是第一个存档版本，没有可以比较的上一版本。\n"
    try:
        return summarize(root, previous.tag, release.tag or str(release.commit))
    except RevisionError as exc:
        raise SnapshotUsageError(f"无法与上一版本 {previous.tag} 比较（{exc}）。"
                                 "请先取得该标签：git fetch --tags。") from None


# --- the bag ----------------------------------------------------------------------------------

def _stage(source: FsPath, bag: FsPath, *, release: Release, epoch: int, previous: Previous | None,
           changelog: str, committed: datetime.datetime) -> None:
    """Fill the folder that becomes the bag: the site, the sources and the metadata."""
    from .build import build_site

    with _source_date_epoch(epoch):
        code = build_site(source, out=bag / "site", today=committed.date(), production=True, release=release)
    if code != 0:
        raise SnapshotError("网站生成失败，未生成存档。")
    for folder in ("data", "schemas"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, bag / "source" / folder)
    if (source / "requirements.lock").is_file():
        shutil.copyfile(source / "requirements.lock", bag / "source" / "requirements.lock")
    meta = bag / "meta"
    meta.mkdir()
    provenance = {
        "tag": release.tag,
        "commit": release.commit,
        "committed_at": committed.isoformat(),
        "source_date_epoch": epoch,
        "display_date": committed.date().isoformat(),
        "previous_release": previous.tag if previous else None,
        "command": "portal snapshot",
        "tools": tool_versions(),
    }
    _write(meta / "provenance.json", json.dumps(provenance, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    _write(meta / "changelog.md", changelog if changelog.endswith("\n") else changelog + "\n")
    if previous is not None:
        link = f"{previous.tagmanifest_sha256}  {previous.name}/tagmanifest-sha256.txt\n"
        _write(meta / "previous-release.sha256", link)


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """mkdocs takes the build date (sitemap <lastmod>, sitemap.xml.gz) from SOURCE_DATE_EPOCH."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def tool_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "zlib": zlib.ZLIB_RUNTIME_VERSION}
    for name in TOOLS:
        with contextlib.suppress(PackageNotFoundError):
            versions[name] = version(name)
    return versions


def _bag(bag: FsPath, corpus: Any, release: Release, committed: datetime.datetime) -> None:
    import bagit

    site = corpus.site.data if corpus.site is not None and isinstance(corpus.site.data, dict) else {}
    label = release.tag or "未发布版本"
    info = {
        "Source-Organization": site.get("sponsor") or site.get("county") or "",
        "External-Identifier": release.tag or str(release.commit),
        "External-Description": f"{site.get('name', '行政执法公示平台')} {label} 的存档：生成的网站、公示数据、"
                                "数据规范、依赖锁定文件、生成环境和变更摘要",
        "Internal-Sender-Identifier": str(release.commit),
        "Bagging-Date": committed.date().isoformat(),  # the commit's date, not today's
    }
    bagit.make_bag(str(bag), {k: v for k, v in info.items() if v}, checksums=list(ALGORITHMS))
    # bagit 1.9 labels bags 0.97 and lists tag files in directory order; write RFC 8493's
    # version and the tag manifests sorted, so that the same input gives the same bytes.
    _write(bag / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    write_tagmanifests(bag)
    bagit.Bag(str(bag)).validate(fast=False)  # our own bag, checked in full before it is packed


def write_tagmanifests(bag: FsPath) -> None:
    """tagmanifest-<alg>.txt over every tag file (all but the payload and the tag manifests)."""
    tag_files = sorted(path.relative_to(bag).as_posix() for path in bag.rglob("*")
                       if path.is_file() and path.relative_to(bag).parts[0] != "data"
                       and not path.name.startswith("tagmanifest-"))
    for algorithm in ALGORITHMS:
        lines = [f"{hashlib.new(algorithm, (bag / rel).read_bytes()).hexdigest()}  {rel}\n" for rel in tag_files]
        _write(bag / f"tagmanifest-{algorithm}.txt", "".join(lines))


def _write(path: FsPath, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


# --- the archive ------------------------------------------------------------------------------

def pack(bag: FsPath, archive: FsPath, epoch: int) -> None:
    """A deterministic .tar.gz of `bag` (GNU tar manual §8.4, in Python): sorted entries under
    one top folder, mtime = `epoch`, uid/gid 0, empty user and group names, modes 755/644,
    POSIX (pax) format, and a gzip header with no file name and mtime 0."""
    entries = sorted(bag.rglob("*"), key=lambda path: path.relative_to(bag).as_posix())
    with archive.open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as compressed, \
            tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in [bag, *entries]:
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise SnapshotError(f"存档中不能有链接或特殊文件：{path.relative_to(bag)}")
            name = bag.name if path == bag else f"{bag.name}/{path.relative_to(bag).as_posix()}"
            info = tarfile.TarInfo(name)
            info.mtime = epoch
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_dir():
                info.type, info.mode = tarfile.DIRTYPE, _DIR_MODE
                tar.addfile(info)
            else:
                content = path.read_bytes()
                info.type, info.mode, info.size = tarfile.REGTYPE, _FILE_MODE, len(content)
                tar.addfile(info, io.BytesIO(content))


# --- the index entry --------------------------------------------------------------------------

def release_entry(release: Release, date: datetime.date, archive: str, sha256: str, tagmanifest: str,
                  changelog: str) -> str:
    """The data/releases.yaml entry for this archive, to append once it is published."""
    changes = "".join(f"      {line}\n" if line.strip() else "\n" for line in changelog.rstrip("\n").split("\n"))
    return ("# 发布后把下面一段追加到 data/releases.yaml 的 releases 末尾（由 portal snapshot 生成）。\n"
            f"  - tag: {release.tag or '未打标签'}\n"
            f"    date: {date.isoformat()}\n"
            f'    commit: "{release.commit}"\n'
            f"    archive: {archive}\n"
            f'    sha256: "{sha256}"\n'
            f'    tagmanifest_sha256: "{tagmanifest}"\n'
            "    changelog: |\n"
            f"{changes}")
