"""The ingest sanitiser: known XSS and mXSS vectors, generated fragments, Persian text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from ravabet.lib.feeds import html_to_text, sanitise_html
from ravabet.lib.feeds.sanitise import ALLOWED_TAGS

ALLOWED_ATTRIBUTES = {"a": {"href", "rel", "dir"}, "img": {"src", "alt", "dir"}}

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#0000106avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<IMG SRC=`javascript:alert(1)`>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
    'onerror=alert(1)&gt;">',
    '<div hx-get="/admin/delete" hx-trigger="load">x</div>',
    '<p hx-on:click="alert(1)" hx-post="/x">x</p>',
    '<p data-hx-get="/x" data-x="1">x</p>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example/"></iframe>',
    '<form action="https://evil.example/"><input name=x><button>ارسال</button></form>',
    "<!-- <!-- --> <img src=x onerror=alert(1)> -->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    '<style>@import "https://evil.example/x.css";</style>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<img src="https://example.ir/a.jpg" srcset="javascript:alert(1)">',
    "<template><script>alert(1)</script></template>",
    "<select><style></select><img src=x onerror=alert(1)>",
    "<xmp><script>alert(1)</script></xmp>",
    "<textarea></textarea><script>alert(1)</script>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<body onload=alert(1)>",
    '<a href="https://example.ir/" target="_blank" onclick="x">ok</a>',
    '<img src="https://example.ir/a.jpg" onerror="alert(1)" alt="ع">',
    '<p><a href="/relative/path">نسبی</a></p>',
]


def forbidden(output: str) -> list[str]:
    """Everything in ``output`` outside the allow-list, as a browser would parse it."""
    problems: list[str] = []
    if not output.strip():
        return problems
    root = lxml_html.fragment_fromstring(output, create_parent="div")
    for element in root.iterdescendants():
        tag = element.tag if isinstance(element.tag, str) else "comment"
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag {tag}")
        for name, value in element.attrib.items():
            allowed = ALLOWED_ATTRIBUTES.get(tag, {"dir"})
            if name not in allowed:
                problems.append(f"attribute {name} on {tag}")
            if name in {"href", "src"} and not re.match(r"https?://", value):
                problems.append(f"url {value!r}")
    for tag_markup in re.findall(r"<[^>]*>", output):
        if re.search(r"javascript:|\shx-|\son\w+=|\sstyle=", tag_markup, re.IGNORECASE):
            problems.append(f"forbidden markup {tag_markup}")
    return problems


@pytest.mark.parametrize("vector", VECTORS)
def test_known_vector_leaves_nothing_executable_and_is_stable(vector: str) -> None:
    once = sanitise_html(vector)
    assert forbidden(once) == []
    assert sanitise_html(once) == once
    assert "<script" not in once.lower()
    assert "alert(1)</" not in once


def test_links_get_nofollow_noopener_and_relative_ones_resolve_against_the_base() -> None:
    out = sanitise_html('<a href="/news/1">خبر</a>', base_url="https://www.example.ir/fa/")
    assert out == '<a href="https://www.example.ir/news/1" rel="nofollow noopener">خبر</a>'
    assert sanitise_html('<a href="/news/1">خبر</a>') == '<a rel="nofollow noopener">خبر</a>'


def test_persian_text_with_zwnj_and_arabic_letters_is_unchanged() -> None:
    text = "<p>می‌خواهیم اطلاع‌رسانی را به‌موقع انجام دهيم؛ كارشناسان گفتند ۱۲ طرح.</p>"
    assert sanitise_html(text) == text
    assert html_to_text(sanitise_html(text)) == text[3:-4]


def test_allowed_structure_survives() -> None:
    text = (
        '<h2>تیتر</h2><p dir="rtl">یک <strong>دو</strong> <em>سه</em></p><ul><li>الف</li></ul>'
        '<blockquote>نقل</blockquote><img src="https://example.ir/a.jpg" alt="عکس">'
    )
    assert sanitise_html(text) == text


def test_plain_text_keeps_paragraphs_apart_with_one_blank_line() -> None:
    out = html_to_text("<p>یک<br>دو</p><ul><li>سه</li><li>چهار</li></ul>پنج")
    assert out == "یک\nدو\n\nسه\n\nچهار\n\nپنج"


TOKENS = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<a href='javascript:alert(1)'>",
    '<a href="https://example.ir/">',
    "</a>",
    "<img src=x onerror=alert(1)>",
    "<script>",
    "</script>",
    "<svg>",
    "<math>",
    "<mtext>",
    "<mglyph>",
    "<style>",
    "</style>",
    "<table>",
    "<li>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<noscript>",
    "<iframe>",
    "<textarea>",
    " hx-get='/x' ",
    " onclick=alert(1) ",
    "&lt;",
    "&#x09;",
    "&amp;",
    '"',
    "'",
    "<",
    ">",
    "/",
    "=",
    "می‌خواهم",
    "اطلاع‌رسانی",
    "كيفيت",
    "۱۴۰۴",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=40))
def test_generated_fragments_come_out_safe_and_stable(parts: list[str]) -> None:
    once = sanitise_html("".join(parts))
    assert forbidden(once) == []
    assert sanitise_html(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["می‌خواهم", "اطلاع‌رسانی", "كتاب", "ی", " ", "۱۲"]), max_size=20))
def test_persian_words_with_zwnj_pass_through_unchanged(words: list[str]) -> None:
    text = "".join(words).strip()
    assert sanitise_html(text) == text
