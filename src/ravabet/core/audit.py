"""The audit trail: every create, update and delete of an audited model, with who, when, from
where and the field-by-field diff.

Models opt in by subclassing :class:`AuditedModel`. Changes made through ``save()`` and
``delete()`` (a queryset's ``delete()`` and cascades included: Django deletes row by row when
signals listen) are recorded automatically; a bulk ``update()`` on an audited queryset is refused
unless done through :func:`audited_update`, which records one entry per row. Services name their
intention with :func:`audit_action` (``newsroom.release.approved``); otherwise the action is
``app.model.created|updated|deleted``. :func:`present_history` turns entries into readable lines.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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
    """A bulk update that records one audit entry per changed row; returns the rows updated."""
    with transaction.atomic():
        rows = list(queryset)
        token = bulk_allowed.set(True)
        try:
            count: int = queryset.model._default_manager.filter(pk__in=[r.pk for r in rows]).update(
                **values
            )
        finally:
            bulk_allowed.reset(token)
        for row in rows:
            before = snapshot(row)
            row.refresh_from_db(fields=list(values))
            diff = _diff(before, snapshot(row))
            if diff:
                _record(row, _default_action(row, "updated"), diff, explicit=action)
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
    if isinstance(value, FieldFile):
        return value.name or ""  # the stored file's name; its bytes stay out of the trail
    return value


@dataclass(frozen=True)
class _Secret:
    """A redacted field's value, kept only to tell whether it changed; never stored."""

    value: Any


def _public(value: Any) -> Any:
    if isinstance(value, _Secret):
        return REDACTED if value.value else ""
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The audited fields of ``instance``: JSON-ready values, redacted fields wrapped so that
    a change can be detected but the value never leaves this module."""
    exclude: frozenset[str] = getattr(instance, "audit_exclude", frozenset())
    redact: frozenset[str] = getattr(instance, "audit_redact", frozenset())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        raw = getattr(instance, field.attname)
        values[field.name] = _Secret(raw) if field.name in redact else _serialise(raw)
    return values


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The changed fields as ``[old, new]``; a redacted field says only that it changed."""
    changes: dict[str, list[Any]] = {}
    for name in after.keys() | before.keys():
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [_public(old), _public(new)]
    return changes


def _values(values: dict[str, Any], *, created: bool) -> dict[str, list[Any]]:
    """All fields of a created (``[None, value]``) or deleted (``[value, None]``) object."""
    if created:
        return {k: [None, _public(v)] for k, v in values.items()}
    return {k: [_public(v), None] for k, v in values.items()}


def _organisation_id(instance: models.Model) -> int | None:
    from ravabet.core.models import Organisation

    if isinstance(instance, Organisation):
        return instance.pk
    org_id = getattr(instance, "organisation_id", None)
    return org_id if isinstance(org_id, int) else None


