"""Template filters for Persian display: Jalali dates in Tehran time, Persian digits, and bidi
isolation of numbers, dates, addresses and Latin words inside Persian text.

Loaded as a builtin, so every template can write ``{{ value|jdate }}``, ``{{ n|num }}``,
``{{ entry.ip_address|ltr }}`` or ``{% jtime entry.at %}``. Digits become Persian only while
Persian is the active language. A filter never raises on odd input: a page must not fail
because one value is not a date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ravabet.lib import jalali
from ravabet.lib.persian import format_number, to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _aware(value: dt.datetime) -> dt.datetime:
    # Django's convention: a naive datetime is wall-clock time in the default time zone.
    return timezone.make_aware(value, jalali.TEHRAN) if timezone.is_naive(value) else value


@register.filter
def jdate(value: dt.date | jalali.JalaliDate | None, style: str = "") -> str:
    """Jalali date (of a datetime: its day in Tehran); ``|jdate:"long"`` for weekday and month."""
    if isinstance(value, dt.datetime):
        value = _aware(value)
    elif not isinstance(value, dt.date | jalali.JalaliDate):
        return "" if value is None else str(value)
    return jalali.format_date(value, persian=_persian(), long=style == "long")


@register.filter
def jdatetime(value: dt.datetime | None, style: str = "") -> str:
    """Jalali date and Tehran time, ``۱۴۰۵/۰۹/۰۱ ۱۴:۳۰``; ``|jdatetime:"long"`` spells the day."""
    if isinstance(value, dt.datetime):
        return jalali.format_datetime(_aware(value), persian=_persian(), long=style == "long")
    return jdate(value, style)


@register.filter
def jperiod(value: jalali.Period | str | None) -> str:
    """A report period's name, ``فصل سوم ۱۴۰۵`` / ``Third quarter 1405`` (or its code)."""
    if isinstance(value, str) and value:
        try:
            value = jalali.Period.parse(value)
        except jalali.JalaliParseError:
            return str(value)
    if not isinstance(value, jalali.Period):
        return "" if value is None else str(value)
    return value.label(persian=_persian())


@register.filter
def digits(value: object) -> str:
    """Persian digits in Persian, unchanged otherwise."""
    if value is None:
        return ""
    return to_persian_digits(value) if _persian() else str(value)


@register.filter
def num(value: int | float | Decimal | str | None, decimals: int | None = None) -> str:
    """A grouped number with Persian digits and separators in Persian."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return digits(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return digits(value)
    return format_number(value, persian=_persian(), decimals=decimals)


@register.filter
def every(seconds: int | None) -> str:
    """An interval in its largest whole unit: «every 15 minutes», not «every 900 seconds»."""
    if not seconds:
        return ""
    if seconds % 3600 == 0:
        return _("every %(n)s hours") % {"n": num(seconds // 3600)}
    if seconds % 60 == 0:
        return _("every %(n)s minutes") % {"n": num(seconds // 60)}
    return _("every %(n)s seconds") % {"n": num(seconds)}


@register.filter(is_safe=True)
def bdi(value: object) -> SafeString:
    """``value`` (escaped) in a ``<bdi>``: a name or number of unknown direction inside a
    sentence, isolated so neither reorders the other."""
    if value is None or value == "":
        return SafeString("")
    return format_html("<bdi>{}</bdi>", value)


@register.filter(is_safe=True)
def ltr(value: object) -> SafeString:
    """``value`` (escaped) isolated left to right: IP addresses, codes, URLs, e-mail addresses
    and Latin words in Persian text. Digits stay Latin."""
    if value is None or value == "":
        return SafeString("")
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def timeattr(value: dt.datetime | dt.date | None) -> str:
    """ISO form for a ``<time datetime>`` attribute."""
    if isinstance(value, dt.datetime):
        return _aware(value).isoformat()
    return value.isoformat() if isinstance(value, dt.date) else ""


@register.simple_tag
def jtime(value: dt.datetime | dt.date | None, style: str = "") -> SafeString:
    """A ``<time>`` element: Jalali for people, ISO for machines. A date shows as a date; a
    datetime shows date and Tehran time, or only the date with ``"date"``, or the spelled-out
    day with ``"long"``. The ``dir`` attribute isolates it from the sentence around it."""
    if not isinstance(value, dt.date):
        return SafeString("")
    if isinstance(value, dt.datetime) and style != "date":
        text = jdatetime(value, style)
    else:
        text = jdate(value, style)
    return format_html(
        '<time datetime="{}" dir="{}">{}</time>',
        timeattr(value),
        "rtl" if _persian() else "ltr",
        text,
    )
