"""The Jalali calendar: conversion against jdatetime, Tehran time, formatting, parsing, periods."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pytest

from ravabet.lib import jalali
from ravabet.lib.jalali import TEHRAN, UTC, JalaliDate, JalaliParseError, Period, PeriodKind


def _last_day_of_1500() -> int:
    return 30 if jdatetime.date(1500, 1, 1).isleap() else 29


def test_every_day_from_1300_to_1500_matches_jdatetime_and_round_trips() -> None:
    # locale="fa_IR" spares jdatetime a system locale lookup per date (3x faster).
    ordinal = jdatetime.date(1300, 1, 1, locale="fa_IR").togregorian().toordinal()
    days = 0
    for year in range(1300, 1501):
        for month in range(1, 13):
            for day in range(1, jalali.days_in_month(year, month) + 1):
                theirs = jdatetime.date(year, month, day, locale="fa_IR").togregorian()
                ours = JalaliDate(year, month, day)
                # Consecutive Jalali days are consecutive Gregorian days: no gaps, no repeats.
                assert ours.toordinal() == theirs.toordinal() == ordinal
                assert JalaliDate.fromordinal(ordinal) == ours
                ordinal += 1
                days += 1
    assert days == 73_414
    assert JalaliDate.from_gregorian(dt.date.fromordinal(ordinal - 1)) == JalaliDate(
        1500, 12, _last_day_of_1500()
    )


def test_gregorian_to_jalali_matches_jdatetime_on_every_first_of_month() -> None:
    for year in range(1921, 2122):
        for month in range(1, 13):
            day = dt.date(year, month, 1)
            theirs = jdatetime.date.fromgregorian(date=day)
            assert JalaliDate.from_gregorian(day) == JalaliDate(
                theirs.year, theirs.month, theirs.day
            )


def test_leap_years_agree_with_jdatetime() -> None:
    for year in range(1300, 1501):
        assert jalali.is_leap(year) == jdatetime.date(year, 1, 1).isleap()
    assert [y for y in range(1395, 1412) if jalali.is_leap(y)] == [1395, 1399, 1403, 1408]


def test_known_new_years_days() -> None:
    assert jalali.to_gregorian(1403, 1, 1) == dt.date(2024, 3, 20)
    assert jalali.to_gregorian(1404, 1, 1) == dt.date(2025, 3, 21)
    assert jalali.to_gregorian(1405, 1, 1) == dt.date(2026, 3, 21)
    assert jalali.to_jalali(dt.date(2026, 11, 22)) == JalaliDate(1405, 9, 1)


def test_impossible_jalali_dates_are_refused() -> None:
    with pytest.raises(JalaliParseError) as error:
        JalaliDate(1404, 12, 30)
    assert error.value.code == "invalid_date"
    assert JalaliDate(1403, 12, 30).is_leap
    with pytest.raises(JalaliParseError):
        JalaliDate(1405, 7, 31)
    with pytest.raises(JalaliParseError):
        JalaliDate(1405, 13, 1)


def test_weekday_matches_the_gregorian_day() -> None:
    saturday = JalaliDate(1405, 9, 1).plus_days(-1)
    assert saturday.to_gregorian().weekday() == saturday.weekday() == 5
    assert saturday.weekday_name() == "شنبه"
    assert saturday.weekday_name(persian=False) == "Saturday"


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (dt.date(2022, 6, 1), dt.timedelta(hours=4, minutes=30)),
        (dt.date(2022, 12, 1), dt.timedelta(hours=3, minutes=30)),
        (dt.date(2023, 6, 1), dt.timedelta(hours=3, minutes=30)),
        (dt.date(2026, 6, 1), dt.timedelta(hours=3, minutes=30)),
    ],
)
def test_tehran_offset_has_no_daylight_saving_since_2023(
    day: dt.date, offset: dt.timedelta
) -> None:
    assert dt.datetime.combine(day, dt.time(12), tzinfo=TEHRAN).utcoffset() == offset


def test_this_systems_time_zone_data_knows_daylight_saving_ended() -> None:
    assert jalali.tzdata_is_current()


def test_utc_evening_is_already_the_next_jalali_day_in_tehran() -> None:
    # 30 Aban 1405 ends at 20:30 UTC; the UTC date is still 21 November for hours after that.
    just_before = dt.datetime(2026, 11, 21, 20, 29, 59, tzinfo=UTC)
    at_midnight = dt.datetime(2026, 11, 21, 20, 30, tzinfo=UTC)
    late_utc_evening = dt.datetime(2026, 11, 21, 23, 59, tzinfo=UTC)
    assert jalali.to_jalali(just_before) == JalaliDate(1405, 8, 30)
    assert jalali.to_jalali(at_midnight) == JalaliDate(1405, 9, 1)
    assert jalali.to_jalali(late_utc_evening) == JalaliDate(1405, 9, 1)
    assert jalali.format_datetime(late_utc_evening, persian=False) == "1405/09/01 03:29"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        jalali.to_tehran(dt.datetime(2026, 1, 1, 12))


def test_tehran_midnight_is_the_start_of_the_day_in_utc() -> None:
    assert jalali.tehran_midnight(dt.date(2026, 11, 22)) == dt.datetime(
        2026, 11, 21, 20, 30, tzinfo=UTC
    )
    # In 2021 Tehran kept daylight saving in summer (+04:30).
    assert jalali.tehran_midnight(JalaliDate(1400, 4, 1)) == dt.datetime(
        2021, 6, 21, 19, 30, tzinfo=UTC
    )


def test_dates_are_formatted_short_and_long_in_persian_and_english() -> None:
    day = dt.date(2026, 11, 22)
    assert jalali.format_date(day) == "۱۴۰۵/۰۹/۰۱"
    assert jalali.format_date(day, persian=False) == "1405/09/01"
    assert jalali.format_date(day, long=True) == "یکشنبه ۱ آذر ۱۴۰۵"
    assert jalali.format_date(day, long=True, persian=False) == "Sunday 1 Azar 1405"
    moment = dt.datetime(2026, 11, 22, 10, 5, 9, tzinfo=UTC)
    assert jalali.format_datetime(moment) == "۱۴۰۵/۰۹/۰۱ ۱۳:۳۵"
    assert jalali.format_datetime(moment, persian=False, seconds=True) == "1405/09/01 13:35:09"


@pytest.mark.parametrize(
    "text",
    [
        "1405/09/01",
        "۱۴۰۵/۰۹/۰۱",
        "١٤٠٥/٠٩/٠١",
        "1405-9-1",
        "۱۴۰۵.۹.۱",
        " 1405 / 09 / 01 ",
        "۱۴۰۵٫۰۹٫۰۱",
        "1405\u200e/09/01\u200f",
        "01/09/1405",
        "14050901",
        "۱۴۰۵−۰۹−۰۱",
    ],
)
def test_dates_typed_in_any_digits_and_separators_are_understood(text: str) -> None:
    assert jalali.parse_date(text) == dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1404/12/30", "invalid_date"),
        ("1405/13/01", "invalid_date"),
        ("1405/07/31", "invalid_date"),
        ("1405/00/10", "invalid_date"),
        ("2026/11/22", "looks_gregorian"),
        ("0405/09/01", "out_of_range"),
        ("1405/09/01 x", "format"),
        ("1405/09", "format"),
        ("tomorrow", "format"),
        ("", "format"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(JalaliParseError) as error:
        jalali.parse_date(text)
    assert error.value.code == code


def test_leap_day_is_accepted_only_in_a_leap_year() -> None:
    assert jalali.parse_date("1403/12/30") == dt.date(2025, 3, 20)
    with pytest.raises(JalaliParseError, match="29 days"):
        jalali.parse_date("۱۴۰۴/۱۲/۳۰")


@pytest.mark.parametrize(
    "text",
    [
        "1405/09/01 14:30",
        "۱۴۰۵/۰۹/۰۱ ۱۴:۳۰",
        "١٤٠٥-٠٩-٠١ ١٤:٣٠",
        "1405/09/01T14:30",
        "140509011430",
    ],
)
def test_date_times_are_tehran_wall_clock_times(text: str) -> None:
    value = jalali.parse_datetime(text)
    assert value.tzinfo is TEHRAN
    assert value.astimezone(UTC) == dt.datetime(2026, 11, 22, 11, 0, tzinfo=UTC)


def test_date_time_without_a_time_is_tehran_midnight() -> None:
    assert jalali.parse_datetime("1405/09/01").astimezone(UTC) == dt.datetime(
        2026, 11, 21, 20, 30, tzinfo=UTC
    )


def test_date_time_with_seconds_keeps_them() -> None:
    assert jalali.parse_datetime("1405/09/01 14:30:15").second == 15


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1405/09/01 24:00", "invalid_time"),
        ("1405/09/01 12:60", "invalid_time"),
        ("1405/09/01 12", "format"),
        # 2 Farvardin 1400: Tehran's clocks jumped from 00:00 to 01:00.
        ("1400/01/02 00:30", "nonexistent_time"),
    ],
)
def test_bad_times_are_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(JalaliParseError) as error:
        jalali.parse_datetime(text)
    assert error.value.code == code


def test_a_day_belongs_to_one_period_of_each_kind() -> None:
    day = dt.date(2026, 11, 22)  # 1 Azar 1405
    assert Period.containing(day, "month") == Period(PeriodKind.MONTH, 1405, 9)
    assert Period.containing(day, PeriodKind.QUARTER) == Period(PeriodKind.QUARTER, 1405, 3)
    assert Period.containing(day, "half") == Period(PeriodKind.HALF, 1405, 2)
    assert Period.containing(day, "year") == Period(PeriodKind.YEAR, 1405)
    # A datetime counts by its day in Tehran: 21:00 UTC on 21 Nov is already 1 Azar there.
    evening = dt.datetime(2026, 11, 21, 21, 0, tzinfo=UTC)
    assert Period.containing(evening, "month") == Period(PeriodKind.MONTH, 1405, 9)


def test_quarters_are_three_months_from_farvardin() -> None:
    quarters = [Period(PeriodKind.QUARTER, 1405, i) for i in range(1, 5)]
    assert [(q.first_month, q.last_month) for q in quarters] == [(1, 3), (4, 6), (7, 9), (10, 12)]
    assert [m.index for m in quarters[2].months()] == [7, 8, 9]


def test_period_bounds_are_half_open_from_tehran_midnight() -> None:
    third_quarter = Period.parse("1405-Q3")
    assert third_quarter.start == JalaliDate(1405, 7, 1)
    assert third_quarter.end == JalaliDate(1405, 9, 30)
    assert third_quarter.bounds() == (dt.date(2026, 9, 23), dt.date(2026, 12, 22))
    start, end = third_quarter.bounds_utc()
    assert start == dt.datetime(2026, 9, 22, 20, 30, tzinfo=UTC)
    assert end == dt.datetime(2026, 12, 21, 20, 30, tzinfo=UTC)
    assert end == third_quarter.next().bounds_utc()[0]
    assert third_quarter.days == 90


def test_periods_in_the_daylight_saving_years_start_at_tehran_midnight() -> None:
    # Tir 1400 began on 22 June 2021 at 00:00 +04:30; Mehr 1400 after the clocks went back.
    assert Period.parse("1400-04").bounds_utc()[0] == dt.datetime(2021, 6, 21, 19, 30, tzinfo=UTC)
    assert Period.parse("1400-07").bounds_utc()[0] == dt.datetime(2021, 9, 22, 20, 30, tzinfo=UTC)


def test_periods_that_end_the_year_end_on_the_last_day_of_esfand() -> None:
    assert Period.parse("1403").end == JalaliDate(1403, 12, 30)
    assert Period.parse("1404").end == JalaliDate(1404, 12, 29)
    assert Period.parse("1403-12").days == 30
    assert Period.parse("1404-H2").end == JalaliDate(1404, 12, 29)
    assert Period.parse("1404-Q4").bounds_utc()[1] == Period.parse("1405").bounds_utc()[0]


def test_next_and_previous_cross_year_ends() -> None:
    assert Period.parse("1404-12").next() == Period.parse("1405-01")
    assert Period.parse("1405-01").previous() == Period.parse("1404-12")
    assert Period.parse("1404-Q4").next() == Period.parse("1405-Q1")
    assert Period.parse("1405-Q1").previous() == Period.parse("1404-Q4")
    assert Period.parse("1405-H1").previous() == Period.parse("1404-H2")
    assert Period.parse("1405").next() == Period.parse("1406")
    assert Period.parse("1405-09").shift(-21) == Period.parse("1403-12")


def test_period_labels_in_persian_and_english() -> None:
    assert Period.parse("1405-09").label() == "آذر ۱۴۰۵"
    assert Period.parse("1405-Q3").label() == "فصل سوم ۱۴۰۵"
    assert Period.parse("1405-H2").label() == "نیمه دوم ۱۴۰۵"
    assert Period.parse("1405").label() == "سال ۱۴۰۵"
    assert Period.parse("1405-09").label(persian=False) == "Azar 1405"
    assert Period.parse("1405-Q3").label(persian=False) == "Third quarter 1405"
    assert Period.parse("1405-H2").label(persian=False) == "Second half 1405"
    assert Period.parse("1405").label(persian=False) == "Year 1405"


@pytest.mark.parametrize("code", ["1405-09", "1405-Q3", "1405-H2", "1405"])
def test_period_codes_round_trip(code: str) -> None:
    assert Period.parse(code).code == code
    assert str(Period.parse(code)) == code


def test_period_codes_are_read_in_any_digits_and_case() -> None:
    assert Period.parse("۱۴۰۵-q۳") == Period(PeriodKind.QUARTER, 1405, 3)
    assert Period.parse("1405/9") == Period(PeriodKind.MONTH, 1405, 9)
    assert Period.parse(" 1405h1 ") == Period(PeriodKind.HALF, 1405, 1)


@pytest.mark.parametrize("text", ["1405-13", "1405-Q5", "1405-H3", "1405-00", "Q3", "next year"])
def test_bad_period_codes_are_refused(text: str) -> None:
    with pytest.raises(JalaliParseError):
        Period.parse(text)


def test_periods_of_one_kind_sort_and_contain_their_days() -> None:
    months = [Period.parse("1405-02"), Period.parse("1404-12"), Period.parse("1405-01")]
    assert [m.code for m in sorted(months)] == ["1404-12", "1405-01", "1405-02"]
    assert Period.parse("1405-Q3").contains(dt.date(2026, 11, 22))
    assert not Period.parse("1405-Q3").contains(dt.date(2026, 12, 22))
    with pytest.raises(TypeError):
        _ = Period.parse("1405") < Period.parse("1405-01")
