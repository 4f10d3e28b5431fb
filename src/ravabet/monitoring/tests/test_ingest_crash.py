"""A worker killed mid-poll loses and duplicates nothing: real ``ravabet worker`` processes on
the test database poll a local feed server; one is killed with SIGKILL while the server holds
the feed's body half-sent, another while ingest's transaction holds every row of the batch
written but not committed. Once the claim's lease has run out the source is polled again and
every item is stored, and indexed for search, exactly once."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ravabet.core.jobs import recover_stale_jobs
from ravabet.core.models import Schedule, SearchBacklogEntry
from ravabet.core.search.backends.tantivy_index import SCHEMA_VERSION, SearchIndex
from ravabet.core.search.documents import document_key
from ravabet.lib.tests.feed_samples import SampleItem, expected_url, rss_feed, sample_items
from ravabet.monitoring import tasks
from ravabet.monitoring.models import MonitoredItem, Poll, PollOutcome, Source, SourceState, Story
from ravabet.monitoring.services import polling
from ravabet.monitoring.tests.factories import SourceFactory
from ravabet.monitoring.tests.test_ingest_fuzz import story_inconsistencies

LEASE_SECONDS = 2
WAIT = 60.0  # seconds before a test gives up on a worker; never reached when things work


class FeedServer:
    """A local feed server; a path in ``stall`` sends its headers and half its body once,
    then holds the connection until the test ends."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.stall: set[str] = set()
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feeds.requests.append(self.path)
                body = feeds.pages.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                if self.path in feeds.stall:
                    feeds.stall.discard(self.path)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    feeds.stalled.set()
                    feeds.release.wait(WAIT)
                    return
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture
def worker_env(
    transactional_db: None, tmp_path: Path, feeds: FeedServer, settings: Any
) -> dict[str, str]:
    """The environment for worker processes: the test database, their own data folder, the
    feed server admitted (here too), and a short lease on claims."""
    settings.MONITORING_FETCH_ALLOW = [f"127.0.0.1:{feeds.port}"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{quote(db['USER'] or '')}{password}@{host}/{db['NAME']}"
    else:
        assert not cast(Any, connection).is_in_memory_db()  # the settings use a file
        url = f"sqlite:///{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "RAVABET_DATA_DIR": str(tmp_path / "data"),
        "RAVABET_TASK_BACKEND": "database",
        "RAVABET_LOG_LEVEL": "WARNING",
        "RAVABET_FETCH_ALLOW": f"127.0.0.1:{feeds.port}",
        "RAVABET_POLL_LEASE_SECONDS": str(LEASE_SECONDS),
    }


def start(env: dict[str, str], tmp_path: Path, *command: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"worker-{time.monotonic_ns()}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", *command], env=env, cwd=tmp_path, stdout=log, stderr=log
    )


def output_of(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("worker-*.log")))


def wait_until(condition: Callable[[], bool], worker: subprocess.Popen[bytes], tmp: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{output_of(tmp)}")
        if time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"gave up waiting for the worker:\n{output_of(tmp)}")
        time.sleep(0.05)


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=WAIT)


def restart_after_the_lease(env: dict[str, str], tmp_path: Path, source: Source) -> None:
    """Once the dead worker's claim has run out, a new worker (one round) polls again."""
    state = SourceState.objects.get(source=source)
    assert state.claimed_until is not None
    # Still claimed until the lease ends, due again right after it.
    just_before = state.claimed_until - timedelta(milliseconds=1)
    assert source.pk not in polling.due_source_ids(now=just_before)
    assert source.pk in polling.due_source_ids(now=state.claimed_until + timedelta(seconds=1))
    wait = (state.claimed_until - timezone.now()).total_seconds()
    time.sleep(max(0.0, wait) + 0.1)
    # The dispatcher runs every 10 s; its next turn is brought forward instead of waited for.
    Schedule.objects.filter(task_path=tasks.dispatch_due_polls.module_path).update(
        next_run_at=timezone.now()
    )
    worker = start(env, tmp_path, "ravabet", "worker", "--once")
    assert worker.wait(timeout=WAIT) == 0, output_of(tmp_path)


def feed(items: list[SampleItem]) -> bytes:
    return rss_feed(items)


def urls(items: list[SampleItem], feeds: FeedServer) -> set[str]:
    """The addresses the items are stored under (their links are relative to the feed)."""
    return {expected_url(item, site=feeds.url("")) for item in items}


