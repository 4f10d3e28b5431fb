"""The base of audited models; the recording itself lives in :mod:`ravabet.core.audit`."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from django.db import models

M = TypeVar("M", bound="AuditedModel")
bulk_allowed: ContextVar[bool] = ContextVar("ravabet_audit_bulk", default=False)


class AuditBypassError(RuntimeError):
    """A bulk write on an audited model was attempted behind the audit trail's back."""


class AuditedQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        if not bulk_allowed.get():
            raise AuditBypassError(
                f"{self.model.__name__}: use ravabet.core.audit.audited_update() for bulk updates"
            )
        return super().update(**kwargs)


class AuditedModel(models.Model):
    """Base for models whose every change is recorded in the audit trail."""

    audit_exclude: ClassVar[frozenset[str]] = frozenset()
    audit_redact: ClassVar[frozenset[str]] = frozenset({"password"})

    objects = AuditedQuerySet.as_manager()

    class Meta:
        abstract = True
