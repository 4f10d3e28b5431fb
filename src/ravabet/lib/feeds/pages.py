"""Sites without a feed: article links on a listing page, and the article on its own page.

The extractor is ours, on lxml: boilerplate removed by tag and class, the main block chosen by
text density (readability's idea: paragraph text, less link text, credited to the parent and
half to the grandparent), then sanitised. It keeps every character of the text, ZWNJ included,
which trafilatura 2.3.1 does not; ``bench/monitoring/bench_extract.py`` compares the three.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from ravabet.lib.feeds.dates import parse_date
from ravabet.lib.feeds.decode import decode
from ravabet.lib.feeds.items import lead_text, plain_text
from ravabet.lib.feeds.sanitise import html_to_text, sanitise_html
from ravabet.lib.feeds.types import ParsedItem
from ravabet.lib.feeds.urls import canonical_url, site_of

MIN_ARTICLE_CHARS = 200
_MAX_HTML = 10 * 1024 * 1024

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "button",
    "select",
    "textarea",
    "svg",
    "template",
    "object",
    "embed",
)
_BOILERPLATE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|header|sidebar|side|related|relate|comments?|share|"
    r"sharing|social|tags?|keywords?|breadcrumbs?|banner|adv|advert|ads?|promo|popular|"
    r"most|latest|newsletter|subscribe|pagination|pager|widget|copyright|login|search|modal|"
    r"cookie|print|rate|rating|toolbar|services?|links?|more)($|[\s_-])",
    re.IGNORECASE,
)
_BODY_HINT = re.compile(
    r"(article|news|story|post|entry|item)[-_]?(body|content|text|main)|body[-_]?text|"
    r"content[-_]?text|^text$|[-_]text$|(^|\s)body($|\s)|matn|articlebody|news-?text",
    re.IGNORECASE,
)
_LEAD_HINT = re.compile(
    r"(^|[\s_-])(lead|lid|summary|subtitle|introtext|abstract|sapo)($|[\s_-])", re.I
)
_DATE_HINT = re.compile(r"(date|time|publish|created|posted)", re.IGNORECASE)
_AUTHOR_HINT = re.compile(r"(^|[\s_-])(author|reporter|writer|byline)($|[\s_-])", re.IGNORECASE)
_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "div", "section", "article"}
    | {"ul", "ol", "table", "tr", "td", "main", "dl", "dd", "dt", "pre", "figure"}
)
_LEAF_KEEP = frozenset({"p", "h2", "h3", "h4", "li", "blockquote", "div", "section", "td", "dd"})
_DATE_SEGMENT = re.compile(r"^(1[34]\d\d|20\d\d)$")
_NUMERIC_ID = re.compile(r"(?<![a-z])\d{4,}(?![a-z])")
_ARTICLE_WORDS = frozenset(
    {"news", "article", "articles", "story", "post", "posts", "detail", "details", "content"}
    | {"newsdetail", "newsdetails", "doc", "khabar", "matlab", "fa-news", "خبر", "news.aspx"}
)
_NOT_ARTICLE_WORDS = frozenset(
    {"tag", "tags", "category", "categories", "cat", "search", "page", "author", "authors"}
    | {"login", "register", "signup", "about", "about-us", "contact", "contact-us", "rss"}
    | {"feed", "feeds", "archive", "service", "services", "subject", "keyword", "keywords"}
    | {"برچسب", "دسته", "جستجو", "video-list", "photo-list", "newspaper", "live", "faq"}
)
_FILE_EXTENSION = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|pdf|zip|rar|mp3|mp4|css|js|xml|apk)$", re.I
)
_ID_PARAM = re.compile(r"(^|&)(id|newsid|news_id|nid|aid|p)=\d{3,}", re.IGNORECASE)


# --- parsing -----------------------------------------------------------------------------------


def _document(page: str | bytes) -> lxml_html.HtmlElement | None:
    text = decode(page[:_MAX_HTML]) if isinstance(page, bytes) else page[:_MAX_HTML]
    text = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]", "", text)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _classes(element: etree._Element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip()


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _link_text_length(element: etree._Element) -> int:
    return sum(len(_text(a)) for a in element.iter("a"))


def _inside_boilerplate(element: etree._Element) -> bool:
    for ancestor in element.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in {"nav", "header", "footer", "aside"} or _BOILERPLATE.search(_classes(ancestor)):
            return True
    return False


# --- links on a listing page -------------------------------------------------------------------


def _article_score(url: str, anchor: str) -> int:
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    if not segments and not parts.query:
        return -10
    words = {s.split(".")[0] for s in segments} | set(segments)
    if words & _NOT_ARTICLE_WORDS or _FILE_EXTENSION.search(parts.path):
        return -10
    score = 0
    if any(_NUMERIC_ID.search(s) for s in segments) or _ID_PARAM.search(parts.query):
        score += 2
    if sum(1 for s in segments if _DATE_SEGMENT.match(s)) and len(segments) >= 3:
        score += 2
    if words & _ARTICLE_WORDS:
        score += 1
    slug = max(segments, key=len) if segments else ""
    if slug.count("-") >= 3 or len(slug) >= 30:
        score += 1
    if len(segments) >= 3:
        score += 1
    if len(anchor) >= 25:
        score += 1
    return score


def find_article_links(page: str | bytes, base_url: str) -> list[str]:
    """Canonical same-site links on a listing page that look like articles, in page order."""
    try:
        document = _document(page)
        if document is None:
            return []
        site = site_of(base_url)
        own = canonical_url(base_url)
        found: dict[str, None] = {}
        for anchor in document.iter("a"):
            url = canonical_url(anchor.get("href") or "", base_url)
            if url is None or url == own or url in found:
                continue
            host = site_of(url)
            if host != site and not host.endswith("." + site):
                continue
            if _inside_boilerplate(anchor) and len(_text(anchor)) < 25:
                continue
            if _article_score(url, _text(anchor)) >= 2:
                found[url] = None
        return list(found)
    except (ValueError, RecursionError):
        return []


# --- the article page --------------------------------------------------------------------------


def _meta(document: etree._Element, *names: str) -> str:
    wanted = {n.lower() for n in names}
    for meta in document.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in wanted:
            content = (meta.get("content") or "").strip()
            if content:
                return content
    return ""


def _json_ld(document: etree._Element) -> Iterator[dict[str, Any]]:
    for script in document.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        stack = data if isinstance(data, list) else [data]
        for node in stack:
            if isinstance(node, dict):
                graph = node.get("@graph")
                if isinstance(graph, list):
                    yield from (g for g in graph if isinstance(g, dict))
                yield node


def _ld_value(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or ""
    return value.strip() if isinstance(value, str) else ""


def _article_ld(document: etree._Element) -> dict[str, str]:
    for node in _json_ld(document):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k == "WebPage") for k in kinds):
            return {
                key: _ld_value(node, key)
                for key in ("headline", "datePublished", "author", "image", "description")
            }
    return {}


def _title(document: etree._Element, ld: dict[str, str]) -> str:
    title = _meta(document, "og:title", "twitter:title") or ld.get("headline", "")
    if not title:
        h1 = next(document.iter("h1"), None)
        title = _text(h1) if h1 is not None else ""
    if not title:
        tag = next(document.iter("title"), None)
        raw = _text(tag) if tag is not None else ""
        # "Headline | Agency" or "Agency - Headline": the headline is the longest part.
        title = max(re.split(r"\s+[|\-–—]\s+", raw), key=len) if raw else ""
    return plain_text(title)


def _published(document: etree._Element, ld: dict[str, str], body: etree._Element | None) -> Any:
    candidates = [
        _meta(
            document,
            "article:published_time",
            "og:published_time",
            "datePublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "date",
            "dc.date",
            "dc.date.issued",
            "sailthru.date",
        ),
        ld.get("datePublished", ""),
    ]
    for element in document.iter("time"):
        candidates.append(element.get("datetime") or _text(element))
    for element in document.iter():
        if element.get("itemprop") == "datePublished":
            candidates.append(element.get("content") or element.get("datetime") or _text(element))
    for text in candidates:
        value = parse_date(text)
        if value is not None:
            return value
    # A visible Persian date: in an element named like a date, outside the article text.
    for element in document.iter():
        if not isinstance(element.tag, str) or not _DATE_HINT.search(_classes(element)):
            continue
        if body is not None and (element is body or body in element.iterancestors()):
            continue
        value = parse_date(_text(element)[:120])
        if value is not None:
            return value
    return None


def _author(document: etree._Element, ld: dict[str, str]) -> str:
    name = _meta(document, "author", "article:author", "dc.creator") or ld.get("author", "")
    if not name:
        for element in document.iter():
            if isinstance(element.tag, str) and (
                element.get("rel") == "author" or _AUTHOR_HINT.search(_classes(element))
            ):
                name = _text(element)
                if 0 < len(name) <= 80:
                    break
                name = ""
    return plain_text(name) if not name.startswith(("http:", "https:")) else ""


def _lead(document: etree._Element) -> str:
    for element in document.iter():
        if isinstance(element.tag, str) and _LEAD_HINT.search(_classes(element)):
            text = _text(element)
            if len(text) >= 20:
                return lead_text(html_lib.escape(text))
    return lead_text(html_lib.escape(_meta(document, "og:description", "description")))


def _drop_keeping_break(element: etree._Element) -> None:
    """Remove ``element`` but leave a paragraph break, so the text around an ad in a
    ``<br>``-separated body does not run together."""
    parent = element.getparent()
    if parent is None:
        return
    first, second = etree.Element("br"), etree.Element("br")
    second.tail = element.tail
    parent.replace(element, first)
    first.addnext(second)


def _strip_boilerplate(root: etree._Element) -> None:
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if element.get("itemprop") == "articleBody" or _BODY_HINT.search(_classes(element)):
            continue
        if _BOILERPLATE.search(_classes(element)):
            long_paragraphs = sum(1 for p in element.iter("p") if len(_text(p)) > 120)
            if long_paragraphs < 3:
                _drop_keeping_break(element)


def _scored_container(root: etree._Element) -> etree._Element | None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.get("itemprop") == "articleBody":
            return element
    hinted = [
        e
        for e in root.iter()
        if isinstance(e.tag, str) and _BODY_HINT.search(_classes(e)) and len(_text(e)) >= 200
    ]
    if hinted:
        return max(hinted, key=lambda e: len(_text(e)) - 2 * _link_text_length(e))
    scores: dict[etree._Element, float] = {}
    for block in root.iter("p", "div", "td", "li"):
        own = (block.text or "") + "".join(child.tail or "" for child in block)
        text_length = len(_text(block)) if block.tag == "p" else len(" ".join(own.split()))
        if text_length < 25:
            continue
        links = _link_text_length(block) if block.tag == "p" else 0
        value = text_length * (1 - min(1.0, links / max(text_length, 1)))
        parent = block.getparent()
        if block.tag != "p":
            # A block holding its own text (lines split by <br>) is itself the container.
            scores[block] = scores.get(block, 0) + value
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + value / 2
            continue
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + value
            grandparent = parent.getparent()
            if grandparent is not None:
                scores[grandparent] = scores.get(grandparent, 0) + value / 2
    return max(scores, key=lambda e: scores[e]) if scores else None


def _leaf_blocks(container: etree._Element) -> Iterator[etree._Element]:
    for element in container.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _LEAF_KEEP:
            continue
        if any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in element.iterdescendants()):
            continue
        yield element


def _body_html(container: etree._Element, title: str, url: str) -> str:
    blocks = list(_leaf_blocks(container))
    if not blocks:
        blocks = [container]
    parts = []
    for block in blocks:
        text = _text(block)
        if not text and block.find(".//img") is None:
            continue
        if text and _link_text_length(block) > 0.5 * len(text):
            continue  # a related-links line or a tag list inside the article
        if text == title:
            continue
        markup = etree.tostring(block, encoding="unicode", method="html", with_tail=False)
        if block.tag not in {"p", "h2", "h3", "h4", "li", "blockquote"}:
            inner = markup[markup.find(">") + 1 : markup.rfind("<")]
            markup = f"<p>{inner}</p>"
        elif block.tag == "li":
            markup = f"<p>{markup[markup.find('>') + 1 : markup.rfind('<')]}</p>"
        parts.append(markup)
    return sanitise_html("".join(parts), base_url=url)


def extract_article(page: str | bytes, url: str) -> ParsedItem | None:
    """The article on ``page``, or None when it holds no article text (a listing, an error)."""
    try:
        document = _document(page)
        canonical = canonical_url(url)
        if document is None or canonical is None:
            return None
        link = document.find(".//link[@rel='canonical']")
        declared = canonical_url(link.get("href") or "", canonical) if link is not None else None
        if declared and site_of(declared) == site_of(canonical):
            canonical = declared
        ld = _article_ld(document)
        title = _title(document, ld)
        image = _meta(document, "og:image", "twitter:image") or ld.get("image", "")
        body_root = lxml_html.document_fromstring(etree.tostring(document, encoding="unicode"))
        _strip_boilerplate(body_root)
        container = _scored_container(body_root)
        body = _body_html(container, title, canonical) if container is not None else ""
        text = html_to_text(body)
        if len(text) < MIN_ARTICLE_CHARS:
            return None
        first_image = re.search(r"<img[^>]*\ssrc=\"([^\"]+)\"", body)
        return ParsedItem(
            url=canonical,
            guid=canonical,
            title=title,
            lead=_lead(document) or lead_text(text),
            body_html=body,
            body_text=text,
            published=_published(document, ld, None),
            author=_author(document, ld),
            image_url=canonical_url(image, canonical)
            if image
            else (html_lib.unescape(first_image.group(1)) if first_image else None),
            languages=tuple(
                x for x in (document.get("lang"), _meta(document, "og:locale", "language")) if x
            ),
            sanitised=True,
        )
    except (ValueError, RecursionError, etree.LxmlError):
        return None
