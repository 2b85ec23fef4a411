"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server. No browser is ever downloaded. With CI=true a missing Chromium fails the run
instead of skipping it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told this is safe (it is: the loop only talks to the
# browser).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _no_browser(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


# One Playwright driver and one browser for the whole process. Playwright's sync API refuses
# to start while another sync instance's loop is alive in the same thread, so the browser is
# kept here rather than in the fixture's frame, however many times pytest sets it up.
_driver = {}


@pytest.fixture(scope="session")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        _no_browser(f"{CHROMIUM} is not installed (make test installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed (pip install -r requirements-dev.txt)")
    if "playwright" not in _driver:
        _driver["playwright"] = sync_playwright().start()
    browser = _driver.get("browser")
    if browser is None or not browser.is_connected():
        browser = _driver["browser"] = _driver["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    return browser


def pytest_sessionfinish(session, exitstatus):
    browser, playwright = _driver.pop("browser", None), _driver.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture
def new_page(chromium, live_server):
    """new_page(width=1280) -> a page in a fresh context (no cookies), base URL the live
    server."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = chromium.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
