"""Index documents derived from database rows: the database is the source of truth and a
document is only ever a function of its row, so any document can be rebuilt at any time."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import jdatetime
from django.db import models
from django.utils import timezone

from ravabet.core.search.registry import SearchSource, Weight
from ravabet.core.search.text import FIELD_SEPARATOR, search_tokens

# Documents with no organisation are visible only to province-wide users; no row has pk 0.
NO_ORGANISATION = 0
BATCH_SIZE = 1000


@dataclass(frozen=True)
class SearchDocument:
    """What the index holds for one row: its key, filter values and normalised terms."""

    key: str
    label: str
    object_id: str
    organisation_id: int
    timestamp: int  # seconds since the epoch; 0 when the source has no date
    month: str  # Jalali "1405-02", empty when the source has no date
    source: str
    tags: tuple[str, ...]
    # Per weight: the terms of its fields, the fields joined by FIELD_SEPARATOR.
    terms: dict[Weight, tuple[str, ...]] = field(default_factory=dict)

    def text(self, weight: Weight) -> str:
        return " ".join(self.terms.get(weight, ()))


def document_key(label: str, pk: Any) -> str:
    return f"{label}:{pk}"


def split_key(key: str) -> tuple[str, str]:
    label, _, pk = key.partition(":")
    return label, pk


def resolve(instance: models.Model, path: str) -> Any:
    """The value at ``path`` (``a__b__c``) on ``instance``; None if a step is missing."""
    value: Any = instance
    for step in path.split("__"):
        if value is None:
            return None
        value = getattr(value, step, None)
    return value


def organisation_of(instance: models.Model, path: str) -> int:
    if path == "self":
        return int(instance.pk)
    *head, last = path.split("__")
    owner = resolve(instance, "__".join(head)) if head else instance
    value = getattr(owner, f"{last}_id", None) if owner is not None else None
    return int(value) if value is not None else NO_ORGANISATION


def jalali_month(moment: datetime) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return _jalali_month_of(local.date())


# A rebuild asks for the month of each row; a few thousand distinct days cover years of rows.
@functools.lru_cache(maxsize=8192)
def _jalali_month_of(day: date) -> str:
    jalali = jdatetime.date.fromgregorian(date=day)
    return f"{jalali.year:04d}-{jalali.month:02d}"


class RowFilters:
    """The filter values of one row of ``source`` (what a restriction looks at), each worked
    out only when asked: checking a shown row again needs its module and organisation, rarely
    more."""

    def __init__(self, source: SearchSource, instance: models.Model) -> None:
        self._source = source
        self._instance = instance
        self.label = source.label

    @functools.cached_property
    def organisation_id(self) -> int:
        return organisation_of(self._instance, self._source.organisation_path)

    @functools.cached_property
    def moment(self) -> datetime | None:
        date_field = self._source.date_field
        moment = resolve(self._instance, date_field) if date_field else None
        return moment if isinstance(moment, datetime) else None

    @functools.cached_property
    def timestamp(self) -> int:
        """Seconds since the epoch; 0 when the source has no date."""
        return int(self.moment.timestamp()) if self.moment is not None else 0

    @functools.cached_property
    def source(self) -> str:
        return self._source.source(self._instance) if self._source.source else ""

    @functools.cached_property
    def tags(self) -> tuple[str, ...]:
        tags = self._source.tags
        return tuple(sorted(set(tags(self._instance)))) if tags else ()


def build_document(source: SearchSource, instance: models.Model) -> SearchDocument:
    """The document of one row of ``source``."""
    per_weight: dict[Weight, list[list[str]]] = {}
    for search_field in source.fields:
        value = resolve(instance, search_field.path)
        tokens = search_tokens(str(value)) if value not in (None, "") else []
        if tokens:
            per_weight.setdefault(search_field.weight, []).append(tokens)
    terms = {weight: _joined(groups) for weight, groups in per_weight.items() if groups}
    row = RowFilters(source, instance)
    return SearchDocument(
        key=document_key(source.label, instance.pk),
        label=source.label,
        object_id=str(instance.pk),
        organisation_id=row.organisation_id,
        timestamp=row.timestamp,
        month=jalali_month(row.moment) if row.moment is not None else "",
        source=row.source,
        tags=row.tags,
        terms=terms,
    )


def _joined(groups: list[list[str]]) -> tuple[str, ...]:
    joined = list(groups[0])
    for group in groups[1:]:
        joined.append(FIELD_SEPARATOR)
        joined += group
    return tuple(joined)


def documents_of(
    source: SearchSource, ids: Iterable[str] | None = None
) -> Iterator[SearchDocument]:
    """Documents of every indexed row of ``source``, or of the rows among ``ids`` that exist."""
    rows = source.rows()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    for instance in rows.order_by("pk").iterator(chunk_size=BATCH_SIZE):
        yield build_document(source, instance)
