"""The kernel's own searchable records: organisation names and the audit trail's object labels."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import AuditEntry, Organisation, OrganisationKind, User
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


def _kind_label(kind: str) -> str:
    try:
        return str(OrganisationKind(kind).label)
    except ValueError:
        return kind


def _object_type_label(object_type: str) -> str:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return str(capfirst(model._meta.verbose_name))


def _organisation_url(organisation: Organisation) -> str:
    return reverse("core:organisation_detail", args=[organisation.pk])


def _audit_entry_url(entry: AuditEntry) -> str:
    query = urlencode({"object_type": _object_type(entry), "action": entry.action})
    return f"{reverse('core:audit_log')}?{query}"


ORGANISATIONS = register(
    SearchSource(
        label="organisations",
        title=_("Organisations"),
        url=_organisation_url,
        model=Organisation,
        fields=(
            SearchField("name_fa", Weight.A),
            SearchField("name_en", Weight.A),
            SearchField("code", Weight.B),
        ),
        source=lambda organisation: str(organisation.kind),
        source_label=_kind_label,
    )
)

AUDIT = register(
    SearchSource(
        label="audit",
        title=_("Audit log"),
        url=_audit_entry_url,
        model=AuditEntry,
        # An entry only mentions its object: the object itself ranks above its history.
        fields=(SearchField("object_label", Weight.C), SearchField("actor_label", Weight.C)),
        date_field="at",
        source=_object_type,
        source_label=_object_type_label,
        visible_to=_may_read_audit_log,
        queryset=_audit_entries,
    )
)
