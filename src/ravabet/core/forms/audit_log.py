"""The audit log page's filters: a Jalali date range, action prefix, object type and actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ravabet.core.audit import AuditedModel
from ravabet.core.forms.jalali import JalaliDateField
from ravabet.core.models import AuditEntry, User
from ravabet.lib import jalali


def audited_model_choices() -> list[tuple[str, str]]:
    """``app_label.model`` and the plural name of every audited model, by name."""
    choices = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name_plural)))
        for model in apps.get_models()
        if issubclass(model, AuditedModel) or model is User
    ]
    return sorted(choices, key=lambda choice: choice[1])


class AuditLogFilterForm(forms.Form):
    """Every field is optional; an empty form shows every entry the person may see."""

    date_from = JalaliDateField(label=_("From"), required=False)
    date_to = JalaliDateField(label=_("To"), required=False)
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("The beginning of the action's name, such as core.user"),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    actor = forms.CharField(
        label=_("By"),
        required=False,
        max_length=150,
        help_text=_("Part of the person's username or name"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object_type = self.fields["object_type"]
        assert isinstance(object_type, forms.ChoiceField)
        object_type.choices = [("", _("All types")), *audited_model_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter(self, entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        """``entries`` narrowed by the valid filters; Jalali days are whole Tehran days."""
        data = self.cleaned_data
        if data.get("date_from"):
            entries = entries.filter(at__gte=jalali.tehran_midnight(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + dt.timedelta(days=1)
            entries = entries.filter(at__lt=jalali.tehran_midnight(next_day))
        if action := data.get("action", "").strip():
            entries = entries.filter(action__startswith=action)
        if object_type := data.get("object_type"):
            app_label, _dot, model = object_type.partition(".")
            entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
        if actor := data.get("actor", "").strip():
            entries = entries.filter(
                Q(actor_label__icontains=actor)
                | Q(actor__username__icontains=actor)
                | Q(actor__first_name__icontains=actor)
                | Q(actor__last_name__icontains=actor)
            )
        return entries
