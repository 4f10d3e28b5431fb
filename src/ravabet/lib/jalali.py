"""Jalali (Solar Hijri) dates: conversion, Tehran time, formatting and parsing.

Stored values are UTC; a person sees and types Jalali dates in Tehran time. Conversion uses
jdatetime, which implements the 33-year arithmetic of the official calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import jdatetime

from ravabet.lib.persian import to_latin_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
# Python's weekday(): Monday is 0.
WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class JalaliParseError(ValueError):
    """Text that is not a valid Jalali date or date-time."""


def to_tehran(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware datetimes")
    return value.astimezone(TEHRAN)


def to_jalali(value: dt.date) -> jdatetime.date:
    """The Jalali date of a Gregorian date (or of an aware datetime, in Tehran)."""
    if isinstance(value, dt.datetime):
        value = to_tehran(value).date()
    return jdatetime.date.fromgregorian(date=value)


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise JalaliParseError(str(exc)) from None


def format_date(value: dt.date, *, persian: bool = True, long: bool = False) -> str:
    """``1405/09/01`` or, long, ``شنبه ۱ آذر ۱۴۰۵`` (English month names when not persian)."""
    weekday = value.weekday() if not isinstance(value, dt.datetime) else to_tehran(value).weekday()
    j = to_jalali(value)
    if long:
        if persian:
            text = f"{WEEKDAYS_FA[weekday]} {j.day} {MONTHS_FA[j.month - 1]} {j.year}"
        else:
            text = f"{WEEKDAYS_EN[weekday]} {j.day} {MONTHS_EN[j.month - 1]} {j.year}"
    else:
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if persian else text


def format_datetime(value: dt.datetime, *, persian: bool = True, long: bool = False) -> str:
    local = to_tehran(value)
    text = f"{format_date(local.date(), persian=persian, long=long)} {local:%H:%M}"
    return to_persian_digits(text) if persian else text


_DATE_RE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})")
_TIME_RE = re.compile(r"(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2}))?\s*$")


def parse_date(text: str) -> dt.date:
    """A Jalali ``YYYY/MM/DD`` typed with Persian, Arabic-Indic or Latin digits."""
    match = _DATE_RE.match(to_latin_digits(text))
    if not match:
        raise JalaliParseError(text)
    year, month, day = (int(part) for part in match.groups())
    return to_gregorian(year, month, day)


def parse_datetime(text: str) -> dt.datetime:
    """A Jalali date with an optional ``HH:MM[:SS]`` Tehran time, as an aware datetime."""
    latin = to_latin_digits(text).strip()
    day = parse_date(latin)
    date_match = _DATE_RE.match(latin)
    assert date_match is not None
    rest = latin[date_match.end() :].strip()
    hour = minute = second = 0
    if rest:
        time_match = _TIME_RE.fullmatch(rest)
        if not time_match:
            raise JalaliParseError(text)
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise JalaliParseError(text)
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=TEHRAN)


def today() -> jdatetime.date:
    return to_jalali(dt.datetime.now(tz=TEHRAN))
