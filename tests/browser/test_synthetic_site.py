"""A site built from a synthetic corpus (`portal synth`) behaves like the sample site in the browser:
search, QR codes and the decision list's facets. The record pages of both are written the one way
(shell.py): the scale issue's fast path is the only path, never a benchmark special case."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from ..conftest import REPO
from .conftest import TODAY, serving
from .test_decision_list import shown
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


def test_the_synthetic_decision_list_narrows_by_body_and_year(page, synthetic_server: str):
    page.goto(synthetic_server + "decisions/")
    every = shown(page, "body", "type", "year")
    bodies = sorted({row[0] for row in every})
    assert len(bodies) > 2
    page.select_option("select[data-filter-key=body]", bodies[1])
    narrowed = shown(page, "body", "type", "year")
    assert narrowed and len(narrowed) < len(every) and {row[0] for row in narrowed} == {bodies[1]}
    year = narrowed[0][2]
    page.select_option("select[data-filter-key=year]", year)
    assert shown(page, "body", "type", "year") == [row for row in narrowed if row[2] == year]
