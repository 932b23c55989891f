"""The item list's filters in a real browser, and axe-core on the item, benchmark and law pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from generator.pages.paging import PAGE_ROWS

from ..conftest import REPO
from .conftest import AXE, unavailable
from .test_decision_list import settled
from .test_accessibility import axe_violations

ITEM = "items/441825-SCJG-CF-0001/"
BENCHMARK = "benchmarks/lsscjgj-cfjz-2023/"


def visible_bodies(page) -> set[str]:
    return set(page.eval_on_selector_all(
        "article [data-row]", "ms => ms.filter(m => m.closest('tr').offsetParent !== null)"
                              ".map(m => m.getAttribute('data-body'))"))


def item_counts() -> dict[str, int]:
    """Items by body in the bundled sample (158: the list is two pages of 100)."""
    return {path.parent.name: len(yaml.safe_load(path.read_text(encoding="utf-8"))["items"])
            for path in (REPO / "data" / "agencies").glob("*/items.yaml")}


def test_the_item_list_filters_all_its_pages_by_body_and_type_and_keeps_them_in_the_address(page, server: str):
    total = sum(item_counts().values())
    page.goto(server + "items/")
    form = page.locator("form[data-filter]")
    assert form.is_visible()
    assert settled(page) == f"显示第 1–{PAGE_ROWS} 项，共 {total} 项" and total > PAGE_ROWS
    page.select_option("select[data-filter-key=body]", "lsscjgj")
    assert settled(page) == f"显示 {item_counts()['lsscjgj']} 项，共 {total} 项"
    assert visible_bodies(page) == {"lsscjgj"}
    page.select_option("select[data-filter-key=type]", "行政许可")
    settled(page)
    shown = page.locator("article tr:visible [data-row]")
    assert 0 < shown.count() < item_counts()["lsscjgj"]
    assert {m.get_attribute("data-type") for m in shown.all()} == {"行政许可"}
    assert parse_qs(urlsplit(page.url).query) == {"body": ["lsscjgj"], "type": ["行政许可"]}
    count = shown.count()
    page.reload()
    settled(page)
    assert page.locator("article tr:visible [data-row]").count() == count  # the address restores it


def test_without_javascript_the_list_shows_in_pages_and_the_form_does_not(browser, server: str):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        page.goto(server + "items/")
        assert not page.locator("form[data-filter]").is_visible()
        seen = page.locator("article tr:visible [data-row]").count()
        assert seen == page.locator("article [data-row]").count() == PAGE_ROWS
        page.locator("[data-pager] a[rel=next]").click()
        seen += page.locator("article tr:visible [data-row]").count()
        assert seen == sum(item_counts().values()) and not page.locator("[data-pager] a[rel=next]").count()
    finally:
        context.close()


@pytest.mark.parametrize("path", ["items/", "items/p/2/", ITEM, "benchmarks/", BENCHMARK, "laws/", "laws/xingzheng-chufa-fa/"])
def test_no_serious_or_critical_accessibility_violation(page, server: str, path: str):
    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    page.goto(server + path)
    assert axe_violations(page) == []


def test_an_article_link_lands_on_the_article(page, server: str):
    page.goto(server + ITEM)
    page.locator("article a[href*='laws/']").first.click()
    # the click navigates: wait until the law page has loaded before reading its address
    page.wait_for_url("**/laws/**#article-*")
    page.wait_for_load_state("load")
    anchor = urlsplit(page.url).fragment
    assert anchor.startswith("article-") and page.locator(f"#{anchor}").is_visible()


@pytest.fixture(scope="module")
def paged_benchmarks(tmp_path_factory: pytest.TempPathFactory):
    """The sample site with 4 benchmark entries a page (a county's has ~1,500 entries, 20 a page)."""
    from generator.pages import links

    from ..conftest import run_cli
    from .conftest import TODAY, serving

    out = tmp_path_factory.mktemp("paged-benchmarks") / "site"
    rows, links.ENTRY_ROWS = links.ENTRY_ROWS, 4
    try:
        code, _, stderr = run_cli("build", "--root", str(REPO), "--out", str(out), "--today", TODAY)
    finally:
        links.ENTRY_ROWS = rows
    assert (code, stderr) == (0, "")
    with serving(out) as url:
        yield url


@pytest.fixture
def paged_page(browser, paged_benchmarks: str):
    """A page at desktop width on the site with paged benchmark documents."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", service_workers="block")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_an_item_page_leads_to_its_benchmark_entry_on_a_further_page_of_the_document(paged_page,
                                                                                      paged_benchmarks: str):
    page = paged_page
    page.goto(paged_benchmarks + "items/441825-SCJG-CF-0019/")
    page.locator("article a[href*='benchmarks/lsscjgj-cfjz-2023/p/']").first.click()
    page.wait_for_url("**/benchmarks/lsscjgj-cfjz-2023/p/3/#*")
    page.wait_for_load_state("load")
    anchor = urlsplit(page.url).fragment
    assert page.locator(f"h2#{anchor}").is_visible()
    assert page.locator("h1").inner_text().endswith("（第 3 页）")
    pager = page.locator("nav[data-pager]").first
    assert pager.locator("[aria-current=page]").inner_text() == "3"
    pager.locator("a[rel=prev]").click()
    page.wait_for_url("**/benchmarks/lsscjgj-cfjz-2023/p/2/")
    assert page.locator("article h2").count() == 4


@pytest.mark.parametrize("path", ["benchmarks/lsscjgj-cfjz-2023/", "benchmarks/lsscjgj-cfjz-2023/p/4/"])
def test_the_pages_of_a_paged_benchmark_document_are_accessible(paged_page, paged_benchmarks: str, path: str):
    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    paged_page.goto(paged_benchmarks + path)
    assert axe_violations(paged_page) == []
