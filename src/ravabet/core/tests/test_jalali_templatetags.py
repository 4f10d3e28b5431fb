"""The builtin Persian template filters, in the Persian and the English interface."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ravabet.lib.jalali import JalaliDate, Period

UTC = dt.UTC
# 21:00 UTC on 21 November 2026 is 00:30 on 1 Azar 1405 in Tehran.
EVENING = dt.datetime(2026, 11, 21, 21, 0, tzinfo=UTC)


def render(source: str, language: str = "fa", **context: object) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("source", "persian", "english"),
    [
        ("{{ v|jdate }}", "۱۴۰۵/۰۹/۰۱", "1405/09/01"),
        ('{{ v|jdate:"long" }}', "یکشنبه ۱ آذر ۱۴۰۵", "Sunday 1 Azar 1405"),
        ("{{ v|jdatetime }}", "۱۴۰۵/۰۹/۰۱ ۰۰:۳۰", "1405/09/01 00:30"),
        ('{{ v|jdatetime:"long" }}', "یکشنبه ۱ آذر ۱۴۰۵ ۰۰:۳۰", "Sunday 1 Azar 1405 00:30"),
    ],
)
def test_dates_show_in_jalali_and_tehran_time(source: str, persian: str, english: str) -> None:
    assert render(source, "fa", v=EVENING) == persian
    assert render(source, "en", v=EVENING) == english


def test_plain_dates_and_jalali_dates_are_shown_too() -> None:
    assert render("{{ v|jdate }}", v=dt.date(2026, 11, 22)) == "۱۴۰۵/۰۹/۰۱"
    assert render("{{ v|jdate }}", v=JalaliDate(1403, 12, 30)) == "۱۴۰۳/۱۲/۳۰"
    assert render("{{ v|jdatetime }}", "en", v=dt.date(2026, 11, 22)) == "1405/09/01"


def test_naive_datetimes_are_read_as_tehran_time() -> None:
    naive = dt.datetime(2026, 11, 22, 0, 30)
    assert render("{{ v|jdatetime }}", "en", v=naive) == "1405/09/01 00:30"


def test_empty_and_odd_values_never_break_a_page() -> None:
    assert (
        render("[{{ v|jdate }}{{ v|jdatetime }}{{ v|num }}{{ v|digits }}{% jtime v %}]", v=None)
        == "[]"
    )
    assert render("{{ v|jdate }}", v="not a date") == "not a date"
    assert render("{{ v|num }}", v="12a") == "۱۲a"


def test_jtime_gives_machines_iso_and_people_jalali() -> None:
    html = render("{% jtime v %}", "fa", v=EVENING)
    assert html == '<time datetime="2026-11-21T21:00:00+00:00" dir="rtl">۱۴۰۵/۰۹/۰۱ ۰۰:۳۰</time>'
    assert ">1405/09/01<" in render('{% jtime v "date" %}', "en", v=EVENING)
    assert 'dir="ltr"' in render("{% jtime v %}", "en", v=EVENING)
    assert 'datetime="2026-11-22"' in render("{% jtime v %}", v=dt.date(2026, 11, 22))


def test_numbers_use_persian_digits_and_separators_only_in_persian() -> None:
    assert render("{{ v|num }}", "fa", v=1234567) == "۱٬۲۳۴٬۵۶۷"
    assert render("{{ v|num }}", "en", v=1234567) == "1,234,567"
    assert render("{{ v|num:2 }}", "fa", v=Decimal("12.5")) == "۱۲٫۵۰"
    assert render("{{ v|num }}", "fa", v="2500") == "۲٬۵۰۰"
    assert render("{{ v|digits }}", "fa", v="ساعت 14") == "ساعت ۱۴"
    assert render("{{ v|digits }}", "en", v="14") == "14"


@pytest.mark.parametrize(
    ("seconds", "persian", "english"),
    [
        (40, "هر ۴۰ ثانیه", "every 40 seconds"),
        (900, "هر ۱۵ دقیقه", "every 15 minutes"),
        (90, "هر ۹۰ ثانیه", "every 90 seconds"),
        (7200, "هر ۲ ساعت", "every 2 hours"),
        (None, "", ""),
    ],
)
def test_an_interval_reads_in_its_largest_whole_unit(
    seconds: int | None, persian: str, english: str
) -> None:
    assert render("{{ v|every }}", "fa", v=seconds) == persian
    assert render("{{ v|every }}", "en", v=seconds) == english


def test_bdi_and_ltr_isolate_and_escape() -> None:
    assert render("{{ v|bdi }}", v="<b>Ravabet</b>") == "<bdi>&lt;b&gt;Ravabet&lt;/b&gt;</bdi>"
    assert render("{{ v|ltr }}", v="192.168.1.10") == '<bdi dir="ltr">192.168.1.10</bdi>'
    assert render("{{ v|ltr }}", v="") == ""


def test_period_names_follow_the_interface_language() -> None:
    assert render("{{ v|jperiod }}", "fa", v=Period.parse("1405-Q3")) == "فصل سوم ۱۴۰۵"
    assert render("{{ v|jperiod }}", "en", v="1405-H2") == "Second half 1405"
    assert render("{{ v|jperiod }}", "fa", v="nonsense") == "nonsense"
