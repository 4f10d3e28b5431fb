"""XML sitemaps: a ``urlset`` (with the Google News and image extensions) or a sitemap index."""

from __future__ import annotations

from lxml import etree

from ravabet.lib.feeds.items import build_item
from ravabet.lib.feeds.types import ParsedItem
from ravabet.lib.feeds.urls import canonical_url
from ravabet.lib.feeds.xmlfields import fields, first_text


def url_of(element: etree._Element, *, base_url: str) -> ParsedItem:
    found = fields(element)
    news = found.get("news:news", [])
    news_fields = fields(news[0]) if news else {}
    publication = news_fields.get("news:publication", [])
    language = first_text(fields(publication[0]), "news:language") if publication else ""
    image = ""
    for block in found.get("image:image", ()):
        image = first_text(fields(block), "image:loc")
        if image:
            break
    return build_item(
        link=first_text(found, "loc"),
        base_url=base_url,
        title=first_text(news_fields, "news:title"),
        date_texts=(first_text(news_fields, "news:publication_date"), first_text(found, "lastmod")),
        image=image or None,
        languages=(language,),
    )


def child_sitemaps(root: etree._Element, *, base_url: str) -> list[str]:
    urls: list[str] = []
    for element in root:
        found = fields(element)
        url = canonical_url(first_text(found, "loc"), base_url)
        if url and url not in urls:
            urls.append(url)
    return urls


def entries(root: etree._Element) -> list[etree._Element]:
    return [child for child in root if _is_url(child)]


def _is_url(element: etree._Element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].lower() == "url"
