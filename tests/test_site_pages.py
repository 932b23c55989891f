"""The item, benchmark and law pages: what they show, where they link, and data kept as text."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from generator.pages.links import cite_markdown, relative

from .conftest import REPO, VALID, run_cli
from .test_links import broken_links

ITEM = "items/441825-SCJG-CF-0001/index.html"
COUNTY = "benchmarks/ls-scjg-2023/index.html"
PROVINCE = "benchmarks/gd-scjg-2022/index.html"
HOSTILE = "<script>alert(1)</script>[点我](javascript:alert(1)) | **粗体** \"引号\": 冒号"


def build(project: Path) -> Path:
    out = project / "site"
    code, _, stderr = run_cli("build", "--root", str(project), "--out", str(out), "--today", "2026-11-27")
    assert (code, stderr) == (0, "")
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal valid project (tests/data/valid), built once for the tests that only read it."""
    root = tmp_path_factory.mktemp("pages") / "project"
    shutil.copytree(VALID, root)
    return build(root)


def read(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def text_of(source: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


def section(page: str, anchor: str) -> str:
    """The HTML of the section that starts at the heading with id `anchor`, up to the next h2."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<h2", start)
    return page[start:end if end != -1 else len(page)]


def law_links(page: str) -> list[str]:
    """The links to an article of a law."""
    return re.findall(r'href="([^"]*laws/[^"#]*#[^"]*)"', page)


# 执法事项清单

def test_the_item_list_has_a_filter_per_field_and_every_row_carries_its_values(site: Path):
    page = read(site, "items/index.html")
    form = re.search(r"<form[^>]*data-filter[^>]*>.*?</form>", page, re.S).group(0)
    assert " hidden" in form.split(">")[0]  # shown by the script; without it the whole table shows
    assert re.findall(r'data-filter-key="(\w+)"', form) == ["body", "type", "level", "status"]
    assert re.findall(r'<option value="([^"]*)">', form) == ["", "lsscjgj", "", "行政处罚", "", "县级", "", "在用"]
    assert "data-filter-text" in form
    rows = re.findall(r"<tr>\s*<td><span data-row ([^>]*)></span>", page)
    assert rows == ['data-body="lsscjgj" data-type="行政处罚" data-level="县级" data-status="在用"']
    assert '<a href="441825-SCJG-CF-0001/">对经营超过保质期食品的行政处罚</a>' in page
    script = re.search(r'<script src="([^"]+)" defer>', page).group(1)
    assert script == "../assets/table-filter.js" and (site / "assets/table-filter.js").is_file()


def test_a_long_item_list_is_in_pages_holding_each_item_once_with_a_file_of_every_row(monkeypatch):
    import datetime
    import json
    import posixpath

    from generator.checker import validate
    from generator.pages import paging
    from generator.render import pages

    from .conftest import REPO

    monkeypatch.setattr(paging, "PAGE_ROWS", 20)
    corpus = validate(REPO).corpus
    generated = pages(corpus, datetime.date(2026, 11, 27))
    count = sum(1 for uri in generated if re.fullmatch(r"items/(index|p/\d+)\.md", uri))
    rows = [re.findall(r'<span data-row data-body="([^"]*)"[^>]*></span>([^<]*)</td>',
                       generated["items/index.md" if number == 1 else f"items/p/{number}.md"].body)
            for number in range(1, count + 1)]
    every = [row for page in rows for row in page]
    assert count == -(-len(corpus.items) // 20) >= 3
    assert [len(page) for page in rows[:-1]] == [20] * (count - 1) and 0 < len(rows[-1]) <= 20
    assert sorted(code for _, code in every) == sorted(corpus.items)  # each once
    bodies = [body for body, _ in every]
    assert bodies == sorted(bodies, key=bodies.index)  # body after body, as on one page
    data = json.loads(generated["items/list.json"])
    assert data["attributes"] == ["body", "type", "level", "status"]
    assert [(values[0], cells[0]) for values, cells in data["rows"]] == every
    for _, cells in data["rows"]:
        target = posixpath.normpath(posixpath.join("items", cells[1][1]))
        assert f"{target}.md" in generated and cells[1][0] == corpus.items[cells[0]][0].value["name"]


def test_an_item_page_links_its_body_towns_basis_benchmarks_and_decisions(site: Path):
    page = read(site, ITEM)
    assert '<a href="../../agencies/lsscjgj/">连山壮族瑶族自治县市场监督管理局</a>' in page
    assert '<a href="../../agencies/jitian/">' in page  # 赋权乡镇
    assert law_links(page) == ["../../laws/shipin-anquan-fa/#article-124"]
    assert '<a href="../../benchmarks/ls-scjg-2023/#ls-sp-001">' in page
    assert '<a href="../../decisions/lsscjgj/2024-012/">连山市监罚〔2024〕12号</a>' in page


def test_the_adjustment_history_is_a_table(project: Path):
    items = project / "data/agencies/lsscjgj/items.yaml"
    items.write_text(items.read_text(encoding="utf-8") + """    history:
      - date: 2019-06-28
        action: 新增
        reason: 县级权责清单首次公布
        document: 连府〔2019〕21号
      - date: 2022-03-15
        action: 调整
        reason: 机构改革后职责划转
""", encoding="utf-8")
    text = text_of(read(build(project), ITEM))
    assert re.search(r"动态调整记录\s+调整日期\s+调整方式\s+调整理由\s+依据文件\s+"
                     r"2019-06-28\s+新增\s+县级权责清单首次公布\s+连府〔2019〕21号\s+"
                     r"2022-03-15\s+调整\s+机构改革后职责划转", text)


def test_the_agency_page_links_its_items_benchmarks_and_basis(site: Path):
    page = read(site, "agencies/lsscjgj/index.html")
    assert '<a href="../../items/441825-SCJG-CF-0001/">对经营超过保质期食品的行政处罚</a>' in page
    assert '<a href="../../benchmarks/ls-scjg-2023/">' in page
    assert law_links(page) == ["../../laws/shipin-anquan-fa/#article-6"]


# 裁量基准

def test_the_benchmark_list_groups_documents_by_issuer_level(site: Path):
    text = text_of(read(site, "benchmarks/index.html"))
    assert re.search(r"省级裁量基准.*广东省市场监督管理局行政处罚自由裁量权基准（测试）.*"
                     r"市级裁量基准\s+暂无。.*本县细化裁量基准.*连山壮族瑶族自治县市场监督管理局行政处罚裁量权基准细化",
                     text, re.S)


def test_a_county_entry_shows_its_parents_tiers_and_links_the_parent(site: Path):
    entry = section(read(site, COUNTY), "ls-sp-001")
    own, parent = entry.split("上级基准</strong>")
    assert '<a href="../gd-scjg-2022/#gd-sp-001">' in own
    assert "50,000—60,000 元" in own and "一般处罚" not in own
    assert re.search(r"从轻处罚.*50,000—65,000 元.*一般处罚.*货值金额一千元以上不足五千元的.*65,000—85,000 元",
                     text_of(parent), re.S)


def test_an_upstream_entry_lists_the_county_entries_that_refine_it(site: Path):
    entry = section(read(site, PROVINCE), "gd-sp-001")
    assert '<a href="../ls-scjg-2023/#ls-sp-001">' in entry
    assert "50,000—100,000 元（货值金额不足一万元的）" in entry  # statutory range with its condition


def test_benchmark_citations_link_to_the_cited_articles(site: Path):
    links = law_links(section(read(site, COUNTY), "ls-sp-001"))
    assert links == ["../../laws/shipin-anquan-fa/#article-34", "../../laws/shipin-anquan-fa/#article-124"]


def test_a_long_benchmark_document_is_paged_and_every_link_to_an_entry_leads_to_its_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A county market regulator's benchmark has ~1,500 entries: one page of them was ~7 MB."""
    import yaml

    from generator.pages import links

    from .conftest import REPO

    monkeypatch.setattr(links, "ENTRY_ROWS", 4)
    out = tmp_path / "site"
    code, _, stderr = run_cli("build", "--root", str(REPO), "--out", str(out), "--today", "2026-11-27")
    assert (code, stderr) == (0, "")
    source = REPO / "data" / "agencies" / "lsscjgj" / "benchmarks" / "lsscjgj-cfjz-2023.yaml"
    ids = [entry["id"] for entry in yaml.safe_load(source.read_text(encoding="utf-8"))["entries"]]
    assert len(ids) == 14
    folder = out / "benchmarks" / "lsscjgj-cfjz-2023"
    pages = [folder / "index.html", *(folder / "p" / str(number) / "index.html" for number in (2, 3, 4))]
    assert [re.findall(r'<h2 id="([^"]+)"', read(out, str(page.relative_to(out)))) for page in pages] == [
        ids[0:4], ids[4:8], ids[8:12], ids[12:14]]  # each entry once, in the document's order
    assert not (folder / "p" / "5").exists()
    third = read(out, "benchmarks/lsscjgj-cfjz-2023/p/3/index.html")
    assert "<h1 id=\"page-title\">连山壮族瑶族自治县市场监督管理局行政裁量权基准（2023年版）（第 3 页）</h1>" in third
    assert "共 14 个条目。按基准中的顺序，每页 4 个条目，本页是第 3 页，共 4 页。" in text_of(third)
    assert '<a href="../../">首页</a>' in third and '<a href="../2/" rel="prev">上一页</a>' in third
    assert "文号" in text_of(third)  # the document's fields on every page
    # Links from item pages, law pages and refining entries lead to the page that shows the entry.
    linked = {match for page in out.rglob("*.html")
              for match in re.findall(r'href="[^"]*lsscjgj-cfjz-2023/p/(\d)/#([^"]+)"',
                                      page.read_text(encoding="utf-8"))}
    assert linked and all(ids.index(entry) // 4 + 1 == int(number) for number, entry in linked)
    assert broken_links(out) == []


# 法律法规

def test_every_citation_on_the_site_links_to_an_article_that_is_there(site: Path):
    assert sum(len(law_links(page.read_text(encoding="utf-8"))) for page in site.rglob("*.html")) >= 5
    assert [problem for problem in broken_links(site) if "laws/" in problem[1]] == []


def test_a_law_page_has_an_anchor_per_stored_or_cited_article(site: Path):
    page = read(site, "laws/xingzheng-chufa-fa/index.html")
    assert re.search(r'<h3 id="article-33">第三十三条</h3>\s*<p>违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。</p>', page)
    cited = read(site, "laws/shipin-anquan-fa/index.html")
    assert re.findall(r'<h3 id="(article-\d+)">', cited) == ["article-6", "article-34", "article-124"]
    assert "本库未收录本条原文" in cited


def test_an_article_names_the_bodies_items_and_entries_citing_it_but_no_decision(site: Path):
    page = read(site, "laws/shipin-anquan-fa/index.html")
    article = page[page.index('id="article-124"'):]
    article = article[:article.find("<h3")] if "<h3" in article else article
    assert re.findall(r'<a href="\.\./\.\./([^"]+)"', article) == [
        "items/441825-SCJG-CF-0001/", "benchmarks/ls-scjg-2023/#ls-sp-001", "benchmarks/gd-scjg-2022/#gd-sp-001"]
    assert "引用本条的执法事项" in article and "引用本条的裁量基准条目" in article
    assert "decisions/" not in article  # the decision citing it leaves the site when its display ends
    assert '<a href="../../agencies/lsscjgj/">' in page[page.index('id="article-6"'):page.index('id="article-34"')]


def test_a_repealed_law_says_so_and_links_its_successor(site: Path):
    page = read(site, "laws/shipin-weisheng-fa/index.html")
    assert re.search(r"<blockquote>\s*<p><strong>已废止</strong>：本法规已于 2009-06-01 废止", page)
    assert '<a href="../shipin-anquan-fa/">中华人民共和国食品安全法</a>' in page
    assert "已废止" in text_of(read(site, "laws/index.html"))


def test_the_three_list_pages_are_in_the_nav(site: Path):
    nav = re.findall(r'<a href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*(\S+)',
                     read(site, "index.html"))
    assert {("items/", "执法事项清单"), ("benchmarks/", "裁量基准"), ("laws/", "法律法规")} <= set(nav)


# cite()

NAMES = {"中华人民共和国食品安全法": {"id": "shipin-anquan-fa"}, "食品安全法": {"id": "shipin-anquan-fa"}}


@pytest.mark.parametrize("text, markdown", [
    pytest.param("《中华人民共和国食品安全法》第三十四条第（十）项、第一百二十四条第一款第（五）项",
                 "[《中华人民共和国食品安全法》第三十四条第（十）项](../laws/shipin-anquan-fa.md#article-34)、"
                 "[第一百二十四条第一款第（五）项](../laws/shipin-anquan-fa.md#article-124)", id="two-articles"),
    pytest.param("《食品安全法》第十条之一的规定", "[《食品安全法》第十条之一](../laws/shipin-anquan-fa.md#article-10-1)的规定",
                 id="alias-extra-article-and-tail"),
    pytest.param("《中华人民共和国食品安全法》", "[《中华人民共和国食品安全法》](../laws/shipin-anquan-fa.md)", id="law-only"),
    pytest.param("《中华人民共和国行政执法法》第一条", "《中华人民共和国行政执法法》第一条", id="unknown-law-stays-text"),
    pytest.param("食品安全法第三十四条", "食品安全法第三十四条", id="unparsable-stays-text"),
    pytest.param("《食品安全法》第1条[x](javascript:1)", "《食品安全法》第1条&#91;x&#93;&#40;javascript:1&#41;",
                 id="hostile-stays-text"),
])
def test_cite_links_the_law_and_each_article(text: str, markdown: str):
    assert cite_markdown(text, NAMES, "items/x.md") == markdown


def test_links_are_relative_to_the_page_and_encoded():
    assert relative("items/x.md", "laws/a.md#article-3") == "../laws/a.md#article-3"
    assert relative("index.md", "items/A_b c.md") == "items/A_b%20c.md"
    assert relative("decisions/x/y.md", "items/index.md") == "../../items/index.md"


# Data is text, never markup

def test_hostile_text_in_items_benchmarks_and_laws_stays_text(project: Path):
    quoted = "'" + HOSTILE.replace("'", "''") + "'"
    data = project / "data"
    for rel, old, new in [
        ("agencies/lsscjgj/items.yaml", "name: 对经营超过保质期食品的行政处罚", f"name: {quoted}\n    sub_items: [{quoted}]"),
        ("agencies/lsscjgj/items.yaml", "document: 连府〔2021〕5号", f"document: {quoted}"),
        ("agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml", "- 货值金额不足五百元且主动召回的", f"- {quoted}"),
        ("agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml", "violation: 经营超过保质期的食品", f"violation: {quoted}"),
        ("upstream/benchmarks/gd-scjg-2022.yaml", "title: 广东省市场监督管理局行政处罚自由裁量权基准（测试）",
         f"title: {quoted}"),
        ("laws/xingzheng-chufa-fa.yaml", "text: 违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚。",
         "text: " + quoted),
    ]:
        path = data / rel
        source = path.read_text(encoding="utf-8")
        assert old in source, old
        path.write_text(source.replace(old, new), encoding="utf-8")
    out = build(project)
    pages = ["items/index.html", ITEM, "agencies/lsscjgj/index.html", "benchmarks/index.html", COUNTY, PROVINCE,
             "laws/xingzheng-chufa-fa/index.html"]
    for name in pages:
        page = read(out, name)
        assert "<script>alert(1)" not in page, name
        assert 'href="javascript:' not in page, name
        assert "<strong>粗体" not in page, name
        assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;&#91;点我&#93;" in page, name
    item = read(out, ITEM)
    assert "<title>&#60;script&#62;alert&#40;1&#41;" in item  # the front matter still parses
    assert text_of(item).count(HOSTILE) >= 3  # title, sub-item, delegation document
    rows = re.findall(r"<tr>\s*<td><span data-row", read(out, "items/index.html"))
    assert len(rows) == 1  # the | in the name did not split the row


def test_every_page_has_a_skip_link_to_its_heading(site: Path):
    # 跳转至 (WCAG 2.4.1, bypass blocks): past the header and the navigation to the page's own
    # heading. Record pages (shell.py) and list pages (HtmlPage) are not written from Markdown
    # headings, so theirs are put there by hand: every kind is checked here.
    pages = sorted(site.rglob("index.html"))
    kinds = {page.relative_to(site).parts[0] for page in pages if len(page.relative_to(site).parts) > 2}
    assert {"decisions", "items", "agencies", "benchmarks", "laws"} <= kinds
    for page in pages:
        text = page.read_text(encoding="utf-8")
        targets = re.findall(r'<a href="#([^"]+)" class="md-skip">', text)
        assert len(targets) == 1, page
        assert re.search(f'<h1 id="{re.escape(targets[0])}"', text), page
        assert "portalshell" not in text.lower(), page


def test_a_template_is_read_once_and_not_looked_at_again_for_every_page(monkeypatch: pytest.MonkeyPatch):
    """43,000 record pages render the same few templates: checking each one's time on disk at every
    use was ~5% of writing them."""
    import jinja2.loaders

    from generator.render import environment

    env = environment()
    template = env.get_template("decision.html.j2")

    def looked_at(path: str) -> float:
        raise AssertionError(f"{path} looked at again")

    monkeypatch.setattr(jinja2.loaders.os.path, "getmtime", looked_at)
    assert env.get_template("decision.html.j2") is template


def test_a_law_article_names_every_record_citing_it_once(tmp_path: Path):
    """citations_of counts each citation text once and looks up each record's page once: what it
    finds is what a plain walk over every citation finds, on a synthetic county where many records
    of one file cite the same articles."""
    import datetime

    from generator import citations
    from generator.checker import validate
    from generator.pages import context
    from generator.pages.laws import CITING_KINDS, _citing_page, article_anchor, citations_of
    from generator.render import environment
    from generator.rules.legal_citations import resolved
    from generator.synth import synthesize

    synthesize(REPO, tmp_path / "tiny", "tiny", seed=5)
    corpus = validate(tmp_path / "tiny").corpus
    ctx = context(corpus, datetime.date(2026, 11, 27), environment())
    cited, citing = citations_of(ctx)

    want_cited: dict[str, set] = {}
    want_citing: dict[tuple[str, str, str], list] = {}
    for document, path, law, parsed in resolved(corpus):
        want_cited.setdefault(law["id"], set()).update(citations.Article(a.number, a.extra) for a in parsed.articles)
        page = _citing_page(document, path, ctx.entry_uris) if document.kind in CITING_KINDS else None
        for article in parsed.articles if page else ():
            pages = want_citing.setdefault((law["id"], article_anchor(article), CITING_KINDS[document.kind]), [])
            if page not in pages:
                pages.append(page)
    assert cited == want_cited
    assert {(law, anchor, kind): pages for law, anchors in citing.items() for anchor, kinds in anchors.items()
            for kind, pages in kinds.items()} == want_citing
    assert max(len(pages) for pages in want_citing.values()) > 1  # several records of a file cite one article
