"""``search()``: one query over every module the person may search, limited to the
organisations they may see, with highlighted snippets and facets."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import TYPE_CHECKING, Any, Literal

import jdatetime
from django.utils import timezone
from django.utils.safestring import SafeString

from ravabet.core.scoping import visible_organisation_ids
from ravabet.core.search.backends.base import Restriction
from ravabet.core.search.backends.tantivy_index import IndexPage, get_index
from ravabet.core.search.documents import (
    NO_ORGANISATION,
    RowFilters,
    resolve,
    split_key,
)
from ravabet.core.search.highlight import SNIPPET_CHARS, highlight
from ravabet.core.search.query import Query, parse_query
from ravabet.core.search.registry import SearchSource, sources

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ravabet.core.models import User

Order = Literal["relevance", "newest"]
PER_PAGE = 20
MAX_PAGE = 50


@dataclass(frozen=True)
class SearchFilters:
    """What a person narrows a search to; dates are calendar days, inclusive, Jalali
    (``jdatetime.date``) or Gregorian."""

    modules: tuple[str, ...] = ()
    date_from: date | jdatetime.date | None = None
    date_to: date | jdatetime.date | None = None
    organisations: tuple[int, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    """One result: the row itself, its highlighted title and snippet."""

    key: str
    label: str
    instance: Any
    title: SafeString
    snippet: SafeString
    score: float
    timestamp: int

    @property
    def moment(self) -> datetime | None:
        """When the row happened (its date field), or None for undated modules."""
        return datetime.fromtimestamp(self.timestamp, tz=UTC) if self.timestamp else None


@dataclass(frozen=True)
class SearchResults:
    query: Query
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _day_bound(day: date | jdatetime.date, *, end: bool) -> int:
    if isinstance(day, jdatetime.date):
        day = day.togregorian()
    moment = datetime.combine(day + timedelta(days=1) if end else day, clock.min)
    seconds = int(timezone.make_aware(moment).timestamp())
    return seconds - 1 if end else seconds


def searchable_sources(user: User | AnonymousUser) -> dict[str, SearchSource]:
    """The modules ``user`` may search at all."""
    return {label: s for label, s in sources().items() if s.is_visible_to(user)}


def restriction_for(user: User | AnonymousUser, filters: SearchFilters) -> Restriction:
    """Visibility and filters for ``user`` as one restriction both backends apply."""
    labels = set(searchable_sources(user))
    if filters.modules:
        labels &= set(filters.modules)
    all_labels = labels == set(sources())
    visible = visible_organisation_ids(user)
    organisation_ids: frozenset[int] | None = None if visible is None else frozenset(visible)
    if filters.organisations:
        wanted = frozenset(filters.organisations) - {NO_ORGANISATION}
        organisation_ids = wanted if organisation_ids is None else organisation_ids & wanted
    return Restriction(
        labels=frozenset(labels),
        all_labels=all_labels,
        organisation_ids=organisation_ids,
        time_from=_day_bound(filters.date_from, end=False) if filters.date_from else None,
        time_to=_day_bound(filters.date_to, end=True) if filters.date_to else None,
        sources=frozenset(filters.sources),
        tags=frozenset(filters.tags),
    )


def search(
    query: str,
    *,
    user: User | AnonymousUser,
    filters: SearchFilters | None = None,
    order: Order = "relevance",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchResults:
    """Hits for ``query`` that ``user`` may see, ``per_page`` to a page, ranked by relevance
    with a recency boost (or newest first), with facet counts over all matches."""
    parsed = parse_query(query)
    page = min(max(1, page), MAX_PAGE)
    restriction = restriction_for(user, filters or SearchFilters())
    result = get_index().search(
        parsed,
        restriction,
        newest_first=order == "newest",
        offset=(page - 1) * per_page,
        limit=per_page,
        now=time.time(),
    )
    hits = _load_hits(result, parsed, restriction)
    return SearchResults(
        query=parsed,
        hits=hits,
        total=result.total,
        page=page,
        per_page=per_page,
        facets=result.facets,
    )


def _distinct(texts: list[str]) -> list[str]:
    """The non-empty texts, less any that another opens with (a body that repeats its lead,
    as most news feeds do): the longer one is kept."""
    flat = [" ".join(text.split()) for text in texts]
    kept: list[str] = []
    for text in flat:
        if not text or any(k.startswith(text[:60]) for k in kept):
            continue
        kept = [k for k in kept if not text.startswith(k[:60])]
        kept.append(text)
    return kept


def _load_hits(page: IndexPage, parsed: Query, restriction: Restriction) -> list[SearchHit]:
    """The rows behind the hits, read from the database (the source of truth) and checked
    against the restriction again, so a row changed since it was indexed is never shown to
    someone who may no longer see it."""
    index_hits = page.hits
    wanted: dict[str, list[str]] = {}
    for hit in index_hits:
        label, pk = split_key(hit.key)
        wanted.setdefault(label, []).append(pk)
    every_source = sources()
    rows: dict[str, Any] = {}
    for label, pks in wanted.items():
        source = every_source.get(label)
        if source is None:
            continue
        for instance in source.rows().filter(pk__in=pks):
            if restriction.admits(RowFilters(source, instance)):
                rows[f"{label}:{instance.pk}"] = (source, instance)
    terms = parsed.terms()
    # The hits whose texts after the title hold none of the terms, as the index tells: their
    # snippet is their opening, without reading the whole text for a word that is not there.
    holding: set[str] = set()
    for weights in {frozenset(f.weight for f in s.fields[1:]) for s, _ in rows.values()}:
        holding |= page.holding(terms, weights)
    hits: list[SearchHit] = []
    for hit in index_hits:
        found = rows.get(hit.key)
        if found is None:
            continue
        source, instance = found
        texts = [str(resolve(instance, f.path) or "") for f in source.fields]
        title, rest = texts[0], " · ".join(_distinct(texts[1:]))
        hits.append(
            SearchHit(
                key=hit.key,
                label=source.label,
                instance=instance,
                title=highlight(title, terms),
                snippet=highlight(
                    rest, terms if hit.key in holding else (), max_chars=SNIPPET_CHARS
                ),
                score=hit.score,
                timestamp=hit.timestamp,
            )
        )
    return hits
