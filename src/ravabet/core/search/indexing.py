"""Keeping the index in step with the database: updates after commit through a job (ids only),
full rebuilds per module and a drift check that lists what the index misses or has extra."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ravabet.core.jobs import enqueue_on_commit, job
from ravabet.core.models import SearchBacklogEntry
from ravabet.core.search.backends.tantivy_index import get_index
from ravabet.core.search.documents import SearchDocument, document_key, documents_of
from ravabet.core.search.registry import get_source, source_for_model, sources

# A flush indexes this many backlog entries to an index commit, and at most this many commits.
FLUSH_BATCH = 5000
FLUSH_BATCHES = 20
# Keys per query: below SQLite's oldest limit on bound parameters (999).
KEYS_PER_QUERY = 900
# A flush runs this long after the write that asked for it, so that the writes finishing
# meanwhile (polls coming back one after another) share its index commit: a commit of a few
# dozen articles costs tantivy some 30 ms and its merges 20 ms more, whatever it holds. Search
# sees a collected item that much later, as a search engine's refresh interval has it.
FLUSH_DELAY = timedelta(seconds=2)


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
    """Reindex the rows ``ids`` of ``label`` after the commit (for bulk writers): they join the
    backlog in the caller's transaction, and a flush job takes the whole backlog, whoever wrote
    it, into one index commit, ``FLUSH_DELAY`` after the write. A commit costs tantivy some
    0.05 s whatever it holds, so two thousand news sources polled at once must not each pay it."""
    wanted = [str(pk) for pk in ids]
    if wanted and not getattr(_paused, "depth", 0):
        SearchBacklogEntry.objects.bulk_create(
            [SearchBacklogEntry(label=label, object_id=pk) for pk in wanted]
        )
        flush = flush_search_backlog
        if flush.get_backend().supports_defer:
            # Each write still enqueues its own flush: the first to run takes the whole
            # backlog, the others find it empty (one query).
            flush = flush.using(run_after=timezone.now() + FLUSH_DELAY)
        enqueue_on_commit(flush)


@job()
def flush_search_backlog() -> None:
    """Index what the backlog holds (idempotent: an entry is removed only once indexed)."""
    flush_backlog()


def flush_backlog(*, batch: int = FLUSH_BATCH, batches: int = FLUSH_BATCHES) -> int:
    """Index the backlog's rows, ``batch`` entries to an index commit, at most ``batches``
    commits (the schedule or the next flush job takes the rest); returns the documents written.

    Entries are removed after their commit and by primary key: an entry written meanwhile,
    even for the same row, stays for the next flush. Each batch is read, indexed and removed
    holding the index for writing, so a flush started meanwhile (another worker's) waits and
    then finds only what came after, instead of indexing the same rows again.
    """
    index = get_index()
    written = 0
    for _ in range(batches):
        with index.writing():
            taken = list(
                SearchBacklogEntry.objects.order_by("pk").values_list("pk", "label", "object_id")[
                    :batch
                ]
            )
            if not taken:
                break
            documents, remove = _backlog_documents(taken)
            written += index.replace(documents, remove_keys=remove)
            for chunk in _chunks([pk for pk, _label, _id in taken]):
                SearchBacklogEntry.objects.filter(pk__in=chunk).delete()
        if len(taken) < batch:
            break
    return written


def _backlog_documents(taken: list[tuple[int, str, str]]) -> tuple[list[SearchDocument], list[str]]:
    """The documents of the rows of these backlog entries, and the keys to replace."""
    wanted: dict[str, dict[str, None]] = {}
    for _pk, label, object_id in taken:
        wanted.setdefault(label, {})[object_id] = None
    documents: list[SearchDocument] = []
    remove: list[str] = []
    for label, ids in wanted.items():
        source = sources().get(label)
        if source is None:
            continue  # a module no longer declared: rebuild_drifted() purges it
        for chunk in _chunks(list(ids)):
            documents += documents_of(source, chunk)
        remove += [document_key(label, pk) for pk in ids]
    return documents, remove


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), KEYS_PER_QUERY):
        yield values[start : start + KEYS_PER_QUERY]


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


_paused = threading.local()


@contextmanager
def live_updates_paused() -> Iterator[None]:
    """Save rows without a job per row and without a backlog (bulk loads); rebuild or
    ``rebuild_drifted()`` after."""
    disconnect_signals()
    _paused.depth = getattr(_paused, "depth", 0) + 1
    try:
        yield
    finally:
        _paused.depth -= 1
        connect_signals()


def disconnect_signals() -> None:
    for source in sources().values():
        uid = f"ravabet.search.{source.label}"
        post_save.disconnect(sender=source.model, dispatch_uid=uid)
        post_delete.disconnect(sender=source.model, dispatch_uid=uid)
