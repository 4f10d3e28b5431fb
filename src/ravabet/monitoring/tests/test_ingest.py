"""What ingest stores of an item's markup: the parsers' sanitised HTML as it is, anything else
sanitised first."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ravabet.lib.feeds import ParsedItem, parse_feed
from ravabet.monitoring.models import MonitoredItem
from ravabet.monitoring.services.ingest import ingest_items
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
