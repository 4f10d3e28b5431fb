"""Forms of the monitoring desk: sources and watch-lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ravabet.core.forms.jalali import JalaliDateField
from ravabet.monitoring.models import Source, WatchList
from ravabet.monitoring.services.watch import validate_query


class SourceForm(forms.ModelForm[Source]):
    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "feed_url",
            "feed_type",
            "homepage",
            "organisation",
            "tier",
            "affiliation",
        ]
        widgets = {
            "feed_url": forms.URLInput(attrs={"dir": "ltr"}),
            "homepage": forms.URLInput(attrs={"dir": "ltr"}),
            "affiliation": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "feed_url": _("The RSS, Atom or JSON feed, the news sitemap, or a listing page."),
            "organisation": _("Only for a provincial body's own site."),
        }

    def clean_feed_url(self) -> str:
        url: str = self.cleaned_data["feed_url"].strip()
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Enter an address starting with http:// or https://."))
        return url


class WatchListForm(forms.ModelForm[WatchList]):
    class Meta:
        model = WatchList
        fields = ["name", "kind", "query", "organisation", "official", "raises_alert", "is_active"]
        widgets = {"query": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}
        help_texts = {
            "query": _(
                'Words must all appear; "a phrase" in quotes; -word to exclude; a OR b; '
                "prefix*; A NEAR/5 B for words close to each other."
            ),
        }

    def clean_query(self) -> str:
        query: str = self.cleaned_data["query"].strip()
        if not validate_query(query):
            raise forms.ValidationError(
                _("This query would match nothing: give at least one word or phrase to look for.")
            )
        return query


class OpmlImportForm(forms.Form):
    file = forms.FileField(label=_("OPML file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class DigestEntryForm(forms.Form):
    """The headline and summary of one digest entry as the readers will see them."""

    headline = forms.CharField(label=_("Headline"), max_length=500)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DigestArchiveForm(forms.Form):
    """The archive's search: words in the headlines and summaries, or a day to open."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    day = JalaliDateField(label=_("Day"), required=False)


class DigestIntroductionForm(forms.Form):
    """The few lines printed above the stories of an edition."""

    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=2000,
        help_text=_("A few lines above the stories, for the readers (optional)."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
