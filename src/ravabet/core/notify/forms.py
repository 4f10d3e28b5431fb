"""The notification preferences form on the profile page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ravabet.core.models import Channel
from ravabet.core.notify.preferences import BY_SPEED, OUTSIDE_CHANNELS, OwnKind
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

    def __init__(self, *args: Any, own_kinds: Sequence[OwnKind] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_kinds = list(own_kinds)
        for own in self.own_kinds:
            self.fields[own_field_name(own.kind)] = forms.MultipleChoiceField(
                label=str(own.label),
                # Fastest first: the first one ticked that reaches the person is used first.
                choices=[(c, Channel(c).label) for c in BY_SPEED],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=str(own.help_text),
            )

    def own_fields(self) -> list[forms.BoundField]:
        return [self[own_field_name(own.kind)] for own in self.own_kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both the start and the end of the quiet hours."))
        if start is not None and start == end:
            raise forms.ValidationError(_("The quiet hours must not start and end at once."))
        return data


def own_field_name(kind: str) -> str:
    """The form field of a kind with channels of its own (``monitoring.alert`` →
    ``own_monitoring_alert``)."""
    return "own_" + "".join(c if c.isalnum() else "_" for c in kind)
