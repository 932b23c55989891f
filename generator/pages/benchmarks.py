"""裁量基准: the documents by issuer level (省 / 市 / 县), and a page per document with one
section per entry; a county entry that refines an upstream one shows the parent's tiers too.

A document of more than `links.ENTRY_ROWS` entries has pages of that many (paging.py): the
document's fields on each, a pager, and links to an entry lead to the page that shows it."""

from __future__ import annotations

from typing import Any

from .. import penalties
from ..reuse import ALL_BUT_DECISIONS, reads
from . import Context, Deferred, HtmlPage
from .links import benchmark_entries, benchmark_paging

LEVELS = ("省", "市", "县")
LEVEL_NAMES = {"省": "省级裁量基准", "市": "市级裁量基准", "县": "本县细化裁量基准"}


def pages(ctx: Context) -> dict[str, Any]:
    documents = documents_in_order(ctx)
    groups = [{"level": level, "name": LEVEL_NAMES[level],
               "documents": [d for d in documents if d.get("issuer_level") == level]} for level in LEVELS]
    out = {"benchmarks/index.md": ctx.env.get_template("benchmarks.md.j2").render(
        **ctx.base, src_uri="benchmarks/index.md", groups=groups, names=ctx.names)}
    parents = _entries_with_document(ctx)
    children: dict[str, list[tuple[dict, dict]]] = {}
    for document, entry in parents.values():
        if isinstance(entry.get("parent"), str):
            children.setdefault(entry["parent"], []).append((document, entry))
    for document in documents:
        paging = benchmark_paging(document)
        for number in range(1, paging.count + 1):
            out[paging.uri(number)] = Deferred(page, (ctx, document, parents, children, paging, number))
    return out


@reads(*ALL_BUT_DECISIONS)
def page(ctx: Context, document: dict, parents: dict, children: dict, paging: Any, number: int = 1) -> HtmlPage:
    """Page `number` of a benchmark document: its fields, then a section per entry of the page
    (anchor: the entry's id), with a pager when there are several."""
    uri = paging.uri(number)
    entries = [entry_view(entry, parents, children, ctx) for entry in paging.of(benchmark_entries(document), number)]
    body = ctx.env.get_template("benchmark.html.j2").render(**ctx.base, src_uri=uri, document=document,
                                                            entries=entries,
                                                            paging=paging.context(number, ctx.directory_urls),
                                                            agency=ctx.corpus.agency(document.get("agency")))
    title = str(document.get("title", document["id"]))
    return HtmlPage(title if number == 1 else f"{title}（第 {number} 页）", body)


def documents_in_order(ctx: Context) -> list[dict]:
    """Every benchmark document, by issuer level (省, 市, 县), then county bodies in site order, then id."""
    order = {agency["id"]: index for index, agency in enumerate(ctx.agencies)}
    documents = [refs[0].value for refs in ctx.corpus.benchmark_documents.values() if isinstance(refs[0].value, dict)]
    return sorted(documents, key=lambda d: (LEVELS.index(d["issuer_level"]) if d.get("issuer_level") in LEVELS
                                            else len(LEVELS), order.get(d.get("agency"), -1), d["id"]))


def by_agency(ctx: Context) -> dict[str, list[dict]]:
    """Body id → its own (county) benchmark documents, for the body's page."""
    out: dict[str, list[dict]] = {}
    for refs in ctx.corpus.benchmark_documents.values():
        agency = refs[0].document.placement.agency
        if agency is not None:
            out.setdefault(agency, []).append(refs[0].value)
    return {agency: sorted(docs, key=lambda d: d["id"]) for agency, docs in out.items()}


def _entries_with_document(ctx: Context) -> dict[str, tuple[dict, dict]]:
    return {entry_id: (refs[0].document.data, refs[0].value) for entry_id, refs in ctx.corpus.entries.items()
            if isinstance(refs[0].document.data, dict)}


def entry_view(entry: dict, entries: dict[str, tuple[dict, dict]], children: dict[str, list[tuple[dict, dict]]],
               ctx: Context) -> dict[str, Any]:
    """What the page shows of one entry, with its parent entry (if any) resolved."""
    parent = entries.get(entry["parent"]) if isinstance(entry.get("parent"), str) else None
    item = ctx.corpus.items.get(entry.get("item")) if isinstance(entry.get("item"), str) else None
    return {
        "entry": entry,
        "title": entry.get("violation") or entry.get("name") or entry["id"],
        "item": item[0].value if item else None,
        "statutory_fines": fine_texts(entry.get("statutory")),
        "tiers": tier_rows(entry),
        "parent": {"document": parent[0], "entry": parent[1], "tiers": tier_rows(parent[1]),
                   "title": parent[1].get("violation") or parent[1].get("name") or parent[1]["id"]}
        if parent else None,
        "children": children.get(entry["id"], []),
    }


def tier_rows(entry: dict) -> list[dict[str, Any]]:
    return [{"tier": tier["tier"], "circumstances": _texts(tier.get("circumstances")),
             "kinds": penalties.kinds(tier), "fines": fine_texts(tier), "note": tier.get("note")}
            for _, tier in penalties.tiers(entry)]


def fine_texts(owner: Any) -> list[str]:
    """Each fine range as text, with the condition it applies under: 5,000—40,000 元（货值金额不足一万元的）."""
    out = []
    for fine in penalties.fine_ranges(owner):
        condition = owner["fines"][fine.index].get("condition")
        out.append(fine.text() + (f"（{condition}）" if isinstance(condition, str) else ""))
    return out


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