def _record(
    instance: models.Model, action: str, changes: dict[str, Any], *, explicit: str | None = None
) -> AuditEntry:
    actor = current_actor()
    return AuditEntry.objects.create(
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_label=actor.label[:200],
        ip_address=actor.ip_address,
        action=explicit or _action.get() or action,
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
        _record(instance, _default_action(instance, "created"), _values(after, created=True))
        return
    diff = _diff(before, after)
    if diff:
        _record(instance, _default_action(instance, "updated"), diff)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _record(
        instance,
        _default_action(instance, "deleted"),
        _values(snapshot(instance), created=False),
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


def unregister(model: type[models.Model]) -> None:
    """Stop recording ``model`` (for tests that audit a model for a while)."""
    _registered.discard(model)
    pre_save.disconnect(_before_save, sender=model)
    post_save.disconnect(_after_save, sender=model)
    post_delete.disconnect(_after_delete, sender=model)


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


# --- Reading the trail ---------------------------------------------------------------------

GENERIC_VERBS = ("created", "updated", "deleted")
_VALUE_MAX = 200


@dataclass(frozen=True)
class ChangeLine:
    """One field of one entry, ready to show: its label and the old and new values as text."""

    label: str
    old: str
    new: str
    redacted: bool = False


@dataclass(frozen=True)
class HistoryRow:
    """An audit entry in readable form: the generic verb (``created``, ``updated``,
    ``deleted``, or ``""`` for a named action such as ``core.user.disabled``) and its lines."""

    entry: AuditEntry
    verb: str
    lines: list[ChangeLine] = dataclass_field(default_factory=list)


def _model_of(entry: AuditEntry) -> type[models.Model] | None:
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _related_labels(
    rows: list[tuple[AuditEntry, type[models.Model] | None]], viewer: Any
) -> dict[tuple[type[models.Model], str], str]:
    """Labels of the objects the entries' foreign keys point to, one query per related model,
    limited to what ``viewer`` may see (an unseen object stays a bare id)."""
    from ravabet.core.scoping import scope

    wanted: dict[type[models.Model], set[str]] = {}
    for entry, model in rows:
        for name, change in entry.changes.items():
            fk = _field(model, name)
            if fk is None or not fk.many_to_one or fk.related_model is None:
                continue
            related = fk.related_model
            if not isinstance(related, type):
                continue
            for value in change:
                if value not in (None, "", REDACTED):
                    wanted.setdefault(related, set()).add(str(value))
    labels: dict[tuple[type[models.Model], str], str] = {}
    for related, ids in wanted.items():
        queryset: models.QuerySet[Any] = related._base_manager.filter(pk__in=ids)
        try:
            queryset = scope(queryset, viewer)
            objects = list(queryset)
        except FieldError:
            # A model with no organisation (a role group, an object type) is not scoped.
            objects = list(related._base_manager.filter(pk__in=ids))
        for obj in objects:
            labels[related, str(obj.pk)] = str(obj)
    return labels


def _shown(
    value: Any,
    model_field: models.Field[Any, Any] | None,
    labels: dict[tuple[type[models.Model], str], str],
) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or isinstance(model_field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if model_field is not None:
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if model_field.many_to_one and isinstance(model_field.related_model, type):
            return labels.get((model_field.related_model, str(value)), f"#{value}")
        if isinstance(model_field, models.DateField) and isinstance(value, str):
            return _shown_date(value, with_time=isinstance(model_field, models.DateTimeField))
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 1] + "…"


def _shown_date(value: str, *, with_time: bool) -> str:
    """An ISO date or date-time from the trail as a Jalali date (Tehran time)."""
    from ravabet.lib import jalali

    try:
        if with_time:
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_naive(moment):
                return value
            return jalali.format_datetime(moment, persian=_persian())
        return jalali.format_date(datetime.date.fromisoformat(value), persian=_persian())
    except ValueError:
        return value


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def present_history(entries: Iterable[AuditEntry], *, viewer: Any) -> list[HistoryRow]:
    """Entries as rows a person can read: field labels instead of attribute names, related
    objects by name, yes/no for booleans, choice labels and Jalali dates."""
    rows = [(entry, _model_of(entry)) for entry in entries]
    labels = _related_labels(rows, viewer)
    presented: list[HistoryRow] = []
    for entry, model in rows:
        last = entry.action.rsplit(".", 1)[-1]
        verb = (
            last if last in GENERIC_VERBS and entry.action == _generic_action(model, last) else ""
        )
        lines: list[ChangeLine] = []
        for name, change in entry.changes.items():
            model_field = _field(model, name)
            if model_field is not None and model_field.primary_key:
                continue  # the id says nothing a person needs
            label = capfirst(str(model_field.verbose_name)) if model_field else name
            old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
            if REDACTED in (old, new):
                if verb == "updated" or not verb:
                    lines.append(ChangeLine(label, "", str(_("changed")), redacted=True))
                continue
            if (verb == "created" and new in (None, "")) or (
                verb == "deleted" and old in (None, "")
            ):
                continue
            lines.append(
                ChangeLine(
                    label, _shown(old, model_field, labels), _shown(new, model_field, labels)
                )
            )
        presented.append(HistoryRow(entry=entry, verb=verb, lines=lines))
    return presented


def _generic_action(model: type[models.Model] | None, verb: str) -> str:
    if model is None:
        return ""
    return f"{model._meta.app_label}.{model._meta.model_name}.{verb}"
