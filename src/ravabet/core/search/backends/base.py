"""What narrows a search besides the words: modules, visibility and filters, in one value both
backends apply identically."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class FilterValues(Protocol):
    """What a restriction looks at: a document, or a row's values worked out as asked."""

    @property
    def label(self) -> str: ...
    @property
    def organisation_id(self) -> int: ...
    @property
    def timestamp(self) -> int: ...
    @property
    def source(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Restriction:
    """The documents a query may match: of these modules and organisations (None: all), dated
    within ``time_from``..``time_to`` (epoch seconds, inclusive; undated documents are left out
    by any bound), of one of ``sources`` and carrying one of ``tags`` when those are given."""

    labels: frozenset[str]
    # True when ``labels`` is every registered module: the index then needs no module filter
    # (a filter matching every document still costs a pass over them).
    all_labels: bool = False
    organisation_ids: frozenset[int] | None = None
    time_from: int | None = None
    time_to: int | None = None
    sources: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.labels or self.organisation_ids == frozenset()

    def admits(self, document: FilterValues) -> bool:
        if document.label not in self.labels:
            return False
        if self.organisation_ids is not None and (
            document.organisation_id not in self.organisation_ids
        ):
            return False
        if self.time_from is not None and document.timestamp < self.time_from:
            return False
        if self.time_to is not None and document.timestamp > self.time_to:
            return False
        if self.sources and document.source not in self.sources:
            return False
        return not self.tags or bool(self.tags.intersection(document.tags))
