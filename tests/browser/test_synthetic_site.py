"""A site built from a synthetic corpus (`portal synth`) behaves like the sample site in the browser:
search, QR codes and the decision list's facets. The record pages of both are written the one way
(shell.py): the scale issue's fast path is the only path, never a benchmark special case."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ..conftest import REPO
from .conftest import TODAY, serving
from .test_decision_list import settled, shown
from .test_search import ask, links
from .test_site import decode_qr


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny synthetic county (`portal synth --scale tiny`) and its site."""
    base = tmp_path_factory.mktemp("synthetic")
    corpus, out = base / "corpus", base / "site"
    for command in (["synth", "--scale", "tiny", "--out", str(corpus), "--seed", "5"],
                    ["build", "--root", str(corpus), "--out", str(out), "--today", TODAY]):
        done = subprocess.run([sys.executable, "-m", "generator", *command], cwd=REPO, capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
    return corpus, out


@pytest.fixture(scope="module")
def synthetic_server(synthetic: tuple[Path, Path]) -> Iterator[str]:
    with serving(synthetic[1]) as url:
        yield url


@pytest.fixture
def page(browser, synthetic_server: str) -> Iterator[object]:
    """A fresh page that may load only from the synthetic site's server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", service_workers="block")
    local = urlsplit(synthetic_server).netloc
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == local
                  else route.abort("blockedbyclient"))
    yield context.new_page()
    context.close()


def a_shown_decision(corpus: Path, site: Path) -> tuple[dict, str]:
    """A synthetic decision that has a page, and that page's address from the site root."""
    for path in sorted((corpus / "data" / "agencies").glob("*/decisions/*/*.yaml"), reverse=True):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        agency, stem, year = path.parts[-4], path.stem, path.parts[-2]
        slug = stem if stem.startswith(year) else f"{year}-{stem}"
        address = f"decisions/{agency}/{slug}/"
        if record.get("status") != "已撤回" and (site / address / "index.html").is_file():
            return record, address
    raise AssertionError("no synthetic decision on display")


def test_a_synthetic_decision_is_found_by_its_doc_number_and_its_qr_code_decodes(
        page, synthetic: tuple[Path, Path], synthetic_server: str):
    record, address = a_shown_decision(*synthetic)
    page.goto(synthetic_server + "search/")
    ask(page, record["doc_no"])
    assert links(page)[0] == (record["title"], address)
    page.locator("[data-search-results] a").first.click()
    page.wait_for_url(synthetic_server + address)
    assert record["doc_no"] in page.title()
    base = yaml.safe_load((synthetic[0] / "data" / "site.yaml").read_text(encoding="utf-8"))["base_url"]
    assert decode_qr(page) == base + urlsplit(page.url).path.lstrip("/")


def static_rows(browser, server: str) -> list[list[tuple[str, ...]]]:
    """Every page of the list as a reader without JavaScript sees it, by following 下一页."""
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    try:
        page, pages = context.new_page(), []
        page.goto(server + "decisions/")
        while True:
            pages.append(shown(page, "body", "type", "year", "date", "amount"))
            following = page.locator("[data-pager] a[rel=next]")
            if not following.count():
                return pages
            following.click()
    finally:
        context.close()


def test_the_synthetic_decision_list_is_in_pages_that_hold_every_decision_once(browser, synthetic_server: str):
    from generator.pages.paging import PAGE_ROWS

    pages = static_rows(browser, synthetic_server)
    assert len(pages) >= 2 and all(len(rows) == PAGE_ROWS for rows in pages[:-1]) and 0 < len(pages[-1]) <= PAGE_ROWS
    every = [row for rows in pages for row in rows]
    dates = [row[3] for row in every]
    assert dates == sorted(dates, reverse=True)  # newest first, across pages


def test_the_synthetic_decision_list_filters_and_sorts_across_all_its_pages(page, browser, synthetic_server: str):
    every = [row for rows in static_rows(browser, synthetic_server) for row in rows]
    page.goto(synthetic_server + "decisions/")
    assert settled(page) == f"显示第 1–{len(shown(page, 'body'))} 件，共 {len(every)} 件"
    bodies = sorted({row[0] for row in every})
    assert len(bodies) > 2
    page.select_option("select[data-filter-key=body]", bodies[1])
    wanted = [row for row in every if row[0] == bodies[1]]
    assert settled(page) == f"显示 {len(wanted)} 件，共 {len(every)} 件"
    narrowed = shown(page, "body", "type", "year", "date", "amount")
    assert narrowed == wanted[:len(narrowed)] and len(narrowed) == min(len(wanted), 100)
    year = narrowed[-1][2]
    page.select_option("select[data-filter-key=year]", year)
    settled(page)
    assert shown(page, "body", "type", "year", "date", "amount") == [row for row in wanted if row[2] == year][:100]
    # sorted by amount: the largest of all pages comes first, and paging goes on through all
    page.select_option("select[data-filter-key=body]", "")
    page.select_option("select[data-filter-key=year]", "")
    page.select_option("select[data-filter-sort]", "amount-desc")
    settled(page)
    amounts = sorted((float(row[4]) for row in every if row[4]), reverse=True)
    first_page = [float(a) for (a,) in shown(page, "amount") if a]
    assert first_page == amounts[:len(first_page)] and len(shown(page, "amount")) == 100
    results = page.locator("nav[aria-label=筛选结果的页]")
    results.get_by_role("button", name="下一页").click()
    assert parse_qs(urlsplit(page.url).query) == {"sort": ["amount-desc"], "page": ["2"]}
    second = shown(page, "amount")
    assert len(second) == len(every) - 100 if len(every) < 200 else len(second) == 100
    assert results.get_by_text("第 2 / ").is_visible()
    page.reload()  # the address keeps the page of results
    settled(page)
    assert shown(page, "amount") == second
    page.select_option("select[data-filter-sort]", "amount-asc")  # a new choice starts at its first page
    settled(page)
    assert parse_qs(urlsplit(page.url).query) == {"sort": ["amount-asc"]} and results.get_by_text("第 1 / ").is_visible()
    page.select_option("select[data-filter-sort]", "")  # nothing chosen: the page's own rows again
    assert settled(page) == f"显示第 1–100 件，共 {len(every)} 件"
    assert page.locator("[data-pager]").is_visible() and not results.is_visible()
    assert urlsplit(page.url).query == ""


def test_the_pages_of_the_list_and_of_its_results_are_accessible(page, synthetic_server: str):
    from .conftest import AXE, unavailable
    from .test_accessibility import axe_violations

    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    page.goto(synthetic_server + "decisions/p/2/")
    assert page.locator("[data-pager] [aria-current=page]").inner_text() == "2"
    assert axe_violations(page) == []
    page.select_option("select[data-filter-sort]", "amount-desc")
    settled(page)
    assert page.locator("nav[aria-label=筛选结果的页] button").count() == 2
    assert axe_violations(page) == []


def test_the_synthetic_item_list_filters_across_its_pages(page, browser, synthetic: tuple[Path, Path],
                                                          synthetic_server: str):
    corpus = synthetic[0]
    by_body = {path.parent.name: len(yaml.safe_load(path.read_text(encoding="utf-8"))["items"])
               for path in (corpus / "data" / "agencies").glob("*/items.yaml")}
    page.goto(synthetic_server + "items/")
    total = sum(by_body.values())
    assert settled(page) == f"显示第 1–100 项，共 {total} 项" and page.locator("[data-pager]").is_visible()
    body = max(by_body, key=by_body.get)
    page.select_option("select[data-filter-key=body]", body)
    assert settled(page) == f"显示 {by_body[body]} 项，共 {total} 项"
    rows = shown(page, "body")
    assert set(rows) == {(body,)} and len(rows) == min(100, by_body[body])
    link = page.locator("article tbody a").first  # a link from the list's file leads to the item's page
    target, name = link.get_attribute("href"), link.inner_text()
    assert target.startswith(synthetic_server + "items/")
    link.click()
    page.wait_for_url(target)
    assert page.locator("article h1").inner_text() == name
