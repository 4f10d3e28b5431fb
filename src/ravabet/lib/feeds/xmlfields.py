"""Reading feed elements by short names, whatever namespace or prefix a feed chose."""

from __future__ import annotations

from collections import defaultdict

from lxml import etree

NS_PREFIXES = {
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://channel.netscape.com/rdf/simple/0.9/": "",
    "http://backend.userland.com/rss2": "",
    "http://www.w3.org/2005/Atom": "atom",
    "http://purl.org/atom/ns#": "atom",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://search.yahoo.com/mrss/": "media",
    "http://search.yahoo.com/mrss": "media",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.sitemaps.org/schemas/sitemap/0.9": "",
    "http://www.google.com/schemas/sitemap/0.84": "",
    "http://www.google.com/schemas/sitemap-news/0.9": "news",
    "http://www.google.com/schemas/sitemap-image/1.1": "image",
    "http://www.w3.org/XML/1998/namespace": "xml",
}

Fields = dict[str, list[etree._Element]]


def short_name(tag: object, *, default_ns: str | None = None) -> str:
    """``prefix:local`` for a known namespace, ``local`` for none (or ``default_ns``)."""
    if not isinstance(tag, str):
        return ""
    if tag[0] != "{":
        return tag.lower()
    namespace, _, local = tag[1:].partition("}")
    if namespace == default_ns:
        return local.lower()
    prefix = NS_PREFIXES.get(namespace, "?")
    return f"{prefix}:{local.lower()}" if prefix else local.lower()


def fields(element: etree._Element, *, default_ns: str | None = None) -> Fields:
    """The children of ``element`` grouped by short name, in document order."""
    grouped: Fields = defaultdict(list)
    for child in element:
        name = short_name(child.tag, default_ns=default_ns)
        if name:
            grouped[name].append(child)
    return grouped


def first_text(found: Fields, *names: str) -> str:
    """The stripped text of the first non-empty element among ``names``."""
    for name in names:
        for element in found.get(name, ()):
            text = "".join(element.itertext()).strip()
            if text:
                return text
    return ""


def attr(element: etree._Element, name: str) -> str:
    value = element.get(name)
    return value.strip() if isinstance(value, str) else ""


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
