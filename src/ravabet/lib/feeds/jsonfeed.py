"""JSON Feed 1.0 and 1.1; every field is type-checked, since JSON carries no schema."""

from __future__ import annotations

import json
from typing import Any

from ravabet.lib.feeds.items import build_item
from ravabet.lib.feeds.types import ParsedItem


class NotJsonFeed(ValueError):
    """JSON that is not a JSON Feed object."""


def _str(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _author(item: dict[str, Any], feed: dict[str, Any]) -> str:
    for source in (item, feed):
        authors = source.get("authors")
        if isinstance(authors, list):
            names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
            if any(names):
                return "، ".join(n for n in names if n)
        author = source.get("author")
        if isinstance(author, dict) and _str(author.get("name")):
            return _str(author.get("name"))
    return ""


def load(text: str) -> dict[str, Any]:
    """The feed object; raises :class:`NotJsonFeed` or ``ValueError`` for anything else."""
    document = json.loads(text)
    if not isinstance(document, dict):
        raise NotJsonFeed("top level is not an object")
    version = _str(document.get("version"))
    versioned = version.startswith(
        ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
    )
    if not versioned and not isinstance(document.get("items"), list):
        raise NotJsonFeed("no JSON Feed version and no items")
    return document


def items(document: dict[str, Any]) -> list[object]:
    raw = document.get("items")
    return raw if isinstance(raw, list) else []


def item_of(raw: object, *, document: dict[str, Any], base_url: str) -> ParsedItem:
    if not isinstance(raw, dict):
        raise ValueError("item is not an object")
    base = _str(document.get("home_page_url")) or _str(document.get("feed_url")) or base_url
    return build_item(
        link=_str(raw.get("url")) or _str(raw.get("external_url")),
        base_url=base_url if not base.startswith(("http:", "https:")) else base,
        guid=_str(raw.get("id")) if isinstance(raw.get("id"), str) else str(raw.get("id") or ""),
        title=_str(raw.get("title")),
        summary_html=_str(raw.get("summary")),
        body_html=_str(raw.get("content_html")),
        plain_body=_str(raw.get("content_text")),
        date_texts=(_str(raw.get("date_published")), _str(raw.get("date_modified"))),
        author=_author(raw, document),
        image=_str(raw.get("image")) or _str(raw.get("banner_image")) or None,
        languages=(_str(raw.get("language")), _str(document.get("language"))),
    )
