"""Analysts' judgements of stories: one change at a time from the triage queue (tone,
relevance, topic, priority, note, digest, response needed, keep or dismiss), each audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ravabet.core.audit import audit_action
from ravabet.core.models import User
from ravabet.monitoring.models import Story, Triage, TriageStatus
from ravabet.monitoring.services import alerts

EDITABLE = ("relevance", "tone", "topic", "priority", "note", "in_digest", "response", "status")


class TriageError(ValueError):
    """A triage change that cannot be made; the message is for the person."""


def update_triage(story: Story, *, by: User, **changes: Any) -> Triage:
    """Apply ``changes`` to the story's triage. Any judgement but a dismissal keeps the story
    (it leaves the queue of new stories); adding to the digest undoes a dismissal."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TriageError(_("These fields cannot be changed here."))
    with transaction.atomic(), audit_action("monitoring.triage.updated"):
        triage, _created = Triage.objects.select_for_update().get_or_create(story=story)
        for name, value in changes.items():
            setattr(triage, name, value)
        if "status" not in changes and triage.status == TriageStatus.NEW:
            triage.status = TriageStatus.KEPT
        if changes.get("in_digest"):
            triage.status = TriageStatus.KEPT
        triage.triaged_by = by
        triage.triaged_at = timezone.now()
        triage.save()
    return triage


def mark_urgent(story: Story, *, by: User, critical: bool = False) -> bool:
    """An analyst sends ``story`` as an urgent alert; False if it was alerted already."""
    with transaction.atomic(), audit_action("monitoring.triage.marked_urgent"):
        update_triage(story, by=by, priority="critical" if critical else "high")
        alert = alerts.raise_alert(story, by=by, critical=critical)
    return alert is not None
