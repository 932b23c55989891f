"""执法事项清单: every item of every body, filtered in the browser, and a page per item."""

from __future__ import annotations

import functools
from typing import Any

from ..corpus import Ref
from ..reuse import reads
from . import Context, Deferred, HtmlPage, decisions
from .links import FILTER_SCRIPT, filter_script, href, item_uri
from .paging import Paging, list_pages, rows_file

LIST = "items/index.md"

#: The list page's filters: (data attribute, label, the item field it reads).
FILTERS = (("body", "实施主体", None), ("type", "职权类型", "type"), ("level", "行使层级", "level"),
           ("status", "状态", "status"))


def pages(ctx: Context) -> dict[str, Any]:
    items = _items(ctx)
    entries = _entries_by_item(ctx)
    shown: dict[str, list[dict]] = {}
    for decision in ctx.shown:
        shown.setdefault(decision.get("item"), []).append(decision)
    out = list_pages(LIST, items, functools.partial(list_page, ctx, _filters(ctx, items)),
                     functools.partial(list_file, ctx, items))
    out[FILTER_SCRIPT] = filter_script()
    for agency_id, item in items:
        code = item["code"]
        out[item_uri(code)] = Deferred(page, (ctx, agency_id, item, entries.get(code, []), shown.get(code, [])))
    return out


@reads("agency")
def list_page(ctx: Context, filters: list[dict[str, Any]], paging: Paging, number: int,
              items: list[tuple[str, dict]]) -> HtmlPage:
    """Page `number` of the list: its `items` (by body, then code), the filters, links to the other pages."""
    uri = paging.uri(number)
    body = ctx.env.get_template("items.html.j2").render(
        **ctx.base, src_uri=uri, rows=items, filters=filters, names=ctx.names,
        paging=paging.context(number, ctx.directory_urls))
    return HtmlPage("执法事项清单" if number == 1 else f"执法事项清单（第 {number} 页）", body)


def list_file(ctx: Context, items: list[tuple[str, dict]], uri: str) -> str:
    """Every row of the list for its script (paging.rows_file), with the cells the pages show: made
    from the items and the bodies' names alone, so kept between builds while they are unchanged."""
    return ctx.whole("items-list", ("agency", "items"), functools.partial(_list_file, ctx, items, uri), uri)


def _list_file(ctx: Context, items: list[tuple[str, dict]], uri: str) -> str:
    return rows_file([key for key, _, _ in FILTERS], [
        ([agency_id, *(item.get(field) for _, _, field in FILTERS[1:])],
         [item["code"], [item.get("name"), str(href(uri, item_uri(item["code"]), ctx.directory_urls))],
          ctx.names.get(agency_id, agency_id), item.get("type"), item.get("level"), item.get("status")])
        for agency_id, item in items])


@reads("agency", "items", "benchmark", "law")
def page(ctx: Context, agency_id: str, item: dict, entries: list, shown: list[dict]) -> HtmlPage:
    """The page of one item: its fields, basis, benchmarks, history and the decisions on display."""
    uri = item_uri(item["code"])
    body = ctx.env.get_template("item.html.j2").render(
        **ctx.base, src_uri=uri, item=item, agency=ctx.corpus.agency(agency_id), names=ctx.names,
        entries=entries, decisions=[(d, decisions.page_uri(ctx, d)) for d in shown])
    return HtmlPage(str(item.get("name", item["code"])), body)


def _items(ctx: Context) -> list[tuple[str, dict]]:
    """(body id, item) for every item, bodies in the site's order, then by code."""
    order = {agency["id"]: index for index, agency in enumerate(ctx.agencies)}
    rows = [(refs[0].document.placement.agency or "", refs[0].value) for refs in ctx.corpus.items.values()]
    return sorted(rows, key=lambda row: (order.get(row[0], len(order)), row[1]["code"]))


def _filters(ctx: Context, rows: list[tuple[str, dict]]) -> list[dict[str, Any]]:
    """Each filter with the values present: bodies as listed on the site, the rest in the schema's order."""
    out = []
    for key, label, field in FILTERS:
        if field is None:
            present = {agency_id for agency_id, _ in rows}
            options = [(a["id"], ctx.names[a["id"]]) for a in ctx.agencies if a["id"] in present]
        else:
            order = _enum(ctx, field)
            values = sorted({str(item[field]) for _, item in rows if item.get(field) is not None},
                            key=lambda v: (order.index(v) if v in order else len(order), v))
            options = [(value, value) for value in values]
        out.append({"key": key, "label": label, "options": options})
    return out


def _enum(ctx: Context, field: str) -> list[str]:
    """The allowed values of an item field, in the order the schema lists them."""
    items = ctx.schemas.documents.get("items.schema.json", {})
    schema = items.get("$defs", {}).get("item", {}).get("properties", {}).get(field, {})
    if "$ref" in schema:
        schema, _ = ctx.schemas.resolve(schema["$ref"], "items.schema.json")
    return list(schema.get("enum", []))


def _entries_by_item(ctx: Context) -> dict[str, list[tuple[dict, dict]]]:
    """Item code → (benchmark document, entry) for the entries that serve it."""
    out: dict[str, list[tuple[dict, dict]]] = {}
    for refs in ctx.corpus.entries.values():
        ref: Ref = refs[0]
        code = ref.value.get("item")
        if isinstance(code, str) and isinstance(ref.document.data, dict):
            out.setdefault(code, []).append((ref.document.data, ref.value))
    return out

