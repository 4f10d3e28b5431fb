"""``parse_feed``: the one total entry point from stored bytes to items."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from ravabet.lib.feeds import atom, jsonfeed, rss, sitemap
from ravabet.lib.feeds.decode import DecodeError, decode, decompress, parse_xml
from ravabet.lib.feeds.items import ItemWithoutUrl, plain_text
from ravabet.lib.feeds.types import FeedKind, FeedParse, ParsedItem, ParseError, ParseReason
from ravabet.lib.feeds.urls import canonical_url
from ravabet.lib.feeds.xmlfields import short_name

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ITEMS = 50_000  # the sitemap protocol's limit; more is a runaway document


def _collect(
    raws: Iterable[T], build: Callable[[T], ParsedItem], errors: list[ParseError]
) -> tuple[ParsedItem, ...]:
    """Items built one by one: a broken entry is recorded and skipped, the rest kept."""
    items: dict[str, ParsedItem] = {}
    for index, raw in enumerate(raws):
        if index >= MAX_ITEMS:
            errors.append(ParseError(ParseReason.TOO_LARGE, f"over {MAX_ITEMS} items"))
            break
        try:
            item = build(raw)
        except ItemWithoutUrl as exc:
            errors.append(ParseError(ParseReason.ITEM_WITHOUT_URL, f"item {index}: {exc}"[:300]))
            continue
        except Exception as exc:  # one bad entry must not lose the others
            errors.append(ParseError(ParseReason.ITEM_INVALID, f"item {index}: {exc!r}"[:300]))
            continue
        items.setdefault(item.url, item)  # a feed listing a story twice gives it once
    return tuple(items.values())


def _looks_like_json(text: str, content_type: str | None) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in {"{", "["} or "json" in (content_type or "").lower()


def _parse_json(text: str, base_url: str) -> FeedParse:
    try:
        document = jsonfeed.load(text)
    except (ValueError, RecursionError) as exc:
        return FeedParse(
            FeedKind.UNKNOWN, errors=(ParseError(ParseReason.MALFORMED_JSON, str(exc)[:300]),)
        )
    errors: list[ParseError] = []
    items = _collect(
        jsonfeed.items(document),
        lambda raw: jsonfeed.item_of(raw, document=document, base_url=base_url),
        errors,
    )
    title = document.get("title")
    home = document.get("home_page_url")
    return FeedParse(
        FeedKind.JSON_FEED,
        items=items,
        title=plain_text(title) if isinstance(title, str) else "",
        link=canonical_url(home, base_url) if isinstance(home, str) else None,
        errors=tuple(errors),
    )


def _parse_xml(text: str, base_url: str) -> FeedParse:
    root, errors = parse_xml(text, base_url=base_url)
    if root is None:
        return FeedParse(FeedKind.UNKNOWN, errors=tuple(errors))
    name = short_name(root.tag).rpartition(":")[2]
    if name in {"rss", "rdf"}:
        kind, channel, elements = rss.channel_parts(root)
        title, link, languages = rss.channel_meta(channel, root)
        items = _collect(
            elements, lambda e: rss.item_of(e, base_url=base_url, languages=languages), errors
        )
        return FeedParse(
            kind,
            items=items,
            title=plain_text(title),
            link=canonical_url(link, base_url),
            errors=tuple(errors),
        )
    if name == "feed":
        ns, title, link, languages, entries = atom.feed_parts(root)
        items = _collect(
            entries,
            lambda e: atom.entry_of(e, base_url=base_url, languages=languages, ns=ns),
            errors,
        )
        return FeedParse(
            FeedKind.ATOM,
            items=items,
            title=plain_text(title),
            link=canonical_url(link, base_url),
            errors=tuple(errors),
        )
    if name == "urlset":
        items = _collect(
            sitemap.entries(root), lambda e: sitemap.url_of(e, base_url=base_url), errors
        )
        return FeedParse(FeedKind.SITEMAP, items=items, errors=tuple(errors))
    if name == "sitemapindex":
        children = sitemap.child_sitemaps(root, base_url=base_url)
        return FeedParse(FeedKind.SITEMAP_INDEX, child_urls=tuple(children), errors=tuple(errors))
    errors.append(ParseError(ParseReason.NOT_A_FEED, f"root element {name!r}"[:300]))
    return FeedParse(FeedKind.UNKNOWN, errors=tuple(errors))


def parse_feed(data: bytes, *, base_url: str, content_type: str | None = None) -> FeedParse:
    """Items of an RSS, Atom, JSON Feed or sitemap document held in ``data``.

    Never raises for any input: problems are recorded in ``errors``, a broken item is skipped
    and the others kept, and an unreadable source gives no items.
    """
    try:
        if not data or not data.strip():
            return FeedParse(FeedKind.UNKNOWN, errors=(ParseError(ParseReason.EMPTY),))
        text = decode(decompress(data), content_type)
        if _looks_like_json(text, content_type):
            return _parse_json(text, base_url)
        head = text.lstrip("\ufeff \t\r\n")[:1024].lower()
        if head.startswith(("<!doctype html", "<html")):
            return FeedParse(
                FeedKind.UNKNOWN, errors=(ParseError(ParseReason.NOT_A_FEED, "an HTML page"),)
            )
        return _parse_xml(text, base_url)
    except DecodeError as exc:
        return FeedParse(FeedKind.UNKNOWN, errors=(ParseError(exc.reason, exc.detail[:300]),))
    except Exception as exc:  # the boundary is total; the cause goes to the log
        logger.exception("feed parse failed for %s", base_url)
        return FeedParse(
            FeedKind.UNKNOWN, errors=(ParseError(ParseReason.INTERNAL, repr(exc)[:300]),)
        )
