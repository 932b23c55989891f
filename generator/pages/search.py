"""搜索: the search page, its script, and the static index (generator/search_index.py) under ``search/``.

The index is built from the records, never from the written HTML, and holds only what the pages
show: decisions on display today (render.visible: an expired or a minor's decision is in no
file), a withdrawn one as its withdrawal notice (its 文书号, not its title, party or credit code).

Decisions are grouped by their day (search_index.numbers), newest day first and, within a day,
in the order they were published (then by 文书号): a decision published today comes last in its
day, so adding it renumbers no other record and a rebuild changes few index files.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import marshal
import posixpath
from typing import Any

from .. import search_index
from ..render import TEMPLATES
from ..search_index import Doc
from ..workdays import parse_date
from . import Context, decisions
from .benchmarks import documents_in_order
from .laws import LEVELS as LAW_LEVELS
from .links import address, agency_uri, benchmark_uri, item_uri, law_uri

PAGE = "search/index.md"
#: The script behind the search page (templates/search.js), served from the site itself.
SCRIPT = "assets/search.js"


#: The index's files are under this folder of the site.
FOLDER = "search/"


@dataclasses.dataclass
class IndexFiles:
    """The index files under `FOLDER` (search_index.build), made only when `files` is called.

    Like the record pages, they wait for the build (render_all with ``defer``): a rebuild whose
    records give the index the same documents takes the last build's files back (build.py,
    reuse.py); a county's index is ~2,900 files, and most edits (a decision's facts, a penalty,
    a benchmark's range) leave what it holds unchanged.
    """

    docs: list[Doc]

    def files(self) -> dict[str, str]:
        return {f"{FOLDER}{path}": text for path, text in search_index.build(self.docs).items()}

    def digest(self) -> str:
        """What the files are made from, as a hash: equal documents, equal files.

        In marshal's first format, which writes a string the same however it was made (later
        ones mark strings shared or interned): a fifth of the time of JSON."""
        rows = [(d.kind, d.url, d.title, d.details, d.texts, d.ids, d.group) for d in self.docs]
        return hashlib.blake2b(marshal.dumps(rows, 0), digest_size=20).hexdigest()


def pages(ctx: Context) -> dict[str, Any]:
    out: dict[str, Any] = {FOLDER: IndexFiles(documents(ctx))}
    # The records' addresses are from the site's root: the page tells the script where that is.
    root = posixpath.relpath(".", posixpath.dirname(PAGE)) + "/"
    out[PAGE] = ctx.env.get_template("search.md.j2").render(**ctx.base, src_uri=PAGE, root=root)
    out[SCRIPT] = (TEMPLATES / "search.js").read_text(encoding="utf-8")
    return out


def documents(ctx: Context) -> list[Doc]:
    """Every record with a page, in the order results show: bodies, laws, benchmarks, items, decisions."""
    return [*_agencies(ctx), *_laws(ctx), *_benchmarks(ctx), *_items(ctx), *_decisions(ctx)]


#: A decision's group is the number of days from its day to this one: newest first, and the same in every build.
LAST_DAY = datetime.date(2100, 1, 1)


def _decisions(ctx: Context) -> list[Doc]:
    def group(decision: dict) -> int:
        day = parse_date(decision.get("decided_on"))
        return max(0, (LAST_DAY - day).days) if day is not None else (LAST_DAY - datetime.date.min).days

    keyed = sorted((group(d), str(d.get("published_on") or ""), str(d.get("doc_no") or ""), index)
                   for index, d in enumerate(ctx.shown))
    # What each decision gives the index, made from it and the bodies' names: kept between builds.
    fields = decisions.each_kept(ctx, "search-decisions", ("agency",), [ctx.shown[index] for *_, index in keyed],
                                 functools.partial(_decision, ctx))
    return [Doc("d", *made, group=day) for (day, *_), made in zip(keyed, fields, strict=True)]


def site_path(ctx: Context, uri: str) -> str:
    """The address of the page at `uri` from the site's root, as mkdocs writes it."""
    return address(uri, ctx.directory_urls)


def _agencies(ctx: Context) -> list[Doc]:
    return [Doc("a", site_path(ctx, agency_uri(a["id"])), _text(a.get("name")),
                _present(a.get("short_name"), a.get("level")),
                _present(a.get("name"), a.get("short_name")), _present(a.get("credit_code")))
            for a in ctx.agencies]


def _laws(ctx: Context) -> list[Doc]:
    laws = [refs[0].value for refs in ctx.corpus.laws.values() if isinstance(refs[0].value, dict)]
    laws.sort(key=lambda law: (LAW_LEVELS.index(law["level"]) if law.get("level") in LAW_LEVELS
                               else len(LAW_LEVELS), str(law.get("id"))))
    return [Doc("l", site_path(ctx, law_uri(law["id"])), _text(law.get("name")),
                _present(law.get("level"), law.get("issuer"), law.get("status")),
                _present(law.get("name"), *_list(law.get("aliases"))))
            for law in laws]


def _benchmarks(ctx: Context) -> list[Doc]:
    return [Doc("b", site_path(ctx, benchmark_uri(d["id"])), _text(d.get("title")),
                _present(d.get("doc_no"), d.get("issuer")), _present(d.get("title")), _present(d.get("doc_no")))
            for d in documents_in_order(ctx)]


def _items(ctx: Context) -> list[Doc]:
    order = {agency["id"]: index for index, agency in enumerate(ctx.agencies)}
    rows = sorted(((refs[0].document.placement.agency or "", refs[0].value) for refs in ctx.corpus.items.values()),
                  key=lambda row: (order.get(row[0], len(order)), row[1]["code"]))
    return [Doc("i", site_path(ctx, item_uri(item["code"])), _text(item.get("name")),
                _present(item["code"], ctx.names.get(agency_id, agency_id), item.get("type"), item.get("status")),
                _present(item.get("name")), _present(item["code"]))
            for agency_id, item in rows]


def _decision(ctx: Context, d: dict) -> tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A decision's `Doc` but for its kind and group: url, title, details, texts, ids."""
    url = site_path(ctx, decisions.page_uri(ctx, d))
    agency = ctx.names.get(d.get("agency"), d.get("agency"))
    if d.get("status") == "已撤回":
        # The notice only (第十一条): no title, party, credit code or facts.
        withdrawal = d.get("withdrawal") if isinstance(d.get("withdrawal"), dict) else {}
        return (url, f"{d['doc_no']}（已撤回）",
                _present("撤回公告", agency, f"{withdrawal.get('date', '')} 撤回"), (), (str(d["doc_no"]),))
    party = d.get("party") if isinstance(d.get("party"), dict) else {}
    return (url, _text(d.get("title")),
            _present(d["doc_no"], agency, d.get("decided_on"), _labelled("当事人", party.get("name"))),
            _present(d.get("title"), party.get("name")), _present(d["doc_no"], party.get("credit_code")))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _present(*values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values if v not in (None, ""))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _labelled(label: str, value: Any) -> str | None:
    return f"{label}：{value}" if value not in (None, "") else None
