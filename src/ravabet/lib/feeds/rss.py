"""RSS 0.9x, 1.0 (RDF) and 2.0, with the content, Dublin Core and Media RSS extensions."""

from __future__ import annotations

from lxml import etree

from ravabet.lib.feeds.items import build_item, element_text
from ravabet.lib.feeds.types import FeedKind, ParsedItem
from ravabet.lib.feeds.xmlfields import XML_LANG, Fields, attr, fields, first_text, short_name


def _image(found: Fields) -> str | None:
    for enclosure in found.get("enclosure", ()):
        if attr(enclosure, "type").lower().startswith("image/") and attr(enclosure, "url"):
            return attr(enclosure, "url")
    for media in found.get("media:content", ()):
        kind = attr(media, "medium").lower() or attr(media, "type").lower()
        if kind.startswith("image") and attr(media, "url"):
            return attr(media, "url")
    for name in ("media:thumbnail", "media:group"):
        for element in found.get(name, ()):
            target = element if name == "media:thumbnail" else element.find("{*}thumbnail")
            if target is not None and attr(target, "url"):
                return attr(target, "url")
    for image in found.get("image", ()):
        text = element_text(image).strip() or first_text(fields(image), "url")
        if text:
            return text
    return None


def _link(found: Fields) -> str | None:
    link = first_text(found, "link")
    if link:
        return link
    for atom_link in found.get("atom:link", ()):
        if attr(atom_link, "rel") in {"", "alternate"} and attr(atom_link, "href"):
            return attr(atom_link, "href")
    for guid in found.get("guid", ()):
        text = element_text(guid).strip()
        if attr(guid, "ispermalink").lower() != "false" and text.startswith(("http:", "https:")):
            return text
    return None


def item_of(element: etree._Element, *, base_url: str, languages: list[str]) -> ParsedItem:
    found = fields(element)
    guid = first_text(found, "guid") or attr(
        element, "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
    )
    return build_item(
        link=_link(found),
        base_url=base_url,
        guid=guid,
        title=first_text(found, "title", "dc:title"),
        summary_html=first_text(found, "description", "dc:description", "summary"),
        body_html=first_text(found, "content:encoded", "fulltext", "body"),
        date_texts=(
            first_text(found, "pubdate"),
            first_text(found, "dc:date"),
            first_text(found, "dcterms:issued", "dcterms:created", "dcterms:modified"),
            first_text(found, "atom:published", "atom:updated", "date", "lastbuilddate"),
        ),
        author=first_text(found, "dc:creator", "author", "itunes:author"),
        image=_image(found),
        languages=[*languages, attr(element, XML_LANG), first_text(found, "dc:language")],
    )


def channel_parts(
    root: etree._Element,
) -> tuple[FeedKind, etree._Element | None, list[etree._Element]]:
    """The kind, the channel element and the item elements of an RSS document."""
    kind = FeedKind.RDF if short_name(root.tag) == "rdf:rdf" else FeedKind.RSS
    channel = None
    items: list[etree._Element] = []
    for child in root:
        name = short_name(child.tag)
        if name == "channel":
            channel = child
            items.extend(c for c in child if short_name(c.tag) == "item")
        elif name == "item":  # RSS 1.0 and 0.90 put the items beside the channel
            items.append(child)
    return kind, channel, items


def channel_meta(
    channel: etree._Element | None, root: etree._Element
) -> tuple[str, str, list[str]]:
    """Title, link and language hints of the channel."""
    if channel is None:
        return "", "", [attr(root, XML_LANG)]
    found = fields(channel)
    languages = [
        first_text(found, "language", "dc:language"),
        attr(channel, XML_LANG),
        attr(root, XML_LANG),
    ]
    return first_text(found, "title"), first_text(found, "link"), languages
