"""执法主体: the list of bodies and a page per body."""

from __future__ import annotations

from typing import Any

from ..reuse import ALL_BUT_DECISIONS, reads
from . import Context, Deferred, HtmlPage, benchmarks, decisions
from .links import agency_uri


def pages(ctx: Context) -> dict[str, Any]:
    items = ctx.by_agency(ctx.corpus.items)
    officers = ctx.by_agency(ctx.corpus.officers)
    documents = benchmarks.by_agency(ctx)
    shown: dict[str, list[dict]] = {}
    for decision in ctx.shown:
        shown.setdefault(decision.get("agency"), []).append(decision)
    out: dict[str, Any] = {"agencies/index.md": ctx.env.get_template("agencies.md.j2").render(
        **ctx.base, src_uri="agencies/index.md", agencies=ctx.agencies)}
    for agency in ctx.agencies:
        out[agency_uri(agency["id"])] = Deferred(page, (
            ctx, agency, documents.get(agency["id"], []), items.get(agency["id"], []), officers.get(agency["id"], []),
            shown.get(agency["id"], [])))
    return out


@reads(*ALL_BUT_DECISIONS)
def page(ctx: Context, agency: dict, documents: list[dict], items: list[dict], officers: list[dict],
         shown: list[dict]) -> HtmlPage:
    """A body's page: identity, duties and basis, procedures, remedies, officers, items, benchmarks, decisions."""
    uri = agency_uri(agency["id"])
    body = ctx.env.get_template("agency.html.j2").render(
        **ctx.base, src_uri=uri, agency=agency, benchmarks=documents,
        items=sorted(items, key=lambda i: i.get("code")),
        officers=sorted(officers, key=lambda o: o.get("cert_no")),
        decisions=shown, decision_links=decisions.links(ctx, shown, uri))
    return HtmlPage(str(agency.get("short_name", agency["id"])), body)
