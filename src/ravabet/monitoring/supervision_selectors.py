"""Reads for the supervision of agencies' publications (duty 12): per county, agency and
revolutionary institution, items from its own sites and items elsewhere attributed to it, in a
Jalali period and the one before, with how long its sites have been silent. ``reports`` reads
the same rows for the performance reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ravabet.core.models import Organisation, OrganisationKind, Role, User
from ravabet.core.scoping import scope
from ravabet.lib.jalali import Period
from ravabet.lib.persian import sort_key
from ravabet.monitoring.models import MonitoredItem, Source, WatchKind, WatchMatch
from ravabet.monitoring.selectors import DESK_ROLES, READER_ROLES

# The provincial bodies whose publications are supervised, one row each.
SUPERVISED_KINDS = (
    OrganisationKind.COUNTY,
    OrganisationKind.AGENCY,
    OrganisationKind.REVOLUTIONARY,
)
# Days without a publication on its own site after which an organisation is flagged silent.
SILENCE_DAYS = 7
# Failures in a row after which a silent site may be our fault: its feed is not being read.
FAILING_AFTER = 3
# The desk and the readers see every row; an agency or county sees its own.
SUPERVISION_ROLES = DESK_ROLES | READER_ROLES | {Role.AGENCY_OFFICER}


def may_see_supervision(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.has_role(*SUPERVISION_ROLES)


@dataclass(frozen=True, slots=True)
class Counts:
    """Items in a period and in the period before it."""

    current: int = 0
    previous: int = 0

    @property
    def change(self) -> int:
        return self.current - self.previous


@dataclass(frozen=True)
class SupervisionRow:
    """One organisation's publications: on its own sites, and elsewhere about it (of which
    about its officials), with its sites' state and how long the sites have been silent."""

    organisation: Organisation
    own: Counts
    elsewhere: Counts
    officials: Counts
    sites: int
    polled_sites: int
    failing_sites: int
    last_own_at: datetime | None
    last_elsewhere_at: datetime | None
    # Whole days since the last own publication (or since its site was registered, if
    # nothing came yet); None when no site of the organisation is polled.
    silent_days: int | None
    silence_days: int = SILENCE_DAYS

    @property
    def silent(self) -> bool:
        return self.silent_days is not None and self.silent_days >= self.silence_days

    @property
    def feed_failing(self) -> bool:
        return self.failing_sites > 0


def _period_counts(
    items: QuerySet[MonitoredItem], group: str, start: datetime, **extra: Q
) -> dict[int, dict[str, int]]:
    """Per ``group`` value: items before ``start`` (previous) and from it (current), and each
    ``extra`` condition counted the same way."""
    counts: dict[str, Count] = {
        "current": Count("pk", filter=Q(at__gte=start)),
        "previous": Count("pk", filter=Q(at__lt=start)),
    }
    for name, condition in extra.items():
        counts[f"{name}_current"] = Count("pk", filter=condition & Q(at__gte=start))
        counts[f"{name}_previous"] = Count("pk", filter=condition & Q(at__lt=start))
    rows = items.order_by().values(group).annotate(**counts)
    return {row[group]: row for row in rows}


def supervision_rows(
    *,
    for_user: User | AnonymousUser,
    period: Period,
    now: datetime | None = None,
    silence_days: int = SILENCE_DAYS,
) -> list[SupervisionRow]:
    """Every county, agency and revolutionary institution ``for_user`` may see, with its
    publications in ``period`` and the period before, in four queries whatever their number."""
    now = now or timezone.now()
    start, end = period.bounds_utc()
    previous_start, _ = period.previous().bounds_utc()
    own_items = MonitoredItem.objects.filter(source__organisation=OuterRef("pk"))
    elsewhere_items = MonitoredItem.objects.filter(organisation=OuterRef("pk")).exclude(
        source__organisation=OuterRef("pk")
    )
    organisations = list(
        scope(Organisation.objects.filter(kind__in=SUPERVISED_KINDS, is_active=True), for_user)
        .annotate(
            last_own_at=Subquery(own_items.order_by("-at").values("at")[:1]),
            last_elsewhere_at=Subquery(elsewhere_items.order_by("-at").values("at")[:1]),
        )
        .order_by()
    )
    ids = [o.pk for o in organisations]
    in_window = Q(at__gte=previous_start, at__lt=end)
    own = _period_counts(
        MonitoredItem.objects.filter(in_window, source__organisation__in=ids),
        "source__organisation",
        start,
    )
    about_officials = Exists(
        WatchMatch.objects.filter(
            item=OuterRef("pk"),
            watch_list__kind=WatchKind.PERSON,
            watch_list__organisation=OuterRef("organisation"),
        )
    )
    elsewhere = _period_counts(
        MonitoredItem.objects.filter(in_window, organisation__in=ids).exclude(
            source__organisation=F("organisation")
        ),
        "organisation",
        start,
        officials=Q(about_officials),
    )
    sites = {
        row["organisation"]: row
        for row in Source.objects.filter(organisation__in=ids)
        .order_by()
        .values("organisation")
        .annotate(
            sites=Count("pk"),
            polled=Count("pk", filter=Q(is_active=True)),
            failing=Count(
                "pk", filter=Q(is_active=True, state__consecutive_failures__gte=FAILING_AFTER)
            ),
            polled_since=Min("created_at", filter=Q(is_active=True)),
        )
    }
    rows = []
    for organisation in organisations:
        mine = own.get(organisation.pk, {})
        about = elsewhere.get(organisation.pk, {})
        site = sites.get(organisation.pk, {})
        last_own_at: datetime | None = organisation.last_own_at
        silent_days = None
        if site.get("polled"):
            since = last_own_at or site["polled_since"]
            silent_days = max((now - since).days, 0)
        rows.append(
            SupervisionRow(
                organisation=organisation,
                own=Counts(mine.get("current", 0), mine.get("previous", 0)),
                elsewhere=Counts(about.get("current", 0), about.get("previous", 0)),
                officials=Counts(
                    about.get("officials_current", 0), about.get("officials_previous", 0)
                ),
                sites=site.get("sites", 0),
                polled_sites=site.get("polled", 0),
                failing_sites=site.get("failing", 0),
                last_own_at=last_own_at,
                last_elsewhere_at=organisation.last_elsewhere_at,
                silent_days=silent_days,
                silence_days=silence_days,
            )
        )
    rows.sort(key=lambda row: sort_key(row.organisation.name))
    return rows
