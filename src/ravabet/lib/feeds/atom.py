"""Atom 1.0 (and the older 0.3), with ``xml:base`` and the three content types."""

from __future__ import annotations

import html
from urllib.parse import urljoin

from lxml import etree

from ravabet.lib.feeds.items import build_item, element_markup, element_text
from ravabet.lib.feeds.types import ParsedItem
from ravabet.lib.feeds.xmlfields import XML_LANG, Fields, attr, fields, first_text

ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")


def _namespace(root: etree._Element) -> str:
    tag = root.tag if isinstance(root.tag, str) else ""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def text_construct(found: Fields, name: str) -> str:
    """An Atom text construct as HTML: ``xhtml`` serialised, ``text`` escaped."""
    for element in found.get(name, ()):
        kind = attr(element, "type").lower()
        if kind == "xhtml" or (kind in {"application/xhtml+xml"}):
            div = next(iter(element), None)
            markup = element_markup(div if div is not None else element)
        elif kind in {"", "text", "text/plain"} and attr(element, "mode") != "escaped":
            markup = html.escape(element_text(element).strip(), quote=False)
            if name != "title":
                markup = "".join(f"<p>{p}</p>" for p in markup.split("\n\n") if p.strip())
        else:
            markup = element_text(element)
        if markup.strip():
            return markup
    return ""


def _links(found: Fields, *, rel: str) -> list[etree._Element]:
    return [link for link in found.get("link", ()) if (attr(link, "rel") or "alternate") == rel]


def _href(link: etree._Element) -> str:
    href = attr(link, "href")
    base = link.base
    if base and href and not href.startswith(("http:", "https:")):
        return urljoin(base, href)
    return href


def entry_of(
    element: etree._Element, *, base_url: str, languages: list[str], ns: str
) -> ParsedItem:
    found = fields(element, default_ns=ns)
    alternate = _links(found, rel="alternate")
    link = _href(alternate[0]) if alternate else ""
    image = ""
    for enclosure in _links(found, rel="enclosure"):
        if attr(enclosure, "type").lower().startswith("image/"):
            image = _href(enclosure)
            break
    if not image:
        for thumb in [*found.get("media:thumbnail", []), *found.get("media:content", [])]:
            if attr(thumb, "url"):
                image = attr(thumb, "url")
                break
    author = ""
    for person in found.get("author", ()):
        author = first_text(fields(person, default_ns=ns), "name") or element_text(person).strip()
        if author:
            break
    return build_item(
        link=link,
        base_url=element.base or base_url,
        guid=first_text(found, "id"),
        title=text_construct(found, "title"),
        summary_html=text_construct(found, "summary"),
        body_html=text_construct(found, "content"),
        date_texts=(
            first_text(found, "published", "issued"),
            first_text(found, "updated", "modified"),
            first_text(found, "dc:date"),
        ),
        author=author or first_text(found, "dc:creator"),
        image=image or None,
        languages=[*languages, attr(element, XML_LANG)],
    )


def feed_parts(root: etree._Element) -> tuple[str, str, str, list[str], list[etree._Element]]:
    """Namespace, title, link, languages and entry elements of an Atom feed."""
    ns = _namespace(root)
    found = fields(root, default_ns=ns)
    alternate = _links(found, rel="alternate")
    title = element_text(found["title"][0]).strip() if found.get("title") else ""
    return (
        ns,
        title,
        _href(alternate[0]) if alternate else "",
        [attr(root, XML_LANG)],
        found.get("entry", []),
    )
