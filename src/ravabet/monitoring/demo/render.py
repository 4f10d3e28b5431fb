"""The demo outlets' pages as bytes: RSS 2.0, RSS 1.0, Atom, JSON Feed, a news sitemap, a
listing page and article pages, each the way such a site writes them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from html import escape

from ravabet.lib.jalali import TEHRAN
from ravabet.lib.jalali import format_datetime as jalali_datetime
from ravabet.monitoring.demo.outlets import OUTLETS, Outlet
from ravabet.monitoring.demo.timeline import Article

Page = tuple[bytes, str]  # body, content type


def _iso(value: datetime) -> str:
    return value.astimezone(TEHRAN).isoformat(timespec="seconds")


def _rfc822(value: datetime) -> str:
    # Iranian sites write Tehran's offset (+0330), not GMT.
    return format_datetime(value.astimezone(TEHRAN))


def _body_html(article: Article) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)


def _xml(text: str, outlet: Outlet) -> Page:
    prolog = f'<?xml version="1.0" encoding="{outlet.encoding}"?>\n'
    body = (prolog + text).encode(outlet.encoding, errors="xmlcharrefreplace")
    if outlet.encoding != "utf-8":
        return body, "text/xml"  # an old site: the charset is in the prolog alone
    return body, "application/xml; charset=utf-8"


def rss2(outlet: Outlet, items: Sequence[Article], *, base: str, start: datetime) -> Page:
    full_text_in_description = outlet.arabic_letters  # small sites put the whole text there
    entries = []
    for article in items:
        description = _body_html(article) if full_text_in_description else escape(article.lead)
        content = (
            ""
            if full_text_in_description
            else f"<content:encoded><![CDATA[{_body_html(article)}]]></content:encoded>"
        )
        entries.append(
            f"<item><title>{escape(article.title)}</title>"
            f"<link>{escape(base + article.path)}</link>"
            f'<guid isPermaLink="false">{outlet.code}-{article.number}</guid>'
            f"<description>{escape(description)}</description>{content}"
            f"<pubDate>{_rfc822(article.published(start))}</pubDate></item>"
        )
    return _xml(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(outlet.name)}</title>"
        f"<link>{base}/{outlet.code}/</link><language>fa</language>"
        f"<description>{escape(outlet.name)}</description>{''.join(entries)}</channel></rss>",
        outlet,
    )


def rss1(outlet: Outlet, items: Sequence[Article], *, base: str, start: datetime) -> Page:
    seq = "".join(f'<rdf:li rdf:resource="{escape(base + a.path)}"/>' for a in items)
    entries = "".join(
        f'<item rdf:about="{escape(base + a.path)}"><title>{escape(a.title)}</title>'
        f"<link>{escape(base + a.path)}</link>"
        f"<description>{escape(_body_html(a))}</description>"
        f"<dc:date>{_iso(a.published(start))}</dc:date></item>"
        for a in items
    )
    return _xml(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="{base}/{outlet.code}/"><title>{escape(outlet.name)}</title>'
        f"<link>{base}/{outlet.code}/</link><description>{escape(outlet.name)}</description>"
        f"<items><rdf:Seq>{seq}</rdf:Seq></items></channel>{entries}</rdf:RDF>",
        outlet,
    )


def atom(outlet: Outlet, items: Sequence[Article], *, base: str, start: datetime) -> Page:
    updated = _iso(items[0].published(start)) if items else _iso(start)
    entries = "".join(
        f"<entry><id>tag:{outlet.code}.demo,2025:{a.number}</id>"
        f"<title>{escape(a.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{escape(base + a.path)}"/>'
        f"<published>{_iso(a.published(start))}</published>"
        f"<updated>{_iso(a.published(start))}</updated>"
        f"<author><name>{escape(outlet.name)}</name></author>"
        f"<summary>{escape(a.lead)}</summary>"
        f'<content type="html">{escape(_body_html(a))}</content></entry>'
        for a in items
    )
    return _xml(
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fa">'
        f"<id>tag:{outlet.code}.demo,2025:feed</id><title>{escape(outlet.name)}</title>"
        f'<link rel="alternate" href="{base}/{outlet.code}/"/>'
        f'<link rel="self" href="{base}{outlet.feed_path}"/>'
        f"<updated>{updated}</updated>{entries}</feed>",
        outlet,
    )


def json_feed(outlet: Outlet, items: Sequence[Article], *, base: str, start: datetime) -> Page:
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": f"{base}/{outlet.code}/",
        "feed_url": base + outlet.feed_path,
        "language": "fa",
        "items": [
            {
                "id": f"{outlet.code}-{a.number}",
                "url": base + a.path,
                "title": a.title,
                "summary": a.lead,
                "content_html": _body_html(a),
                "date_published": _iso(a.published(start)),
                "authors": [{"name": outlet.name}],
            }
            for a in items
        ],
    }
    return json.dumps(document, ensure_ascii=False).encode(), "application/feed+json"


def sitemap(outlet: Outlet, items: Sequence[Article], *, base: str, start: datetime) -> Page:
    entries = "".join(
        f"<url><loc>{escape(base + a.path)}</loc><news:news><news:publication>"
        f"<news:name>{escape(outlet.name)}</news:name><news:language>fa</news:language>"
        f"</news:publication><news:publication_date>{_iso(a.published(start))}"
        f"</news:publication_date><news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in items
    )
    return _xml(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{entries}</urlset>",
        outlet,
    )


FEEDS = {"rss": rss2, "rss1": rss1, "atom": atom, "json": json_feed, "sitemap": sitemap}


def _html(title: str, outlet: Outlet | None, main: str, head: str = "") -> bytes:
    encoding = outlet.encoding if outlet else "utf-8"
    nav = "".join(f'<li><a href="/{o.code}/">{escape(o.name)}</a></li>' for o in OUTLETS)
    home = f'<a href="/{outlet.code}/">{escape(outlet.name)}</a>' if outlet else ""
    page = (
        f'<!doctype html><html lang="fa" dir="rtl"><head><meta charset="{encoding}">'
        f"<title>{escape(title)}</title>{head}"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<style>body{font-family:Vazirmatn,Tahoma,sans-serif;max-width:46rem;margin:auto;"
        "padding:0 1rem;line-height:1.9}nav ul{display:flex;flex-wrap:wrap;gap:.2rem 1rem;"
        "padding:0;list-style:none;font-size:.8rem}.date{color:#666}</style></head><body>"
        f'<header class="site-header"><div class="logo">{home}</div>'
        f'<nav class="menu"><ul>{nav}</ul></nav></header>{main}'
        '<footer class="footer"><p>نشانی‌ها و اخبار این سایت ساختگی و ویژه نسخه نمایشی'
        " رابط است.</p></footer></body></html>"
    )
    return page.encode(encoding, errors="xmlcharrefreplace")


def listing_page(outlet: Outlet, items: Sequence[Article], *, start: datetime) -> Page:
    rows = "".join(
        f'<li class="news-item"><a href="{escape(a.path)}">{escape(a.title)}</a>'
        f' <span class="date">{jalali_datetime(a.published(start))}</span></li>'
        for a in items
    )
    main = f'<main><h1>{escape(outlet.name)}</h1><ul class="news-list">{rows}</ul></main>'
    return _html(outlet.name, outlet, main), f"text/html; charset={outlet.encoding}"


def article_page(article: Article, *, base: str, start: datetime) -> Page:
    outlet = article.outlet
    published = article.published(start)
    # The first paragraph is the lead (لید), set apart above the text as agencies do.
    rest = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs[1:])
    head_meta = (
        f'<link rel="canonical" href="{escape(base + article.path)}">'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="article:published_time" content="{_iso(published)}">'
    )
    main = (
        f'<main><article class="news"><h1>{escape(article.title)}</h1>'
        f'<div class="news-date date">{jalali_datetime(published, long=True)}</div>'
        f'<p class="lead">{escape(article.lead)}</p>'
        f'<div class="news-body">{rest}</div></article>'
        '<aside class="related"><h2>اخبار مرتبط</h2>'
        f'<ul><li><a href="/{outlet.code}/">صفحه نخست {escape(outlet.name)}</a></li></ul>'
        "</aside></main>"
    )
    return _html(article.title, outlet, main, head_meta), f"text/html; charset={outlet.encoding}"


def index_page(counts: dict[str, tuple[int, int]]) -> Page:
    """The server's front page: the outlets with what they have published so far."""
    rows = "".join(
        f'<li><a href="/{o.code}/">{escape(o.name)}</a> — <a href="{o.feed_path}">'
        f"{escape(o.feed)}</a> · {counts[o.code][0]} از {counts[o.code][1]}</li>"
        for o in OUTLETS
    )
    main = (
        "<main><h1>خبرگزاری‌ها و سایت‌های نمایشی</h1>"
        "<p>این سرور، خبرهای ساختگی نسخه نمایشی رابط را به مرور منتشر می‌کند.</p>"
        f'<ul>{rows}</ul><p><a href="/phone/">گوشی نمایشی (پیام‌های بله و پیامک)</a></p></main>'
    )
    return _html("سرور خبر نمایشی", None, main), "text/html; charset=utf-8"
