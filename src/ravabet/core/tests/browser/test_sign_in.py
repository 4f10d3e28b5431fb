"""Signing in as a person does it: the RTL dashboard with today's Jalali date, the Persian
web font, a clean console, the keyboard alone, and a wrong password."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import PASSWORD
from ravabet.core.views.auth import SignInForm
from ravabet.lib import jalali

pytestmark = pytest.mark.browser

PERSIAN_DIGIT = re.compile("[۰-۹]")
LATIN_DIGIT = re.compile("[0-9]")

FONT_LOADED = """async () => {
  await document.fonts.ready;
  const face = [...document.fonts].find((f) => f.family.replaceAll('"', "") === "Vazirmatn");
  return {checked: document.fonts.check("16px Vazirmatn"), status: face ? face.status : null};
}"""


def test_signed_in_person_sees_rtl_dashboard_with_todays_jalali_date_in_persian_digits(
    *,
    page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    author: User,
    sign_in: Callable[[Page, User], None],
) -> None:
    before = jalali.format_date(timezone.now(), long=True)
    sign_in(page, author)
    after = jalali.format_date(timezone.now(), long=True)

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    today = page.get_by_test_id("today").inner_text().strip()
    assert today in {before, after}  # either side of midnight in Tehran
    assert PERSIAN_DIGIT.search(today)
    assert not LATIN_DIGIT.search(today)

    assert page.evaluate(FONT_LOADED) == {"checked": True, "status": "loaded"}
    fonts = {(r.url, r.status) for r in page_log.responses if r.url.endswith(".woff2")}
    assert fonts == {(live_server.url + static("vendor/vazirmatn/Vazirmatn-Variable.woff2"), 200)}
    assert page_log.problems == []


def test_wrong_password_shows_the_error_and_stays_on_the_sign_in_page(
    *, page: Page, page_log: PageLog, live_server: LiveServer, author: User
) -> None:
    login_url = live_server.url + reverse("core:login")
    page.goto(login_url)
    page.locator("#id_username").fill(author.username)
    page.locator("#id_password").fill(PASSWORD + "-wrong")
    page.locator("form:has(#id_username) button[type=submit]").click()

    with translation.override("fa"):
        message = str(SignInForm.error_messages["invalid_login"])
    expect(page.get_by_role("alert")).to_have_text(message)
    expect(page).to_have_url(login_url)
    expect(page.locator("#id_username")).to_have_value(author.username)
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("#sidebar")).to_have_count(0)
    assert page_log.problems == []


def test_keyboard_alone_signs_in_and_the_skip_link_comes_first(
    *, page: Page, page_log: PageLog, live_server: LiveServer, author: User
) -> None:
    page.goto(live_server.url + reverse("core:login"))
    # The username field takes the focus on arrival, so typing can start at once.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(author.username)
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + reverse("core:dashboard"))

    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab lands inside the content, past the top bar and the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page_log.problems == []
