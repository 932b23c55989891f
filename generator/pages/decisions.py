"""执法决定公示: the list of decisions on display, and a page per decision (一案一码).

A decision's page is ``decisions/<agency>/<slug>.md``, the slug taken from its file name, so
its address never changes while the file stays where it is: the QR code printed on the
served decision keeps working. Only decisions on display today (render.visible) get a page;
the others are in no list and have no page at all.

The page starts with the summary 总局令第45号第四条 puts in front of a published penalty
(决定书文号, 当事人基本情况, 违法行为类型, 处罚内容, 作出决定的机关名称和日期), then the facts,
basis, the benchmark tier applied, procedure, display period and status, the QR code of the
page's own address and the record's content hash. A withdrawn decision (第十一条) shows only
the withdrawal notice: when, why and by which document, not the facts, outcome or party.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..corpus import Document
from ..display import FOREVER, display_until, period
from ..layout import Placement
from ..penalties import fine_ranges, kinds, tier_named
from ..qrcodes import qr_svg
from ..reuse import reads, token
from . import Context, Deferred, HtmlPage
from .links import address, agency_uri, href
from .paging import Paging, list_pages, row_line, rows_text

LIST = "decisions/index.md"
#: Characters of the SHA-256 shown as the content hash (64 bits: no two records share it by chance).
HASH_CHARS = 16


#: The list's facets: (data attribute, label). Rows carry them on a marker read by table-filter.js.
FACETS = (("body", "执法主体"), ("type", "职权类型"), ("year", "年份"), ("town", "所在镇"))
#: What a row is filtered and sorted by: the facets, then the date and the amount.
ATTRIBUTES = (*(key for key, _ in FACETS), "date", "amount")


def pages(ctx: Context) -> dict[str, Any]:
    rows = [_row(ctx, d) for d in ctx.shown]
    # Each page is given its decisions, not their rows: a page's key (reuse.Keys) is then made from
    # the decisions' file hashes, rather than by walking ~100 rows (a county's rebuild: 0.2 s).
    out = list_pages(LIST, ctx.shown, functools.partial(list_page, ctx, _facets(ctx, rows)),
                     functools.partial(list_file, ctx, rows))
    for decision in ctx.shown:
        uri = page_uri(ctx, decision)
        out[uri] = Deferred(page, (ctx, decision, uri))
    return out


@reads("agency")
def list_page(ctx: Context, facets: list[dict[str, Any]], paging: Paging, number: int,
              shown: list[dict]) -> HtmlPage:
    """Page `number` of the list: its decisions `shown` (newest first) as rows, the facets, and links to
    the other pages."""
    uri = paging.uri(number)
    body = ctx.env.get_template("decisions.html.j2").render(
        **ctx.base, src_uri=uri, rows=[_row(ctx, d) for d in shown], facets=facets, names=ctx.names,
        links=links(ctx, shown, uri), paging=paging.context(number, ctx.directory_urls))
    return HtmlPage("执法决定公示" if number == 1 else f"执法决定公示（第 {number} 页）", body)


def list_file(ctx: Context, rows: list[dict[str, Any]], uri: str) -> str:
    """Every row of the list for its script (paging.rows_file), with the cells the pages show; each
    line made from its decision and the bodies' names, so kept between builds (reuse.Memo)."""
    lines = each_kept(ctx, "decisions-list", ("agency",), rows, lambda row: _list_line(ctx, row, uri), uri,
                      decision=lambda row: row["d"])
    return rows_text(ATTRIBUTES, lines)


def each_kept(ctx: Context, name: str, kinds: tuple[str, ...], values: list[Any], make: Callable[[Any], Any],
              *parts: str, decision: Callable[[Any], dict] = lambda value: value) -> list[Any]:
    """``make(value)`` for each of `values`, each made from one decision (``decision(value)``) and the
    data files of `kinds` alone, for `parts`: kept between builds by the decision's file (Context.kept),
    so after one decision changes, the county's other ~31,000 values are read back, not made."""
    section = ctx.kept(name, kinds, *parts)
    if section is None:
        return [make(value) for value in values]
    with section:
        return [make(value) if (known := token_of(ctx, decision(value))) is None
                else section.get(known, functools.partial(make, value)) for value in values]


