"""执法主体: the list of bodies and a page per body."""

from __future__ import annotations

from . import Context, benchmarks, decisions


def pages(ctx: Context) -> dict[str, str]:
    items = ctx.by_agency(ctx.corpus.items)
    officers = ctx.by_agency(ctx.corpus.officers)
    documents = benchmarks.by_agency(ctx)
    out = {"agencies/index.md": ctx.env.get_template("agencies.md.j2").render(**ctx.base, agencies=ctx.agencies)}
    template = ctx.env.get_template("agency.md.j2")
    for agency in ctx.agencies:
        uri = f"agencies/{agency['id']}.md"
        shown = [d for d in ctx.shown if d.get("agency") == agency["id"]]
        out[uri] = template.render(
            **ctx.base, src_uri=uri, agency=agency, benchmarks=documents.get(agency["id"], []),
            items=sorted(items.get(agency["id"], []), key=lambda i: i.get("code")),
            officers=sorted(officers.get(agency["id"], []), key=lambda o: o.get("cert_no")),
            decisions=shown, decision_links=decisions.links(ctx, shown, uri))
    return out
