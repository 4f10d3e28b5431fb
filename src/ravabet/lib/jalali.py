"""Jalali (Solar Hijri) calendar: conversion, Tehran time, formatting, parsing and report periods.

Stored values are UTC; a person sees and types Jalali dates in Tehran time. The arithmetic is the
33-year rule of the official calendar (a year is leap when ``year % 33`` is 1, 5, 9, 13, 17, 22,
26 or 30), which matches the astronomical calendar from 1178 to 1633; a test compares every day
from 1300 to 1500 with jdatetime. It is plain integer arithmetic on Python's date ordinals, fast
enough for report loops and free of jdatetime's per-object locale lookups.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ravabet.lib.persian import strip_bidi_controls, to_latin_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")
UTC = dt.UTC

MONTHS_FA = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)  # fmt: skip
MONTHS_EN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip
# Indexed by Python's weekday(): Monday is 0. The Iranian week starts on Saturday (شنبه).
WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

MIN_YEAR = 1
# The Jalali year holding Python's last date (9999-12-31).
MAX_YEAR = 9378
# Years a person plausibly types; 1700–2299 is almost certainly a Gregorian year by mistake.
INPUT_MIN_YEAR = 1000
INPUT_MAX_YEAR = 1699
_GREGORIAN_LOOKING = range(1700, 2300)


class JalaliParseError(ValueError):
    """Text or numbers that are not a valid Jalali date, date-time or period.

    ``code`` says what is wrong (``format``, ``invalid_date``, ``invalid_time``,
    ``nonexistent_time``, ``out_of_range``, ``looks_gregorian``, ``invalid_period``) so a form
    can show its own translated message; ``params`` holds the parts that were understood.
    """

    def __init__(self, message: str, *, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.params = params or {}


# --- The 33-year arithmetic --------------------------------------------------------------------

_LEAP_REMAINDERS = frozenset({1, 5, 9, 13, 17, 22, 26, 30})
# _LEAPS_THROUGH[r]: how many of the remainders 0..r are leap.
_LEAPS_THROUGH = tuple(sum(1 for k in range(r + 1) if k in _LEAP_REMAINDERS) for r in range(33))
_DAYS_PER_CYCLE = 33 * 365 + len(_LEAP_REMAINDERS)  # 12053


def is_leap(year: int) -> bool:
    """Whether Esfand of ``year`` has 30 days."""
    return year % 33 in _LEAP_REMAINDERS


def days_in_month(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def _days_before_year(year: int) -> int:
    """Days from 1 Farvardin of year 1 to 1 Farvardin of ``year``."""
    n = year - 1
    return 365 * n + 8 * (n // 33) + _LEAPS_THROUGH[n % 33]


def _days_before_month(month: int) -> int:
    return 31 * (month - 1) if month <= 7 else 186 + 30 * (month - 7)


# 1 Farvardin 1403 was 20 March 2024; every other day follows from the arithmetic.
_EPOCH = dt.date(2024, 3, 20).toordinal() - _days_before_year(1403)


def _check(year: int, month: int, day: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise JalaliParseError(
            f"year {year} is out of range", code="out_of_range", params={"year": year}
        )
    if not 1 <= month <= 12:
        raise JalaliParseError(
            f"month {month} is not 1 to 12",
            code="invalid_date",
            params={"year": year, "month": month, "day": day},
        )
    if not 1 <= day <= days_in_month(year, month):
        raise JalaliParseError(
            f"{year}/{month:02d} has {days_in_month(year, month)} days, not {day}",
            code="invalid_date",
            params={"year": year, "month": month, "day": day},
        )


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class JalaliDate:
    """A day of the Jalali calendar; constructing an impossible one raises JalaliParseError."""

    year: int
    month: int
    day: int

    def __post_init__(self) -> None:
        _check(self.year, self.month, self.day)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, JalaliDate):
            return NotImplemented
        return (self.year, self.month, self.day) < (other.year, other.month, other.day)

    def __str__(self) -> str:
        return f"{self.year:04d}/{self.month:02d}/{self.day:02d}"

    @classmethod
    def from_gregorian(cls, value: dt.date) -> JalaliDate:
        """The Jalali date of a Gregorian date, or of an aware datetime's day in Tehran."""
        if isinstance(value, dt.datetime):
            value = to_tehran(value).date()
        return cls.fromordinal(value.toordinal())

    @classmethod
    def fromordinal(cls, ordinal: int) -> JalaliDate:
        days = ordinal - _EPOCH
        year = days * 33 // _DAYS_PER_CYCLE + 1
        # The estimate is at most one year off either way.
        while _days_before_year(year + 1) <= days:
            year += 1
        while _days_before_year(year) > days:
            year -= 1
        day_of_year = days - _days_before_year(year)
        month = day_of_year // 31 + 1 if day_of_year < 186 else (day_of_year - 186) // 30 + 7
        return cls(year, month, day_of_year - _days_before_month(month) + 1)

    def toordinal(self) -> int:
        return _EPOCH + _days_before_year(self.year) + _days_before_month(self.month) + self.day - 1

    def to_gregorian(self) -> dt.date:
        ordinal = self.toordinal()
        if not 1 <= ordinal <= dt.date.max.toordinal():
            raise JalaliParseError(
                f"{self} is outside the Gregorian range",
                code="out_of_range",
                params={"year": self.year},
            )
        return dt.date.fromordinal(ordinal)

    def plus_days(self, days: int) -> JalaliDate:
        return JalaliDate.fromordinal(self.toordinal() + days)

    @property
    def is_leap(self) -> bool:
        return is_leap(self.year)

    def weekday(self) -> int:
        """Python's numbering: Monday is 0 (Saturday, the first day of the Iranian week, is 5)."""
        return (self.toordinal() + 6) % 7

    def month_name(self, *, persian: bool = True) -> str:
        return month_name(self.month, persian=persian)

    def weekday_name(self, *, persian: bool = True) -> str:
        return (WEEKDAYS_FA if persian else WEEKDAYS_EN)[self.weekday()]


