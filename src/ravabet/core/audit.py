"""The audit trail: every create, update and delete of an audited model, with who, when, from
where and the field-by-field diff.

Models opt in by subclassing :class:`AuditedModel`. Changes made through ``save()`` and
``delete()`` (cascades included) are recorded automatically; bulk ``update()``/``delete()`` on an
audited queryset are refused unless done through :func:`audited_update`, which records one entry
per row. Services name their intention with :func:`audit_action`
(``newsroom.release.approved``); otherwise the action is ``app.model.created|updated|deleted``.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from ravabet.core.context import current_actor
from ravabet.core.models.audit import AuditEntry
from ravabet.core.models.base import AuditBypassError, AuditedModel, AuditedQuerySet, bulk_allowed

_action: ContextVar[str | None] = ContextVar("ravabet_audit_action", default=None)
REDACTED = "••••"
__all__ = ["AuditBypassError", "AuditedModel", "AuditedQuerySet", "audit_action", "audited_update"]


@contextmanager
def audit_action(action: str) -> Iterator[None]:
    """Name the changes made inside the block, e.g. ``newsroom.release.approved``."""
    token = _action.set(action)
    try:
        yield
    finally:
        _action.reset(token)


def audited_update(
    queryset: models.QuerySet[Any], *, action: str | None = None, **values: Any
) -> int:
    """A bulk update that records one audit entry per changed row."""
    rows = list(queryset)
    token = bulk_allowed.set(True)
    try:
        count = queryset.model._default_manager.filter(pk__in=[r.pk for r in rows]).update(**values)
    finally:
        bulk_allowed.reset(token)
    for row in rows:
        before = snapshot(row)
        for field, value in values.items():
            setattr(row, field, value)
        row.refresh_from_db(fields=list(values))
        diff = _diff(before, snapshot(row))
        if diff:
            _record(row, action or _default_action(row, "updated"), diff)
    return count


def _default_action(instance: models.Model, verb: str) -> str:
    meta = instance._meta
    app = meta.app_label
    return f"{app}.{meta.model_name}.{verb}"


def _serialise(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited fields of ``instance`` as JSON-ready values."""
    exclude: frozenset[str] = getattr(instance, "audit_exclude", frozenset())
    redact: frozenset[str] = getattr(instance, "audit_redact", frozenset())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        raw = getattr(instance, field.attname)
        if field.name in redact:
            values[field.name] = REDACTED if raw else ""
        else:
            values[field.name] = _serialise(raw)
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name in after.keys() | before.keys():
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [old, new]
    if "password" in changes:
        # A new hash always differs; say only that the password changed.
        changes["password"] = [REDACTED, REDACTED]
    return changes


def _organisation_id(instance: models.Model) -> int | None:
    from ravabet.core.models import Organisation

    if isinstance(instance, Organisation):
        return instance.pk
    org_id = getattr(instance, "organisation_id", None)
    return org_id if isinstance(org_id, int) else None


def _record(instance: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    actor = current_actor()
    return AuditEntry.objects.create(
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_label=actor.label[:200],
        ip_address=actor.ip_address,
        action=_action.get() or action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_label=str(instance)[:300],
        organisation_id=_organisation_id(instance),
        changes=changes,
    )


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    previous = None
    if instance.pk is not None and not instance._state.adding:
        previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if created or before is None:
        _record(
            instance, _default_action(instance, "created"), {k: [None, v] for k, v in after.items()}
        )
        return
    diff = _diff(before, after)
    if diff:
        _record(instance, _default_action(instance, "updated"), diff)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _record(
        instance,
        _default_action(instance, "deleted"),
        {k: [v, None] for k, v in snapshot(instance).items()},
    )


_registered: set[type[models.Model]] = set()


def register(model: type[models.Model]) -> None:
    """Record every change of ``model``; called for each concrete audited model at start-up."""
    if model in _registered:
        return
    _registered.add(model)
    pre_save.connect(_before_save, sender=model, weak=False)
    post_save.connect(_after_save, sender=model, weak=False)
    post_delete.connect(_after_delete, sender=model, weak=False)


def register_all() -> None:
    from django.apps import apps

    from ravabet.core.models import User

    for model in apps.get_models():
        if issubclass(model, AuditedModel) or model is User:
            register(model)


def history_for(instance: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
    ).select_related("actor")
