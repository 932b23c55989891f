"""The bundled sample site, built once, served on 127.0.0.1 and opened in Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (the Debian package; ``.ci/run`` installs it). No
browser is ever downloaded: ``playwright install`` is never run. Without Chromium or
Playwright the browser tests skip, except under ``CI=true``, where they fail instead.

Every request the browser makes is recorded (`requests_made`); one that leaves 127.0.0.1 is
refused (the page must work without it) and reported by test_every_request_stays_on_the_local_server.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import REPO

TODAY = "2026-11-27"
#: Debian's Chromium; PORTAL_CHROMIUM names another system Chromium (a CI image's own, say).
CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
#: As the machine notes say: no GPU, no QUIC, and no background connections to Google's hosts.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: Screenshots for people to look at (gitignored; CI keeps them as an artifact).
ARTIFACTS = REPO / "test-artifacts"


def unavailable(reason: str) -> None:
    """Skip on a laptop without the tool; under CI=true the tests never skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run; .ci/run installs what they need)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`portal build --today 2026-11-27` of the bundled sample data."""
    out = tmp_path_factory.mktemp("browser") / "site"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(REPO), "--out", str(out),
                           "--today", TODAY], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serving(directory: Path) -> Iterator[str]:
    """`directory` on http://127.0.0.1:<free port>/, served by a background thread."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The sample site, served locally for the whole session."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium fonts-noto-cjk)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def requests_made() -> list[str]:
    """Every URL the test's page asked for (filled by the `page` fixture)."""
    return []


@pytest.fixture
def page(browser, server: str, requests_made: list[str]) -> Iterator[object]:
    """A fresh page at desktop width; requests are recorded, other origins refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  service_workers="block")
    local = urlsplit(server).netloc

    def route(route) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda request: requests_made.append(request.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
