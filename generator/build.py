"""`portal build` and `portal serve`: validate, then let mkdocs render the generated pages.

The generated pages are added to mkdocs in memory by the hook in mkdocs_hooks.py (nothing is
written into docs/), so `mkdocs build` and `mkdocs serve` on the same mkdocs.yml work too,
and a change under data/ during `serve` rebuilds the pages. Record pages (decisions, items)
skip mkdocs' per-page pipeline: they are poured into the theme's page rendered once (shell.py).

The two cores work at once: a forked child makes and writes the open data files while the other
pages are made (pages/open_data.FileJob); once it has ended and mkdocs has rendered the shells,
two forked writers write the record pages (until then this process writes some itself): the
open data's child and the writers never run at once, since each copies much of the corpus it
reads. on_post_build waits for them and checks every written page for personal data; build_site
publishes nothing if any is found, and a plain `mkdocs build` or `serve` stops (`_withdraw`).

Pages whose inputs are unchanged are taken back from the last build instead of being made
(reuse.py): `build_site` sets that up for `portal build`, `on_pre_build` for each build of
`portal serve`.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import json
import logging
import multiprocessing.connection
import os
import re
import tempfile
from pathlib import Path as FsPath

import click

from typing import Any

from . import reuse
from .checker import validate
from .problems import has_errors
from .reporter import render

TODAY_ENV = "PORTAL_TODAY"
HOOK = FsPath(__file__).resolve().parent / "mkdocs_hooks.py"

# `portal build` validates before mkdocs starts and hands the corpus to the hook here, so
# the data is not loaded twice; plain `mkdocs build` / `serve` find nothing and validate.
_primed: dict[FsPath, Any] = {}
# Likewise the release and commit the footer names (`portal snapshot` builds outside Git).
_released: dict[FsPath, Any] = {}
# The last build's validation result, not freed when build_site returns: the `portal` program
# ends right after (cli._exit), and freeing a county's millions of objects one by one took 0.3 s.
_last: list[Any] = []


def build_site(root: FsPath, *, out: FsPath, today: datetime.date, production: bool = False,
               release: Any = None) -> int:
    """Validate and build; `release` (release.Release) is the footer's version, else read from Git."""
    _mark(None)
    result = validate(root, with_corpus=True)
    _last[:] = [result]
    _mark("校验")
    if production:
        from .checker import locate_all
        from .identity import production_problems

        result.problems.extend(locate_all(root, production_problems(result.corpus)))
    if has_errors(result.problems):
        click.echo(render("text", result.problems, len(result.corpus.documents)), nl=False, err=True)
        click.echo("数据有错误，未生成网站。请先修正以上问题（portal validate 可单独检查）。", err=True)
        return 1
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    os.environ[TODAY_ENV] = today.isoformat()
    _primed[root.resolve()] = result.corpus
    if release is None:
        from .release import describe

        # Before the last site is moved aside: its folders beside the site (`_set_aside`) would
        # otherwise count as uncommitted changes where the site is built inside the project.
        release = describe(root)
    _released[root.resolve()] = release
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    site_dir = out.resolve()
    _gated.add(site_dir)
    # The record of the last build's pages is taken (and removed) before the site folder changes.
    manifest = reuse.Manifest(root.resolve(), site_dir) if caching_enabled() else None
    last = manifest.take() if manifest is not None else ("", {}, "")
    deleting: list[Any] = []
    basis, kept = None, None
    try:
        # The hook is passed explicitly so any project folder (a synthetic corpus, a test
        # fixture) builds with this generator, whatever its mkdocs.yml says.
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir), hooks=[str(HOOK)])
        basis = _basis(result.corpus, config, today) if manifest is not None else None
        # Once mkdocs has accepted the folder: the last build's files moved aside, its record pages
        # where this build may take them back (shell.Plan.previous).
        moved, kept = _take_back(site_dir, root.resolve(), basis, last)
        deleting.extend(moved)
        build(config)
    except MkDocsException as exc:
        _written.pop(site_dir, None)
        click.echo(f"生成网站失败：{exc}", err=True)
        return 1
    finally:
        _gated.discard(site_dir)
        _reusing.pop(site_dir, None)
        _abandon()  # also when mkdocs stopped half-way
        if kept is not None:  # the last build's pages this one did not take back
            deleting.append(_delete(kept))
        for process in deleting:
            process.wait()
        _mark("删除上次生成的文件")
    leaks = _scanned.pop(site_dir)  # on_post_build scanned every page
    written = _written.pop(site_dir, None)
    if leaks:
        click.echo(_withdraw(out, leaks), nl=False, err=True)
        return 1
    recorded, kept_count, release = written if written is not None else ([], 0, "")
    if manifest is not None and basis is not None and written is not None:
        manifest.save(basis, recorded, release)
        _mark("记下所写的记录页面")
    kept_note = f"；{kept_count} 个记录页面与上次相同，沿用了上次生成的文件" if kept_count else ""
    click.echo(f"网站已生成：{out}（公示日期按 {today.isoformat()} 判断{kept_note}）")
    return 0


