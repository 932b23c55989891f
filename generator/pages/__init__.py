"""The generated pages, one module per family of pages.

Each module has ``pages(ctx) -> {src_uri: content}``; `render_all` builds the shared `Context`
once (what is on display today, bodies in order, records by body) and merges the families. A
new family of pages is a new module listed in `FAMILIES`. Content is one of:

- Markdown (``str`` under a ``.md`` URI): mkdocs renders it like a page under docs/;
- a file's text or bytes under any other URI (JSON, CSV, scripts): written into the site as is;
- `HtmlPage`: the page's article as HTML, already escaped, its links final relative URLs. A
  county has tens of thousands of record pages; mkdocs' per-page pipeline (Markdown, then the
  whole theme template) costs milliseconds each, so these pages skip it: mkdocs renders the
  theme's page once per folder depth around a placeholder and each record is poured into that
  shell (build.py, shell.py). A list page in the nav is an `HtmlPage` too, but mkdocs renders it
  whole so that the nav shows it as the current page;
- `Deferred`: an `HtmlPage` made only when it is written, so that a county's pages are never all
  in memory at once, and can be made by two processes;
- `open_data.FileJob` (only when deferred): the open data files, written by the build while mkdocs
  renders the pages;
- `search.IndexFiles` (only when deferred): the search index's files, made when the build writes
  them, unless it takes the last build's back.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2

from ..corpus import Corpus
from ..schemas import SchemaSet


@dataclass(frozen=True)
class HtmlPage:
    """A page's title (plain text) and article (HTML, starting with its ``<h1>``)."""

    title: str
    body: str


@dataclass(frozen=True)
class Deferred:
    """An `HtmlPage` to make when it is written: ``make(*args)``."""

    make: Callable[..., HtmlPage]
    args: tuple = ()

    def __call__(self) -> HtmlPage:
        return self.make(*self.args)


@dataclass
class Context:
    corpus: Corpus
    env: jinja2.Environment
    today: datetime.date
    schemas: SchemaSet
    site: dict[str, Any] = field(default_factory=dict)
    agencies: list[dict] = field(default_factory=list)  # county bodies first, then towns
    shown: list[dict] = field(default_factory=list)  # decisions on display today, newest first
    names: dict[str, str] = field(default_factory=dict)  # agency id → short name
    directory_urls: bool = True  # mkdocs' use_directory_urls: page addresses end in / (see decisions.page_url)
    decision_uris: dict[int, str] = field(default_factory=dict)  # id(decision) → its page's URI (decisions.page_uri)
    decision_documents: dict[int, Any] = field(default_factory=dict)  # id(decision) → its file (decisions.document_of)
    decision_tokens: dict[int, bytes | None] = field(default_factory=dict)  # id(decision) → decisions.token_of
    law_citing: dict[str, Any] = field(default_factory=dict)  # law id → its articles' citing records (laws.pages)
    entry_uris: dict[str, str] = field(default_factory=dict)  # benchmark entry id → page URI#anchor (links.entry_uris)
    #: Values made from one record each, kept between builds (reuse.Memo), and the build's basis
    #: (reuse.basis) they are kept under; without them every value is made.
    memo: Any = None
    basis: str | None = None

    @property
    def base(self) -> dict[str, Any]:
        """What every template receives."""
        return {"site": self.site, "today": self.today.isoformat(), "directory_urls": self.directory_urls}

    def kept(self, name: str, kinds: tuple[str, ...], *parts: str) -> Any:
        """The values of `name` kept between builds (a reuse.Section), each made from one record
        and the data files of `kinds`, for `parts` (the file they go into); None without a memo."""
        from ..reuse import context_of

        if self.memo is None or self.basis is None:
            return None
        context = context_of(self.basis, self.corpus.digest_of(kinds), str(self.directory_urls), *parts)
        return None if context is None else self.memo.section(name, context)

    def whole(self, name: str, kinds: tuple[str, ...], make: Callable[[], Any], *parts: str) -> Any:
        """``make()``, a value made from the data files of `kinds` alone (for `parts`), kept between
        builds (`kept`) while they are unchanged: after a decision changes, the values made from
        the county's ~30,000 benchmark entries or ~10,000 items are read back, not made again."""
        section = self.kept(name, kinds, *parts)
        if section is None:
            return make()
        with section:
            return section.get(b"", make)

    def by_agency(self, index: dict[str, list]) -> dict[str, list[dict]]:
        """Records of a corpus index grouped by the body whose folder holds them."""
        grouped: dict[str, list[dict]] = {}
        for refs in index.values():
            ref = refs[0]
            grouped.setdefault(ref.document.placement.agency, []).append(ref.value)
        return grouped


def context(corpus: Corpus, today: datetime.date, env: jinja2.Environment,
            schemas: SchemaSet | None = None) -> Context:
    from ..render import visible

    site = corpus.site.data if corpus.site else {}
    agencies = sorted((refs[0].value for refs in corpus.agencies.values()),
                      key=lambda a: (a.get("level") != "县级", a.get("id")))
    decisions = [refs[0].value for refs in corpus.decisions.values()]
    shown = sorted((d for d in decisions if visible(d, today, site)),
                   key=lambda d: (d.get("decided_on"), d.get("doc_no")), reverse=True)
    return Context(corpus, env, today, schemas or SchemaSet(), site, agencies, shown,
                   {a["id"]: a.get("short_name", a["id"]) for a in agencies})


def render_all(corpus: Corpus, today: datetime.date, env: jinja2.Environment,
               schemas: SchemaSet | None = None, *, directory_urls: bool = True,
               defer: bool = False, on_job: Callable[[Any], None] | None = None, memo: Any = None,
               basis: str | None = None) -> dict[str, Any]:
    """Every generated page by its source URI; `Deferred` pages are made here unless `defer`.

    With `defer`, the open data files are an `open_data.FileJob`, made first and given to `on_job`
    (if any) before the other pages are made, so that they can be written meanwhile.
    """
    from . import (agencies, benchmarks, decisions, feed, home, items, laws, links, open_data, reference, releases,
                   search)

    ctx = context(corpus, today, env, schemas)
    ctx.directory_urls = directory_urls
    ctx.memo, ctx.basis = memo, basis
    ctx.entry_uris = ctx.whole("entry-uris", ("benchmark",), functools.partial(links.entry_uris, corpus))
    links.install(env, corpus, ctx.entry_uris)
    out: dict[str, Any] = open_data.pages(ctx, defer=defer)
    if on_job is not None:
        for content in out.values():
            if isinstance(content, open_data.FileJob):
                on_job(content)
    for family in (home, agencies, decisions, reference, items, benchmarks, laws, feed, releases, search):
        out.update(family.pages(ctx))
    if not defer:
        made: dict[str, Any] = {}
        for uri, content in out.items():
            if isinstance(content, search.IndexFiles):
                made.update(content.files())
            else:
                made[uri] = content() if isinstance(content, Deferred) else content
        out = made
    return out
