"""Storing what a poll brought: each item exactly once (by canonical URL), exact copies and
light edits joined to their story with the first publisher credited, watch-lists matched as
items arrive, urgent matches alerted, everything indexed for search after the commit.

One call is one transaction: a crash loses the batch as a whole and the next poll brings it
again, so nothing is half-stored and nothing is stored twice. The batch is placed in memory
first (a few queries find the stored items it may copy) and then written with bulk inserts, so
the cost per item is its fingerprint and text, not a dozen round trips.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from ravabet.core.search.indexing import index_later_many
from ravabet.lib.feeds import ParsedItem, canonical_url, html_to_text, sanitise_html
from ravabet.lib.stories import DEFAULT_WINDOW, Fingerprint, compare, fingerprint
from ravabet.lib.stories.fingerprint import band_ints
from ravabet.monitoring.models import (
    ItemBand,
    MonitoredItem,
    Source,
    Story,
    Triage,
    WatchList,
    WatchMatch,
)
from ravabet.monitoring.services import alerts
from ravabet.monitoring.services.watch import CompiledWatch, ItemText, active_watches, matching

MAX_TITLE = 500
MAX_URL = 2000
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SEARCH_LABEL = "monitoring"
# Keys per query: below SQLite's oldest limit on bound parameters (999), with room to spare.
KEYS_PER_QUERY = 900
# Items of this batch sort after every stored item, as their primary keys will.
_IN_BATCH = 1 << 62
# Band rows are pruned for this many items at a time (some 50,000 rows a statement).
PRUNE_ITEMS = 1000


@dataclass
class IngestReport:
    """What one batch did."""

    seen: int = 0
    new: int = 0
    copies: int = 0
    new_stories: int = 0
    matches: int = 0


def band_keys(fp: Fingerprint) -> list[int]:
    """The item's LSH band keys as signed 64-bit integers (what a BIGINT column holds)."""
    return [key - (1 << 64) if key >= 1 << 63 else key for key in band_ints(fp)]


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def content_hash(fp: Fingerprint) -> str:
    return f"{fp.exact:016x}"


@dataclass
class _Prepared:
    parsed: ParsedItem
    url: str
    title: str
    lead: str
    body_html: str
    body_text: str
    published: datetime | None
    at: datetime
    fp: Fingerprint
    bands: list[int] = field(default_factory=list)


def _storable(text: str) -> str:
    """``text`` as every database stores it: no NUL (PostgreSQL refuses it) and no lone
    surrogate (no UTF-8 encoder takes one); a damaged feed can carry both, escaped in JSON."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _address(source: Source, parsed: ParsedItem) -> str | None:
    """The item's canonical address, or None when it has none fit to store."""
    url = canonical_url(parsed.url, source.feed_url)
    if not url or len(url) > MAX_URL:
        return None  # an address too long to store is not an article's
    return url


def _prepare(url: str, parsed: ParsedItem, now: datetime) -> _Prepared:
    body_html = _storable(parsed.body_html)
    if body_html and not (parsed.sanitised and url == parsed.url):
        body_html = sanitise_html(body_html, base_url=url)
    body_text = _storable(parsed.body_text) or (html_to_text(body_html) if body_html else "")
    lead = _storable(parsed.lead).strip()
    title = (_storable(parsed.title) or lead[:200] or url).strip()[:MAX_TITLE]
    # Feeds sometimes date items in the future (wrong time zones): never later than collected.
    published = min(parsed.published, now) if parsed.published else None
    fp = fingerprint(title, body_text or lead)
    return _Prepared(
        parsed=parsed,
        url=url,
        title=title,
        lead=lead,
        body_html=body_html,
        body_text=body_text,
        published=published,
        at=published or now,
        fp=fp,
        bands=band_keys(fp),
    )


@dataclass(eq=False)
class _StoryState:
    """A story as this batch leaves it; written once at the end."""

    story: Story
    is_new: bool
    sources: set[int]
    first: _NewItem | None = None  # the batch's item credited as first publisher, if any
    changed: set[str] = field(default_factory=set)


@dataclass(eq=False)
class _NewItem:
    """An item of this batch, placed in its story before anything is written."""

    key: str
    ready: _Prepared
    order: int
    story: _StoryState
    exact_of: int | _NewItem | None
    organisation_id: int | None
    matched: list[WatchList]
    row: MonitoredItem | None = None