def caching_enabled() -> bool:
    """Whether `portal build` may use `.cache/portal/` (not with ``--no-cache``): the validation
    cache, and the record of the pages written (reuse.py)."""
    from . import checker

    return checker._use_cache


def _basis(corpus: Any, config: Any, today: datetime.date) -> str:
    """What every kept page's key holds for this build (reuse.basis)."""
    from .rules.personal_data import allowed_values

    return reuse.basis(corpus, today=today, site_url=config["site_url"] or "",
                       directory_urls=config["use_directory_urls"], allowed=allowed_values(corpus))


def _take_back(site_dir: FsPath, root: FsPath, basis: str | None,
               last: tuple[str, dict[str, Any], str]) -> tuple[list[Any], FsPath | None]:
    """The last build's files moved aside (`_set_aside`); with a `basis`, those that `last` (its
    basis, pages and release line) recorded under the same basis offered to this build (`_reusing`)."""
    last_basis, last_pages, last_release = last
    pages = last_pages if basis is not None and basis == last_basis else {}
    moved, kept = _set_aside(site_dir, root, {path.split("/", 1)[0] for path in pages})
    if basis is not None:
        _reusing[site_dir] = (basis, reuse.Previous(kept, pages, last_release) if kept is not None else None)
    return moved, kept


def _set_aside(site_dir: FsPath, root: FsPath, keep: set[str]) -> tuple[list[Any], FsPath | None]:
    """The previous build's files, moved out of `site_dir`: those not in the folders `keep` (top
    level) deleted by another process while this one builds (the processes, to wait for), and
    those in `keep` into a folder of their own for this build to take pages back from (or None).

    mkdocs empties the site folder before it builds: a county's 85,000 files took ~9 s to delete,
    mostly waiting on the file system (~2.5 s of CPU). Renamed into a sibling folder at once,
    they are deleted meanwhile. Dotfiles (a .git of a published branch) stay, as mkdocs keeps them;
    whatever cannot be moved, mkdocs deletes as before. Never the project itself (`--out .`).
    Folders a build that was stopped left beside the site are deleted too."""
    if root.is_relative_to(site_dir):
        return [], None
    try:
        entries = [entry for entry in os.scandir(site_dir) if not entry.name.startswith(".")]
        left = [FsPath(entry.path) for entry in os.scandir(site_dir.parent)
                if entry.name.startswith((f".{site_dir.name}-old-", f".{site_dir.name}-kept-"))]
        if not entries:
            return [_delete(folder) for folder in left], None
        trash = FsPath(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
        kept = (FsPath(tempfile.mkdtemp(prefix=f".{site_dir.name}-kept-", dir=site_dir.parent))
                if any(entry.name in keep for entry in entries) else None)
    except OSError:
        return [], None
    for entry in entries:
        try:
            os.rename(entry.path, (kept if kept is not None and entry.name in keep else trash) / entry.name)
        except OSError:
            break
    return [_delete(trash), *(_delete(folder) for folder in left)], kept


def _delete(folder: FsPath) -> Any:
    """A process deleting `folder`, to wait for."""
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], True)", str(folder)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve_site(root: FsPath, *, today: datetime.date, dev_addr: str) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort

    os.environ[TODAY_ENV] = today.isoformat()
    result = validate(root)  # before mkdocs opens its server: bad data stops here, with its problems
    if has_errors(result.problems):
        click.echo(render("text", result.problems, len(result.corpus.documents)), nl=False, err=True)
        click.echo("数据有错误，预览没有启动。请先修正以上问题（portal validate 可单独检查）。", err=True)
        return 1
    _primed[root.resolve()] = result.corpus
    _show_mkdocs_messages()
    click.echo(f"正在生成预览，完成后在浏览器中打开 http://{dev_addr}/ （按 Ctrl+C 停止）", err=True)
    # data/ is watched whatever the project's mkdocs.yml says: editing a record must show.
    watched = [str(root / "data"), str(root / "schemas")] if (root / "schemas").is_dir() else [str(root / "data")]
    try:
        serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True, hooks=[str(HOOK)],
              watch=watched)
    except Abort:
        click.echo("预览没有启动：请按以上提示修改后重新运行 portal serve。", err=True)
        return 1
    return 0


