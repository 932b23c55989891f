"""Long lists as pages of rows, filtered and sorted across all of them by the list's script.

A county's lists are long: ~30,000 decisions on display, ~10,000 enforcement items. As one page,
the decisions took a desktop browser ~30 s to load, a phone longer. So a list is written as pages
of `PAGE_ROWS` rows in its own order: page 1 at the list's own address, page k at
``<folder>/p/<k>/``, linked by a pager (`Paging.context`). When it has more than one page, a
file holds every row (`rows_file`), from which the list's script (templates/table-filter.js)
filters and sorts across all pages, showing the results `PAGE_ROWS` at a time.

A benchmark document's entries are paged the same way, without a file of rows: page k at
``benchmarks/<id>/p/<k>/``, `links.ENTRY_ROWS` entries a page (pages/benchmarks.py).

The pages' folder is ``p``: a body's id has at least 2 characters and an item's code at least 4,
so no record page is ever written there; a benchmark document's are inside its own folder.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import Deferred, HtmlPage
from .links import href

#: Rows on one page, the script's pages of results too.
PAGE_ROWS = 100
#: The folder of a list's further pages, beside its first (``decisions/p/2/``).
FOLDER = "p"


@dataclass(frozen=True)
class Paging:
    """A list of `total` rows whose first page is at `first_uri` (``decisions/index.md``, or
    ``benchmarks/<id>.md`` for a benchmark document's entries)."""

    first_uri: str
    total: int
    page_rows: int = 0  # 0: `PAGE_ROWS`, as it is when the list is made

    def __post_init__(self) -> None:
        if self.page_rows <= 0:
            object.__setattr__(self, "page_rows", PAGE_ROWS)

    @property
    def count(self) -> int:
        """How many pages: at least one, even for an empty list."""
        return max(1, -(-self.total // self.page_rows))

    @property
    def folder(self) -> str:
        """The list's own folder: ``decisions`` for ``decisions/index.md``, ``benchmarks/x`` for ``benchmarks/x.md``."""
        head, name = posixpath.split(self.first_uri)
        return head if name == "index.md" else self.first_uri.removesuffix(".md")

    @property
    def rows_uri(self) -> str:
        """The file holding every row, in the list's folder (``decisions/list.json``)."""
        return posixpath.join(self.folder, "list.json")

    def uri(self, number: int) -> str:
        """The source URI of page `number` (from 1)."""
        if number == 1:
            return self.first_uri
        return posixpath.join(self.folder, FOLDER, f"{number}.md")

    def page_of(self, index: int) -> int:
        """The page (from 1) that shows row `index` (from 0)."""
        return index // self.page_rows + 1

    def of(self, rows: Sequence[Any], number: int) -> Sequence[Any]:
        """The rows page `number` shows."""
        return rows[(number - 1) * self.page_rows:number * self.page_rows]

    def context(self, number: int, directory_urls: bool) -> dict[str, Any]:
        """What a page's template needs for its sentence, its form and its pager (paging.html.j2)."""
        uri = self.uri(number)
        links = [(label, None if target == number else href(uri, self.uri(target), directory_urls), target == number)
                 for label, target in self._pager(number)]
        return {"number": number, "count": self.count, "total": self.total, "page_rows": self.page_rows,
                "first": (number - 1) * self.page_rows + 1, "pager": links,
                "rows_file": href(uri, self.rows_uri, directory_urls) if self.count > 1 else None}

    def _pager(self, number: int) -> list[tuple[str, int]]:
        """首页 and 上一页, the pages two either side of this one, 下一页 and 末页."""
        if self.count <= 1:
            return []
        near = range(max(1, number - 2), min(self.count, number + 2) + 1)
        return [*([("首页", 1), ("上一页", number - 1)] if number > 1 else []),
                *((str(target), target) for target in near),
                *([("下一页", number + 1), ("末页", self.count)] if number < self.count else [])]


def list_pages(first_uri: str, rows: Sequence[Any], page: Callable[[Paging, int, Sequence[Any]], HtmlPage],
               rows_of: Callable[[str], str]) -> dict[str, Any]:
    """The pages of a list of `rows`: the first made now (it is in the nav, so mkdocs renders it),
    the others `Deferred` and written like record pages, and, when there is more than one, the
    file of every row (`rows_of(its URI)`). Each page is made from its own rows
    (``page(paging, number, rows of the page)``), so that a changed row changes only its page's
    key (reuse.py)."""
    paging = Paging(first_uri, len(rows))
    out: dict[str, Any] = {first_uri: page(paging, 1, paging.of(rows, 1))}
    for number in range(2, paging.count + 1):
        out[paging.uri(number)] = Deferred(page, (paging, number, paging.of(rows, number)))
    if paging.count > 1:
        out[paging.rows_uri] = rows_of(paging.rows_uri)
    return out


def rows_file(attributes: Sequence[str], rows: Sequence[tuple[Sequence[Any], Sequence[Any]]]) -> str:
    """Every row of a list for its script, one line a row (valid JSON): the row's values of
    `attributes` (what it is filtered and sorted by), then its cells as the pages show them, a
    link being ``[text, address from the file]``."""
    return rows_text(attributes, [row_line(values, cells) for values, cells in rows])


def row_line(values: Sequence[Any], cells: Sequence[Any]) -> str:
    """One row of `rows_file`."""
    return json.dumps([["" if value is None else str(value) for value in values],
                       [cell if isinstance(cell, list) else "" if cell is None else str(cell) for cell in cells]],
                      ensure_ascii=False, separators=(",", ":"))


def rows_text(attributes: Sequence[str], lines: Sequence[str]) -> str:
    """`rows_file` of the rows' lines (`row_line`)."""
    return (f'{{"attributes":{json.dumps(list(attributes), separators=(",", ":"))},"page_rows":{PAGE_ROWS},'
            '"rows":[\n' + ",\n".join(lines) + "\n]}\n")
