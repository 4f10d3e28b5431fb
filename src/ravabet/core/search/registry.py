"""What the search index holds: each app declares its searchable models as :class:`SearchSource`
objects in its own ``search.py`` and registers them; the kernel's are in ``sources.py``.

An app's ``search.py``::

    from ravabet.core.search.registry import SearchField, SearchSource, Weight, register

    register(
        SearchSource(
            label="newsroom",
            model=Release,
            fields=(SearchField("title", Weight.A), SearchField("body", Weight.C)),
            date_field="published_at",
            source=lambda release: release.channel,
            tags=lambda release: [tag.name for tag in release.tags.all()],
        )
    )

The label is the module's name in filters and facets and the first half of every document key
(``"newsroom:42"``). The organisation path is the one :mod:`ravabet.core.scoping` uses, so a
document is visible to exactly the people who may see its row.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from ravabet.core.scoping import organisation_field

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ravabet.core.models import User


class Weight(enum.Enum):
    """How much a match in a field counts, from A (titles) to C (body text), as in PostgreSQL."""

    A = "a"
    B = "b"
    C = "c"

    @property
    def boost(self) -> float:
        return {"a": 4.0, "b": 2.0, "c": 1.0}[self.value]


@dataclass(frozen=True)
class SearchField:
    """One attribute of a row that is indexed; ``path`` may follow relations with ``__``."""

    path: str
    weight: Weight = Weight.C


@dataclass(frozen=True)
class SearchSource:
    """One searchable model: which rows, which fields at which weight, whose they are and when."""

    label: str
    model: type[models.Model]
    fields: tuple[SearchField, ...]
    # The module's name shown beside results and in the facets (translated lazily).
    title: str | Promise = ""
    # The lookup path to the owning organisation; None takes the model's scoping path.
    organisation: str | None = None
    date_field: str | None = None
    source: Callable[[Any], str] | None = None
    # How a source value is shown in the facets (the stored value is a stable code).
    source_label: Callable[[str], str] | None = None
    tags: Callable[[Any], Iterable[str]] | None = None
    # Who may search this module at all (e.g. the audit trail only for its roles).
    visible_to: Callable[[User | AnonymousUser], bool] | None = None
    # Which rows are indexed; the default is every row of the model.
    queryset: Callable[[], models.QuerySet[Any]] | None = None
    # Where a hit leads; the default is the row's get_absolute_url().
    url: Callable[[Any], str] | None = None
    # Reindex each row after every save and delete. Modules that write rows in bulk (ingest)
    # set False and call ravabet.core.search.indexing.index_later_many() themselves.
    live: bool = True

    def rows(self) -> models.QuerySet[Any]:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()

    @property
    def organisation_path(self) -> str:
        return self.organisation or organisation_field(self.model)

    def is_visible_to(self, user: User | AnonymousUser) -> bool:
        return self.visible_to is None or bool(self.visible_to(user))

    def url_of(self, instance: Any) -> str:
        if self.url is not None:
            return self.url(instance)
        get_absolute_url = getattr(instance, "get_absolute_url", None)
        return str(get_absolute_url()) if get_absolute_url is not None else ""

    def display_source(self, value: str) -> str:
        return self.source_label(value) if self.source_label is not None else value

    @property
    def display_title(self) -> str | Promise:
        return self.title or self.model._meta.verbose_name_plural or self.label


class SearchRegistryError(ValueError):
    """A source was declared twice or under a label that cannot be a key prefix."""


_sources: dict[str, SearchSource] = {}
_discovered = False


def register(source: SearchSource) -> SearchSource:
    """Declare ``source``; called at import time of an app's ``search.py``."""
    if not source.label or ":" in source.label or source.label != source.label.strip():
        raise SearchRegistryError(f"Invalid search label {source.label!r}")
    existing = _sources.get(source.label)
    if existing is not None and existing != source:
        raise SearchRegistryError(f"Search label {source.label!r} is already registered")
    if not source.fields:
        raise SearchRegistryError(f"Search source {source.label!r} declares no field")
    _sources[source.label] = source
    return source


def unregister(label: str) -> None:
    """Forget a source (for tests that declare their own)."""
    _sources.pop(label, None)


def autodiscover() -> None:
    """Import every installed app's ``search.py`` and the kernel's own sources, once."""
    global _discovered  # noqa: PLW0603 (a process-wide, import-once flag)
    if _discovered:
        return
    _discovered = True
    import ravabet.core.search.sources  # noqa: F401 (registers the kernel's sources)

    autodiscover_modules("search")


def sources() -> dict[str, SearchSource]:
    """Every registered source by label."""
    autodiscover()
    return dict(_sources)


def get_source(label: str) -> SearchSource:
    try:
        return sources()[label]
    except KeyError:
        raise SearchRegistryError(f"No search source {label!r}") from None


def source_for_model(model: type[models.Model]) -> list[SearchSource]:
    return [s for s in sources().values() if s.model is model]
