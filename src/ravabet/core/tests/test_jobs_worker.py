"""``ravabet worker`` as real processes on the test database: killed with SIGKILL mid-job,
stopped with SIGTERM, two of them draining one queue, two schedulers racing, and the RQ
backend on the local Redis."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from redis import Redis

from ravabet.core.jobs import job, recover_stale_jobs
from ravabet.core.models import Schedule
from ravabet.core.scheduler import register_schedule, run_due_schedules

REDIS_URL = "redis://127.0.0.1:6379/15"
WAIT = 60.0  # seconds before a test gives up on a worker; never reached when things work


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def append_line(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


@job()
def slow_job(path: str) -> None:
    """Hangs on its first run (so a test can kill its worker); quick on the next."""
    log = Path(path)
    first = not log.exists()
    append_line(log, "start")
    if first:
        time.sleep(WAIT * 2)
    append_line(log, "done")


@job()
def pause_job(path: str) -> None:
    append_line(Path(path), "start")
    time.sleep(1)
    append_line(Path(path), "done")


@job()
def record_job(path: str, n: int, rendezvous: int = 0) -> int:
    """Writes its number and worker process; with ``rendezvous``, waits until that many
    workers have written, so no one worker can drain the queue alone."""
    log = Path(path)
    append_line(log, f"{n} {os.getpid()}")
    deadline = time.monotonic() + WAIT
    while rendezvous and time.monotonic() < deadline:
        if len({line.split()[1] for line in lines(log)}) >= rendezvous:
            break
        time.sleep(0.02)
    return n


@job()
def tick_job() -> str:
    return "tick"


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for worker processes to reach the test database.

    PostgreSQL's test database is used as it is. SQLite's in-memory test database is copied
    to a file, and this test switches its own connection to that file until it ends.
    """
    env = {
        **os.environ,
        "RAVABET_DATA_DIR": str(tmp_path / "data"),
        "RAVABET_TASK_BACKEND": "database",
        "RAVABET_LOG_LEVEL": "INFO",
    }
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{quote(db['USER'] or '')}{password}@{host}/{db['NAME']}"
        yield env
        return
    if not cast(SQLiteWrapper, connection).is_in_memory_db():
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
        yield env
        return
    path = tmp_path / "test.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory, in_memory_name = connection.connection, db["NAME"]
    connection.connection = None
    db["NAME"] = str(path)
    env["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        yield env
    finally:
        connection.close()
        db["NAME"] = in_memory_name
        connection.connection = in_memory


def start_worker(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "ravabet", "worker", "--interval", "0.1", *args],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def finish(worker: subprocess.Popen[bytes]) -> int:
    try:
        return worker.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
        raise


def output_of(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log")))


def wait_until(
    condition: Callable[[], bool], worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{output_of(tmp_path)}")
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"gave up waiting for the worker:\n{output_of(tmp_path)}")
        time.sleep(0.05)


def run_once(env: dict[str, str], tmp_path: Path) -> None:
    worker = start_worker(env, tmp_path, "--once")
    assert finish(worker) == 0, output_of(tmp_path)


def test_worker_killed_mid_job_loses_nothing_and_the_job_completes_once(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "slow.log"
    result = slow_job.enqueue(str(log))
    worker = start_worker(shared_database, tmp_path)
    wait_until(lambda: lines(log) == ["start"], worker, tmp_path)
    worker.send_signal(signal.SIGKILL)
    finish(worker)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING

    # Later, when JOB_STALE_AFTER has passed, a worker's housekeeping recovers the job.
    later = timezone.now() + settings.JOB_STALE_AFTER + timedelta(seconds=1)
    assert recover_stale_jobs(now=later) == 1
    run_once(shared_database, tmp_path)

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2
    assert lines(log) == ["start", "start", "done"]
    # One result for the job (the worker's own schedules may have enqueued others).
    assert DBTaskResult.objects.filter(task_path=slow_job.module_path).count() == 1


def test_worker_stopped_with_sigterm_finishes_its_job_first(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "pause.log"
    result = pause_job.enqueue(str(log))
    worker = start_worker(shared_database, tmp_path)
    wait_until(lambda: lines(log) == ["start"], worker, tmp_path)
    worker.send_signal(signal.SIGTERM)
    assert finish(worker) == 0, output_of(tmp_path)
    assert lines(log) == ["start", "done"]
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_worker_stopped_twice_hands_its_job_back_to_the_queue(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "slow.log"
    result = slow_job.enqueue(str(log))
    worker = start_worker(shared_database, tmp_path)
    wait_until(lambda: lines(log) == ["start"], worker, tmp_path)
    worker.send_signal(signal.SIGTERM)
    worker.send_signal(signal.SIGINT)
    assert finish(worker) == 1, output_of(tmp_path)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    assert row.traceback == ""

    run_once(shared_database, tmp_path)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert lines(log) == ["start", "start", "done"]


def test_two_workers_drain_forty_jobs_without_running_any_twice(
    shared_database: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "record.log"
    ids = {record_job.enqueue(str(log), n, rendezvous=2).id for n in range(40)}
    workers = [start_worker(shared_database, tmp_path, "--once") for _ in range(2)]
    assert [finish(w) for w in workers] == [0, 0], output_of(tmp_path)

    numbers = [int(line.split()[0]) for line in lines(log)]
    assert sorted(numbers) == list(range(40))  # each job ran, none twice
    assert len({line.split()[1] for line in lines(log)}) == 2  # both workers took jobs
    rows = DBTaskResult.objects.filter(pk__in=ids)
    assert {r.status for r in rows} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(r.worker_ids) == 1 for r in rows)


def test_two_schedulers_racing_enqueue_each_due_run_once(shared_database: dict[str, str]) -> None:
    rounds = 10
    register_schedule("race", tick_job, every=timedelta(minutes=5))
    outcomes: list[list[str]] = []
    errors: list[BaseException] = []

    def scheduler(barrier: threading.Barrier, now: Any) -> None:
        try:
            barrier.wait(timeout=WAIT)
            outcomes.append(run_due_schedules(now))
        except BaseException as error:  # reported by the test thread
            errors.append(error)
        finally:
            connection.close()

    for _ in range(rounds):
        now = timezone.now()
        Schedule.objects.update(next_run_at=now)
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=scheduler, args=(barrier, now)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=WAIT)
    assert errors == []
    assert sorted(outcomes) == [[]] * rounds + [["race"]] * rounds
    assert DBTaskResult.objects.filter(task_path__endswith="tick_job").count() == rounds


def test_rq_backend_runs_a_job_end_to_end(shared_database: dict[str, str], tmp_path: Path) -> None:
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    on_redis = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}},
    )
    log = tmp_path / "record.log"
    try:
        with on_redis:
            result = record_job.enqueue(str(log), 7)
            assert result.status == TaskResultStatus.READY
        assert not DBTaskResult.objects.exists()  # it went to Redis, not the database

        env = {**shared_database, "RAVABET_TASK_BACKEND": "redis", "REDIS_URL": REDIS_URL}
        run_once(env, tmp_path)

        with on_redis:
            finished = record_job.get_result(result.id)
        assert finished.status == TaskResultStatus.SUCCESSFUL, output_of(tmp_path)
        assert finished.return_value == 7
        assert [line.split()[0] for line in lines(log)] == ["7"]
    finally:
        redis.flushdb()
        redis.close()
