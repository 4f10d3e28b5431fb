"""Fixtures for the browser tests: one Debian chromium for the package, a fresh context per
test that records console errors and CSP violations, screenshots, and sign-in through the
real login form."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    ViewportSize,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import User
from ravabet.core.tests.factories import PASSWORD

# The live server listens on the loopback address only; tests send no traffic beyond it.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = "/usr/bin/chromium"
# No background requests to Google: the browser talks to the live server and nothing else.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}
SCREENSHOTS = settings.PROJECT_DIR / "test-results" / "screenshots"

# Chromium reports a CSP violation on the console, but only the DOM event says so for certain;
# this script runs before the page's own and is exempt from the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


@dataclass
class PageLog:
    """What the browser reported during a test: problems (console errors, uncaught
    exceptions, CSP violations, failed requests) and every response received."""

    problems: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({url})")

    def on_page_error(self, error: Error) -> None:
        self.problems.append(f"uncaught: {error.message}")

    def on_response(self, response: Response) -> None:
        self.responses.append(response)

    def on_request_failed(self, request: Request) -> None:
        # Leaving a page cancels what it was still loading (a font, a polling fragment).
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} {request.failure}")


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One chromium for all browser tests, closed when they are done.

    Playwright's sync API keeps an event loop running in the main thread, so Django would
    refuse ORM calls from test bodies; the check is lifted only while the browser lives,
    and the loop ends with this package so later tests run as usual.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _open_page(
    browser: Browser, request: pytest.FixtureRequest, log: PageLog, viewport: ViewportSize
) -> Iterator[Page]:
    phone = viewport["width"] < 600
    context = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        locale="fa-IR",
        timezone_id="Asia/Tehran",
        service_workers="block",
    )
    context.set_default_timeout(10_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", log.on_console)
    page.on("pageerror", log.on_page_error)
    page.on("requestfailed", log.on_request_failed)
    page.on("response", log.on_response)
    try:
        yield page
        # The last state of every test, passed or failed, for a person to look at.
        save_screenshot(page, request.node.name)
    finally:
        context.close()


@pytest.fixture
def page(
    browser: Browser, request: pytest.FixtureRequest, page_log: PageLog, live_server: LiveServer
) -> Iterator[Page]:
    """A desktop page (1280×800) in a fresh context, against the live server."""
    yield from _open_page(browser, request, page_log, DESKTOP)


@pytest.fixture
def phone_page(
    browser: Browser, request: pytest.FixtureRequest, page_log: PageLog, live_server: LiveServer
) -> Iterator[Page]:
    """A 360×740 phone page in a fresh context, against the live server."""
    yield from _open_page(browser, request, page_log, PHONE)


def save_screenshot(page: Page, name: str, step: str = "") -> None:
    """``test-results/screenshots/<test>[-<step>]-<width>x<height>.png``."""
    size = page.viewport_size or DESKTOP
    parts = [name, step, f"{size['width']}x{size['height']}"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / ("-".join(p for p in parts if p) + ".png"), full_page=True)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    """Save a screenshot of an intermediate step, named after the test and the step."""

    def screenshot(page: Page, step: str) -> None:
        save_screenshot(page, request.node.name, step)

    return screenshot


@pytest.fixture
def sign_in(live_server: LiveServer) -> Callable[[Page, User], None]:
    """Sign a person in through the real login form and land on the dashboard."""

    def sign_in(page: Page, user: User) -> None:
        page.goto(live_server.url + reverse("core:login"))
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form:has(#id_username) button[type=submit]").click()
        expect(page).to_have_url(live_server.url + reverse("core:dashboard"))

    return sign_in


@pytest.fixture
def sign_out(live_server: LiveServer) -> Callable[[Page], None]:
    """Sign out with the button in the top bar; the login page follows."""

    def sign_out(page: Page) -> None:
        page.locator(f"form[action='{reverse('core:logout')}'] button").click()
        expect(page).to_have_url(live_server.url + reverse("core:login"))

    return sign_out
