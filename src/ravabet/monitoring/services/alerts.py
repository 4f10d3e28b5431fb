"""Urgent alerts: one per story (however many copies arrive), sent to the governor, the
deputies and the PR director on their fastest channel, each with a read receipt that
escalates to the fallback channel when it is not acknowledged in time."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import Role, User
from ravabet.core.notify import notify
from ravabet.monitoring.models import Alert, AlertReason, AlertReceipt, Story, WatchList

ALERT_ROLES = (Role.GOVERNOR, Role.DEPUTY_GOVERNOR, Role.PR_DIRECTOR)
ALERT_KIND = "monitoring.alert"


def alert_recipients() -> list[User]:
    """Everyone who receives urgent alerts: active holders of the alert roles."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(ALERT_ROLES))
        .distinct()
        .order_by("pk")
    )


def raise_alert(
    story: Story,
    *,
    watch_list: WatchList | None = None,
    by: User | None = None,
    critical: bool = False,
    now: datetime | None = None,
) -> Alert | None:
    """Alert the recipients about ``story``; returns None if it was alerted already."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                story=story,
                reason=AlertReason.ANALYST if by is not None else AlertReason.WATCH_LIST,
                watch_list=watch_list,
                raised_by=by,
                critical=critical,
            )
    except IntegrityError:
        return None  # one alert per story: a copy or a second analyst changes nothing
    people = alert_recipients()
    url = reverse("monitoring:alert_detail", args=[alert.pk])
    notify(
        people,
        kind=ALERT_KIND,
        title=format_lazy(_("Urgent: {title}"), title=story.title),
        body=story.first_item.lead if story.first_item else "",
        url=url,
        key=f"{ALERT_KIND}.{alert.pk}",
        urgent=True,
    )
    escalate_at = now + settings.MONITORING_ALERT_ESCALATE_AFTER
    AlertReceipt.objects.bulk_create(
        AlertReceipt(alert=alert, recipient=person, notified_at=now, escalate_at=escalate_at)
        for person in people
    )
    return alert


def acknowledge(alert: Alert, *, by: User, now: datetime | None = None) -> bool:
    """The recipient has read the alert: no escalation for them. False if they had already
    acknowledged it or are not a recipient."""
    return bool(
        AlertReceipt.objects.filter(alert=alert, recipient=by, acknowledged_at__isnull=True).update(
            acknowledged_at=now or timezone.now()
        )
    )
