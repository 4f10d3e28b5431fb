"""The ingest boundary is total: mutated feeds never raise out of parse → ingest (nor out of a
poll), and every item of the valid control feeds interleaved with them is stored exactly once,
in stories whose counts and credits agree with their items.

Seeded, so a failure names the case that reproduces it. The test runs ``CASES`` mutated feeds
(what fits in about half a minute here); ``bench/monitoring/fuzz_ingest.py`` runs the 10,000
the issue asks for through the same ``fuzz`` function.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, Min

from ravabet.lib.feeds import parse_feed
from ravabet.lib.tests.feed_samples import (
    SampleItem,
    atom_feed,
    expected_url,
    json_feed,
    news_sitemap,
    rss_feed,
    sample_items,
)
from ravabet.lib.tests.test_feeds_fuzz import mutated
from ravabet.monitoring.models import MonitoredItem, Source, Story, WatchKind, WatchList
from ravabet.monitoring.services.ingest import ingest_items
from ravabet.monitoring.services.polling import poll_source
from ravabet.monitoring.tests.conftest import NewsSite
from ravabet.monitoring.tests.factories import SourceFactory

CASES = 2_000
CONTROL_EVERY = 10  # a valid control feed after every this many mutated ones
POLL_EVERY = 25  # this share of the mutated feeds goes through a real poll over HTTP
NOW = datetime(2025, 11, 28, 8, 0, tzinfo=UTC)
BUILDERS = (rss_feed, atom_feed, json_feed, news_sitemap)
CONTENT_TYPES = ("application/rss+xml", "application/xml", "application/json", "text/html", None)
# Field values that reach the database only if ingest lets them: NUL (PostgreSQL refuses it),
# lone surrogates (no UTF-8 encoder takes them), addresses and names longer than their columns,
# dates at the ends of the calendar.
HOSTILE_VALUES: tuple[Any, ...] = (
    "\x00",
    "متن\x00خبر",
    "\ud800",
    "عنوان\udfff",
    "a" * 3000,
    "۱۴۰۴/۰۹/۰۶",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    "<script>alert(1)</script>",
    "\u202e\u200c",
    "",
    None,
    12345,
    [1, 2],
    {"x": "y"},
)
JSON_FIELDS = ("id", "url", "title", "summary", "content_html", "content_text", "image")


def hostile_json(case: int) -> bytes:
    """A JSON Feed whose items carry hostile values in random fields (escaped in JSON, so the
    parser reads them back as they are)."""
    rng = random.Random(case)
    items = []
    for n in range(rng.randint(1, 4)):
        item: dict[str, Any] = {
            "url": f"https://hostile.example.ir/news/{case}/{n}",
            "title": "خبر",
        }
        for name in rng.sample(JSON_FIELDS, rng.randint(1, 4)):
            value = rng.choice(HOSTILE_VALUES)
            if name == "url" and isinstance(value, str) and rng.random() < 0.5:
                value = f"https://hostile.example.ir/{value}"
            item[name] = value
        if rng.random() < 0.5:
            item["date_published"] = rng.choice(HOSTILE_VALUES)
        if rng.random() < 0.3:
            item["authors"] = [{"name": rng.choice(HOSTILE_VALUES)}]
        items.append(item)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": "خصمانه", "items": items}
    return json.dumps(document).encode()


def damaged(case: int) -> bytes:
    """Case ``case``: mostly the parse fuzzer's mutations, every fifth a hostile JSON Feed."""
    return hostile_json(case) if case % 5 == 4 else mutated(case)


@dataclass
class Control:
    """A valid feed and the (address, title) of each of its items."""

    site: str
    body: bytes
    expected: list[tuple[str, str]]


def control(n: int) -> Control:
    site = f"https://control{n % 3}.example.ir"
    items = [
        SampleItem(i.path, i.title, i.paragraphs[:3], i.date, i.author, i.image)
        for i in sample_items(1 + n % 4, seed=50_000 + n)
    ]
    body = BUILDERS[n % len(BUILDERS)](items, site=site)
    return Control(site, body, [(expected_url(i, site=site), i.title) for i in items])


