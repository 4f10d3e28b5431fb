"""The statistics and the supervision of agencies' publications as people use them: charts
drawn with no script or style the CSP would block, readable on a 360-pixel phone, sorted by a
column heading, another period picked, and the Excel file downloaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import Organisation, OrganisationKind, Role, User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import OrganisationFactory, UserFactory
from ravabet.lib.tests.xlsx_reader import read_sheet
from ravabet.monitoring.models import SourceKind, Story, Tone, Triage
from ravabet.monitoring.tests.factories import SourceFactory
from ravabet.monitoring.tests.items import add_item

pytestmark = pytest.mark.browser

OUTLETS = ("ایرنا", "ایسنا", "خبرگزاری فارس", "خبرگزاری مهر", "تسنیم", "همشهری آنلاین")
COUNTIES = ("فرمانداری ری", "فرمانداری شمیرانات", "فرمانداری اسلامشهر", "فرمانداری پاکدشت")
TITLES = (
    "بازدید استاندار تهران از طرح‌های آبرسانی شهرستان ری",
    "نشست شورای برنامه‌ریزی استان با حضور فرمانداران",
    "آغاز طرح زمستانی مدیریت بحران در پایتخت",
    "افتتاح مدرسه تازه‌ساز در شهرستان پاکدشت",
)


@pytest.fixture
def analyst(governorate: Organisation) -> User:
    return UserFactory.create(organisation=governorate, roles=[Role.MONITORING_ANALYST])


def judge(story: Story, tone: str) -> None:
    triage = Triage.objects.get(story=story)
    triage.tone = tone
    triage.save()


@pytest.fixture
def month_of_news(governorate: Organisation) -> None:
    """A month as the desk would see it: outlets of different sizes, the governorate's releases
    picked up, judged stories, and counties with sites, one of them silent."""
    now = timezone.now()
    portal = SourceFactory.create(
        name="پایگاه اطلاع‌رسانی استانداری تهران",
        kind=SourceKind.PROVINCIAL_SITE,
        organisation=governorate,
    )
    outlets = [SourceFactory.create(name=name) for name in OUTLETS]
    tones = (Tone.NEUTRAL, Tone.POSITIVE, Tone.NEUTRAL, Tone.NEGATIVE)
    for day in range(30):
        at = now - timedelta(days=day, hours=2)
        for index, outlet in enumerate(outlets):
            for copy in range((day + index) % 4):
                story = add_item(outlet, at - timedelta(minutes=10 * copy)).story
                if copy == 0 and day % 2 == 0:
                    judge(story, tones[(day + index) % 4])
        if day % 3 == 0:
            release = add_item(portal, at, title=TITLES[day % len(TITLES)]).story
            for outlet in outlets[: (day * 7) % len(outlets)]:
                add_item(outlet, at + timedelta(minutes=30), story=release)
    for index, name in enumerate(COUNTIES):
        county = OrganisationFactory.create(
            parent=governorate, kind=OrganisationKind.COUNTY, name_fa=name
        )
        site = SourceFactory.create(
            name=f"پایگاه {name}", kind=SourceKind.PROVINCIAL_SITE, organisation=county
        )
        quiet_for = 10 if index == 1 else 0
        for day in range(quiet_for, 40, index + 1):
            add_item(site, now - timedelta(days=day, hours=3))
        add_item(outlets[index], now - timedelta(days=index + 1), organisation=county)


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_desk_reads_the_statistics_as_charts_and_their_tables(
    *,
    page: Page,
    page_log: PageLog,
    analyst: User,
    month_of_news: None,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    sign_in(page, analyst)
    page.goto(live_server.url + reverse("monitoring:story_list"))
    page.locator(f"a[href='{reverse('monitoring:statistics')}']").first.click()
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(5)
    for index in range(5):
        expect(charts.nth(index)).to_be_visible()
    expect(page.locator("#chart-sources .chart-bar")).to_have_count(
        len(OUTLETS) + 1 + len(COUNTIES)
    )
    screenshot(page, "charts")
    table = page.locator("details.chart-table").first
    table.locator("summary").click()
    expect(table.locator("tbody tr")).to_have_count(30)
    assert page_log.problems == []


def test_the_statistics_fit_a_phone(
    *,
    phone_page: Page,
    page_log: PageLog,
    analyst: User,
    month_of_news: None,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
) -> None:
    sign_in(phone_page, analyst)
    phone_page.goto(live_server.url + reverse("monitoring:statistics"))
    chart = phone_page.locator("#chart-daily")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    assert 280 <= box["width"] <= 360
    assert no_sideways_scroll(phone_page)
    assert page_log.problems == []


def test_the_director_sorts_the_supervision_picks_a_period_and_downloads_it(
    *,
    page: Page,
    page_log: PageLog,
    director: User,
    month_of_news: None,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    sign_in(page, director)
    page.locator("#sidebar").get_by_role("link", name="انتشارات دستگاه‌ها").click()
    rows = page.locator(".supervision-table tbody tr")
    expect(rows).to_have_count(len(COUNTIES))
    expect(page.locator(".row-silent")).to_have_count(1)
    expect(page.locator(".row-silent th")).to_contain_text("فرمانداری شمیرانات")
    screenshot(page, "month")
    # Sort by the state: the longest silence first.
    page.locator("thead a[href*='sort=silence']").click()
    expect(rows.first).to_contain_text("فرمانداری شمیرانات")
    expect(page.locator("th[aria-sort]")).to_have_count(1)
    # The quarter, then the one before it.
    page.locator(".period-picker .tabs a").nth(1).click()
    expect(page.locator(".period-picker .tabs a[aria-current]")).to_have_text("فصلی")
    page.locator(".period-step a[rel=prev]").click()
    expect(page.locator(".period-step a[rel=next]")).to_be_visible()
    screenshot(page, "previous-quarter")
    with page.expect_download() as download:
        page.get_by_test_id("supervision-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    path = download.value.path()
    sheet = read_sheet(path.read_bytes())
    assert len(sheet.rows) == 3 + len(COUNTIES)
    assert page_log.problems == []


def test_an_agency_officer_sees_their_own_row_on_a_phone(
    *,
    phone_page: Page,
    page_log: PageLog,
    governorate: Organisation,
    month_of_news: None,
    live_server: LiveServer,
    sign_in: Callable[[Page, User], None],
) -> None:
    county = Organisation.objects.get(name_fa="فرمانداری ری")
    officer = UserFactory.create(organisation=county, roles=[Role.COUNTY_GOVERNOR])
    sign_in(phone_page, officer)
    phone_page.goto(live_server.url + reverse("monitoring:supervision"))
    expect(phone_page.locator(".supervision-table tbody tr")).to_have_count(1)
    expect(phone_page.locator(".supervision-table tbody th")).to_contain_text("فرمانداری ری")
    assert no_sideways_scroll(phone_page)
    assert page_log.problems == []
