"""An analyst triages the morning's stories with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import Organisation, Role, User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import UserFactory
from ravabet.monitoring.models import TriageStatus
from ravabet.monitoring.tests.factories import make_story

pytestmark = pytest.mark.browser


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


def test_an_analyst_judges_stories_with_the_keyboard_alone(
    *,
    page: Page,
    page_log: PageLog,
    analyst: User,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    older = make_story(title="افزایش آلودگی هوای تهران؛ مدارس دو شهرستان تعطیل شد")
    newer = make_story(title="بازدید استاندار تهران از تصفیه‌خانه آب شهرستان ری")
    sign_in(page, analyst)
    page.goto(live_server.url + reverse("monitoring:story_list"))
    screenshot(page, "queue")
    rows = page.locator(".story-row")
    expect(rows).to_have_count(2)
    page.keyboard.press("j")
    expect(rows.nth(0)).to_be_focused()
    # Negative tone, key relevance, to the digest — three keys, three judgements.
    page.keyboard.press("m")
    expect(rows.nth(0).locator(".tone-negative")).to_have_attribute("aria-pressed", "true")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("3")
    expect(rows.nth(0).locator('[data-key="3"]')).to_have_attribute("aria-pressed", "true")
    expect(rows.nth(0)).to_be_focused()
    page.keyboard.press("g")
    expect(rows.nth(0).locator('[data-key="g"]')).to_have_attribute("aria-pressed", "true")
    # The next story is dismissed.
    page.keyboard.press("j")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("x")
    expect(rows.nth(1).locator('[data-key="x"]')).to_have_attribute("aria-pressed", "true")
    screenshot(page, "judged")
    newer.triage.refresh_from_db()
    older.triage.refresh_from_db()
    assert (newer.triage.tone, newer.triage.relevance, newer.triage.in_digest) == (
        "negative",
        3,
        True,
    )
    assert older.triage.status == TriageStatus.DISMISSED
    page.reload()
    expect(page.locator(".story-row")).to_have_count(0)
    assert page_log.problems == []


def test_the_queue_is_usable_on_a_phone(
    *,
    phone_page: Page,
    page_log: PageLog,
    analyst: User,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
) -> None:
    story = make_story()
    sign_in(phone_page, analyst)
    phone_page.goto(live_server.url + reverse("monitoring:story_list"))
    phone_page.locator(".story-row .tone-positive").click()
    expect(phone_page.locator(".story-row .tone-positive")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    story.triage.refresh_from_db()
    assert story.triage.tone == "positive"
    assert page_log.problems == []
