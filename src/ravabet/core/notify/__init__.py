"""The notifier: the one function later modules call to tell people something.

``notify()`` writes, inside the caller's transaction, the in-app notification and one outbox
message per outside channel each recipient wants; the worker sends those after commit. Keys
make it idempotent, so a retried job or a double click notifies once.

An urgent alert with escalation, for example, is two calls::

    notify([governor], kind="monitoring.alert", title=…, url=…, key=f"alert.{item.pk}",
           urgent=True, channels=[Channel.BALE])
    # later, if the governor has not acknowledged it:
    notify([governor], kind="monitoring.alert", title=…, url=…, key=f"alert.{item.pk}.sms",
           urgent=True, channels=[Channel.SMS])

``urgent`` puts a message first in the queue; only ``bypass_quiet_hours`` sends it during the
person's quiet hours, so an urgent but not critical alert still waits for the morning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from ravabet.core.models import Channel, Notification, OutboxMessage, OutboxStatus, User
from ravabet.core.notify import preferences

logger = logging.getLogger(__name__)

MAX_KEY_LENGTH = 150  # leaves room for ":{user id}:{channel}" in the 200-character column
__all__ = ["Channel", "notify"]


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    key: str,
    urgent: bool = False,
    bypass_quiet_hours: bool = False,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Notify ``recipients`` and return their in-app notifications.

    ``kind`` names what happened (``councils.resolution_overdue``) and selects each person's
    channel preference; ``title`` and ``body`` may be lazy translations, rendered in each
    recipient's language; ``url`` is a path on this site; ``key`` identifies the event, so a
    second call with the same key creates nothing. ``urgent`` goes first (in the queue and
    under the bell); ``bypass_quiet_hours`` sends at once even during the person's quiet hours,
    which otherwise hold outside messages until they end; ``channels`` replaces the
    preferences with these outside channels (in-app is always written). A channel is skipped
    for a person with no address on it. Disabled accounts are not notified.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"notify() needs a key of 1 to {MAX_KEY_LENGTH} characters")
    if url and (not url.startswith("/") or url.startswith(("//", "/\\"))):
        raise ValueError("notify() links must be paths on this site, such as /councils/12/")
    people = list({u.pk: u for u in recipients if u.pk is not None and u.is_active}.values())
    if not people:
        return []
    now = timezone.now()
    forced = None if channels is None else _outside_channels(channels)
    with transaction.atomic():
        notifications = _write_notifications(
            people, kind=kind, title=title, body=body, url=url, key=key, urgent=urgent
        )
        # Quiet hours apply to forced channels too, so the plan is read in either case.
        plans = preferences.plans_for(people, kind)
        rows: list[OutboxMessage] = []
        for person in people:
            plan = plans.get(person.pk, preferences.Plan())
            wanted = forced if forced is not None else plan.channels
            held = (
                None
                if bypass_quiet_hours
                else preferences.quiet_until(now, plan.quiet_start, plan.quiet_end)
            )
            note = notifications[person.pk]
            for channel in wanted:
                address = preferences.address_for(person, channel)
                if not address:
                    continue
                rows.append(
                    OutboxMessage(
                        channel=channel,
                        recipient=person,
                        notification=note,
                        address=address,
                        kind=kind,
                        subject=note.title,
                        body=note.body,
                        url=url,
                        urgent=urgent,
                        idempotency_key=f"{key}:{person.pk}:{channel}",
                        next_attempt_at=held or now,
                    )
                )
        new_ids = _write_outbox(rows)
        if new_ids:
            due_now = [pk for pk, at in new_ids if at <= now]
            if due_now:
                transaction.on_commit(lambda: _enqueue(due_now, urgent=urgent), robust=True)
    return [notifications[p.pk] for p in people]


def _outside_channels(channels: Iterable[str]) -> tuple[str, ...]:
    chosen = set(channels)
    unknown = chosen - set(Channel.values)
    if unknown:
        raise ValueError(f"notify() got unknown channels: {sorted(unknown)}")
    return tuple(c for c in preferences.OUTSIDE_CHANNELS if c in chosen)


def _single_line(text: str) -> str:
    # A title becomes an e-mail subject: a line break there is header injection.
    return " ".join(text.split())


def _write_notifications(
    people: list[User],
    *,
    kind: str,
    title: str | Promise,
    body: str | Promise,
    url: str,
    key: str,
    urgent: bool,
) -> dict[int, Notification]:
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    for person in people:
        language = person.language or "fa"
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (_single_line(str(title))[:300], str(body))
        title_text, body_text = rendered[language]
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                title=title_text,
                body=body_text,
                url=url,
                urgent=urgent,
                idempotency_key=f"{key}:{person.pk}:{Channel.IN_APP}",
            )
        )
    # ON CONFLICT DO NOTHING on both SQLite and PostgreSQL: a repeated key is not an error.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    stored = Notification.objects.filter(idempotency_key__in=[r.idempotency_key for r in rows])
    return {n.recipient_id: n for n in stored}


def _write_outbox(rows: list[OutboxMessage]) -> list[tuple[int, datetime]]:
    """Insert the rows not there yet; the ids and due times of the ones this call added."""
    if not rows:
        return []
    keys = [r.idempotency_key for r in rows]
    existing = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    fresh = [r for r in rows if r.idempotency_key not in existing]
    if not fresh:
        return []
    OutboxMessage.objects.bulk_create(fresh, ignore_conflicts=True)
    return list(
        OutboxMessage.objects.filter(
            idempotency_key__in=[r.idempotency_key for r in fresh],
            status=OutboxStatus.PENDING,
            attempts=0,
        ).values_list("pk", "next_attempt_at")
    )


def _enqueue(message_ids: list[int], *, urgent: bool) -> None:
    from ravabet.core.notify.tasks import send_outbox_message

    task = send_outbox_message
    if urgent and task.get_backend().supports_priority:
        task = task.using(priority=50)
    for message_id in message_ids:
        # The dispatcher sends whatever is left if enqueueing fails half-way.
        task.enqueue(message_id)
