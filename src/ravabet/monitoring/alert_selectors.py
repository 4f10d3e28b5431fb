"""Reads of urgent alerts: who receives them and who may see them, the list for the desk
and for recipients, and each recipient's deliveries, read receipt and escalation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse

from ravabet.core.models import Notification, OutboxMessage, Role, User
from ravabet.monitoring.models import Alert, AlertReceipt
from ravabet.monitoring.selectors import DESK_ROLES, alerts_visible, may_use_desk

# Who receives urgent alerts, and the kind of notification they get.
ALERT_ROLES = (Role.GOVERNOR, Role.DEPUTY_GOVERNOR, Role.PR_DIRECTOR)
ALERT_KIND = "monitoring.alert"


def may_see_alerts(user: User | AnonymousUser) -> bool:
    """The desk sees every alert; the people alerts go to see their own."""
    return isinstance(user, User) and user.has_role(*DESK_ROLES, *ALERT_ROLES)


def alert_list(*, for_user: User | AnonymousUser) -> QuerySet[Alert]:
    """Recent alerts with their receipts counted: every alert for the desk, the person's own
    for anyone else, who also sees when they acknowledged each."""
    if not isinstance(user := for_user, User):
        return Alert.objects.none()
    alerts = alerts_visible(for_user=user).annotate(
        told=Count("receipts"),
        acknowledged=Count("receipts", filter=Q(receipts__acknowledged_at__isnull=False)),
        escalated=Count("receipts", filter=Q(receipts__escalated_at__isnull=False)),
        mine_acknowledged_at=Subquery(
            AlertReceipt.objects.filter(alert=OuterRef("pk"), recipient=user).values(
                "acknowledged_at"
            )[:1]
        ),
        mine=Exists(AlertReceipt.objects.filter(alert=OuterRef("pk"), recipient=user)),
    )
    if not may_use_desk(user):
        alerts = alerts.filter(mine=True)
    return alerts.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ReceiptRow:
    """One recipient of an alert as the desk sees it: told when and on which channel (with
    the delivery status), read and acknowledged when, escalated when and on which channel."""

    receipt: AlertReceipt
    told: list[OutboxMessage]
    read_at: datetime | None
    escalation: list[OutboxMessage]


def alert_url(alert: Alert) -> str:
    """The alert's page: the link of every notification about it."""
    return reverse("monitoring:alert_detail", args=[alert.pk])


def alert_notifications(alert: Alert, *, of: list[int]) -> QuerySet[Notification]:
    """The in-app notifications of ``alert`` to the people ``of`` (ids), found by their link:
    for each person the alert first, then its escalation if any."""
    return Notification.objects.filter(
        recipient__in=of, kind=ALERT_KIND, url=alert_url(alert)
    ).order_by("pk")


def alert_receipts(alert: Alert) -> list[ReceiptRow]:
    """Every recipient of ``alert`` with their deliveries, in three queries."""
    receipts = list(alert.receipts.select_related("recipient").order_by("pk"))
    notes: dict[int, list[Notification | None]] = {}
    found = alert_notifications(alert, of=[r.recipient_id for r in receipts]).prefetch_related(
        Prefetch("outbox_messages", queryset=OutboxMessage.objects.order_by("pk"))
    )
    for note in found:
        notes.setdefault(note.recipient_id, []).append(note)
    rows = []
    for receipt in receipts:
        first, *later = notes.get(receipt.recipient_id) or [None]
        rows.append(
            ReceiptRow(
                receipt=receipt,
                told=list(first.outbox_messages.all()) if first else [],
                read_at=first.read_at if first else None,
                escalation=[m for note in later if note for m in note.outbox_messages.all()],
            )
        )
    return rows
