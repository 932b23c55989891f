"""Record pages kept from the previous build when nothing they are made from has changed.

After one decision changes, a county's rebuild made all ~40,000 record pages again: ~30 s of
rendering, writing and scanning for one changed page. Now each record page (`pages.Deferred`)
has a key, a hash of everything its content can depend on:

- the build's basis (`basis`): the generator's code and templates, the libraries that render,
  Python, the day, the site's address and URL style, the page sizes, the schemas, the values the
  personal-data check allows, and the files any page may read (site.yaml, the calendars, the
  allowlist, releases.yaml); and the shell its article is poured into (theme, nav, footer), but for
  the footer's release line;
- its maker and the maker's arguments, walked: a record stands for the file it came from (its
  path and SHA-256), any other value for itself (`Keys`);
- the kinds of data files its maker reads through the build's `Context` (the maker's `reads`
  declaration): each kind as one hash over all its files.

A maker that declares nothing, or an argument of a type the walk does not know, gives no key,
and that page is always made. `portal build` moves the previous site aside (build._set_aside);
a page whose key is the one recorded when it was written there, its file unchanged since (size,
times, inode), is put back instead of being made, written and checked for personal data again:
its folders go back whole, cleared of every other file (`Graft`).
The footer's release line (version and commit) is not part of the key: a page kept from a build
of another commit gets this build's line written into it (shell.restamp), so that committing an
edit does not make every page again.
The record is kept in ``.cache/portal/`` (`Manifest`), signed with the cache's key so that a
record committed to the repository (or copied from elsewhere) is never trusted, and only after a
build that published: a build that stopped or found personal data leaves none.

tests/test_reuse.py changes every data file of the sample project in turn and checks that every
page whose key did not change is, made again, the same page, and that the changed record's own
page got a new key.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import gc
import hashlib
import hmac
import json
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path as FsPath
from typing import Any

from markupsafe import Markup

from . import cache
from .corpus import RECORD_KINDS, Corpus, Document, Ref

#: Kinds of data files every page may read (through the site's settings, display periods and
#: working days, the personal-data check): part of every page's key.
SHARED_KINDS = ("site", "calendar", "pii-allowlist", "releases")
#: Everything but the decisions: what pages of bodies, laws and benchmark documents read.
ALL_BUT_DECISIONS = ("agency", "law", "benchmark", "personnel", "items")
#: Libraries whose output is on the pages.
PACKAGES = ("Jinja2", "MarkupSafe", "zxing-cpp", "PyYAML", "mkdocs", "mkdocs-material")
#: Format of the record of written pages; bump when its layout changes.
FORMAT = 2

_PACKAGE_DIR = FsPath(__file__).resolve().parent


def reads(*kinds: str) -> Callable[[Callable], Callable]:
    """Declare the kinds of data files a page maker reads through the `Context` it is given
    (beyond its other arguments, which are walked): e.g. a decision's page reads its body, its
    item, the benchmark entry and the officers from the corpus."""
    unknown = set(kinds) - set(RECORD_KINDS)
    if unknown:
        raise ValueError(f"unknown kinds: {sorted(unknown)}")

    def declare(maker: Callable) -> Callable:
        maker.reads = tuple(sorted(kinds))  # type: ignore[attr-defined]
        return maker

    return declare


@functools.cache
def code_digest() -> str:
    """A hash of the generator's files (code, templates, scripts) and the libraries that render."""
    digest = hashlib.sha256(f"format {FORMAT}; python {sys.version}".encode())
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(cache.versions(PACKAGES).encode())
    return digest.hexdigest()


