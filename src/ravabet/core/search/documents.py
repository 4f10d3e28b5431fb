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


def build_document(
    source: SearchSource, instance: models.Model, *, with_terms: bool = True
) -> SearchDocument:
    """The document of one row of ``source``; without its terms (the text left unfolded) when
    only its filter values are wanted."""
    per_weight: dict[Weight, list[list[str]]] = {}
    for search_field in source.fields if with_terms else ():
        value = resolve(instance, search_field.path)
        tokens = search_tokens(str(value)) if value not in (None, "") else []
        if tokens:
            per_weight.setdefault(search_field.weight, []).append(tokens)
    terms = {weight: _joined(groups) for weight, groups in per_weight.items() if groups}
    moment = resolve(instance, source.date_field) if source.date_field else None
    timestamp = int(moment.timestamp()) if isinstance(moment, datetime) else 0
    return SearchDocument(
        key=document_key(source.label, instance.pk),
        label=source.label,
        object_id=str(instance.pk),
        organisation_id=organisation_of(instance, source.organisation_path),
        timestamp=timestamp,
        month=jalali_month(moment) if isinstance(moment, datetime) else "",
        source=source.source(instance) if source.source else "",
        tags=tuple(sorted(set(source.tags(instance)))) if source.tags else (),
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
