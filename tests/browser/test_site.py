"""The built sample site in a real browser: home page, decision pages, QR codes, requests, screenshots."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from ..conftest import REPO

BASE_URL = yaml.safe_load((REPO / "data" / "site.yaml").read_text(encoding="utf-8"))["base_url"]
SITE_NAME = yaml.safe_load((REPO / "data" / "site.yaml").read_text(encoding="utf-8"))["name"]


def decision_links(page, server: str) -> tuple[list[str], list[str]]:
    """(pages of decisions in force, pages of withdrawn decisions), from the decision list."""
    page.goto(server + "decisions/")
    shown, withdrawn = [], []
    for row in page.locator("article table tbody tr").all():
        href = row.locator("td").nth(1).locator("a").get_attribute("href")
        target = withdrawn if row.locator("td").last.inner_text().startswith("已撤回") else shown
        target.append(server + "decisions/" + href)
    return shown, withdrawn


def record_of(url: str, server: str) -> dict:
    """The data file behind a decision page (decisions/<agency>/<slug>/: slug = file name here)."""
    agency, slug = url.removeprefix(server).strip("/").split("/")[1:]
    files = list((REPO / "data" / "agencies" / agency / "decisions").glob(f"*/{slug}.yaml"))
    assert len(files) == 1, (url, files)
    return yaml.safe_load(files[0].read_text(encoding="utf-8"))


def decode_qr(page) -> str:
    """The text of the QR code on the page, decoded by zxing-cpp from a screenshot."""
    import zxingcpp
    from PIL import Image

    png = page.locator(".portal-qr svg").screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [r.format.name for r in results] == ["QRCode"]
    return results[0].text


def test_the_home_page_renders_its_title_and_counts(page, server: str):
    response = page.goto(server)
    assert response.status == 200
    assert page.title().startswith("首页") and SITE_NAME in page.title()
    assert page.locator("article h1").inner_text() == SITE_NAME
    counts = page.locator("article table").first.locator("tbody td").all_inner_texts()
    assert len(counts) == 5 and all(re.fullmatch(r"\d+", c) for c in counts), counts
    assert all(int(c) > 0 for c in counts)
    shown, withdrawn = decision_links(page, server)
    assert int(counts[4]) == len(shown) + len(withdrawn)  # decisions on display = rows of the list


def test_the_qr_code_of_a_decision_page_decodes_to_its_canonical_address(page, server: str):
    shown, _ = decision_links(page, server)
    assert shown
    for url in (shown[0], shown[-1]):
        page.goto(url)
        expected = BASE_URL + urlsplit(page.url).path.lstrip("/")
        assert page.locator('link[rel="canonical"]').get_attribute("href") == expected
        assert decode_qr(page) == expected
        assert page.locator(".portal-url").inner_text() == expected
        assert re.fullmatch(r"[0-9a-f]{16}", page.locator(".portal-hash").inner_text())


def test_a_withdrawn_decision_shows_its_notice_and_not_its_facts(page, server: str):
    _, withdrawn = decision_links(page, server)
    assert withdrawn, "the sample data has withdrawn decisions on display"
    for url in withdrawn:
        record = record_of(url, server)
        page.goto(url)
        text = page.locator("article").inner_text()
        assert "撤回公告" in text and record["withdrawal"]["reason"] in text
        assert record["withdrawal"]["document"] in text
        for hidden in (record["facts"], record["party"]["name"], record["title"]):
            assert hidden not in text, (url, hidden)
        assert decode_qr(page) == BASE_URL + urlsplit(page.url).path.lstrip("/")


def test_printing_a_decision_page_leaves_out_the_navigation(page, server: str):
    shown, _ = decision_links(page, server)
    page.goto(shown[0])
    assert page.locator(".md-header").is_visible()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer__inner"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator(".portal-qr svg").is_visible() and page.locator(".portal-url").is_visible()


def test_every_request_stays_on_the_local_server(page, server: str, requests_made: list[str]):
    shown, withdrawn = decision_links(page, server)
    for url in [server, server + "agencies/", server + "agencies/lsscjgj/", shown[0], withdrawn[0]]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    hosts = {urlsplit(url).netloc for url in requests_made if not url.startswith("data:")}
    assert hosts == {urlsplit(server).netloc}, sorted(url for url in requests_made if not url.startswith(server))


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_at_phone_and_desktop_width(browser, server: str, artifacts: Path, width: int):
    from PIL import Image

    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        shown, _ = decision_links(page, server)
        for name, url in [("home", server), ("decision", shown[0])]:
            page.goto(url)
            path = artifacts / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            with Image.open(path) as image:
                assert image.size[0] == width
            # nothing wider than the screen: no sideways scrolling on a phone
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    finally:
        context.close()


_LAYOUT = """() => [document.body.innerText, [...document.body.querySelectorAll("*")].map(e => {
    const box = e.getBoundingClientRect();
    return [e.tagName, Math.round(box.x * 2), Math.round(box.y * 2), Math.round(box.width * 2), Math.round(box.height * 2)];
})]"""


def _settled_layout(page) -> list:
    """`_LAYOUT` once the theme's script has sized the sidebars: two readings 100 ms apart agree."""
    page.wait_for_load_state("load")
    last = page.evaluate(_LAYOUT)
    for _ in range(30):
        page.wait_for_timeout(100)
        now = page.evaluate(_LAYOUT)
        if now == last:
            return now
        last = now
    return last


@pytest.mark.parametrize("width", [360, 1280])
def test_a_page_without_the_themes_indentation_looks_and_reads_the_same(browser, server: str, site: Path,
                                                                        width: int):
    """Record pages are written into the theme's page with its indentation taken out (shell.compact):
    a page as mkdocs wrote it and the same page compacted show the same text in the same boxes."""
    from generator.shell import compact

    written = (site / "about" / "index.html").read_text(encoding="utf-8")
    compacted = compact(written)
    assert len(compacted.encode()) < 0.9 * len(written.encode())  # the check below compares something
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server + "about/")
        as_written = _settled_layout(page)
        page.route(server + "about/", lambda route: route.fulfill(body=compacted, content_type="text/html"))
        page.goto(server + "about/")
        assert _settled_layout(page) == as_written
    finally:
        context.close()


@pytest.mark.parametrize("path", ["items/441825-SCJG-CF-0001/", "benchmarks/lsscjgj-cfjz-2023/"])
def test_a_page_with_a_long_title_does_not_scroll_sideways_on_a_phone(browser, server: str, path: str):
    """The header shows the page's title beside the site's, sliding in from the right; a long one
    (an item's name, a benchmark document's title) must not stick out past a 360 px screen."""
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.mouse.wheel(0, 600)  # scrolled: the page's title takes the site's place in the header
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
