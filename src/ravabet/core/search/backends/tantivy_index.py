"""The search index: a tantivy index in ``DATA_DIR/search`` derived from the database.

Text arrives already normalised and split (:func:`ravabet.core.search.text.search_tokens`) and
is indexed with tantivy's whitespace tokenizer, so index terms and query terms are produced by
the same function. One writer at a time: tantivy holds a lock file while a writer is open, so a
second writer (another worker) fails and its job is retried. Readers see a commit after
:meth:`SearchIndex.searcher` reloads.
"""

from __future__ import annotations

import fcntl
import math
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings

from ravabet.core.search.backends.base import Restriction
from ravabet.core.search.documents import SearchDocument
from ravabet.core.search.query import Clause, Or, Phrase, Query, Term
from ravabet.core.search.registry import Weight
from ravabet.core.search.text import common_pairs

# Bump when the schema changes: a new version starts an empty index beside the old one, to be
# filled by ``ravabet reindex``.
SCHEMA_VERSION = 3
WRITER_HEAP = 50_000_000
# Our own lock file beside tantivy's: worker processes queue on it for the one writer.
WRITER_LOCK = "ravabet-writer.lock"
# A rebuild writes a whole module in one commit. Its writer gets a budget big enough that 1M
# articles fill fewer than the 8 segments at which tantivy starts merging: merging the
# word-pair terms while indexing took tantivy 513 µs of CPU per article at 300k, against 321
# without merges. An article takes about 9 KB of arena, so 2 GB a thread holds some 200k.
# Capped at a quarter of the machine's memory; the arena grows only as documents arrive.
# Two threads index beside the one that reads rows and folds their text.
REBUILD_WRITER_HEAP = 4_000_000_000
REBUILD_WRITER_THREADS = 2
# Relevance order reranks this many hits beyond the page end with the recency boost.
RERANK_WINDOW = 100
RECENCY_BOOST = 0.5
RECENCY_HALF_LIFE_DAYS = 90.0
FACET_SIZE = 500
# Up to this many values, a filter is a union of term queries rather than a term-set query.
ANY_OF_TERMS = 64
_VERSION_FOLDER = re.compile(r"v(\d+)")
_REGEX_SPECIAL = frozenset("\\.+*?()|[]{}^$#&-~")


def index_directory() -> Path:
    base = getattr(settings, "SEARCH_INDEX_DIR", None) or settings.DATA_DIR / "search"
    return Path(base) / f"v{SCHEMA_VERSION}"


def remove_stale_indexes() -> list[tuple[Path, int]]:
    """Delete the indexes of earlier schema versions beside the one in use (left by an
    upgrade, never read again); returns each folder with the bytes it held. A newer version's
    is left alone: a deployment being upgraded beside this one may be using it."""
    base = index_directory().parent
    if not base.is_dir():
        return []
    stale = sorted(
        path
        for path in base.iterdir()
        if path.is_dir()
        and (found := _VERSION_FOLDER.fullmatch(path.name))
        and int(found.group(1)) < SCHEMA_VERSION
    )
    removed = []
    for path in stale:
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        shutil.rmtree(path)
        removed.append((path, size))
    return removed


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("module", fast=True, tokenizer_name="raw")
    builder.add_integer_field("org", indexed=True, fast=True)
    builder.add_integer_field("ts", indexed=True, fast=True)
    builder.add_text_field("month", fast=True, tokenizer_name="raw")
    builder.add_text_field("source", fast=True, tokenizer_name="raw")
    builder.add_text_field("tags", tokenizer_name="raw")
    for weight in Weight:
        builder.add_text_field(weight.value, tokenizer_name="whitespace")
        # Neighbouring word pairs with a common word in them: frequencies, no positions needed.
        builder.add_text_field(_pairs(weight), tokenizer_name="whitespace", index_option="freq")
    return builder.build()


def _pairs(weight: Weight) -> str:
    return f"{weight.value}2"


