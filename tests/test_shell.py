"""Record pages written into the theme's shell (generator/shell.py): the same page as mkdocs would
frame, written by one or two processes alike, scanned for personal data, listed in the sitemap."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from xml.etree import ElementTree

import pytest

from generator import forking, shell
from generator.pages import Deferred, HtmlPage

SHELL = """<html><head><title>PORTALSHELLTITLE - 平台</title>
<link rel="canonical" href="https://example.gov.cn/_portal_shell/x/page/"></head>
<body><nav><a href="../../../decisions/">执法决定公示</a></nav><header>PORTALSHELLTITLE</header>
<article><h1>PORTALSHELLTITLE</h1>

<p>PORTALSHELLBODY</p></article><footer>主办单位</footer></body></html>"""
CANONICAL = "https://example.gov.cn/_portal_shell/x/page/"


def test_a_shell_is_filled_with_the_title_the_canonical_address_and_the_article():
    cut = shell.Shell.cut(SHELL, CANONICAL)
    page = cut.fill(HtmlPage("连山市监罚〔2024〕9号 <script>", "<h1>标题</h1><p>正文</p>"),
                     "https://example.gov.cn/decisions/a/b/")
    assert "<title>连山市监罚〔2024〕9号 &#60;script&#62; - 平台</title>" in page
    assert '<link rel="canonical" href="https://example.gov.cn/decisions/a/b/">' in page
    assert "<article><h1>标题</h1><p>正文</p></article>" in page
    assert "PORTALSHELL" not in page and "_portal_shell" not in page
    assert '<a href="../../../decisions/">' in page  # the rest of the shell as the theme wrote it


def test_the_skip_link_of_a_filled_page_leads_to_its_heading():
    themed = SHELL.replace("<body>", '<body><a href="#portalshelltitle" class="md-skip">跳转至</a>').replace(
        "<h1>PORTALSHELLTITLE</h1>", '<h1 id="portalshelltitle">PORTALSHELLTITLE</h1>')
    page = shell.Shell.cut(themed, CANONICAL).fill(HtmlPage("标题", "<h1>标题</h1><h2>摘要</h2>"), CANONICAL)
    assert f'<a href="#{shell.SKIP_TARGET}" class="md-skip">' in page
    assert f'<h1 id="{shell.SKIP_TARGET}">标题</h1><h2>摘要</h2>' in page
    assert "portalshell" not in page.lower()


def test_a_theme_that_no_longer_shows_the_article_as_written_is_refused():
    with pytest.raises(ValueError, match="占位内容"):
        shell.Shell.cut(SHELL.replace("<p>PORTALSHELLBODY</p>", "<div>PORTALSHELLBODY</div>"), CANONICAL)


@pytest.mark.parametrize(("uri", "directory_urls", "level"), [
    ("decisions/lsscjgj/2024-009.md", True, 3), ("items/X01.md", True, 2), ("agencies/a.md", True, 2),
    ("decisions/lsscjgj/2024-009.md", False, 2), ("items/X01.md", False, 1),
])
def test_the_placeholder_page_is_written_as_deep_as_the_pages_it_stands_for(uri, directory_urls, level):
    assert shell.depth(uri, directory_urls) == level
    assert shell.depth(shell.shell_uri(level, directory_urls), directory_urls) == level


def _page(number: int) -> HtmlPage:
    return HtmlPage(f"第{number}页", f"<h1>第{number}页</h1><p>编号 {number:05d}</p>")


def _plan(site: Path, count: int, extra: list | None = None) -> shell.Plan:
    pages = [(f"decisions/a/p{number}.md", Deferred(_page, (number,))) for number in range(count)]
    return shell.Plan([*pages, *(extra or [])], site, "https://example.gov.cn/", True,
                      {3: shell.Shell.cut(SHELL, CANONICAL)})


@pytest.fixture(autouse=True)
def no_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in `portal build`: no other thread runs (the suite's browser tests leave some), so it may fork."""
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)


