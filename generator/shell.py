"""Record pages outside mkdocs' per-page pipeline: the theme's page rendered once, filled per record.

mkdocs renders each page through Markdown and the whole theme template, a few milliseconds a
page; a county has ~40,000 record pages (decisions, items). Their articles are HTML already
(`pages.Deferred` → `pages.HtmlPage`), and everything around the article is the same for every
page at the same folder depth: relative links to the assets and the nav, header, footer. So:

1. `on_files` adds one placeholder page per depth (`shell_uri`) for mkdocs to render like any
   other page, with a title and an article that are unique tokens;
2. `on_post_page` keeps what mkdocs wrote for it, cut at the tokens (`Shell`);
3. `on_post_build` removes the placeholders and writes each record page as the shell's parts
   around its title, canonical address and article, in two processes (`write_pages`); each
   page is scanned for personal data as it is written, and the sitemap lists them.

mkdocs never sees these pages, so links to them are written as final addresses (links.href).
"""

from __future__ import annotations

import gc
import gzip
import html
import io
import multiprocessing
import multiprocessing.connection
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from . import qrcodes
from .forking import processors
from .pages import Deferred, HtmlPage
from .pages.paging import FOLDER as PAGES_FOLDER
from .pages.links import address
from .problems import Problem
from .render import escape

FOLDER = "_portal_shell"
TITLE = "PORTALSHELLTITLE"
BODY = "PORTALSHELLBODY"
#: Where the placeholder page's article is, as mkdocs renders its Markdown (`shell_markdown`),
#: with the id the theme gave its heading.
_ARTICLE = re.compile(f'<h1(?: id="([^"]*)")?>{TITLE}</h1>\\s*<p>{BODY}</p>')
#: The id of a record page's first heading, where its skip link (跳转至: past the header and
#: the navigation, for keyboard and screen-reader users) leads.
SKIP_TARGET = "page-title"
#: The footer's release line (identity.footer_html): which version and commit built the site.
_RELEASE = re.compile(r'<span class="portal-release">[^<]*</span>')
#: From this many pages to make, the QR codes drawn are read from and kept in the cache (qrcodes.Store).
CODES_FROM = 500
#: Below this many pages one process writes them all: forking costs more than it saves.
PARALLEL_FROM = 2000
#: A sitemap file lists at most this many addresses (sitemaps.org).
SITEMAP_LIMIT = 50_000


def depth(uri: str, directory_urls: bool) -> int:
    """How many folders deep the page at source `uri` is written (``decisions/x/y/`` → 3)."""
    return address(uri, directory_urls).count("/")


def shell_uri(level: int, directory_urls: bool) -> str:
    """The source URI of the placeholder page written at folder depth `level`."""
    for segments in range(1, level + 3):
        uri = "/".join([FOLDER, *["x"] * (segments - 1)]) + "/page.md"
        if depth(uri, directory_urls) == level:
            return uri
    raise ValueError(f"no placeholder page at depth {level}")


def shell_markdown() -> str:
    # A heading of the page's own: the theme then writes a skip link to it, as on every other page
    # (its table of contents lists what is below the title: nothing here).
    return f"---\ntitle: {TITLE}\n---\n\n# {TITLE}\n\n{BODY}\n"


#: A run of white space that holds a line break: the theme's indentation.
_INDENT = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*")
#: Where white space is kept as written (preformatted text), or may be (script and style text,
#: an attribute's value); a shell holding any of these is left exactly as the theme wrote it.
_VERBATIM = re.compile(r"<(?:pre|textarea|listing|xmp|plaintext)\b|`|=\s*\"[^\"]*\n|=\s*'[^']*\n", re.I)


def compact(output: str) -> str:
    """The theme's page without its indentation: each run of white space holding a line break
    becomes one line break.

    Every record page repeats the shell (~14 KB, a quarter of it indentation), and a city writes
    ~330,000 of them. Between tags and around text a browser renders any such run as one space
    or nothing, so the page looks and reads the same (tests/browser/test_site.py compares them);
    where white space can matter (`_VERBATIM`) nothing is changed."""
    if _VERBATIM.search(output):
        return output
    return _INDENT.sub("\n", output)


