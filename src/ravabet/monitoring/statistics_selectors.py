"""Reads for the desk's statistics: items and new stories per Tehran day, items per source,
who publishes first, tone by Iranian week, and the pickup of the governorate's own releases."""

from __future__ import annotations

from calendar import SATURDAY
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ravabet.core.models import Organisation, OrganisationKind, User
from ravabet.core.scoping import scope
from ravabet.lib.jalali import TEHRAN, day_bounds_utc, to_tehran
from ravabet.monitoring.models import MonitoredItem, Story, Tone, Triage

STATISTICS_DAYS = 30
TONE_WEEKS = 12
TOP_SOURCES = 15
TOP_RELEASES = 10


@dataclass(frozen=True, slots=True)
class DayCount:
    """A Tehran day: items published (or collected, if undated) and stories that began."""

    day: date
    items: int
    stories: int


@dataclass(frozen=True, slots=True)
class SourceCount:
    source_id: int
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class ToneWeek:
    """Stories judged in one Iranian week (Saturday to Friday), by tone."""

    start: date
    positive: int = 0
    neutral: int = 0
    negative: int = 0


@dataclass(frozen=True, slots=True)
class Release:
    """A story the governorate's own site started, and how many other outlets carried it."""

    story_id: int
    title: str
    published_at: datetime
    outlets: int


@dataclass(frozen=True)
class PickupSummary:
    releases: int
    picked_up: int
    outlets: int
    top: list[Release]

    @property
    def mean_outlets(self) -> float:
        return self.outlets / self.releases if self.releases else 0.0


def last_days(days: int, *, now: datetime | None = None) -> tuple[date, date]:
    """The first and last Tehran day of the ``days`` days ending today."""
    today = to_tehran(now or timezone.now()).date()
    return today - timedelta(days=days - 1), today


def daily_counts(
    *, for_user: User | AnonymousUser, days: int = STATISTICS_DAYS, now: datetime | None = None
) -> list[DayCount]:
    """Items and new stories on each of the last ``days`` Tehran days, oldest first."""
    first, last = last_days(days, now=now)
    start, end = day_bounds_utc(first, last)
    items = (
        scope(MonitoredItem.objects.filter(at__gte=start, at__lt=end), for_user)
        .annotate(day=TruncDate("at", tzinfo=TEHRAN))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    stories = (
        scope(
            Story.objects.filter(first_published_at__gte=start, first_published_at__lt=end),
            for_user,
        )
        .annotate(day=TruncDate("first_published_at", tzinfo=TEHRAN))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
    )
    item_days = {row["day"]: row["n"] for row in items}
    story_days = {row["day"]: row["n"] for row in stories}
    return [
        DayCount(day, item_days.get(day, 0), story_days.get(day, 0))
        for day in (first + timedelta(days=i) for i in range(days))
    ]


def items_per_source(
    *,
    for_user: User | AnonymousUser,
    days: int = STATISTICS_DAYS,
    limit: int = TOP_SOURCES,
    now: datetime | None = None,
) -> list[SourceCount]:
    """The sources that brought the most items in the last ``days`` days."""
    start, end = day_bounds_utc(*last_days(days, now=now))
    items = scope(MonitoredItem.objects.filter(at__gte=start, at__lt=end), for_user)
    return _top_sources(items, "source", limit)


def first_publishers(
    *,
    for_user: User | AnonymousUser,
    days: int = STATISTICS_DAYS,
    limit: int = TOP_SOURCES,
    now: datetime | None = None,
) -> list[SourceCount]:
    """The sources credited with publishing first the most stories of the last ``days``."""
    start, end = day_bounds_utc(*last_days(days, now=now))
    stories = scope(
        Story.objects.filter(
            first_published_at__gte=start, first_published_at__lt=end, first_item__isnull=False
        ),
        for_user,
    )
    return _top_sources(stories, "first_item__source", limit)


def _top_sources(rows: QuerySet[Any], source: str, limit: int) -> list[SourceCount]:
    """How many of ``rows`` each source (reached by the path ``source``) has, most first."""
    name = f"{source}__name"
    counted = rows.values(source, name).annotate(n=Count("pk")).order_by("-n", name)[:limit]
    return [SourceCount(row[source], row[name], row["n"]) for row in counted]


def week_start(day: date) -> date:
    """The Saturday that begins ``day``'s Iranian week."""
    return day - timedelta(days=(day.weekday() - SATURDAY) % 7)


def tone_by_week(
    *, for_user: User | AnonymousUser, weeks: int = TONE_WEEKS, now: datetime | None = None
) -> list[ToneWeek]:
    """Judged stories by tone in each of the last ``weeks`` Iranian weeks (by the day each
    story began), oldest first; the current week is counted so far."""
    today = to_tehran(now or timezone.now()).date()
    first = week_start(today) - timedelta(weeks=weeks - 1)
    start, end = day_bounds_utc(first, today)
    rows = (
        scope(
            Triage.objects.exclude(tone="").filter(
                story__first_published_at__gte=start, story__first_published_at__lt=end
            ),
            for_user,
        )
        .annotate(day=TruncDate("story__first_published_at", tzinfo=TEHRAN))
        .order_by()
        .values("day", "tone")
        .annotate(n=Count("pk"))
    )
    tally: dict[tuple[int, str], int] = {}
    for row in rows:
        key = ((row["day"] - first).days // 7, row["tone"])
        tally[key] = tally.get(key, 0) + row["n"]
    return [
        ToneWeek(
            first + timedelta(weeks=i),
            positive=tally.get((i, Tone.POSITIVE), 0),
            neutral=tally.get((i, Tone.NEUTRAL), 0),
            negative=tally.get((i, Tone.NEGATIVE), 0),
        )
        for i in range(weeks)
    ]


def release_pickup(
    *,
    for_user: User | AnonymousUser,
    days: int = STATISTICS_DAYS,
    limit: int = TOP_RELEASES,
    now: datetime | None = None,
) -> PickupSummary:
    """The stories of the last ``days`` days first published on a site of the governorate
    itself (the root of the tree), and how many other outlets carried each."""
    start, end = day_bounds_utc(*last_days(days, now=now))
    governorate = Organisation.objects.filter(
        kind=OrganisationKind.GOVERNORATE, parent__isnull=True
    ).values("pk")
    releases = scope(
        Story.objects.filter(
            first_item__source__organisation__in=governorate,
            first_published_at__gte=start,
            first_published_at__lt=end,
        ),
        for_user,
    )
    outlets = {
        row["story"]: row["n"]
        for row in MonitoredItem.objects.filter(story__in=releases.values("pk"))
        .exclude(source__organisation__in=governorate)
        .order_by()
        .values("story")
        .annotate(n=Count("source", distinct=True))
    }
    stories = [
        Release(pk, title, published_at, outlets.get(pk, 0))
        for pk, title, published_at in releases.values_list("pk", "title", "first_published_at")
    ]
    stories.sort(key=lambda release: (-release.outlets, -release.published_at.timestamp()))
    return PickupSummary(
        releases=len(stories),
        picked_up=sum(1 for release in stories if release.outlets),
        outlets=sum(release.outlets for release in stories),
        top=stories[:limit],
    )
