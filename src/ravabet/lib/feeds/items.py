"""Shared item building: every kind of feed hands its raw fields to :func:`build_item`."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from lxml import etree

from ravabet.lib.feeds.dates import parse_date
from ravabet.lib.feeds.sanitise import html_to_text, sanitise_html
from ravabet.lib.feeds.types import ParsedItem
from ravabet.lib.feeds.urls import canonical_url

LEAD_MAX = 1000
_INVISIBLE_BLOCKS = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")
_FIRST_IMG = re.compile(r"<img[^>]*\ssrc=\"([^\"]+)\"")
_SPACES = re.compile(r"[^\S\u200c]+")
_PARAGRAPH_BREAK = re.compile(r"\s*(?:<br\s*/?>\s*){2,}|</p\s*>|\n\s*\n", re.IGNORECASE)
_NAME_IN_PARENS = re.compile(r"^\S+@\S+\s*\((.+)\)\s*$")


class ItemWithoutUrl(ValueError):
    """An entry with no http(s) address: it cannot be stored or opened."""


def plain_text(value: str | None) -> str:
    """One line of text from a feed field that may hold escaped HTML."""
    if not value:
        return ""
    text = value
    if "<" in text:
        text = _TAG.sub(" ", _INVISIBLE_BLOCKS.sub(" ", text))
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # double-escaped markup: &amp;lt;b&amp;gt;
            text = _TAG.sub(" ", _INVISIBLE_BLOCKS.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


def lead_text(value: str | None) -> str:
    """The first paragraph of a summary as plain text, at most ``LEAD_MAX`` characters."""
    if not value:
        return ""
    for part in _PARAGRAPH_BREAK.split(value):
        text = plain_text(part)
        if text:
            if len(text) > LEAD_MAX:
                cut = text.rfind(" ", 0, LEAD_MAX)
                text = text[: cut if cut > LEAD_MAX // 2 else LEAD_MAX].rstrip() + "…"
            return text
    return ""


def author_name(value: str | None) -> str:
    """``name`` from RSS's ``email (name)`` form; other forms as they are."""
    text = plain_text(value)
    match = _NAME_IN_PARENS.match(text)
    return match.group(1).strip() if match else text


def element_text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return "".join(element.itertext())


def element_markup(element: etree._Element) -> str:
    """The inner markup of an element (Atom ``type="xhtml"`` content)."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        raw = etree.tostring(child, encoding="unicode", with_tail=True)
        parts.append(raw)
    # The XHTML namespace prefixes are noise for the sanitiser, which drops unknown tags.
    return re.sub(r"<(/?)[A-Za-z][\w.-]*:", r"<\1", "".join(parts))


def build_item(
    *,
    link: str | None,
    base_url: str | None,
    guid: str | None = None,
    title: str | None = None,
    summary_html: str | None = None,
    body_html: str | None = None,
    date_texts: Iterable[str | None] = (),
    author: str | None = None,
    image: str | None = None,
    languages: Iterable[str | None] = (),
    plain_body: str | None = None,
) -> ParsedItem:
    """A :class:`ParsedItem` from raw feed fields; raises :class:`ItemWithoutUrl`."""
    url = canonical_url(link or "", base_url)
    if url is None:
        raise ItemWithoutUrl(link or "")
    source_html = body_html or summary_html or ""
    if not source_html and plain_body:
        source_html = "".join(
            f"<p>{html.escape(p.strip())}</p>" for p in plain_body.split("\n\n") if p.strip()
        )
    clean = sanitise_html(source_html, base_url=url) if source_html else ""
    published = None
    for text in date_texts:
        published = parse_date(text)
        if published is not None:
            break
    image_url = canonical_url(image, url) if image else None
    if image_url is None and clean:
        first = _FIRST_IMG.search(clean)
        image_url = html.unescape(first.group(1)) if first else None
    return ParsedItem(
        url=url,
        guid=(guid or "").strip() or url,
        title=plain_text(title),
        lead=lead_text(summary_html) or lead_text(plain_body) or lead_text(clean),
        body_html=clean,
        body_text=html_to_text(clean),
        published=published,
        author=author_name(author),
        image_url=image_url,
        languages=tuple(dict.fromkeys(lang.strip() for lang in languages if lang and lang.strip())),
        sanitised=True,
    )
