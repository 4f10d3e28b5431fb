"""Urgent alerts: one per story, each person's fastest channel, quiet hours held unless the
alert is critical, read receipts, and escalation to the fallback channel exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from ravabet.core.models import (
    Channel,
    Notification,
    NotificationPreference,
    Organisation,
    OutboxMessage,
    Role,
    Schedule,
    User,
)
from ravabet.core.notify.preferences import Plan
from ravabet.core.search.indexing import update_search_index
from ravabet.core.tests.factories import UserFactory
from ravabet.lib.jalali import TEHRAN
from ravabet.monitoring import tasks
from ravabet.monitoring.models import Alert, AlertReceipt
from ravabet.monitoring.services import alerts
from ravabet.monitoring.services.alerts import Route, route_for
from ravabet.monitoring.tests.factories import make_story

pytestmark = pytest.mark.django_db


def person(
    organisation: Organisation, role: str = Role.GOVERNOR, *, bale: str = "", mobile: str = ""
) -> User:
    return UserFactory.create(
        organisation=organisation, roles=[role], bale_chat_id=bale, mobile=mobile
    )


@pytest.fixture
def governor(governorate: Organisation) -> User:
    return person(governorate, bale="4815162342", mobile="09121234567")


def messages(user: User) -> list[tuple[str, str]]:
    """(channel, key suffix) of the person's outbox, oldest first."""
    rows = OutboxMessage.objects.filter(recipient=user).order_by("pk")
    return [(m.channel, m.idempotency_key.rsplit(":", 2)[0]) for m in rows]


def quiet_now(user: User) -> dt.datetime:
    """Give ``user`` quiet hours around the present moment; returns when they end."""
    local = timezone.now().astimezone(TEHRAN).replace(second=0, microsecond=0)
    end = local + timedelta(hours=1)
    NotificationPreference.objects.create(
        user=user,
        channels=["email"],
        quiet_start=(local - timedelta(hours=1)).time(),
        quiet_end=end.time(),
    )
    return end


@pytest.mark.parametrize(
    ("bale", "mobile", "email", "chosen", "expected"),
    [
        ("42", "0912", "g@example.org", None, Route(Channel.BALE, Channel.SMS)),
        ("42", "", "g@example.org", None, Route(Channel.BALE, Channel.EMAIL)),
        ("", "0912", "g@example.org", None, Route(Channel.SMS, Channel.EMAIL)),
        ("", "", "g@example.org", None, Route(Channel.EMAIL, Channel.EMAIL)),
        ("42", "", "", None, Route(Channel.BALE, Channel.BALE)),
        ("", "", "", None, Route(Channel.IN_APP, Channel.IN_APP)),
        # A preference saved for alerts limits the channels, fastest still first.
        ("42", "0912", "g@example.org", ("email", "sms"), Route(Channel.SMS, Channel.EMAIL)),
        ("42", "0912", "g@example.org", (), Route(Channel.IN_APP, Channel.IN_APP)),
    ],
)
def test_the_first_channel_is_the_fastest_reachable_and_the_fallback_the_next(
    bale: str, mobile: str, email: str, chosen: tuple[str, ...] | None, expected: Route
) -> None:
    user = User(bale_chat_id=bale, mobile=mobile, email=email)
    plan = Plan() if chosen is None else Plan(channels=chosen, specific=True)
    assert route_for(user, plan) == expected


def test_the_fallback_follows_the_channel_the_alert_really_went_on() -> None:
    user = User(bale_chat_id="42", mobile="0912", email="g@example.org")
    assert route_for(user, Plan(), after=Channel.SMS).fallback == Channel.EMAIL
    assert route_for(user, Plan(), after=Channel.IN_APP).fallback == Channel.BALE


def test_each_recipient_is_told_on_their_fastest_channel(
    governorate: Organisation, governor: User, director: User
) -> None:
    deputy = person(governorate, Role.DEPUTY_GOVERNOR, mobile="۰۹۱۲۷۶۵۴۳۲۱")
    unreachable = person(governorate, Role.DEPUTY_GOVERNOR)
    unreachable.email = ""
    unreachable.save()
    # The general preference (e-mail, the default) does not slow an alert down.
    NotificationPreference.objects.create(user=governor, kind="*", channels=["email"])
    author = UserFactory.create(organisation=governorate)
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    key = f"monitoring.alert.{alert.pk}"
    assert messages(governor) == [(Channel.BALE, key)]
    assert messages(deputy) == [(Channel.SMS, key)]
    assert messages(director) == [(Channel.EMAIL, key)]
    assert messages(unreachable) == []
    assert Notification.objects.filter(recipient=unreachable, urgent=True).count() == 1
    assert not Notification.objects.filter(recipient=author).exists()
    assert set(alert.receipts.values_list("recipient", flat=True)) == {
        governor.pk,
        deputy.pk,
        director.pk,
        unreachable.pk,
    }


def test_a_preference_saved_for_alerts_is_honoured(governor: User) -> None:
    NotificationPreference.objects.create(
        user=governor, kind=alerts.ALERT_KIND, channels=["sms", "email"]
    )
    alerts.raise_alert(make_story())
    assert [channel for channel, _key in messages(governor)] == [Channel.SMS]


