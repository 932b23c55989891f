"""Where each generated page lives, and links between them written as Markdown.

Links are relative ``.md`` paths, so mkdocs rewrites them for either ``use_directory_urls``
setting and, in strict mode, fails the build on a missing page or anchor. Templates that link
receive ``src_uri`` (the page's own source URI) and call the globals installed here:

- ``link(uri)``: the relative path from the page to another page (``agencies/x.md``);
- ``cite(text)``: a citation as written, with the law's name and first article linked to that
  article's anchor on the law page and each further article linked to its own anchor.

HTML pages (`HtmlPage`: record pages outside mkdocs' per-page pipeline, see pages/__init__.py)
are not rewritten by mkdocs, so their templates call ``href(uri)`` and ``cite_html(text)``
instead, which write the final address (``../../agencies/x/``) the way mkdocs would; the
link check of the built site (tests/test_links.py) covers them like every other page.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .. import citations
from ..corpus import Corpus
from ..render import escape
from ..rules.legal_citations import law_names


def relative(src_uri: str, target: str) -> Markup:
    """`target` (a src URI, optionally with ``#anchor``) as seen from the page `src_uri`."""
    path, _, anchor = target.partition("#")
    rel = posixpath.relpath(path, posixpath.dirname(src_uri) or ".")
    url = quote(rel, safe="/.-_") + (f"#{quote(anchor, safe='-_.')}" if anchor else "")
    return Markup(url)  # noqa: S704 - percent-encoded: nothing in it starts HTML or Markdown


def address(uri: str, directory_urls: bool = True) -> str:
    """The address mkdocs gives the page at source `uri`, from the site's root (``agencies/x/``).

    Anything but a ``.md`` page keeps its path (``assets/table-filter.js``).
    """
    if not uri.endswith(".md"):
        return uri
    stem = uri[:-3]
    if not directory_urls:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/"


def href(src_uri: str, target: str, directory_urls: bool = True) -> Markup:
    """The final relative address of `target` (a source URI, optionally with ``#anchor``) from `src_uri`."""
    from mkdocs.utils import get_relative_url

    path, _, anchor = target.partition("#")
    url = get_relative_url(address(path, directory_urls) or ".", address(src_uri, directory_urls) or ".")
    url = quote(url, safe="/.-_") + (f"#{quote(anchor, safe='-_.')}" if anchor else "")
    return Markup(url)  # noqa: S704 - percent-encoded: nothing in it starts HTML or Markdown


#: The script behind the list pages' filters (templates/table-filter.js), served from the site itself.
FILTER_SCRIPT = "assets/table-filter.js"


def filter_script() -> str:
    from ..render import TEMPLATES

    return (TEMPLATES / "table-filter.js").read_text(encoding="utf-8")


def item_uri(code: str) -> str:
    return f"items/{code}.md"


def law_uri(law_id: str) -> str:
    return f"laws/{law_id}.md"


def benchmark_uri(doc_id: str, entry_id: str | None = None) -> str:
    return f"benchmarks/{doc_id}.md" + (f"#{entry_id}" if entry_id else "")


#: Entries on one page of a benchmark document: a county market regulator's has ~1,500 entries,
#: ~7 MB of HTML as one page; 20 entries are ~100 KB (pages/paging.py).
ENTRY_ROWS = 20


def benchmark_entries(document: dict) -> list[dict]:
    """A benchmark document's entries that have an id, in its order: what its pages show."""
    entries = document.get("entries")
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)] if isinstance(
        entries, list) else []


def benchmark_paging(document: dict) -> Any:
    """How a benchmark document's entries are paged (`paging.Paging`, `ENTRY_ROWS` a page)."""
    from .paging import Paging

    return Paging(benchmark_uri(document["id"]), len(benchmark_entries(document)), ENTRY_ROWS)


def entry_uris(corpus: Corpus) -> dict[str, str]:
    """Benchmark entry id → the source URI of the page that shows it, with the entry's anchor."""
    out: dict[str, str] = {}
    for refs in corpus.benchmark_documents.values():
        document = refs[0].value
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            continue
        paging = benchmark_paging(document)
        for index, entry in enumerate(benchmark_entries(document)):
            out.setdefault(entry["id"], f"{paging.uri(paging.page_of(index))}#{entry['id']}")
    return out


