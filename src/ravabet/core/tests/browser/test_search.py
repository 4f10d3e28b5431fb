"""Searching as a person does: typing in the top bar's box shows results as they type, with the
words marked, reachable with the keyboard; on a phone the search page does the same."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import Organisation, User
from ravabet.core.search.backends.tantivy_index import release_index
from ravabet.core.search.indexing import rebuild
from ravabet.core.search.registry import sources
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def indexed(settings: Any, tmp_path: Path, governorate: Organisation) -> Iterator[None]:
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    OrganisationFactory.create(
        parent=governorate, name_fa="اداره کل میراث‌فرهنگی، صنایع‌دستی و گردشگری", code="chht"
    )
    for label in sources():
        rebuild(label)
    yield
    release_index()


@pytest.mark.usefixtures("indexed")
def test_the_top_bar_box_shows_marked_results_as_you_type_and_opens_one_with_the_keyboard(
    *,
    page: Page,
    page_log: PageLog,
    director: User,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    sign_in(page, director)
    box = page.get_by_test_id("topbar-search")
    # Typed with Arabic yeh and without the half-space, as a hurried person types.
    box.press_sequentially("ميراث فرهنگي", delay=20)
    suggestions = page.get_by_test_id("search-suggest")
    expect(suggestions.locator("mark").first).to_have_text("میراث‌فرهنگی")
    screenshot(page, "suggestions")
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/organisations/\d+/$"))
    expect(page.locator("h1")).to_contain_text("میراث‌فرهنگی")
    assert page_log.problems == []


@pytest.mark.usefixtures("indexed")
def test_on_a_phone_the_search_page_narrows_as_you_type(
    *,
    phone_page: Page,
    page_log: PageLog,
    director: User,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
) -> None:
    sign_in(phone_page, director)
    phone_page.get_by_role("link", name="جستجو").click()
    expect(phone_page).to_have_url(live_server.url + reverse("core:search"))
    phone_page.locator("#id_q").press_sequentially("استانداري", delay=20)
    hits = phone_page.get_by_test_id("search-hits")
    expect(hits.locator("mark").first).to_have_text("استانداری")
    assert "q=" in phone_page.url
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert page_log.problems == []
