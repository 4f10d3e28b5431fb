"""An urgent item from end to end through the real worker: it appears in a local feed, the
dispatch and poll jobs bring it in, the governor gets it on Bale; ignored, it escalates to SMS
once; acknowledged, nothing more is sent."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from ravabet.core.models import Organisation, OutboxMessage, OutboxStatus, Role, Schedule
from ravabet.core.tests.factories import UserFactory
from ravabet.core.tests.test_notify_channels import FakeGateway, gateway  # noqa: F401 (fixture)
from ravabet.monitoring.models import Alert, AlertReceipt, SourceState, WatchKind, WatchList
from ravabet.monitoring.services import alerts
from ravabet.monitoring.tests.conftest import NewsSite
from ravabet.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUAKE_TITLE = "زلزله ۴٫۲ ریشتری حوالی دماوند را لرزاند"
QUAKE_TEXT = "زمین‌لرزه‌ای به بزرگی ۴٫۲ ریشتر صبح امروز حوالی دماوند در استان تهران را لرزاند."


def feed(*items: tuple[str, str]) -> str:
    now = format_datetime(timezone.now())
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{QUAKE_TEXT}</description>"
        f"<pubDate>{now}</pubDate></item>"
        for link, title in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{entries}</channel></rss>'


def run_worker() -> None:
    call_command("worker", "--once")


def test_an_urgent_item_reaches_the_governor_on_bale_and_escalates_to_sms_when_ignored(
    news_site: NewsSite,
    gateway: FakeGateway,  # noqa: F811
    governorate: Organisation,
    settings: Any,
) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    governor = UserFactory.create(
        organisation=governorate,
        roles=[Role.GOVERNOR],
        bale_chat_id="4815162342",
        mobile="09121234567",
    )
    WatchList.objects.create(name="زلزله", kind=WatchKind.TOPIC, query="زلزله", raises_alert=True)
    SourceFactory.create(feed_url=news_site.serve("/a", feed()))
    SourceFactory.create(feed_url=news_site.serve("/b", feed()))
    run_worker()
    assert not Alert.objects.exists()
    # The item appears in one feed and a copy in the other.
    news_site.serve("/a", feed(("https://a.example.ir/news/1", QUAKE_TITLE)))
    news_site.serve("/b", feed(("https://b.example.ir/news/9", QUAKE_TITLE)))
    Schedule.objects.filter(name="monitoring-dispatch-polls").update(next_run_at=timezone.now())
    SourceState.objects.update(next_poll_at=timezone.now())
    run_worker()
    alert = Alert.objects.get()
    assert alert.story.item_count == 2
    [bale] = gateway.received
    assert "/bot" in bale.path
    assert f"/monitoring/alerts/{alert.pk}/" in bale.json["text"]
    assert QUAKE_TITLE in bale.json["text"]
    # Ten minutes on, the governor has not acknowledged: the next run escalates to SMS.
    AlertReceipt.objects.update(escalate_at=timezone.now())
    Schedule.objects.filter(name="monitoring-escalate-alerts").update(next_run_at=timezone.now())
    run_worker()
    assert len(gateway.received) == 2
    sms = gateway.received[1]
    assert sms.form["receptor"] == "09121234567"
    assert f"/monitoring/alerts/{alert.pk}/" in sms.form["message"]
    assert set(OutboxMessage.objects.values_list("channel", "status")) == {
        ("bale", OutboxStatus.SENT),
        ("sms", OutboxStatus.SENT),
    }
    # Later runs send nothing more, and the acknowledgement still counts.
    Schedule.objects.filter(name="monitoring-escalate-alerts").update(next_run_at=timezone.now())
    run_worker()
    assert len(gateway.received) == 2
    assert alerts.acknowledge(alert, by=governor)
