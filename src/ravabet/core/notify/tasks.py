"""Background tasks of the notifier; thin and idempotent (a repeated run finds nothing to do)."""

from __future__ import annotations

from django_tasks import task

from ravabet.core.notify import outbox


@task()
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message if it is still due."""
    return outbox.deliver_message(message_id)


@task()
def dispatch_due_outbox() -> int:
    """Send everything due: retries, messages held for quiet hours, and ones whose worker died.
    Meant to run every minute as a schedule."""
    return outbox.dispatch_due_outbox()
