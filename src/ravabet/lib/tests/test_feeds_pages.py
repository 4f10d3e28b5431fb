"""Listing pages without a feed: article links, and the article extracted from its page."""

from __future__ import annotations

import datetime as dt

import pytest

from ravabet.lib.feeds.pages import extract_article, find_article_links
from ravabet.lib.tests.feed_samples import SENTENCES, agency_page, listing_page

URL = "https://www.example.ir/fa/news/1404090612345/x?utm_source=telegram"
TITLE = "استاندار تهران: برنامه‌ریزی زمستانی باید نهایی شود"
PARAGRAPHS = list(SENTENCES[:7])
AFTERNOON = dt.datetime(2025, 11, 27, 11, 0, tzinfo=dt.UTC)


def test_listing_page_gives_same_site_article_links_once_in_page_order() -> None:
    page, expected = listing_page()
    assert find_article_links(page, "https://www.example.ir/fa/category/3") == expected


def test_listing_page_as_windows_1256_bytes_is_read_like_the_text() -> None:
    page, _expected = listing_page()
    # windows-1256 has only the Arabic yeh and kaf, as old Iranian sites show.
    page = page.replace("ی", "ي").replace("ک", "ك")
    data = page.replace("<html>", '<html><head><meta charset="windows-1256"></head>')
    links = find_article_links(data.encode("cp1256"), "https://www.example.ir/")
    assert links == find_article_links(page, "https://www.example.ir/")
    assert len(links) == 5


@pytest.mark.parametrize("page", ["", "<html></html>", "\x00\x01", "<a href='/1'>x</a>"])
def test_pages_without_article_links_give_none(page: str) -> None:
    assert find_article_links(page, "https://www.example.ir/") == []


@pytest.mark.parametrize("variant", [0, 1, 2, 3])
def test_article_text_is_extracted_whole_without_boilerplate(variant: int) -> None:
    item = extract_article(agency_page(TITLE, PARAGRAPHS, variant=variant), URL)
    assert item is not None
    assert item.body_text == "\n\n".join(PARAGRAPHS)
    assert item.title == TITLE
    assert item.published == AFTERNOON
    assert item.url.startswith("https://www.example.ir/fa/news/1404090612345/")
    for noise in ("اخبار مرتبط", "پربازدیدترین", "تمامی حقوق", "نظرات", "روتیتر", "تلگرام"):
        assert noise not in item.body_text


def test_extraction_keeps_every_zwnj_word_and_arabic_letter_intact() -> None:
    item = extract_article(agency_page(TITLE, PARAGRAPHS, variant=1), URL)
    assert item is not None
    for word in ("دستگاه‌های", "شهرستان‌ها", "برنامه‌ریزی", "بارندگی‌ها", "می‌شود", "مديرکل"):
        assert word in item.body_text
    assert item.body_text.count("\u200c") == sum(p.count("\u200c") for p in PARAGRAPHS)


def test_metadata_comes_from_open_graph_and_json_ld() -> None:
    item = extract_article(agency_page(TITLE, PARAGRAPHS, variant=2), URL)
    assert item is not None
    assert item.author == "مریم کریمی"
    assert item.image_url == "https://www.example.ir/files/fa/news/main.jpg"
    assert item.lead == PARAGRAPHS[0]
    assert "fa" in item.languages


def test_visible_jalali_date_is_used_when_no_machine_date_is_given() -> None:
    page = agency_page(TITLE, PARAGRAPHS, variant=3, date_text="۱۴:۳۰ - ۱۴۰۴/۰۹/۰۶")
    item = extract_article(page, URL)
    assert item is not None
    assert item.published == AFTERNOON


def test_body_markup_is_sanitised_with_absolute_links() -> None:
    paragraphs = [
        *PARAGRAPHS[:3],
        '<a href="/fa/news/55/x" onclick="steal()">پیوند</a> در متن خبری طولانی با توضیحات '
        "کافی برای اینکه پیوند غالب نباشد.<script>alert(1)</script>",
    ]
    item = extract_article(agency_page(TITLE, paragraphs, variant=0), URL)
    assert item is not None
    assert (
        '<a href="https://www.example.ir/fa/news/55/x" rel="nofollow noopener">' in item.body_html
    )
    assert "onclick" not in item.body_html
    assert "alert" not in item.body_html


@pytest.mark.parametrize(
    "page",
    ["", "<html><body><p>کوتاه</p></body></html>", "\x00\xff", "<" * 10_000, listing_page()[0]],
)
def test_a_page_without_article_text_gives_none(page: str) -> None:
    assert extract_article(page, URL) is None


def test_a_non_http_address_gives_none() -> None:
    assert extract_article(agency_page(TITLE, PARAGRAPHS), "ftp://example.ir/x") is None
