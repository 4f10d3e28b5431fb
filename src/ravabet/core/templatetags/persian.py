"""Template filters for Persian display: Jalali dates in Tehran time and Persian digits.

Loaded as a builtin, so every template can write ``{{ value|jdate }}`` or ``{{ n|num }}``.
Digits become Persian only while Persian is the active language.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from ravabet.lib import jalali
from ravabet.lib.persian import format_number, to_persian_digits

register = template.Library()


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@register.filter
def jdate(value: dt.date | None, style: str = "") -> str:
    """Jalali date; ``|jdate:"long"`` for weekday and month name."""
    if value is None or value == "":
        return ""
    return jalali.format_date(value, persian=_persian(), long=style == "long")


@register.filter
def jdatetime(value: dt.datetime | None, style: str = "") -> str:
    if value is None or value == "":
        return ""
    return jalali.format_datetime(value, persian=_persian(), long=style == "long")


@register.filter
def digits(value: object) -> str:
    """Persian digits in Persian, unchanged otherwise."""
    if value is None:
        return ""
    return to_persian_digits(value) if _persian() else str(value)


@register.filter
def num(value: int | float | None, decimals: int | None = None) -> str:
    """A grouped number with Persian digits and separators in Persian."""
    if value is None or value == "":
        return ""
    return format_number(value, persian=_persian(), decimals=decimals)


@register.filter
def timeattr(value: dt.datetime | dt.date | None) -> str:
    """ISO form for a ``<time datetime>`` attribute."""
    return "" if value is None else value.isoformat()


@register.simple_tag
def jtime(value: dt.datetime | None, style: str = "") -> SafeString:
    """A ``<time>`` element: Jalali for people, ISO for machines."""
    if value is None:
        return SafeString("")
    return format_html(
        '<time datetime="{}" dir="{}">{}</time>',
        value.isoformat(),
        "rtl" if _persian() else "ltr",
        jdatetime(value, style),
    )
