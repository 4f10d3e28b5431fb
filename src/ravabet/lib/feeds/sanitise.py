"""HTML from feeds and pages reduced to a small safe allow-list, and its plain text.

nh3 (the Rust ammonia sanitiser) parses like a browser, so what it emits is what a browser will
see: no script, no event handler, no ``style``, no ``hx-*`` or ``data-*``, links and images only
over http(s). It keeps the zero-width non-joiner and right-to-left text as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from lxml import etree
from lxml import html as lxml_html

from ravabet.lib.feeds.urls import canonical_url

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4"}
    | {"a", "img"}
)
# Their content is dropped with them: text inside a script or a form is never article text.
_DROPPED_WITH_CONTENT = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "textarea",
    "select",
    "button",
    "title",
    "xmp",
    "noembed",
    "noframes",
    "frameset",
    "plaintext",
}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "*": {"dir"}}
_LINK_REL = "nofollow noopener"


def _keep_url(base_url: str | None) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute not in {"href", "src"}:
            return value
        # Relative URLs would point at our own site once rendered: resolve or drop them.
        return canonical_url(value, base_url)

    return keep


# Control characters have no place in text and make XML tools (lxml, exports) refuse it.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# An image whose address was refused is an empty box: drop it.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")

_CLEANERS: dict[str | None, nh3.Cleaner] = {}


def _cleaner(base_url: str | None) -> nh3.Cleaner:
    # One cleaner per source base: ammonia builds its tables once, and feeds come in batches.
    cleaner = _CLEANERS.get(base_url)
    if cleaner is None:
        if len(_CLEANERS) > 256:
            _CLEANERS.clear()
        cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(_DROPPED_WITH_CONTENT),
            attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
            attribute_filter=_keep_url(base_url),
            strip_comments=True,
            link_rel=_LINK_REL,
            url_schemes={"http", "https"},
        )
        _CLEANERS[base_url] = cleaner
    return cleaner


def sanitise_html(html: str, *, base_url: str | None = None) -> str:
    """``html`` reduced to the allow-list (idempotent); relative links resolved against
    ``base_url``, or dropped without one."""
    if not html:
        return ""
    if _CONTROL.search(html):
        html = _CONTROL.sub("", html)
    cleaner = _cleaner(base_url)
    cleaned = cleaner.clean(html)
    # Re-parsing can move a misnested tag once more; the second pass reaches the fixed point.
    again = cleaner.clean(cleaned)
    return _IMG_WITHOUT_SRC.sub("", again).strip()


_BLOCKS = frozenset({"p", "li", "blockquote", "h2", "h3", "h4", "ul", "ol", "div", "h1", "h5"})
_SPACES = re.compile(r"[^\S\n\u200c]+")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def _walk(element: etree._Element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag == "br":
        out.append("\n")
    elif tag in _BLOCKS:
        out.append("\n\n")
    if element.text and tag:
        out.append(element.text)
    for child in element:
        _walk(child, out)
        if child.tail:
            out.append(child.tail)
    if tag in _BLOCKS:
        out.append("\n\n")


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML: paragraphs separated by one blank line."""
    if not html or "<" not in html:
        return _tidy(html or "")
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    out: list[str] = []
    _walk(root, out)
    return _tidy("".join(out))


def _tidy(text: str) -> str:
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return "\n\n".join(paragraphs)
