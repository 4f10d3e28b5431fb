"""Reads of kernel records through the visibility rules."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet

from ravabet.core.models import AuditEntry, Organisation, SecurityEvent, User
from ravabet.core.scoping import scope


def organisations_visible(*, for_user: User | AnonymousUser) -> QuerySet[Organisation]:
    return scope(Organisation.objects.all(), for_user).select_related("parent")


def organisation_members(organisation: Organisation) -> QuerySet[User]:
    return organisation.members.filter(is_active=True).prefetch_related("groups")


def organisations_with_member_counts(*, for_user: User | AnonymousUser) -> QuerySet[Organisation]:
    return organisations_visible(for_user=for_user).annotate(member_count=Count("members"))


def audit_entries_visible(*, for_user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    """Audit entries of organisations the user may see; entries with no organisation are
    shown only to province-wide roles."""
    entries = AuditEntry.objects.select_related("actor", "content_type", "organisation")
    if isinstance(for_user, User) and for_user.sees_all_organisations:
        return entries
    return scope(entries, for_user)


def security_events_of(user: User) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.filter(user=user)
