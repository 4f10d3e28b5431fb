"""parse_feed on every kind of feed, on damaged and hostile input, and parse_opml."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from ravabet.lib.feeds import FeedKind, ParseReason, parse_feed, parse_opml
from ravabet.lib.feeds import parse as parse_module
from ravabet.lib.tests.feed_samples import (
    atom_feed,
    expected_url,
    json_feed,
    news_sitemap,
    rss_feed,
    sample_items,
)

BASE = "https://www.example.ir/rss"
AFTERNOON = dt.datetime(2025, 11, 27, 11, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("build", [rss_feed, atom_feed, json_feed, news_sitemap])
def test_every_feed_kind_gives_every_item_with_its_canonical_url(build: object) -> None:
    items = sample_items(20, seed=3)
    result = parse_feed(build(items), base_url=BASE)  # type: ignore[operator]
    assert result.errors == ()
    assert [i.url for i in result.items] == [expected_url(i) for i in items]
    assert [i.title for i in result.items] == [i.title for i in items]
    assert [i.published is None for i in result.items] == [i.date is None for i in items]


def test_rss_item_fields_are_read_cleaned_and_kept_persian() -> None:
    items = sample_items(3)
    result = parse_feed(rss_feed(items), base_url=BASE, content_type="application/rss+xml")
    assert result.kind is FeedKind.RSS
    assert result.title == "خبرگزاری نمونه"
    first, source = result.items[0], items[0]
    assert first.lead == source.paragraphs[0]
    assert first.body_text == "\n\n".join(source.paragraphs)
    assert first.author == source.author
    assert first.languages == ("fa",)
    assert first.image_url == f"https://www.example.ir{source.image}"
    assert 'src="https://www.example.ir/files/' in first.body_html
    assert "utm_" not in first.url


WINDOWS_1256_RSS = """<?xml version="1.0" encoding="windows-1256"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>خبرگزاري استان</title><link>http://news.example.ir</link>
<item><title>مديركل &laquo;روابط عمومي&raquo; استانداري</title>
<link>/NewsDetail.aspx?ID=99&amp;utm_campaign=x&amp;lang=fa#comments</link>
<description>&lt;p&gt;متن اطلاع‌رساني&nbsp;كوتاه &amp;amp; خبر&lt;/p&gt;</description>
<pubDate>Thu, 27 Nov 2025 14:30:00 +0330</pubDate><author>info@example.ir (علي كريمي)</author>
</item></channel></rss>"""


def test_windows_1256_feed_with_html_entities_and_netscape_doctype_is_read() -> None:
    data = WINDOWS_1256_RSS.encode("cp1256")
    result = parse_feed(data, base_url="http://news.example.ir/rss.aspx", content_type=None)
    assert result.errors == ()
    (item,) = result.items
    assert item.title == "مديركل «روابط عمومي» استانداري"
    assert item.url == "http://news.example.ir/NewsDetail.aspx?ID=99&lang=fa"
    assert item.lead == "متن اطلاع‌رساني كوتاه & خبر"
    assert item.published == AFTERNOON
    assert item.author == "علي كريمي"


def test_utf8_bytes_declared_as_windows_1256_are_read_as_utf8() -> None:
    data = WINDOWS_1256_RSS.encode("utf-8")
    result = parse_feed(data, base_url="http://news.example.ir/", content_type="text/xml")
    assert result.items[0].title.startswith("مديركل")


RDF = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example.ir/"><title>کانال</title>
<link>https://rdf.example.ir/</link></channel>
<item rdf:about="https://rdf.example.ir/a/1"><title>خبر یک</title>
<link>https://rdf.example.ir/a/1</link><dc:date>2025-11-27T14:30:00+03:30</dc:date>
<dc:creator>نویسنده</dc:creator><dc:language>fa</dc:language></item>
<item rdf:about="https://rdf.example.ir/a/2"><title>خبر دو</title>
<link>https://rdf.example.ir/a/2</link></item>
</rdf:RDF>"""