def _show_mkdocs_messages() -> None:
    """What stopped a build (errors in the data, personal data on a page), mkdocs says through its
    loggers, which only its own command line prints. Its notes (INFO: links to record pages it
    does not know, pages outside the nav) are by design here and left out."""
    log = logging.getLogger("mkdocs")
    if not any(isinstance(handler, _Messages) for handler in log.handlers):
        handler = _Messages()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.WARNING)


class _Messages(logging.StreamHandler):
    """mkdocs' messages on stderr, for `portal serve`."""


# The corpus of the build in progress, from `on_config` to `on_post_build`.
_building: dict[FsPath, Any] = {}
# Per build: the record pages to write (shell.py), list pages' articles (HtmlPage), placeholders.
_records: dict[FsPath, list] = {}
_articles: dict[str, str] = {}
_shells: dict[int, Any] = {}
# Per site folder: the generated files `on_files` wrote into it, for `on_env` to take out of mkdocs' list.
_direct: dict[FsPath, list[str]] = {}
# Per site folder: (path, key, file signature) of the search index's files, made or taken back.
_indexed: dict[FsPath, list] = {}
# Per site folder: the files taken back from the last build, scanned when it wrote them.
_taken: dict[FsPath, set[str]] = {}
# Per site folder, for `portal serve`: the values of its build kept for the next (reuse.Memo), in
# memory only, and those its last build used (`portal build` keeps them in the cache folder).
_memos: dict[FsPath, Any] = {}
_served_memos: dict[FsPath, Any] = {}
# Per site folder: the process putting the last build's record pages back (`on_files`), and
# what it put back, for the record pages' writers (shell.Plan.grafted).
_grafting: dict[FsPath, Any] = {}
_grafted: dict[FsPath, tuple[dict[str, Any], set[str]]] = {}
# Per site folder: the memo of the build under way (reuse.Memo), for the open data's counts (`on_post_build`).
_memo_of: dict[FsPath, Any] = {}
# Per site folder: every folder mkdocs writes a file into (`on_env`), for `_unscanned`.
_mkdocs_folders: dict[FsPath, set[str]] = {}
# Per site folder: the personal data found on every page the build wrote, for build_site.
_scanned: dict[FsPath, list] = {}
# Site folders whose findings build_site reads; for any other build (plain `mkdocs build` or
# `serve`) on_post_build itself withdraws the site and stops the build.
_gated: set[FsPath] = set()
# Per project: how many shells (folder depths) the record pages need.
_levels: dict[FsPath, int] = {}
# Per site folder: the record pages' writers (shell.Writing) and the open data's (FileJob, forking.Job).
_writing: dict[FsPath, Any] = {}
#: Projects whose record pages' writers have not started yet (see `_open_data_written`).
_waiting: set[FsPath] = set()
_jobs: dict[FsPath, tuple[Any, Any]] = {}
#: Per site folder built by `portal build`: the basis of the record pages' keys and the last
#: build's pages to take back (reuse.py); and, once written, (path, key, file signature) of each
#: record page with a key and how many were kept (shell.Writing.recorded, .kept).
_reusing: dict[FsPath, tuple[str, Any]] = {}
_written: dict[FsPath, Any] = {}
#: mkdocs' command (`on_startup`): "serve" for `portal serve`, whose builds keep pages too.
_command: list[str] = []
#: Per site folder of `portal serve` (a temporary folder, one a session): what its last build
#: recorded, (basis, path → (key, signature), release line), held in memory for its next build;
#: and, while a build runs, the folder of the last build's files to take back (`_set_aside`).
_served: dict[FsPath, tuple[str, dict[str, Any], str]] = {}
_aside: dict[FsPath, FsPath | None] = {}
_deleting: list[Any] = []  # serve's processes deleting the last sites' files, waited for at its end


def on_config(config: Any) -> Any:
    """mkdocs `on_config` event: load the data once, and take the site's identity from it."""
    from mkdocs.exceptions import PluginError

    from .identity import footer_html
    from .release import describe

    root = FsPath(config.config_file_path).resolve().parent
    corpus = _primed.pop(root, None)
    if corpus is None:
        _mark(None)  # `portal serve` (or plain mkdocs) validates here, each build
        result = validate(root, with_corpus=True)
        _mark("校验")
        if has_errors(result.problems):
            raise PluginError("数据有错误，未生成网站：\n"
                              + render("text", result.problems, len(result.corpus.documents)))
        corpus = result.corpus
    _building[root] = corpus
    site = corpus.site.data if corpus.site is not None else {}
    # data/site.yaml is the one source of the site's name, address and footer identity.
    config["site_name"] = site.get("name", config["site_name"])
    if site.get("base_url"):
        config["site_url"] = site["base_url"]
    release = _released.pop(root, None) or describe(root)
    config["copyright"] = footer_html(site, release)
    return config


