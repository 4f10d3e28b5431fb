"""Background jobs of media monitoring; thin, ids only, idempotent."""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings

from ravabet.core.jobs import job
from ravabet.core.scheduler import register_schedule
from ravabet.monitoring.models import Source
from ravabet.monitoring.services import alerts, ingest, polling

DISPATCH_EVERY = timedelta(seconds=10)
ESCALATE_EVERY = timedelta(seconds=30)
# An urgent item is only as fast as the poll that finds it: polls and their dispatch go before
# routine jobs (search indexing, digests), escalations before polls. Urgent outbox messages
# (priority 50) go first of all.
POLL_PRIORITY = 20
DISPATCH_PRIORITY = 30
ESCALATE_PRIORITY = 40


@job(max_attempts=1, priority=POLL_PRIORITY)
def poll_source(source_id: int) -> str:
    """Poll one claimed source (a lost claim expires and the source is dispatched again)."""
    source = Source.objects.select_related("state").filter(pk=source_id).first()
    if source is None or not source.is_active:
        return "gone"
    return str(polling.poll_source(source).outcome)


@job(max_attempts=1, priority=DISPATCH_PRIORITY)
def dispatch_due_polls() -> int:
    """Claim every due source and enqueue its poll; runs every few seconds."""
    dispatched = 0
    for source_id in polling.due_source_ids():
        if polling.claim(source_id):
            poll_source.enqueue(source_id)
            dispatched += 1
    return dispatched


@job(max_attempts=1, priority=ESCALATE_PRIORITY)
def escalate_alerts() -> int:
    """Send unacknowledged alerts past their time to each person's fallback channel; every
    receipt is claimed by compare-and-set, so overlapping runs escalate it once."""
    return alerts.escalate_due_alerts()


@job()
def deliver_digest() -> str:
    """At the delivery time: send today's approved digest, or tell the director it is late.
    Sending is claimed by compare-and-set, so a retry or a second worker sends it once."""
    from ravabet.monitoring.services.digest import deliver_due

    return deliver_due()


@job()
def prune_story_bands() -> int:
    """Nightly: drop the band rows of items past the copy-finding horizon (idempotent)."""
    return ingest.prune_bands()


def register_schedules() -> None:
    register_schedule(
        "monitoring-deliver-digest", deliver_digest, daily_at=settings.MONITORING_DIGEST_TIME
    )
    register_schedule("monitoring-dispatch-polls", dispatch_due_polls, every=DISPATCH_EVERY)
    register_schedule("monitoring-escalate-alerts", escalate_alerts, every=ESCALATE_EVERY)
    register_schedule("monitoring-prune-story-bands", prune_story_bands, daily_at=time(3, 45))
