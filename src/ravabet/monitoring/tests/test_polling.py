"""Polling sources and storing their items: each item once, copies clustered into stories with
the first publisher credited, watch-lists matched on arrival, failures recorded and backed off,
a crash mid-ingest losing and duplicating nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.utils import timezone

from ravabet.core.audit import audited_update
from ravabet.core.models import Notification, Organisation, Role, User
from ravabet.core.tests.factories import UserFactory
from ravabet.lib.feeds import parse_feed
from ravabet.monitoring.models import (
    Alert,
    FeedType,
    MonitoredItem,
    PollOutcome,
    Source,
    SourceState,
    Story,
    WatchKind,
    WatchList,
)
from ravabet.monitoring.services import ingest, polling
from ravabet.monitoring.tests.conftest import NewsSite
from ravabet.monitoring.tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

QUAKE = (
    "زلزله ۴٫۲ ریشتری حوالی دماوند را لرزاند",
    "به گزارش خبرگزاری فارس از تهران، زمین‌لرزه‌ای به بزرگی ۴٫۲ ریشتر ساعت ۶:۳۰ صبح امروز"
    " حوالی دماوند در استان تهران را لرزاند. مدیرکل مدیریت بحران استانداری تهران گفت تاکنون"
    " گزارشی از خسارت جانی یا مالی دریافت نشده است و تیم‌های ارزیاب هلال‌احمر به منطقه اعزام"
    " شده‌اند. مردم از تجمع در ساختمان‌های فرسوده پرهیز کنند و اخبار را از مراجع رسمی دنبال کنند.",
)
WATER = (
    "افتتاح تصفیه‌خانه آب شهرستان ری با حضور استاندار",
    "تصفیه‌خانه جدید آب شهرستان ری با ظرفیت ۲۰۰۰ لیتر در ثانیه با حضور استاندار تهران و"
    " فرماندار ری افتتاح شد. استاندار تهران در این مراسم گفت با بهره‌برداری از این طرح، کم‌آبی"
    " تابستان در جنوب استان تا حد زیادی برطرف می‌شود و طرح‌های دیگر نیز در دست اجراست.",
)


def rss(*items: tuple[str, str, str, datetime]) -> str:
    """An RSS feed of (path, title, text, published) items, written as Iranian sites do:
    Arabic yeh and kaf in places, HTML in the description."""
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape('<p>' + text + '</p>')}</description>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
        for link, title, text, published in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>خبرگزاری آزمایشی</title><link>https://example.ir/</link>{entries}"
        "</channel></rss>"
    )


def feed_source(site: NewsSite, path: str, body: str, **fields: Any) -> Source:
    return SourceFactory.create(feed_url=site.serve(path, body), **fields)


def poll(source: Source, when: datetime = NOW) -> Any:
    source = Source.objects.select_related("state").get(pk=source.pk)
    SourceState.objects.filter(source=source).update(next_poll_at=when)
    assert polling.claim(source.pk, now=when)
    return polling.poll_source(source, now=when)


def test_a_poll_stores_each_item_once_and_the_next_poll_asks_conditionally(
    news_site: NewsSite,
) -> None:
    body = rss(
        ("https://fars.example.ir/news/1", *QUAKE, NOW - timedelta(hours=1)),
        ("https://fars.example.ir/news/2?utm_source=rss", *WATER, NOW - timedelta(hours=2)),
    )
    source = feed_source(news_site, "/rss", body)
    first = poll(source)
    assert (first.outcome, first.items_seen, first.items_new) == (PollOutcome.NEW_ITEMS, 2, 2)
    urls = set(MonitoredItem.objects.values_list("url", flat=True))
    assert urls == {"https://fars.example.ir/news/1", "https://fars.example.ir/news/2"}
    second = poll(source, NOW + timedelta(minutes=10))
    assert second.outcome == PollOutcome.NOT_MODIFIED
    assert news_site.requests[-1][1] != ""  # If-None-Match was sent
    assert MonitoredItem.objects.count() == 2


def test_persian_words_with_half_spaces_are_stored_intact(news_site: NewsSite) -> None:
    source = feed_source(news_site, "/rss", rss(("https://a.example.ir/1", *QUAKE, NOW)))
    poll(source)
    item = MonitoredItem.objects.get()
    for word in ("زمین‌لرزه‌ای", "تیم‌های", "ساختمان‌های", "شده‌اند"):
        assert word in item.body_text
    assert "۴٫۲" in item.title


def test_copies_from_other_sources_join_the_story_and_the_first_publisher_is_credited(
    news_site: NewsSite,
) -> None:
    first = feed_source(
        news_site, "/fars", rss(("https://fars.example.ir/1", *QUAKE, NOW - timedelta(hours=2)))
    )
    copy_title = QUAKE[0].replace("ی", "ي").replace("ک", "ك")
    copy_text = QUAKE[1].replace("به گزارش خبرگزاری فارس از تهران،", "به گزارش ایسنا،")
    second = feed_source(
        news_site, "/isna", rss(("https://isna.example.ir/9", copy_title, copy_text, NOW))
    )
    other = feed_source(news_site, "/irna", rss(("https://irna.example.ir/5", *WATER, NOW)))
    # The copy is collected before the original: the original still gets the credit.
    poll(second)
    poll(other)
    poll(first)
    story = MonitoredItem.objects.get(url="https://isna.example.ir/9").story
    assert set(story.items.values_list("source", flat=True)) == {first.pk, second.pk}
    assert (story.item_count, story.source_count) == (2, 2)
    assert story.first_item is not None
    assert story.first_item.source == first
    assert Story.objects.count() == 2


def test_the_same_text_at_another_address_is_an_exact_copy(news_site: NewsSite) -> None:
    source = feed_source(
        news_site,
        "/rss",
        rss(
            ("https://a.example.ir/1", *WATER, NOW - timedelta(minutes=5)),
            ("https://a.example.ir/print/1", *WATER, NOW),
        ),
    )
    poll(source)
    original = MonitoredItem.objects.get(url="https://a.example.ir/1")
    printed = MonitoredItem.objects.get(url="https://a.example.ir/print/1")
    assert printed.exact_copy_of == original
    assert printed.story == original.story
    assert not printed.bands.exists()


def test_watch_lists_match_any_spelling_tag_the_item_and_attribute_it(
    news_site: NewsSite, org_a: Organisation
) -> None:
    governor = WatchList.objects.create(
        name="استاندار تهران",
        kind=WatchKind.PERSON,
        query='"استاندار تهران"',
        official="استاندار",
        organisation=org_a,
    )
    WatchList.objects.create(name="زلزله", kind=WatchKind.TOPIC, query="زلزله OR زمين‌لرزه")
    WatchList.objects.create(name="سیل", kind=WatchKind.TOPIC, query="سیل -آبگرفتگی")
    source = feed_source(news_site, "/rss", rss(("https://a.example.ir/1", *WATER, NOW)))
    poll(source)
    item = MonitoredItem.objects.get()
    assert [m.watch_list for m in item.matches.all()] == [governor]
    assert item.organisation == org_a
    assert (item.story.organisation, item.story.official) == (org_a, "استاندار")


def test_an_alerting_watch_list_alerts_once_per_story_however_many_copies_arrive(
    news_site: NewsSite,
) -> None:
    governor = UserFactory.create(roles=[Role.GOVERNOR])
    WatchList.objects.create(name="زلزله", kind=WatchKind.TOPIC, query="زلزله", raises_alert=True)
    first = feed_source(news_site, "/a", rss(("https://a.example.ir/1", *QUAKE, NOW)))
    second = feed_source(
        news_site, "/b", rss(("https://b.example.ir/7", QUAKE[0], QUAKE[1] + " انتهای پیام", NOW))
    )
    poll(first)
    poll(second)
    alert = Alert.objects.get()
    assert alert.story.item_count == 2
    assert list(alert.receipts.values_list("recipient", flat=True)) == [governor.pk]
    notification = Notification.objects.get(recipient=governor)
    assert notification.urgent
    assert QUAKE[0] in notification.title


def test_a_failing_source_is_recorded_backed_off_and_named_in_persian(
    news_site: NewsSite,
) -> None:
    source = feed_source(news_site, "/rss", rss(("https://a.example.ir/1", *QUAKE, NOW)))
    news_site.broken.add("/rss")
    for attempt in range(4):
        result = poll(source, NOW + timedelta(hours=attempt * 7))
        assert result.outcome == PollOutcome.FETCH_FAILED
        assert result.error == "http_status"
    state = SourceState.objects.get(source=source)
    assert state.consecutive_failures == 4
    assert state.circuit_open_until is not None
    assert state.next_poll_at >= state.circuit_open_until
    assert source.pk not in polling.due_source_ids(now=NOW + timedelta(hours=21, minutes=1))
    news_site.broken.clear()
    assert poll(source, state.circuit_open_until).outcome == PollOutcome.NEW_ITEMS
    state.refresh_from_db()
    assert (state.consecutive_failures, state.last_error) == (0, "")


def test_an_address_outside_the_allowed_networks_is_refused_without_a_request(
    news_site: NewsSite, settings: Any
) -> None:
    source = feed_source(news_site, "/rss", rss(("https://a.example.ir/1", *QUAKE, NOW)))
    settings.MONITORING_FETCH_ALLOW = []
    result = poll(source)
    assert (result.outcome, result.error) == (PollOutcome.FETCH_FAILED, "blocked_address")
    assert news_site.requests == []


def test_polling_is_frequent_for_active_sources_and_rare_for_quiet_ones(
    news_site: NewsSite, settings: Any
) -> None:
    settings.MONITORING_POLL_MIN_SECONDS, settings.MONITORING_POLL_MAX_SECONDS = 60, 3600
    source = feed_source(news_site, "/rss", rss(("https://a.example.ir/1", *QUAKE, NOW)))
    SourceState.objects.filter(source=source).update(interval_seconds=600)
    poll(source)
    assert SourceState.objects.get(source=source).interval_seconds == 300
    news_site.serve("/rss", rss(("https://a.example.ir/1", *QUAKE, NOW)) + " ")
    for step in range(12):
        poll(source, NOW + timedelta(hours=step + 1))
    assert SourceState.objects.get(source=source).interval_seconds == 3600


def test_a_dormant_source_is_polled_rarely_until_it_publishes_again(
    news_site: NewsSite, settings: Any
) -> None:
    settings.MONITORING_POLL_MIN_SECONDS, settings.MONITORING_POLL_MAX_SECONDS = 20, 40
    settings.MONITORING_POLL_DORMANT_AFTER = timedelta(hours=24)
    settings.MONITORING_POLL_DORMANT_SECONDS = 900
    quake = ("https://a.example.ir/1", *QUAKE, NOW - timedelta(days=3))
    dormant = feed_source(news_site, "/county", rss(quake), tier=1)
    water = ("https://b.example.ir/1", *WATER, NOW - timedelta(hours=3))
    active = feed_source(news_site, "/agency", rss(water), tier=1)
    # Both listed a month ago (the audited way to backdate them).
    audited_update(
        Source.objects.filter(pk__in=[dormant.pk, active.pk]), created_at=NOW - timedelta(days=30)
    )
    poll(dormant, NOW - timedelta(days=2))  # its last new item: two days ago
    poll(active, NOW - timedelta(hours=2))  # two hours ago

    def intervals(source: Source, polls: int) -> list[int]:
        seen, when = [], NOW
        for _ in range(polls):
            poll(source, when)
            seen.append(SourceState.objects.get(source=source).interval_seconds)
            when += timedelta(seconds=seen[-1])
        return seen

    # Nothing new: the dormant source stretches to a poll every 15 minutes, the active one
    # stays within a poll every 40 seconds.
    stretched = intervals(dormant, 12)
    assert stretched == sorted(stretched)
    assert stretched[-1] == 900
    assert max(intervals(active, 12)) == 40
    # Its first new item brings the dormant source back at once.
    news_site.serve("/county", rss(quake, ("https://a.example.ir/2", *WATER, NOW)))
    poll(dormant, NOW + timedelta(hours=6))
    assert SourceState.objects.get(source=dormant).interval_seconds == 40


def test_an_unchanged_feed_from_a_site_without_validators_is_not_parsed_again(
    news_site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    news_site.validators = False
    quake = ("https://a.example.ir/1", *QUAKE, NOW - timedelta(hours=1))
    source = feed_source(news_site, "/rss", rss(quake))
    assert poll(source).outcome == PollOutcome.NEW_ITEMS
    parsed: list[str] = []

    def counted(data: bytes, **kwargs: Any) -> Any:
        parsed.append(kwargs["base_url"])
        return parse_feed(data, **kwargs)

    monkeypatch.setattr(polling, "parse_feed", counted)
    again = poll(source, NOW + timedelta(minutes=1))
    assert (again.outcome, again.http_status, parsed) == (PollOutcome.NOT_MODIFIED, 200, [])
    assert news_site.requests[-1] == ("/rss", "")  # the site gave no validator to send back
    news_site.serve("/rss", rss(quake, ("https://a.example.ir/2", *WATER, NOW)))
    changed = poll(source, NOW + timedelta(minutes=2))
    assert (changed.outcome, changed.items_new, len(parsed)) == (PollOutcome.NEW_ITEMS, 1, 1)
    assert MonitoredItem.objects.count() == 2


def test_a_sitemap_index_is_read_again_though_it_is_unchanged(news_site: NewsSite) -> None:
    # Its children change while it does not: its bytes say nothing of what is new.
    news_site.validators = False

    def urlset(*paths: str) -> str:
        urls = "".join(
            f"<url><loc>https://a.example.ir{path}</loc><lastmod>2026-11-27T07:00:00Z</lastmod>"
            "</url>"
            for path in paths
        )
        return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    index = (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{news_site.url('/news.xml')}</loc></sitemap></sitemapindex>"
    )
    news_site.serve("/news.xml", urlset("/news/1"), "application/xml")
    source = feed_source(news_site, "/sitemap.xml", index, feed_type=FeedType.SITEMAP)
    assert poll(source).items_new == 1
    news_site.serve("/news.xml", urlset("/news/1", "/news/2"), "application/xml")
    assert poll(source, NOW + timedelta(minutes=1)).items_new == 1
    assert MonitoredItem.objects.count() == 2


def test_only_one_worker_claims_a_due_source() -> None:
    source = SourceFactory.create()
    assert polling.claim(source.pk, now=timezone.now())
    assert not polling.claim(source.pk, now=timezone.now())
    # A lost claim (its worker died) expires.
    later = timezone.now() + settings.MONITORING_POLL_LEASE + timedelta(seconds=1)
    assert polling.claim(source.pk, now=later)


def test_a_crash_in_the_middle_of_a_batch_stores_nothing_and_the_retry_stores_all_once(
    news_site: NewsSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = rss(
        ("https://a.example.ir/1", *QUAKE, NOW - timedelta(hours=1)),
        ("https://a.example.ir/2", *WATER, NOW),
    )
    source = feed_source(news_site, "/rss", body)

    def crash(label: str, ids: Any) -> None:
        # Every row of the batch is written by now, none committed.
        assert MonitoredItem.objects.count() == 2
        raise MemoryError("worker killed")

    monkeypatch.setattr(ingest, "index_later_many", crash)
    with pytest.raises(MemoryError):
        poll(source)
    assert not MonitoredItem.objects.exists()
    assert not Story.objects.exists()
    monkeypatch.undo()
    # The claim of the dead worker expires; the next poll stores both items, once.
    later = NOW + settings.MONITORING_POLL_LEASE + timedelta(minutes=1)
    assert poll(source, later).items_new == 2
    assert poll(source, later + timedelta(hours=1)).outcome == PollOutcome.NOT_MODIFIED
    assert MonitoredItem.objects.count() == 2


def test_a_listing_page_without_a_feed_yields_its_articles(news_site: NewsSite) -> None:
    article = (
        "<html lang='fa' dir='rtl'><head><title>{t}</title>"
        "<meta property='article:published_time' content='2026-11-27T10:00:00+03:30'></head>"
        "<body><nav><a href='/'>صفحه نخست</a></nav><article><h1>{t}</h1>"
        "<p>{b}</p><p>{b}</p></article><footer>کلیه حقوق محفوظ است</footer></body></html>"
    )
    news_site.serve("/news/1001/quake", article.format(t=QUAKE[0], b=QUAKE[1]), "text/html")
    news_site.serve("/news/1002/water", article.format(t=WATER[0], b=WATER[1]), "text/html")
    listing = (
        "<html><body><nav><a href='/about'>درباره ما</a><a href='/tag/x'>برچسب</a></nav><main>"
        f"<a href='/news/1001/quake'>{QUAKE[0]}</a><a href='/news/1002/water'>{WATER[0]}</a>"
        "</main></body></html>"
    )
    source = SourceFactory.create(
        feed_url=news_site.serve("/", listing, "text/html"), feed_type=FeedType.PAGE
    )
    result = poll(source)
    assert result.items_new == 2
    titles = set(MonitoredItem.objects.values_list("title", flat=True))
    assert titles == {QUAKE[0], WATER[0]}


def test_agency_officer_sees_only_stories_about_their_organisation(
    author: User, org_a: Organisation, org_b: Organisation
) -> None:
    from ravabet.monitoring.selectors import stories_visible
    from ravabet.monitoring.tests.factories import make_story

    own = make_story(organisation=org_a)
    make_story(organisation=org_b)
    make_story()
    assert list(stories_visible(for_user=author)) == [own]
