"""Reads of the monitoring module through the visibility rules: who may work the desk, and
the stories, items and sources a person may see."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from ravabet.core.models import Role, User
from ravabet.core.scoping import scope
from ravabet.monitoring.models import Alert, MonitoredItem, Poll, Source, Story, TriageStatus

# The desk: who triages, edits sources and watch-lists, compiles the digest.
DESK_ROLES = frozenset({Role.ADMIN, Role.PR_DIRECTOR, Role.OFFICE_HEAD, Role.MONITORING_ANALYST})
# Readers: the digest and alerts (besides the desk).
READER_ROLES = frozenset({Role.GOVERNOR, Role.DEPUTY_GOVERNOR, Role.COUNTY_GOVERNOR})


def may_use_desk(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.has_role(*DESK_ROLES)


def may_read_digest(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.has_role(*DESK_ROLES, *READER_ROLES)


def stories_visible(*, for_user: User | AnonymousUser) -> QuerySet[Story]:
    return scope(Story.objects.all(), for_user).select_related(
        "triage", "triage__topic", "first_item__source", "organisation", "alert"
    )


def triage_queue(
    *, for_user: User | AnonymousUser, status: str = TriageStatus.NEW
) -> QuerySet[Story]:
    """Stories waiting for a judgement, newest first; the first item's source shown."""
    return (
        stories_visible(for_user=for_user)
        .filter(triage__status=status)
        .order_by("-last_published_at", "-pk")
    )


def story_items(story: Story) -> QuerySet[MonitoredItem]:
    return (
        story.items.select_related("source")
        .prefetch_related("matches__watch_list")
        .order_by("at", "pk")
    )


def items_visible(*, for_user: User | AnonymousUser) -> QuerySet[MonitoredItem]:
    return scope(MonitoredItem.objects.all(), for_user).select_related("source", "story")


def sources_with_health(*, for_user: User | AnonymousUser) -> QuerySet[Source]:
    """Sources with their state and the items they brought in the last week."""
    week_ago = timezone.now() - timedelta(days=7)
    return (
        scope(Source.objects.all(), for_user)
        .select_related("state", "organisation")
        .annotate(
            items_week=Count("items", filter=Q(items__fetched_at__gte=week_ago)),
            last_item_at=Max("items__at"),
        )
        .order_by("tier", "name")
    )


def source_polls(source: Source) -> QuerySet[Poll]:
    return source.polls.order_by("-started_at")


def triage_counts(*, for_user: User | AnonymousUser) -> dict[str, int]:
    """Stories per triage status, for the queue's tabs."""
    rows = (
        scope(Story.objects.all(), for_user)
        .values("triage__status")
        .annotate(n=Count("pk"))
        .values_list("triage__status", "n")
    )
    return {str(status): n for status, n in rows}


def alerts_visible(*, for_user: User | AnonymousUser) -> QuerySet[Alert]:
    return scope(Alert.objects.all(), for_user).select_related(
        "story", "story__first_item__source", "watch_list", "raised_by"
    )
