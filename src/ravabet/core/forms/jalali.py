"""Form fields and inputs for Jalali dates and date-times, typed in any digits or picked.

The inputs show the Jalali value (Persian digits in the Persian interface) and opt in to the
date picker (``data-jdp``, see ``static/ravabet/ravabet.js``); the fields clean to a
``datetime.date`` or an aware ``datetime`` in Tehran time, so model fields store them unchanged.

In a model form, either name the fields::

    class Meta:
        field_classes = {"deadline": JalaliDateField, "held_at": JalaliDateTimeField}

or make every date field Jalali at once with ``class Meta(JalaliModelForm.Meta)`` on a
:class:`JalaliModelForm` (or ``formfield_callback = jalali_formfield`` in any Meta). In the
admin, ``formfield_overrides = JALALI_FORMFIELD_OVERRIDES``, or better
:class:`~ravabet.core.jalali_admin.JalaliAdminMixin`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ravabet.lib import jalali
from ravabet.lib.persian import strip_bidi_controls, to_persian_digits


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


def _shown(value: object) -> str:
    """A number as the interface shows it: Persian digits in Persian."""
    return to_persian_digits(value) if _persian() else str(value)


def _aware(value: dt.datetime) -> dt.datetime:
    # A naive datetime is Tehran wall-clock time, as Django assumes for its default time zone.
    return timezone.make_aware(value, jalali.TEHRAN) if timezone.is_naive(value) else value


class JalaliDateInput(forms.TextInput):
    """A text input holding ``۱۴۰۵/۰۹/۰۱``, left to right, with the date picker attached."""

    example = "1405/09/01"
    picker_attrs: dict[str, Any] = {"data-jdp": True, "data-jdp-only-date": True}

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults: dict[str, Any] = {
            "dir": "ltr",
            # Digits only on phone keypads: the fields also accept 14050901 without slashes.
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "class": "jalali-input",
            **self.picker_attrs,
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The example follows the language of the request, not the one active at import.
        context["widget"]["attrs"].setdefault("placeholder", _shown(self.example))
        return context

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value  # what the person typed, shown back unchanged with its error
        return self.display(value)

    def display(self, value: dt.date | jalali.JalaliDate) -> str:
        if isinstance(value, dt.datetime):
            value = _aware(value)
        return jalali.format_date(value, persian=_persian())


class JalaliDateTimeInput(JalaliDateInput):
    """A text input holding ``۱۴۰۵/۰۹/۰۱ ۱۴:۳۰`` in Tehran time, with the date-time picker."""

    example = "1405/09/01 14:30"
    picker_attrs = {"data-jdp": True}

    def display(self, value: dt.date | jalali.JalaliDate) -> str:
        if not isinstance(value, dt.datetime):
            return super().display(value)
        value = _aware(value)
        # Seconds are shown only when they are there, so saving an untouched form keeps them.
        return jalali.format_datetime(value, persian=_persian(), seconds=bool(value.second))


class JalaliDateField(forms.Field):
    """A Jalali date typed with Persian, Arabic-Indic or Latin digits (or picked), cleaned to
    a Gregorian ``datetime.date``."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter a Jalali date like 1405/09/01."),
        "invalid_month": _("There is no month %(month)s: months run from 1 to 12."),
        "invalid_day": _("%(month_name)s %(year)s has %(days)s days."),
        "looks_gregorian": _(
            "%(year)s looks like a Gregorian year. Enter the Jalali date, like 1405/09/01."
        ),
        "out_of_range": _("Enter a year from %(min_year)s to %(max_year)s."),
    }

    def __init__(
        self,
        *,
        min_year: int = jalali.INPUT_MIN_YEAR,
        max_year: int = jalali.INPUT_MAX_YEAR,
        **kwargs: Any,
    ) -> None:
        self.min_year = min_year
        self.max_year = max_year
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            value = strip_bidi_controls(value).strip()
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return jalali.to_tehran(_aware(value)).date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, jalali.JalaliDate):
            return value.to_gregorian()
        try:
            return jalali.parse_date(str(value), min_year=self.min_year, max_year=self.max_year)
        except jalali.JalaliParseError as exc:
            raise self._error(exc) from None

    def _error(self, exc: jalali.JalaliParseError) -> ValidationError:
        params = exc.params
        code = exc.code
        if code == "invalid_date":
            month = int(params.get("month", 0))
            if not 1 <= month <= 12:
                code = "invalid_month"
            else:
                year = int(params["year"])
                return ValidationError(
                    self.error_messages["invalid_day"],
                    code="invalid_day",
                    params={
                        "month_name": jalali.month_name(month, persian=_persian()),
                        "year": _shown(year),
                        "days": _shown(jalali.days_in_month(year, month)),
                    },
                )
        if code not in self.error_messages:
            code = "invalid"
        shown = {key: _shown(value) for key, value in params.items()}
        return ValidationError(self.error_messages[code], code=code, params=shown)


class JalaliDateTimeField(JalaliDateField):
    """A Jalali date with a Tehran time (``1405/09/01 14:30``), cleaned to an aware datetime in
    Tehran; Django stores it as UTC. A date alone means its first minute."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        "invalid": _("Enter a Jalali date and time like 1405/09/01 14:30."),
        "invalid_time": _("Enter a time of day from 00:00 to 23:59."),
        "nonexistent_time": _(
            "That time did not exist in Tehran: the clocks were moved forward an hour that night."
        ),
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str):
            value = strip_bidi_controls(value).strip()
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return jalali.to_tehran(_aware(value))
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(0), tzinfo=jalali.TEHRAN)
        if isinstance(value, jalali.JalaliDate):
            return self.to_python(value.to_gregorian())
        try:
            return jalali.parse_datetime(str(value), min_year=self.min_year, max_year=self.max_year)
        except jalali.JalaliParseError as exc:
            raise self._error(exc) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        # The input shows whole seconds; a stored microsecond is not a change the person made.
        try:
            new = self.to_python(data)
            old = self.to_python(initial)
        except ValidationError:
            return True
        if old is None or new is None:
            return old is not new
        return old.replace(microsecond=0) != new.replace(microsecond=0)


# Model field -> form field options; DateTimeField first, since it is a kind of DateField.
JALALI_FORMFIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {"form_class": JalaliDateTimeField, "widget": JalaliDateTimeInput},
    models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
}


def jalali_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """A model form's ``formfield_callback`` that makes date and date-time fields Jalali."""
    for model_field, options in JALALI_FORMFIELD_OVERRIDES.items():
        if isinstance(db_field, model_field):
            return db_field.formfield(**{**options, **kwargs})
    return db_field.formfield(**kwargs)


class JalaliModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose date and date-time fields are Jalali; subclasses write
    ``class Meta(JalaliModelForm.Meta)`` to keep that."""

    class Meta:
        formfield_callback = staticmethod(jalali_formfield)
