"""The Atom feed (``feed.xml``, RFC 4287) of new and withdrawn decisions on display.

One entry per decision on display, the latest `LIMIT` by the day they last changed: the day
of publication, or of withdrawal for a withdrawn one. A withdrawn decision keeps its entry
(same id) with the withdrawal notice in place of its content, so a reader that follows the
feed sees it change and never keeps two versions. An entry's id is the decision page's address
(site.yaml ``base_url`` + its path), which never changes while the file stays where it is.

The summary is what the list and the page show, never the facts: 文书号, the body, the party
as published (a natural person only as 张某), what was decided. A withdrawn decision's summary
is its notice: when and why, never the party or the content.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from typing import Any

from ..datapackage import TIMEZONE
from . import Context, decisions

FEED = "feed.xml"
LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"
#: What the page heads link to (see build.on_post_page).
LINK_TITLE = "执法决定公示更新（Atom）"


def pages(ctx: Context) -> dict[str, Any]:
    return {FEED: feed_xml(ctx)}


def changed_on(decision: dict) -> str:
    """The day a decision last changed on the site: withdrawn, or else published."""
    withdrawal = decision.get("withdrawal")
    if decision.get("status") == "已撤回" and isinstance(withdrawal, dict) and withdrawal.get("date"):
        return str(withdrawal["date"])
    return str(decision.get("published_on"))


def latest(ctx: Context) -> list[dict]:
    """The decisions in the feed: the latest `LIMIT` by `changed_on`, newest first."""
    ordered = sorted(ctx.shown, key=lambda d: d.get("doc_no", ""))
    return sorted(ordered, key=changed_on, reverse=True)[:LIMIT]


def timestamp(day: str) -> str:
    """An RFC 3339 date-time for a day: its start in China Standard Time."""
    return f"{datetime.date.fromisoformat(day).isoformat()}T00:00:00{TIMEZONE}"


def feed_xml(ctx: Context) -> str:
    ET.register_namespace("", ATOM)
    base = str(ctx.site.get("base_url", "/"))
    site_name = str(ctx.site.get("name", "行政执法公示平台"))
    entries = latest(ctx)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _text(root, "id", base + FEED)
    _text(root, "title", f"{site_name}：执法决定公示")
    _text(root, "subtitle", f"新公示和已撤回的执法决定（最近 {LIMIT} 件）")
    _text(root, "updated", timestamp(changed_on(entries[0]) if entries else ctx.today.isoformat()))
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": base + FEED})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                             "href": decisions.page_url(ctx, decisions.LIST)})
    author = ET.SubElement(root, f"{{{ATOM}}}author")
    _text(author, "name", str(ctx.site.get("sponsor") or site_name))
    for decision in entries:
        url = decisions.page_url(ctx, decisions.page_uri(ctx, decision))
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", url)
        _text(entry, "title", title(decision))
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
        _text(entry, "published", timestamp(str(decision["published_on"])))
        _text(entry, "updated", timestamp(changed_on(decision)))
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": str(decision.get("type", ""))})
        _text(entry, "summary", summary(ctx, decision))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def title(decision: dict) -> str:
    if decision.get("status") == "已撤回":
        return f"{decision.get('doc_no')}（已撤回）"
    return str(decision.get("title") or decision.get("doc_no"))


def summary(ctx: Context, decision: dict) -> str:
    agency = (ctx.corpus.agency(decision.get("agency")) or {}).get("name", decision.get("agency"))
    if decision.get("status") == "已撤回":
        withdrawal = decision.get("withdrawal") or {}
        return (f"{agency}于 {withdrawal.get('date')} 撤回 {decision.get('doc_no')}，原公示内容不再公开。"
                f"撤回理由：{withdrawal.get('reason')}")
    party = decision.get("party") or {}
    parts = [f"{agency} {decision.get('decided_on')} 作出{decision.get('type')}决定 {decision.get('doc_no')}。",
             f"当事人：{party.get('name')}（{party.get('kind')}）。"]
    outcome = decisions.outcome_lines(decision)
    if outcome:
        parts.append(f"{'处罚内容' if decision.get('type') == '行政处罚' else '决定内容'}：{'；'.join(outcome)}。")
    return "".join(parts)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def on_post_page(output: str, page: Any, config: Any) -> str:
    """mkdocs `on_post_page` event: every page's head names the feed (Atom autodiscovery)."""
    from html import escape

    from mkdocs.utils import get_relative_url

    href = escape(get_relative_url(FEED, page.url or "."))
    link = f'<link rel="alternate" type="application/atom+xml" title="{escape(LINK_TITLE)}" href="{href}">'
    # One copy of the page (slices and + would make three of a ~25 MB list page).
    return output.replace("</head>", f"{link}\n</head>", 1)
