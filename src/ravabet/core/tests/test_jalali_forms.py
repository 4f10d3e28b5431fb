"""Jalali date and date-time form fields: input in any digits, clear errors, Jalali rendering,
and model forms that use them."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from ravabet.core.forms import (
    JalaliDateField,
    JalaliDateInput,
    JalaliDateTimeField,
    JalaliDateTimeInput,
    JalaliModelForm,
)
from ravabet.core.models import Schedule
from ravabet.lib.jalali import TEHRAN

UTC = dt.UTC


class EventForm(forms.Form):
    day = JalaliDateField()
    starts = JalaliDateTimeField(required=False)


def _errors(data: dict[str, str], language: str = "en") -> dict[str, list[str]]:
    with translation.override(language):
        form = EventForm(data)
        assert not form.is_valid()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    "typed", ["1405/09/01", "۱۴۰۵/۰۹/۰۱", "١٤٠٥/٠٩/٠١", "1405-9-1", " ۱۴۰۵.۰۹.۰۱ ", "14050901"]
)
def test_date_field_accepts_every_digit_family(typed: str) -> None:
    form = EventForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 11, 22)


def test_date_time_field_cleans_to_an_aware_tehran_datetime() -> None:
    form = EventForm({"day": "1405/09/01", "starts": "۱۴۰۵/۰۹/۰۱ ۱۴:۳۰"})
    assert form.is_valid(), form.errors
    starts = form.cleaned_data["starts"]
    assert starts.tzinfo is TEHRAN
    assert starts == dt.datetime(2026, 11, 22, 11, 0, tzinfo=UTC)


def test_garbage_gets_the_example_in_the_message() -> None:
    errors = _errors({"day": "next Tuesday", "starts": "1405/09/01 at noon"})
    assert errors["day"] == ["Enter a Jalali date like 1405/09/01."]
    assert errors["starts"] == ["Enter a Jalali date and time like 1405/09/01 14:30."]


def test_leap_day_of_a_common_year_is_refused_with_the_month_length() -> None:
    assert _errors({"day": "1404/12/30"})["day"] == ["Esfand 1404 has 29 days."]
    assert EventForm({"day": "1403/12/30"}).is_valid()


def test_errors_in_persian_carry_persian_month_names_and_digits() -> None:
    assert "اسفند ۱۴۰۴" in _errors({"day": "۱۴۰۴/۱۲/۳۰"}, "fa")["day"][0]
    assert "۲۹" in _errors({"day": "۱۴۰۴/۱۲/۳۰"}, "fa")["day"][0]
    assert "۱۳" in _errors({"day": "1405/13/01"}, "fa")["day"][0]


def test_month_out_of_range_is_named() -> None:
    assert _errors({"day": "1405/13/01"})["day"] == [
        "There is no month 13: months run from 1 to 12."
    ]


def test_gregorian_year_typed_by_mistake_is_pointed_out() -> None:
    message = _errors({"day": "2026/11/22"})["day"][0]
    assert "2026 looks like a Gregorian year" in message


def test_impossible_times_are_refused() -> None:
    assert _errors({"day": "1405/09/01", "starts": "1405/09/01 25:00"})["starts"] == [
        "Enter a time of day from 00:00 to 23:59."
    ]
    # 2 Farvardin 1400 (22 March 2021): the clocks jumped from midnight to one o'clock.
    assert (
        "did not exist in Tehran"
        in _errors({"day": "1", "starts": "1400/01/02 00:30"})["starts"][0]
    )


def test_required_date_is_required() -> None:
    assert _errors({"day": "  "})["day"] == ["This field is required."]


def test_date_input_renders_jalali_with_persian_digits_and_picker() -> None:
    with translation.override("fa"):
        html = EventForm(initial={"day": dt.date(2026, 11, 22)})["day"].as_widget()
    assert 'value="۱۴۰۵/۰۹/۰۱"' in html
    assert 'placeholder="۱۴۰۵/۰۹/۰۱"' in html
    for attribute in (
        "data-jdp",
        "data-jdp-only-date",
        'dir="ltr"',
        'inputmode="numeric"',
        'autocomplete="off"',
    ):
        assert attribute in html


def test_date_input_renders_latin_digits_in_english() -> None:
    with translation.override("en"):
        html = EventForm(initial={"day": dt.date(2026, 11, 22)})["day"].as_widget()
    assert 'value="1405/09/01"' in html
    assert 'placeholder="1405/09/01"' in html


def test_date_time_input_shows_tehran_time_and_picks_time_too() -> None:
    with translation.override("fa"):
        form = EventForm(initial={"starts": dt.datetime(2026, 11, 21, 21, 0, tzinfo=UTC)})
        html = form["starts"].as_widget()
    assert 'value="۱۴۰۵/۰۹/۰۱ ۰۰:۳۰"' in html
    assert "data-jdp" in html
    assert "data-jdp-only-date" not in html


def test_date_time_input_shows_seconds_only_when_there_are_some() -> None:
    widget = JalaliDateTimeInput()
    with translation.override("en"):
        assert widget.format_value(dt.datetime(2026, 11, 22, 10, 0, 5, tzinfo=UTC)) == (
            "1405/09/01 13:30:05"
        )
        assert JalaliDateInput().format_value("1405/9/1 typed") == "1405/9/1 typed"


def test_typed_text_is_shown_back_with_its_error() -> None:
    with translation.override("fa"):
        html = EventForm({"day": "1404/12/30"})["day"].as_widget()
    assert 'value="1404/12/30"' in html


def test_untouched_date_time_with_microseconds_has_not_changed() -> None:
    stored = dt.datetime(2026, 11, 22, 10, 0, 5, 123456, tzinfo=UTC)
    field = JalaliDateTimeField()
    assert not field.has_changed(stored, "1405/09/01 13:30:05")
    assert field.has_changed(stored, "1405/09/01 13:31:05")
    assert field.has_changed(None, "1405/09/01 13:31")


class ScheduleForm(JalaliModelForm):
    class Meta(JalaliModelForm.Meta):
        model = Schedule
        fields = ["name", "task_path", "interval_seconds", "next_run_at"]


class NamedFieldScheduleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Schedule
        fields = ["name", "task_path", "interval_seconds", "next_run_at"]
        field_classes = {"next_run_at": JalaliDateTimeField}


@pytest.mark.parametrize("form_class", [ScheduleForm, NamedFieldScheduleForm])
def test_model_forms_store_jalali_input_as_utc(db: None, form_class: type[forms.ModelForm]) -> None:  # type: ignore[type-arg]
    form = form_class(
        {
            "name": "digest",
            "task_path": "x.y",
            "interval_seconds": "60",
            "next_run_at": "۱۴۰۵/۰۹/۰۱ ۰۶:۳۰",
        }
    )
    assert isinstance(form.fields["next_run_at"], JalaliDateTimeField)
    assert isinstance(form.fields["next_run_at"].widget, JalaliDateTimeInput)
    assert form.is_valid(), form.errors
    schedule = form.save()
    schedule.refresh_from_db()
    assert schedule.next_run_at == dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    with translation.override("fa"):
        assert 'value="۱۴۰۵/۰۹/۰۱ ۰۶:۳۰"' in str(form_class(instance=schedule)["next_run_at"])


def test_jalali_model_form_leaves_other_fields_alone() -> None:
    form = ScheduleForm()
    assert isinstance(form.fields["name"], forms.SlugField)
    assert isinstance(form.fields["interval_seconds"], forms.IntegerField)
