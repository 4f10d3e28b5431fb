"""The kernel's own searchable records: organisation names and the audit trail's object labels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ravabet.core.models import AuditEntry, Organisation, User
from ravabet.core.search.registry import SearchField, SearchSource, Weight, register

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet


def _may_read_audit_log(user: User | AnonymousUser) -> bool:
    from ravabet.core.views.audit_log import AUDIT_LOG_ROLES

    return isinstance(user, User) and user.has_role(*AUDIT_LOG_ROLES)


def _audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("content_type")


def _object_type(entry: AuditEntry) -> str:
    return f"{entry.content_type.app_label}.{entry.content_type.model}"


ORGANISATIONS = register(
    SearchSource(
        label="organisations",
        model=Organisation,
        fields=(
            SearchField("name_fa", Weight.A),
            SearchField("name_en", Weight.A),
            SearchField("code", Weight.B),
        ),
        source=lambda organisation: str(organisation.kind),
    )
)

AUDIT = register(
    SearchSource(
        label="audit",
        model=AuditEntry,
        fields=(SearchField("object_label", Weight.A), SearchField("actor_label", Weight.C)),
        date_field="at",
        source=_object_type,
        visible_to=_may_read_audit_log,
        queryset=_audit_entries,
    )
)
