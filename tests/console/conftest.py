"""A real `graphmill serve` on loopback and a real Chromium (Debian's package) driven by Playwright.

One server and one browser per module keep these tests few and fast. Set CONSOLE_SHOTS
to a folder to also save the screenshots the tests take (docs/console/ is made that way).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphmill.graphstore.embedded import EmbeddedGraphStore
from tests.helpers import BASKETBALL_NGQL, login
from tests.server.conftest import Server

CHROMIUM = os.environ.get("CONSOLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def console_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("console") / "data"
    EmbeddedGraphStore(data_dir / "graph").import_ngql("basketballplayer", BASKETBALL_NGQL)
    srv = Server(data_dir)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def api(console_server: Server) -> Iterator[httpx.Client]:
    """An API client logged in to the same server, for setting up and checking what the page did."""
    with httpx.Client(base_url=console_server.url, timeout=20) as client:
        login(client)
        yield client


@pytest.fixture(scope="module")
def browser_context() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="graphmill-chromium-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 800},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context: Any, console_server: Server) -> Iterator[Any]:
    """A logged-in console page."""
    browser_context.clear_cookies()
    tab = browser_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(console_server.url + "/")
    tab.get_by_label("Password").fill("nebula")
    tab.get_by_role("button", name="Log in").click()
    tab.get_by_role("heading", name="Workflows").wait_for()
    yield tab
    tab.close()
    assert errors == [], errors


def shot(page: Any, name: str, *, dark: bool = False, uhd: bool = False) -> None:
    """Save a screenshot when CONSOLE_SHOTS names a folder (the README's pictures).

    ``dark`` adds one in the dark theme; ``uhd`` one at 3840×2160 (a 4K screen at 100 %).
    """
    folder = os.environ.get("CONSOLE_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    if dark:
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        page.wait_for_timeout(200)
        page.screenshot(path=str(Path(folder) / f"{name}-dark.png"), full_page=True)
        page.evaluate("document.documentElement.dataset.theme = 'light'")
    if uhd:
        size = page.viewport_size
        page.set_viewport_size({"width": 3840, "height": 2160})
        page.wait_for_timeout(500)
        page.screenshot(path=str(Path(folder) / f"{name}-4k.png"))
        page.set_viewport_size(size)
