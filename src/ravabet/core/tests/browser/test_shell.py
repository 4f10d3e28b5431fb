"""The page shell as a person uses it: switching between Persian and English, and the
phone layout with its navigation drawer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.lib import jalali

pytestmark = pytest.mark.browser


def expect_language(page: Page, language: str) -> None:
    """The page is in ``language``: attributes, layout direction, date and navigation."""
    persian = language == "fa"
    direction = "rtl" if persian else "ltr"
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    expect(page.get_by_test_id("today")).to_have_text(
        jalali.format_date(timezone.now(), persian=persian, long=True)
    )
    with translation.override(language):
        labels = [gettext("Dashboard"), gettext("Organisations"), gettext("Sign out")]
    for label in labels:
        expect(page.get_by_text(label, exact=True)).to_be_visible()
    other = "en" if persian else "fa"
    expect(page.get_by_test_id(f"switch-{other}")).to_have_text("English" if persian else "فارسی")


def test_language_switches_to_english_and_back_and_the_choice_persists(
    *,
    page: Page,
    page_log: PageLog,
    author: User,
    sign_in: Callable[[Page, User], None],
    sign_out: Callable[[Page], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    sign_in(page, author)
    expect_language(page, "fa")

    page.get_by_test_id("switch-en").click()
    expect_language(page, "en")
    expect(page.get_by_test_id("today")).to_contain_text(
        jalali.MONTHS_EN[jalali.to_jalali(timezone.now()).month - 1]
    )
    screenshot(page, "english")
    page.reload()
    expect_language(page, "en")
    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    sign_in(page, author)
    expect_language(page, "en")

    page.get_by_test_id("switch-fa").click()
    expect_language(page, "fa")
    page.reload()
    expect_language(page, "fa")
    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    sign_in(page, author)
    expect_language(page, "fa")
    assert page_log.problems == []


def test_phone_fits_the_screen_and_the_menu_button_opens_the_navigation_drawer(
    *,
    phone_page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    author: User,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    page = phone_page
    page.goto(live_server.url + reverse("core:login"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_in(page, author)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    menu = page.locator("[data-nav-toggle]")
    drawer = page.locator("#sidebar")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(drawer).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(drawer).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "drawer")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(drawer).to_be_hidden()

    menu.click()
    drawer.locator(f"a[href='{reverse('core:organisation_list')}']").click()
    expect(page).to_have_url(live_server.url + reverse("core:organisation_list"))
    with translation.override("fa"):
        expect(page.locator("h1")).to_have_text(gettext("Organisations"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_log.problems == []