@dataclass
class Outcome:
    """What a fuzz run saw: exceptions escaping the boundary, by case, and the control items."""

    raised: list[tuple[int, str]] = field(default_factory=list)
    controls: dict[str, str] = field(default_factory=dict)  # address -> title
    stored: int = 0


def fuzz(cases: int, *, site: NewsSite | None = None, start: int = 0) -> Outcome:
    """Ingest ``cases`` damaged feeds with control feeds between them (an earlier control now
    and then delivered again); with ``site``, some damaged feeds are polled from it."""
    outcome = Outcome()
    damaged_source = SourceFactory.create(feed_url="https://www.example.ir/feed")
    control_sources = {
        f"https://control{k}.example.ir": SourceFactory.create(
            feed_url=f"https://control{k}.example.ir/feed"
        )
        for k in range(3)
    }
    polled = SourceFactory.create(feed_url=site.url("/fuzz")) if site is not None else None
    sent: list[Control] = []
    for case in range(start, start + cases):
        now = NOW + timedelta(seconds=30 * (case - start))
        data = damaged(case)
        try:
            with transaction.atomic():
                if polled is not None and site is not None and case % POLL_EVERY == 0:
                    site.serve("/fuzz", data, CONTENT_TYPES[case % len(CONTENT_TYPES)] or "")
                    polled = Source.objects.select_related("state").get(pk=polled.pk)
                    poll_source(polled, now=now)
                else:
                    content_type = CONTENT_TYPES[case % len(CONTENT_TYPES)]
                    parsed = parse_feed(
                        data, base_url=damaged_source.feed_url, content_type=content_type
                    )
                    outcome.stored += ingest_items(damaged_source, parsed.items, now=now).new
        except Exception as error:  # the test lists every escape, then fails
            outcome.raised.append((case, f"{type(error).__name__}: {str(error)[:200]}"))
        if case % CONTROL_EVERY == CONTROL_EVERY - 1:
            number = case // CONTROL_EVERY
            # One control in five is an earlier feed delivered again.
            feed = sent[(number * 7) % len(sent)] if sent and number % 5 == 4 else control(number)
            sent.append(feed)
            parsed = parse_feed(feed.body, base_url=f"{feed.site}/feed")
            ingest_items(control_sources[feed.site], parsed.items, now=now)
            outcome.controls.update(feed.expected)
    return outcome


def story_inconsistencies() -> list[int]:
    """Stories whose counts, dates or credited first item disagree with their items."""
    wrong = []
    stories = Story.objects.annotate(
        n=Count("items"), sources=Count("items__source", distinct=True), earliest=Min("items__at")
    ).select_related("first_item")
    for story in stories:
        first = story.first_item
        if (
            story.item_count != story.n
            or story.source_count != story.sources
            or first is None
            or first.story_id != story.pk
            or first.at != story.earliest
            or story.first_published_at != story.earliest
        ):
            wrong.append(story.pk)
    return wrong


@pytest.mark.django_db
def test_mutated_feeds_raise_nothing_and_every_control_item_is_stored_exactly_once(
    news_site: NewsSite,
) -> None:
    WatchList.objects.create(name="استاندار", kind=WatchKind.PERSON, query='"استاندار تهران"')
    WatchList.objects.create(name="اعتبارات", kind=WatchKind.TOPIC, query="اعتبار NEAR/3 ریال")
    outcome = fuzz(CASES, site=news_site)
    assert outcome.raised == []
    assert outcome.stored > 0  # the damaged feeds did reach the database
    stored = dict(
        MonitoredItem.objects.filter(url__contains="://control").values_list("url", "title")
    )
    assert stored == outcome.controls
    assert len(outcome.controls) > CASES // CONTROL_EVERY
    assert story_inconsistencies() == []
