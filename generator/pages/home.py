"""首页: what the portal is, counts, the latest disclosures, the bodies."""

from __future__ import annotations

from . import Context, decisions


def pages(ctx: Context) -> dict[str, str]:
    corpus = ctx.corpus
    counts = {"agencies": len(ctx.agencies), "officers": len(corpus.officers), "items": len(corpus.items),
              "entries": len(corpus.entries), "decisions": len(ctx.shown)}
    return {"index.md": ctx.env.get_template("index.md.j2").render(
        **ctx.base, agencies=ctx.agencies, latest=ctx.shown[:10], names=ctx.names, counts=counts,
        decision_links=decisions.links(ctx, ctx.shown[:10], "index.md"))}
