"""Persian digits, grouped numbers and bidi isolation."""

from __future__ import annotations

from decimal import Decimal

from ravabet.lib import persian


def test_digits_convert_both_ways_including_arabic_indic() -> None:
    assert persian.to_persian_digits("1405/09/01 ٢٣") == "۱۴۰۵/۰۹/۰۱ ۲۳"
    assert persian.to_persian_digits(42) == "۴۲"
    assert persian.to_latin_digits("۱۴۰۵ و ١٤٠٥") == "1405 و 1405"


def test_numbers_are_grouped_with_persian_separators() -> None:
    assert persian.format_number(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert persian.format_number(1234.5, decimals=2) == "۱٬۲۳۴٫۵۰"
    assert persian.format_number(Decimal("0.25")) == "۰٫۲۵"
    assert persian.format_number(1234567, persian=False) == "1,234,567"


def test_negative_persian_numbers_keep_the_minus_on_the_left() -> None:
    assert persian.format_number(-1500) == persian.LRM + "-۱٬۵۰۰"
    assert persian.format_number(-1500, persian=False) == "-1,500"


def test_isolates_wrap_text_in_the_chosen_direction() -> None:
    assert persian.isolate("192.168.1.1", ltr=True) == "\u2066192.168.1.1\u2069"
    assert persian.isolate("Ravabet") == "\u2068Ravabet\u2069"
    assert persian.isolate("روابط", rtl=True) == "\u2067روابط\u2069"


def test_bidi_controls_are_stripped_from_pasted_text() -> None:
    assert persian.strip_bidi_controls("\u200f۱۴۰۵\u200e/\u2066۰۹\u2069") == "۱۴۰۵/۰۹"
    # The zero-width non-joiner is part of Persian spelling and stays.
    assert persian.strip_bidi_controls("می\u200cروم") == "می\u200cروم"
