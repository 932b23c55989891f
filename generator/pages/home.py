"""首页: what the portal is, counts, the latest disclosures, the bodies."""

from __future__ import annotations

from collections import Counter

from . import Context, decisions


def pages(ctx: Context) -> dict[str, str]:
    corpus = ctx.corpus
    counts = {"agencies": len(ctx.agencies), "officers": len(corpus.officers), "items": len(corpus.items),
              "entries": len(corpus.entries), "decisions": len(ctx.shown)}
    items = ctx.by_agency(corpus.items)
    officers = ctx.by_agency(corpus.officers)
    # Counted in one pass: bodies times decisions is 94 million steps for a city.
    shown_by_body = Counter(d.get("agency") for d in ctx.shown)
    by_body = [{"agency": a, "items": len(items.get(a["id"], [])), "officers": len(officers.get(a["id"], [])),
                "decisions": shown_by_body[a["id"]]} for a in ctx.agencies]
    types: dict[str, dict[str, int]] = {}
    for refs in corpus.items.values():
        kind = refs[0].value.get("type")
        if isinstance(kind, str) and refs[0].value.get("status") == "在用":
            types.setdefault(kind, {"items": 0, "decisions": 0})["items"] += 1
    for decision in ctx.shown:
        if isinstance(decision.get("type"), str):
            types.setdefault(decision["type"], {"items": 0, "decisions": 0})["decisions"] += 1
    return {"index.md": ctx.env.get_template("index.md.j2").render(
        **ctx.base, src_uri="index.md", agencies=ctx.agencies, latest=ctx.shown[:10], names=ctx.names, counts=counts,
        by_body=by_body, by_type=sorted(types.items(), key=lambda kv: (-kv[1]["items"], kv[0])),
        decision_links=decisions.links(ctx, ctx.shown[:10], "index.md"))}
