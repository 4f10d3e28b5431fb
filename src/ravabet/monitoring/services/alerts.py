"""Urgent alerts: one per story (however many copies arrive), sent to the governor, the
deputies and the PR director on each one's fastest channel, each with a read receipt; an
alert not acknowledged in time escalates once to the person's fallback channel.

Quiet hours hold a non-critical alert's outside message until they end (the in-app one is
there at once) and its escalation timer starts then; a critical alert ignores them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import Channel, User
from ravabet.core.notify import notify, preferences
from ravabet.core.notify.services import mark_read
from ravabet.monitoring.alert_selectors import (
    ALERT_KIND,
    ALERT_ROLES,
    alert_notifications,
    alert_url,
)
from ravabet.monitoring.models import Alert, AlertReason, AlertReceipt, Story, WatchList

__all__ = [
    "ALERT_KIND",
    "ALERT_ROLES",
    "Route",
    "acknowledge",
    "alert_recipients",
    "escalate_due_alerts",
    "escalate_receipt",
    "mark_alert_read",
    "raise_alert",
    "route_for",
]


@dataclass(frozen=True)
class Route:
    """Where one person's alert goes first and where it escalates; ``in_app`` alone when the
    person has no outside address."""

    first: str
    fallback: str


def route_for(person: User, plan: preferences.Plan, *, after: str | None = None) -> Route:
    """The person's fastest reachable channel and the next one for escalation (the same one
    again when there is no other); ``after`` is the channel the alert really went on first."""
    # Only a preference saved for alerts limits the channels: the general one (e-mail by
    # default) must not leave an urgent alert in an inbox nobody reads at night.
    allowed = plan.channels if plan.specific else preferences.BY_SPEED
    channels = preferences.reachable(person, allowed)
    if not channels:
        return Route(Channel.IN_APP, Channel.IN_APP)
    first = after if after is not None else channels[0]
    rank = preferences.BY_SPEED.index(first) if first in preferences.BY_SPEED else -1
    slower = [c for c in channels if preferences.BY_SPEED.index(c) > rank]
    return Route(first, slower[0] if slower else (first if first in channels else channels[0]))


def alert_recipients() -> list[User]:
    """Everyone who receives urgent alerts: active holders of the alert roles."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(ALERT_ROLES))
        .distinct()
        .order_by("pk")
    )


def alert_key(alert: Alert) -> str:
    return f"{ALERT_KIND}.{alert.pk}"


def escalation_key(alert: Alert) -> str:
    return f"{ALERT_KIND}.{alert.pk}.escalated"


def _send(
    people: list[User],
    alert: Alert,
    *,
    channel: str,
    title: str | Promise,
    key: str,
) -> None:
    story = alert.story
    notify(
        people,
        kind=ALERT_KIND,
        title=title,
        body=story.first_item.lead if story.first_item else "",
        url=alert_url(alert),
        key=key,
        urgent=True,
        bypass_quiet_hours=alert.critical,
        channels=[] if channel == Channel.IN_APP else [channel],
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
    with transaction.atomic():
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
        plans = preferences.plans_for(people, ALERT_KIND)
        groups: dict[str, list[User]] = defaultdict(list)
        receipts = []
        for person in people:
            plan = plans[person.pk]
            groups[route_for(person, plan).first].append(person)
            # The timer runs from when the message can reach the person, not from the night.
            held = (
                None if critical else preferences.quiet_until(now, plan.quiet_start, plan.quiet_end)
            )
            escalate_at = (held or now) + settings.MONITORING_ALERT_ESCALATE_AFTER
            receipts.append(
                AlertReceipt(
                    alert=alert, recipient=person, notified_at=now, escalate_at=escalate_at
                )
            )
        label = _("Critical: {title}") if critical else _("Urgent: {title}")
        for channel, group in groups.items():
            _send(
                group,
                alert,
                channel=channel,
                title=format_lazy(label, title=story.title),
                key=alert_key(alert),
            )
        AlertReceipt.objects.bulk_create(receipts)
    return alert


def mark_alert_read(alert: Alert, *, by: User) -> int:
    """The person opened the alert: its notifications are read (the first time only)."""
    unread = alert_notifications(alert, of=[by.pk]).filter(read_at__isnull=True)
    return sum(mark_read(note, by=by) for note in unread)


def acknowledge(alert: Alert, *, by: User, now: datetime | None = None) -> bool:
    """The recipient has read the alert: no escalation for them. False if they had already
    acknowledged it or are not a recipient."""
    with transaction.atomic():
        changed = AlertReceipt.objects.filter(
            alert=alert, recipient=by, acknowledged_at__isnull=True
        ).update(acknowledged_at=now or timezone.now())
        mark_alert_read(alert, by=by)
    return bool(changed)


def _first_channel(alert: Alert, person: User) -> str | None:
    """The outside channel the alert first went to ``person`` on, if any."""
    first = alert_notifications(alert, of=[person.pk]).first()
    if first is None:
        return None
    message = first.outbox_messages.order_by("pk").first()
    return message.channel if message is not None else Channel.IN_APP


def escalate_receipt(receipt_id: int, *, now: datetime | None = None) -> bool:
    """Escalate one unacknowledged receipt that is due; of two workers trying at once, exactly
    one sends (the claim and the message commit together or not at all)."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = AlertReceipt.objects.filter(
            pk=receipt_id,
            escalate_at__lte=now,
            acknowledged_at__isnull=True,
            escalated_at__isnull=True,
        ).update(escalated_at=now)
        if not claimed:
            return False
        receipt = AlertReceipt.objects.select_related("alert__story__first_item", "recipient").get(
            pk=receipt_id
        )
        alert, person = receipt.alert, receipt.recipient
        plan = preferences.plans_for([person], ALERT_KIND)[person.pk]
        route = route_for(person, plan, after=_first_channel(alert, person))
        _send(
            [person],
            alert,
            channel=route.fallback,
            title=format_lazy(_("Not yet acknowledged: {title}"), title=alert.story.title),
            key=escalation_key(alert),
        )
    return True


def escalate_due_alerts(*, now: datetime | None = None) -> int:
    """Escalate every receipt past its time, not acknowledged and not escalated yet; returns
    how many this call escalated."""
    now = now or timezone.now()
    due = AlertReceipt.objects.filter(
        escalate_at__lte=now, acknowledged_at__isnull=True, escalated_at__isnull=True
    ).order_by("escalate_at", "pk")
    return sum(escalate_receipt(pk, now=now) for pk in list(due.values_list("pk", flat=True)))
