"""Recurring schedules: a job enqueued every N seconds, or daily at a Tehran wall-clock time.

Every worker runs :func:`run_due_schedules` every few seconds. A due schedule is claimed by
moving its ``next_run_at`` forward with a compare-and-set update, so however many workers run
at once, each run is enqueued once; after downtime a missed run is enqueued once, not once per
missed period.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from ravabet.core.models import Schedule

logger = logging.getLogger(__name__)
TEHRAN = ZoneInfo("Asia/Tehran")


def next_daily_run(daily_at: time, *, after: datetime) -> datetime:
    """The first moment strictly after ``after`` when Tehran's clocks show ``daily_at``."""
    local = after.astimezone(TEHRAN)
    day = local.date()
    while True:
        candidate = datetime.combine(day, daily_at, tzinfo=TEHRAN)
        if candidate > after:
            return candidate.astimezone(UTC)
        day += timedelta(days=1)


def next_interval_run(previous: datetime, every: timedelta, *, after: datetime) -> datetime:
    """The next run of an interval schedule after ``after``, keeping its rhythm: the first
    ``previous + k·every`` later than ``after`` (one run, however many periods were missed)."""
    if previous > after:
        return previous
    missed = (after - previous) // every
    return previous + (missed + 1) * every


def next_run(schedule: Schedule, *, after: datetime) -> datetime:
    if schedule.interval_seconds:
        every = timedelta(seconds=schedule.interval_seconds)
        return next_interval_run(schedule.next_run_at, every, after=after)
    assert schedule.daily_at is not None  # the model's check constraint
    return next_daily_run(schedule.daily_at, after=after)


def register_schedule(
    name: str,
    task: Task[Any, Any],
    *,
    every: timedelta | None = None,
    daily_at: time | None = None,
    now: datetime | None = None,
) -> Schedule:
    """Create or update the schedule ``name``; safe to call at every start of every worker.

    An unchanged schedule keeps its next run; a changed timing starts again from ``now`` (an
    interval schedule runs at once, a daily one at its next time). Whether it is enabled is
    left to the administrator.
    """
    if (every is None) == (daily_at is None):
        raise ValueError("A schedule runs either every so often or daily at a time")
    if every is not None and every < timedelta(seconds=1):
        raise ValueError("A schedule cannot run more often than every second")
    now = now or timezone.now()
    interval = int(every.total_seconds()) if every is not None else None
    first = now if daily_at is None else next_daily_run(daily_at, after=now)
    wanted = {"task_path": task.module_path, "interval_seconds": interval, "daily_at": daily_at}
    with transaction.atomic():
        schedule = Schedule.objects.select_for_update().filter(name=name).first()
        if schedule is None:
            try:
                with transaction.atomic():
                    return Schedule.objects.create(name=name, next_run_at=first, **wanted)
            except IntegrityError:  # another worker registered it a moment ago
                schedule = Schedule.objects.select_for_update().get(name=name)
        changed = [field for field, value in wanted.items() if getattr(schedule, field) != value]
        if changed:
            for field in changed:
                setattr(schedule, field, wanted[field])
            if set(changed) - {"task_path"}:
                schedule.next_run_at = first
                changed.append("next_run_at")
            schedule.save(update_fields=changed)
    return schedule


def run_due_schedules(now: datetime | None = None) -> list[str]:
    """Enqueue every enabled schedule that is due; return the names enqueued by this call."""
    now = now or timezone.now()
    enqueued = []
    due = Schedule.objects.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at")
    for schedule in due:
        if enqueue_if_due(schedule, now=now):
            enqueued.append(schedule.name)
    return enqueued


def enqueue_if_due(schedule: Schedule, *, now: datetime) -> bool:
    """Claim this run of ``schedule`` and enqueue its job, unless another worker already has.

    ``schedule`` is what this worker read; the update only matches while ``next_run_at`` is
    still that value. With the database backend the job is written in the same transaction as
    the claim, so a run is never both claimed and lost.
    """
    following = next_run(schedule, after=now)
    try:
        task: Task[Any, Any] | None = import_string(schedule.task_path)
    except ImportError:
        task = None
    with transaction.atomic():
        claimed = Schedule.objects.filter(
            pk=schedule.pk, enabled=True, next_run_at=schedule.next_run_at
        ).update(next_run_at=following, last_enqueued_at=now)
        if not claimed:
            return False
        if not isinstance(task, Task):
            # Moved forward all the same, so a schedule left behind by removed code does not
            # fill the log every few seconds.
            logger.error("Schedule %s names no task: %s", schedule.name, schedule.task_path)
            return False
        result = task.enqueue()
        Schedule.objects.filter(pk=schedule.pk).update(last_result_id=result.id)
    logger.info("Schedule %s enqueued job %s", schedule.name, result.id)
    return True


def register_kernel_schedules() -> None:
    """The kernel's own recurring jobs; the worker registers them when it starts."""
    from ravabet.core.jobs import prune_finished_jobs
    from ravabet.core.notify.tasks import dispatch_due_outbox
    from ravabet.core.search.indexing import flush_search_backlog

    register_schedule("prune-finished-jobs", prune_finished_jobs, daily_at=time(3, 30))
    # Each backlog write enqueues a flush; this one catches what a lost worker left behind.
    register_schedule("flush-search-backlog", flush_search_backlog, every=timedelta(minutes=1))
    # Sends what notify() held back (quiet hours) and what waits for a retry.
    register_schedule("dispatch-outbox", dispatch_due_outbox, every=timedelta(minutes=1))


def register_all_schedules() -> None:
    """The kernel's schedules, then each app's: an app declares its recurring jobs in a
    ``register_schedules()`` function in its ``tasks`` module, which the worker calls at start."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    register_kernel_schedules()
    for config in apps.get_app_configs():
        if not config.name.startswith("ravabet.") or config.name == "ravabet.core":
            continue
        module_name = f"{config.name}.tasks"
        if find_spec(module_name) is None:
            continue
        register = getattr(import_module(module_name), "register_schedules", None)
        if callable(register):
            register()
