"""The monitoring demo: its news server serves every feed kind our parser reads and releases
articles over time; its data loads once; a full poll of its sources clusters the copies,
matches the watch-lists and raises one alert for the earthquake."""

from __future__ import annotations

import threading
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from ravabet.core import demo as core_demo
from ravabet.core.models import Notification, OutboxMessage, User
from ravabet.core.notify.channels import bale, sms
from ravabet.lib.feeds import FeedKind, canonical_url, parse_feed
from ravabet.lib.feeds.pages import extract_article, find_article_links
from ravabet.monitoring import demo
from ravabet.monitoring.demo.data import EARTHQUAKE_WATCH, GOVERNOR_CHANNELS, WATCHES
from ravabet.monitoring.demo.outlets import OUTLETS
from ravabet.monitoring.demo.server import ARTICLES, NewsDesk, NewsServer, make_server
from ravabet.monitoring.demo.stories_live import URGENT
from ravabet.monitoring.models import (
    Alert,
    MonitoredItem,
    PollOutcome,
    Source,
    SourceState,
    Story,
    WatchList,
    WatchMatch,
)
from ravabet.monitoring.services import polling

START = datetime(2025, 11, 27, 4, 30, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def quick_passwords(settings: Any) -> None:
    """The demo people's passwords hashed quickly: argon2 for fifteen of them takes seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def news_server(clock: Clock, settings: Any) -> Iterator[NewsServer]:
    server = make_server(0, lambda base: NewsDesk(start=START, base_url=base, clock=clock))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.MONITORING_FETCH_ALLOW = [f"127.0.0.1:{server.server_address[1]}"]
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def get(server: NewsServer, path: str, etag: str = "") -> tuple[int, bytes, str, str]:
    request = urllib.request.Request(server.desk.base_url + path)  # noqa: S310 - loopback
    if etag:
        request.add_header("If-None-Match", etag)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            body = response.read()
            return response.status, body, response.headers["Content-Type"], response.headers["ETag"]
    except urllib.error.HTTPError as error:
        return error.code, b"", "", error.headers.get("ETag", "")


def released(outlet_code: str, minutes: int) -> int:
    return sum(a.outlet.code == outlet_code and a.minute <= minutes for a in ARTICLES)


def test_the_news_server_serves_every_feed_kind_and_our_parser_reads_them_without_errors(
    news_server: NewsServer, clock: Clock
) -> None:
    clock.now = START + timedelta(hours=3)
    kinds = set()
    for outlet in OUTLETS:
        status, body, content_type, _etag = get(news_server, outlet.feed_path)
        assert status == 200
        feed_url = news_server.desk.base_url + outlet.feed_path
        if outlet.feed == "page":
            links = find_article_links(body, feed_url)
            assert len(links) == released(outlet.code, 180)
            for link in links:
                page = get(news_server, link.removeprefix(news_server.desk.base_url))
                extracted = extract_article(page[1], link)
                assert extracted is not None
                assert extracted.title
                assert extracted.published is not None
            kinds.add("page")
            continue
        parsed = parse_feed(body, base_url=feed_url, content_type=content_type)
        assert parsed.errors == (), outlet.code
        assert len(parsed.items) == released(outlet.code, 180)
        assert all(item.title and item.published for item in parsed.items)
        kinds.add(parsed.kind)
    assert kinds == {
        FeedKind.RSS,
        FeedKind.RDF,
        FeedKind.ATOM,
        FeedKind.JSON_FEED,
        FeedKind.SITEMAP,
        "page",
    }


def test_the_old_site_writes_windows_1256_with_arabic_letters_and_latin_digits(
    news_server: NewsServer,
) -> None:
    _status, body, _type, _etag = get(news_server, "/reynameh/rss.xml")
    assert body.startswith(b'<?xml version="1.0" encoding="windows-1256"?>')
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    titles = [item.title for item in parse_feed(body, base_url=news_server.desk.base_url).items]
    assert any("ي" in title or "ك" in title for title in titles)
    assert not any(ch in "۰۱۲۳۴۵۶۷۸۹" for title in titles for ch in title)


def test_articles_appear_over_time_and_a_feed_changes_only_when_one_appears(
    news_server: NewsServer, clock: Clock
) -> None:
    status, body, _type, etag = get(news_server, "/avay/rss.xml")
    at_start = len(parse_feed(body, base_url=news_server.desk.base_url).items)
    assert at_start == released("avay", 0)
    assert not any(
        "دماوند را لرزاند" in item.title
        for item in parse_feed(body, base_url=news_server.desk.base_url).items
    )
    assert get(news_server, "/avay/rss.xml", etag)[0] == 304

    clock.now = START + timedelta(minutes=3)
    status, body, _type, new_etag = get(news_server, "/avay/rss.xml", etag)
    assert status == 200
    assert new_etag != etag
    items = parse_feed(body, base_url=news_server.desk.base_url).items
    assert len(items) == at_start + 1
    assert "دماوند را لرزاند" in items[0].title
    urgent = next(a for a in ARTICLES if a.story == URGENT and a.outlet.code == "avay")
    assert items[0].url == canonical_url(news_server.desk.base_url + urgent.path)


def test_an_article_not_yet_published_is_not_found(news_server: NewsServer) -> None:
    later = next(a for a in ARTICLES if a.minute > 30)
    assert get(news_server, later.path)[0] == 404


def test_the_timeline_start_is_kept_in_the_data_folder_so_a_rerun_continues(
    settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    first = demo.start_time(now=START)
    assert demo.start_time(now=START + timedelta(days=1)) == first == START
    assert (tmp_path / demo.START_FILE).exists()


def test_the_pretend_phone_answers_the_bale_and_sms_adapters_like_their_gateways(
    news_server: NewsServer, settings: Any, db: None
) -> None:
    base = news_server.desk.base_url
    settings.BALE_BOT_TOKEN, settings.BALE_API_URL = "demo", f"{base}/phone/bale"
    settings.SMS_API_KEY, settings.SMS_API_URL = "demo", f"{base}/phone/sms"
    message = OutboxMessage(pk=7, address="1000001", subject="فوری: زلزله", body="متن")
    assert bale.send(message) == "1"
    message.address = "09120000001"
    assert sms.send(message) == "2"
    phone = news_server.desk.phone
    assert [(m.channel, m.address) for m in phone.messages] == [
        ("sms", "09120000001"),
        ("bale", "1000001"),
    ]
    assert "فوری: زلزله" in get(news_server, "/phone/")[1].decode()


def test_the_demo_command_finds_the_monitoring_demo_its_settings_and_its_news_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAVABET_POLL_MIN_SECONDS", "45")
    monkeypatch.setenv("RAVABET_FETCH_ALLOW", "10.0.0.5:8080")
    monkeypatch.delenv("RAVABET_BALE_TOKEN", raising=False)
    monkeypatch.delenv(demo.NEWS_PORT_VARIABLE, raising=False)
    assert ("monitoring", demo) in core_demo.app_demos()
    environment = core_demo.app_environment()
    assert environment["RAVABET_FETCH_ALLOW"] == "10.0.0.5:8080,127.0.0.1:8001"
    assert "RAVABET_POLL_MIN_SECONDS" not in environment  # the person's own setting wins
    assert environment["RAVABET_BALE_API_URL"] == "http://127.0.0.1:8001/phone/bale"
    assert [*demo.processes()[0][-3:]] == ["demo_news", "--port", "8001"]
    assert demo.processes()[0] in core_demo.app_processes()


def test_loading_the_monitoring_demo_twice_creates_nothing_twice(
    db: None, quick_passwords: None, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    core_demo.load()
    created = demo.load()
    assert created == {"sources": len(OUTLETS), "watch-lists": len(WATCHES), "topics": 12}
    counts = (Source.objects.count(), WatchList.objects.count(), SourceState.objects.count())
    assert demo.load() == {"sources": 0, "watch-lists": 0, "topics": 0}
    assert (Source.objects.count(), WatchList.objects.count(), SourceState.objects.count()) == (
        counts
    )
    governor = User.objects.get(username="governor")
    assert (governor.bale_chat_id, governor.mobile) == (
        GOVERNOR_CHANNELS["bale_chat_id"],
        GOVERNOR_CHANNELS["mobile"],
    )


def _poll_every_source(now: datetime) -> list[str]:
    outcomes = []
    for source in Source.objects.select_related("state").order_by("pk"):
        SourceState.objects.filter(source=source).update(next_poll_at=now)
        assert polling.claim(source.pk, now=now)
        outcomes.append(polling.poll_source(source, now=now).outcome)
    return outcomes


@pytest.mark.usefixtures("db", "quick_passwords")
def test_a_full_poll_of_the_demo_clusters_copies_matches_watch_lists_and_alerts_once(
    news_server: NewsServer,
    clock: Clock,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.NEWS_PORT_VARIABLE, str(news_server.server_address[1]))
    core_demo.load()
    demo.load()
    clock.now = now = START + timedelta(hours=2)

    assert set(_poll_every_source(now)) == {PollOutcome.NEW_ITEMS}
    assert MonitoredItem.objects.count() == len(ARTICLES)

    # Every story's copies (all but the newspaper's bare sitemap headlines) are one story,
    # and no story mixes two events.
    key_of = {canonical_url(news_server.desk.base_url + a.path): a.story for a in ARTICLES}
    stories_of_key: dict[str, set[int]] = defaultdict(set)
    keys_of_story: dict[int, set[str]] = defaultdict(set)
    for url, story_id, code in MonitoredItem.objects.values_list(
        "url", "story_id", "source__feed_url"
    ):
        if "/shahr/" not in code:
            stories_of_key[key_of[url]].add(story_id)
        keys_of_story[story_id].add(key_of[url])
    assert {key: ids for key, ids in stories_of_key.items() if len(ids) > 1} == {}
    assert {sid: keys for sid, keys in keys_of_story.items() if len(keys) > 1} == {}

    quake = Story.objects.get(pk=next(iter(stories_of_key[URGENT])))
    assert (quake.item_count, quake.source_count) == (9, 9)
    assert quake.first_item is not None
    assert quake.first_item.source.name == "خبرگزاری آوای ایران"

    alert = Alert.objects.get()
    assert alert.story == quake
    assert alert.watch_list is not None
    assert alert.watch_list.name == EARTHQUAKE_WATCH
    assert Notification.objects.filter(recipient__username="governor", urgent=True).count() == 1

    matched = set(WatchMatch.objects.values_list("watch_list__name", flat=True))
    assert matched == {watch.name for watch in WATCHES}
    governor_stories = Story.objects.filter(official="استاندار تهران")
    assert governor_stories.filter(organisation__code="tehran-governorate").exists()

    # Nothing new a minute later: conditional requests and no second alert.
    later = now + timedelta(minutes=1)
    assert set(_poll_every_source(later)) == {PollOutcome.NOT_MODIFIED}
    assert Alert.objects.count() == 1
    assert timezone.is_aware(quake.first_published_at)
