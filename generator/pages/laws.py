"""法律法规: the law registry, and a page per law with an anchor per article (``#article-33``).

A law page shows each article whose text the registry holds, and every other article that some
record cites (without text), so that every citation on the site links to an anchor that exists.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .. import citations
from ..numerals import to_chinese
from ..rules.legal_citations import resolver
from ..reuse import ALL_BUT_DECISIONS, reads
from . import Context, Deferred, HtmlPage
from .links import agency_uri, article_anchor, benchmark_uri, item_uri, law_uri

LEVELS = ("法律", "行政法规", "部门规章", "地方性法规", "地方政府规章", "规范性文件")


def pages(ctx: Context) -> dict[str, Any]:
    laws = sorted((refs[0].value for refs in ctx.corpus.laws.values() if isinstance(refs[0].value, dict)),
                  key=lambda law: (LEVELS.index(law["level"]) if law.get("level") in LEVELS else len(LEVELS),
                                   law["id"]))
    out = {"laws/index.md": ctx.env.get_template("laws.md.j2").render(
        **ctx.base, src_uri="laws/index.md", laws=laws)}
    cited, ctx.law_citing = citations_of(ctx)
    for law in laws:
        out[law_uri(law["id"])] = Deferred(page, (ctx, law, cited.get(law["id"], set())))
    return out


@reads(*ALL_BUT_DECISIONS)
def page(ctx: Context, law: dict, cited: set) -> HtmlPage:
    """A law's page: its fields, and each article (anchor ``article-N``) with the records citing it.

    Those records are looked up (`Context.law_citing`), not given: they are bodies, items and
    benchmark entries, which the page declares it reads, so its key (reuse.Keys) need not walk them.
    The articles cited are given: decisions' citations count too."""
    citing = ctx.law_citing.get(law["id"], {})
    uri = law_uri(law["id"])
    replaced = ctx.corpus.laws.get(law.get("replaced_by")) if isinstance(law.get("replaced_by"), str) else None
    body = ctx.env.get_template("law.html.j2").render(
        **ctx.base, src_uri=uri, law=law, articles=articles(law, cited), citing=citing,
        replaced_by=replaced[0].value if replaced else None)
    return HtmlPage(str(law.get("name", law["id"])), body)


#: Which records a law page names as citing an article: (record kind, heading). Decisions are left
#: out: a decision leaves the site when its display period ends, and must not stay named here.
CITING_KINDS = {"agency": "执法主体", "items": "执法事项", "benchmark": "裁量基准条目"}


def citations_of(ctx: Context) -> tuple[dict[str, set[citations.Article]],
                                        dict[str, dict[str, dict[str, list[tuple[str, str]]]]]]:
    """From each citation text once (a county has ~150,000 citations of a few hundred texts), and
    each citation of a body, item or benchmark entry:

    - law id → the articles (number and 之X, without 款 or 项) that any record cites;
    - law id → article anchor → heading → (title, page) of each body, item and benchmark entry citing it.
    """
    resolve = resolver(ctx.corpus)
    cited: dict[str, set[citations.Article]] = {}
    # Each text once, the decisions' too (they name no page here, but count as citing an article).
    texts = {text for document in ctx.corpus.documents for definition, _, text in document.tracked
             if definition == "citation"}
    for text in texts:
        if (found := resolve(text)) is not None:
            law, parsed = found
            cited.setdefault(law["id"], set()).update(citations.Article(a.number, a.extra) for a in parsed.articles)
    # Made from the bodies, items, benchmarks and laws alone: kept between builds while they are unchanged.
    citing = ctx.whole("law-citing", ("agency", "items", "benchmark", "law"), functools.partial(_citing, ctx, resolve))
    return cited, citing


def _citing(ctx: Context, resolve: Callable[[str], Any]) -> dict[str, dict[str, dict[str, list[tuple[str, str]]]]]:
    out: dict[str, dict[str, dict[str, list[tuple[str, str]]]]] = {}
    listed: set[tuple[str, str, str, tuple[str, str]]] = set()  # a popular article is cited thousands of times
    for document in ctx.corpus.documents:
        kind = CITING_KINDS.get(document.kind)
        if kind is None:
            continue
        pages: dict[tuple[Any, Any], tuple[str, str] | None] = {}  # a record's page, for each of its citations
        for definition, path, text in document.tracked:
            if definition != "citation" or (found := resolve(text)) is None:
                continue
            law, parsed = found
            record = (path[0] if path else None, path[1] if len(path) > 1 else None)
            if record not in pages:
                pages[record] = _citing_page(document, path, ctx.entry_uris)
            page = pages[record]
            if page is None:
                continue
            for article in parsed.articles:
                anchor = article_anchor(article)
                if (law["id"], anchor, kind, page) not in listed:
                    listed.add((law["id"], anchor, kind, page))
                    out.setdefault(law["id"], {}).setdefault(anchor, {}).setdefault(kind, []).append(page)
    order = list(CITING_KINDS.values())
    return {law: {anchor: dict(sorted(kinds.items(), key=lambda kind: order.index(kind[0])))
                  for anchor, kinds in anchors.items()} for law, anchors in out.items()}


def _citing_page(document: Any, path: tuple, entries: dict[str, str]) -> tuple[str, str] | None:
    data = document.data if isinstance(document.data, dict) else {}
    if document.kind == "agency" and isinstance(data.get("id"), str):
        return str(data.get("name", data["id"])), agency_uri(data["id"])
    if document.kind in ("items", "benchmark") and len(path) > 1 and isinstance(path[1], int):
        records = data.get(path[0])
        record = records[path[1]] if isinstance(records, list) and path[1] < len(records) else None
        if not isinstance(record, dict):
            return None
        if document.kind == "items" and isinstance(record.get("code"), str):
            return str(record.get("name", record["code"])), item_uri(record["code"])
        if document.kind == "benchmark" and isinstance(record.get("id"), str) and isinstance(data.get("id"), str):
            title = record.get("violation") or record.get("name") or record["id"]
            return (f"{title}（{data.get('issuer', data['id'])}）",
                    entries.get(record["id"], benchmark_uri(data["id"], record["id"])))
    return None


def articles(law: dict, cited: set[citations.Article]) -> list[dict[str, Any]]:
    """The articles a law page shows, in order: those with text, and the cited ones without."""
    stored = {}
    for article in law.get("articles") or []:
        if isinstance(article, dict) and isinstance(article.get("no"), int):
            stored[citations.Article(article["no"])] = article
    out = []
    for key in sorted(set(stored) | cited, key=lambda a: (a.number, a.extra or 0)):
        article = stored.get(key, {})
        text = article.get("text")
        label = f"第{to_chinese(key.number)}条" + (f"之{to_chinese(key.extra)}" if key.extra else "")
        out.append({"anchor": article_anchor(key), "label": label, "chapter": article.get("chapter"),
                    "paragraphs": [line for line in text.splitlines() if line.strip()] if isinstance(text, str)
                    else []})
    return out