def on_startup(command: str, dirty: bool) -> None:
    """mkdocs `on_startup` event: which command runs (`portal serve` runs "serve")."""
    _command[:] = [command]


def on_shutdown() -> None:
    """mkdocs `on_shutdown` event: `portal serve` has stopped; its folder is deleted."""
    _served.clear()
    for process in _deleting:
        process.wait()
    _deleting.clear()


def on_pre_build(config: Any) -> None:
    """mkdocs `on_pre_build` event, before mkdocs empties the site folder: for `portal serve`,
    the last build's files moved aside as `portal build` does (`build_site`), and those of its
    record pages, search index and open data whose keys are unchanged taken back (reuse.py).

    Serve rebuilds the whole site after every edit: a county's ~43,000 record pages took over a
    minute on one core (serve runs threads, so nothing is forked). Its record of the pages is kept
    in this process only: its folder lasts as long as the session."""
    site_dir = FsPath(config["site_dir"]).resolve()
    root = FsPath(config.config_file_path).resolve().parent
    corpus = _building.get(root)
    if _command != ["serve"] or site_dir in _gated or corpus is None or not caching_enabled():
        return
    _deleting[:] = [process for process in _deleting if process.poll() is None]
    moved, kept = _take_back(site_dir, root, _basis(corpus, config, _today()), _served.pop(site_dir, ("", {}, "")))
    _deleting.extend(moved)
    _aside[site_dir] = kept


def _served_build(site_dir: FsPath, leaks: list) -> None:
    """After a build of `portal serve`: what it wrote recorded for its next build (unless it found
    personal data, when the site is withdrawn), the last build's files left deleted."""
    kept = _aside.pop(site_dir)
    basis, _ = _reusing.pop(site_dir)
    written = _written.pop(site_dir, None)
    if kept is not None:  # the last build's pages this one did not take back
        _deleting.append(_delete(kept))
    memo = _memos.pop(site_dir, None)
    if not leaks and written is not None:
        recorded, _, release = written
        _served[site_dir] = (basis, {path: (key, sig) for path, key, sig in recorded}, release)
        if memo is not None:
            _served_memos[site_dir] = memo.following()


_clock: list[float] = []


def _mark(step: str | None) -> None:
    """With PORTAL_TIMINGS=1, how long each step of the build took, on stderr (for benchmarks/bench.py)."""
    import time

    now = time.perf_counter()
    if step is not None and _clock and os.environ.get("PORTAL_TIMINGS") == "1":
        click.echo(f"  {step}：{now - _clock[-1]:.2f} s", err=True)
    _clock[:] = [now]


def _today() -> datetime.date:
    today = os.environ.get(TODAY_ENV)
    return datetime.date.fromisoformat(today) if today else datetime.date.today()