@dataclass(eq=False)
class _Known:
    """An item the batch may copy: stored before, or placed earlier in this batch."""

    order: int  # primary key, or _IN_BATCH + position for an item of this batch
    at: datetime
    story_id: int | None  # a stored story, or None with ``new`` set
    new: _NewItem | None
    fp_bytes: bytes | None = None
    fp: Fingerprint | None = None

    def fingerprint(self) -> Fingerprint:
        if self.fp is None:
            assert self.fp_bytes is not None
            self.fp = Fingerprint.from_bytes(self.fp_bytes)
        return self.fp

    @property
    def ref(self) -> int | _NewItem:
        return self.new if self.new is not None else self.order


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), KEYS_PER_QUERY):
        yield values[start : start + KEYS_PER_QUERY]


class _Lookup:
    """Finds the story of each item of a batch: the stored items the batch may copy are read
    up front (exact hashes, then band keys, within the window around the whole batch), and the
    batch's own items are added as they are placed."""

    def __init__(self, batch: Sequence[_Prepared]) -> None:
        span = (
            min(r.at for r in batch) - DEFAULT_WINDOW,
            max(r.at for r in batch) + DEFAULT_WINDOW,
        )
        self.exact: dict[str, list[_Known]] = defaultdict(list)
        self.bands: dict[int, list[_Known]] = defaultdict(list)
        exact: list[tuple[str, int]] = []
        hashes = sorted({content_hash(r.fp) for r in batch})
        for chunk in _chunks(hashes):
            exact += MonitoredItem.objects.filter(
                content_hash__in=chunk, at__range=span, exact_copy_of__isnull=True
            ).values_list("content_hash", "pk")
        banded = _band_items(sorted({key for r in batch for key in r.bands}), span)
        known: dict[int, _Known] = {}
        ids = sorted({pk for _, pk in exact} | {pk for _, pk in banded})
        for chunk in _chunks(ids):
            for pk, at, story_id, fp_bytes in MonitoredItem.objects.filter(
                pk__in=chunk
            ).values_list("pk", "at", "story_id", "fingerprint"):
                known[pk] = _Known(pk, at, story_id, None, fp_bytes=bytes(fp_bytes))
        for digest, pk in exact:
            if pk in known:
                self.exact[digest].append(known[pk])
        # A band row's time is its item's (both written together), so the item's serves.
        for key, pk in banded:
            if pk in known:
                self.bands[key].append(known[pk])
        self.stories = Story.objects.in_bulk({k.story_id for k in known.values()} - {None})

    def find(self, ready: _Prepared) -> tuple[_Known | None, bool]:
        """The item whose story ``ready`` joins, and whether it is an exact copy of it: the
        earliest exact copy in the window, else the best verified candidate sharing a band."""
        low, high = ready.at - DEFAULT_WINDOW, ready.at + DEFAULT_WINDOW
        copies = [
            k
            for k in self.exact.get(content_hash(ready.fp), ())
            if low <= k.at <= high and self._placed(k)
        ]
        if copies:
            return min(copies, key=lambda k: (k.at, k.order)), True
        candidates = {
            k.order: k
            for key in ready.bands
            for k in self.bands.get(key, ())
            if low <= k.at <= high and self._placed(k)
        }
        best: tuple[float, float, int, _Known] | None = None
        for candidate in candidates.values():
            similarity = compare(ready.fp, candidate.fingerprint())
            if not similarity.same_story:
                continue
            rank = (similarity.score, similarity.title, -candidate.order, candidate)
            if best is None or rank[:3] > best[:3]:
                best = rank
        return (best[3], False) if best is not None else (None, False)

    def _placed(self, known: _Known) -> bool:
        """Whether the story of ``known`` is at hand (a row deleted meanwhile has none)."""
        return known.new is not None or known.story_id in self.stories

    def add(self, new: _NewItem) -> None:
        """Let the items placed after ``new`` find it (an exact copy has no hash or bands of
        its own to be found by, as it has none stored)."""
        if new.exact_of is not None:
            return
        entry = _Known(order=new.order, at=new.ready.at, story_id=None, new=new, fp=new.ready.fp)
        self.exact[content_hash(new.ready.fp)].append(entry)
        for key in new.ready.bands:
            self.bands[key].append(entry)