def basis(corpus: Corpus, *, today: datetime.date, site_url: str, directory_urls: bool,
          allowed: Iterable[str]) -> str | None:
    """What every page's key starts with (see the module's docstring); None when a file every
    page reads has no known hash (then no page is kept)."""
    from .pages import links, paging
    from .schemas import SCHEMA_DIR

    shared = corpus.digest_of(SHARED_KINDS)
    if shared is None:
        return None
    digest = hashlib.sha256()
    for part in (code_digest(), shared, today.isoformat(), site_url, str(directory_urls),
                 f"{paging.PAGE_ROWS} {links.ENTRY_ROWS}",
                 *(f"{path.name}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
                   for path in sorted(SCHEMA_DIR.iterdir()) if path.is_file()),
                 json.dumps(sorted(allowed), ensure_ascii=False)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def index_key(basis: str, digest: str) -> str:
    """The key of the search index's files (pages/search.IndexFiles): the build's basis (the
    code that makes them among it) and the digest of the documents they are made from."""
    return hashlib.blake2b(f"{basis}\0search-index\0{digest}".encode(), digest_size=20).hexdigest()


def files_key(basis: str, name: str, corpus: Corpus, kinds: Iterable[str]) -> str | None:
    """The key of a group of files made together (an open data set, `name`) from the data files
    of `kinds`: the build's basis and those files' paths and SHA-256; None where one has no hash."""
    digest = corpus.digest_of(kinds)
    if digest is None:
        return None
    return hashlib.blake2b(f"{basis}\0files\0{name}\0{digest}".encode(), digest_size=20).hexdigest()


@contextlib.contextmanager
def no_collection() -> Any:
    """The cyclic collector paused: making ~100,000 small containers (the keys' records, the
    record of written pages) would otherwise have it walk the whole loaded corpus again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Unkeyable(Exception):
    """A value the walk does not know how to hash: the page is made, never kept."""


class Keys:
    """The key of each record page of one build (see the module's docstring)."""

    def __init__(self, corpus: Corpus, context_type: type, basis: str):
        self.basis = basis
        self.context_type = context_type
        self._corpus = corpus
        #: id of a document, or of a record (a file's data, or a mapping in one of its lists) → its
        #: file's token. The corpus holds them for the whole build, so no id is reused meanwhile.
        self._records: dict[int, bytes] = {}
        with no_collection():
            self._index(corpus)
        self._kinds: dict[tuple[str, ...], str | None] = {}
        #: id of a large list or mapping already walked → its token (held, as above)
        self._memo: dict[int, tuple[Any, bytes]] = {}
        #: (id of a maker, shell) → (the maker, held; the hash of all the key has before the
        #: arguments, or None when the maker's pages have no key): a county has ~43,000 pages
        #: and a handful of makers.
        self._starts: dict[tuple[int, str], tuple[Callable, Any]] = {}

    def _index(self, corpus: Corpus) -> None:
        records = self._records
        for document in corpus.documents:
            found = token(corpus, document)
            if found is None:
                continue  # walked by value instead
            records[id(document)] = found
            data = document.data
            if type(data) is dict:
                records[id(data)] = found
                for value in data.values():
                    if type(value) is list:
                        for record in value:
                            if type(record) is dict:
                                records[id(record)] = found

    def key(self, make: Callable, args: tuple, shell: str) -> str | None:
        """The page's key, or None when it is to be made whatever the last build wrote."""
        start = self._starts.get((id(make), shell))
        if start is None:
            start = (make, self._start(make, shell))
            if not isinstance(make, functools.partial):  # a partial is made per page: not worth holding
                self._starts[(id(make), shell)] = start
        if start[1] is None:
            return None
        digest = start[1].copy()
        # The arguments, as `_feed` walks a tuple, with the usual ones (the build's context, a record,
        # an address) fed here: ~10 us less a page.
        digest.update(b"t%d(" % len(args))
        records, context_type = self._records, self.context_type
        try:
            for value in args:
                kind = type(value)
                if kind is str:
                    data = value.encode("utf-8", "surrogatepass")
                    digest.update(b"s%d:" % len(data))
                    digest.update(data)
                elif kind is dict and (found := records.get(id(value))) is not None:
                    digest.update(b"r")
                    digest.update(found)
                elif kind is context_type:
                    digest.update(b"C")
                else:
                    self._feed(digest, value)
        except (Unkeyable, RecursionError):
            return None
        return digest.hexdigest()

    def _start(self, make: Callable, shell: str) -> Any:
        """The hash of what a key holds before the page's arguments (see `key`), or None."""
        maker = make.func if isinstance(make, functools.partial) else make
        kinds = getattr(maker, "reads", None)
        if kinds is None:
            return None
        context = self._kinds.get(kinds)
        if context is None and kinds not in self._kinds:
            context = self._kinds[kinds] = self._corpus.digest_of(kinds)
        if context is None:
            return None
        digest = hashlib.blake2b(f"{self.basis}\0{shell}\0{context}\0".encode(), digest_size=20)
        try:
            self._feed(digest, make)
        except (Unkeyable, RecursionError):
            return None
        return digest

    def _feed(self, digest: Any, value: Any) -> None:
        kind = type(value)
        if kind is str or kind is Markup:
            data = value.encode("utf-8", "surrogatepass")
            digest.update(b"s%d:" % len(data))
            digest.update(data)
        elif value is None or kind is bool or kind is int or kind is float:
            digest.update(f"{kind.__name__}:{value!r};".encode())
        elif kind is dict or kind is list or kind is tuple:
            found = self._records.get(id(value)) or self._memo.get(id(value), (None, None))[1]
            if found is not None:
                digest.update(b"r")
                digest.update(found)
            elif len(value) < 8:  # small: walked into the page's hash itself
                digest.update(b"%s%d(" % (kind.__name__[0].encode(), len(value)))
                if kind is dict:
                    for key, item in value.items():
                        self._feed(digest, key)
                        self._feed(digest, item)
                else:
                    for item in value:
                        self._feed(digest, item)
            else:
                digest.update(b"r")
                digest.update(self._token(value))
        elif kind is set or kind is frozenset:
            digest.update(b"S")
            digest.update(self._token(value))
        elif isinstance(value, self.context_type):
            digest.update(b"C")  # what it gives the maker: its declared kinds, already in the key
        elif kind is Document or kind is Ref:
            document = value if kind is Document else value.document
            found = self._records.get(id(document))
            if found is None:
                raise Unkeyable(document.file)
            digest.update(b"D")
            digest.update(found)
            if kind is Ref:
                self._feed(digest, tuple(value.path))
        elif kind is datetime.date or kind is datetime.datetime:
            digest.update(f"{kind.__name__}:{value.isoformat()};".encode())
        elif isinstance(value, functools.partial):
            digest.update(b"P")
            self._feed(digest, value.func)
            self._feed(digest, value.args)
            self._feed(digest, sorted(value.keywords.items()))
        elif callable(value) and hasattr(value, "__qualname__") and hasattr(value, "__module__"):
            digest.update(f"F{value.__module__}.{value.__qualname__};".encode())
        elif dataclasses.is_dataclass(value) or isinstance(value, tuple):
            digest.update(f"T{kind.__module__}.{kind.__qualname__}:".encode())
            fields = ([getattr(value, field.name) for field in dataclasses.fields(value)]
                      if dataclasses.is_dataclass(value) else list(value))
            self._feed(digest, fields)
        else:
            raise Unkeyable(kind.__qualname__)

    def _alone(self, value: Any) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        self._feed(digest, value)
        return digest.digest()

    def _token(self, value: Any) -> bytes:
        found = self._records.get(id(value)) or self._memo.get(id(value), (None, None))[1]
        if found is not None:
            return found
        digest = hashlib.blake2b(type(value).__name__.encode(), digest_size=16)
        if type(value) is dict:
            for key, item in value.items():
                self._feed(digest, key)
                self._feed(digest, item)
        elif type(value) in (set, frozenset):
            for token in sorted(self._alone(item) for item in value):  # in no particular order
                digest.update(token)
        else:
            for item in value:
                self._feed(digest, item)
        token = digest.digest()
        self._memo[id(value)] = (value, token)
        return token


# --- the record of the pages a build wrote --------------------------------------------------------------


class Manifest:
    """The record pages of the last build into one site folder: path → (key, file signature).

    Kept in the project's cache folder, one file per site folder, signed (cache.py's key). ~43,000
    pages for a county: marshal reads and writes it in ~0.02 s, JSON took ~0.15 s each way."""

    def __init__(self, root: FsPath, site_dir: FsPath):
        self.path = root / cache.CACHE_DIR / f"pages-{site_name(site_dir)}.marshal"
        self.site_dir = str(site_dir)
        self.key = cache._secret()

    def take(self) -> tuple[str, dict[str, tuple[str, cache.Signature]], str]:
        """The basis, pages and release line the last build recorded, and the record removed: from
        now on the site folder changes, and only a build that publishes records it again."""
        found: tuple[str, dict[str, tuple[str, cache.Signature]], str] = ("", {}, "")
        with contextlib.suppress(OSError):  # the record as JSON, which builds before 452e325 kept (~7 MB)
            self.path.with_suffix(".json").unlink(missing_ok=True)
        try:
            data = self.path.read_bytes()
        except OSError:
            return found
        try:
            self.path.unlink()
        except OSError:
            return found  # a record that cannot be removed is not trusted either
        stored = signed_loads(self.key, data)
        if (not isinstance(stored, tuple) or len(stored) != 5 or stored[:2] != (FORMAT, self.site_dir)
                or not all(isinstance(value, str) for value in (stored[2], stored[4]))
                or not isinstance(stored[3], dict)):
            return found
        return stored[2], stored[3], stored[4]

    def save(self, basis: str, pages: Iterable[tuple[str, str, cache.Signature]], release: str = "") -> None:
        if self.key is not None:
            with no_collection():
                data = marshal.dumps((FORMAT, self.site_dir, basis, {path: (key, sig) for path, key, sig in pages},
                                      release))
            cache.write_atomic(self.path.parent, self.path.name, cache._mac(self.key, data) + data)


def signed_loads(key: bytes | None, data: bytes) -> Any:
    """What `data` holds if it is marshal signed with this user's `key` (cache.py), else None."""
    view = memoryview(data)  # ~16 MB for a county's memo: not copied to be checked
    if key is None or len(view) < 32 or not hmac.compare_digest(cache._mac(key, view[32:]), view[:32]):
        return None
    try:
        with no_collection():
            return marshal.loads(view[32:])  # noqa: S302 - signed by us, see above
    except (ValueError, EOFError, TypeError):
        return None


def site_name(site_dir: FsPath) -> str:
    """The name of a site folder's files in the cache folder (`Manifest`, `Memo`)."""
    return hashlib.sha256(str(site_dir).encode()).hexdigest()[:16]


class Memo:
    """Values each made from one record (a decision's line in the list's file of rows), kept from
    one build to the next: after a one-record change, a county's ~31,000 lines are looked up, not
    made again (0.7 s). Each `section` holds the values of one use under one context, a hash of
    everything but the record they are made from (the build's basis, the kinds of data files they
    read, the file they go into), so a value is only found again where it would be made the same;
    a record stands for its file (path and SHA-256, `token`).

    A section is a file of its own in ``.cache/portal/``, signed as the record of the pages is,
    read when the section is opened and written when it is closed (values are strings and tuples
    of them: marshal): a value is made from its record alone, whatever becomes of the build, and
    a county's ~20 MB of lines are not held while the build's memory peaks. Without a folder
    (`portal serve`), the values stay in memory for the next build (`following`).
    """

    def __init__(self, prefix: FsPath | None = None):
        #: The path of the sections' files but for ``-<name>.marshal``; None: in memory only.
        self.prefix = prefix
        self.key = cache._secret() if prefix is not None else None
        #: In memory only: each section's context and values, as the last build left them.
        self._last: dict[str, tuple[str, dict[str, Any]]] = {}
        self._now: dict[str, tuple[str, dict[str, Any]]] = {}

    @classmethod
    def of_site(cls, root: FsPath, site_dir: FsPath) -> Memo:
        """The memo of the builds of `root` into `site_dir`, kept in the cache folder."""
        return cls(root / cache.CACHE_DIR / f"memo-{site_name(site_dir)}")

    def following(self) -> Memo:
        """A memo in memory only (`portal serve`'s next build) holding what this build used."""
        memo = Memo()
        memo._last = self._now
        return memo

    def section(self, name: str, context: str) -> Section:
        """The values of `name` under `context`: those the last build kept (if under the same context).
        Asked for once a build; to be closed (``with``) once all its values have been asked for."""
        values: dict[str, Any] = {}
        if self.prefix is None:
            last_context, last = self._last.pop(name, ("", {}))
            self._now[name] = (context, values)
        else:
            last_context, last = self._load(self._path(name))
        return Section(self, name, context, last if last_context == context else {}, values,
                       (last_context, len(last)))

    def value(self, name: str, context: str) -> Any:
        """The one value of `name` the last build kept (`keep`) under `context`, or None."""
        if self.prefix is None:
            last_context, values = self._last.get(name, ("", {}))
        else:
            last_context, values = self._load(self._path(name))
        return values.get(b"") if last_context == context else None

    def keep(self, name: str, context: str, value: Any) -> None:
        """`value` as the one value of `name` under `context`, for the next build (`value`)."""
        if self.prefix is None:
            self._now[name] = (context, {b"": value})
        elif self.value(name, context) != value:
            self._save(name, context, {b"": value})

    def _path(self, name: str) -> FsPath:
        assert self.prefix is not None
        return self.prefix.with_name(f"{self.prefix.name}-{name}.marshal")

    def _load(self, path: FsPath) -> tuple[str, dict[str, Any]]:
        try:
            stored = signed_loads(self.key, path.read_bytes())
        except OSError:
            return "", {}
        if (not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != FORMAT
                or not isinstance(stored[1], str) or not isinstance(stored[2], dict)):
            return "", {}
        return stored[1], stored[2]

    def _save(self, name: str, context: str, values: dict[str, Any]) -> None:
        if self.prefix is None or self.key is None:
            return
        path = self._path(name)
        with no_collection():
            data = marshal.dumps((FORMAT, context, values))
        cache.write_atomic(path.parent, path.name, cache._mac(self.key, data) + data)


class Section:
    """One use's values in a `Memo`: `get` the value of a record, or make it and keep it; written
    when closed, if it is not what the last build kept already."""

    def __init__(self, memo: Memo, name: str, context: str, last: dict[str, Any], values: dict[str, Any],
                 was: tuple[str, int]):
        self._memo, self._name, self._context = memo, name, context
        self._last, self._values, self._was = last, values, was
        self._made = 0

    def get(self, token: bytes | str, make: Callable[[], Any]) -> Any:
        value = self._last.get(token)
        if value is None:
            value = make()
            self._made += 1
        self._values[token] = value
        return value

    def __enter__(self) -> Section:
        return self

    def __exit__(self, *exc: Any) -> None:
        values, self._values, self._last = self._values, {}, {}
        if exc[0] is None and (self._made or self._was != (self._context, len(values))):
            self._memo._save(self._name, self._context, values)


def token(corpus: Corpus, document: Document) -> bytes | None:
    """What stands for a record in a key (`Keys`) or a `Memo`: a hash of its file's path and
    SHA-256 (None if not known); 16 bytes, not the ~130 characters they are."""
    found = corpus.tokens.get(document.file, False)
    if found is False:
        digest = corpus.digests.get(document.file)
        found = corpus.tokens[document.file] = (
            None if digest is None else hashlib.blake2b(f"{document.file}\0{digest}".encode(), digest_size=16).digest())
    return found


def context_of(basis: str, *parts: str | None) -> str | None:
    """A `Memo` section's context: the build's basis and the other `parts` (None if one is unknown)."""
    if any(part is None for part in parts):
        return None
    return hashlib.blake2b("\0".join([basis, *parts]).encode(), digest_size=20).hexdigest()  # type: ignore[list-item]


@dataclasses.dataclass
class Previous:
    """The last build's record pages, moved aside into `folder` (build._set_aside), to be taken back."""

    folder: FsPath
    pages: dict[str, tuple[str, cache.Signature]]
    #: The footer's release line the last build wrote on its record pages (shell.Shell.release).
    release: str = ""

    def graft_recorded(self, site_dir: str) -> tuple[dict[str, cache.Signature], set[str]]:
        """Put back into `site_dir` every record page recorded whose file is as that build left it,
        before this build's keys are known (`Graft`): the pages put back (path → signature) and the
        folders holding nothing else. Those this build does not write, or writes with another key,
        are then removed or written over (build.on_files, shell.start)."""
        from .datapackage import FOLDER as OPEN_DATA
        from .pages.search import FOLDER as SEARCH

        groups = (SEARCH, f"{OPEN_DATA}/")  # taken back file by file, as a whole (`take_group`)
        expected = {path: entry[1] for path, entry in self.pages.items() if "/" in path and not path.startswith(groups)}
        graft = Graft(str(self.folder), site_dir, expected).run({path.split("/", 1)[0] for path in expected})
        return graft.kept, graft.pure

    def recorded_under(self, folder: str, key: str) -> list[str]:
        """The files the last build recorded under `folder` (``search/``), if it recorded them all
        with the key `key` (files made together, from the same input), else none."""
        paths = [path for path in self.pages if path.startswith(folder)]
        return paths if all(self.pages[path][0] == key for path in paths) else []

    def take_group(self, paths: list[str], key: str, site_dir: str) -> list[tuple[str, cache.Signature]] | None:
        """Move back every file of a group made together (the search index, an open data set),
        each with its signature now; None if any was not as recorded (then the whole group is
        to be made again, over the files already moved back)."""
        taken = [(path, self.take(path, key, site_dir)) for path in paths]
        return None if any(sig is None for _, sig in taken) else taken  # type: ignore[return-value]

    def take(self, path: str, key: str, site_dir: str) -> cache.Signature | None:
        """Move the last build's file at `path` back into the site if its key is `key` and it is
        as that build left it; its signature now, or None (then it is to be made)."""
        entry = self.pages.get(path)
        if entry is None or entry[0] != key:
            return None
        old = os.path.join(self.folder, path)
        target = os.path.join(site_dir, path)
        try:
            if cache.signature(os.stat(old)) != entry[1]:
                return None
            _rename(old, target)
            return cache.signature(os.stat(target))
        except OSError:
            return None


class Graft:
    """The last build's record pages that this build keeps, put back into the site folder in place.

    Taking the pages back one by one (a stat, a listing and a rename each, as `Previous.take` does
    the files of the search index) cost a county's rebuild ~1 s of its ~2 s for 43,000 pages. Here
    a folder of the last build goes back whole where the new site has none, and where it has one
    (mkdocs has written a body's decision list into ``decisions/<body>/``), whichever of the two
    holds fewer entries is moved into the other, which then takes its place (`_merge`). Each folder
    is still listed, and each page's file stat-ed, so that nothing is put back but the pages whose
    files are as recorded (`expected`); every other file of the last build (an old list page, a file
    put into the site folder since) stays in the folder set aside, which is deleted after the build.
    Which of the pages put back keep their place is decided once their keys are known (shell.start).
    """

    def __init__(self, old_root: str, new_root: str, expected: dict[str, cache.Signature]):
        self.old_root, self.new_root, self.expected = old_root, new_root, expected
        #: Every folder above an expected page, by its path under the site.
        self.below = folders_above(expected)
        #: The pages put back: path → signature (a file never moves itself, so it is the one checked).
        self.kept: dict[str, cache.Signature] = {}
        #: Folders put back that hold nothing but kept pages: scanned for personal data when written.
        self.pure: set[str] = set()
        self._trash: str | None = None
        self._discarded = 0

    def run(self, tops: Iterable[str]) -> Graft:
        """Put back what the top folders `tops` held of the expected pages; a folder that cannot be
        moved leaves its pages to be made (they are not in `kept`)."""
        for top in sorted(tops):
            if top not in self.below:
                continue
            kept, pure = set(self.kept), set(self.pure)
            try:
                self._merge(os.path.join(self.old_root, top), os.path.join(self.new_root, top), top)
            except OSError:  # whatever of it is in the site already is written over (shell._write)
                for path in set(self.kept) - kept:
                    del self.kept[path]
                self.pure = pure
        return self

    def _merge(self, old: str, new: str, rel: str) -> None:
        """Bring the kept pages under the old folder `old` into the new one `new` (both `rel`)."""
        try:
            fresh = {entry.name: entry.is_dir(follow_symlinks=False) for entry in os.scandir(new)}
        except FileNotFoundError:
            if self._clean(old, rel):
                os.rename(old, new)
            return
        entries = list(os.scandir(old))
        if sum(entry.name not in fresh for entry in entries) <= len(fresh):
            # Few of the last build's entries here: each one moved into the new folder.
            for entry in entries:
                path = f"{rel}/{entry.name}"
                if entry.name in fresh:
                    if fresh[entry.name] and entry.is_dir(follow_symlinks=False) and path in self.below:
                        self._merge(entry.path, os.path.join(new, entry.name), path)
                elif self._keep(entry, path):
                    os.rename(entry.path, os.path.join(new, entry.name))
            return
        # Many (a body's ~1,000 decision pages beside its list): the new entries moved into the old
        # folder, which is cleared of all it does not keep, then put where the new one was.
        for entry in entries:
            path = f"{rel}/{entry.name}"
            if entry.name in fresh:
                if fresh[entry.name] and entry.is_dir(follow_symlinks=False) and path in self.below:
                    self._merge(entry.path, os.path.join(new, entry.name), path)
                self._discard(entry.path)  # what the new build wrote takes its place
            elif not self._keep(entry, path):
                self._discard(entry.path)
        moved: list[str] = []
        try:
            for name in fresh:
                os.rename(os.path.join(new, name), os.path.join(old, name))
                moved.append(name)
            os.rmdir(new)
            try:
                os.rename(old, new)
            except OSError:
                os.mkdir(new)
                raise
        except OSError:
            for name in moved:  # the new build's files go back where it wrote them
                os.rename(os.path.join(old, name), os.path.join(new, name))
            raise

    def _keep(self, entry: os.DirEntry, path: str) -> bool:
        """Whether `entry` (of a folder that goes into the site) is kept: an expected page as recorded,
        or a folder with such pages and nothing else once `_clean`ed."""
        if entry.is_dir(follow_symlinks=False):
            return path in self.below and self._clean(entry.path, path)
        expected = self.expected.get(path)
        if expected is None:
            return False
        stat = entry.stat(follow_symlinks=False)
        found = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)  # cache.signature
        if found != expected:
            return False
        self.kept[path] = found
        return True

    def _clean(self, folder: str, rel: str) -> bool:
        """Move out of `folder` every entry not kept; whether it still holds any."""
        kept, keep = 0, self._keep
        with os.scandir(folder) as listing:
            entries = list(listing)  # all read before any is moved out
        for entry in entries:
            if keep(entry, f"{rel}/{entry.name}"):
                kept += 1
            else:
                self._discard(entry.path)
        if kept:  # nothing else is left in it
            self.pure.add(rel)
        return kept > 0

    def _discard(self, path: str) -> None:
        """Out of the folder that goes into the site: into one left in the folder set aside."""
        if self._trash is None:
            self._trash = tempfile.mkdtemp(prefix=".discarded-", dir=self.old_root)
        self._discarded += 1
        try:
            os.rename(path, os.path.join(self._trash, str(self._discarded)))
        except FileNotFoundError:  # merged into the new folder whole (`_merge`)
            pass


def folders_above(paths: Iterable[str]) -> set[str]:
    """Every folder above the files `paths` (``a/b/c.html`` → ``a``, ``a/b``)."""
    folders: set[str] = set()
    for path in paths:
        at = path.rfind("/")
        while at > 0 and (folder := path[:at]) not in folders:
            folders.add(folder)
            at = path.rfind("/", 0, at)
    return folders


def _rename(source: str, destination: str) -> None:
    """Move `source` to `destination`, making the folders above it if need be."""
    try:
        os.rename(source, destination)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        os.rename(source, destination)