def on_files(files: Any, config: Any) -> Any:
    """mkdocs `on_files` event: add every generated page to the build, in memory.

    Markdown pages and files go to mkdocs; a list page (`HtmlPage`) goes in as a placeholder whose
    article `on_page_content` puts back; record pages (`Deferred`) are kept for `on_post_build`,
    and one placeholder page per folder depth stands for them (shell.py).
    """
    from mkdocs.structure.files import File, Files

    from . import shell
    from .forking import Job
    from .pages import Deferred, HtmlPage
    from .pages.open_data import FileJob
    from .pages.search import IndexFiles
    from .render import pages
    from .rules.personal_data import allowed_values

    root = FsPath(config.config_file_path).resolve().parent
    corpus = _building[root]
    site_dir = FsPath(config["site_dir"]).resolve()
    directory_urls = config["use_directory_urls"]
    records: list = []
    _articles.clear()
    _shells.clear()
    _mark("mkdocs 读取配置和文档")

    def start(job: FileJob) -> None:
        if site_dir in _reusing:  # each dataset's files kept while what it is made from is unchanged
            from .datapackage import DATASET_READS

            basis, job.previous = _reusing[site_dir]
            job.keys = {name: key for name, kinds in DATASET_READS.items()
                        if (key := reuse.files_key(basis, name, corpus, kinds)) is not None}
            if memo is not None:  # a dataset whose counts are known is not made to be taken back
                job.counted = {name: counts for name, key in job.keys.items()
                               if (counts := memo.value(f"open-data-{name}", key)) is not None}
        # The indexes the writer reads, made here: this process reads them too, and made in the
        # child they would be made twice (a city's benchmark entries, ~10 s) and copied page by page.
        corpus.index_all()
        # Forked children (the open data's writer here, the record pages' writers once the shells
        # are rendered) share this process's memory while they run: the collector must not walk it.
        gc.freeze()
        _jobs[site_dir] = (job, Job(job.write, site_dir, allowed_values(corpus)))

    memo, grafting = None, None
    previous = _reusing[site_dir][1] if site_dir in _reusing else None
    if previous is not None:
        # Values made from one record each, kept between builds over the last site: not in a build
        # into an empty folder, whose memory peaks higher (loading them and keeping them took ~20 MB).
        if site_dir in _gated:
            memo = reuse.Memo.of_site(root, site_dir)
        else:
            memo = _memos[site_dir] = _served_memos.pop(site_dir, reuse.Memo())
        _memo_of[site_dir] = memo
        # The last build's record pages put back in place by another process while the pages are
        # made here (before anything is written into their folders); their keys are compared later.
        grafting = _grafting[site_dir] = Job(_graft, previous, site_dir)
    # The pages' values (and the memo's) live on to the end of the build: nothing the collector could
    # free, and walking them again and again, here and while mkdocs renders, took ~0.4 s of a rebuild.
    with reuse.no_collection():
        generated = pages(corpus, _today(), directory_urls=directory_urls, defer=True, on_job=start, memo=memo,
                          basis=_reusing[site_dir][0] if site_dir in _reusing else None)
    gc.freeze()  # until on_post_build is done
    _mark("生成列表页和搜索索引")
    if grafting is not None:
        paths = {shell.dest(uri, directory_urls) for uri, made in generated.items() if isinstance(made, Deferred)}
        _grafted[site_dir] = _unrecorded(site_dir, _grafted_by(grafting.result()), paths)
        del _grafting[site_dir]
    levels = {shell.depth(uri, directory_urls) for uri, content in generated.items() if isinstance(content, Deferred)}
    placeholders = {shell.shell_uri(level, directory_urls): shell.shell_markdown() for level in levels}
    direct = _direct.setdefault(site_dir, [])
    known = files.src_uris  # the generated URIs are POSIX paths already (get_file_from_path: ~5 us a page)
    for uri in list(generated):
        content = generated[uri]
        existing = known.get(uri)
        if existing is not None:
            files.remove(existing)
        if isinstance(content, FileJob):
            # Written straight into the site by a forked process (`start`) while the pages are
            # made; listed here so that links to the files are checked, and taken out in `on_env`.
            for file_uri in content.uris:
                files.append(File.generated(config, file_uri, abs_src_path=str(site_dir / file_uri)))
            del generated[uri]
            continue
        if isinstance(content, Deferred):
            records.append((uri, content))
            continue
        if isinstance(content, IndexFiles):
            for file_uri in _write_index(content, site_dir):
                files.append(File.generated(config, file_uri, abs_src_path=str(site_dir / file_uri)))
                direct.append(file_uri)
            del generated[uri]
            continue
        if not uri.endswith(".md"):
            # The search index, scripts, feeds (a county's search index is ~2,900 files): written
            # into the site now (mkdocs emptied it before this event) and let go, rather than held
            # in memory until mkdocs copies them, or staged elsewhere and copied: listed for the
            # links to them to be checked, and taken out in `on_env`, as the open data files are.
            target = site_dir / uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
            del generated[uri]
            files.append(File.generated(config, uri, abs_src_path=str(target)))
            direct.append(uri)
            continue
        if isinstance(content, HtmlPage):
            _articles[uri] = content.body
            # A heading of its own, so that the theme writes a skip link to it (`on_page_content`).
            content = (f"---\ntitle: {json.dumps(content.title, ensure_ascii=False)}\n---\n\n"
                       f"# {shell.TITLE}\n\n{shell.BODY}\n")
        files.append(File.generated(config, uri, content=content))
    _records[root] = records
    _levels[root] = len(levels)
    _waiting.add(root)
    # The placeholders first, so that mkdocs renders them before the other pages and the record
    # pages' writers can start while it renders the rest (`on_post_page`).
    shells = [File.generated(config, uri, content=text) for uri, text in placeholders.items()]
    return Files([*shells, *(file for file in files if file.src_uri not in placeholders)])


