"""What a person does with their notifications: read one (the read receipt), or all."""

from __future__ import annotations

from django.utils import timezone

from ravabet.core.models import Notification, User


def mark_read(notification: Notification, *, by: User) -> bool:
    """Record that ``by`` read ``notification``; only the first read sets the time, so the
    receipt says when the person first saw it. True when this call recorded it."""
    now = timezone.now()
    changed = Notification.objects.filter(
        pk=notification.pk, recipient=by, read_at__isnull=True
    ).update(read_at=now)
    if changed:
        notification.read_at = now
    return bool(changed)


def mark_all_read(*, by: User) -> int:
    """Mark every unread notification of ``by`` as read; returns how many."""
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