def month_name(month: int, *, persian: bool = True) -> str:
    return (MONTHS_FA if persian else MONTHS_EN)[month - 1]


# --- Tehran time -------------------------------------------------------------------------------


def to_tehran(value: dt.datetime) -> dt.datetime:
    """An aware datetime as Tehran wall-clock time; naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store and pass aware datetimes")
    return value.astimezone(TEHRAN)


def tzdata_is_current() -> bool:
    """Whether the system's time-zone data knows that Iran ended daylight saving in 2022
    (tzdata 2022b); with older data every summer time since 2023 is shown an hour late."""
    summer = dt.datetime(2030, 6, 1, 12, tzinfo=TEHRAN)
    return summer.utcoffset() == dt.timedelta(hours=3, minutes=30)


def now_tehran() -> dt.datetime:
    return dt.datetime.now(tz=TEHRAN)


def today() -> JalaliDate:
    """Today's Jalali date in Tehran."""
    return JalaliDate.from_gregorian(now_tehran().date())


def tehran_midnight(day: dt.date | JalaliDate) -> dt.datetime:
    """The UTC instant at which ``day`` begins in Tehran.

    On the old daylight-saving start days, when 00:00 did not exist, zoneinfo resolves midnight
    with the earlier offset, which is exactly the moment the clocks jumped.
    """
    if isinstance(day, JalaliDate):
        day = day.to_gregorian()
    return dt.datetime.combine(day, dt.time(0), tzinfo=TEHRAN).astimezone(UTC)


def day_bounds_utc(
    first: dt.date | JalaliDate, last: dt.date | JalaliDate
) -> tuple[dt.datetime, dt.datetime]:
    """Half-open UTC bounds covering the Tehran days ``first`` through ``last``, inclusive."""
    if isinstance(last, JalaliDate):
        last = last.to_gregorian()
    return tehran_midnight(first), tehran_midnight(last + dt.timedelta(days=1))


def to_jalali(value: dt.date) -> JalaliDate:
    """The Jalali date of a Gregorian date (or of an aware datetime, in Tehran)."""
    return JalaliDate.from_gregorian(value)


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    return JalaliDate(year, month, day).to_gregorian()


# --- Formatting --------------------------------------------------------------------------------