def test_two_processes_write_exactly_what_one_writes(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(shell, "PARALLEL_FROM", 10)
    one, two = tmp_path / "one", tmp_path / "two"
    written_one, leaks_one = shell.write_pages(_plan(one, 60), processes=1)
    written_two, leaks_two = shell.write_pages(_plan(two, 60), processes=2)
    assert written_one == written_two and len(written_one) == 60 and leaks_one == leaks_two == []
    for path in written_one:
        assert (one / path).read_bytes() == (two / path).read_bytes()
    assert (one / "decisions/a/p7/index.html").read_text(encoding="utf-8").count("编号 00007") == 1


def test_writers_replaced_by_fresh_forks_write_the_same_pages(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(shell, "PARALLEL_FROM", 10)
    monkeypatch.setattr(shell, "RECYCLE", 1)  # each task in a writer of its own
    one, two = tmp_path / "one", tmp_path / "two"
    extra = [(f"laws/a/law-{n}.md", Deferred(_page, (1000 + n,))) for n in range(5)]  # heavy pages: a task each
    written_one, _ = shell.write_pages(_plan(one, 40, extra), processes=1)
    written_two, leaks = shell.write_pages(_plan(two, 40, extra), processes=2)
    assert sorted(written_one) == sorted(written_two) and len(written_two) == 45 and leaks == []
    assert written_two[:5] == [f"laws/a/law-{n}/index.html" for n in range(5)]  # the heavy ones first
    for path in written_one:
        assert (one / path).read_bytes() == (two / path).read_bytes()


def test_no_writer_is_forked_while_other_threads_run(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(shell, "PARALLEL_FROM", 10)
    monkeypatch.setattr(forking.threading, "active_count", lambda: 3)  # `portal serve` watches files

    def no_fork(*args: object) -> None:
        raise AssertionError("a process was forked")

    monkeypatch.setattr(shell.multiprocessing, "get_context", no_fork)
    written, _ = shell.write_pages(_plan(tmp_path, 60))
    assert len(written) == 60


@pytest.mark.parametrize("processes", [1, 2])
def test_personal_data_on_a_record_page_is_found_on_its_line(tmp_path: Path, monkeypatch, processes: int):
    monkeypatch.setattr(shell, "PARALLEL_FROM", 10)
    leak = Deferred(HtmlPage, ("联系人", "<h1>联系人</h1>\n<p>电话 1380013<b>8000</b></p>"))
    written, leaks = shell.write_pages(_plan(tmp_path, 30, [("decisions/a/leak.md", leak)]), processes=processes)
    assert len(written) == 31
    assert [(problem.code, problem.file) for problem in leaks] == [("pii-mobile", "decisions/a/leak/index.html")]
    page = (tmp_path / "decisions/a/leak/index.html").read_text(encoding="utf-8")
    assert "1380013" in page.splitlines()[leaks[0].line - 1]


def test_personal_data_in_the_shell_itself_is_found_once(tmp_path: Path):
    plan = _plan(tmp_path, 3)
    plan.shells[3] = shell.Shell.cut(SHELL.replace("主办单位", "主办单位 13800138000"), CANONICAL)
    _, leaks = shell.write_pages(plan, processes=1)
    assert [problem.code for problem in leaks] == ["pii-mobile"]


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url>
         <loc>https://example.gov.cn/</loc>
         <lastmod>2024-06-03</lastmod>
    </url>
    <url>
         <loc>https://example.gov.cn/_portal_shell/x/page/</loc>
         <lastmod>2024-06-03</lastmod>
    </url>
</urlset>"""
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_xml(path: Path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()  # noqa: S314 - a file this test just wrote


def test_the_sitemap_drops_the_placeholders_and_lists_the_record_pages(tmp_path: Path):
    (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    shell.rewrite_sitemap(tmp_path, ["decisions/a/b/", "items/X/"], site_url="https://example.gov.cn/",
                          lastmod=shell.lastmod_of(tmp_path), timestamp=1717372800)
    root = parse_xml(tmp_path / "sitemap.xml")
    assert [loc.text for loc in root.iter(f"{NS}loc")] == [
        "https://example.gov.cn/", "https://example.gov.cn/decisions/a/b/", "https://example.gov.cn/items/X/"]
    assert {mod.text for mod in root.iter(f"{NS}lastmod")} == {"2024-06-03"}
    compressed = (tmp_path / "sitemap.xml.gz").read_bytes()
    assert gzip.decompress(compressed) == (tmp_path / "sitemap.xml").read_bytes()
    assert int.from_bytes(compressed[4:8], "little") == 1717372800  # reproducible: the build time


def test_past_the_limit_the_sitemap_becomes_an_index_of_sitemaps(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(shell, "SITEMAP_LIMIT", 2)
    (tmp_path / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    shell.rewrite_sitemap(tmp_path, ["a/", "b/", "c/", "d/"], site_url="https://example.gov.cn/",
                          lastmod="2024-06-03", timestamp=0)
    index = parse_xml(tmp_path / "sitemap.xml")
    assert index.tag == f"{NS}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{NS}loc")]
    assert parts == [f"https://example.gov.cn/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = [loc.text for n in (1, 2, 3)
              for loc in parse_xml(tmp_path / f"sitemap-{n}.xml").iter(f"{NS}loc")]
    assert len(listed) == 5 and all(len(list(parse_xml(tmp_path / f"sitemap-{n}.xml"))) <= 2
                                    for n in (1, 2, 3))


@pytest.mark.parametrize("uri", ["items/../../etc/passwd.md", "/etc/x.md", "items\\..\\x.md"])
def test_a_page_is_never_written_outside_the_site_folder(uri: str):
    with pytest.raises(ValueError, match="不在网站目录中"):
        shell.dest(uri, True)


def test_a_shell_loses_the_themes_indentation_and_nothing_else():
    themed = SHELL.replace("<nav>", "<nav>\n      \n        ").replace("</header>", "</header>\n    ")
    cut = shell.Shell.cut(themed, CANONICAL)
    page = cut.fill(HtmlPage("标题", "<h1>标题</h1>\n\n    <p>正文</p>"), "https://example.gov.cn/decisions/a/b/")
    assert "<nav>\n<a " in page and "</header>\n<article>" in page
    assert "<h1>标题</h1>\n\n    <p>正文</p>" in page  # the article as the page made it
    assert shell.compact("<p>一</p>\n   \n  <p>二  三</p> \n <p>四</p>") == "<p>一</p>\n<p>二  三</p>\n<p>四</p>"


@pytest.mark.parametrize("verbatim", ["<pre>a\n  b</pre>", "<textarea>\n  x</textarea>", "<script>`a\n  b`</script>",
                                      '<a title="一\n   二">x</a>'])
def test_a_shell_where_white_space_may_matter_is_kept_as_written(verbatim):
    themed = SHELL.replace("<footer>", f"<div>\n    {verbatim}\n  </div><footer>")
    assert shell.compact(themed) == themed
    assert verbatim in "".join(shell.Shell.cut(themed, CANONICAL).parts)


def test_pages_are_shared_out_in_tasks_of_about_the_same_work(tmp_path: Path):
    """Bodies' and laws' pages a task each, first; the rest in tasks of about `step` decision pages'
    work, a page of a benchmark document's entries counting as several."""
    pages = [*(f"decisions/a/p{number}.md" for number in range(200)),
             *(f"benchmarks/big/p/{number}.md" for number in range(2, 60)), "agencies/a.md", "laws/x.md"]
    plan = shell.Plan([(uri, Deferred(_page, (0,))) for uri in pages], tmp_path, "https://example.gov.cn/", True, {})
    ranges = shell.start(plan, processes=1).ranges
    assert [uri for uri, _ in plan.pages[:2]] == ["agencies/a.md", "laws/x.md"] and ranges[:2] == [(0, 1), (1, 2)]
    assert [index for first, last in ranges for index in range(first, last)] == list(range(len(pages)))
    step = -(-len(pages) // 4)
    loads = [sum(shell._weight(uri) for uri, _ in plan.pages[first:last]) for first, last in ranges[2:]]
    assert all(load < step + 8 for load in loads) and sum(loads[:-1]) / len(loads[:-1]) >= step
    assert len(ranges[2:]) > len(range(2, len(pages), step))  # the entries' pages made more tasks


def test_restamp_writes_the_new_release_line_into_a_new_file_or_says_the_page_is_to_be_made(tmp_path: Path):
    from generator.shell import restamp

    old, new = '<span class="portal-release">版本：v1（提交 aaa）</span>', '<span class="portal-release">版本：v2（提交 bbb）</span>'
    page = tmp_path / "index.html"
    page.write_text(f"<p>{old}</p><footer>{old}</footer>", encoding="utf-8")
    linked = tmp_path / "archived.html"
    os.link(page, linked)
    assert restamp(str(page), old, new) is not None
    assert page.read_text(encoding="utf-8") == f"<p>{old}</p><footer>{new}</footer>"  # the footer's: the last
    assert linked.read_text(encoding="utf-8") == f"<p>{old}</p><footer>{old}</footer>"  # a link keeps the old
    assert restamp(str(page), '<span class="portal-release">版本：v0</span>', new) is None  # not there: made again
    assert not (tmp_path / "index.html.new").exists()
