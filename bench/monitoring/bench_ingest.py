"""End-to-end monitoring ingest on SQLite and PostgreSQL, beside feedparser's parse alone.

Run on demand, never in the test suite (needs the bench extra for feedparser)::

    .venv/bin/python bench/monitoring/bench_ingest.py [--items 1125] [--backends sqlite,postgres]

Feeds are RSS 2.0 as Iranian agencies publish them (escaped summary, Tehran-time dates,
images), 50 items each, written from the Fars articles in /work/shared/data/fars-news when
present (synthetic sentences otherwise); about a fifth of the items are syndicated copies of
another source's item (respelled letters and digits, the copier's own dateline and sign-off).
Two scenarios: ``full`` carries each article's whole text in ``content:encoded``, ``summary``
only its title and summary (as many agency feeds do). Every item is new when its feed is
ingested, so nothing is skipped as already known. Each feed goes the way the site takes it:
``parse_feed`` on the stored bytes, ``ingest_items`` into the database (30 active
watch-lists; the new items join the search backlog), then the flush job indexes the backlog.
Two modes: ``each`` runs the flush after every poll (one source at a time: an index commit per
poll), ``burst`` after the whole batch of polls (as the worker meets them when the scheduler
enqueues many due sources at once: polls go before routine jobs, so one flush takes what all of
them wrote, in one commit). The process is pinned to one core; feedparser's default parse of
the same bytes runs in the same process as the peer, and so do two more: our parse alone, and
the database floor — the rows the timed ingest wrote (stories, triage, items, band keys)
written again by plain ``executemany`` (``COPY`` on PostgreSQL) with their values prepared
beforehand, what any ingest storing them pays at least. Then the same feeds are taken again,
as the next polls of a site without validators bring them (every item stored already): ``known``
items per second, parse and ingest. Wall-clock rates include waiting (each search index commit
syncs to disk) and other work on the machine (the load average is recorded), so items per
CPU-second are given beside them. Each backend and scenario runs in its own process on a
fresh database (SQLite: a file in a temporary data folder; PostgreSQL: ``bench_monitoring``
recreated at ``--postgres``). Prints a table and writes ``bench/results/monitoring_ingest.json``
with the machine it ran on.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import html
import json
import os
import platform
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "monitoring_ingest.json"
FARS = sorted(Path("/work/shared/data/fars-news").glob("*.json"))
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
PG_NAME = "bench_monitoring"
FEED_ITEMS = 50
SOURCES = 12
COPY_SHARE = 0.2
WARMUP_FEEDS = 2
TEHRAN = ZoneInfo("Asia/Tehran")
Feed = tuple[int, bytes, int]  # source number, RSS bytes, items


# --- the feeds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    title: str
    summary: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class FeedItem:
    source: int
    path: str
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    published: datetime
    image: bool


def load_articles(files: list[Path]) -> list[Article]:
    """Fars articles with a title and text; a few files hold the paragraph list as its repr."""
    articles, seen = [], set()
    for path in files:
        for raw in json.loads(path.read_text(encoding="utf-8")):
            paragraphs = raw.get("paragraphs") or []
            if isinstance(paragraphs, str):
                text = paragraphs.strip()
                paragraphs = ast.literal_eval(text) if text.startswith("[") else [text]
            paragraphs = tuple(p.strip() for p in paragraphs if isinstance(p, str) and p.strip())
            title = (raw.get("title") or "").strip()
            if not paragraphs or not title or paragraphs[0] in seen:
                continue
            seen.add(paragraphs[0])
            summary = (raw.get("abstract") or "").strip() or paragraphs[0]
            articles.append(Article(title, summary, paragraphs))
    return articles


def synthetic_articles(count: int, rng: random.Random) -> list[Article]:
    """Articles shuffled together from the feed tests' sentences (no Fars files here)."""
    from ravabet.lib.tests.feed_samples import SENTENCES, TITLES

    articles = []
    for n in range(count):
        sentences = [f"{s} ({n}-{i})" for i, s in enumerate(rng.sample(SENTENCES, 8))]
        paragraphs = tuple(" ".join(sentences[i : i + 2]) for i in range(0, 8, 2))
        articles.append(Article(f"{rng.choice(TITLES)} ({n})", sentences[0], paragraphs))
    return articles


