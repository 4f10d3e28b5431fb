"""``ravabet worker``: run background jobs, enqueue recurring schedules, and give the jobs of
workers that died back to the queue.

With the database backend (the default) this is django-tasks-db's own worker loop, drained in
rounds so the scheduler and the stale-job recovery run between them; many workers may run at
once. With ``RAVABET_TASK_BACKEND=redis`` it is an RQ worker with the scheduler in a thread.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import sys
import threading
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ravabet.core.jobs import recover_stale_jobs
from ravabet.core.scheduler import register_all_schedules, run_due_schedules

logger = logging.getLogger("ravabet.core.worker")

# Seconds between runs of the scheduler and the stale-job recovery.
MAINTENANCE_EVERY = 5.0
# Jobs run before the worker looks at the schedules again, even while the queue stays full.
ROUND = 25


class WorkerStoppedError(BaseException):
    """Raised into a running job when the worker is told to stop a second time. A
    BaseException, so neither the job nor its retry wrapper mistakes it for a failure."""


def maintain(*, recover: bool = True) -> None:
    """One pass of the housekeeping every worker does; an error here must not stop the jobs."""
    close_old_connections()
    steps = (recover_stale_jobs, run_due_schedules) if recover else (run_due_schedules,)
    for step in steps:
        try:
            step()
        except Exception:
            logger.exception("Worker housekeeping failed: %s", step.__name__)


class JobWorker(Worker):
    """django-tasks-db's worker, run in rounds with housekeeping between them; on a second
    stop signal it hands the running job back to the queue instead of failing it."""

    def __init__(self, *, queue_names: list[str], interval: float, worker_id: str, once: bool):
        super().__init__(
            queue_names=queue_names,
            interval=interval,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=ROUND,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.once = once
        self.releasing = False

    def serve(self) -> None:
        self.configure_signals()
        if not self.once:
            time.sleep(random.random())  # noqa: S311 (workers started together spread out)
        due = 0.0
        while self.running:
            if time.monotonic() >= due:
                maintain()
                due = time.monotonic() + MAINTENANCE_EVERY
            self._run_tasks = 0
            self.run()  # returns when the queue is empty or after ROUND jobs
            if not self.running:
                break
            if self._run_tasks < ROUND:
                if self.once:
                    return
                time.sleep(self.interval)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running and self.running_task:
            self.releasing = True
            raise WorkerStoppedError
        super().shutdown(signum, frame)

    def run_task(self, db_task_result: Any) -> None:
        super().run_task(db_task_result)
        if self.releasing:
            released = DBTaskResult.objects.filter(
                pk=db_task_result.pk,
                status=TaskResultStatus.FAILED,
                exception_class_path__endswith=WorkerStoppedError.__name__,
            ).update(
                status=TaskResultStatus.READY,
                finished_at=None,
                exception_class_path="",
                traceback="",
            )
            if released:
                logger.warning("Stopped; job %s is back in the queue", db_task_result.pk)
            sys.exit(1)


def _schedule_loop() -> None:
    while True:
        time.sleep(MAINTENANCE_EVERY)
        maintain(recover=False)


def serve_rq(*, queue_names: list[str], once: bool) -> None:
    """An RQ worker (with RQ's scheduler for delayed retries) and our schedules in a thread."""
    import django_rq
    from django_rq.utils import reset_db_connections

    maintain(recover=False)
    if not once:
        threading.Thread(target=_schedule_loop, name="ravabet-schedules", daemon=True).start()
    # RQ forks a child per job: it must not inherit this thread's database connection.
    reset_db_connections()
    worker = django_rq.get_worker(*queue_names, job_class="django_tasks_rq.Job")
    worker.work(burst=once, with_scheduler=True)


def default_worker_id() -> str:
    """Host, process and a random tail: unique across the pool, and readable on the jobs page."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"[:64]


class Command(BaseCommand):
    help = "Run the background worker: jobs, recurring schedules, recovery of lost jobs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--once",
            "--batch",
            action="store_true",
            dest="once",
            help="Enqueue due schedules, run every job that is ready, then exit.",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--queue-name",
            default=DEFAULT_TASK_QUEUE_NAME,
            help="Queues to serve, separated by commas; '*' for all (database backend).",
        )
        parser.add_argument("--worker-id", default="", help="Unique id (default: generated).")

    def handle(
        self,
        *args: Any,
        once: bool,
        interval: float,
        queue_name: str,
        worker_id: str,
        verbosity: int,
        **options: Any,
    ) -> None:
        if interval < 0:
            raise CommandError("--interval cannot be negative")
        if settings.TASK_BACKEND == "immediate":
            raise CommandError(
                "With RAVABET_TASK_BACKEND=immediate jobs run as they are enqueued; "
                "there is nothing for a worker to do."
            )
        # The database worker announces every round at INFO; job starts and ends are logged
        # by django_tasks itself.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        if verbosity > 1:
            logger.setLevel(logging.DEBUG)
        register_all_schedules()
        queue_names = queue_name.split(",")
        if settings.TASK_BACKEND == "redis":
            serve_rq(queue_names=queue_names, once=once)
            return
        worker = JobWorker(
            queue_names=queue_names,
            interval=interval,
            worker_id=worker_id or default_worker_id(),
            once=once,
        )
        logger.info("Worker %s serving %s", worker.worker_id, ",".join(queue_names))
        worker.serve()