def test_one_alert_per_story_however_many_copies_or_analysts(
    governor: User, director: User
) -> None:
    story = make_story()
    first = alerts.raise_alert(story)
    assert first is not None
    assert alerts.raise_alert(story) is None
    assert alerts.raise_alert(story, by=director, critical=True) is None
    assert Alert.objects.count() == 1
    assert AlertReceipt.objects.filter(recipient=governor).count() == 1
    assert len(messages(governor)) == 1
    assert Notification.objects.filter(recipient=governor).count() == 1


def test_quiet_hours_hold_an_urgent_alert_and_start_its_timer_when_they_end(
    governor: User, settings: Any
) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    end = quiet_now(governor)
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    message = OutboxMessage.objects.get(recipient=governor)
    assert message.channel == Channel.BALE
    assert message.next_attempt_at == end
    receipt = alert.receipts.get()
    assert receipt.escalate_at == end + timedelta(minutes=10)
    # Nothing escalates during the night either.
    assert alerts.escalate_due_alerts(now=end - timedelta(minutes=1)) == 0
    # The in-app notification is there at once.
    assert Notification.objects.get(recipient=governor).urgent


def test_a_critical_alert_ignores_quiet_hours(governor: User, settings: Any) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    quiet_now(governor)
    before = timezone.now()
    alert = alerts.raise_alert(make_story(), critical=True)
    assert alert is not None
    message = OutboxMessage.objects.get(recipient=governor)
    assert message.next_attempt_at <= timezone.now()
    assert alert.receipts.get().escalate_at <= timezone.now() + timedelta(minutes=10)
    assert alert.receipts.get().escalate_at >= before + timedelta(minutes=10)
    with translation.override("fa"):
        title = gettext("Critical: {title}").format(title=alert.story.title)
    assert Notification.objects.get(recipient=governor).title == title


def test_an_unacknowledged_alert_escalates_once_to_the_fallback_channel(
    governor: User, director: User, settings: Any
) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    now = timezone.now()
    assert alerts.escalate_due_alerts(now=now + timedelta(minutes=9)) == 0
    assert alerts.escalate_due_alerts(now=now + timedelta(minutes=11)) == 2
    assert alerts.escalate_due_alerts(now=now + timedelta(minutes=20)) == 0
    escalated = f"monitoring.alert.{alert.pk}.escalated"
    assert messages(governor)[1:] == [(Channel.SMS, escalated)]
    # The director has e-mail only: the reminder goes there again.
    assert messages(director)[1:] == [(Channel.EMAIL, escalated)]
    receipt = alert.receipts.get(recipient=governor)
    assert receipt.escalated_at is not None
    reminder = Notification.objects.filter(recipient=governor).order_by("pk").last()
    assert reminder is not None
    assert reminder.urgent
    assert reminder.url == f"/monitoring/alerts/{alert.pk}/"


def test_an_acknowledged_alert_does_not_escalate(governor: User, settings: Any) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=10)
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    assert alerts.acknowledge(alert, by=governor)
    assert not alerts.acknowledge(alert, by=governor)
    assert alerts.escalate_due_alerts(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(messages(governor)) == 1
    receipt = alert.receipts.get()
    assert (receipt.acknowledged_at is not None, receipt.escalated_at) == (True, None)
    # Acknowledging is reading.
    assert Notification.objects.get(recipient=governor).read_at is not None


def test_someone_who_was_not_told_cannot_acknowledge(governor: User, director: User) -> None:
    alert = alerts.raise_alert(make_story())
    assert alert is not None
    stranger = UserFactory.create(organisation=governor.organisation)
    assert not alerts.acknowledge(alert, by=stranger)
    assert not AlertReceipt.objects.filter(acknowledged_at__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_escalating_at_once_send_each_escalation_once(
    governorate: Organisation, settings: Any
) -> None:
    settings.MONITORING_ALERT_ESCALATE_AFTER = timedelta(minutes=1)
    people = [person(governorate, bale=f"{i}", mobile=f"0912000000{i}") for i in range(3)]
    for title in ("خبر اول", "خبر دوم"):
        alerts.raise_alert(make_story(title=title))
    later = timezone.now() + timedelta(minutes=2)
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            counts.append(alerts.escalate_due_alerts(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 6
    for user in people:
        escalations = [m for m in messages(user) if m[1].endswith(".escalated")]
        assert [channel for channel, _key in escalations] == [Channel.SMS, Channel.SMS]
    assert AlertReceipt.objects.filter(escalated_at__isnull=True).count() == 0


def test_the_escalation_job_runs_every_thirty_seconds() -> None:
    tasks.register_schedules()
    schedule = Schedule.objects.get(name="monitoring-escalate-alerts")
    assert schedule.interval_seconds == 30
    assert schedule.task_path == tasks.escalate_alerts.module_path


def test_escalations_and_polls_go_before_routine_jobs_in_the_queue() -> None:
    DBTaskResult.objects.all().delete()
    routine = update_search_index.enqueue("monitoring", ["1"])
    poll = tasks.poll_source.enqueue(1)
    dispatch = tasks.dispatch_due_polls.enqueue()
    escalation = tasks.escalate_alerts.enqueue()
    order = [str(pk) for pk in DBTaskResult.objects.ready().values_list("pk", flat=True)]
    assert order == [escalation.id, dispatch.id, poll.id, routine.id]
