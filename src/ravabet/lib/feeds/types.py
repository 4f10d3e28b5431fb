"""The results every feed parser returns: items, outlines and recorded errors."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field


class FeedKind(enum.StrEnum):
    RSS = "rss"
    RDF = "rdf"
    ATOM = "atom"
    JSON_FEED = "json_feed"
    SITEMAP = "sitemap"
    SITEMAP_INDEX = "sitemap_index"
    UNKNOWN = "unknown"


class ParseReason(enum.StrEnum):
    """Why a feed, or part of it, was not read; the app maps each code to a Persian message."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    BAD_COMPRESSION = "bad_compression"
    NOT_A_FEED = "not_a_feed"
    MALFORMED_XML = "malformed_xml"
    UNREADABLE_XML = "unreadable_xml"
    MALFORMED_JSON = "malformed_json"
    ITEM_WITHOUT_URL = "item_without_url"
    ITEM_INVALID = "item_invalid"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class ParseError:
    """One problem met while parsing; ``detail`` is technical (for logs), never shown as is."""

    reason: ParseReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One news item, from a feed, a sitemap or an article page."""

    url: str
    guid: str = ""
    title: str = ""
    lead: str = ""
    body_html: str = ""
    body_text: str = ""
    published: dt.datetime | None = None
    author: str = ""
    image_url: str | None = None
    languages: tuple[str, ...] = ()
    # True when ``body_html`` was sanitised for ``url`` already (by this package's parsers), so
    # whoever stores the item need not sanitise it again.
    sanitised: bool = False


@dataclass(frozen=True, slots=True)
class FeedParse:
    """What one parse of stored bytes produced; ``errors`` is empty when all went well."""

    kind: FeedKind
    items: tuple[ParsedItem, ...] = ()
    title: str = ""
    link: str | None = None
    child_urls: tuple[str, ...] = ()
    errors: tuple[ParseError, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Whether the source was read without any recorded problem."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One subscription of an OPML file."""

    title: str
    xml_url: str
    html_url: str | None = None
    category: str = ""
