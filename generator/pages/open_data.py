"""数据开放: the download page, and the files it offers (JSON, CSV, XLSX, datapackage.json).

The files are made by generator/datapackage.py from what the other pages show today; this
module adds them to the build beside the page, which lists each file with its size and SHA-256.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from .. import datapackage
from . import Context, decisions
from .feed import FEED

PAGE = f"{datapackage.FOLDER}/index.md"
#: What the page shows of a file before the file is made, ``PORTALFILE3XSIZE``, and of a
#: dataset's or table's records before they are: ``PORTALROWS2XDATASET`` (see `FileJob`).
_TOKEN = re.compile(r"PORTALFILE\d+X(?:BYTES|SIZE|SHA)|PORTALROWS\d+X(?:DATASET|TABLE)")


@dataclass
class FileJob:
    """The open data files: their paths are known when the pages are made, their records and bytes
    only once made (`sets`, `make`), and with them the counts, sizes and SHA-256 the download page lists.

    The page is made first with tokens in their place (`_TOKEN`); `fill` puts the values in. The
    build makes and writes the files in a forked process while mkdocs renders the pages
    (build.py), so the build's own process never holds the rows (~100 MB in a county); made
    here (`render_all`) the page is filled at once. Either way the page is the same.
    """

    makers: list[Callable[[], datapackage.Dataset]]  # datapackage.dataset_makers
    structure: list[datapackage.Dataset]  # the datasets without their rows
    today: datetime.date
    site: dict
    page: str  # the page whose tokens the files fill in
    uris: list[str]  # every file, by its path under the site
    #: Set by the build (reuse.py): each dataset's key by its name (none: no key), and the last
    #: build's files to take back (reuse.Previous) where a dataset's key is the one recorded.
    keys: dict[str, str] = field(default_factory=dict)
    previous: Any = None
    #: Set by the build too: the counts of records and of each table's rows (`_sizes`) of each
    #: dataset with a key, as the last build made it under that key (reuse.Memo). A dataset whose
    #: files are taken back is then not made at all (a county's benchmark entries: ~0.5 s).
    counted: dict[str, tuple[int, list[int]]] = field(default_factory=dict)
    _sets: list[datapackage.Dataset] | None = field(default=None, init=False, repr=False)

    @property
    def sets(self) -> list[datapackage.Dataset]:
        """The datasets with their records and rows, made the first time they are asked for."""
        if self._sets is None:
            self._sets = [make() for make in self.makers]
        return self._sets

    def make(self) -> dict[str, bytes]:
        return datapackage.files(self.sets, self.today, self.site)

    def write(self, site_dir: FsPath, allowed: Any = frozenset()) -> tuple[dict[str, str], list, list, dict]:
        """Make and write every file under `site_dir`, a dataset at a time; the tokens' values,
        any personal data found, (path, key, file signature) of each file of a dataset with a
        key (`keys`) and the counts (`counted`) of each dataset with a key, for the next build.
        One process: the build's others use the cores meanwhile,
        and a pool's workers would each copy much of the records they read (~1.5 GB in a county
        with two). A dataset whose files the last build wrote from the same data files, with the
        same code, is not written: its files are taken back (`previous`), as they were checked."""
        from ..cache import signature
        from ..reuse import no_collection

        sizes: list[tuple[int, list[int]]] = []
        strings: set[str] = set()
        recorded: list[tuple[str, str, Any]] = []
        counted: dict[str, tuple[int, list[int]]] = {}

        def seen(dataset: datapackage.Dataset) -> None:
            sizes.append(_sizes(dataset))
            strings.update(_strings([dataset]))
            key = self.keys.get(dataset.name)
            if key is not None:
                recorded.extend((path, key, signature((site_dir / path).stat())) for path in _paths(dataset))
                counted[dataset.name] = sizes[-1]

        def kept(described: datapackage.Dataset, make: Callable[[], datapackage.Dataset],
                 ) -> dict[str, tuple[int, str]] | None:
            key = self.keys.get(described.name)
            if key is None or self.previous is None:
                return None
            taken = self.previous.take_group(_paths(described), key, str(site_dir))
            if taken is None:
                return None  # a file not as the last build left it: all made again
            counts = self.counted.get(described.name)
            if counts is None:  # the last build's files, but not how many rows they hold
                counts = _sizes(make())
            sizes.append(counts)
            counted[described.name] = counts
            recorded.extend((path, key, sig) for path, sig in taken)
            return {path.rpartition("/")[2]: _measure(site_dir / path) for path, _ in taken}

        # A dataset's rows live until it is written: nothing the collector could free (~0.3 s of a rebuild's).
        with no_collection():
            written = datapackage.write_files(self.makers, self.structure, self.today, self.site, site_dir,
                                              each=seen, kept=kept)
        values = _counts(sizes)
        for uri, (size, digest) in written.items():
            values.update(self.values(uri, size, digest))
        return values, self.leaks(_OnDisk(site_dir, self.uris), allowed, strings), recorded, counted

    def leaks(self, made: Mapping[str, bytes], allowed: Any = frozenset(), strings: set[str] | None = None) -> list:
        """Personal data in the files `make` made: none, or each finding where a file holds it.

        The JSON, CSV and XLSX files are the records' values written three ways, and a county's
        repeat the same names and texts thousands of times (250 MB): each distinct value (and key)
        is read once instead, a line of its own, as a page scan reads a JSON string or a CSV field.
        Only when something is found are the files read, to say in which file, line and column;
        datapackage.json, which describes the files rather than holding records, is always read.
        """
        from ..pii import find, scan_page

        def scan(uri: str) -> list:
            return scan_page(made[uri].decode("utf-8", errors="replace"), FsPath(uri).suffix, uri, allowed=allowed,
                             today=self.today)

        values = sorted(_strings(self.sets) if strings is None else strings)
        findings = [f for start in range(0, len(values), _SCANNED_AT_ONCE)
                    for f in find("\n|\n".join(values[start:start + _SCANNED_AT_ONCE]), today=self.today)
                    if (f.kind, f.sha256) not in allowed]
        del values
        if not findings:
            return scan(self.uris[-1])
        located = [leak for uri in self.uris if not uri.endswith(".xlsx") for leak in scan(uri)]
        if located:
            return located
        from ..pii import SOURCE, SOURCES, describe
        from ..problems import Problem

        # Only a workbook can hold a value no text file shows: said of the workbooks.
        workbooks = [uri for uri in self.uris if uri.endswith(".xlsx")]
        return [Problem(f.code, describe(f, where=f"开放数据的工作簿（{'、'.join(workbooks)}）")
                        + "内容来自 data/ 中的数据，请在那里删除。", workbooks[0], source=SOURCES.get(f.kind, SOURCE))
                for f in findings]

    def values(self, uri: str, size: int, digest: str) -> dict[str, str]:
        """What the tokens of the file at `uri` stand for, given its size and SHA-256."""
        number = self.uris.index(uri)
        return {f"PORTALFILE{number}XBYTES": str(size), f"PORTALFILE{number}XSIZE": _size(size),
                f"PORTALFILE{number}XSHA": digest}

    def counts(self) -> dict[str, str]:
        """What the tokens of the datasets' record counts and the tables' row counts stand for."""
        return _counts([_sizes(dataset) for dataset in self.sets])


def _paths(dataset: datapackage.Dataset) -> list[str]:
    return [f"{datapackage.FOLDER}/{name}" for name in datapackage.dataset_file_names(dataset)]


def _measure(path: FsPath) -> tuple[int, str]:
    """A file's size and SHA-256, read in blocks (a county's workbooks are tens of MB)."""
    import hashlib

    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def _sizes(dataset: datapackage.Dataset) -> tuple[int, list[int]]:
    return len(dataset.records), [len(table.rows) for table in dataset.tables]


def _counts(sizes: list[tuple[int, list[int]]]) -> dict[str, str]:
    """The count tokens' values from each dataset's (records, [rows of each table])."""
    out = {f"PORTALROWS{number}XDATASET": str(records) for number, (records, _) in enumerate(sizes)}
    rows = [count for _, tables in sizes for count in tables]
    out.update((f"PORTALROWS{number}XTABLE", str(count)) for number, count in enumerate(rows))
    return out


#: Distinct values scanned as one text: all of a county's at once would add ~40 MB of text to
#: the open data's writer, whose memory adds to the build's (build._open_data_written).
_SCANNED_AT_ONCE = 10_000


class _OnDisk(Mapping[str, bytes]):
    """The files written under a site folder, read only if asked for."""

    def __init__(self, site_dir: FsPath, uris: list[str]):
        self.site_dir, self.uris = site_dir, uris

    def __getitem__(self, uri: str) -> bytes:
        return (self.site_dir / uri).read_bytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self.uris)

    def __len__(self) -> int:
        return len(self.uris)


def _strings(sets: list[datapackage.Dataset]) -> set[str]:
    """Every distinct key and value (as text) of the datasets' records and tables' rows.

    Written for speed (a county's records hold millions of values): exact types first, each
    dict or list once however many rows share it (a table's rows are often the records).
    """
    found: set[str] = set()
    add, seen = found.add, set()
    todo: list[Any] = [dataset.records for dataset in sets]
    todo.extend(table.rows for dataset in sets for table in dataset.tables if table.rows is not dataset.records)
    while todo:
        container = todo.pop()
        if id(container) in seen:
            continue
        seen.add(id(container))
        if isinstance(container, dict):
            found.update(key for key in container if isinstance(key, str))
            values = container.values()
        else:
            values = container
        for value in values:
            kind = value.__class__
            if kind is str:
                add(value)
            elif kind is dict or kind is list:
                todo.append(value)
            elif kind is int or kind is float:
                add(str(value))
            elif isinstance(value, str):
                add(value)
            elif isinstance(value, (dict, list)):
                todo.append(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                add(str(value))
    return found


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with every token replaced by its value."""
    return _TOKEN.sub(lambda match: values[match.group(0)], text)


def pages(ctx: Context, *, defer: bool = False) -> dict[str, Any]:
    """The download page and the files; with `defer`, the files as a `FileJob` (under the folder's URI)."""
    # What the page says of the datasets and their tables, before their records are made.
    sets = datapackage.datasets(ctx.corpus, ctx.schemas, ctx.site, ctx.shown, lambda d: _extra(ctx, d), rows=False)
    makers = datapackage.dataset_makers(ctx.corpus, ctx.schemas, ctx.site, ctx.shown, _extras(ctx))
    uris = datapackage.file_uris(sets)
    described = {uri.rpartition("/")[2]: {"name": uri.rpartition("/")[2], "bytes": f"PORTALFILE{number}XBYTES",
                                          "size": f"PORTALFILE{number}XSIZE", "sha256": f"PORTALFILE{number}XSHA"}
                 for number, uri in enumerate(uris)}
    tables = itertools.count()
    listing = [{"dataset": dataset, "records": f"PORTALROWS{number}XDATASET",
                "json": described[f"{dataset.name}.json"],
                "xlsx": described[f"{dataset.name}.xlsx"],
                "tables": [{"table": table, "rows": f"PORTALROWS{next(tables)}XTABLE",
                            "csv": described[f"{table.name}.csv"], "schema": datapackage.table_schema(table)}
                           for table in dataset.tables]}
               for number, dataset in enumerate(sets)]
    every = sorted(described.values(), key=lambda f: f["name"])
    page = ctx.env.get_template("open-data.md.j2").render(
        **ctx.base, src_uri=PAGE, listing=listing, files=every, package=described[datapackage.PACKAGE], feed=FEED)
    job = FileJob(makers, sets, ctx.today, ctx.site, PAGE, uris)
    if defer:
        if ctx.memo is not None and ctx.basis is not None:
            # What stands for each decision in the memo (`_extras`), made here before the writer is forked
            # (the pages ask for them too): made in the writer as well, they took ~0.2 s of its rebuild.
            for decision in ctx.shown:
                decisions.token_of(ctx, decision)
        return {PAGE: page, f"{datapackage.FOLDER}/": job}
    # Text files as text (so checks that search the generated pages read them too); workbooks as bytes.
    files = job.make()
    values = job.counts()
    for uri, data in files.items():
        values.update(job.values(uri, len(data), datapackage.sha256(data)))
    out: dict[str, Any] = {PAGE: fill(page, values)}
    for uri in list(files):
        data = files.pop(uri)
        out[uri] = data if uri.endswith(".xlsx") else data.decode("utf-8")
    return out


def _extras(ctx: Context) -> Callable[[dict], dict[str, str]]:
    """`_extra` of a decision, made for every decision on display when the first is asked for (by the
    open data's writer) and kept between builds by each decision's file (decisions.each_kept): the
    content hash alone, the JSON of the whole record, was ~0.5 s of the writer's work in a rebuild."""
    made: dict[int, dict[str, str]] = {}

    def extra(decision: dict) -> dict[str, str]:
        if not made:
            values = decisions.each_kept(ctx, "open-data-extra", (), ctx.shown, lambda d: _extra(ctx, d))
            made.update(zip(map(id, ctx.shown), values, strict=True))
        return made[id(decision)]  # the open data's decisions are those on display

    return extra


def _extra(ctx: Context, decision: dict) -> dict[str, str]:
    return {datapackage.PAGE_URL: decisions.page_url(ctx, decisions.page_uri(ctx, decision)),
            datapackage.CONTENT_HASH: decisions.content_hash(decision)}


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} 字节"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"