def format_date(value: dt.date | JalaliDate, *, persian: bool = True, long: bool = False) -> str:
    """``۱۴۰۵/۰۹/۰۱`` or, long, ``شنبه ۱ آذر ۱۴۰۵`` (Latin digits and English month names when
    not ``persian``). A datetime is shown as its day in Tehran."""
    j = value if isinstance(value, JalaliDate) else JalaliDate.from_gregorian(value)
    if long:
        text = f"{j.weekday_name(persian=persian)} {j.day} {j.month_name(persian=persian)} {j.year}"
    else:
        text = str(j)
    return to_persian_digits(text) if persian else text


def format_time(
    value: dt.datetime | dt.time, *, persian: bool = True, seconds: bool = False
) -> str:
    """``۱۴:۳۰`` in Tehran time."""
    if isinstance(value, dt.datetime):
        value = to_tehran(value).time()
    text = value.strftime("%H:%M:%S" if seconds else "%H:%M")
    return to_persian_digits(text) if persian else text


def format_datetime(
    value: dt.datetime, *, persian: bool = True, long: bool = False, seconds: bool = False
) -> str:
    """``۱۴۰۵/۰۹/۰۱ ۱۴:۳۰`` in Tehran time (the form the date-time inputs accept back)."""
    local = to_tehran(value)
    date_text = format_date(local.date(), persian=persian, long=long)
    return f"{date_text} {format_time(local, persian=persian, seconds=seconds)}"


# --- Parsing -----------------------------------------------------------------------------------

# Separators people type between year, month and day: slash, hyphen and dot with their
# look-alikes (fraction and division slashes, Arabic date and decimal separators, dashes, the
# full-width slash) and the Persian comma.
_SEP = r"\s*[/\-.\u060c\u060d\u066b\u066c\u2010-\u2015\u2044\u2212\u2215\uff0f]\s*"
_YMD = rf"(?P<year>[0-9]{{4}}){_SEP}(?P<month>[0-9]{{1,2}}){_SEP}(?P<day>[0-9]{{1,2}})"
_DMY = rf"(?P<dday>[0-9]{{1,2}}){_SEP}(?P<dmonth>[0-9]{{1,2}}){_SEP}(?P<dyear>[0-9]{{4}})"
# Eight digits without separators, for phone keypads that have no slash.
_COMPACT = r"(?P<cyear>[0-9]{4})(?P<cmonth>[0-9]{2})(?P<cday>[0-9]{2})"
_DATE = rf"(?:{_YMD}|{_DMY}|{_COMPACT})"
_TIME = (
    r"(?P<hour>[0-9]{1,2})\s*[:.\u066b\uff1a]\s*(?P<minute>[0-9]{2})"
    r"(?:\s*[:.\u066b\uff1a]\s*(?P<second>[0-9]{2}))?"
)
# Twelve digits, YYYYMMDDHHMM, for the same keypads.
_COMPACT_DATETIME = (
    r"(?P<tyear>[0-9]{4})(?P<tmonth>[0-9]{2})(?P<tday>[0-9]{2})"
    r"(?P<chour>[0-9]{2})(?P<cminute>[0-9]{2})"
)
_DATE_RE = re.compile(rf"{_DATE}")
_DATETIME_RE = re.compile(
    rf"(?:{_DATE}(?:(?:\s*[T,\u060c]\s*|\s+|\s*-\s*){_TIME})?)|{_COMPACT_DATETIME}"
)


_DATE_GROUPS = (
    ("year", "month", "day"),
    ("dyear", "dmonth", "dday"),
    ("cyear", "cmonth", "cday"),
    ("tyear", "tmonth", "tday"),
)


def _normalise(text: str) -> str:
    text = to_latin_digits(strip_bidi_controls(str(text)))
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _date_from_match(
    match: re.Match[str], text: str, *, min_year: int, max_year: int
) -> JalaliDate:
    groups = match.groupdict()
    for y, m, d in _DATE_GROUPS:
        if groups.get(y):
            year, month, day = int(groups[y]), int(groups[m]), int(groups[d])
            break
    else:  # pragma: no cover - the patterns always fill one of the three
        raise JalaliParseError(f"not a Jalali date: {text!r}", code="format")
    if not min_year <= year <= max_year:
        code = "looks_gregorian" if year in _GREGORIAN_LOOKING else "out_of_range"
        raise JalaliParseError(
            f"year {year} is outside {min_year}-{max_year}",
            code=code,
            params={"year": year, "min_year": min_year, "max_year": max_year},
        )
    return JalaliDate(year, month, day)