_HEADS = (
    "به گزارش ایسنا، ",
    "به گزارش خبرگزاری مهر، ",
    "تهران- ایرنا- ",
    "به گزارش خبرنگار استان‌ها خبرگزاری تسنیم، ",
    "به گزارش باشگاه خبرنگاران جوان، ",
)
_TAILS = (" انتهای پیام/", " /۴۲۱۳", "", " (ایرنا)")
_ATTRIBUTION = re.compile(r"^\s*(?:به گزارش|به نقل از)[^،,:]{0,120}[،,:]\s*")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_LETTERS = str.maketrans("یک", "يك")


def syndicated(article: Article, rng: random.Random) -> Article:
    """Another agency's copy: its own dateline and sign-off, other letters and digits."""
    first = _ATTRIBUTION.sub("", article.paragraphs[0], count=1) or article.paragraphs[0]
    paragraphs = [rng.choice(_HEADS) + first, *article.paragraphs[1:]]
    paragraphs[-1] += rng.choice(_TAILS)

    def respell(text: str) -> str:
        text = text.translate(_ARABIC_LETTERS)
        return text.translate(_PERSIAN_DIGITS) if rng.random() < 0.5 else text

    return Article(
        respell(article.title), respell(article.summary), tuple(respell(p) for p in paragraphs)
    )


def feed_items(articles: list[Article], total: int, now: datetime, seed: int) -> list[FeedItem]:
    """``total`` items over the last day, a ``COPY_SHARE`` of them copies, in publishing order."""
    rng = random.Random(seed)  # noqa: S311 (seeded bench data)
    originals = min(len(articles), round(total * (1 - COPY_SHARE)))
    items: list[FeedItem] = []
    for n, article in enumerate(articles[:originals]):
        published = now - timedelta(hours=24) + timedelta(seconds=rng.uniform(0, 20 * 3600))
        items.append(
            FeedItem(
                rng.randrange(SOURCES),
                f"/fa/news/{14040900000 + n}/{'-'.join(article.title.split()[:5])}",
                article.title,
                article.summary,
                article.paragraphs,
                published,
                rng.random() < 0.6,
            )
        )
    for n in range(total - originals):
        original = rng.choice(items[:originals])
        copy = syndicated(Article(original.title, original.summary, original.paragraphs), rng)
        items.append(
            FeedItem(
                (original.source + rng.randrange(1, SOURCES)) % SOURCES,
                f"/news/{9000000 + n}",
                copy.title,
                copy.summary,
                copy.paragraphs,
                min(now, original.published + timedelta(minutes=rng.uniform(5, 240))),
                False,
            )
        )
    return sorted(items, key=lambda item: item.published)


def host(source: int) -> str:
    return f"https://www.agency{source}.example.ir"


