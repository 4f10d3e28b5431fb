"""Keeping the index in step with the database: updates after commit through a job (ids only),
full rebuilds per module and a drift check that lists what the index misses or has extra."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

from ravabet.core.jobs import enqueue_on_commit, job
from ravabet.core.search.backends.tantivy_index import get_index
from ravabet.core.search.documents import document_key, documents_of
from ravabet.core.search.registry import get_source, source_for_model, sources


@job()
def update_search_index(label: str, ids: list[str]) -> None:
    """Bring the documents of these rows of ``label`` up to date: rows that exist are
    (re)indexed, rows that are gone are removed. Idempotent."""
    index_rows(label, ids)


def index_rows(label: str, ids: Iterable[str]) -> int:
    """Reindex the rows ``ids`` of ``label`` now; returns how many documents were written."""
    source = get_source(label)
    wanted = [str(pk) for pk in ids]
    documents = list(documents_of(source, wanted))
    return get_index().replace(documents, remove_keys=[document_key(label, pk) for pk in wanted])


def index_later(instance: models.Model) -> None:
    """Reindex ``instance`` in every live source that declares its model, after the commit."""
    for source in source_for_model(type(instance)):
        if source.live:
            enqueue_on_commit(update_search_index, source.label, [str(instance.pk)])


def index_later_many(label: str, ids: Iterable[Any]) -> None:
    """Reindex the rows ``ids`` of ``label`` in one job after the commit (for bulk writers)."""
    wanted = [str(pk) for pk in ids]
    if wanted:
        enqueue_on_commit(update_search_index, label, wanted)


def rebuild(label: str) -> int:
    """Replace every document of ``label`` with documents built from its rows now; the other
    modules' documents are not touched."""
    source = get_source(label)
    return get_index().replace(documents_of(source), remove_label=label)


def unknown_labels() -> dict[str, int]:
    """Modules the index holds documents of but no app declares any more, with their counts."""
    known = set(sources())
    return {label: n for label, n in get_index().labels().items() if label not in known}


def purge(label: str) -> None:
    """Remove every document of ``label`` (a module no longer declared)."""
    get_index().replace([], remove_label=label)


@dataclass(frozen=True)
class Drift:
    """Keys the index lacks (rows not indexed) and keys it has for no row."""

    label: str
    missing: frozenset[str]
    extra: frozenset[str]

    @property
    def is_clean(self) -> bool:
        return not self.missing and not self.extra


def check_drift(label: str) -> Drift:
    source = get_source(label)
    expected = {document_key(label, pk) for pk in source.rows().values_list("pk", flat=True)}
    indexed = get_index().keys(label)
    return Drift(
        label=label, missing=frozenset(expected - indexed), extra=frozenset(indexed - expected)
    )


def rebuild_drifted() -> list[str]:
    """Rebuild every module whose index is out of step with its rows; returns their labels."""
    drifted = [label for label in sorted(sources()) if not check_drift(label).is_clean]
    for label in drifted:
        rebuild(label)
    for label in unknown_labels():
        purge(label)
    return drifted


def _after_change(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the restore path rebuilds the index as a whole
    index_later(instance)


def connect_signals() -> None:
    """Reindex every declared model's rows after each save and delete (called once from the
    core app's ``ready()``)."""
    for source in sources().values():
        if not source.live:
            continue
        uid = f"ravabet.search.{source.label}"
        post_save.connect(_after_change, sender=source.model, dispatch_uid=uid)
        post_delete.connect(_after_change, sender=source.model, dispatch_uid=uid)


@contextmanager
def live_updates_paused() -> Iterator[None]:
    """Save rows without a job per row (bulk loads); rebuild or ``rebuild_drifted()`` after."""
    disconnect_signals()
    try:
        yield
    finally:
        connect_signals()


def disconnect_signals() -> None:
    for source in sources().values():
        uid = f"ravabet.search.{source.label}"
        post_save.disconnect(sender=source.model, dispatch_uid=uid)
        post_delete.disconnect(sender=source.model, dispatch_uid=uid)