def _graft(previous: reuse.Previous, site_dir: FsPath) -> str:
    """Put the last build's record pages back (reuse.Previous.graft_recorded), in a forked process:
    what was put back, written to a file in the folder set aside, whose name is returned.

    Through the pipe, ~4 MB of answer would keep the process waiting until this one reads it, once
    the pages are made: meanwhile each memory page this one writes to (making the pages touches
    much of the corpus) would be copied, a county's build taking ~250 MB more at its peak."""
    import marshal

    kept, pure = previous.graft_recorded(str(site_dir))
    handle, name = tempfile.mkstemp(prefix=".grafted-", dir=previous.folder)
    with os.fdopen(handle, "wb") as out:
        marshal.dump((kept, sorted(pure)), out)
    return name


def _grafted_by(name: str) -> tuple[dict[str, Any], set[str]]:
    import marshal

    # ~43,000 entries: without the collector walking the build's millions of objects meanwhile (0.3 s),
    # and from bytes read at once: `marshal.load` of the file reads it in pieces a value (0.17 s, not 0.02).
    with open(name, "rb") as source, reuse.no_collection():
        kept, pure = marshal.loads(source.read())  # noqa: S302 - written by this build's own child (`_graft`)
    os.unlink(name)
    return kept, set(pure)


def _unrecorded(site_dir: FsPath, grafted: tuple[dict[str, Any], set[str]],
                records: set[str]) -> tuple[dict[str, Any], set[str]]:
    """The last build's record pages put back (reuse.Previous.graft_recorded) but for those this
    build does not write (a decision whose display ended, a record removed): those deleted, with
    their folders once empty."""
    put, pure = grafted
    for path in [path for path in put if path not in records]:
        del put[path]
        with contextlib.suppress(OSError):
            os.unlink(site_dir / path)
            folder = os.path.dirname(path)
            while folder and not os.listdir(site_dir / folder):
                os.rmdir(site_dir / folder)
                pure.discard(folder)
                folder = os.path.dirname(folder)
    return put, pure


def _write_index(index: Any, site_dir: FsPath) -> list[str]:
    """Write the search index's files (pages/search.IndexFiles) into the site, or, when its
    documents are those the last build's files were made from, take those back (reuse.py); the
    paths under the site. Either way they are checked for personal data with the other files."""
    from .cache import signature
    from .pages import search

    basis, previous = _reusing.get(site_dir, (None, None))
    key = reuse.index_key(basis, index.digest()) if basis is not None else None
    if key is not None and previous is not None:
        paths = previous.recorded_under(search.FOLDER, key)
        taken = previous.take_group(paths, key, str(site_dir)) if paths else None
        if taken is not None:
            _indexed[site_dir] = [(path, key, sig) for path, sig in taken]
            _taken.setdefault(site_dir, set()).update(paths)
            return paths
    made = index.files()
    recorded = []
    for path, text in made.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        if key is not None:
            recorded.append((path, key, signature(target.stat())))
    _indexed[site_dir] = recorded
    return list(made)


def on_env(env: Any, config: Any, files: Any) -> Any:
    """mkdocs `on_env` event: the open data files are the background writer's, and the other
    generated files are already written (`on_files`): not mkdocs' to copy. The theme's templates,
    loaded from here on, are kept compiled between builds (`render.bytecode_cache`)."""
    from .render import bytecode_cache

    env.bytecode_cache = bytecode_cache()
    site_dir = FsPath(config["site_dir"]).resolve()
    # Every folder mkdocs writes a file into (`_unscanned`).
    _mkdocs_folders[site_dir] = reuse.folders_above(file.dest_uri for file in files)
    job = _jobs.get(site_dir)
    written = [*(job[0].uris if job is not None else ()), *_direct.pop(site_dir, ())]
    for uri in written:
        file = files.get_file_from_path(uri)
        if file is not None:
            files.remove(file)
    return env


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """mkdocs `on_page_content` event: a list page's article, in place of its placeholder; its
    first heading is where the theme's skip link leads (`shell.SKIP_TARGET`, as on record pages)."""
    from .shell import BODY, SKIP_TARGET, TITLE

    # Taken out, not read: a county's decision list is ~25 MB of text, not to be held twice.
    article = _articles.pop(page.file.src_uri, None)
    if article is None:
        return html
    placeholder = re.search(f'<h1 id="([^"]*)">{TITLE}</h1>\\s*<p>{BODY}</p>', html)
    if placeholder is None:
        raise ValueError("列表页中找不到占位内容：Markdown 的标题写法可能改变了")
    for heading in page.toc:  # the placeholder's heading, the one entry: the skip link's target
        heading.id = SKIP_TARGET
    # One copy of a ~25 MB article, not three: the list templates write the id themselves.
    target = f'<h1 id="{SKIP_TARGET}">'
    if not article.startswith(target):
        article = article.replace("<h1>", target, 1)
    return html.replace(placeholder.group(0), article, 1)