def _band_columns() -> tuple[str, str, str, str]:
    """The quoted table and key, item and time columns of ``ItemBand``."""
    meta = ItemBand._meta
    quote = connection.ops.quote_name
    column = {f.name: str(f.column) for f in meta.concrete_fields}
    key, item, at = (quote(column[name]) for name in ("key", "item", "at"))
    return quote(meta.db_table), key, item, at


def _band_items(keys: Sequence[int], span: tuple[datetime, datetime]) -> list[tuple[int, int]]:
    """(key, item id) of the stored bands with these keys within ``span``: a plain query, as
    the ORM's preparation of a few thousand parameters cost more than the query itself. On
    PostgreSQL the keys go as one array, in one query."""
    table, key, item, at = _band_columns()
    adapt = connection.ops.adapt_datetimefield_value
    within = (adapt(span[0]), adapt(span[1]))
    select = f"SELECT {key}, {item} FROM {table} WHERE {at} BETWEEN %s AND %s AND {key}"  # noqa: S608 (names from the model)
    queries: list[tuple[str, list[Any]]]
    if connection.vendor == "postgresql":
        queries = [(f"{select} = ANY(%s::bigint[])", [*within, list(keys)])] if keys else []
    else:
        queries = [
            (f"{select} IN ({', '.join(['%s'] * len(chunk))})", [*within, *chunk])
            for chunk in _chunks(keys)
        ]
    found: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            found += [(int(k), int(i)) for k, i in cursor.fetchall()]
    return found


def _insert_bands(items: Iterable[tuple[int, datetime, list[int]]]) -> None:
    """Insert the band rows of (item id, time, keys) in one statement: an item has 53 of them,
    and building a model instance for each cost more than the rest of the batch. SQLite takes
    them as one prepared statement run for each row; PostgreSQL as three arrays unnested in one
    ``INSERT … SELECT`` (a statement a row cost it a round of its protocol each, 18 µs)."""
    table, key, item, at = _band_columns()
    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for item_id, moment, keys in items:
        stored = adapt(moment)
        params += [(band, item_id, stored) for band in keys]
    if not params:
        return
    insert = f"INSERT INTO {table} ({key}, {item}, {at})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::timestamptz[])"
            columns = [list(column) for column in zip(*params, strict=True)]
            cursor.execute(f"{insert} {arrays}", columns)
        else:
            cursor.executemany(f"{insert} VALUES (%s, %s, %s)", params)


def _update_each(model: type[Model], name: str, values: list[tuple[int, int | None]]) -> None:
    """Set the foreign key ``name`` of each (pk, value) with one prepared statement: Django's
    ``bulk_update`` writes a CASE branch per row, which cost more than the rest of the write."""
    if not values:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    column = quote(str(meta.get_field(name).column))  # type: ignore[union-attr]
    sql = f"UPDATE {quote(meta.db_table)} SET {column} = %s WHERE {quote(str(meta.pk.column))} = %s"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(value, pk) for pk, value in values])


