"""The search page's query and filters: words, modules, a Jalali date range, organisation,
source, tag and order. Every filter is optional; bad input leaves the results as they were."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ravabet.core.forms.jalali import JalaliDateField
from ravabet.core.models import Organisation, User
from ravabet.core.scoping import scope
from ravabet.core.search.query import MAX_QUERY_LENGTH
from ravabet.core.search.service import SearchFilters, searchable_sources


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            'Words must all appear; "a phrase" in quotes; -word to exclude; a OR b; prefix*.'
        ),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    module = forms.MultipleChoiceField(
        label=_("Modules"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date_from = JalaliDateField(label=_("From"), required=False)
    date_to = JalaliDateField(label=_("To"), required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All organisations"),
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=200)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("relevance", _("Most relevant")), ("newest", _("Newest first"))],
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module = self.fields["module"]
        assert isinstance(module, forms.MultipleChoiceField)
        module.choices = [
            (label, capfirst(str(source.display_title)))
            for label, source in searchable_sources(user).items()
        ]
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = scope(Organisation.objects.order_by("name_fa"), user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        organisation = data.get("organisation")
        return SearchFilters(
            modules=tuple(data.get("module") or ()),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            organisations=(organisation.pk,) if organisation else (),
            sources=(data["source"].strip(),) if data.get("source", "").strip() else (),
            tags=(data["tag"].strip(),) if data.get("tag", "").strip() else (),
        )

    @property
    def has_filters(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(
            data.get(name)
            for name in ("module", "date_from", "date_to", "organisation", "source", "tag")
        )