def indexed_once(env: dict[str, str]) -> bool:
    """Whether the worker's search index holds each stored item exactly once, and the backlog
    of rows to index is empty."""
    stored = {str(pk) for pk in MonitoredItem.objects.values_list("pk", flat=True)}
    index = SearchIndex(Path(env["RAVABET_DATA_DIR"]) / "search" / f"v{SCHEMA_VERSION}")
    keys = index.keys("monitoring")
    return (
        not SearchBacklogEntry.objects.exists()
        and keys == {document_key("monitoring", pk) for pk in stored}
        and index.labels().get("monitoring") == len(stored)
    )


def test_a_worker_killed_while_the_feed_is_half_received_loses_nothing(
    worker_env: dict[str, str], feeds: FeedServer, tmp_path: Path
) -> None:
    items = sample_items(8, seed=71)
    feeds.pages["/rss"] = feed(items)
    feeds.stall.add("/rss")
    source = SourceFactory.create(feed_url=feeds.url("/rss"))

    worker = start(worker_env, tmp_path, "ravabet", "worker", "--interval", "0.1")
    wait_until(feeds.stalled.is_set, worker, tmp_path)
    kill(worker)
    assert not MonitoredItem.objects.exists()
    assert not Poll.objects.exists()
    lost = DBTaskResult.objects.get(task_path=tasks.poll_source.module_path)
    assert lost.status == TaskResultStatus.RUNNING

    restart_after_the_lease(worker_env, tmp_path, source)
    assert set(MonitoredItem.objects.values_list("url", flat=True)) == urls(items, feeds)
    poll = Poll.objects.get()
    assert (poll.outcome, poll.items_new) == (PollOutcome.NEW_ITEMS, len(items))
    assert SourceState.objects.get(source=source).claimed_until is None
    assert indexed_once(worker_env)

    # Much later the lost job itself is run again (its worker died): it asks conditionally,
    # hears nothing new, and stores nothing twice.
    later = timezone.now() + timedelta(hours=1)
    assert recover_stale_jobs(now=later) == 1
    worker = start(worker_env, tmp_path, "ravabet", "worker", "--once")
    assert worker.wait(timeout=WAIT) == 0, output_of(tmp_path)
    assert DBTaskResult.objects.get(pk=lost.pk).status == TaskResultStatus.SUCCESSFUL
    assert Poll.objects.latest("pk").outcome == PollOutcome.NOT_MODIFIED
    assert MonitoredItem.objects.count() == len(items)
    assert feeds.requests == ["/rss"] * 3


def test_a_worker_killed_inside_the_ingest_transaction_leaves_no_trace_and_the_retry_stores_all(
    worker_env: dict[str, str], feeds: FeedServer, tmp_path: Path
) -> None:
    # Another source published a story earlier; this source already had some items stored.
    elsewhere = sample_items(1, seed=72)
    feeds.pages["/other"] = feed(elsewhere)
    other = SourceFactory.create(feed_url=feeds.url("/other"))
    earlier = sample_items(3, seed=73)
    feeds.pages["/rss"] = feed(earlier)
    source = SourceFactory.create(feed_url=feeds.url("/rss"))
    for polled in (other, source):
        assert polling.claim(polled.pk)
        polling.poll_source(Source.objects.select_related("state").get(pk=polled.pk))
    stored_before = set(MonitoredItem.objects.values_list("url", flat=True))
    story = MonitoredItem.objects.get(source=other).story
    # Now the feed has new items, and one of them is a copy of the other source's story.
    copy = elsewhere[0]
    copied = SampleItem("/fa/news/999999/copy", copy.title, copy.paragraphs, copy.date, "", None)
    new = [*sample_items(5, seed=74), copied]
    feeds.pages["/rss"] = feed(new + earlier)
    SourceState.objects.filter(source=source).update(next_poll_at=timezone.now())

    marker = tmp_path / "in-transaction"
    env = {**worker_env, "RAVABET_CRASH_MARKER": str(marker)}
    worker = start(env, tmp_path, "ravabet.monitoring.tests.crash_worker")
    wait_until(marker.exists, worker, tmp_path)
    kill(worker)
    assert len(marker.read_text().split()) == len(new)  # all written, none committed
    assert set(MonitoredItem.objects.values_list("url", flat=True)) == stored_before
    assert Story.objects.get(pk=story.pk).item_count == 1
    assert Poll.objects.count() == 2

    restart_after_the_lease(worker_env, tmp_path, source)
    assert set(MonitoredItem.objects.values_list("url", flat=True)) == urls(
        elsewhere + earlier + new, feeds
    )
    assert MonitoredItem.objects.count() == len(elsewhere + earlier + new)
    joined = Story.objects.get(pk=story.pk)
    assert (joined.item_count, joined.source_count) == (2, 2)
    assert story_inconsistencies() == []
    assert Poll.objects.latest("pk").items_new == len(new)
    assert indexed_once(worker_env)
