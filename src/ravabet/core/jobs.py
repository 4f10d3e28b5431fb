"""Background jobs: Django's tasks API with automatic retries, and the kernel's own jobs.

Declare a job with :func:`job` instead of ``django_tasks.task``::

    @job()
    def fetch_source(source_id: int) -> None: ...

    enqueue_on_commit(fetch_source, source.pk)

Rules every job keeps:

- **Ids only.** Arguments are primary keys and plain values, never model instances: they are
  stored as JSON and the row may have changed by the time the job runs.
- **Idempotent.** A job may run more than once: after a failure it is retried, and a job whose
  worker died (``kill -9``, power loss) is run again from the start. Running it twice must do
  no more than running it once (check state first, use idempotency keys, compare-and-set).
- **Finite.** A job that runs longer than ``JOB_STALE_AFTER`` is taken for lost and run again;
  split long work into several jobs.

A failed attempt stays visible (status FAILED, with its traceback) and the next attempt is a
new result enqueued with exponential backoff and jitter, up to ``JOB_MAX_ATTEMPTS`` attempts;
the attempt number travels in the job's keyword arguments as ``_attempt``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskContext,
    task,
    task_backends,
)
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task, TaskResult, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from ravabet.core.context import current_actor
from ravabet.core.models import AuditEntry, JobRetry

if TYPE_CHECKING:
    from ravabet.core.models import User

P = ParamSpec("P")
T = TypeVar("T")
logger = logging.getLogger(__name__)

ATTEMPT = "_attempt"
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)
# Each delay is stretched by up to this fraction, so jobs that failed together (a remote
# service down) do not all come back at the same second. Kept below 1 so delays still grow.
JITTER = 0.25
PRUNE_AFTER = timedelta(days=30)


class PermanentJobError(Exception):
    """Raised by a job for a failure no retry can mend (bad input, a refused request)."""


class WorkerLostError(Exception):
    """The worker running this job stopped (killed, or the machine went down) too many times."""


class JobError(Exception):
    """A job cannot be retried as asked; the message is shown to the administrator."""


def backoff_delay(
    attempt: int, *, base: timedelta = RETRY_BASE, cap: timedelta = RETRY_CAP
) -> timedelta:
    """How long to wait before the attempt after ``attempt`` (1-based): base·2^(attempt−1),
    capped, plus up to 25 % jitter."""
    delay: timedelta = min(cap, base * 2 ** (attempt - 1))
    return delay * (1 + random.uniform(0, JITTER))  # noqa: S311 (jitter, not a secret)


def max_attempts_of(task_object: Task[Any, Any]) -> int:
    """How many attempts a job gets: its own limit, else ``JOB_MAX_ATTEMPTS``."""
    limit = getattr(task_object.func, "job_max_attempts", None)
    return int(limit or settings.JOB_MAX_ATTEMPTS)


def job(
    *,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    max_attempts: int | None = None,
    retry_base: timedelta = RETRY_BASE,
    retry_cap: timedelta = RETRY_CAP,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Declare a background job (a ``django_tasks`` task) that is retried with backoff.

    On an exception the next attempt is enqueued to run after :func:`backoff_delay`, and the
    exception is re-raised so this attempt is recorded as failed with its traceback.
    :class:`PermanentJobError` is not retried.
    """

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        def run(context: TaskContext, *args: Any, **kwargs: Any) -> T:
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                return func(*args, **kwargs)
            except PermanentJobError:
                logger.warning("Job %s failed permanently", context.task_result.id)
                raise
            except Exception:
                _enqueue_next_attempt(context.task_result, attempt, retry_base, retry_cap)
                raise

        # The task is found again by its import path, so the wrapper takes the job's name.
        # No __wrapped__: django_tasks must see the wrapper's own (context, ...) signature.
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        run.job_max_attempts = max_attempts  # type: ignore[attr-defined]
        # Priorities order the database queue; a backend without them (RQ) runs jobs in order
        # of arrival, so the priority is dropped rather than refused there.
        ranked = priority if task_backends[backend].supports_priority else DEFAULT_TASK_PRIORITY
        created = task(priority=ranked, queue_name=queue_name, backend=backend, takes_context=True)(
            run
        )
        return cast("Task[P, T]", created)

    return decorate


def _enqueue_next_attempt(
    result: TaskResult[Any], attempt: int, base: timedelta, cap: timedelta
) -> None:
    limit = max_attempts_of(result.task)
    if attempt >= limit:
        logger.error("Job %s failed on attempt %d of %d; giving up", result.id, attempt, limit)
        return
    if not result.task.get_backend().supports_defer:
        logger.warning("Job %s failed; its backend cannot delay a retry", result.id)
        return
    run_after = timezone.now() + backoff_delay(attempt, base=base, cap=cap)
    kwargs = {**result.kwargs, ATTEMPT: attempt + 1}
    retry_id = _enqueue_follow_up(
        result.id, result.task.using(run_after=run_after), result.args, kwargs, run_after
    )
    if retry_id:
        logger.warning(
            "Job %s failed on attempt %d of %d; attempt %d is %s, not before %s",
            result.id,
            attempt,
            limit,
            attempt + 1,
            retry_id,
            run_after.isoformat(),
        )


