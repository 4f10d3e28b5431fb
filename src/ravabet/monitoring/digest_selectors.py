"""Reads of the morning digest: who may read, edit and approve it, the editions a person may
open, and an edition's sections in order. An edition is the whole province's bulletin, so it
has no organisation of its own: who sees it follows from the roles alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from ravabet.core.models import Role, User
from ravabet.monitoring.models import (
    DigestEdition,
    DigestEntry,
    DigestSection,
    DigestStatus,
    Story,
    TriageStatus,
)
from ravabet.monitoring.selectors import DESK_ROLES, READER_ROLES, may_read_digest, may_use_desk

# Who reads the digest: the desk that makes it and the readers it is sent to.
DIGEST_ROLES = DESK_ROLES | READER_ROLES
# The order of the sections, on the page and in the PDF: the critical news first.
SECTION_ORDER = (
    DigestSection.CRITICAL,
    DigestSection.GOVERNOR,
    DigestSection.COUNTIES,
    DigestSection.AGENCIES,
    DigestSection.NATIONAL,
)


def may_approve_digest(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.has_role(Role.PR_DIRECTOR)


def digest_readers() -> list[User]:
    """Everyone the digest is delivered to: active readers and the desk."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=list(DIGEST_ROLES))
        .distinct()
        .order_by("pk")
    )


def digest_approvers() -> list[User]:
    """The PR directors: they approve the digest and hear when it is late."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.PR_DIRECTOR).distinct().order_by("pk")
    )


def stories_waiting() -> QuerySet[Story]:
    """Stories selected for the digest (and not dismissed since) that no edition holds yet."""
    return (
        Story.objects.filter(triage__in_digest=True)
        .exclude(triage__status=TriageStatus.DISMISSED)
        .exclude(pk__in=DigestEntry.objects.values("story_id"))
    )


def editions_visible(*, for_user: User | AnonymousUser) -> QuerySet[DigestEdition]:
    """The editions a person may open: the desk every one, readers those sent."""
    if may_use_desk(for_user):
        return DigestEdition.objects.all()
    if may_read_digest(for_user):
        return DigestEdition.objects.filter(status=DigestStatus.SENT)
    return DigestEdition.objects.none()


def editions_between(
    first: date, last: date, *, for_user: User | AnonymousUser
) -> QuerySet[DigestEdition]:
    """Visible editions of the days ``first`` to ``last`` (inclusive), newest first, each with
    its number of stories."""
    return (
        editions_visible(for_user=for_user)
        .filter(day__gte=first, day__lte=last)
        .annotate(entry_count=Count("entries"))
        .order_by("-day")
    )


@dataclass(frozen=True)
class SectionBlock:
    """One section of an edition with its entries in order."""

    code: str
    label: str
    entries: list[DigestEntry]


def digest_entries(edition: DigestEdition) -> QuerySet[DigestEntry]:
    return (
        DigestEntry.objects.filter(edition=edition)
        .select_related("story__first_item__source", "story__triage", "story__organisation")
        .order_by("position", "pk")
    )


def edition_sections(edition: DigestEdition, *, keep_empty: bool = False) -> list[SectionBlock]:
    """The edition's sections in their fixed order (the empty ones only with ``keep_empty``)."""
    by_section: dict[str, list[DigestEntry]] = {code: [] for code in SECTION_ORDER}
    for entry in digest_entries(edition):
        by_section.setdefault(entry.section, []).append(entry)
    return [
        SectionBlock(code, str(DigestSection(code).label), entries)
        for code, entries in by_section.items()
        if entries or keep_empty
    ]
