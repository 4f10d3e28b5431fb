"""What ingest stores of an item's markup (the parsers' sanitised HTML as it is, anything else
sanitised first), and the pruning of its band rows past the copy-finding horizon."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from ravabet.core.models import Schedule
from ravabet.lib.feeds import ParsedItem, parse_feed
from ravabet.lib.stories import Fingerprint, fingerprint
from ravabet.monitoring import tasks
from ravabet.monitoring.models import ItemBand, MonitoredItem, Story
from ravabet.monitoring.services import ingest
from ravabet.monitoring.services.ingest import band_keys, ingest_items, prune_bands
from ravabet.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
HOSTILE = '<p onclick="steal()">سیل در فیروزکوه<script>alert(1)</script></p><a href="/x">بیشتر</a>'


def stored_html(url: str) -> str:
    return MonitoredItem.objects.get(url=url).body_html


def test_markup_handed_over_unsanitised_is_sanitised_before_it_is_stored() -> None:
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    url = "https://news.example.ir/news/1"
    ingest_items(source, [ParsedItem(url=url, title="سیل", body_html=HOSTILE)], now=NOW)
    html = stored_html(url)
    assert "script" not in html
    assert "onclick" not in html
    assert "سیل در فیروزکوه" in html
    assert 'href="https://news.example.ir/x"' in html


def test_markup_a_parser_sanitised_is_stored_as_it_came() -> None:
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>خبر</title>'
        "<item><title>سیل</title><link>https://news.example.ir/news/2</link>"
        f"<description><![CDATA[{HOSTILE}]]></description></item></channel></rss>"
    ).encode()
    parsed = parse_feed(feed, base_url=source.feed_url).items
    assert parsed[0].sanitised
    ingest_items(source, parsed, now=NOW)
    html = stored_html("https://news.example.ir/news/2")
    assert html == parsed[0].body_html
    assert "script" not in html
    assert "onclick" not in html


def test_a_sanitised_item_at_another_address_is_sanitised_again_for_it() -> None:
    # Relative links were resolved against the parser's address; the stored one differs.
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    item = ParsedItem(
        url="https://news.example.ir/news/3?utm_source=feed",
        title="سیل",
        body_html=HOSTILE,
        sanitised=True,
    )
    ingest_items(source, [item], now=NOW)
    html = stored_html("https://news.example.ir/news/3")
    assert "script" not in html
    assert "onclick" not in html


# --- band rows past the copy-finding horizon --------------------------------------------------

QUAKE = (
    "زلزله ۴٫۲ ریشتری حوالی دماوند را لرزاند",
    "زمین‌لرزه‌ای به بزرگی ۴٫۲ ریشتر ساعت ۶:۳۰ صبح امروز حوالی دماوند در استان تهران را لرزاند."
    " مدیرکل مدیریت بحران استانداری تهران گفت تاکنون گزارشی از خسارت جانی یا مالی دریافت نشده"
    " است و تیم‌های ارزیاب هلال‌احمر به منطقه اعزام شده‌اند.",
)


def article(number: int, text: str = QUAKE[1]) -> ParsedItem:
    return ParsedItem(url=f"https://news.example.ir/news/{number}", title=QUAKE[0], body_text=text)


def test_a_poll_repeating_stored_items_fingerprints_only_the_new_one(
    monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    ingest_items(source, [article(1), article(2, "سیل در فیروزکوه " * 30)], now=NOW)
    fingerprinted: list[str] = []

    def counted(title: str, text: str) -> Fingerprint:
        fingerprinted.append(text)
        return fingerprint(title, text)

    monkeypatch.setattr(ingest, "fingerprint", counted)
    again = [article(1), article(2, "سیل در فیروزکوه " * 30), article(3, "برف در دماوند " * 30)]
    report = ingest_items(source, again, now=NOW + timedelta(minutes=1))
    assert (report.seen, report.new) == (3, 1)
    assert fingerprinted == ["برف در دماوند " * 30]
    assert MonitoredItem.objects.count() == 3
    # Nothing new at all: nothing is prepared and no transaction is opened (one query).
    fingerprinted.clear()
    with django_assert_num_queries(1):
        assert ingest_items(source, again, now=NOW + timedelta(minutes=2)).new == 0
    assert fingerprinted == []


def test_band_rows_are_pruned_once_their_items_are_past_the_horizon(settings: Any) -> None:
    settings.MONITORING_STORY_BAND_DAYS = 30
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    old_time = NOW - timedelta(days=31)
    ingest_items(source, [article(1)], now=old_time)
    # An edited copy collected the next day joins the first item's story, found by its bands.
    edit = article(2, QUAKE[1] + " جزئیات بیشتر در پی می‌آید.")
    ingest_items(source, [edit], now=old_time + timedelta(days=1))
    ingest_items(source, [article(3, "سیل در فیروزکوه " * 30)], now=NOW)
    first, edited, recent = (MonitoredItem.objects.get(url=article(n).url) for n in (1, 2, 3))
    assert edited.story_id == first.story_id
    kept = set(recent.bands.values_list("key", flat=True))
    assert first.bands.exists()
    assert edited.bands.exists()
    assert kept

    removed = prune_bands(now=NOW + timedelta(hours=12))
    # The first item was collected 31 days and 12 hours before, the edit 30 days and 12 hours.
    assert removed == len(band_keys(Fingerprint.from_bytes(bytes(first.fingerprint)))) + len(
        band_keys(Fingerprint.from_bytes(bytes(edited.fingerprint)))
    )
    assert not ItemBand.objects.exclude(item=recent).exists()
    assert set(recent.bands.values_list("key", flat=True)) == kept
    assert prune_bands(now=NOW + timedelta(hours=12)) == 0
    # Nothing but the band rows went: the items and their story stay.
    assert MonitoredItem.objects.count() == 3
    assert Story.objects.get(pk=first.story_id).item_count == 2


def test_pruning_with_nothing_collected_or_nothing_old_deletes_nothing() -> None:
    assert prune_bands(now=NOW) == 0
    source = SourceFactory.create(feed_url="https://news.example.ir/rss")
    ingest_items(source, [article(1)], now=NOW)
    assert prune_bands(now=NOW + timedelta(days=29)) == 0
    assert ItemBand.objects.exists()


def test_the_pruning_job_runs_nightly() -> None:
    tasks.register_schedules()
    schedule = Schedule.objects.get(name="monitoring-prune-story-bands")
    assert (schedule.daily_at, schedule.task_path) == (
        time(3, 45),
        tasks.prune_story_bands.module_path,
    )
