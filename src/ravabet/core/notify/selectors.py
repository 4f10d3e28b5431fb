"""Reads of notifications. A notification belongs to its recipient alone: nobody else, not
even a province-wide role, may see or mark it."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, QuerySet
from django.http import Http404

from ravabet.core.models import Notification, User


def notifications_of(user: User | AnonymousUser) -> QuerySet[Notification]:
    """The person's notifications, unread first, newest first within each group."""
    if not isinstance(user, User):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )


def unread_count(user: User | AnonymousUser) -> int:
    if not isinstance(user, User):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_of_or_404(user: User | AnonymousUser, pk: int) -> Notification:
    """One of the person's own notifications; 404 for anyone else's, so an outsider cannot
    learn that it exists."""
    found = notifications_of(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
