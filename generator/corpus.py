"""The loaded project: every data file, typed by its schema, with indexes for the rules.

Rules read the corpus and never the file system. Files that loaded but broke their schema
stay in the corpus (their schema problems are already reported), so one bad field does
not make every reference to that file look broken; rules therefore check the type of any
value they read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath
from typing import Any
from collections.abc import Iterable, Iterator

from .layout import Placement
from .problems import Path


@dataclass
class Document:
    placement: Placement
    data: Any
    #: values of tracked shared definitions: (definition, path, text); see schemas.TRACKED_DEFS
    tracked: list[tuple[str, Path, str]] = field(default_factory=list)
    valid: bool = True

    @property
    def file(self) -> str:
        return self.placement.rel

    @property
    def kind(self) -> str:
        return self.placement.kind

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def records(self, key: str) -> Iterator[tuple[Path, dict]]:
        """The mappings in the list under `key`, with their paths (items, officers, entries)."""
        values = self.get(key)
        if isinstance(values, list):
            for index, value in enumerate(values):
                if isinstance(value, dict):
                    yield (key, index), value


@dataclass(frozen=True)
class Ref:
    """A record somewhere in the corpus: the file, its path there, and its value."""

    document: Document
    path: Path
    value: Any

    @property
    def file(self) -> str:
        return self.document.file


#: The kinds of data files that hold records (the rest are settings: the site, calendars, the
#: personal-data allowlist, releases). A rule or a page declares which of these it reads.
RECORD_KINDS = ("agency", "law", "benchmark", "personnel", "items", "decision")
#: Each index of records, by the kind of file it is made from.
_INDEX_KINDS = {"agencies": "agency", "laws": "law", "items": "items", "officers": "personnel",
                "benchmark_documents": "benchmark", "entries": "benchmark", "decisions": "decision"}


class Corpus:
    def __init__(self, root: FsPath, documents: list[Document]):
        self.root = root
        self.documents = documents
        #: data file → SHA-256 of its bytes, for every document whose bytes were read whole
        #: (checker.py fills it in; the record pages' keys use it, see reuse.py)
        self.digests: dict[str, str] = {}
        #: data file → its token (reuse.token), made once a build: the pages, the open data's writer and
        #: the record pages' keys all ask for the county's ~31,000 decisions on display
        self.tokens: dict[str, bytes | None] = {}
        self.by_kind: dict[str, list[Document]] = defaultdict(list)
        self._views: dict[frozenset[str], Corpus] = {}  # `only`'s views, by the kinds they keep
        for document in documents:
            self.by_kind[document.kind].append(document)

    def of(self, kind: str) -> list[Document]:
        return self.by_kind.get(kind, [])

    def only(self, kinds: tuple[str, ...], *, each: tuple[str, ...] = (),
             files: frozenset[str] | set[str] = frozenset()) -> Corpus:
        """The corpus as a reader of only the records of `kinds` sees it: the files of the other
        record kinds left out, every settings file kept. A rule run on it cannot depend on the
        files left out, so its answer holds while the files it sees are unchanged (checker.py).
        With `each`, of the files of those kinds only those in `files` are kept: a rule that checks
        such files one by one is run again on the changed ones alone.
        The indexes already made of the kinds kept whole are shared, not made again."""
        seen = frozenset(kind for kind in self.by_kind if kind not in RECORD_KINDS or kind in kinds)
        if each:  # a few files of `each` among many: picked from their kinds, not the whole corpus
            picked = {kind: [document for document in self.by_kind[kind] if document.file in files]
                      for kind in each if kind in seen}
            view = Corpus(self.root, [document for kind in self.by_kind if kind in seen
                                      for document in picked.get(kind, self.by_kind[kind])])
        elif seen == frozenset(self.by_kind):
            return self  # nothing to leave out
        elif seen in self._views:  # several rules read the same kinds: one view, one set of indexes
            return self._views[seen]
        else:
            view = self._views[seen] = Corpus(self.root, [document for document in self.documents
                                                          if document.kind in seen])
        view.digests, view.tokens = self.digests, self.tokens
        for name, kind in _INDEX_KINDS.items():
            if kind in seen and kind not in each and name in self.__dict__:  # a cached_property already computed
                view.__dict__[name] = self.__dict__[name]
        return view

    def digest_of(self, kinds: Iterable[str]) -> str | None:
        """A SHA-256 of the names and contents of the files of `kinds` (None if one is unknown):
        what a reader of only those kinds depends on (checker.run_rules, reuse.Keys)."""
        digest = hashlib.sha256()
        for kind in kinds:
            digest.update(f"[{kind}]".encode())
            for document in self.of(kind):
                known = self.digests.get(document.file)
                if known is None:
                    return None
                digest.update(f"{document.file}\0{known}\0".encode())
        return digest.hexdigest()

    def forget_views(self) -> None:
        """Let go of the views `only` made (and the indexes made on them)."""
        self._views.clear()

    @cached_property
    def site(self) -> Document | None:
        sites = self.of("site")
        return sites[0] if sites else None

    #: The indexes below, by name: made by `index_all` before a process forks, so that the forked
    #: ones read this process's instead of each making its own.
    INDEXES = ("site", "agencies", "laws", "items", "officers", "benchmark_documents", "entries", "decisions")

    def index_all(self) -> None:
        """Make every index (`INDEXES`) not made yet."""
        for index in self.INDEXES:
            getattr(self, index)

    def _index(self, kind: str, list_key: str | None, id_key: str) -> dict[str, list[Ref]]:
        index: dict[str, list[Ref]] = defaultdict(list)
        for document in self.of(kind):
            if list_key is None:
                rows: Iterator[tuple[Path, dict]] = iter([((), document.data)]) if isinstance(
                    document.data, dict) else iter(())
            else:
                rows = document.records(list_key)
            for path, record in rows:
                key = record.get(id_key)
                if isinstance(key, str):
                    index[key].append(Ref(document, path, record))
        return dict(index)

    @cached_property
    def agencies(self) -> dict[str, list[Ref]]:
        return self._index("agency", None, "id")

    @cached_property
    def laws(self) -> dict[str, list[Ref]]:
        return self._index("law", None, "id")

    @cached_property
    def items(self) -> dict[str, list[Ref]]:
        return self._index("items", "items", "code")

    @cached_property
    def officers(self) -> dict[str, list[Ref]]:
        return self._index("personnel", "officers", "cert_no")

    @cached_property
    def benchmark_documents(self) -> dict[str, list[Ref]]:
        return self._index("benchmark", None, "id")

    @cached_property
    def entries(self) -> dict[str, list[Ref]]:
        return self._index("benchmark", "entries", "id")

    @cached_property
    def decisions(self) -> dict[str, list[Ref]]:
        return self._index("decision", None, "doc_no")

    def agency(self, agency_id: Any) -> dict | None:
        refs = self.agencies.get(agency_id) if isinstance(agency_id, str) else None
        return refs[0].value if refs else None

    def tracked(self, definition: str) -> Iterator[tuple[Document, Path, str]]:
        for document in self.documents:
            for defn, path, value in document.tracked:
                if defn == definition:
                    yield document, path, value