class _Batch:
    """The new items of one ingest call, placed in stories in memory, then written."""

    def __init__(
        self,
        source: Source,
        now: datetime,
        watches: list[tuple[WatchList, CompiledWatch]],
        report: IngestReport,
    ) -> None:
        self.source = source
        self.now = now
        self.watches = watches
        self.report = report
        self.items: list[_NewItem] = []
        self.stories: dict[int, _StoryState] = {}  # stored stories this batch touches
        self.new_stories: list[_StoryState] = []
        self.alerts: list[tuple[_StoryState, WatchList]] = []

    def place(self, fresh: list[tuple[str, _Prepared]]) -> None:
        """Put each item (oldest first) in its story: a copy's, or a new one."""
        lookup = _Lookup([ready for _, ready in fresh])
        for key, ready in fresh:
            found, exact = lookup.find(ready)
            if found is None:
                state = self._new_story(ready)
            elif found.new is not None:
                state = found.new.story
            else:
                assert found.story_id is not None
                state = self._stored_story(lookup.stories[found.story_id])
            new = _NewItem(
                key=key,
                ready=ready,
                order=_IN_BATCH + len(self.items),
                story=state,
                exact_of=found.ref if exact and found is not None else None,
                organisation_id=self.source.organisation_id,
                matched=[],
            )
            self.items.append(new)
            if state.first is None and state.is_new:
                state.first = new
            else:
                self._join(state, new)
                self.report.copies += 1
            lookup.add(new)
            self._match(new)

    def _new_story(self, ready: _Prepared) -> _StoryState:
        story = Story(title=ready.title, first_published_at=ready.at, last_published_at=ready.at)
        state = _StoryState(story=story, is_new=True, sources={self.source.pk})
        self.new_stories.append(state)
        self.report.new_stories += 1
        return state

    def _stored_story(self, story: Story) -> _StoryState:
        state = self.stories.get(story.pk)
        if state is None:
            state = self.stories[story.pk] = _StoryState(story=story, is_new=False, sources=set())
        return state

    def _join(self, state: _StoryState, new: _NewItem) -> None:
        """Count ``new`` in its story and credit the earliest publisher."""
        story = state.story
        story.item_count += 1
        state.sources.add(self.source.pk)
        state.changed |= {"item_count", "last_published_at", "source_count"}
        if new.ready.at < story.first_published_at:
            story.first_published_at = new.ready.at
            story.title = new.ready.title
            state.first = new
            state.changed |= {"first_published_at", "first_item", "title"}
        story.last_published_at = max(story.last_published_at, new.ready.at)

    def _match(self, new: _NewItem) -> None:
        """Watch-lists matching ``new``; the item (and its story, if not yet) is attributed to
        the organisation or official they name; an item from a provincial body's own site is
        that body's."""
        ready = new.ready
        matched = matching(self.watches, ItemText.of(ready.title, ready.lead, ready.body_text))
        if not matched:
            return
        new.matched = matched
        self.report.matches += len(matched)
        organisation_id = self.source.organisation_id
        official = ""
        for watch_list in matched:
            if organisation_id is None and watch_list.organisation_id is not None:
                organisation_id = watch_list.organisation_id
            official = official or watch_list.official
        if organisation_id is not None and new.organisation_id is None:
            new.organisation_id = organisation_id
        story = new.story.story
        if story.organisation_id is None and organisation_id is not None:
            story.organisation_id = organisation_id
            new.story.changed.add("organisation")
        if not story.official and official:
            story.official = official
            new.story.changed.add("official")
        self.alerts += [(new.story, w) for w in matched if w.raises_alert]

    def write(self) -> list[int]:
        """Insert the stories, triage rows, items, bands and matches; update the stored stories
        the batch joined; raise the alerts. Returns the new items' ids in arrival order."""
        Story.objects.bulk_create([s.story for s in self.new_stories])
        # The triage row of a new story is the machine's bookkeeping, not a judgement: analysts'
        # changes to it are audited (update_triage); its creation would flood the audit trail.
        Triage.objects.bulk_create([Triage(story=s.story) for s in self.new_stories])
        rows = [self._row(new) for new in self.items]
        MonitoredItem.objects.bulk_create(rows)
        copies_in_batch = []
        for new in self.items:
            if isinstance(new.exact_of, _NewItem):
                assert new.row is not None
                assert new.exact_of.row is not None
                new.row.exact_copy_of = new.exact_of.row
                copies_in_batch.append(new.row)
        _update_each(
            MonitoredItem, "exact_copy_of", [(r.pk, r.exact_copy_of_id) for r in copies_in_batch]
        )
        self._write_stories()
        _insert_bands(
            (new.row.pk, new.ready.at, new.ready.bands)
            for new in self.items
            if new.exact_of is None and new.row is not None
        )
        WatchMatch.objects.bulk_create(
            WatchMatch(watch_list=watch_list, item=new.row)
            for new in self.items
            for watch_list in new.matched
        )
        for state, watch_list in self.alerts:
            alerts.raise_alert(state.story, watch_list=watch_list)
        return [new.row.pk for new in self.items if new.row is not None]

    def _row(self, new: _NewItem) -> MonitoredItem:
        ready = new.ready
        new.row = MonitoredItem(
            source=self.source,
            story=new.story.story,
            url=ready.url,
            url_hash=new.key,
            guid=_storable(ready.parsed.guid)[:500],
            title=ready.title,
            lead=ready.lead,
            body_html=ready.body_html,
            body_text=ready.body_text,
            author=_storable(ready.parsed.author)[:200],
            image_url=_storable(ready.parsed.image_url or "")[:MAX_URL],
            published_at=ready.published,
            fetched_at=self.now,
            at=ready.at,
            content_hash=content_hash(ready.fp),
            exact_copy_of_id=new.exact_of if isinstance(new.exact_of, int) else None,
            fingerprint=ready.fp.to_bytes(),
            organisation_id=new.organisation_id,
        )
        return new.row

    def _write_stories(self) -> None:
        """Credit each new story's first item; save the counts and credits of stored ones."""
        for state in self.new_stories:
            assert state.first is not None
            state.story.first_item = state.first.row
        _update_each(
            Story, "first_item", [(s.story.pk, s.story.first_item_id) for s in self.new_stories]
        )
        joined = [s for s in self.stories.values() if s.changed]
        if not joined:
            return
        earlier = MonitoredItem.objects.filter(
            story_id__in=[s.story.pk for s in joined]
        ).values_list("story_id", "source_id")
        for story_id, source_id in earlier.distinct():
            self.stories[story_id].sources.add(source_id)
        for state in joined:
            state.story.source_count = len(state.sources)
            if state.first is not None:
                state.story.first_item = state.first.row
            state.story.save(update_fields=sorted(state.changed))


