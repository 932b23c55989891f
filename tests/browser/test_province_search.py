"""The province's search page in a real browser: two synthetic counties built as shards and joined;
a company of the second county is found from the province entry and its page opens; a 文书号 asks
its own county only; every request stays on the local server."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.province import set_base_url
from generator.synth import synthesize

from ..conftest import REPO
from .conftest import AXE, TODAY, serving, unavailable
from .test_accessibility import axe_violations

BASE = "https://zfgs.example.gov.cn/"
IDS = ("441825", "490001")


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("province-browser")
    portal = [sys.executable, "-m", "generator"]
    builds = []
    for county, shard in enumerate(IDS):
        root = work / "projects" / shard
        synthesize(REPO, root, "tiny", seed=county, county=county)
        set_base_url(root, f"{BASE}{shard}/")
        builds.append((root, subprocess.Popen([*portal, "build", "--root", str(root), "--out", str(work / shard),
                                               "--today", TODAY], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
    for root, process in builds:
        output, _ = process.communicate()
        assert process.returncode == 0, output.decode()
        done = subprocess.run([*portal, "province", "shard", "--root", str(root), "--site", str(work / root.name)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    out = work / "province"
    done = subprocess.run([*portal, "province", "join", *(str(work / shard) for shard in IDS), "--out", str(out),
                           "--base-url", BASE], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture
def visit(browser, province: Path) -> Iterator[tuple[object, str, list[str]]]:
    """(page, address of the served province, requests made); other origins are refused."""
    with serving(province) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                      service_workers="block")
        local = urlsplit(server).netloc
        context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc == local
                      else route.abort("blockedbyclient"))
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        yield page, server, requests
        context.close()


def second_county_decision(province: Path) -> dict:
    """A decision of the second county whose title names a company of that county only."""
    records = [r for path in sorted((province / IDS[1] / "search" / "d").glob("*.json"))
               for r in json.loads(path.read_text("utf-8"))]
    return next(r for r in records if r["k"] == "d" and r["t"].startswith("青溪县"))


def test_the_province_search_finds_a_decision_of_the_second_county(visit, province: Path):
    from playwright.sync_api import expect

    page, server, requests = visit
    record = second_county_decision(province)
    page.goto(server + "search/")
    page.fill("#province-search-q", record["t"])
    page.press("#province-search-q", "Enter")
    expect(page.locator("[data-search-status]")).to_contain_text("只查询含有这些字词的青溪县", timeout=15_000)
    expect(page.locator("[data-search-status]")).to_contain_text("找到")
    section = page.locator(f'section[data-shard="{IDS[1]}"]')
    expect(section.locator("h2")).to_contain_text("青溪县")
    assert page.locator(f'section[data-shard="{IDS[0]}"]').count() == 0
    link = section.locator("li a", has_text=record["t"]).first
    assert urlsplit(link.get_attribute("href")).path == f"/{IDS[1]}/{record['u']}"
    link.click()
    page.wait_for_url(f"{server}{IDS[1]}/{record['u']}")
    assert record["s"][0] in page.locator("body").inner_text()
    assert all(urlsplit(url).netloc == urlsplit(server).netloc for url in requests)
    # The routing index was read, and only the second county's index after it.
    assert any("/search/route/manifest.json" in url for url in requests)
    assert any(f"/{IDS[1]}/search/manifest.json" in url for url in requests)
    assert not any(f"/{IDS[0]}/search/" in url for url in requests)


def test_a_title_both_counties_hold_is_shown_for_each_county(visit):
    from playwright.sync_api import expect

    page, server, requests = visit
    page.goto(server + "search/?q=林木采伐许可决定")
    expect(page.locator("[data-search-status]")).to_contain_text("查询全部 2 个县", timeout=15_000)
    for shard in IDS:
        links = page.locator(f'section[data-shard="{shard}"] li a')
        expect(links.first).to_contain_text("林木采伐许可决定")
        assert all(urlsplit(href).path.startswith(f"/{shard}/")
                   for href in (a.get_attribute("href") for a in links.all()))
    assert page.locator("section h2").all_inner_texts()[0].startswith("连山壮族瑶族自治县（")


def test_words_no_county_holds_ask_no_county(visit):
    from playwright.sync_api import expect

    page, server, requests = visit
    page.goto(server + "search/?q=海底捞月")
    expect(page.locator("[data-search-status]")).to_contain_text("各县（区）都没有这些字词", timeout=15_000)
    assert not any(f"/{shard}/search/" in url for shard in IDS for url in requests)


def test_a_doc_number_asks_only_its_own_county(visit, province: Path):
    from playwright.sync_api import expect

    page, server, requests = visit
    record = second_county_decision(province)
    page.goto(server + "search/?q=" + record["s"][0])
    expect(page.locator("[data-search-status]")).to_contain_text("按文书号或编码的前缀只查询青溪县", timeout=15_000)
    expect(page.locator(f'section[data-shard="{IDS[1]}"] li a').first).to_have_text(record["t"])
    assert not any(f"/{IDS[0]}/search/" in url for url in requests)


def test_the_index_page_links_every_county(visit):
    page, server, _ = visit
    page.goto(server)
    assert page.locator("table tbody th a").all_inner_texts() == ["连山壮族瑶族自治县", "青溪县"]
    page.locator("table tbody th a", has_text="青溪县").click()
    page.wait_for_url(f"{server}{IDS[1]}/")
    assert "青溪县" in page.title()


def test_counties_are_asked_a_batch_at_a_time(visit, province: Path):
    from playwright.sync_api import expect

    entry = province / "search" / "province.json"
    original = entry.read_text("utf-8")
    entry.write_text(json.dumps({**json.loads(original), "batch": 1}, ensure_ascii=False), "utf-8")
    try:
        page, server, requests = visit
        page.goto(server + "search/?q=林木采伐许可决定")
        status = page.locator("[data-search-status]")
        expect(status).to_contain_text("已查询 1 个，还有 1 个未查询", timeout=15_000)
        assert page.locator("section[data-shard]").evaluate_all("s => s.map(e => e.dataset.shard)") == [IDS[0]]
        assert not any(f"/{IDS[1]}/search/" in url for url in requests)
        page.get_by_role("button", name="继续查询其他 1 个县（区）").click()
        expect(page.locator(f'section[data-shard="{IDS[1]}"] li a').first).to_contain_text("林木采伐许可决定")
        expect(status).to_contain_text("在 2 个县（区）找到")
        assert page.get_by_role("button", name="继续查询其他 1 个县（区）").is_hidden()
    finally:
        entry.write_text(original, "utf-8")


@pytest.mark.parametrize("path", ["", "search/?q=林木采伐许可决定"])
def test_the_province_pages_have_no_serious_accessibility_violation(visit, path: str):
    from playwright.sync_api import expect

    if not AXE.is_file():
        unavailable(f"{AXE} not found: run `npm ci --prefix tests/browser` (make test does)")
    page, server, _ = visit
    page.goto(server + path)
    if path:
        expect(page.locator("[data-search-status]")).to_contain_text("找到", timeout=15_000)
    assert axe_violations(page) == []
