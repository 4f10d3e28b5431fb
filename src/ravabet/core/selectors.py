"""Reads of kernel records through the visibility rules."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from ravabet.core.models import AuditEntry, Organisation, OrganisationKind, SecurityEvent, User
from ravabet.core.scoping import scope


def organisations_visible(*, for_user: User | AnonymousUser) -> QuerySet[Organisation]:
    return scope(Organisation.objects.all(), for_user).select_related("parent")


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return organisation.members.filter(is_active=True).prefetch_related("groups")


def organisations_with_member_counts(*, for_user: User | AnonymousUser) -> QuerySet[Organisation]:
    return organisations_visible(for_user=for_user).annotate(member_count=Count("members"))


def in_tree_order(organisations: Iterable[Organisation]) -> list[Organisation]:
    """The organisations depth-first, each unit under its parent, with ``depth`` set on each;
    a unit whose parent is not among them starts a tree of its own. Siblings come by kind
    (governorate, deputies, directorates, counties, agencies, institutions), then by name."""
    rows = list(organisations)
    present = {org.pk for org in rows}
    kind_rank = {kind: rank for rank, kind in enumerate(OrganisationKind.values)}
    children: dict[int | None, list[Organisation]] = {}
    for org in rows:
        parent = org.parent_id if org.parent_id in present else None
        children.setdefault(parent, []).append(org)
    for siblings in children.values():
        siblings.sort(key=lambda o: (kind_rank.get(o.kind, 99), o.name_fa))
    ordered: list[Organisation] = []
    stack = [(org, 0) for org in reversed(children.get(None, []))]
    while stack:
        org, depth = stack.pop()
        org.depth = depth  # type: ignore[attr-defined]
        ordered.append(org)
        stack.extend((child, depth + 1) for child in reversed(children.get(org.pk, [])))
    return ordered


def audit_entries_visible(*, for_user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    """Audit entries of organisations the user may see; entries with no organisation are
    shown only to province-wide roles."""
    entries = AuditEntry.objects.select_related("actor", "content_type", "organisation")
    if isinstance(for_user, User) and for_user.sees_all_organisations:
        return entries
    return scope(entries, for_user)


def security_events_of(user: User) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.filter(user=user)