def _known(keys: Iterable[str]) -> set[str]:
    """Which of these URL hashes are stored."""
    known: set[str] = set()
    for chunk in _chunks(list(keys)):
        known.update(
            MonitoredItem.objects.filter(url_hash__in=chunk).values_list("url_hash", flat=True)
        )
    return known


def ingest_items(
    source: Source,
    items: Sequence[ParsedItem],
    *,
    now: datetime | None = None,
    watches: list[tuple[WatchList, CompiledWatch]] | None = None,
) -> IngestReport:
    """Store the items of ``source`` not stored before, in one transaction.

    A feed repeats the items of its last poll, and most polls bring nothing new: the stored
    ones are set aside by address before anything is sanitised or fingerprinted, and that work
    is done outside the transaction (SQLite's write lock is held from its first statement).
    """
    now = now or timezone.now()
    report = IngestReport(seen=len(items))
    addressed: dict[str, tuple[str, ParsedItem]] = {}
    for parsed in items:
        url = _address(source, parsed)
        if url is not None:
            addressed.setdefault(url_hash(url), (url, parsed))
    stored = _known(addressed)
    prepared = {
        key: _prepare(url, parsed, now)
        for key, (url, parsed) in addressed.items()
        if key not in stored
    }
    if not prepared:
        return report
    watches = active_watches() if watches is None else watches
    with transaction.atomic():
        # Again inside the transaction: another worker may have stored some meanwhile.
        known = _known(prepared)
        # Oldest first, so within a batch the first publisher is placed first.
        fresh = sorted(
            ((key, ready) for key, ready in prepared.items() if key not in known),
            key=lambda pair: pair[1].at,
        )
        if not fresh:
            return report
        batch = _Batch(source, now, watches, report)
        batch.place(fresh)
        created = batch.write()
        report.new = len(created)
        index_later_many(SEARCH_LABEL, created)
    return report


def prune_bands(*, now: datetime | None = None) -> int:
    """Delete the band rows of the items collected more than ``MONITORING_STORY_BAND_DAYS``
    ago; returns how many rows went. Each statement deletes a range of item ids and commits on
    its own, so a nightly run holds the write lock only briefly and a crash loses nothing.

    An item's time (``at``) is never later than its collection, so every item collected before
    the cutoff is older than it too: the range ends at the last item collected before the
    cutoff, found on the collection-time index.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.MONITORING_STORY_BAND_DAYS)
    last = (
        MonitoredItem.objects.filter(fetched_at__lt=cutoff)
        .order_by("-fetched_at")
        .values_list("pk", flat=True)
        .first()
    )
    first = ItemBand.objects.order_by("item_id").values_list("item_id", flat=True).first()
    if last is None or first is None:
        return 0
    removed = 0
    for start in range(first, last + 1, PRUNE_ITEMS):
        end = min(start + PRUNE_ITEMS - 1, last)
        # No signal or relation hangs on a band row: Django deletes them in one statement.
        removed += ItemBand.objects.filter(item_id__gte=start, item_id__lte=end).delete()[0]
    return removed