def on_post_page(output: str, page: Any, config: Any) -> str:
    """mkdocs `on_post_page` event: the feed link in every head; the placeholder pages kept as shells."""
    from .pages.feed import on_post_page as feed_link
    from .shell import FOLDER, Shell, depth

    output = feed_link(output, page, config)
    if page.file.src_uri.startswith(f"{FOLDER}/"):
        _shells[depth(page.file.src_uri, config["use_directory_urls"])] = Shell.cut(output, page.canonical_url)
    if _waiting:
        root = FsPath(config.config_file_path).resolve().parent
        if len(_shells) == _levels.get(root) and _open_data_written(FsPath(config["site_dir"]).resolve()):
            _start_records(root, config)
    return output


def _unscanned(site_dir: FsPath) -> set[str]:
    """The folders of the last build's record pages put back (shell.Plan.pure) holding nothing
    else, not walked into to look for pages to scan: all but those mkdocs wrote a file into since."""
    writing = _writing.get(site_dir)
    pure = writing.plan.pure if writing is not None else _grafted.get(site_dir, ({}, set()))[1]
    return pure - _mkdocs_folders.pop(site_dir, set())


def _open_data_written(site_dir: FsPath) -> bool:
    """Whether the open data's writer (if any) has ended.

    The record pages' writers are forked only then, though their shells may be ready sooner:
    each process reading the corpus copies much of it (see shell.RECYCLE), and the open data's
    writer beside two record writers took a county's build to ~1.2 GB. Meanwhile this process
    renders mkdocs' other pages, scans them, then writes record pages itself (`shell.start`)."""
    job = _jobs.get(site_dir)
    sentinel = job[1].sentinel if job is not None else None
    return sentinel is None or bool(multiprocessing.connection.wait([sentinel], timeout=0))


def _start_records(root: FsPath, config: Any, meanwhile: int | None = None) -> None:
    """Every shell is rendered: the record pages' writers start, while mkdocs renders the rest
    (with `meanwhile`, see `shell.start`)."""
    from . import shell
    from .rules.personal_data import allowed_values

    _waiting.discard(root)
    corpus = _building.get(root)
    site_dir = FsPath(config["site_dir"]).resolve()
    plan = shell.Plan(_records.pop(root, []), site_dir, config["site_url"] or "", config["use_directory_urls"],
                      dict(_shells), allowed=allowed_values(corpus) if corpus is not None else frozenset(),
                      today=_today(), codes=root if caching_enabled() else None)
    if site_dir in _reusing and corpus is not None:
        from .pages import Context

        basis, plan.previous = _reusing[site_dir]
        plan.keys = reuse.Keys(corpus, Context, basis)
        plan.grafted = _grafted.pop(site_dir, None)
    _writing[site_dir] = shell.start(plan, meanwhile=meanwhile)