def test_rss_1_0_items_beside_the_channel_are_read() -> None:
    result = parse_feed(RDF.encode(), base_url="https://rdf.example.ir/feed")
    assert result.kind is FeedKind.RDF
    assert [i.title for i in result.items] == ["خبر یک", "خبر دو"]
    assert result.items[0].published == AFTERNOON
    assert result.items[0].author == "نویسنده"
    assert result.items[0].guid == "https://rdf.example.ir/a/1"


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fa" xml:base="https://atom.example.ir/fa/">
<title type="html">&lt;b&gt;اخبار&lt;/b&gt; استان</title>
<entry xml:base="archive/"><title>ورود به‌موقع</title><link href="1404/09/article-7"/>
<id>urn:uuid:7</id><updated>2025-11-27T11:00:00Z</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>بند <b>مهم</b></p>
<script>alert(1)</script><p>بند دوم</p></div></content>
<link rel="enclosure" type="image/jpeg" href="/img/7.jpg"/></entry>
<entry><title type="text">بدون پیوند</title><id>urn:uuid:8</id></entry>
</feed>"""


def test_atom_resolves_xml_base_reads_xhtml_and_skips_an_entry_without_link() -> None:
    result = parse_feed(ATOM.encode(), base_url="https://atom.example.ir/feed")
    assert result.kind is FeedKind.ATOM
    assert result.title == "اخبار استان"
    (item,) = result.items
    assert item.url == "https://atom.example.ir/fa/archive/1404/09/article-7"
    assert item.body_html == "<p>بند <b>مهم</b></p>\n<p>بند دوم</p>"
    assert item.image_url == "https://atom.example.ir/img/7.jpg"
    assert item.published == AFTERNOON
    assert [e.reason for e in result.errors] == [ParseReason.ITEM_WITHOUT_URL]


def test_json_feed_1_0_with_text_content_and_single_author() -> None:
    data = (
        '{"version": "https://jsonfeed.org/version/1", "title": "فید",'
        ' "home_page_url": "https://j.example.ir/", "author": {"name": "دبیر"},'
        ' "items": [{"id": 1, "url": "/n/1", "title": "یک", "content_text": "الف\\n\\nب",'
        ' "date_published": "2025-11-27T11:00:00Z"}, {"id": "2", "title": 5}, "bad"]}'
    )
    result = parse_feed(data.encode(), base_url="https://j.example.ir/feed.json")
    assert result.kind is FeedKind.JSON_FEED
    (item,) = result.items
    assert (item.url, item.guid, item.body_text, item.author) == (
        "https://j.example.ir/n/1",
        "1",
        "الف\n\nب",
        "دبیر",
    )
    assert {e.reason for e in result.errors} == {
        ParseReason.ITEM_WITHOUT_URL,
        ParseReason.ITEM_INVALID,
    }


def test_sitemap_index_gives_child_sitemaps_and_gzip_is_opened() -> None:
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<sitemap><loc>https://www.example.ir/sitemap-news.xml</loc></sitemap>"
        "<sitemap><loc>/sitemap-2.xml.gz</loc></sitemap></sitemapindex>"
    )
    result = parse_feed(gzip.compress(index.encode()), base_url="https://www.example.ir/s.xml")
    assert result.kind is FeedKind.SITEMAP_INDEX
    assert result.child_urls == (
        "https://www.example.ir/sitemap-news.xml",
        "https://www.example.ir/sitemap-2.xml.gz",
    )


def test_plain_sitemap_urls_use_lastmod_as_date() -> None:
    data = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        "<loc>https://www.example.ir/news/5</loc><lastmod>2025-11-27T11:00:00Z</lastmod>"
        "</url></urlset>"
    )
    (item,) = parse_feed(data.encode(), base_url=BASE).items
    assert (item.url, item.published, item.title) == (
        "https://www.example.ir/news/5",
        AFTERNOON,
        "",
    )


def test_truncated_feed_keeps_the_items_before_the_break_and_records_it() -> None:
    data = rss_feed(sample_items(10))
    cut = data[: data.index(b"<item>", data.index(b"<item>") + 1000) + 200]
    result = parse_feed(cut, base_url=BASE)
    assert len(result.items) >= 2
    assert ParseReason.MALFORMED_XML in {e.reason for e in result.errors}


def test_duplicated_items_are_given_once() -> None:
    items = sample_items(2)
    result = parse_feed(rss_feed([items[0], items[1], items[0]]), base_url=BASE)
    assert [i.url for i in result.items] == [expected_url(items[0]), expected_url(items[1])]


def test_external_entities_are_never_read(tmp_path: object) -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><title>&xxe;</title><item><title>&xxe;</title>"
        "<link>https://x.example.ir/1</link><description>&xxe;</description></item>"
        "</channel></rss>"
    )
    result = parse_feed(data.encode(), base_url=BASE)
    everything = repr(result)
    assert "root:" not in everything
    assert len(result.items) == 1


def test_billion_laughs_is_not_expanded() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss><channel><item>'
        "<title>&a9;</title><link>https://x.example.ir/1</link></item></channel></rss>"
    )
    result = parse_feed(data.encode(), base_url=BASE)
    assert len(repr(result)) < 10_000


def test_gzip_bomb_is_refused_at_the_cap() -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (60 * 1024 * 1024), compresslevel=1)
    result = parse_feed(bomb, base_url=BASE)
    assert [e.reason for e in result.errors] == [ParseReason.TOO_LARGE]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", ParseReason.EMPTY),
        (b"   \n", ParseReason.EMPTY),
        (b"\x00\xff\xfe garbage", ParseReason.UNREADABLE_XML),
        (b"<!DOCTYPE html><html><body>page</body></html>", ParseReason.NOT_A_FEED),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", ParseReason.NOT_A_FEED),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', ParseReason.MALFORMED_JSON),
        (b"[1, 2, 3]", ParseReason.MALFORMED_JSON),
        (b"[" * 100_000, ParseReason.MALFORMED_JSON),
        (b"\x1f\x8b\x08\x00broken", ParseReason.BAD_COMPRESSION),
    ],
)
def test_unusable_input_is_recorded_not_raised(data: bytes, reason: ParseReason) -> None:
    result = parse_feed(data, base_url=BASE)
    assert result.items == ()
    assert reason in {e.reason for e in result.errors}


def test_an_unexpected_failure_inside_becomes_an_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(text: str, base_url: str) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(parse_module, "_parse_xml", explode)
    result = parse_feed(rss_feed(sample_items(1)), base_url=BASE)
    assert [e.reason for e in result.errors] == [ParseReason.INTERNAL]


OPML = """<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>خبرگزاری‌ها</title></head><body>
<outline text="استانی" title="استانی">
  <outline type="rss" text="خبرگزاری یک" xmlUrl="https://one.example.ir/rss" htmlUrl="https://one.example.ir/"/>
  <outline type="rss" text="دو" xmlurl="HTTPS://Two.Example.ir/feed#x" category="/ملی"/>
</outline>
<outline type="rss" title="سه" xmlUrl="https://three.example.ir/atom.xml"/>
<outline type="rss" title="تکراری" xmlUrl="https://one.example.ir/rss"/>
<outline type="rss" title="بد" xmlUrl="javascript:alert(1)"/>
</body></opml>"""


def test_opml_lists_each_feed_once_with_its_category() -> None:
    outlines = parse_opml(OPML.encode())
    assert [(o.title, o.xml_url, o.html_url, o.category) for o in outlines] == [
        ("خبرگزاری یک", "https://one.example.ir/rss", "https://one.example.ir/", "استانی"),
        ("دو", "https://two.example.ir/feed", None, "ملی"),
        ("سه", "https://three.example.ir/atom.xml", None, ""),
    ]


@pytest.mark.parametrize("data", [b"", b"not xml", b"<opml><body/></opml>", b"\x1f\x8b\x00"])
def test_unreadable_or_empty_opml_gives_no_outlines(data: bytes) -> None:
    assert parse_opml(data) == []
