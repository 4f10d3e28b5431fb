"""Publication dates in every form feeds and Iranian pages write them."""

from __future__ import annotations

import datetime as dt

import pytest

from ravabet.lib.feeds import parse_date

UTC = dt.UTC
# 14:30 in Tehran on Thursday 6 Azar 1404 (27 November 2025), and the Tehran midnight before it.
AFTERNOON = dt.datetime(2025, 11, 27, 11, 0, tzinfo=UTC)
MIDNIGHT = dt.datetime(2025, 11, 26, 20, 30, tzinfo=UTC)

EXAMPLES = [
    # RFC 822 and its variants
    ("Thu, 27 Nov 2025 14:30:00 +0330", AFTERNOON),
    ("Thu, 27 Nov 2025 11:00:00 GMT", AFTERNOON),
    ("Thu, 27 Nov 2025 11:00:00 UT", AFTERNOON),
    ("Thu, 27 Nov 2025 11:00:00 Z", AFTERNOON),
    ("27 Nov 2025 14:30 IRST", AFTERNOON),
    ("Thu, 27 Nov 2025 15:30:00 IRDT", AFTERNOON),
    ("Thu, 27 Nov 2025 14:30:00 +03:30", AFTERNOON),
    ("Thu, 27 Nov 25 06:00:00 EST", AFTERNOON),
    ("Thursday, 27 November 2025 14:30:00", AFTERNOON),
    ("Thu,27 Nov 2025 14:30 +0330", AFTERNOON),
    ("Thu, ۲۷ Nov ۲۰۲۵ ۱۴:۳۰:۰۰ +۰۳۳۰", AFTERNOON),
    ("Nov 27, 2025 2:30 PM", AFTERNOON),
    # ISO 8601
    ("2025-11-27T14:30:00+03:30", AFTERNOON),
    ("2025-11-27T11:00:00Z", AFTERNOON),
    ("2025-11-27T11:00:00.123456Z", AFTERNOON),
    ("2025-11-27T14:30:00.5+0330", AFTERNOON),
    ("2025-11-27 14:30", AFTERNOON),
    ("2025-11-27", MIDNIGHT),
    ("20251127T110000Z", AFTERNOON),
    # Gregorian with Persian or Arabic-Indic digits, or Persian month names
    ("۲۰۲۵-۱۱-۲۷ ۱۴:۳۰", AFTERNOON),
    ("٢٠٢٥/١١/٢٧ ١٤:٣٠", AFTERNOON),
    ("۲۷ نوامبر ۲۰۲۵", MIDNIGHT),
    ("27/11/2025 14:30", AFTERNOON),
    # Jalali with digits
    ("۱۴۰۴/۰۹/۰۶", MIDNIGHT),
    ("1404-09-06 14:30", AFTERNOON),
    ("۱۴۰۴/۹/۶ - ۱۴:۳۰", AFTERNOON),
    ("۱۴:۳۰ - ۱۴۰۴/۰۹/۰۶", AFTERNOON),
    ("١٤٠٤/٠٩/٠٦ ١٤:٣٠", AFTERNOON),
    ("۱۴۰۴.۰۹.۰۶", MIDNIGHT),
    # Jalali with month names, weekdays, ساعت and ب.ظ, Arabic letters
    ("۶ آذر ۱۴۰۴ - ۱۴:۳۰", AFTERNOON),
    ("پنجشنبه ۶ آذر ۱۴۰۴", MIDNIGHT),
    ("پنج‌شنبه، ۶ آذر ۱۴۰۴، ساعت ۱۴:۳۰", AFTERNOON),
    ("۶ آذرماه ۱۴۰۴ ساعت ۲:۳۰ ب.ظ", AFTERNOON),
    ("6 آذر 1404 14:30", AFTERNOON),
    ("۱۵ دي ۱۴۰۴", dt.datetime(2026, 1, 4, 20, 30, tzinfo=UTC)),
    ("۱ ارديبهشت ۱۴۰۴", dt.datetime(2025, 4, 20, 20, 30, tzinfo=UTC)),
    ("تاریخ انتشار: سه‌شنبه ۱۱ شهریور ۱۴۰۴ - ۰۹:۱۵", dt.datetime(2025, 9, 2, 5, 45, tzinfo=UTC)),
    ("۳۰ اسفند ۱۴۰۳", dt.datetime(2025, 3, 19, 20, 30, tzinfo=UTC)),
    # A naive time in a summer when Iran still kept daylight saving (+04:30)
    ("2021-06-01 12:00", dt.datetime(2021, 6, 1, 7, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_each_written_form_is_read_as_the_same_instant(text: str, expected: dt.datetime) -> None:
    result = parse_date(text)
    assert result == expected
    assert result is not None
    assert result.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "بدون تاریخ",
        "۳۰ اسفند ۱۴۰۴",  # 1404 is not a leap year
        "1404/13/01",
        "2025-02-30",
        "Thu, 27 Foo 2025",
        "۱۴۰۴/۰۹/۰۶ ۲۵:۰۰",
        "0000-00-00",
        "12345",
        "Thu, 27 Nov 2025 14:30:00 +9900",
        "۹۹۹۹/۰۱/۰۱",
    ],
)
def test_text_naming_no_possible_date_gives_none(text: str) -> None:
    assert parse_date(text) is None


def test_non_text_and_huge_input_give_none_without_raising() -> None:
    assert parse_date(None) is None
    assert parse_date(12345) is None  # type: ignore[arg-type]
    assert parse_date("۱" * 100_000) is None
