"""Publication times as feeds and Iranian pages write them, read into aware UTC datetimes.

One total function, :func:`parse_date`: RFC 822 (with Persian digits and zones such as
``+0330`` or ``IRST``), ISO 8601, Jalali dates with digits or month names (Arabic or Persian
letters, weekday prefixes, ``ساعت``, ``ب.ظ``) and Gregorian dates in Persian digits or month
names. A four-digit year below 1700 is Jalali, above it Gregorian. Times without a zone are
Tehran wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ravabet.lib.jalali import TEHRAN, JalaliDate, JalaliParseError
from ravabet.lib.persian import strip_bidi_controls, to_latin_digits

# Only plausible publication years: anything else is a mistake we would rather not store.
_JALALI_YEARS = range(1250, 1551)
_GREGORIAN_YEARS = range(1900, 2201)
_MAX_INPUT = 400

_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "\u200c": " ",
        "\u00a0": " ",
        "\u202f": " ",
        "،": ",",
        "\u0640": None,
    }
)

_ZONES = {
    "z": 0,
    "ut": 0,
    "utc": 0,
    "gmt": 0,
    "irst": 210,
    "irdt": 270,
    "est": -300,
    "edt": -240,
    "cst": -360,
    "cdt": -300,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
    "cet": 60,
    "cest": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "ast": 180,  # Arabia Standard Time, as Persian-language agencies in the Gulf use it
    "gst": 240,
}

_MONTHS_EN = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Spellings after _FOLD (Arabic yeh and kaf already unified).
_MONTHS_JALALI = {
    name: index
    for index, names in enumerate(
        (
            ("فروردین",),
            ("اردیبهشت", "اردی بهشت", "ارديبهشت"),
            ("خرداد",),
            ("تیر",),
            ("مرداد", "امرداد"),
            ("شهریور",),
            ("مهر",),
            ("آبان", "ابان"),
            ("آذر", "اذر"),
            ("دی",),
            ("بهمن",),
            ("اسفند",),
        ),
        start=1,
    )
    for name in names
}
_MONTHS_GREGORIAN_FA = {
    name: index
    for index, names in enumerate(
        (
            ("ژانویه", "ژانویهٔ"),
            ("فوریه",),
            ("مارس",),
            ("آوریل", "اوریل"),
            ("مه", "می"),
            ("ژوئن",),
            ("ژوئیه", "جولای"),
            ("اوت", "آگوست", "اگوست"),
            ("سپتامبر",),
            ("اکتبر",),
            ("نوامبر",),
            ("دسامبر",),
        ),
        start=1,
    )
    for name in names
}


def _alternation(names: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


_ZONE = (
    r"(?P<zone>[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d)|z(?![a-z])"
    rf"|\b(?:{_alternation(set(_ZONES) - {'z'})})\b)"
)
_TIME = r"(?P<hour>\d{1,2})\s*:\s*(?P<minute>\d{2})(?:\s*:\s*(?P<second>\d{2})(?:[.,]\d{1,9})?)?"
_MERIDIEM = (
    r"(?P<meridiem>ب\s*\.\s*ظ|ق\s*\.\s*ظ|بعد از ظهر|بعدازظهر|قبل از ظهر|عصر|شب|صبح"
    r"|[ap]\.?m\.?\b)"
)
_TIME_RE = re.compile(rf"(?<![\d:+-]){_TIME}(?:\s*{_MERIDIEM})?(?:\s*{_ZONE})?", re.IGNORECASE)
_TIME_AT_START_RE = re.compile(
    rf"\s*(?:t|,|-|ساعت|در ساعت|at)?\s*{_TIME}(?:\s*{_MERIDIEM})?(?:\s*{_ZONE})?",
    re.IGNORECASE,
)
_ZONE_AT_START_RE = re.compile(rf"\s*{_ZONE}", re.IGNORECASE)

_COMPACT_RE = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:t?(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?)?"
    r"\s*(?P<zone>z|[+-]\d{4})?",
    re.IGNORECASE,
)
_NUMERIC_YMD_RE = re.compile(
    r"(?<![\d/.-])(?P<year>\d{4})\s*(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<day>\d{1,2})(?![\d/])"
)
_NUMERIC_DMY_RE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})\s*(?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<year>\d{4})(?![\d/])"
)
_EN_DMY_RE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<month>{_alternation(_MONTHS_EN)})\b\.?"
    r",?[\s-]+(?P<year>\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_EN_MDY_RE = re.compile(
    rf"\b(?P<month>{_alternation(_MONTHS_EN)})\b\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    r"(?P<year>\d{4})(?!\d)",
    re.IGNORECASE,
)
_FA_MONTH = _alternation({**_MONTHS_JALALI, **_MONTHS_GREGORIAN_FA})
_FA_DMY_RE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})\s*(?P<month>{_FA_MONTH})(?:\s*ماه)?\s*,?\s*(?P<year>\d{{4}})(?!\d)"
)


def _normalise(text: str) -> str:
    text = to_latin_digits(strip_bidi_controls(text[:_MAX_INPUT])).translate(_FOLD)
    return " ".join(text.split())


def _offset_minutes(zone: str) -> int | None:
    zone = zone.lower()
    if zone in _ZONES:
        return _ZONES[zone]
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return sign * (hours * 60 + minutes)


def _hour_with_meridiem(hour: int, meridiem: str | None) -> int:
    if not meridiem:
        return hour
    mark = meridiem.replace(" ", "").replace(".", "").lower()
    afternoon = mark in {"بظ", "بعدازظهر", "عصر", "شب", "pm"}
    if afternoon and hour < 12:
        return hour + 12
    if not afternoon and hour == 12:
        return 0
    return hour


def _build(  # noqa: PLR0911 - each early return is one way a date can be impossible
    year: int,
    month: int,
    day: int,
    time: re.Match[str] | None,
    zone: str | None,
    *,
    jalali: bool | None = None,
) -> dt.datetime | None:
    if jalali is None:
        jalali = year < 1700
    if jalali:
        if year not in _JALALI_YEARS:
            return None
        try:
            date = JalaliDate(year, month, day).to_gregorian()
        except JalaliParseError:
            return None
    else:
        if year not in _GREGORIAN_YEARS:
            return None
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return None
    hour = minute = second = 0
    if time is not None:
        groups = time.groupdict()
        hour = _hour_with_meridiem(int(groups["hour"]), groups.get("meridiem"))
        minute = int(groups["minute"])
        second = min(int(groups.get("second") or 0), 59)  # a leap second is the second before
        zone = groups.get("zone") or zone
    if hour > 23 or minute > 59:
        return None
    tz: dt.tzinfo = TEHRAN
    if zone:
        offset = _offset_minutes(zone)
        if offset is None:
            return None
        tz = dt.timezone(dt.timedelta(minutes=offset))
    value = dt.datetime(date.year, date.month, date.day, hour, minute, second, tzinfo=tz)
    return value.astimezone(dt.UTC)


def _time_near(text: str, end: int) -> tuple[re.Match[str] | None, str | None]:
    """The time written right after the date, else anywhere (``۱۴:۳۰ - ۱۴۰۵/۰۹/۰۶``)."""
    after = _TIME_AT_START_RE.match(text, end)
    if after:
        return after, None
    zone = _ZONE_AT_START_RE.match(text, end)
    anywhere = _TIME_RE.search(text)
    return anywhere, zone.group("zone") if zone else None


def _two_digit_year(year: str) -> int:
    value = int(year)
    if len(year) == 2:
        return 2000 + value if value < 50 else 1900 + value
    return value


def _parse(text: str) -> dt.datetime | None:
    compact = _COMPACT_RE.fullmatch(text)
    if compact:
        g = compact.groupdict()
        return _build(
            int(g["year"]),
            int(g["month"]),
            int(g["day"]),
            compact if g["hour"] else None,
            g["zone"],
        )
    for pattern in (_EN_DMY_RE, _EN_MDY_RE):
        match = pattern.search(text)
        if match:
            month = _MONTHS_EN[match["month"].lower()]
            time, zone = _time_near(text, match.end())
            year = _two_digit_year(match["year"])
            return _build(year, month, int(match["day"]), time, zone, jalali=False)
    match = _FA_DMY_RE.search(text)
    if match:
        name, year = match["month"], int(match["year"])
        jalali = name in _MONTHS_JALALI and year < 1700
        month = _MONTHS_JALALI[name] if jalali else _MONTHS_GREGORIAN_FA.get(name, 0)
        if month:
            time, zone = _time_near(text, match.end())
            return _build(year, month, int(match["day"]), time, zone, jalali=jalali)
    for pattern in (_NUMERIC_YMD_RE, _NUMERIC_DMY_RE):
        match = pattern.search(text)
        if match:
            time, zone = _time_near(text, match.end())
            return _build(int(match["year"]), int(match["month"]), int(match["day"]), time, zone)
    return None


def parse_date(text: str | None) -> dt.datetime | None:
    """The aware UTC instant ``text`` names, or None when it names none (never raises)."""
    if not text or not isinstance(text, str):
        return None
    try:
        return _parse(_normalise(text))
    except (ValueError, OverflowError, KeyError, IndexError):
        return None