@dataclass(frozen=True)
class Shell:
    """A rendered placeholder page cut into the parts between its title, canonical address and article."""

    parts: tuple[str, ...]
    #: what goes between parts[i] and parts[i + 1]: "title", "url", "body" or "release"
    slots: tuple[str, ...]
    skip: bool = False  # whether the theme wrote a skip link (to `SKIP_TARGET`, see `fill`)
    #: The footer's release line as written (``<span class="portal-release">…</span>``), or "".
    #: A slot, not a part: every commit changes it, and it is not in the digest, so a page kept
    #: from the last build gets the new line written into it (`restamp`) instead of being made.
    release: str = ""

    @classmethod
    def cut(cls, output: str, canonical: str | None) -> Shell:
        output = compact(output)
        articles = list(_ARTICLE.finditer(output))
        if len(articles) != 1:
            raise ValueError("主题页面中找不到占位内容：主题模板可能改变了正文的写法")
        anchor = articles[0].group(1)
        skip = bool(anchor) and f'href="#{anchor}"' in output
        if skip:
            output = output.replace(f'href="#{anchor}"', f'href="#{SKIP_TARGET}"')
        literals = {articles[0].group(0): "body", TITLE: "title"}
        if canonical:
            literals[f'href="{html.escape(canonical)}"'] = "url"
        releases = set(_RELEASE.findall(output))
        if len(releases) > 1:
            raise ValueError("主题页面中有不止一种版本说明：页脚的写法可能改变了")
        release = releases.pop() if releases else ""
        if release:
            literals[release] = "release"
        pattern = "|".join(re.escape(literal) for literal in sorted(literals, key=len, reverse=True))
        pieces = re.split(f"({pattern})", output)
        return cls(tuple(pieces[0::2]), tuple(literals[token] for token in pieces[1::2]), skip, release)

    def digest(self) -> str:
        """A hash of the shell but its release line: part of each key of the pages poured into it (reuse.py)."""
        import hashlib

        return hashlib.sha256(repr((self.parts, self.slots, self.skip)).encode()).hexdigest()

    def fill(self, page: HtmlPage, url: str) -> str:
        body = page.body.replace("<h1>", f'<h1 id="{SKIP_TARGET}">', 1) if self.skip else page.body
        values = {"title": escape(page.title), "body": body, "url": f'href="{html.escape(url)}"',
                  "release": self.release}
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:], strict=True):
            out.append(values[slot])
            out.append(part)
        return "".join(out)


@dataclass
class Plan:
    """The record pages of one build and what writing them needs."""

    pages: Sequence[tuple[str, Deferred]]
    site_dir: FsPath
    site_url: str
    directory_urls: bool
    shells: dict[int, Shell]
    allowed: Any = frozenset()
    today: Any = None
    #: The keys of the pages (reuse.Keys) and the last build's pages to take back where a key is
    #: unchanged (reuse.Previous); without them every page is made.
    keys: Any = None
    previous: Any = None
    #: The keys of the first pages of `pages` (the heavy ones, once `start` has ordered them; all of
    #: them over the last build's site), and the digest of each shell (by depth), for the others' keys.
    page_keys: list[str | None] | None = None
    shell_digests: dict[int, str] = field(default_factory=dict)
    #: The last build's pages put back (`grafted`) that `start` keeps, their keys unchanged:
    #: path → file signature; those of them left to be written are only to be restamped.
    taken: dict[str, Any] = field(default_factory=dict)
    #: The folders put back that hold nothing but such pages (not to be scanned again).
    pure: set[str] = field(default_factory=set)
    #: The last build's pages put back before their keys were known (reuse.Previous.graft_recorded),
    #: and the folders holding nothing else; None if they were not.
    grafted: tuple[dict[str, Any], set[str]] | None = None
    #: The pages' addresses in the order the sitemap lists them (`start`, before any page is put back).
    listed: list[str] = field(default_factory=list)
    #: The project whose cache folder keeps the QR codes drawn (qrcodes.Store); None: not kept.
    codes: FsPath | None = None

    @property
    def release(self) -> str:
        """The release line the shells write (see `Shell.release`)."""
        return next(iter(self.shells.values())).release if self.shells else ""


