"""Feeds, sitemaps and article pages read from stored bytes into Persian news items.

``parse_feed`` reads RSS 0.9x/1.0/2.0, Atom, JSON Feed and sitemaps and never raises;
``parse_opml`` reads subscription lists; ``find_article_links`` and ``extract_article`` serve
sites without a feed; ``parse_date`` and ``sanitise_html`` are the shared building blocks.
"""

from __future__ import annotations

from ravabet.lib.feeds.dates import parse_date
from ravabet.lib.feeds.opml import parse_opml
from ravabet.lib.feeds.pages import extract_article, find_article_links
from ravabet.lib.feeds.parse import parse_feed
from ravabet.lib.feeds.sanitise import html_to_text, sanitise_html
from ravabet.lib.feeds.types import (
    FeedKind,
    FeedParse,
    OpmlOutline,
    ParsedItem,
    ParseError,
    ParseReason,
)
from ravabet.lib.feeds.urls import canonical_url

__all__ = [
    "FeedKind",
    "FeedParse",
    "OpmlOutline",
    "ParseError",
    "ParseReason",
    "ParsedItem",
    "canonical_url",
    "extract_article",
    "find_article_links",
    "html_to_text",
    "parse_date",
    "parse_feed",
    "parse_opml",
    "sanitise_html",
]
