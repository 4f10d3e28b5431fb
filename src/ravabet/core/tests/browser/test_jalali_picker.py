"""The Jalali date picker in a real browser, under the strict CSP: picking a day fills the
input with Persian digits and refreshes the audit log in place; typed dates work too; a bad
date shows its error and leaves the rows alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import AuditEntry, Organisation, User
from ravabet.core.tests.browser.conftest import PageLog

pytestmark = pytest.mark.browser


def _entry(organisation: Organisation, label: str, at: dt.datetime) -> None:
    entry = AuditEntry.objects.create(
        action="councils.resolution.updated",
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(organisation.pk),
        object_label=label,
        organisation=organisation,
        actor_label="system",
    )
    AuditEntry.objects.filter(pk=entry.pk).update(at=at)


def test_picking_a_jalali_day_filters_the_audit_log_in_place(
    *,
    page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    org_a: Organisation,
    director: User,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    # 15 Aban 1405 and 25 Aban 1405, mid-morning in Tehran.
    _entry(org_a, "resolution of 15 Aban", dt.datetime(2026, 11, 6, 6, 0, tzinfo=dt.UTC))
    _entry(org_a, "resolution of 25 Aban", dt.datetime(2026, 11, 16, 6, 0, tzinfo=dt.UTC))
    sign_in(page, director)
    url = live_server.url + reverse("core:audit_log")
    page.goto(f"{url}?action=councils.")
    rows = page.locator("#audit-log-results tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.ravabetTestMark = 'same page'")

    date_from = page.locator("#id_date_from")
    date_from.click()
    picker = page.locator("jdp-container")
    expect(picker).to_be_visible()
    # A date input picks no time of day.
    expect(picker.locator(".jdp-time-container")).to_have_count(0)
    picker.locator(".jdp-year select").select_option("1405")
    picker.locator(".jdp-month select").select_option("8")
    with page.expect_request(lambda r: "date_from=" in r.url) as refreshed:
        picker.locator(".jdp-day:not(.not-in-month)", has_text="۲۰").first.click()
    assert refreshed.value.headers.get("hx-request") == "true"
    expect(date_from).to_have_value("۱۴۰۵/۰۸/۲۰")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("resolution of 25 Aban")
    assert "date_from=" in page.url
    screenshot(page, "picked")

    # Opening the picker again shows the chosen day, although the input holds Persian digits.
    page.locator("h1").click()
    date_from.click()
    expect(picker.locator(".jdp-day.selected")).to_have_text("۲۰")
    expect(picker.locator(".jdp-month select")).to_have_value("8")
    page.keyboard.press("Escape")

    # Typed Latin digits work the same; a bad date only shows its error.
    date_to = page.locator("#id_date_to")
    date_to.fill("1404/12/30")
    date_to.press("Enter")
    errors = page.locator("[data-testid=audit-filter-errors]")
    expect(errors).to_contain_text("اسفند ۱۴۰۴")
    expect(rows).to_have_count(1)
    assert "1404" not in page.url
    date_to.fill("1405/08/30")
    date_to.press("Enter")
    expect(errors).to_have_count(0)
    expect(rows).to_have_count(1)
    assert page.evaluate("window.ravabetTestMark") == "same page"
    assert page_log.problems == []


def test_picker_speaks_english_in_the_english_interface(
    *,
    page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    director: User,
    sign_in: Callable[[Page, User], None],
) -> None:
    director.language = "en"
    director.save(update_fields=["language"])
    sign_in(page, director)
    page.goto(live_server.url + reverse("core:audit_log") + "?date_from=1405/09/01")
    page.locator("#id_date_from").click()
    picker = page.locator("jdp-container")
    expect(picker.locator(".jdp-month select option[value='9']")).to_have_text("Azar")
    expect(picker.locator(".jdp-day.selected")).to_have_text("1")
    assert page_log.problems == []
