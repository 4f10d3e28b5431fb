"""Jalali dates in the Django admin: inputs, changelist columns and date filters.

Mix :class:`JalaliAdminMixin` in before ``admin.ModelAdmin``::

    @admin.register(Resolution)
    class ResolutionAdmin(JalaliAdminMixin, admin.ModelAdmin):
        list_display = ["number", "deadline", "created_at"]
        list_filter = ["deadline"]

Date and date-time inputs become Jalali text inputs with the picker; date columns named in
``list_display`` and date fields named in ``readonly_fields`` show Jalali dates in Tehran time
(columns still sort); date filters offer Jalali months and years. Django's ``date_hierarchy``
drills down by Gregorian years and months, so it becomes a Jalali date filter on the same field.
Not covered: date fields of a view-only admin that are not in ``readonly_fields`` (Django renders
those itself; name them in ``readonly_fields``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from ravabet.core.forms.jalali import JALALI_FORMFIELD_OVERRIDES
from ravabet.core.templatetags.persian import jtime
from ravabet.lib import jalali

if TYPE_CHECKING:
    from django.contrib.admin.options import _ListDisplayT, _ListFilterT

    _Base = admin.ModelAdmin[Any]
else:
    _Base = object

Column = Callable[[models.Model], SafeString | None]


class JalaliDateFieldListFilter(admin.DateFieldListFilter):
    """Django's date filter with this and last Jalali month and this Jalali year."""

    def __init__(  # noqa: PLR0917 - Django's signature
        self,
        field: models.Field[Any, Any],
        request: HttpRequest,
        params: dict[str, str],
        model: type[models.Model],
        model_admin: admin.ModelAdmin[Any],
        field_path: str,
    ) -> None:
        super().__init__(field, request, params, model, model_admin, field_path)
        this_month = jalali.Period.current(jalali.PeriodKind.MONTH)
        this_year = jalali.Period.current(jalali.PeriodKind.YEAR)
        today = jalali.today()
        week_ago = today.plus_days(-7)
        with_time = isinstance(field, models.DateTimeField)

        def span(first: jalali.JalaliDate, last: jalali.JalaliDate) -> dict[str, Any]:
            since, until = jalali.day_bounds_utc(first, last)
            if with_time:
                bounds: tuple[Any, Any] = (timezone.localtime(since), timezone.localtime(until))
            else:
                bounds = (first.to_gregorian(), last.to_gregorian() + dt.timedelta(days=1))
            return {self.lookup_kwarg_since: bounds[0], self.lookup_kwarg_until: bounds[1]}

        links: list[tuple[Any, dict[str, Any]]] = [
            (_("Any date"), {}),
            (_("Today"), span(today, today)),
            (_("Past 7 days"), span(week_ago, today)),
            (_("This month"), span(this_month.start, this_month.end)),
            (_("Last month"), span(this_month.previous().start, this_month.previous().end)),
            (_("This year"), span(this_year.start, this_year.end)),
        ]
        links.extend(link for link in self.links if self.field_generic + "isnull" in link[1])
        self.links = tuple(links)


def jalali_column(field: models.DateField[Any, Any]) -> Column:
    """A changelist column showing ``field`` as a Jalali date (or date and Tehran time),
    sorted by the field itself."""
    name = field.name

    def column(obj: models.Model) -> SafeString | None:
        value = getattr(obj, name)
        return None if value is None else jtime(value)

    column.__name__ = name
    return admin.display(description=field.verbose_name, ordering=name)(column)


class JalaliAdminMixin(_Base):
    """Jalali inputs, changelist columns and date filters for a ModelAdmin."""

    formfield_overrides = JALALI_FORMFIELD_OVERRIDES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An admin that declares its own formfield_overrides keeps its choices on top of ours.
        declared = type(self).formfield_overrides
        for model_field, options in JALALI_FORMFIELD_OVERRIDES.items():
            own = (
                declared.get(model_field, {}) if declared is not JALALI_FORMFIELD_OVERRIDES else {}
            )
            self.formfield_overrides[model_field] = {**options, **own}
        self._jalali_columns: dict[str, Column] = {}
        self._hierarchy_filter: str | None = None
        if isinstance(self.date_hierarchy, str) and self._date_field(self.date_hierarchy):
            self._hierarchy_filter = self.date_hierarchy
            # Per instance: the class attribute stays for Django's system checks.
            self.date_hierarchy = None  # type: ignore[misc]

    def _date_field(self, name: object) -> models.DateField[Any, Any] | None:
        if not isinstance(name, str):
            return None
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        return field if isinstance(field, models.DateField) else None

    def _jalali(self, name: Any) -> Any:
        field = self._date_field(name)
        if field is None or name in self.list_editable:
            return name
        if name not in self._jalali_columns:
            self._jalali_columns[name] = jalali_column(field)
        return self._jalali_columns[name]

    def get_list_display(self, request: HttpRequest) -> _ListDisplayT[Any]:
        return [self._jalali(name) for name in super().get_list_display(request)]

    def get_list_display_links(
        self, request: HttpRequest, list_display: _ListDisplayT[Any]
    ) -> _ListDisplayT[Any]:
        links = super().get_list_display_links(request, list_display)
        # None (no links at all) passes through unchanged.
        return links and [self._jalali(name) for name in links]

    def get_list_filter(self, request: HttpRequest) -> list[_ListFilterT]:
        filters: list[_ListFilterT] = []
        names = list(super().get_list_filter(request))
        if self._hierarchy_filter and self._hierarchy_filter not in names:
            names.append(self._hierarchy_filter)
        for name in names:
            if isinstance(name, str) and self._date_field(name) is not None:
                filters.append((name, JalaliDateFieldListFilter))
            else:
                filters.append(name)
        return filters

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [self._jalali(name) for name in super().get_readonly_fields(request, obj)]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # Read-only date fields named in declared fieldsets must become the same display
        # callables as in get_readonly_fields, or the form would offer them for editing.
        readonly = set(super().get_readonly_fields(request, obj))

        def swap(entry: Any) -> Any:
            if isinstance(entry, list | tuple):
                return type(entry)(swap(item) for item in entry)
            return self._jalali(entry) if entry in readonly else entry

        return [
            (title, {**options, "fields": swap(options.get("fields", ()))})
            for title, options in super().get_fieldsets(request, obj)
        ]

    @property
    def media(self) -> forms.Media:
        picker = forms.Media(
            css={"all": ["vendor/jalalidatepicker/jalalidatepicker.min.css"]},
            js=["vendor/jalalidatepicker/jalalidatepicker.min.js", "ravabet/ravabet.js"],
        )
        return super().media + picker