def _enqueue_follow_up(
    failed_id: str,
    task_object: Task[Any, Any],
    args: list[Any],
    kwargs: dict[str, Any],
    run_after: datetime | None,
    *,
    by: User | None = None,
) -> str | None:
    """Enqueue the follow-up of a failed result once: the unique JobRetry row is the
    compare-and-set, and with the database backend the new job commits with it or not at all."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                follow_up = JobRetry.objects.create(
                    failed_result_id=failed_id,
                    attempt=int(kwargs.get(ATTEMPT, 1)),
                    run_after=run_after,
                    requested_by=by,
                    automatic=by is None,
                )
        except IntegrityError:
            return None
        enqueued = task_object.enqueue(*args, **kwargs)
        follow_up.retry_result_id = enqueued.id
        follow_up.save(update_fields=["retry_result_id"])
    return enqueued.id


def enqueue_on_commit(task_object: Task[P, Any], *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue a job that runs only if the current transaction commits.

    With the database backend the job row is written inside the transaction, so the change and
    its job commit together or not at all; other backends enqueue right after the commit.
    """
    if isinstance(task_object.get_backend(), DatabaseBackend):
        task_object.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task_object.enqueue(*args, **kwargs))


def uses_database_backend() -> bool:
    """Whether job results live in the database (and so can be listed, recovered, pruned)."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def recover_stale_jobs(*, now: datetime | None = None, stale_after: timedelta | None = None) -> int:
    """Give jobs left RUNNING by a worker that died back to the queue.

    A job running for longer than ``JOB_STALE_AFTER`` is taken for lost. Each recovery is a
    compare-and-set on the claim's start time, so two workers recovering at once move a job
    once. A job whose workers died ``JOB_MAX_ATTEMPTS`` times is failed instead of retried, so a
    job that kills its worker cannot stop the queue for good.
    """
    now = now or timezone.now()
    cutoff = now - (stale_after if stale_after is not None else settings.JOB_STALE_AFTER)
    limit = settings.JOB_MAX_ATTEMPTS
    recovered = 0
    stale = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    for pk, started_at, worker_ids in stale.values_list("pk", "started_at", "worker_ids"):
        claim = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= limit:
            moved = claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLostError.__module__}.{WorkerLostError.__name__}",
                traceback=(
                    f"WorkerLostError: the worker running this job stopped {len(worker_ids)} "
                    "times; it is not run again automatically.\n"
                ),
            )
            if moved:
                logger.error("Job %s lost its worker %d times; failed", pk, len(worker_ids))
        else:
            moved = claim.update(status=TaskResultStatus.READY)
            if moved:
                logger.warning("Job %s lost its worker; back in the queue", pk)
        recovered += moved
    return recovered


def retry_job(result_id: str, *, by: User) -> str:
    """Enqueue a failed job again with the same arguments, as a fresh series of attempts.

    Once per failed result: a second click, or a failure already followed by an automatic
    retry, raises :class:`JobError`.
    """
    row = DBTaskResult.objects.filter(pk=result_id).first()
    if row is None or row.status != TaskResultStatus.FAILED:
        raise JobError(_("Only a failed job can be retried."))
    try:
        task_object: Task[Any, Any] = import_string(row.task_path)
    except ImportError:
        raise JobError(_("This job no longer exists in the code.")) from None
    task_object = task_object.using(
        priority=row.priority, queue_name=row.queue_name, backend=row.backend_name
    )
    kwargs = {k: v for k, v in row.args_kwargs["kwargs"].items() if k != ATTEMPT}
    with transaction.atomic():
        retry_id = _enqueue_follow_up(
            str(row.pk), task_object, row.args_kwargs["args"], kwargs, None, by=by
        )
        if retry_id is None:
            raise JobError(_("This job has already been retried."))
        actor = current_actor()
        AuditEntry.objects.create(
            actor=by,
            actor_label=by.get_username(),
            ip_address=actor.ip_address,
            action="core.job.retried",
            content_type=ContentType.objects.get_for_model(DBTaskResult),
            object_id=str(row.pk),
            object_label=row.task_name[:300],
            changes={"retry": [None, retry_id]},
        )
    return retry_id


@job()
def prune_finished_jobs() -> int:
    """Delete successful job results finished more than 30 days ago. Failures stay until
    someone has looked at them."""
    if not uses_database_backend():
        return 0  # Redis expires results by itself.
    cutoff = timezone.now() - PRUNE_AFTER
    old = DBTaskResult.objects.successful().filter(finished_at__lt=cutoff)
    deleted, _by_model = old.delete()
    if deleted:
        logger.info("Pruned %d finished job results", deleted)
    return deleted