def rss(source: int, items: list[FeedItem], *, full: bool) -> bytes:
    """RSS 2.0 as the agencies write it (newest first); ``full`` adds the whole text."""
    site = host(source)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>خبرگزاری {source}</title><link>{site}/</link><language>fa</language>\n"
    ]
    for item in sorted(items, key=lambda i: i.published, reverse=True):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in item.paragraphs)
        image = f"{site}/files/{zlib.crc32(item.path.encode())}.jpg" if item.image else ""
        if image:
            body = f'<p><img src="{image}" alt=""></p>' + body
        parts.append(
            f"<item><title>{html.escape(item.title)}</title>"
            f"<link>{site}{html.escape(item.path)}?utm_source=rss</link>"
            f'<guid isPermaLink="false">{html.escape(item.path)}</guid>'
            f"<description>{html.escape('<p>' + html.escape(item.summary) + '</p>')}</description>"
            + (f"<content:encoded><![CDATA[{body}]]></content:encoded>" if full else "")
            + f"<pubDate>{format_datetime(item.published.astimezone(TEHRAN))}</pubDate>"
            "<dc:creator>خبرنگار</dc:creator>"
            + (f'<enclosure url="{image}" type="image/jpeg" length="1"/>' if image else "")
            + "</item>\n"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def feeds(items: list[FeedItem], *, full: bool = True) -> list[Feed]:
    """(source, RSS bytes, item count) in the order their polls would bring them: each source's
    items in runs of ``FEED_ITEMS``, a feed polled when its newest item is out."""
    runs: list[tuple[datetime, int, list[FeedItem]]] = []
    for source in range(SOURCES):
        own = [item for item in items if item.source == source]
        for start in range(0, len(own), FEED_ITEMS):
            run = own[start : start + FEED_ITEMS]
            runs.append((run[-1].published, source, run))
    runs.sort(key=lambda run: (run[0], run[1]))
    return [(source, rss(source, run, full=full), len(run)) for _, source, run in runs]


WATCH_QUERIES = (
    ('"استاندار تهران"', False),
    ("استانداری", False),
    ("فرماندار", False),
    ('"شورای شهر"', False),
    ("زلزله OR زمین‌لرزه", True),
    ("آب NEAR/5 قطعی", False),
    ("سیل -آبگرفتگی", False),
    ('"شهرداری تهران"', False),
    ("مترو", False),
    ("آلودگی NEAR/3 هوا", False),
    ("بنزین OR سوخت", False),
    ("گرانی", False),
    ('"مدیریت بحران"', False),
    ("هلال‌احمر", False),
    ("اعتراض OR تجمع", False),
    ("کرونا", False),
    ("مدارس", False),
    ('"آموزش و پرورش"', False),
    ("دانشگاه", False),
    ("بیمارستان", False),
    ("ترافیک", False),
    ("پلیس", False),
    ("اشتغال", False),
    ("مسکن", False),
    ("برق NEAR/4 خاموشی", False),
    ("دماوند", False),
    ("شهریار", False),
    ("اسلامشهر", False),
    ('"ری"', False),
    ("ورامین", False),
)


# --- one backend, in its own process ---------------------------------------------------------


def pin_to_one_core() -> int:
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def recreate_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def setup(stream_items: int, args: argparse.Namespace) -> tuple[list[Any], list[Feed], str]:
    """A fresh database with the sources and watch-lists, and the feeds to ingest."""
    from django.core.management import call_command
    from django.utils import timezone

    from ravabet.monitoring.models import Source, SourceKind, WatchKind, WatchList

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)  # noqa: S311 (seeded bench data)
    articles = load_articles(FARS) if FARS else []
    text = "fars-news" if articles else "synthetic"
    if not articles:
        articles = synthetic_articles(stream_items, rng)
    rng.shuffle(articles)
    now = timezone.now()
    stream = feeds(feed_items(articles, stream_items, now, args.seed), full=args.scenario == "full")
    sources = [
        Source.objects.create(
            name=f"خبرگزاری {n}", kind=SourceKind.NEWS_AGENCY, feed_url=f"{host(n)}/rss"
        )
        for n in range(SOURCES)
    ]
    for n, (query, alerting) in enumerate(WATCH_QUERIES):
        WatchList.objects.create(
            name=f"پایش {n}", kind=WatchKind.TOPIC, query=query, raises_alert=alerting
        )
    return sources, stream, text


def run_index_jobs() -> int:
    """What the worker does with the flush jobs ingest enqueued (after the polls: they go first
    in the queue): the first indexes the whole backlog in one index commit, the rest find it
    empty."""
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from ravabet.core.search.indexing import flush_backlog, flush_search_backlog

    written = 0
    ready = DBTaskResult.objects.filter(
        task_path=flush_search_backlog.module_path, status=TaskResultStatus.READY
    )
    for row in ready:
        written += flush_backlog()
        DBTaskResult.objects.filter(pk=row.pk).update(
            status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now()
        )
    return written


