"""The notification preferences form on the profile page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import Channel
from ravabet.core.notify.preferences import OUTSIDE_CHANNELS
from ravabet.lib.persian import to_latin_digits


class TimeField(forms.TimeField):
    """A time typed with Persian or Latin digits."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(to_latin_digits(value) if isinstance(value, str) else value)


class PreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Also send my notifications by"),
        choices=[(c, Channel(c).label) for c in OUTSIDE_CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    quiet_start = TimeField(
        label=_("Quiet hours from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M"),
    )
    quiet_end = TimeField(
        label=_("until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "dir": "ltr"}, format="%H:%M"),
        help_text=_(
            "Tehran time. During quiet hours only critical alerts reach your phone or e-mail; "
            "the rest wait until the quiet hours end."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both the start and the end of the quiet hours."))
        if start is not None and start == end:
            raise forms.ValidationError(_("The quiet hours must not start and end at once."))
        return data