def dest(uri: str, directory_urls: bool) -> str:
    """The file mkdocs would write for the page at source `uri` (always inside the site folder)."""
    url = address(uri, directory_urls)
    if uri.startswith("/") or ".." in uri.split("/") or "\\" in uri:
        # The schemas allow only letters, digits and hyphens in the ids pages are named by.
        raise ValueError(f"页面地址不在网站目录中：{uri}")
    return f"{url}index.html" if url.endswith("/") or not url else url


# The plan of the build in progress, inherited by the forked writers (never pickled).
_plan: Plan | None = None


#: What a task of the writers returns: the paths of the pages (made or kept), the personal data
#: found on those made, (path, key, file signature, kept) of each page that has a key, and the QR
#: codes it encoded and the addresses it drew (qrcodes.Store.take).
Done = tuple[list[str], list[Problem], list[tuple[str, str, tuple[int, int, int, int], bool]],
             tuple[dict[str, bytes], list[str]]]


def _write_range(bounds: tuple[int, int]) -> Done:
    from .cache import signature
    from .pii import scan_page

    assert _plan is not None
    plan, written, leaks, recorded = _plan, [], [], []
    site_dir = str(plan.site_dir)
    for index in range(bounds[0], bounds[1]):
        uri, deferred = plan.pages[index]
        path = dest(uri, plan.directory_urls)
        written.append(path)
        key = _key(plan, index)
        if path in plan.taken:
            # Made from the same files by the same code into the same shell: the last build's
            # page, checked for personal data when it was written, put back by `start`; here
            # only to get this build's release line, as another commit built it.
            kept = restamp(os.path.join(site_dir, path), plan.previous.release, plan.release)
            if kept is not None:
                recorded.append((path, key, kept, True))
                continue
        page = deferred()
        url = address(uri, plan.directory_urls)
        text = plan.shells[depth(uri, plan.directory_urls)].fill(page, plan.site_url + url)
        # Over the last build's site a page may be there already (not put back as a whole, or
        # without the release line): written as a new file, never into one (province.py links to them).
        stat = _write(os.path.join(site_dir, path), text.encode("utf-8"), anew=plan.previous is not None)
        if key is not None:
            recorded.append((path, key, signature(stat), False))
        # Only the article and title come from the data: the rest of the page is the shell, the
        # same on every page, and scanned once (`write_pages`). A finding is located on the page.
        if scan_page(f"<h1>{escape(page.title)}</h1>{page.body}", ".html", path, allowed=plan.allowed,
                     today=plan.today):
            leaks.extend(scan_page(text, ".html", path, allowed=plan.allowed, today=plan.today))
    return written, leaks, recorded, (qrcodes.store.take() if qrcodes.store is not None else ({}, []))


def restamp(path: str, old: str, new: str) -> tuple[int, int, int, int] | None:
    """Put the release line `new` where the page at `path` has `old` (the last in it: the footer's);
    the file's signature then, or None if it has no such line (then the page is to be made)."""
    from .cache import signature

    before = old.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        at = data.rfind(before) if before else -1
        if at < 0:
            return None
        # A new file in its place, not the old one changed: a copy elsewhere linked to it stays as it was.
        _write(f"{path}.new", data[:at] + new.encode("utf-8") + data[at + len(before):])
        os.replace(f"{path}.new", path)
        return signature(os.stat(path))  # after the rename, which changes its time of change
    except OSError:
        return None


def _key(plan: Plan, index: int) -> str | None:
    """The key of the page `plan.pages[index]` (reuse.py), or None (it is to be made)."""
    if plan.keys is None:
        return None
    if plan.page_keys is not None and index < len(plan.page_keys):
        return plan.page_keys[index]
    from .reuse import no_collection

    uri, deferred = plan.pages[index]
    if not isinstance(deferred, Deferred):
        return None
    with no_collection():
        return plan.keys.key(deferred.make, deferred.args, plan.shell_digests[depth(uri, plan.directory_urls)])


