"""Urgent-alert latency: from an item appearing in a local feed to its alert in the outbox, with
2,000 sources polled by real workers on 2 cores (issue 4 target: p95 ≤ 60 s).

Run on demand, never in the test suite::

    .venv/bin/python bench/monitoring/bench_alert_latency.py --label defaults
    .venv/bin/python bench/monitoring/bench_alert_latency.py --label tuned --min-seconds 20 ...

A fresh data folder (SQLite, as a default deployment), 2,000 sources whose feeds one local HTTP
server serves with ETag and 304 like a real site (``--no-validators``: without, a full 200 at
every poll, as many sites serve their feeds), a watch-list that raises alerts, and a governor
with a Bale address; the same server stands in for Bale's bot API. ``--workers``
``ravabet worker`` processes poll through the real schedule → dispatch → poll jobs. After a
warm-up (every source polled once and its first item stored), routine items keep arriving at
random sources and ``--urgent`` urgent items (Fars articles with the watched word in the title)
appear at random sources at random moments. Each latency runs from the moment the server
first serves the item to the moment its alert's Bale message is written to the outbox; when
the worker sent it to Bale is recorded beside. Prints a table and merges the run, under its
label, into ``bench/results/monitoring_alert_latency.json`` with the machine it ran on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "monitoring_alert_latency.json"
FARS = sorted(Path("/work/shared/data/fars-news").glob("*.json"))
WATCH_WORD = "زلزله"
TOKEN = "bench-token"  # noqa: S105 (the local fake Bale accepts any token)
FEED_ITEMS = 10  # items a feed keeps, newest first, as news sites do


@dataclass
class Article:
    title: str
    text: str


def load_articles() -> list[Article]:
    articles = []
    for path in FARS:
        for raw in json.loads(path.read_text(encoding="utf-8")):
            paragraphs = raw["paragraphs"]
            if isinstance(paragraphs, str):
                paragraphs = [paragraphs]
            text = " ".join([raw.get("abstract") or "", *paragraphs]).strip()
            if raw.get("title") and text:
                articles.append(Article(raw["title"].strip(), text[:3000]))
    return articles


@dataclass
class Feed:
    items: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    body: bytes = b""
    etag: str = ""

    def add(self, url: str, title: str, text: str, at: datetime) -> None:
        self.items.insert(0, (url, title, text, at))
        del self.items[FEED_ITEMS:]
        entries = "".join(
            f"<item><title>{escape(t)}</title><link>{escape(u)}</link>"
            f"<description>{escape(x)}</description><pubDate>{format_datetime(a)}</pubDate></item>"
            for u, t, x, a in self.items
        )
        self.body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>bench</title><link>https://bench.example.ir/</link>{entries}</channel></rss>"
        ).encode()
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Site:
    """The feeds (path → Feed), the requests counted, and Bale messages received."""

    feeds: dict[str, Feed] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gets: int = 0
    not_modified: int = 0
    validators: bool = True  # False: no ETag, never a 304, as many sites serve their feeds
    bale: list[tuple[float, str]] = field(default_factory=list)


def handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with site.lock:
                feed = site.feeds.get(self.path)
                site.gets += 1
                body, etag = (feed.body, feed.etag) if feed else (b"", "")
            if feed is None:
                self.send_error(404)
                return
            if site.validators and self.headers.get("If-None-Match") == etag:
                with site.lock:
                    site.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if site.validators:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            payload = json.loads(self.rfile.read(length) or b"{}")
            with site.lock:
                site.bale.append((time.time(), str(payload.get("text", ""))))
            data = json.dumps({"ok": True, "result": {"message_id": len(site.bale)}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def machine() -> dict[str, object]:
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="run")
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--urgent", type=int, default=50)
    parser.add_argument("--spacing", type=float, default=6.0, help="mean seconds between urgent")
    parser.add_argument("--routine-per-second", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tier", type=int, default=2, help="tier of every source (2: default)")
    parser.add_argument("--min-seconds", type=int, default=None, help="RAVABET_POLL_MIN_SECONDS")
    parser.add_argument("--max-seconds", type=int, default=None, help="RAVABET_POLL_MAX_SECONDS")
    parser.add_argument("--settle", type=float, default=0.0, help="seconds after the warm-up")
    parser.add_argument("--give-up", type=float, default=600.0, help="seconds to wait at the end")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--no-validators", action="store_true", help="feeds without ETag: every poll gets 200"
    )
    parser.add_argument("--no-save", action="store_true")
    return parser.parse_args()


def main() -> None:  # noqa: PLR0912, PLR0915 (one script, read top to bottom)
    args = parse()
    rng = random.Random(args.seed)  # noqa: S311 (reproducible load, not a secret)
    articles = load_articles()
    urgent_pool = [a for a in articles if WATCH_WORD not in a.title + a.text]
    rng.shuffle(urgent_pool)
    urgent_articles, routine_articles = urgent_pool[: args.urgent], urgent_pool[args.urgent :]

    site = Site(validators=not args.no_validators)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(site))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    data_dir = Path(tempfile.mkdtemp(prefix="ravabet-alert-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ravabet.settings",
        "RAVABET_DATA_DIR": str(data_dir),
        "RAVABET_FETCH_ALLOW": f"127.0.0.1:{port}",
        "RAVABET_BALE_API_URL": f"http://127.0.0.1:{port}",
        "RAVABET_BALE_TOKEN": TOKEN,
    }
    env.pop("DATABASE_URL", None)
    if args.min_seconds is not None:
        env["RAVABET_POLL_MIN_SECONDS"] = str(args.min_seconds)
    if args.max_seconds is not None:
        env["RAVABET_POLL_MAX_SECONDS"] = str(args.max_seconds)
    os.environ.update(env)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Avg, Count, F
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from ravabet.core.models import Organisation, OutboxMessage, Role, User
    from ravabet.monitoring.models import (
        Alert,
        MonitoredItem,
        Poll,
        Source,
        SourceState,
        WatchKind,
        WatchList,
    )

    call_command("migrate", verbosity=0)
    governorate = Organisation.objects.create(
        kind="governorate", code="gov", name_fa="استانداری تهران"
    )
    governor = User.objects.create_user(
        "governor", "governor@example.org", organisation=governorate, bale_chat_id="4815162342"
    )
    governor.groups.add(Group.objects.get_or_create(name=Role.GOVERNOR)[0])
    WatchList.objects.create(
        name="زلزله", kind=WatchKind.TOPIC, query=WATCH_WORD, raises_alert=True
    )
    old = datetime.now(UTC) - timedelta(days=1)
    started = timezone.now()
    with transaction.atomic():
        for i in range(args.sources):
            path = f"/feed/{i}"
            feed = Feed()
            article = routine_articles[i % len(routine_articles)]
            feed.add(f"https://s{i}.example.ir/news/0", article.title, article.text, old)
            site.feeds[path] = feed
            source = Source.objects.create(
                name=f"منبع {i}",
                kind="news_site",
                feed_url=f"http://127.0.0.1:{port}{path}",
                tier=args.tier,
            )
            SourceState.objects.create(
                source=source,
                next_poll_at=started,
                interval_seconds=settings.MONITORING_POLL_MIN_SECONDS * args.tier,
            )
    print(f"{args.sources} sources in {data_dir}; workers starting", flush=True)

    ravabet = str(Path(sys.executable).with_name("ravabet"))
    logs = [(data_dir / f"worker-{n}.log").open("w") for n in range(args.workers)]
    workers = [
        subprocess.Popen([ravabet, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        for log in logs
    ]
    try:
        warm_start = time.monotonic()
        while SourceState.objects.filter(last_polled_at__isnull=True).exists():
            if time.monotonic() - warm_start > 1800:
                raise SystemExit("warm-up did not finish in 30 minutes")
            time.sleep(2)
        warm_up = time.monotonic() - warm_start
        print(f"warm-up: every source polled once in {warm_up:.0f} s", flush=True)
        time.sleep(args.settle)

        measure_from = timezone.now()
        loads: list[float] = []
        sampling = threading.Event()

        def sample_load() -> None:
            # Other processes on the machine take CPU from the workers: record how much.
            while not sampling.wait(5):
                loads.append(os.getloadavg()[0])

        threading.Thread(target=sample_load, daemon=True).start()
        appeared: dict[str, float] = {}
        schedule: list[tuple[float, str, int]] = []
        clock = 0.0
        for k in range(args.urgent):
            clock += rng.uniform(0.5, 1.5) * args.spacing
            schedule.append((clock, "urgent", k))
        span = clock
        routine_count = int(span * args.routine_per_second)
        schedule += [(rng.uniform(0, span), "routine", k) for k in range(routine_count)]
        schedule.sort()
        t0 = time.monotonic()
        for at, kind, k in schedule:
            time.sleep(max(0.0, t0 + at - time.monotonic()))
            i = rng.randrange(args.sources)
            now = datetime.now(UTC)
            if kind == "urgent":
                article = urgent_articles[k]
                url = f"https://s{i}.example.ir/urgent/{k}"
                title = f"{WATCH_WORD} {article.title}"
            else:
                article = routine_articles[(k * 7 + 3) % len(routine_articles)]
                url = f"https://s{i}.example.ir/news/r{k}"
                title = article.title
            with site.lock:
                site.feeds[f"/feed/{i}"].add(url, title, article.text, now)
                if kind == "urgent":
                    appeared[url] = time.time()
        print(f"injected {args.urgent} urgent and {routine_count} routine items", flush=True)
        deadline = time.monotonic() + args.give_up
        while time.monotonic() < deadline:
            if OutboxMessage.objects.filter(kind="monitoring.alert").count() >= args.urgent:
                break
            time.sleep(2)
        measure_to = timezone.now()
        sampling.set()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.shutdown()

    # Latency of each urgent item, and where the time went.
    to_outbox, to_sent, to_poll, poll_to_outbox = [], [], [], []
    missing = 0
    for url, at in appeared.items():
        item = MonitoredItem.objects.filter(url=url).select_related("story").first()
        alert = Alert.objects.filter(story_id=item.story_id).first() if item else None
        message = (
            OutboxMessage.objects.filter(
                kind="monitoring.alert", url=f"/monitoring/alerts/{alert.pk}/", channel="bale"
            ).first()
            if alert
            else None
        )
        if item is None or message is None:
            missing += 1
            continue
        to_outbox.append(message.created_at.timestamp() - at)
        to_poll.append(item.fetched_at.timestamp() - at)
        poll_to_outbox.append((message.created_at - item.fetched_at).total_seconds())
        if message.sent_at:
            to_sent.append(message.sent_at.timestamp() - at)

    window = (measure_to - measure_from).total_seconds()
    polls = Poll.objects.filter(started_at__gte=measure_from, started_at__lte=measure_to)
    poll_count = polls.count()
    outcomes = dict(polls.values_list("outcome").annotate(n=Count("pk")))
    intervals = list(SourceState.objects.values_list("interval_seconds", flat=True))
    queue = DBTaskResult.objects.filter(
        task_path="ravabet.monitoring.tasks.poll_source",
        enqueued_at__gte=measure_from,
        started_at__isnull=False,
    ).annotate(wait=F("started_at") - F("enqueued_at"))
    waits = [r.total_seconds() for r in queue.values_list("wait", flat=True) if r is not None]
    run = {
        "label": args.label,
        "sources": args.sources,
        "tier": args.tier,
        "validators": not args.no_validators,
        "workers": args.workers,
        "settings": {
            "poll_min_seconds": settings.MONITORING_POLL_MIN_SECONDS,
            "poll_max_seconds": settings.MONITORING_POLL_MAX_SECONDS,
            "database": "sqlite",
        },
        "urgent_items": args.urgent,
        "routine_items_per_second": args.routine_per_second,
        "warm_up_seconds": round(warm_up, 1),
        "measured_seconds": round(window, 1),
        "latency_to_outbox_seconds": summary(to_outbox),
        "latency_to_bale_seconds": summary(to_sent),
        "breakdown_seconds": {
            "appear_to_poll": summary(to_poll),
            "poll_to_outbox": summary(poll_to_outbox),
        },
        "urgent_not_alerted": missing,
        "polls": {
            "count": poll_count,
            "per_second": round(poll_count / window, 1) if window else 0,
            "mean_duration_ms": round(polls.aggregate(m=Avg("duration_ms"))["m"] or 0, 1),
            "outcomes": outcomes,
            "queue_wait_seconds": summary(waits),
            "interval_seconds_at_end": summary([float(v) for v in intervals]),
        },
        "jobs_by_outcome": {
            f"{path.rsplit('.', 1)[1]} {status}": n
            for path, status, n in DBTaskResult.objects.filter(enqueued_at__gte=measure_from)
            .values_list("task_path", "status")
            .annotate(n=Count("pk"))
        },
        "load_average_1min": summary(loads),
        "server": {"gets": site.gets, "not_modified": site.not_modified},
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    print(json.dumps(run, ensure_ascii=False, indent=2))
    lat = run["latency_to_outbox_seconds"]
    print(
        f"\n{args.label}: p50 {lat.get('p50')} s, p95 {lat.get('p95')} s to the outbox "
        f"({len(to_outbox)} of {args.urgent}); {run['polls']['per_second']} polls/s"
    )
    if not args.no_save:
        results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["machine"] = machine()
        results.setdefault("runs", {})[args.label] = run
        RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