def _list_line(ctx: Context, row: dict[str, Any], uri: str) -> str:
    d = row["d"]
    link = str(href(uri, page_uri(ctx, d), ctx.directory_urls))
    name = ctx.names.get(d.get("agency"), "")
    if d.get("status") == "已撤回":
        withdrawal = d.get("withdrawal") if isinstance(d.get("withdrawal"), dict) else {}
        cells = [d.get("decided_on"), [d["doc_no"], link], name, d.get("type"), "—", "—",
                 f"已撤回：{withdrawal.get('reason', '')}"]
    else:
        party = d.get("party") if isinstance(d.get("party"), dict) else {}
        cells = [d.get("decided_on"), [d["doc_no"], link], name, d.get("type"), party.get("name"), row["yuan"],
                 [d.get("title"), link]]
    return row_line([row[key] for key in ATTRIBUTES], cells)


@reads("agency", "items", "benchmark", "personnel", "law")
def page(ctx: Context, decision: dict, uri: str) -> HtmlPage:
    """The page of one decision on display."""
    body = ctx.env.get_template("decision.html.j2").render(**ctx.base, src_uri=uri,
                                                           **_page_context(ctx, decision, uri))
    return HtmlPage(str(decision.get("doc_no", "")), body)  # the browser tab names the 文书号


def slug(placement: Placement) -> str:
    """The page name of a decision file (see `Placement.slug`)."""
    return placement.slug


def page_uri(ctx: Context, decision: dict) -> str:
    """The Markdown source path of a decision's page, e.g. ``decisions/lsscjgj/2024-009-rice-label.md``."""
    uri = ctx.decision_uris.get(id(decision))  # asked for four times a decision: the list, search, open data
    if uri is None:
        placement = document_of(ctx, decision).placement
        uri = ctx.decision_uris[id(decision)] = f"decisions/{placement.agency}/{slug(placement)}.md"
    return uri


def page_url(ctx: Context, uri: str) -> str:
    """The public address of the page at `uri`: site.yaml ``base_url`` + the path mkdocs writes."""
    return str(ctx.site.get("base_url", "/")) + address(uri, ctx.directory_urls)


def links(ctx: Context, decisions: list[dict], from_uri: str) -> dict[str, Markup]:
    """doc_no → the final address of the decision page, relative to the page at `from_uri`."""
    return {d["doc_no"]: href(from_uri, page_uri(ctx, d), ctx.directory_urls) for d in decisions}


def content_hash(record: Any) -> str:
    """The first 16 hex digits of the SHA-256 of the record as canonical JSON.

    Canonical: keys sorted, no spaces, UTF-8 (not ``\\u`` escapes). Anyone holding the data file
    can recompute it (``json.dumps(record, ensure_ascii=False, sort_keys=True,
    separators=(",", ":"))``) to check that the page shows that very record.
    """
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def outcome_lines(decision: dict) -> list[str]:
    """处罚内容 (or the result of a permit, inspection or coercive measure), one part each.

    Each penalty kind with its amount where there is one: ``没收违法所得 480 元``, ``罚款 6,000 元``.
    """
    outcome = decision.get("outcome") if isinstance(decision.get("outcome"), dict) else {}
    fields = {"罚款": "fine", "没收违法所得": "confiscated", "没收非法财物": "confiscated"}
    lines, used = [], set()
    for kind in kinds(outcome):
        key = fields.get(kind)
        if key and key not in used and _number(outcome.get(key)):
            used.add(key)
            lines.append(f"{kind} {_yuan(outcome[key])}")
        else:
            lines.append(kind)
    for key, label in (("fine", "罚款"), ("confiscated", "没收金额")):
        if key not in used and _number(outcome.get(key)):
            lines.append(f"{label} {_yuan(outcome[key])}")
    if isinstance(outcome.get("restriction_months"), int):
        lines.append(f"限制期限 {outcome['restriction_months']} 个月")
    for key in ("licence_action", "permit", "measure", "conclusion"):
        if outcome.get(key):
            lines.append(str(outcome[key]))
    return lines


def amount(decision: dict) -> float | int | None:
    """罚没金额: the fine plus the sum confiscated, in yuan; None when the outcome names neither."""
    outcome = decision.get("outcome") if isinstance(decision.get("outcome"), dict) else {}
    sums = [outcome[key] for key in ("fine", "confiscated") if _number(outcome.get(key))]
    return sum(sums) if sums else None


