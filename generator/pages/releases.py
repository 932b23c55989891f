"""历史版本: every published release with its date, commit, archive digests, changelog and download.

The list comes from data/releases.yaml (newest shown first). A release's own archive digest is
known only after the archive exists, so a release lists the ones before it; the footer of every
page names the release and commit the site itself was built from.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from markupsafe import Markup

from ..render import escape
from . import Context

PAGE = "releases/index.md"
_ESCAPED = re.compile(r"\\(.)")


def pages(ctx: Context) -> dict[str, str]:
    documents = ctx.corpus.of("releases")
    index = documents[0].data if documents and isinstance(documents[0].data, dict) else {}
    base = index.get("download_base") or ""
    releases = [dict(release, link=download_link(base, release),
                     changes=changelog_markdown(release.get("changelog", "")))
                for release in reversed(index.get("releases") or []) if isinstance(release, dict)]
    return {PAGE: ctx.env.get_template("releases.md.j2").render(**ctx.base, src_uri=PAGE, releases=releases)}


def download_link(base: str, release: dict) -> Markup:
    """An HTML link (Markdown would read ``_`` in an address as emphasis), every part escaped."""
    url = f"{base}{quote(str(release.get('tag', '')))}/{quote(str(release.get('archive', '')))}"
    return Markup('<a href="{}">{}</a>').format(url, escape(release.get("archive")))


def changelog_markdown(text: str) -> Markup:
    """`portal diff` output shown under a release heading: its headings one level lower, and
    nothing in it read as HTML or a link (its backslash escapes become character references,
    which mkdocs' Markdown, unlike GitHub's, would otherwise print with the backslash)."""
    text = _ESCAPED.sub(lambda match: f"&#{ord(match[1])};", str(text))
    text = text.replace("<", "&lt;").replace("[", "&#91;")
    lines = ["#" + line if line.startswith("#") else line for line in text.splitlines()]
    return Markup("\n".join(lines).strip() + "\n")  # noqa: S704 - escaped just above
