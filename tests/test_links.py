"""Every internal link of the built site resolves: to a file, and to an element with that id.

mkdocs checks the Markdown links of the pages it renders; this check reads the written HTML,
so it also covers links in raw HTML, the theme's own links and the assets pages load.
"""

from __future__ import annotations

import posixpath
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import REPO

#: Attributes that make the browser go to, or fetch, another address.
_LINKS = {("a", "href"), ("link", "href"), ("area", "href"), ("script", "src"), ("img", "src"),
          ("iframe", "src"), ("source", "src"), ("form", "action")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINKS:
                self.links.append(value)


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path) -> list[tuple[str, str, str]]:
    """(page, link, what is wrong) for each internal link of each HTML page under `site`.

    Links with a scheme (https:, mailto:, tel:, data:) or to another host are not followed;
    ``javascript:`` links are reported, since the site has none of its own.
    """
    _parse.cache_clear()
    problems = []
    for path in sorted(site.rglob("*.html")):
        page = path.relative_to(site).as_posix()
        for link in _parse(path).links:
            problem = _check(site, page, link)
            if problem:
                problems.append((page, link, problem))
    return problems


def _check(site: Path, page: str, link: str) -> str | None:
    parts = urlsplit(link)
    if parts.scheme == "javascript":
        return "javascript: link"
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        target = page
    else:
        base = "" if parts.path.startswith("/") else posixpath.dirname(page)
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
        if target == ".." or target.startswith("../"):
            return "outside the site"
        if parts.path.endswith("/") or (site / target).is_dir():
            target = posixpath.join(target, "index.html")
        if not (site / target).is_file():
            return f"no file {target}"
    anchor = unquote(parts.fragment)
    if anchor and target.endswith(".html") and anchor not in _parse(site / target).ids:
        return f"no #{anchor} in {target}"
    return None


def test_the_checker_reports_missing_pages_and_anchors(tmp_path: Path):
    pages = {
        "index.html": '<a href="a/">a</a> <a href="a/#top">top</a> <a href="#here">self</a> <p id="here"></p>'
                      '<a href="https://example.org/x">out</a> <a href="mailto:x@example.org">mail</a>',
        "a/index.html": '<h1 id="top"></h1><a href="../">home</a><a href="../b/">missing page</a>'
                        '<a href="../index.html#nowhere">missing anchor</a><a href="../../up/">outside</a>'
                        '<script src="../assets/x.js"></script><a href="javascript:alert(1)">js</a>',
    }
    for name, html in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(html, encoding="utf-8")
    assert broken_links(tmp_path) == [
        ("a/index.html", "../b/", "no file b/index.html"),
        ("a/index.html", "../index.html#nowhere", "no #nowhere in index.html"),
        ("a/index.html", "../../up/", "outside the site"),
        ("a/index.html", "../assets/x.js", "no file assets/x.js"),
        ("a/index.html", "javascript:alert(1)", "javascript: link"),
    ]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the repository's own sample data (data/), as on 2026-11-27."""
    from .conftest import run_cli

    out = tmp_path_factory.mktemp("sample") / "site"
    code, _, stderr = run_cli("build", "--root", str(REPO), "--out", str(out), "--today", "2026-11-27")
    assert (code, stderr) == (0, "")
    return out


def test_every_internal_link_of_the_sample_site_resolves(sample_site: Path):
    assert broken_links(sample_site) == []


def test_the_sample_site_has_the_pages_the_links_point_at(sample_site: Path):
    for page in ("items/index.html", "items/441825-SCJG-CF-0001/index.html", "benchmarks/index.html",
                 "benchmarks/lsscjgj-cfjz-2023/index.html", "laws/index.html", "laws/xingzheng-chufa-fa/index.html",
                 "assets/table-filter.js"):
        assert (sample_site / page).is_file(), page
