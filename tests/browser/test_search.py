"""The search page in a real browser: items by a word of their name, decisions by 文书号, party and
credit code, the withdrawn notice only, the address, accessibility, local requests and their size."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ..conftest import REPO, VALID
from .conftest import AXE, TODAY, serving, unavailable
from .test_accessibility import axe_violations

SEARCH = "search/"
ITEM = "items/441825-SCJG-CF-0001/"
RICE = "decisions/lsscjgj/2024-009-rice-label/"
RICE_FILE = REPO / "data/agencies/lsscjgj/decisions/2024/2024-009-rice-label.yaml"
WITHDRAWN_FILE = REPO / "data/agencies/lsscjgj/decisions/2024/2024-029-ad-absolute.yaml"
#: The target of issue 6 for a search's first results.
BUDGET = 300 * 1024


def expect():
    from playwright.sync_api import expect

    return expect


def ask(page, query: str) -> None:
    """Type `query` into the search box, submit, and wait until the page says what it found."""
    page.fill("#portal-search-q", query)
    page.press("#portal-search-q", "Enter")
    expect()(page.locator("[data-search-status]")).to_contain_text("找到", timeout=10_000)


def links(page) -> list[tuple[str, str]]:
    """(text, address from the site root) of each result."""
    return [(a.inner_text(), urlsplit(a.get_attribute("href")).path.lstrip("/"))
            for a in page.locator("[data-search-results] li a").all()]


def test_a_word_from_the_middle_of_an_item_name_finds_the_item_and_opens_its_page(page, server: str):
    page.goto(server + SEARCH)
    ask(page, "虚假生产日期")
    name = yaml.safe_load((REPO / "data/agencies/lsscjgj/items.yaml").read_text(encoding="utf-8"))["items"][0]["name"]
    assert links(page) == [(name, ITEM)]
    assert page.locator("[data-search-results] li").inner_text().startswith("执法事项")
    page.locator("[data-search-results] a").first.click()
    page.wait_for_url(server + ITEM)
    assert page.locator("article h1").inner_text() == name


@pytest.mark.parametrize("typed", ["连山市监罚〔2024〕9号", "连山市监罚[2024]9号", "连山市监罚（2024）9号"])
def test_a_doc_number_finds_the_decision_first_and_opens_its_page(page, server: str, typed: str):
    record = yaml.safe_load(RICE_FILE.read_text(encoding="utf-8"))
    page.goto(server + SEARCH)
    ask(page, typed)
    assert links(page)[0] == (record["title"], RICE)
    page.locator("[data-search-results] a").first.click()
    page.wait_for_url(server + RICE)
    assert record["doc_no"] in page.locator("article").inner_text()


def test_a_party_name_prefix_and_a_credit_code_find_the_decision(page, server: str):
    record = yaml.safe_load(RICE_FILE.read_text(encoding="utf-8"))
    page.goto(server + SEARCH)
    for query in ("连山壮族瑶族自治县金禾", record["party"]["credit_code"], record["party"]["credit_code"][:-4].lower()):
        ask(page, query)
        assert RICE in [href for _, href in links(page)], query


def test_a_withdrawn_decision_is_found_only_as_its_notice(page, server: str):
    record = yaml.safe_load(WITHDRAWN_FILE.read_text(encoding="utf-8"))
    page.goto(server + SEARCH)
    ask(page, record["doc_no"])
    assert [text for text, _ in links(page)] == [f"{record['doc_no']}（已撤回）"]
    shown = page.locator("[data-search-results]").inner_text()
    assert record["party"]["name"] not in shown and record["title"] not in shown
    ask(page, "山水生态旅游开发")  # the party's name: on no page, in no result
    assert page.locator("[data-search-status]").inner_text().startswith("没有找到")
    assert links(page) == []


def test_the_query_is_kept_in_the_address_and_a_linked_address_searches(page, server: str):
    page.goto(server + SEARCH)
    ask(page, "保质期")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["保质期"]}
    found = links(page)
    assert len(found) >= 3
    page.goto(server + SEARCH + "?q=%E4%BF%9D%E8%B4%A8%E6%9C%9F")
    expect()(page.locator("[data-search-status]")).to_contain_text("找到")
    assert page.input_value("#portal-search-q") == "保质期" and links(page) == found


def test_more_results_are_shown_on_request_and_focus_moves_to_the_first_new_one(page, server: str):
    page.goto(server + SEARCH)
    ask(page, "连山")
    assert len(links(page)) == 10
    more = page.locator("[data-search-more]")
    assert more.is_visible()
    more.click()
    expect()(page.locator("[data-search-results] li")).to_have_count(20)
    assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll("
                         "'[data-search-results] li')[10]")


def test_the_form_is_labelled_the_results_are_a_list_and_the_count_is_announced(page, server: str):
    page.goto(server + SEARCH)
    box = page.get_by_label("名称、文书号、当事人或统一社会信用代码")
    assert box.get_attribute("id") == "portal-search-q"
    ask(page, "保质期")
    status = page.locator("[data-search-status]")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
    assert page.evaluate("document.querySelector('[data-search-results]').tagName") == "OL"
    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    assert axe_violations(page) == []


def test_without_javascript_the_form_is_hidden_and_the_lists_are_offered(browser, server: str):
    context = browser.new_context(java_script_enabled=False, service_workers="block")
    try:
        page = context.new_page()
        page.goto(server + SEARCH)
        assert not page.locator("form[data-search]").is_visible()
        assert page.locator("article a", has_text="执法决定公示").is_visible()
    finally:
        context.close()


def test_a_query_stays_on_the_local_server_and_downloads_little(page, server: str, requests_made: list[str],
                                                                artifacts: Path):
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, request.sizes()["responseBodySize"]))
    page.goto(server + SEARCH)
    page.wait_for_load_state("networkidle")
    before = dict(sizes)
    ask(page, "连山市监罚〔2024〕9号")
    page.wait_for_load_state("networkidle")
    query = {url.removeprefix(server): size for url, size in sizes.items() if url not in before}
    assert {urlsplit(url).netloc for url in requests_made} == {urlsplit(server).netloc}
    assert all(url.startswith("search/") for url in query), query
    figures = {"query": "连山市监罚〔2024〕9号", "query_files": len(query), "query_bytes": sum(query.values()),
               "page_bytes": sum(before.values()), "page_files": len(before), "files": query}
    (artifacts / "search-bytes.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    assert figures["query_bytes"] <= BUDGET and figures["query_bytes"] + figures["page_bytes"] <= 2 * BUDGET, figures


# Data is text: a hostile title from the data shows as text in the results

HOSTILE = '<img src=x onerror="window.hacked=1">"引号"'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(VALID, root)
    path = root / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 对连山某某食品有限公司经营超过保质期食品的行政处罚决定", f"title: '{HOSTILE}'"), encoding="utf-8")
    out = root / "site"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root), "--out", str(out),
                           "--today", TODAY], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    with serving(out) as url:
        yield url


def test_a_title_with_markup_is_shown_as_text(browser, hostile_server: str):
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(hostile_server + SEARCH)
        ask(page, "引号")
        assert [a.inner_text() for a in page.locator("[data-search-results] a").all()] == [HOSTILE]
        assert page.locator("[data-search-results] img").count() == 0
        assert page.evaluate("window.hacked") is None
    finally:
        context.close()


def test_the_home_page_search_box_leads_to_the_results(page, server: str):
    doc_no = yaml.safe_load(RICE_FILE.read_text(encoding="utf-8"))["doc_no"]
    page.goto(server)
    page.fill("#home-q", doc_no)
    page.press("#home-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    expect()(page.locator("[data-search-status]")).to_contain_text("找到", timeout=10_000)
    assert links(page)[0][1] == RICE
