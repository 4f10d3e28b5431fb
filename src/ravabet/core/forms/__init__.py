"""Shared form fields and filter forms of the kernel: Jalali date and date-time inputs."""

from ravabet.core.forms.jalali import (
    JALALI_FORMFIELD_OVERRIDES,
    JalaliDateField,
    JalaliDateInput,
    JalaliDateTimeField,
    JalaliDateTimeInput,
    JalaliModelForm,
    jalali_formfield,
)

__all__ = [
    "JALALI_FORMFIELD_OVERRIDES",
    "JalaliDateField",
    "JalaliDateInput",
    "JalaliDateTimeField",
    "JalaliDateTimeInput",
    "JalaliModelForm",
    "jalali_formfield",
]