def agency_uri(agency_id: str) -> str:
    return f"agencies/{agency_id}.md"


def article_anchor(article: citations.Article) -> str:
    """``article-33``, or ``article-10-1`` for 第十条之一: stable, whatever the article's text."""
    return f"article-{article.number}" + (f"-{article.extra}" if article.extra else "")


def _cite(text: Any, names: dict[str, dict], page: Callable[[str], str], link: Callable[[str, str], str]) -> Markup:
    """A citation with its law and articles linked: `page` gives a law page's address, `link` writes a link."""
    if not isinstance(text, str):
        return escape(text)
    try:
        name, located = citations.locate(text)
    except citations.CitationError:
        return escape(text)
    law = names.get(name)
    if law is None or not isinstance(law.get("id"), str):
        return escape(text)
    url = page(law_uri(law["id"]))
    if not located:
        return Markup(link(escape(text), url))  # noqa: S704 - escaped text, encoded URL
    out, position = [], 0
    for index, (article, start, end) in enumerate(located):
        label_start = 0 if index == 0 else start
        out.append(escape(text[position:label_start]))
        out.append(link(escape(text[label_start:end]), f"{url}#{article_anchor(article)}"))
        position = end
    out.append(escape(text[position:]))
    return Markup("".join(out))  # noqa: S704 - escaped text, encoded URLs


def cite_markdown(text: Any, names: dict[str, dict], src_uri: str) -> Markup:
    """A citation with links to its articles; anything that does not resolve stays plain text."""
    return _cite(text, names, lambda uri: relative(src_uri, uri), lambda label, url: f"[{label}]({url})")


def cite_html(text: Any, names: dict[str, dict], src_uri: str, directory_urls: bool = True) -> Markup:
    """`cite_markdown` for an HTML page: the same links as ``<a href>`` to final addresses."""
    return _cite(text, names, lambda uri: href(src_uri, uri, directory_urls),
                 lambda label, url: f'<a href="{url}">{label}</a>')


def _src_uri(context: jinja2.runtime.Context) -> str:
    src_uri = context.get("src_uri")
    if not isinstance(src_uri, str):
        raise jinja2.UndefinedError("link() and cite() need `src_uri` (the page's own source URI) in the template")
    return src_uri


def install(env: jinja2.Environment, corpus: Corpus, entries: dict[str, str] | None = None) -> None:
    """Add ``link``, ``cite``, ``href``, ``cite_html`` and ``entry_href`` to the environment, bound to
    this corpus's law registry and its benchmark entries' pages (`entries`, from `entry_uris`)."""
    names = law_names(corpus)
    entries = entry_uris(corpus) if entries is None else entries

    @jinja2.pass_context
    def cite(context: jinja2.runtime.Context, text: Any) -> Markup:
        return cite_markdown(text, names, _src_uri(context))

    @jinja2.pass_context
    def link(context: jinja2.runtime.Context, target: str) -> Markup:
        return relative(_src_uri(context), target)

    @jinja2.pass_context
    def cite_html_(context: jinja2.runtime.Context, text: Any) -> Markup:
        return cite_html(text, names, _src_uri(context), context.get("directory_urls", True))

    @jinja2.pass_context
    def href_(context: jinja2.runtime.Context, target: str) -> Markup:
        return href(_src_uri(context), target, context.get("directory_urls", True))

    @jinja2.pass_context
    def entry_href(context: jinja2.runtime.Context, document_id: str, entry_id: str) -> Markup:
        target = entries.get(entry_id, benchmark_uri(document_id, entry_id))
        return href(_src_uri(context), target, context.get("directory_urls", True))

    env.globals["entry_href"] = entry_href
    env.globals["cite"] = cite
    env.globals["link"] = link
    env.filters["cite"] = cite
    env.globals["cite_html"] = cite_html_
    env.globals["href"] = href_