def on_post_build(config: Any) -> None:
    """mkdocs `on_post_build` event: wait for the record pages' and the open data's writers (started
    earlier), fill in the download page, rewrite the sitemap, and check every page mkdocs wrote."""
    import shutil

    from . import shell
    from .cache import signature
    from .pages.open_data import fill
    from .pii import scan_page, scan_site
    from .rules.personal_data import allowed_values

    _mark("mkdocs 渲染其余页面")
    root = FsPath(config.config_file_path).resolve().parent
    site_dir = FsPath(config["site_dir"]).resolve()
    directory_urls = config["use_directory_urls"]
    if root in _waiting and _open_data_written(site_dir):
        _start_records(root, config)
    records = _writing[site_dir].plan.pages if site_dir in _writing else _records.get(root, [])
    job, running = _jobs.get(site_dir, (None, None))
    # While the record pages or the open data are written: the pages mkdocs wrote (not those
    # being written, nor the download page, whose sizes and hashes are not filled in yet, nor
    # the files taken back from the last build, which it scanned).
    later = {shell.dest(uri, directory_urls) for uri, _ in records} | {"sitemap.xml"} | _taken.pop(site_dir, set())
    if job is not None:
        later.update(job.uris)
        later.add(shell.dest(job.page, directory_urls))
    allowed = allowed_values(_building[root]) if root in _building else frozenset()
    leaks = scan_site(site_dir, allowed=allowed, today=_today(), skip=later, processes=1,
                      prune=_unscanned(site_dir))
    _mark("检查 mkdocs 所写页面的个人信息")
    if root in _waiting:  # the open data is still being written: this process writes pages until it is
        _start_records(root, config, meanwhile=running.sentinel if running is not None else None)
    _building.pop(root, None)
    shutil.rmtree(site_dir / shell.FOLDER, ignore_errors=True)
    writing = _writing.pop(site_dir)
    plan = writing.plan
    written, found = writing.wait()
    leaks += found
    indexed = _indexed.pop(site_dir, [])
    if site_dir in _gated or site_dir in _aside:  # recorded by build_site, or for serve's next build
        _written[site_dir] = (writing.recorded + indexed, writing.kept, plan.release)
    _mark(f"写出 {len(written)} 个记录页面（{writing.kept} 个沿用上次的）")
    if job is not None:
        values, found, datasets, counted = running.result()
        memo = _memo_of.pop(site_dir, None)
        if memo is not None:
            for name, counts in counted.items():
                memo.keep(f"open-data-{name}", job.keys[name], counts)
        if site_dir in _written:  # the open data's files, made or taken back, for the next build
            _written[site_dir][0].extend(datasets)
        del _jobs[site_dir]
        page = shell.dest(job.page, plan.directory_urls)
        text = fill((site_dir / page).read_text(encoding="utf-8"), values)
        (site_dir / page).write_text(text, encoding="utf-8")
        leaks += found + scan_page(text, ".html", page, allowed=plan.allowed, today=plan.today)
        _mark("写出开放数据")
    gc.unfreeze()
    gz = site_dir / "sitemap.xml.gz"
    timestamp = int.from_bytes(gz.read_bytes()[4:8], "little") if gz.is_file() else 0
    sitemaps = shell.rewrite_sitemap(site_dir, [shell.address(uri, plan.directory_urls) for uri in plan.listed],
                                     site_url=plan.site_url, lastmod=shell.lastmod_of(site_dir), timestamp=timestamp)
    _, previous = _reusing.get(site_dir, (None, None))
    for name, text in sorted(sitemaps.items()):
        # A county's sitemap (~43,000 addresses) took a third of a second to scan: not scanned
        # again while it reads as the last build's, which was scanned (under the same basis).
        key = f"sitemap {hashlib.blake2b(text.encode('utf-8'), digest_size=20).hexdigest()}"
        if previous is None or previous.pages.get(name, ("",))[0] != key:
            leaks += scan_page(text, ".xml", name, allowed=plan.allowed, today=plan.today)
        if site_dir in _written and site_dir in _reusing:
            _written[site_dir][0].append((name, key, signature((site_dir / name).stat())))
    _mark("改写并检查站点地图")
    if site_dir in _aside:
        _served_build(site_dir, leaks)
    if site_dir in _gated:
        _scanned[site_dir] = leaks
    elif leaks:
        from mkdocs.exceptions import PluginError

        raise PluginError(_withdraw(site_dir, leaks))


def _withdraw(site_dir: FsPath, leaks: list) -> str:
    """The last gate: personal data on any written page (a docs/ page, a template, text the data
    checks allowed in its context) fails the build, and none of the pages stays published. The
    site folder is emptied; what to tell the user is returned."""
    from mkdocs.utils import clean_directory

    from .pii import SITE_SUFFIXES

    pages = sum(1 for page in site_dir.rglob("*") if page.suffix in SITE_SUFFIXES)
    clean_directory(str(site_dir))  # as mkdocs does before a build: dotfiles (.git) stay
    return (f"生成的网站（{site_dir}）中发现个人信息：\n{render('text', leaks, pages)}"
            f"网站未发布，已清空 {site_dir}。请按以上提示删除个人信息后重新生成。\n")


def on_build_error(error: Exception) -> None:
    """mkdocs `on_build_error` event: nothing keeps running after a failed build (`portal serve` too)."""
    _abandon()


def _abandon() -> None:
    """After a failed build: stop the background writers, let go of what the build held."""
    for writing in _writing.values():
        writing.cancel()
    for _, running in _jobs.values():
        running.cancel()
    _writing.clear()
    _waiting.clear()
    _jobs.clear()
    _direct.clear()
    _indexed.clear()
    _taken.clear()
    _mkdocs_folders.clear()
    for grafting in _grafting.values():
        grafting.cancel()
    _grafting.clear()
    _grafted.clear()
    _memo_of.clear()
    for site_dir, kept in _aside.items():  # serve's: its next build starts afresh
        _reusing.pop(site_dir, None)
        if kept is not None:
            _deleting.append(_delete(kept))
    _aside.clear()
    _records.clear()
    gc.unfreeze()
