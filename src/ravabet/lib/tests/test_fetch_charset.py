"""Decoding fetched bytes the way Iranian sites label them: UTF-8, windows-1256, and mislabels."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

import pytest

from ravabet.lib.fetch import FetchPolicy, decode_text, safe_fetch
from ravabet.lib.tests.fetch_support import LocalServer, respond

# Pre-Unicode Persian pages write the Arabic yeh and ASCII digits; windows-1256 has no Persian yeh.
PERSIAN = "خبرگزاري فارس: رئيس‌جمهور گفت 1403 گام مهمي است"
UTF8_PERSIAN = "خبرگزاری فارس: رئیس‌جمهور گفت ۱۴۰۳ گام مهمی است"
CP1256 = PERSIAN.encode("cp1256")


def test_the_sample_is_really_windows_1256_and_not_utf8() -> None:
    with pytest.raises(UnicodeDecodeError):
        CP1256.decode("utf-8")
    assert CP1256.decode("cp1256") == PERSIAN


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (CP1256, "text/html; charset=windows-1256"),
        (CP1256, 'text/html; charset="Windows-1256"'),
        (CP1256, "text/html; charset=cp1256"),
        (CP1256, "text/html"),
        (CP1256, None),
        (CP1256, "text/html; charset=utf-8"),
        (CP1256, "text/html; charset=no-such-charset"),
        (b'<meta charset="windows-1256">' + CP1256, "text/html"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">' + CP1256,
            "text/html",
        ),
        (b'<?xml version="1.0" encoding="windows-1256"?><rss>' + CP1256, "application/rss+xml"),
    ],
)
def test_windows_1256_pages_decode_to_persian(body: bytes, content_type: str | None) -> None:
    assert PERSIAN in decode_text(body, content_type)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (UTF8_PERSIAN.encode(), "text/html; charset=utf-8"),
        (UTF8_PERSIAN.encode(), None),
        (UTF8_PERSIAN.encode(), "text/html; charset=windows-1256"),
        (UTF8_PERSIAN.encode(), "text/html; charset=iso-8859-1"),
        (UTF8_PERSIAN.encode(), "text/html; charset=us-ascii"),
        (codecs.BOM_UTF8 + UTF8_PERSIAN.encode(), "text/html; charset=windows-1256"),
        (codecs.BOM_UTF16_LE + UTF8_PERSIAN.encode("utf-16-le"), "text/xml"),
        (codecs.BOM_UTF16_BE + UTF8_PERSIAN.encode("utf-16-be"), None),
        (b'<meta charset="utf-16">' + UTF8_PERSIAN.encode(), "text/html"),
        (UTF8_PERSIAN.encode("utf-16-le"), "text/xml; charset=utf-16le"),
        (b'<?xml version="1.0" encoding="UTF-8"?>' + UTF8_PERSIAN.encode(), None),
    ],
)
def test_utf8_and_bom_marked_pages_decode_to_persian(body: bytes, content_type: str | None) -> None:
    assert UTF8_PERSIAN in decode_text(body, content_type)


def test_the_bom_is_not_part_of_the_text() -> None:
    assert decode_text(codecs.BOM_UTF8 + b"<rss/>", "application/rss+xml") == "<rss/>"


def test_a_latin_label_is_honoured_for_latin_bytes() -> None:
    assert decode_text("café".encode("latin-1"), "text/html; charset=iso-8859-1") == "café"


@pytest.mark.parametrize("label", ["utf-7", "unicode_escape", "raw_unicode_escape", "idna"])
def test_labels_that_turn_bytes_into_markup_are_ignored(label: str) -> None:
    body = b"+ADw-script+AD4- \\u003cb\\u003e"
    assert decode_text(body, f"text/html; charset={label}") == body.decode("ascii")


def test_undecodable_bytes_never_raise() -> None:
    assert isinstance(decode_text(bytes(range(256)), "text/html; charset=utf-8"), str)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    server = LocalServer({})
    yield server
    server.close()


def test_a_fetched_windows_1256_page_reads_as_persian(server: LocalServer) -> None:
    page = b"<html><head><meta charset=windows-1256></head><body>" + CP1256 + b"</body></html>"
    server.routes["/"] = lambda h: respond(h, 200, page, {"Content-Type": "text/html"})
    result = safe_fetch(server.url("/"), policy=FetchPolicy().admitting_loopback(server.port))
    assert PERSIAN in result.text()
    assert result.content_type == "text/html"
    assert result.charset is None


def test_a_fetched_utf8_feed_with_a_bom_reads_as_persian(server: LocalServer) -> None:
    body = codecs.BOM_UTF8 + f"<rss><title>{UTF8_PERSIAN}</title></rss>".encode()
    headers = {"Content-Type": "application/rss+xml; charset=UTF-8"}
    server.routes["/"] = lambda h: respond(h, 200, body, headers)
    result = safe_fetch(server.url("/"), policy=FetchPolicy().admitting_loopback(server.port))
    assert result.text() == f"<rss><title>{UTF8_PERSIAN}</title></rss>"
    assert result.charset == "UTF-8"
