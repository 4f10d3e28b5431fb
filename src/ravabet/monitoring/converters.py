"""URL converters of the monitoring module."""

from __future__ import annotations

import datetime as dt

from ravabet.lib import jalali


class JalaliDayConverter:
    """A Tehran day as its Jalali date in the URL, ``1405-09-06``; the view gets the
    Gregorian ``date``. An impossible day (``1405-12-31``) matches nothing: a 404."""

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        year, month, day = (int(part) for part in value.split("-"))
        # JalaliParseError is a ValueError, which tells Django the URL does not match.
        return jalali.JalaliDate(year, month, day).to_gregorian()

    def to_url(self, value: dt.date | jalali.JalaliDate | str) -> str:
        if isinstance(value, str):
            return value
        day = value if isinstance(value, jalali.JalaliDate) else jalali.to_jalali(value)
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