def _write(target: str, data: bytes, *, anew: bool = False) -> os.stat_result:
    """`data` as the file `target`, its folder made if need be: the fewest system calls (a county
    writes ~40,000 pages, each in a folder of its own). `anew`: a file there is replaced, not
    written into (another name for it, a hard link, keeps what it held)."""
    if anew:
        try:
            os.unlink(target)
        except FileNotFoundError:
            pass
    try:
        os.mkdir(os.path.dirname(target))
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
    handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:  # a write may take less than all (a full disk raises)
            view = view[os.write(handle, view):]
        return os.fstat(handle)
    finally:
        os.close(handle)


def write_pages(plan: Plan, *, processes: int | None = None) -> tuple[list[str], list[Problem]]:
    """Write every record page of `plan`; the paths written and the personal data found on them."""
    return start(plan, processes=processes).wait()


class Writing:
    """Record pages being written by forked processes (`start`), or to be written by `wait`."""

    def __init__(self, plan: Plan, ranges: list[tuple[int, int]], pool: Any = None, pending: Any = None,
                 done: list[Done] | None = None):
        self.plan, self.ranges, self.pool, self.pending = plan, ranges, pool, pending
        self.done = done or []  # what this process wrote before the writers started (`start`)
        #: Once waited for: (path, key, file signature) of every page with a key (reuse.Manifest),
        #: and how many pages were kept from the last build.
        self.recorded: list[tuple[str, str, tuple[int, int, int, int]]] = []
        self.kept = 0

    def wait(self) -> tuple[list[str], list[Problem]]:
        """The paths written and the personal data found on them, once every page is written."""
        global _plan
        codes = qrcodes.store  # let go of by `cancel`
        if self.pool is None:
            _plan = self.plan
            try:
                results = [*self.done, *(_write_range(bounds) for bounds in self.ranges)]
            finally:
                _plan = None
        else:
            try:
                results = [*self.done, *self.pending.get()]
            finally:
                self.cancel()
        written = [path for paths, *_ in results for path in paths]
        leaks = [leak for _, found, *_ in results for leak in found]
        self.recorded = [(path, key, sig) for _, _, recorded, _ in results for path, key, sig, _ in recorded]
        self.kept = sum(kept for _, _, recorded, _ in results for _, _, _, kept in recorded)
        qrcodes.store = None
        if codes is not None:  # what the writers encoded and drew, kept for the next build
            for _, _, _, (made, used) in results:
                codes.add(made, used)
            codes.save()
        from .pii import scan_page

        for level, shell in sorted(self.plan.shells.items()):  # with the release line, a slot of its own
            leaks.extend(scan_page("".join(shell.parts) + shell.release, ".html",
                                   f"{FOLDER}/（深度 {level} 的页面框架）", allowed=self.plan.allowed,
                                   today=self.plan.today))
        return written, leaks

    def cancel(self) -> None:
        """Stop the writers (if any still run) and let go of the plan they inherited."""
        global _plan
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
            _plan = None
            gc.unfreeze()
        qrcodes.store = None


