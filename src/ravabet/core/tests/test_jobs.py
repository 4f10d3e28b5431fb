"""Background jobs in one process: retries with backoff, schedules, recovery of lost jobs, and
the administrators' jobs page. Worker processes are tested in test_jobs_worker.py."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ravabet.core.jobs import (
    PermanentJobError,
    WorkerLostError,
    backoff_delay,
    enqueue_on_commit,
    job,
    prune_finished_jobs,
    recover_stale_jobs,
)
from ravabet.core.management.commands.worker import JobWorker
from ravabet.core.models import AuditEntry, JobRetry, Schedule, SecurityEvent, User
from ravabet.core.scheduler import (
    TEHRAN,
    enqueue_if_due,
    next_daily_run,
    register_kernel_schedules,
    register_schedule,
    run_due_schedules,
)
from ravabet.core.search.indexing import update_search_index

pytestmark = pytest.mark.django_db


def own_jobs() -> QuerySet[DBTaskResult[..., Any]]:
    """The job rows of these tests: saving audited rows also enqueues search-index updates."""
    return DBTaskResult.objects.exclude(task_path=update_search_index.module_path)


def append_line(path: str, line: str) -> int:
    """Add ``line`` to the file; the number of lines now in it."""
    with Path(path).open("a", encoding="utf-8") as f:
        f.write(line + "\n")
    return len(Path(path).read_text(encoding="utf-8").splitlines())


@job(retry_base=timedelta(seconds=10))
def flaky_job(path: str, failures: int) -> int:
    """Fails its first ``failures`` runs, then succeeds."""
    runs = append_line(path, "run")
    if runs <= failures:
        raise RuntimeError(f"flaky failure {runs}")
    return runs


@job()
def refused_job(path: str) -> None:
    append_line(path, "run")
    raise PermanentJobError("the remote service refused this message")


@job()
def tick_job() -> str:
    return "tick"


def run_now(result_id: str) -> Any:
    """Claim and run one job the way a worker does, whatever its run_after."""
    row = DBTaskResult.objects.get(pk=result_id)
    worker = JobWorker(queue_names=["default"], interval=0, worker_id="test-worker", once=True)
    row.claim(worker.worker_id)
    worker.run_task(row)
    row.refresh_from_db()
    return row


def follow_up_of(row: Any) -> Any:
    retry = JobRetry.objects.get(failed_result_id=str(row.pk))
    return DBTaskResult.objects.get(pk=retry.retry_result_id)


# --- Retries ----------------------------------------------------------------------------------


def test_backoff_doubles_each_attempt_with_bounded_jitter_up_to_the_cap() -> None:
    base, cap = timedelta(seconds=30), timedelta(hours=1)
    delays = [backoff_delay(n, base=base, cap=cap) for n in range(1, 10)]
    for n, delay in enumerate(delays, start=1):
        plain = min(cap, base * 2 ** (n - 1))
        assert plain <= delay <= plain * 1.25
    assert delays[:7] == sorted(delays[:7])  # 30 s … 32 min, then the cap
    assert delays[-1] <= cap * 1.25


def test_failing_job_is_retried_with_growing_delays_and_succeeds_on_a_later_attempt(
    tmp_path: Path,
) -> None:
    first = flaky_job.enqueue(str(tmp_path / "runs"), 3)
    rows = [run_now(first.id)]
    delays = []
    while rows[-1].status == TaskResultStatus.FAILED:
        retry = follow_up_of(rows[-1])
        assert retry.status == TaskResultStatus.READY
        assert retry.args_kwargs["args"] == [str(tmp_path / "runs"), 3]
        assert retry.args_kwargs["kwargs"] == {"_attempt": len(rows) + 1}
        delays.append(retry.run_after - retry.enqueued_at)
        rows.append(run_now(retry.id))

    assert [r.status for r in rows] == ["FAILED", "FAILED", "FAILED", "SUCCESSFUL"]
    assert rows[-1].return_value == 4
    # Each pause is 10 s · 2^(n−1) plus at most 25 %: 10–12.5 s, 20–25 s, 40–50 s.
    for n, delay in enumerate(delays, start=1):
        plain = timedelta(seconds=10 * 2 ** (n - 1))
        assert plain - timedelta(seconds=1) <= delay <= plain * 1.25
    assert delays == sorted(delays)
    # The failed attempts stay visible, each with its own error.
    for n, row in enumerate(rows[:3], start=1):
        row.refresh_from_db()
        assert row.status == TaskResultStatus.FAILED
        assert row.exception_class_path == "builtins.RuntimeError"
        assert f"flaky failure {n}" in row.traceback
    assert not JobRetry.objects.filter(failed_result_id=str(rows[-1].pk)).exists()


def test_job_gives_up_after_the_last_attempt_and_stays_failed(
    tmp_path: Path, settings: Any
) -> None:
    settings.JOB_MAX_ATTEMPTS = 2
    first = run_now(flaky_job.enqueue(str(tmp_path / "runs"), 5).id)
    second = run_now(follow_up_of(first).id)
    assert second.status == TaskResultStatus.FAILED
    assert not JobRetry.objects.filter(failed_result_id=str(second.pk)).exists()
    assert own_jobs().count() == 2


def test_permanent_failure_is_not_retried(tmp_path: Path) -> None:
    row = run_now(refused_job.enqueue(str(tmp_path / "runs")).id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path.endswith("PermanentJobError")
    assert own_jobs().count() == 1


def test_failure_run_again_after_a_crash_does_not_start_a_second_series(tmp_path: Path) -> None:
    row = run_now(flaky_job.enqueue(str(tmp_path / "runs"), 5).id)
    # As if the worker died after enqueuing the retry and stale recovery re-ran the attempt.
    DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.READY)
    again = run_now(row.pk)
    assert again.status == TaskResultStatus.FAILED
    assert JobRetry.objects.count() == 1
    assert own_jobs().count() == 2


def test_job_enqueued_on_commit_is_dropped_with_a_rolled_back_transaction() -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            enqueue_on_commit(tick_job)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not own_jobs().exists()

    with transaction.atomic():
        enqueue_on_commit(tick_job)
    assert own_jobs().get().task_path.endswith("test_jobs.tick_job")


# --- Schedules --------------------------------------------------------------------------------


def at_tehran(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def test_daily_schedule_runs_next_at_seven_in_tehran() -> None:
    seven = time(7, 0)
    # Before 07:00 Tehran: today at 07:00, which is 03:30 UTC.
    assert next_daily_run(seven, after=at_tehran(2025, 3, 20, 5, 0)) == datetime(
        2025, 3, 20, 3, 30, tzinfo=UTC
    )
    # At or after 07:00: tomorrow.
    assert next_daily_run(seven, after=at_tehran(2025, 3, 20, 7, 0)) == datetime(
        2025, 3, 21, 3, 30, tzinfo=UTC
    )
    # 23:00 UTC is already the next day in Tehran (02:30): that day's 07:00.
    assert next_daily_run(seven, after=datetime(2025, 3, 19, 23, 0, tzinfo=UTC)) == datetime(
        2025, 3, 20, 3, 30, tzinfo=UTC
    )
    # While Iran still kept summer time (+04:30 until 2022), 07:00 was 02:30 UTC.
    assert next_daily_run(seven, after=at_tehran(2021, 6, 1, 6, 0)) == datetime(
        2021, 6, 1, 2, 30, tzinfo=UTC
    )


def test_registering_a_schedule_again_keeps_one_row_and_its_next_run() -> None:
    now = timezone.now()
    first = register_schedule("morning-digest", tick_job, daily_at=time(7), now=now)
    again = register_schedule(
        "morning-digest", tick_job, daily_at=time(7), now=now + timedelta(hours=30)
    )
    assert Schedule.objects.count() == 1
    assert again.next_run_at == first.next_run_at
    moved = register_schedule("morning-digest", tick_job, daily_at=time(8), now=now)
    assert moved.next_run_at == next_daily_run(time(8), after=now)
    with pytest.raises(ValueError, match="either"):
        register_schedule("broken", tick_job)


def test_due_schedule_is_enqueued_once_and_moves_to_its_next_run() -> None:
    now = timezone.now()
    register_schedule("tick", tick_job, every=timedelta(minutes=5), now=now)
    assert run_due_schedules(now) == ["tick"]
    assert run_due_schedules(now) == []
    schedule = Schedule.objects.get()
    assert schedule.next_run_at == now + timedelta(minutes=5)
    assert schedule.last_result_id == str(own_jobs().get().pk)


def test_missed_runs_after_downtime_are_enqueued_once_and_keep_the_rhythm() -> None:
    now = timezone.now()
    register_schedule("tick", tick_job, every=timedelta(minutes=5), now=now - timedelta(hours=2))
    assert run_due_schedules(now) == ["tick"]
    assert own_jobs().count() == 1
    schedule = Schedule.objects.get()
    assert now < schedule.next_run_at <= now + timedelta(minutes=5)
    assert (schedule.next_run_at - (now - timedelta(hours=2))) % timedelta(minutes=5) == timedelta()


def test_second_scheduler_holding_a_stale_read_does_not_enqueue_the_run_again() -> None:
    now = timezone.now()
    register_schedule("tick", tick_job, every=timedelta(minutes=5), now=now)
    seen_by_one, seen_by_two = Schedule.objects.get(), Schedule.objects.get()
    assert enqueue_if_due(seen_by_one, now=now) is True
    assert enqueue_if_due(seen_by_two, now=now) is False
    assert own_jobs().count() == 1


def test_disabled_schedule_is_not_enqueued() -> None:
    now = timezone.now()
    register_schedule("tick", tick_job, every=timedelta(minutes=5), now=now)
    Schedule.objects.update(enabled=False)
    assert run_due_schedules(now) == []
    assert not own_jobs().exists()


def test_kernel_schedules_prune_daily_and_dispatch_the_outbox_and_the_backlog_every_minute() -> (
    None
):
    register_kernel_schedules()
    register_kernel_schedules()
    assert Schedule.objects.count() == 3
    prune = Schedule.objects.get(name="prune-finished-jobs")
    assert prune.task_path == "ravabet.core.jobs.prune_finished_jobs"
    assert prune.daily_at == time(3, 30)
    assert prune.next_run_at.astimezone(TEHRAN).time() == time(3, 30)
    outbox = Schedule.objects.get(name="dispatch-outbox")
    assert outbox.task_path == "ravabet.core.notify.tasks.dispatch_due_outbox"
    assert outbox.interval_seconds == 60
    backlog = Schedule.objects.get(name="flush-search-backlog")
    assert backlog.task_path == "ravabet.core.search.indexing.flush_search_backlog"
    assert backlog.interval_seconds == 60


# --- Recovery and pruning ---------------------------------------------------------------------


def claimed(result_id: str, *, started: datetime, workers: int = 1) -> None:
    DBTaskResult.objects.filter(pk=result_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=started,
        worker_ids=[f"dead-{n}" for n in range(workers)],
    )


def test_job_left_running_by_a_dead_worker_goes_back_to_the_queue_once(settings: Any) -> None:
    now = timezone.now()
    lost, busy = tick_job.enqueue(), tick_job.enqueue()
    claimed(lost.id, started=now - settings.JOB_STALE_AFTER - timedelta(seconds=1))
    claimed(busy.id, started=now - timedelta(seconds=5))
    assert recover_stale_jobs(now=now) == 1
    assert recover_stale_jobs(now=now) == 0
    assert DBTaskResult.objects.get(pk=lost.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING
    assert run_now(lost.id).status == TaskResultStatus.SUCCESSFUL


def test_job_whose_workers_died_too_often_is_failed_not_requeued(settings: Any) -> None:
    now = timezone.now()
    poison = tick_job.enqueue()
    claimed(
        poison.id,
        started=now - settings.JOB_STALE_AFTER - timedelta(seconds=1),
        workers=settings.JOB_MAX_ATTEMPTS,
    )
    assert recover_stale_jobs(now=now) == 1
    row = DBTaskResult.objects.get(pk=poison.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.task_result.errors[0].exception_class is WorkerLostError


def test_pruning_deletes_only_successful_results_older_than_thirty_days() -> None:
    now = timezone.now()
    old_ok, new_ok, old_failed = tick_job.enqueue(), tick_job.enqueue(), tick_job.enqueue()
    DBTaskResult.objects.filter(pk=old_ok.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=31)
    )
    DBTaskResult.objects.filter(pk=new_ok.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=29)
    )
    DBTaskResult.objects.filter(pk=old_failed.id).update(
        status=TaskResultStatus.FAILED, finished_at=now - timedelta(days=90)
    )
    prune = run_now(prune_finished_jobs.enqueue().id)
    assert prune.return_value == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        prune.pk,
        *(DBTaskResult.objects.get(pk=i).pk for i in (new_ok.id, old_failed.id)),
    }


# --- The jobs page ----------------------------------------------------------------------------


@pytest.fixture
def verified_admin_client(admin_user: User) -> Client:
    """The administrator, signed in with a verified second factor."""
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def gave_up(tmp_path: Path, settings: Any) -> Any:
    """A job that failed its only attempt."""
    settings.JOB_MAX_ATTEMPTS = 1
    return run_now(flaky_job.enqueue(str(tmp_path / "runs"), 5).id)


def test_admin_sees_a_failed_job_with_its_error_and_traceback(
    verified_admin_client: Client, gave_up: Any
) -> None:
    response = verified_admin_client.get(reverse("core:job_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "flaky_job" in page
    assert "RuntimeError" in page
    assert "flaky failure 1" in page  # inside the expandable traceback
    assert reverse("core:job_retry", args=[gave_up.pk]) in page
    assert reverse("core:job_list") in page  # the navigation entry


def test_jobs_page_is_forbidden_to_everyone_but_administrators(
    director_client: Client, director: User
) -> None:
    response = director_client.get(reverse("core:job_list"))
    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind="permission_denied")
    assert event.user == director
    assert event.detail == {"view": "core:job_list"}
    dashboard = director_client.get(reverse("core:dashboard")).content.decode()
    assert reverse("core:job_list") not in dashboard


def test_retry_enqueues_the_same_job_with_the_same_arguments_once(
    verified_admin_client: Client, gave_up: Any, admin_user: User
) -> None:
    url = reverse("core:job_retry", args=[gave_up.pk])
    response = verified_admin_client.post(url)
    assert response.status_code == 302
    retry = JobRetry.objects.get(failed_result_id=str(gave_up.pk))
    assert not retry.automatic
    assert retry.requested_by == admin_user
    again = DBTaskResult.objects.get(pk=retry.retry_result_id)
    assert again.status == TaskResultStatus.READY
    assert again.task_path == gave_up.task_path
    assert again.args_kwargs == {"args": gave_up.args_kwargs["args"], "kwargs": {}}
    assert AuditEntry.objects.get(action="core.job.retried").actor == admin_user
    # A second click (or a second administrator) does not enqueue it twice.
    verified_admin_client.post(url)
    assert own_jobs().count() == 2
    page = verified_admin_client.get(reverse("core:job_list")).content.decode()
    with translation.override("fa"):
        assert translation.gettext("This job has already been retried.") in page


def test_outsider_cannot_retry_a_job(outsider_client: Client, gave_up: Any) -> None:
    response = outsider_client.post(reverse("core:job_retry", args=[gave_up.pk]))
    assert response.status_code == 403
    assert own_jobs().count() == 1
    assert not JobRetry.objects.exists()


def test_status_filter_refreshes_only_the_rows(verified_admin_client: Client, gave_up: Any) -> None:
    done = run_now(tick_job.enqueue().id)
    response = verified_admin_client.get(
        reverse("core:job_list"), {"status": "FAILED"}, headers={"HX-Request": "true"}
    )
    rows = response.content.decode()
    assert "<html" not in rows
    assert str(gave_up.pk) in rows
    assert str(done.pk) not in rows


def test_jobs_page_queries_do_not_grow_with_the_number_of_jobs(
    verified_admin_client: Client, tmp_path: Path, settings: Any
) -> None:
    settings.JOB_MAX_ATTEMPTS = 1
    url = reverse("core:job_list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert verified_admin_client.get(url).status_code == 200
        return len(captured)

    run_now(flaky_job.enqueue(str(tmp_path / "a"), 5).id)
    few = queries()
    for n in range(10):
        run_now(flaky_job.enqueue(str(tmp_path / f"b{n}"), 5).id)
        tick_job.enqueue()
    register_kernel_schedules()
    assert queries() == few
