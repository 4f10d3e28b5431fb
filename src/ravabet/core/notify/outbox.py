"""Delivering the outbox: claim a message by compare-and-set, send it on its channel, record
the outcome; retry temporary failures with exponential backoff.

Delivery is at least once. A worker killed after the provider accepted a message but before
the row says SENT leaves it in SENDING; after :data:`STALE_AFTER` another worker reclaims and
sends it again. SMS (``localid``) and e-mail (a stable Message-ID) carry the idempotency key so
the copy can be dropped downstream; Bale has no such key and may show the message twice.
Losing an official alert is worse than a duplicate. A SENT message is never sent again.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from ravabet.core.models import OutboxMessage, OutboxStatus
from ravabet.core.notify.channels import CHANNELS, PermanentFailure, TemporaryFailure

logger = logging.getLogger(__name__)

# Longer than any send can take (10 s HTTP, 20 s SMTP), so only a dead worker's claim expires.
STALE_AFTER = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# The dispatcher runs every minute; it stops taking new messages after this many seconds so
# runs do not pile up behind a slow gateway (an overlap would still be safe: claims are CAS).
DISPATCH_BUDGET_SECONDS = 50.0
DISPATCH_BATCH = 500

SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… minutes, at most 6 h."""
    # The exponent is capped so a large OUTBOX_MAX_ATTEMPTS cannot overflow timedelta.
    wait: timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 20))
    return min(wait, LONGEST_RETRY)


def due(now: datetime) -> Q:
    """Messages a worker may claim at ``now``: waiting and due, or stuck in SENDING because
    their worker died (with attempts left)."""
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING,
        claimed_at__lt=now - STALE_AFTER,
        attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
    )


def claim(message_id: int, *, now: datetime) -> bool:
    """Take ``message_id`` for sending; of two workers trying at once, exactly one wins."""
    return bool(
        OutboxMessage.objects.filter(due(now), pk=message_id).update(
            status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def deliver_message(message_id: int) -> str:
    """Claim, send and record one message; returns sent, retry, failed or skipped (someone
    else has it, it is not due, or it is already sent)."""
    now = timezone.now()
    if not claim(message_id, now=now):
        return SKIPPED
    message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
    try:
        if not message.recipient.is_active:
            raise PermanentFailure("The recipient's account is disabled.")
        provider_id = CHANNELS[message.channel].send(message)
    except PermanentFailure as exc:
        _finish(message, status=OutboxStatus.FAILED, error=str(exc))
        return FAILED
    except TemporaryFailure as exc:
        return _retry_or_fail(message, error=str(exc), retry_after=exc.retry_after)
    except Exception as exc:
        # A bug in a channel must not lose the message: retry it like a network error.
        logger.exception("Sending outbox message %s failed unexpectedly", message_id)
        return _retry_or_fail(message, error=f"Unexpected error: {type(exc).__name__}")
    # Whoever holds the claim now, the message has gone: record it so nobody sends it again.
    OutboxMessage.objects.filter(pk=message_id).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        provider_message_id=provider_id[:100],
        last_error="",
    )
    return SENT


def _finish(message: OutboxMessage, *, status: str, error: str, **values: object) -> None:
    # Only while our claim holds: a worker that reclaimed the message owns its outcome now.
    OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, claimed_at=message.claimed_at
    ).update(status=status, last_error=error[:2000], **values)


def _retry_or_fail(message: OutboxMessage, *, error: str, retry_after: float | None = None) -> str:
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _finish(message, status=OutboxStatus.FAILED, error=error)
        return FAILED
    wait = backoff(message.attempts)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=min(retry_after, LONGEST_RETRY.total_seconds())))
    _finish(
        message, status=OutboxStatus.PENDING, error=error, next_attempt_at=timezone.now() + wait
    )
    return RETRY


def give_up_on_dead_claims(now: datetime) -> int:
    """Messages whose worker died on their last allowed attempt: failed, delivery unknown."""
    return OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING,
        claimed_at__lt=now - STALE_AFTER,
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
    ).update(
        status=OutboxStatus.FAILED,
        last_error="The worker stopped while sending; delivery is unknown.",
    )


def dispatch_due_outbox(*, limit: int = DISPATCH_BATCH) -> int:
    """Send every due message, urgent first; returns how many were sent. A channel whose
    gateway fails temporarily is left alone for the rest of the run."""
    now = timezone.now()
    give_up_on_dead_claims(now)
    due_ids = list(
        OutboxMessage.objects.filter(due(now))
        .order_by("-urgent", "next_attempt_at", "pk")
        .values_list("pk", "channel")[:limit]
    )
    deadline = time.monotonic() + DISPATCH_BUDGET_SECONDS
    failing: set[str] = set()
    sent = 0
    for message_id, channel in due_ids:
        if time.monotonic() > deadline:
            break
        if channel in failing:
            continue
        outcome = deliver_message(message_id)
        if outcome == SENT:
            sent += 1
        elif outcome == RETRY:
            failing.add(channel)
    return sent
