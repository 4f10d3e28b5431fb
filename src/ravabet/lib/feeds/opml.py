"""OPML subscription lists, as feed readers export them; nested outlines give the category."""

from __future__ import annotations

from lxml import etree

from ravabet.lib.feeds.decode import DecodeError, decode, decompress, parse_xml
from ravabet.lib.feeds.items import plain_text
from ravabet.lib.feeds.types import OpmlOutline
from ravabet.lib.feeds.urls import canonical_url
from ravabet.lib.feeds.xmlfields import short_name

MAX_OUTLINES = 10_000


def _attribute(element: etree._Element, *names: str) -> str:
    # OPML writers disagree on case (xmlUrl, xmlurl, XMLURL).
    lowered = {str(k).lower(): str(v) for k, v in element.attrib.items()}
    for name in names:
        value = lowered.get(name.lower(), "").strip()
        if value:
            return value
    return ""


def _walk(element: etree._Element, category: str, out: list[OpmlOutline]) -> None:
    for child in element:
        if len(out) >= MAX_OUTLINES:
            return
        if short_name(child.tag) != "outline":
            continue
        title = plain_text(_attribute(child, "title", "text"))
        xml_url = canonical_url(_attribute(child, "xmlUrl"))
        if xml_url:
            html_url = canonical_url(_attribute(child, "htmlUrl"))
            own = plain_text(_attribute(child, "category")).strip("/")
            out.append(OpmlOutline(title or xml_url, xml_url, html_url, own or category))
        _walk(child, title if not xml_url and title else category, out)


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """The feeds an OPML file lists (deduplicated by address); empty for unreadable input."""
    try:
        root, _errors = parse_xml(decode(decompress(data)))
        if root is None:
            return []
        body = next((c for c in root if short_name(c.tag) == "body"), root)
        found: list[OpmlOutline] = []
        _walk(body, "", found)
    except (DecodeError, ValueError, RecursionError):
        return []
    unique: dict[str, OpmlOutline] = {}
    for outline in found:
        unique.setdefault(outline.xml_url, outline)
    return list(unique.values())