def parse_jalali(
    text: str, *, min_year: int = INPUT_MIN_YEAR, max_year: int = INPUT_MAX_YEAR
) -> JalaliDate:
    """A Jalali ``YYYY/MM/DD`` typed with Persian, Arabic-Indic or Latin digits.

    Also accepted: ``-``, ``.`` and their look-alikes as separators, spaces around them,
    ``DD/MM/YYYY`` (the four-digit year makes it unambiguous) and ``YYYYMMDD``.
    """
    normal = _normalise(text)
    match = _DATE_RE.fullmatch(normal)
    if not match:
        raise JalaliParseError(f"not a Jalali date: {text!r}", code="format")
    return _date_from_match(match, text, min_year=min_year, max_year=max_year)


def parse_date(
    text: str, *, min_year: int = INPUT_MIN_YEAR, max_year: int = INPUT_MAX_YEAR
) -> dt.date:
    """The Gregorian date of a typed Jalali date (see :func:`parse_jalali`)."""
    return parse_jalali(text, min_year=min_year, max_year=max_year).to_gregorian()


def parse_datetime(
    text: str, *, min_year: int = INPUT_MIN_YEAR, max_year: int = INPUT_MAX_YEAR
) -> dt.datetime:
    """A Jalali date with an optional ``HH:MM[:SS]`` Tehran time, as an aware datetime in
    Tehran (midnight when no time is given). A wall-clock time the old daylight saving skipped
    is refused rather than silently moved."""
    normal = _normalise(text)
    match = _DATETIME_RE.fullmatch(normal)
    if not match:
        raise JalaliParseError(f"not a Jalali date and time: {text!r}", code="format")
    day = _date_from_match(match, text, min_year=min_year, max_year=max_year).to_gregorian()
    groups = match.groupdict()
    hour = int(groups.get("hour") or groups.get("chour") or 0)
    minute = int(groups.get("minute") or groups.get("cminute") or 0)
    second = int(groups.get("second") or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise JalaliParseError(
            f"not a time of day: {text!r}",
            code="invalid_time",
            params={"hour": hour, "minute": minute, "second": second},
        )
    wall = dt.datetime(day.year, day.month, day.day, hour, minute, second)
    value = wall.replace(tzinfo=TEHRAN)
    if value.astimezone(UTC).astimezone(TEHRAN).replace(tzinfo=None) != wall:
        raise JalaliParseError(
            f"{text!r} did not exist in Tehran (clocks moved forward)", code="nonexistent_time"
        )
    return value


# --- Periods -----------------------------------------------------------------------------------


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


_MONTHS_IN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}
_ORDINALS_FA = ("اول", "دوم", "سوم", "چهارم")
_ORDINALS_EN = ("First", "Second", "Third", "Fourth")
_PERIOD_RE = re.compile(
    r"(?P<year>[0-9]{4})(?:\s*[-/\s]?\s*(?:(?P<month>[0-9]{1,2})|(?P<letter>[QqHh])(?P<index>[0-9])))?"
)


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """A Jalali reporting period: a month, quarter (months 1–3, 4–6, 7–9, 10–12), half or year,
    counted from 1 Farvardin. ``index`` is 1-based within the year (always 1 for a year)."""

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", PeriodKind(self.kind))
        if not MIN_YEAR <= self.year <= MAX_YEAR - 1:
            raise JalaliParseError(
                f"year {self.year} is out of range", code="out_of_range", params={"year": self.year}
            )
        if not 1 <= self.index <= self.count_in_year(self.kind):
            raise JalaliParseError(
                f"a year has no {self.kind} number {self.index}",
                code="invalid_period",
                params={"kind": str(self.kind), "index": self.index},
            )

    @staticmethod
    def count_in_year(kind: PeriodKind | str) -> int:
        return 12 // _MONTHS_IN[PeriodKind(kind)]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        if other.kind != self.kind:
            raise TypeError("only periods of one kind are ordered")
        return (self.year, self.index) < (other.year, other.index)

    def __str__(self) -> str:
        return self.code

    # Construction

    @classmethod
    def containing(cls, value: dt.date | JalaliDate, kind: PeriodKind | str) -> Period:
        """The period of ``kind`` holding ``value`` (a datetime counts by its Tehran day)."""
        j = value if isinstance(value, JalaliDate) else JalaliDate.from_gregorian(value)
        kind = PeriodKind(kind)
        return cls(kind, j.year, (j.month - 1) // _MONTHS_IN[kind] + 1)

    @classmethod
    def current(cls, kind: PeriodKind | str, *, now: dt.datetime | None = None) -> Period:
        return cls.containing(now if now is not None else now_tehran(), kind)

    @classmethod
    def parse(cls, text: str) -> Period:
        """``1405-09`` (a month), ``1405-Q3``, ``1405-H2`` or ``1405``, in any digits."""
        match = _PERIOD_RE.fullmatch(_normalise(text))
        if not match:
            raise JalaliParseError(f"not a period: {text!r}", code="invalid_period")
        year = int(match["year"])
        if match["month"]:
            return cls(PeriodKind.MONTH, year, int(match["month"]))
        if match["letter"]:
            kind = PeriodKind.QUARTER if match["letter"] in "Qq" else PeriodKind.HALF
            return cls(kind, year, int(match["index"]))
        return cls(PeriodKind.YEAR, year)

    # Extent

    @property
    def first_month(self) -> int:
        return (self.index - 1) * _MONTHS_IN[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.index * _MONTHS_IN[self.kind]

    @property
    def start(self) -> JalaliDate:
        """The first day."""
        return JalaliDate(self.year, self.first_month, 1)

    @property
    def end(self) -> JalaliDate:
        """The last day (inclusive): 29 or 30 Esfand for periods that end the year."""
        return JalaliDate(self.year, self.last_month, days_in_month(self.year, self.last_month))

    @property
    def days(self) -> int:
        return self.end.toordinal() - self.start.toordinal() + 1

    def bounds(self) -> tuple[dt.date, dt.date]:
        """Gregorian dates, half-open: the first day and the day after the last."""
        return self.start.to_gregorian(), self.end.to_gregorian() + dt.timedelta(days=1)

    def bounds_utc(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware UTC datetimes, half-open, from Tehran midnight of the first day to Tehran
        midnight after the last: filter with ``at__gte=start, at__lt=end``."""
        return day_bounds_utc(self.start, self.end)

    def contains(self, value: dt.date | JalaliDate) -> bool:
        return Period.containing(value, self.kind) == self

    def months(self) -> list[Period]:
        return [
            Period(PeriodKind.MONTH, self.year, m)
            for m in range(self.first_month, self.last_month + 1)
        ]

    # Navigation

    def shift(self, steps: int) -> Period:
        per_year = self.count_in_year(self.kind)
        position = self.year * per_year + (self.index - 1) + steps
        return Period(self.kind, position // per_year, position % per_year + 1)

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    # Names

    @property
    def code(self) -> str:
        """The compact form :meth:`parse` reads: ``1405-09``, ``1405-Q3``, ``1405-H2``, ``1405``."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.index:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.index}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}-H{self.index}"
        return str(self.year)

    def label(self, *, persian: bool = True) -> str:
        """``آذر ۱۴۰۵``, ``فصل سوم ۱۴۰۵``, ``نیمه دوم ۱۴۰۵``, ``سال ۱۴۰۵``; in English
        ``Azar 1405``, ``Third quarter 1405``, ``Second half 1405``, ``Year 1405``."""
        if persian:
            if self.kind is PeriodKind.MONTH:
                text = f"{MONTHS_FA[self.index - 1]} {self.year}"
            elif self.kind is PeriodKind.QUARTER:
                text = f"فصل {_ORDINALS_FA[self.index - 1]} {self.year}"
            elif self.kind is PeriodKind.HALF:
                text = f"نیمه {_ORDINALS_FA[self.index - 1]} {self.year}"
            else:
                text = f"سال {self.year}"
            return to_persian_digits(text)
        if self.kind is PeriodKind.MONTH:
            return f"{MONTHS_EN[self.index - 1]} {self.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{_ORDINALS_EN[self.index - 1]} quarter {self.year}"
        if self.kind is PeriodKind.HALF:
            return f"{_ORDINALS_EN[self.index - 1]} half {self.year}"
        return f"Year {self.year}"
