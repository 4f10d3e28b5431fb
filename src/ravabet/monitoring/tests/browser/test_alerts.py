"""The governor opens an urgent alert on the phone and acknowledges it in one tap; the desk
then sees the receipt."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ravabet.core.models import Notification, Organisation, Role, User
from ravabet.core.tests.browser.conftest import PageLog
from ravabet.core.tests.factories import UserFactory
from ravabet.monitoring.models import Alert
from ravabet.monitoring.services import alerts
from ravabet.monitoring.tests.factories import make_story

pytestmark = pytest.mark.browser

TITLE = "آتش‌سوزی گسترده در انبار کالای شهرستان ورامین؛ دو آتش‌نشان مصدوم شدند"
LEAD = (
    "آتش‌سوزی انبار کالای شهرک صنعتی ورامین از ساعت ۵ صبح امروز ادامه دارد و مدیرکل"
    " مدیریت بحران استانداری تهران از اعزام ۱۲ تیم آتش‌نشانی به محل خبر داد."
)


def test_the_governor_acknowledges_an_alert_on_the_phone_in_one_tap(
    *,
    phone_page: Page,
    page_log: PageLog,
    live_server: LiveServer,
    governorate: Organisation,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    governor = UserFactory.create(
        organisation=governorate, roles=[Role.GOVERNOR], bale_chat_id="4815162342"
    )
    alert = alerts.raise_alert(make_story(title=TITLE, lead=LEAD))
    assert alert is not None
    sign_in(phone_page, governor)
    # The link in the Bale message opens the alert page.
    phone_page.goto(live_server.url + reverse("monitoring:alert_detail", args=[alert.pk]))
    button = phone_page.get_by_test_id("acknowledge")
    expect(button).to_be_visible()
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None
    # Reachable without scrolling, wide enough for a thumb.
    assert box["y"] + box["height"] <= 740
    assert box["width"] >= 250
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone_page, "opened")
    assert Notification.objects.get(recipient=governor).read_at is not None
    button.tap()
    expect(phone_page.get_by_test_id("acknowledged")).to_be_visible()
    screenshot(phone_page, "acknowledged")
    assert alert.receipts.get().acknowledged_at is not None
    assert page_log.problems == []


def escalated_alert(governorate: Organisation) -> tuple[User, Alert]:
    """An alert the governor ignored (escalated to SMS) and a deputy acknowledged."""
    governor = UserFactory.create(
        organisation=governorate,
        roles=[Role.GOVERNOR],
        bale_chat_id="4815162342",
        mobile="09121234567",
    )
    deputy = UserFactory.create(
        organisation=governorate, roles=[Role.DEPUTY_GOVERNOR], mobile="09127654321"
    )
    alert = alerts.raise_alert(make_story(title=TITLE, lead=LEAD))
    assert alert is not None
    alerts.acknowledge(alert, by=deputy)
    alert.receipts.filter(recipient=governor).update(escalate_at=timezone.now())
    assert alerts.escalate_due_alerts() == 1
    return governor, alert


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_the_desk_sees_who_was_told_read_acknowledged_and_escalated(
    *,
    viewport: str,
    request: pytest.FixtureRequest,
    page_log: PageLog,
    live_server: LiveServer,
    governorate: Organisation,
    director: User,
    sign_in: Callable[[Page, User], None],
    screenshot: Callable[[Page, str], None],
) -> None:
    browser_page: Page = request.getfixturevalue(viewport)
    governor, _alert = escalated_alert(governorate)
    sign_in(browser_page, director)
    browser_page.goto(live_server.url + reverse("monitoring:alert_list"))
    screenshot(browser_page, "list")
    browser_page.get_by_role("link", name=TITLE).click()
    rows = browser_page.get_by_test_id("receipt")
    expect(rows).to_have_count(3)
    governor_row = rows.filter(has_text=str(governor))
    expect(governor_row.get_by_test_id("delivery")).to_have_count(2)
    screenshot(browser_page, "receipts")
    width = browser_page.viewport_size["width"] if browser_page.viewport_size else 1280
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= width
    assert page_log.problems == []