def start(plan: Plan, *, processes: int | None = None, meanwhile: int | None = None) -> Writing:
    """Start writing the record pages of `plan` in the background, where it is worth it.

    Two processes (the machine's cores, at most 2 by default) share the pages when there are
    at least `PARALLEL_FROM`; they are forked, so they read the loaded corpus without copying it,
    and this process goes on (mkdocs renders the other pages) until `Writing.wait`. The pages that
    take longest (a body's, a law's, a benchmark document's first) are handed out first, each alone,
    so that neither process is left with a long one at the end (`plan.pages` is put in that order);
    the others in tasks of about the same work (`_weight`).
    With `meanwhile` (a file descriptor, `forking.Job.sentinel`), the writers are forked only once
    it is readable; until then this process writes pages itself, and `start` returns after.
    Over the last build's site (`plan.previous`), the pages put back whose keys are unchanged are
    kept here (`_put_back`), and only the others shared out: after a one-record change, a handful.
    """
    global _plan
    count = len(plan.pages)
    workers = processes if processes is not None else min(2, processors())
    if workers < 2 or count < PARALLEL_FROM or processors() < 2:
        workers = 1
    # The heavy pages first, a task each; then the light ones by address, which is the order their
    # records were loaded in (body, year, file): a task's pages then read records lying together
    # in memory, and a writer copies fewer of the memory pages it shares with this process when
    # it touches their reference counts.
    heavy = [page for page in plan.pages if not _light(page[0])]
    plan.pages = [*heavy, *sorted((page for page in plan.pages if _light(page[0])), key=lambda p: p[0])]
    plan.listed = [uri for uri, _ in plan.pages]
    done: list[Done] = []
    if plan.keys is not None:
        plan.shell_digests = {level: shell.digest() for level, shell in plan.shells.items()}
        if plan.previous is None:
            # The heavy pages' keys here: walking their arguments (every benchmark entry, every
            # citation) leaves the hashes of those large shared values for the writers to inherit;
            # the light pages' keys are then made by the writers, on both cores (`_key`).
            plan.page_keys = [_key(plan, index) for index in range(len(heavy))]
        else:
            heavy, count, done = _put_back(plan, heavy)
    if count < PARALLEL_FROM:
        workers = 1
    if plan.codes is not None and count >= CODES_FROM:
        # Opened here, to be inherited by the writers: reading it (~0.1 s a county) is worth it
        # only when many pages are to be made.
        qrcodes.store = qrcodes.Store.open(plan.codes)
    step = max(1, min(500, -(-count // (workers * 4))))
    ranges = [(index, index + 1) for index in range(len(heavy))]
    first, load = len(heavy), 0
    for index in range(len(heavy), count):  # about `step` decision pages' work a task
        load += _weight(plan.pages[index][0])
        if load >= step:
            ranges.append((first, index + 1))
            first, load = index + 1, 0
    if first < count:
        ranges.append((first, count))
    if workers == 1:
        return Writing(plan, ranges, done=done)
    if meanwhile is not None:
        # Until the process behind the file descriptor `meanwhile` has ended (the open data's
        # writer), this one writes pages itself: a writer forked now would copy much of the corpus
        # beside the two processes already reading it, and a core would otherwise wait.
        _plan = plan
        try:
            while ranges and not multiprocessing.connection.wait([meanwhile], timeout=0):
                done.append(_write_range(ranges.pop(0)))
        finally:
            _plan = None
        if not ranges:
            return Writing(plan, ranges, done=done)
    # Objects the collector never visits are not written to, so the forked writers keep sharing
    # the loaded corpus with this process instead of copying it page by page (until `wait`).
    gc.freeze()
    _plan = plan  # until `wait`: a writer forked later (see RECYCLE) inherits it too
    pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=RECYCLE)
    return Writing(plan, ranges, pool, pool.map_async(_write_range, ranges, chunksize=1), done)


def _put_back(plan: Plan, heavy: list) -> tuple[list, int, list[Done]]:
    """Over the last build's site: every page's key here; the pages put back as they were
    (`plan.grafted`) whose keys are unchanged are kept, and moved to the end of `plan.pages`, after those still
    to be written (heavy pages first; those put back too when they are to be restamped). The heavy
    pages still to be written, how many are, and what was done (`Done`)."""
    from .reuse import no_collection

    make_key, shells, urls = plan.keys.key, plan.shell_digests, plan.directory_urls
    with no_collection():
        keys = [make_key(deferred.make, deferred.args, shells[depth(uri, urls)]) if isinstance(deferred, Deferred)
                else None for uri, deferred in plan.pages]
    paths = [dest(uri, urls) for uri, _ in plan.pages]
    # Put back already (build.on_files): those whose key changed are written over (`_write`, anew).
    put, plan.pure = plan.grafted if plan.grafted is not None else ({}, set())
    recorded = plan.previous.pages
    plan.taken = {path: put[path] for path, key in zip(paths, keys, strict=True)
                  if path in put and key is not None and recorded[path][0] == key}
    restamping = plan.previous.release != plan.release
    left = [index for index, path in enumerate(paths) if restamping or path not in plan.taken]
    kept = [] if restamping else [index for index, path in enumerate(paths) if path in plan.taken]
    done: Done = ([paths[index] for index in kept], [],
                  [(paths[index], keys[index], plan.taken[paths[index]], True) for index in kept], ({}, []))
    heavy_left = sum(1 for index in left if index < len(heavy))
    order = [*left, *kept]  # `plan.pages` stays whole (the sitemap lists them all)
    plan.pages = [plan.pages[index] for index in order]
    plan.page_keys = [keys[index] for index in order]
    return plan.pages[:heavy_left], len(left), [done]


#: Tasks a writer does before it is replaced by a fresh fork. Rendering touches the reference
#: counts of the records it reads, so a writer slowly copies the corpus it shares with this
#: process (to ~400 MB each in a county); a fresh one shares it again.
RECYCLE = 12


#: Record pages that take about the same short time each (a decision's, an item's); the others
#: (bodies, benchmark documents, laws) can be a thousand times longer.
_LIGHT = ("decisions/", "items/")


def _light(uri: str) -> bool:
    """A decision's or an item's page, or a further page of a list or a benchmark document: a
    page of rows or entries, whose time is known well enough to share out (`_weight`)."""
    return uri.startswith(_LIGHT) or f"/{PAGES_FOLDER}/" in uri


def _weight(uri: str) -> int:
    """About how many decision pages' time a light page takes: a page of a benchmark document's
    entries (20, ~100 KB) ~8, a page of a list's rows (100, ~77 KB) ~5."""
    if f"/{PAGES_FOLDER}/" not in uri:
        return 1
    return 8 if uri.startswith("benchmarks/") else 5


_URL_BLOCK = re.compile(r"\s*<url>\s*<loc>([^<]*)</loc>.*?</url>", re.S)
_LASTMOD = re.compile(r"<lastmod>([^<]*)</lastmod>")


def rewrite_sitemap(site_dir: FsPath, extra: Sequence[str], *, site_url: str, lastmod: str,
                    timestamp: int) -> dict[str, str]:
    """mkdocs' sitemap without the placeholder pages, with the record pages' addresses added; the
    files written (name → text).

    Past `SITEMAP_LIMIT` addresses, sitemap.xml becomes an index of sitemap-1.xml, sitemap-2.xml, …
    """
    path = site_dir / "sitemap.xml"
    if not path.is_file():
        return {}
    entries = [(loc, block) for loc, block in ((m.group(1), m.group(0)) for m in _URL_BLOCK.finditer(
        path.read_text(encoding="utf-8"))) if f"/{FOLDER}/" not in loc and not loc.endswith(f"{FOLDER}/")]
    blocks = [block for _, block in entries]
    date = f"\n         <lastmod>{lastmod}</lastmod>" if lastmod else ""
    blocks.extend(f"\n    <url>\n         <loc>{html.escape(site_url + url)}</loc>{date}\n    </url>"
                  for url in extra)
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    namespace = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    for old in site_dir.glob("sitemap-*.xml*"):
        old.unlink()
    files = {}
    if len(blocks) <= SITEMAP_LIMIT:
        files[path.name] = f"{head}<urlset {namespace}>{''.join(blocks)}\n</urlset>"
    else:
        index = []
        for number, start in enumerate(range(0, len(blocks), SITEMAP_LIMIT), 1):
            name = f"sitemap-{number}.xml"
            files[name] = f"{head}<urlset {namespace}>{''.join(blocks[start:start + SITEMAP_LIMIT])}\n</urlset>"
            index.append(f"\n    <sitemap>\n         <loc>{html.escape(site_url + name)}</loc>{date}\n    </sitemap>")
        files[path.name] = f"{head}<sitemapindex {namespace}>{''.join(index)}\n</sitemapindex>"
    for name, text in files.items():
        _write_sitemap(site_dir / name, text, timestamp)
    return files


def _write_sitemap(path: FsPath, text: str, timestamp: int) -> None:
    data = text.encode("utf-8")
    path.write_bytes(data)
    buffer = io.BytesIO()
    # As mkdocs writes sitemap.xml.gz: the build time as the gzip time, so builds are reproducible.
    with gzip.GzipFile(fileobj=buffer, filename=f"{path}.gz", mode="wb", mtime=timestamp) as compressed:
        compressed.write(data)
    FsPath(f"{path}.gz").write_bytes(buffer.getvalue())


def lastmod_of(site_dir: FsPath) -> str:
    """The ``<lastmod>`` mkdocs wrote (the build date), or "" when it wrote none."""
    path = site_dir / "sitemap.xml"
    found = _LASTMOD.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return found.group(1) if found else ""