def _row(ctx: Context, decision: dict) -> dict[str, Any]:
    """What the list's facets and sorting read from a decision: the facet values, the date and the amount.

    A withdrawn decision shows only its notice (第十一条): it has no town and no amount, so it
    drops out when a town is chosen and sorts last by amount.
    """
    withdrawn = decision.get("status") == "已撤回"
    value = None if withdrawn else amount(decision)
    decided = str(decision.get("decided_on", ""))
    return {"d": decision, "body": decision.get("agency", ""), "type": decision.get("type", ""),
            "year": decided[:4], "town": "" if withdrawn else decision.get("town", ""), "date": decided,
            "amount": "" if value is None else value, "yuan": "—" if value is None else _yuan(value)[:-2]}


def _facets(ctx: Context, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each facet with the values present: bodies in site order, types and towns in the schemas' order,
    years newest first."""
    common = ctx.schemas.documents.get("common.schema.json", {}).get("$defs", {})
    decision = ctx.schemas.documents.get("decision.schema.json", {}).get("properties", {})
    orders = {"type": common.get("power_type", {}).get("enum", []), "town": decision.get("town", {}).get("enum", [])}
    out = []
    for key, label in FACETS:
        present = {str(row[key]) for row in rows if row[key]}
        if key == "body":
            options = [(a["id"], ctx.names[a["id"]]) for a in ctx.agencies if a["id"] in present]
        elif key == "year":
            options = [(year, year) for year in sorted(present, reverse=True)]
        else:
            order = orders[key]
            options = [(v, v) for v in sorted(present, key=lambda v: (order.index(v) if v in order else len(order), v))]
        out.append({"key": key, "label": label, "options": options})
    return out


def _page_context(ctx: Context, decision: dict, uri: str) -> dict[str, Any]:
    agency = ctx.corpus.agency(decision.get("agency")) or {}
    url = page_url(ctx, uri)
    until = display_until(decision, ctx.site)
    item_refs = ctx.corpus.items.get(decision.get("item"), [])
    return {
        "d": decision,
        "agency": agency,
        "agency_uri": agency_uri(str(decision.get("agency"))),
        "list_uri": LIST,
        "item": item_refs[0].value if item_refs else {},
        "outcome": outcome_lines(decision),
        "benchmark": _benchmark(ctx, decision),
        "officers": [_officer(ctx, cert) for cert in decision.get("officers", [])],
        "until": None if until is None else ("长期公示" if until == FOREVER else until.isoformat()),
        "period": period(decision, ctx.site),
        "url": url,
        "qr": qr_svg(url, f"{decision.get('doc_no', '')}的二维码：{url}"),
        "hash": content_hash(decision),
    }


def _benchmark(ctx: Context, decision: dict) -> dict[str, Any] | None:
    """The benchmark entry and tier applied, with the tier's fine ranges named."""
    applied = decision.get("benchmark")
    if not isinstance(applied, dict):
        return None
    refs = ctx.corpus.entries.get(applied.get("entry"), [])
    if not refs:
        return None
    entry, document = refs[0].value, refs[0].document
    tier = tier_named(entry, applied.get("tier", "")) or {}
    ranges = [f"{r.text()}（{c}）" if (c := (tier["fines"][r.index].get("condition"))) else r.text()
              for r in fine_ranges(tier)]
    return {"entry": entry, "document": document.data if isinstance(document.data, dict) else {},
            "tier": applied.get("tier"), "kinds": kinds(tier), "ranges": ranges,
            "circumstances": [c for c in tier.get("circumstances", []) if isinstance(c, str)]}


def _officer(ctx: Context, cert: str) -> str:
    refs = ctx.corpus.officers.get(cert, [])
    name = refs[0].value.get("name") if refs else None
    return f"{name}（执法证号 {cert}）" if name else f"执法证号 {cert}"


def token_of(ctx: Context, decision: dict) -> bytes | None:
    """What stands for a decision in a memo (reuse.token), made once a build: the list's file and
    the search index each ask for the county's ~31,000."""
    tokens = ctx.decision_tokens
    found = tokens.get(id(decision), False)
    if found is False:
        found = tokens[id(decision)] = token(ctx.corpus, document_of(ctx, decision))
    return found


def document_of(ctx: Context, decision: dict) -> Document:
    """The data file of a decision (asked for by its page's address, the list's file and the search
    index: one lookup, not a search of the decisions sharing its 文书号)."""
    documents = ctx.decision_documents
    if not documents:
        documents.update((id(ref.value), ref.document) for refs in ctx.corpus.decisions.values() for ref in refs)
    return documents[id(decision)]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _yuan(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text} 元"