def ingest_feed(source: Any, body: bytes, times: dict[str, float]) -> int:
    """One poll's work on stored bytes: parse and ingest; returns the new items."""
    from django.utils import timezone

    from ravabet.lib.feeds import parse_feed
    from ravabet.monitoring.services.ingest import ingest_items

    t0 = time.perf_counter()
    parsed = parse_feed(body, base_url=source.feed_url)
    t1 = time.perf_counter()
    report = ingest_items(source, parsed.items, now=timezone.now())
    t2 = time.perf_counter()
    times["parse"] += t1 - t0
    times["ingest"] += t2 - t1
    return report.new


def index(times: dict[str, float]) -> int:
    t0 = time.perf_counter()
    written = run_index_jobs()
    times["index"] += time.perf_counter() - t0
    return written


# Primary keys of the database floor's rows: past every row the run wrote.
FLOOR_OFFSET = 1 << 40


def database_floor(first_item: int, first_story: int) -> float:
    """Items per second of the database alone: the rows the timed ingest wrote (its stories,
    their triage rows, its items and their band rows) written once more by plain
    ``executemany`` (SQLite) or ``COPY`` (PostgreSQL), a transaction per poll as ingest has it,
    with every value prepared before the clock starts — no parsing, folding, fingerprinting,
    ORM or index. What any ingest that stores these rows pays at least."""
    from collections import defaultdict

    from django.db import connection

    from ravabet.monitoring.models import ItemBand, MonitoredItem, Story, Triage

    def prepared(model: Any, queryset: Any, change: Callable[[dict[str, Any]], None]) -> Any:
        fields = list(model._meta.concrete_fields)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = quote(model._meta.db_table)
        if connection.vendor == "postgresql":  # its fastest way in: COPY
            sql = f"COPY {table} ({columns}) FROM STDIN"
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        rows = []
        for row in queryset.values(*(f.attname for f in fields)):
            change(row)
            rows.append(
                (row, tuple(f.get_db_prep_save(row[f.attname], connection) for f in fields))
            )
        return sql, rows

    def new_pk(row: dict[str, Any]) -> None:
        row["id"] += FLOOR_OFFSET

    def new_item(row: dict[str, Any]) -> None:
        new_pk(row)
        row["url_hash"] = "x" + row["url_hash"][1:]  # no hex digit: unlike any stored

    def new_band(row: dict[str, Any]) -> None:
        new_pk(row)
        row["item_id"] += FLOOR_OFFSET

    def new_triage(row: dict[str, Any]) -> None:
        new_pk(row)
        row["story_id"] += FLOOR_OFFSET

    stories = Story.objects.filter(pk__gte=first_story)
    story_sql, story_rows = prepared(Story, stories.order_by("pk"), new_pk)
    triage_sql, triage_rows = prepared(
        Triage, Triage.objects.filter(story__in=stories).order_by("pk"), new_triage
    )
    item_sql, item_rows = prepared(
        MonitoredItem, MonitoredItem.objects.filter(pk__gte=first_item).order_by("pk"), new_item
    )
    band_sql, band_rows = prepared(
        ItemBand, ItemBand.objects.filter(item_id__gte=first_item).order_by("pk"), new_band
    )
    # A poll's rows: its items were collected at one moment; its stories begin with them.
    polls: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    moment_of_item = {row["id"]: row["fetched_at"] for row, _ in item_rows}
    moment_of_story: dict[int, Any] = {}
    for row, params in item_rows:
        polls[row["fetched_at"]]["items"].append(params)
        moment_of_story.setdefault(row["story_id"] + FLOOR_OFFSET, row["fetched_at"])
    for row, params in band_rows:
        polls[moment_of_item[row["item_id"]]]["bands"].append(params)
    first_poll = min(moment_of_item.values())
    for row, params in story_rows:
        polls[moment_of_story.get(row["id"], first_poll)]["stories"].append(params)
    for row, params in triage_rows:
        polls[moment_of_story.get(row["story_id"], first_poll)]["triage"].append(params)
    sql = {"stories": story_sql, "triage": triage_sql, "items": item_sql, "bands": band_sql}
    start = time.perf_counter()
    for _, poll in sorted(polls.items()):
        _write_rows(sql, poll)
    return len(item_rows) / (time.perf_counter() - start)