def _rebuild_writer_budget() -> tuple[int, int]:
    """Heap bytes and threads for a rebuild's writer, within a quarter of the memory."""
    threads = max(1, min(REBUILD_WRITER_THREADS, os.cpu_count() or 1))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    # tantivy wants at least 15 MB per thread.
    return max(threads * WRITER_HEAP, min(REBUILD_WRITER_HEAP, memory // 4)), threads


@dataclass(frozen=True)
class IndexHit:
    key: str
    score: float
    timestamp: int
    # Where the searcher that found it keeps the document.
    address: Any = field(default=None, compare=False, repr=False)


Counts = tuple[int, dict[str, dict[str, int]]]


@dataclass(frozen=True)
class IndexPage:
    """One page of hits; the total and the facets are still being counted beside whoever
    reads the page's rows, and are waited for only when asked."""

    hits: list[IndexHit]
    counting: Future[Counts] | None = None
    index: SearchIndex | None = None
    searcher: tantivy.Searcher | None = None

    def holding(self, terms: Sequence[Term], weights: Iterable[Weight]) -> set[str]:
        """The keys of the page's hits whose text of ``weights`` holds one of ``terms``."""
        if self.index is None or self.searcher is None:
            return {hit.key for hit in self.hits}
        return self.index.holding(self.searcher, self.hits, terms, weights)

    @property
    def total(self) -> int:
        return self.counting.result()[0] if self.counting is not None else 0

    @property
    def facets(self) -> dict[str, dict[str, int]]:
        return self.counting.result()[1] if self.counting is not None else {}


def _regex_literal(text: str) -> str:
    return "".join(f"\\{c}" if c in _REGEX_SPECIAL else c for c in text)


def recency_factor(timestamp: int, now: float) -> float:
    """1 for undated documents, up to 1 + RECENCY_BOOST for today's, halving every half-life."""
    if timestamp <= 0:
        return 1.0
    age_days = max(0.0, (now - timestamp) / 86400)
    return 1.0 + RECENCY_BOOST * math.pow(0.5, age_days / RECENCY_HALF_LIFE_DAYS)


class SearchIndex:
    """One tantivy index directory."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self._lock = threading.Lock()
        self._holder = threading.local()
        self._meta_seen: tuple[int, int, int] | None = None

    # --- writing ------------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index for writing across threads and processes: tantivy allows one writer
        and fails (LockBusy) for a second, so each waits its turn here instead. A thread that
        holds it already goes on (a flush holds it from reading its backlog to its commit)."""
        if getattr(self._holder, "depth", 0):
            self._holder.depth += 1
            try:
                yield
            finally:
                self._holder.depth -= 1
            return
        with self._lock, (self.path / WRITER_LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._holder.depth = 1
            try:
                yield
            finally:
                self._holder.depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _document(self, document: SearchDocument) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_text("key", document.key)
        doc.add_text("module", document.label)
        doc.add_integer("org", document.organisation_id)
        doc.add_integer("ts", document.timestamp)
        doc.add_text("month", document.month)
        doc.add_text("source", document.source)
        for tag in document.tags:
            doc.add_text("tags", tag)
        for weight in Weight:
            doc.add_text(weight.value, document.text(weight))
            doc.add_text(_pairs(weight), " ".join(common_pairs(document.terms.get(weight, ()))))
        return doc

    def replace(
        self,
        documents: Iterable[SearchDocument],
        *,
        remove_keys: Iterable[str] = (),
        remove_label: str | None = None,
    ) -> int:
        """Delete ``remove_keys`` (or every document of ``remove_label``), add ``documents``
        (replacing any document with the same key) and commit, all in one commit."""
        with self.writing():
            if remove_label is None:
                writer = self.index.writer(WRITER_HEAP, 1)
            else:
                writer = self.index.writer(*_rebuild_writer_budget())
            try:
                if remove_label is not None:
                    writer.delete_documents_by_term("module", remove_label)
                for key in remove_keys:
                    writer.delete_documents_by_term("key", key)
                added = 0
                for document in documents:
                    if remove_label is None:
                        writer.delete_documents_by_term("key", document.key)
                    writer.add_document(self._document(document))
                    added += 1
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()
        self.index.reload()
        return added

    # --- reading ------------------------------------------------------------------------------

    def searcher(self) -> tantivy.Searcher:
        """A searcher on the last commit, whichever process made it: the index is reloaded
        when its meta file (rewritten by every commit) has changed since the last look."""
        try:
            meta = os.stat(self.path / "meta.json")
            seen = (meta.st_ino, meta.st_mtime_ns, meta.st_size)
        except OSError:
            seen = None
        if seen is None or seen != self._meta_seen:
            self.index.reload()
            self._meta_seen = seen
        return self.index.searcher()

    def keys(self, label: str) -> set[str]:
        """Every key stored for ``label`` (for the drift check)."""
        searcher = self.searcher()
        query = tantivy.Query.term_query(self.schema, "module", label)
        return self._all_keys(searcher, query)

    def labels(self) -> dict[str, int]:
        """How many documents each module has in the index."""
        answer = self.searcher().aggregate(
            tantivy.Query.all_query(), {"module": {"terms": {"field": "module", "size": 1000}}}
        )
        return {
            str(b["key"]): int(b["doc_count"]) for b in answer.get("module", {}).get("buckets", [])
        }

    def _all_keys(self, searcher: tantivy.Searcher, query: tantivy.Query) -> set[str]:
        limit = searcher.num_docs
        if not limit:
            return set()
        result = searcher.search(query, limit, count=False)
        return {str(searcher.doc(address)["key"][0]) for _, address in result.hits}

    def _atom(self, atom: Term | Phrase) -> tantivy.Query:
        per_field: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for weight in Weight:
            field = weight.value
            if isinstance(atom, Phrase):
                query = self._phrase(weight, atom)
            elif atom.prefix:
                pattern = _regex_literal(atom.text) + ".*"
                query = tantivy.Query.regex_query(self.schema, field, pattern)
            else:
                query = tantivy.Query.term_query(self.schema, field, atom.text)
            per_field.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight.boost)))
        return tantivy.Query.boolean_query(per_field)

    def _phrase(self, weight: Weight, phrase: Phrase) -> tantivy.Query:
        """The phrase's pairs with a common word are single terms (one lookup each: «در این»
        by positions would walk half the index); the whole phrase is then checked by positions
        on the documents that have them, or on its own when it has no common word (its rarer
        words' postings are short)."""
        stored = [
            (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, _pairs(weight), pair))
            for pair in dict.fromkeys(common_pairs(phrase.terms))
        ]
        if len(phrase.terms) == 2 and stored:
            return tantivy.Query.boolean_query(stored)
        exact = tantivy.Query.phrase_query(self.schema, weight.value, list(phrase.terms))
        if not stored:
            return exact
        # Ranked by the pairs' frequencies, as a two-word phrase is.
        stored.append((tantivy.Occur.Must, tantivy.Query.const_score_query(exact, 0.0)))
        return tantivy.Query.boolean_query(stored)

    def _clause(self, clause: Clause) -> tantivy.Query:
        if isinstance(clause, Or):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, self._atom(a)) for a in clause.alternatives]
            )
        return self._atom(clause)

    def _any_of(self, field: str, values: list[Any]) -> tantivy.Query:
        """Documents whose ``field`` holds one of ``values``. A union of term queries walks
        only those terms' postings; tantivy's term-set query costs more for a few values (0.05
        against 0.21 ms for an agency's five organisations at 50k articles), less for many."""
        if len(values) > ANY_OF_TERMS:
            return tantivy.Query.term_set_query(self.schema, field, values)
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, field, v))
                for v in values
            ]
        )

    def _filters(self, restriction: Restriction) -> list[tantivy.Query]:
        filters = []
        if not restriction.all_labels:
            filters.append(self._any_of("module", sorted(restriction.labels)))
        if restriction.organisation_ids is not None:
            filters.append(self._any_of("org", sorted(restriction.organisation_ids)))
        if restriction.time_from is not None or restriction.time_to is not None:
            filters.append(
                tantivy.Query.range_query(
                    self.schema,
                    "ts",
                    tantivy.FieldType.Integer,
                    restriction.time_from if restriction.time_from is not None else 1,
                    restriction.time_to if restriction.time_to is not None else 2**62,
                )
            )
        if restriction.sources:
            filters.append(self._any_of("source", sorted(restriction.sources)))
        if restriction.tags:
            filters.append(self._any_of("tags", sorted(restriction.tags)))
        return filters

    def compile(self, query: Query, restriction: Restriction) -> tantivy.Query:
        """The tantivy query for ``query`` within ``restriction``; filters do not score."""
        Occur = tantivy.Occur
        parts = [(Occur.Must, self._clause(c)) for c in query.include]
        if not parts:
            parts.append(
                (Occur.Must, tantivy.Query.const_score_query(tantivy.Query.all_query(), 0.0))
            )
        parts.extend((Occur.MustNot, self._clause(c)) for c in query.exclude)
        parts.extend(
            (Occur.Must, tantivy.Query.const_score_query(f, 0.0))
            for f in self._filters(restriction)
        )
        return tantivy.Query.boolean_query(parts)

    def matching_keys(self, query: Query, restriction: Restriction) -> set[str]:
        """Keys of every matching document (for the equivalence tests and the drift check)."""
        if restriction.is_empty:
            return set()
        return self._all_keys(self.searcher(), self.compile(query, restriction))

    def search(
        self,
        query: Query,
        restriction: Restriction,
        *,
        newest_first: bool,
        offset: int,
        limit: int,
        now: float,
        facets: bool = True,
    ) -> IndexPage:
        """One page of hits, the total and (optionally) facet counts per module, month and
        source over every match.

        The page is collected without counting, so tantivy may skip blocks that cannot reach
        the top; the total and the facets come from one aggregation pass over the matches,
        run in another thread while the caller reads the page's rows.
        """
        if restriction.is_empty:
            return IndexPage(hits=[])
        searcher = self.searcher()
        compiled = self.compile(query, restriction)
        # tantivy releases the GIL: the counting pass runs beside the ranking pass.
        counting = _counting_pool.submit(self._counts, searcher, compiled, facets=facets)
        if newest_first or not query.include:
            result = searcher.search(
                compiled,
                limit,
                count=False,
                order_by_field="ts",
                offset=offset,
                order=tantivy.Order.Desc,
            )
            addresses = [address for _, address in result.hits]
            stamps = searcher.fast_field_values("ts", addresses)
            ranked = [(0.0, a, int(t or 0)) for a, t in zip(addresses, stamps, strict=True)]
        else:
            result = searcher.search(compiled, offset + limit + RERANK_WINDOW, count=False)
            addresses = [address for _, address in result.hits]
            stamps = searcher.fast_field_values("ts", addresses)
            scored = [
                (float(score) * recency_factor(int(ts or 0), now), address, int(ts or 0))
                for (score, address), ts in zip(result.hits, stamps, strict=True)
            ]
            scored.sort(key=lambda item: -item[0])
            ranked = scored[offset : offset + limit]
        hits = [
            IndexHit(
                key=str(searcher.doc(address)["key"][0]),
                score=score,
                timestamp=ts,
                address=address,
            )
            for score, address, ts in ranked
        ]
        return IndexPage(hits=hits, counting=counting, index=self, searcher=searcher)

    def holding(
        self,
        searcher: tantivy.Searcher,
        hits: Sequence[IndexHit],
        terms: Sequence[Term],
        weights: Iterable[Weight],
    ) -> set[str]:
        """The keys of ``hits`` (found by ``searcher``) whose text of ``weights`` holds one of
        ``terms``, by one lookup of those terms among those documents: the highlighter need
        not read through the others' texts (a word found in a title is most often absent from
        the body, and looking for it there cost more than the rest of the page). With a prefix
        term, every hit (which terms it stands for would take a walk of the dictionary)."""
        fields = sorted({weight.value for weight in weights})
        if not hits or not terms or not fields:
            return set()
        if any(term.prefix for term in terms):
            return {hit.key for hit in hits}
        words = sorted({term.text for term in terms})
        holding = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, name, word))
                for name in fields
                for word in words
            ]
        )
        among = self._any_of("key", [hit.key for hit in hits])
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, among), (tantivy.Occur.Must, holding)]
        )
        found = searcher.search(query, len(hits), count=False)
        places = {(a.segment_ord, a.doc) for _, a in found.hits}
        return {
            hit.key
            for hit in hits
            if hit.address is not None and (hit.address.segment_ord, hit.address.doc) in places
        }

    def _counts(
        self, searcher: tantivy.Searcher, compiled: tantivy.Query, *, facets: bool
    ) -> Counts:
        """The number of matches (every document has a module, so the module buckets add up to
        it) and, if asked, the facet counts."""
        names = ("module", "month", "source") if facets else ("module",)
        request: dict[str, Any] = {
            name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names
        }
        answer = searcher.aggregate(compiled, request)
        modules = answer.get("module", {})
        total = sum(int(b["doc_count"]) for b in modules.get("buckets", [])) + int(
            modules.get("sum_other_doc_count", 0)
        )
        counts = {
            name: {
                str(bucket["key"]): int(bucket["doc_count"])
                for bucket in answer.get(name, {}).get("buckets", [])
                if bucket["key"] != ""
            }
            for name in names
        }
        return total, counts if facets else {}


_counting_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ravabet-search")
_indexes: dict[Path, SearchIndex] = {}
_indexes_lock = threading.Lock()


def get_index() -> SearchIndex:
    """The process's handle on the index directory in use (settings may move it in tests)."""
    path = index_directory()
    with _indexes_lock:
        index = _indexes.get(path)
        if index is None:
            index = _indexes[path] = SearchIndex(path)
        return index


def release_index() -> None:
    """Forget the handle on the current directory (tests move the directory per test)."""
    with _indexes_lock:
        _indexes.pop(index_directory(), None)
