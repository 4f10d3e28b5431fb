"""The morning digest as people use it: the analyst orders it on the desk (htmx), the director
reads and approves it on a phone and sends it, the governor opens it from the menu."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import Notification, Organisation, Role, User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import UserFactory
from ravabet.monitoring.models import DigestEdition, DigestStatus, Priority
from ravabet.monitoring.services import digest
from ravabet.monitoring.tests.factories import make_story

pytestmark = pytest.mark.browser

STORIES = (
    (
        "آتش‌سوزی انبار کالا در شهرک صنعتی ورامین مهار شد",
        "آتش‌سوزی انبار کالای شهرک صنعتی ورامین پس از شش ساعت با تلاش ۱۲ تیم آتش‌نشانی مهار شد"
        " و مدیرکل مدیریت بحران استانداری از نبود تلفات جانی خبر داد.",
        Priority.CRITICAL,
    ),
    (
        "بازدید استاندار تهران از تصفیه‌خانه آب جنوب استان",
        "استاندار تهران در بازدید از طرح تصفیه‌خانه آب جنوب استان بر بهره‌برداری از آن پیش از"
        " تابستان تأکید کرد.",
        Priority.HIGH,
    ),
    (
        "کاهش مصرف برق کشور در هفته گذشته",
        "سخنگوی صنعت برق گفت مصرف برق کشور در هفته گذشته نسبت به مدت مشابه پارسال کمتر بوده است.",
        Priority.NORMAL,
    ),
)


@pytest.fixture
def today_edition(governorate: Organisation, settings: Any, tmp_path: Path) -> DigestEdition:
    """Today's draft with three selected stories, gathered by an analyst."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECOND_FACTOR_REQUIRED_ROLES = []
    analyst = UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])
    for title, lead, priority in STORIES:
        story = make_story(
            title=title, lead=lead, organisation=governorate if "استاندار" in title else None
        )
        story.triage.in_digest = True
        story.triage.priority = priority
        story.triage.save()
    return digest.compile_edition(timezone.localdate(), by=analyst)


def day_url(live_server: LiveServer, name: str, day: dt.date) -> str:
    return live_server.url + reverse(name, args=[day])


def test_the_analyst_orders_the_digest_on_the_desk_without_reloading(
    *,
    page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    governorate: Organisation,
    today_edition: DigestEdition,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    analyst = UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])
    national = make_story(title="افزایش صادرات غیرنفتی کشور", lead="صادرات غیرنفتی افزایش یافت.")
    national.triage.in_digest = True
    national.triage.save()
    sign_in(page, analyst)
    page.goto(day_url(live_server, "monitoring:digest_edit", today_edition.day))
    page.get_by_test_id("digest-compile").click()
    section = page.locator(".digest-section-national")
    expect(section.locator(".digest-entry")).to_have_count(2)
    first_title = section.locator(".digest-entry h3").first
    expect(first_title).to_have_text(STORIES[2][0])
    screenshot(page, "desk")
    # Down one place: the sections come back through htmx, the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    section.locator(".digest-entry").first.get_by_test_id("entry-down").click()
    expect(first_title).to_have_text("افزایش صادرات غیرنفتی کشور")
    assert page.evaluate("window.notReloaded") is True
    entry = section.locator(".digest-entry").first
    entry.locator("summary").click()
    entry.locator("input[name=headline]").fill("صادرات غیرنفتی کشور ۱۰ درصد افزایش یافت")
    entry.get_by_test_id("entry-save").click()
    expect(first_title).to_have_text("صادرات غیرنفتی کشور ۱۰ درصد افزایش یافت")
    screenshot(page, "edited")
    assert page_log.problems == []


def test_the_director_approves_and_sends_the_digest_on_a_phone(
    *,
    phone_page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    governorate: Organisation,
    director: User,
    today_edition: DigestEdition,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    governor = UserFactory.create(organisation=governorate, roles=[Role.GOVERNOR])
    page = phone_page
    sign_in(page, director)
    # From the menu to the archive, then to today's edition.
    page.locator("[data-nav-toggle]").click()
    page.locator("#sidebar").get_by_text("بولتن خبری", exact=True).click()
    expect(page.get_by_test_id("digest-month")).to_be_visible()
    screenshot(page, "archive")
    page.locator(".digest-archive-day").first.click()
    expect(page.get_by_test_id("digest-status")).to_have_text("پیش‌نویس")
    expect(page.locator(".digest-section-critical h3")).to_have_text(STORIES[0][0])
    approve = page.get_by_test_id("digest-approve")
    box = approve.bounding_box()
    assert box is not None
    assert box["width"] >= 250
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "draft")

    approve.tap()
    expect(page.get_by_test_id("digest-status")).to_have_text("تأییدشده")
    expect(page.get_by_test_id("digest-edit")).to_have_count(0)
    screenshot(page, "approved")
    today_edition.refresh_from_db()
    assert (today_edition.status, today_edition.approved_by) == (DigestStatus.APPROVED, director)

    page.get_by_test_id("digest-send").tap()
    expect(page.get_by_test_id("digest-sent")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "sent")
    today_edition.refresh_from_db()
    assert today_edition.status == DigestStatus.SENT
    assert Notification.objects.filter(recipient=governor, kind=digest.DIGEST_KIND).count() == 1
    assert page_log.problems == []