def _write_rows(sql: dict[str, str], poll: dict[str, list[Any]]) -> None:
    """One poll's rows of the database floor, in one transaction, parents first."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for kind in ("stories", "triage", "items", "bands"):
            if not poll[kind]:
                continue
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(sql[kind]) as copy:
                    for row in poll[kind]:
                        copy.write_row(row)
            else:
                cursor.executemany(sql[kind], poll[kind])


def peer_rates(stream: list[Feed], seconds: float) -> tuple[float, float]:
    """Items per second of feedparser's default parse and of ours alone, on the same bytes."""
    import feedparser  # type: ignore[import-untyped]

    from ravabet.lib.feeds import parse_feed

    def rate(parse: Callable[[bytes], int]) -> float:
        parse(stream[0][1])  # warm caches
        items, rounds, start = 0, 0, time.perf_counter()
        while rounds < 1 or time.perf_counter() - start < seconds:
            for _, body, _ in stream:
                items += parse(body)
            rounds += 1
        return items / (time.perf_counter() - start)

    theirs = rate(lambda body: len(feedparser.parse(body).entries))
    ours = rate(lambda body: len(parse_feed(body, base_url="https://www.example.ir/rss").items))
    return theirs, ours


def run_backend(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest every feed into a fresh database, timed after a warm-up; then the peer."""
    import django

    django.setup()
    import feedparser
    from django.db import connection

    from ravabet.monitoring.models import MonitoredItem, Story

    def next_pk(model: Any) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return int(last or 0) + 1

    sources, stream, text = setup(args.items, args)
    cpu = pin_to_one_core()
    warm, timed = stream[:WARMUP_FEEDS], stream[WARMUP_FEEDS:]
    scratch = {"parse": 0.0, "ingest": 0.0, "index": 0.0}
    for source, body, _ in warm:
        ingest_feed(sources[source], body, scratch)
        index(scratch)
    times = {"parse": 0.0, "ingest": 0.0, "index": 0.0}
    new = indexed = 0
    first_item, first_story = next_pk(MonitoredItem), next_pk(Story)
    profiler = cProfile.Profile() if args.profile else None
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for source, body, _ in timed:
        new += ingest_feed(sources[source], body, times)
        if args.mode == "each":
            indexed += index(times)
    if args.mode == "burst":
        indexed += index(times)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.profile_sort).print_stats(45)
    wall = time.perf_counter() - wall_start
    cpu_time = time.process_time() - cpu_start
    timed_items = sum(count for _, _, count in timed)
    load = os.getloadavg()[0]  # other work on the machine during the timed ingest
    # The next polls of the same feeds, as a site without validators serves them: every item
    # stored already (parse, then ingest sets them aside by address).
    again = {"parse": 0.0, "ingest": 0.0, "index": 0.0}
    for source, body, _ in timed:
        ingest_feed(sources[source], body, again)
    known_rate = timed_items / (again["parse"] + again["ingest"])
    theirs, ours = peer_rates(stream, args.peer_seconds)
    floor = database_floor(first_item, first_story)
    vendor = connection.vendor
    return {
        "scenario": args.scenario,
        "mode": args.mode,
        "backend": vendor,
        "database": connection.settings_dict["NAME"] if vendor != "sqlite" else "temporary file",
        "cpu_pinned": cpu,
        "text": text,
        "feeds": len(stream),
        "items": sum(count for _, _, count in stream),
        "stored": MonitoredItem.objects.count(),
        "stories": Story.objects.count(),
        "timed_feeds": len(timed),
        "timed_items": timed_items,
        "new_in_timed": new,
        "indexed_in_timed": indexed,
        "load_average_1min": round(load, 2),
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu_time, 3),
        "items_per_s": round(timed_items / wall, 1),
        "items_per_cpu_s": round(timed_items / cpu_time, 1),
        "ms_per_item": {k: round(1000 * v / timed_items, 3) for k, v in times.items()},
        "feedparser_default_items_per_s": round(theirs, 1),
        "ours_parse_alone_items_per_s": round(ours, 1),
        "database_floor_items_per_s": round(floor, 1),
        "known_items_per_s": round(known_rate, 1),
        "feedparser_version": feedparser.__version__,
    }


def child(backend: str, scenario: str, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"ravabet-bench-ingest-{backend}-") as folder:
        env = {
            **os.environ,
            "RAVABET_DATA_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "ravabet.settings",
            "RAVABET_TASK_BACKEND": "database",
            "RAVABET_LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        if backend == "postgres":
            recreate_postgres(args.postgres)
            env["DATABASE_URL"] = args.postgres + PG_NAME
        out = Path(folder) / "result.json"
        command = [
            sys.executable,
            __file__,
            *sys.argv[1:],
            *("--child", str(out), "--scenario", scenario, "--mode", mode),
        ]
        subprocess.run(command, env=env, check=True)
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1125, help="items in all feeds")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--scenarios",
        default="full,summary",
        help="full: the whole text in content:encoded; summary: title and summary only",
    )
    parser.add_argument("--postgres", default=POSTGRES, help="server URL ending in /")
    parser.add_argument("--peer-seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument("--profile", action="store_true", help="print cProfile of the ingest")
    parser.add_argument(
        "--profile-sort", default="cumulative", help="order of the profile (pstats: tottime…)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--modes",
        default="each,burst",
        help="each: the index job after every poll; burst: after a burst of due polls",
    )
    parser.add_argument("--scenario", default="full", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="each", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = run_backend(args)
        args.child.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return

    rows = [
        child(backend, scenario, mode, args)
        for scenario in args.scenarios.split(",")
        for mode in args.modes.split(",")
        for backend in args.backends.split(",")
    ]
    print(
        f"\n{'scenario':8} {'mode':6} {'backend':10} {'items':>6} {'items/s':>8} {'/cpu-s':>7} "
        f"{'parse':>6} {'ingest':>7} {'index':>6} {'feedparser':>10} {'× fp':>6} "
        f"{'our parse':>9} {'db floor':>8} {'known':>6}"
        "  (ms per item; items/s)"
    )
    for row in rows:
        row["vs_feedparser_default"] = round(
            row["items_per_s"] / row["feedparser_default_items_per_s"], 2
        )
        ms = row["ms_per_item"]
        print(
            f"{row['scenario']:8} {row['mode']:6} {row['backend']:10} {row['timed_items']:>6} "
            f"{row['items_per_s']:>8.0f} {row['items_per_cpu_s']:>7.0f} "
            f"{ms['parse']:>6.2f} {ms['ingest']:>7.2f} "
            f"{ms['index']:>6.2f} {row['feedparser_default_items_per_s']:>10.0f} "
            f"{row['vs_feedparser_default']:>6.2f} "
            f"{row['ours_parse_alone_items_per_s']:>9.0f} "
            f"{row['database_floor_items_per_s']:>8.0f} {row['known_items_per_s']:>6.0f}"
        )
    if args.no_write:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "platform": platform.platform(),
        "processor": _cpu_name(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    document = {
        "machine": machine,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "feed_items": FEED_ITEMS,
        "sources": SOURCES,
        "copy_share": COPY_SHARE,
        "watch_lists": len(WATCH_QUERIES),
        "warmup_feeds": WARMUP_FEEDS,
        "rows": rows,
    }
    RESULTS.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
