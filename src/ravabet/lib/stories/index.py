"""Streaming story assignment: each new item joins the best matching story or starts one.

The index is in memory and rebuildable: the app stores each item's fingerprint bytes and story,
and ``restore`` puts them back after a restart. An item is compared only with items published
within ``window`` of it (default 3 days: syndicated copies appear within hours or days, while a
similar text weeks later is a new event). Stories never merge: an item that matches two stories
joins the better one, so one bridging item cannot chain unrelated stories together.

Every decision is deterministic: candidates are visited in arrival order and ties go to the
higher title similarity, then the earlier arrival.
"""

from __future__ import annotations

import enum
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta

from ravabet.lib.stories.fingerprint import Fingerprint, Sketch, band_ints, compare_sketches

DEFAULT_WINDOW = timedelta(days=3)


class StoryIndexErrorReason(enum.StrEnum):
    """Why the index refused an item."""

    DUPLICATE_ITEM = "duplicate_item"
    NAIVE_DATETIME = "naive_datetime"


class StoryIndexError(ValueError):
    """The index refused an item."""

    def __init__(self, reason: StoryIndexErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where ``add`` put an item."""

    story_id: int  # the id of the item that started the story
    is_exact_duplicate: bool  # same search key as ``matched_item_id``: the same text again
    matched_item_id: int | None  # the item it matched best; None when it starts a story
    similarity: float  # the deciding similarity with that item (0 for a new story)
    first_item_id: int  # the story's earliest-published item, after this one joined

    @property
    def is_new_story(self) -> bool:
        """Whether the item started a story of its own."""
        return self.matched_item_id is None


@dataclass(frozen=True, slots=True)
class Story:
    """A story as the index knows it."""

    story_id: int
    first_item_id: int  # credited as the source: the earliest published item
    first_published: datetime
    items: int  # items of the story still in the index


@dataclass(slots=True)
class _Entry:
    seq: int
    item_id: int
    published: float
    story_id: int
    exact: int
    sketch: Sketch
    keys: array[int]  # packed: a list of 53 integers would cost five times the memory


@dataclass(slots=True)
class _Story:
    first_item_id: int
    first_published: datetime
    items: int


def _timestamp(moment: datetime) -> float:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StoryIndexError(StoryIndexErrorReason.NAIVE_DATETIME)
    return moment.timestamp()


class StoryIndex:
    """In-memory story clustering over a stream of fingerprinted items."""

    def __init__(self, *, window: timedelta = DEFAULT_WINDOW) -> None:
        self.window = window
        self._window = window.total_seconds()
        self._seq = 0
        self._entries: dict[int, _Entry] = {}  # by arrival number
        self._by_item: dict[int, int] = {}  # item id -> arrival number
        self._buckets: dict[int, list[int]] = {}  # band key -> arrival numbers
        self._exact: dict[int, list[int]] = {}  # exact hash -> arrival numbers
        self._stories: dict[int, _Story] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_item

    def add(self, item_id: int, fp: Fingerprint, published: datetime) -> Assignment:
        """Assign a new item to the best matching story within the window, or start one.

        A new story takes the item's id, so an id already used by an item or a story is refused.
        """
        if item_id in self._by_item or item_id in self._stories:
            raise StoryIndexError(StoryIndexErrorReason.DUPLICATE_ITEM)
        moment = _timestamp(published)
        keys = band_ints(fp)
        sketch = Sketch.of(fp)
        duplicate = self._exact_match(fp.exact, moment)
        if duplicate is not None:
            entry = self._insert(
                item_id,
                exact=fp.exact,
                sketch=sketch,
                keys=keys,
                moment=moment,
                story=duplicate.story_id,
            )
            story = self._credit(duplicate.story_id, entry, published)
            return Assignment(duplicate.story_id, True, duplicate.item_id, 1.0, story)
        best: tuple[float, float, int] | None = None
        best_entry: _Entry | None = None
        votes: dict[int, int] = {}  # story -> members matched minus members in conflict
        matches: list[tuple[tuple[float, float, int], _Entry]] = []
        for seq in self._candidates(keys):
            other = self._entries[seq]
            if abs(other.published - moment) > self._window:
                continue
            similarity = compare_sketches(sketch, other.sketch)
            if similarity.conflict:
                votes[other.story_id] = votes.get(other.story_id, 0) - 1
            elif similarity.same_story:
                votes[other.story_id] = votes.get(other.story_id, 0) + 1
                matches.append(((similarity.score, similarity.title, -seq), other))
        for rank, other in matches:
            # A story whose members disagree on the numbers as often as they match is another
            # event told in the same words (the item matched only its number-free lead, say).
            if votes[other.story_id] > 0 and (best is None or rank > best):
                best, best_entry = rank, other
        if best is None or best_entry is None:
            entry = self._insert(
                item_id, exact=fp.exact, sketch=sketch, keys=keys, moment=moment, story=item_id
            )
            self._stories[item_id] = _Story(item_id, published, 1)
            return Assignment(item_id, False, None, 0.0, item_id)
        story_id = best_entry.story_id
        entry = self._insert(
            item_id, exact=fp.exact, sketch=sketch, keys=keys, moment=moment, story=story_id
        )
        first = self._credit(story_id, entry, published)
        return Assignment(story_id, False, best_entry.item_id, best[0], first)

    def restore(self, item_id: int, fp: Fingerprint, published: datetime, story_id: int) -> None:
        """Put back an item the app stored, in the story it was assigned to, without matching.

        ``story_id`` is the id ``add`` returned: the id of the item that started the story.
        """
        if item_id in self._by_item:
            raise StoryIndexError(StoryIndexErrorReason.DUPLICATE_ITEM)
        moment = _timestamp(published)
        entry = self._insert(
            item_id,
            exact=fp.exact,
            sketch=Sketch.of(fp),
            keys=band_ints(fp),
            moment=moment,
            story=story_id,
        )
        if story_id in self._stories:
            self._credit(story_id, entry, published)
        else:
            self._stories[story_id] = _Story(item_id, published, 1)

    def story(self, story_id: int) -> Story | None:
        """The story, or None if the index does not hold it."""
        found = self._stories.get(story_id)
        if found is None:
            return None
        return Story(story_id, found.first_item_id, found.first_published, found.items)

    def story_of(self, item_id: int) -> int | None:
        """The story id of an item in the index."""
        seq = self._by_item.get(item_id)
        return None if seq is None else self._entries[seq].story_id

    def prune(self, before: datetime) -> int:
        """Forget the items published before ``before`` (they can no longer be matched).

        A long-running index calls this with ``now - 2 * window`` now and then to stay small;
        stories with no item left are forgotten too. Returns the number of items removed.
        """
        limit = _timestamp(before)
        old = [entry for entry in self._entries.values() if entry.published < limit]
        for entry in old:
            del self._entries[entry.seq]
            del self._by_item[entry.item_id]
            for key in entry.keys:
                self._discard(self._buckets, key, entry.seq)
            self._discard(self._exact, entry.exact, entry.seq)
            story = self._stories[entry.story_id]
            story.items -= 1
            if not story.items:
                del self._stories[entry.story_id]
        return len(old)

    # --- internals ---------------------------------------------------------------------------

    @staticmethod
    def _discard(table: dict[int, list[int]], key: int, seq: int) -> None:
        bucket = table.get(key)
        if bucket is None:
            return
        if seq in bucket:
            bucket.remove(seq)
        if not bucket:
            del table[key]

    def _exact_match(self, exact: int, moment: float) -> _Entry | None:
        for seq in self._exact.get(exact, ()):
            entry = self._entries[seq]
            if abs(entry.published - moment) <= self._window:
                return entry
        return None

    def _candidates(self, keys: list[int]) -> list[int]:
        found: set[int] = set()
        buckets = self._buckets
        for key in keys:
            bucket = buckets.get(key)
            if bucket:
                found.update(bucket)
        return sorted(found)

    def _insert(
        self,
        item_id: int,
        *,
        exact: int,
        sketch: Sketch,
        keys: list[int],
        moment: float,
        story: int,
    ) -> _Entry:
        seq = self._seq
        self._seq += 1
        entry = _Entry(seq, item_id, moment, story, exact, sketch, array("Q", keys))
        self._entries[seq] = entry
        self._by_item[item_id] = seq
        buckets = self._buckets
        for key in keys:
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [seq]
            else:
                bucket.append(seq)
        self._exact.setdefault(exact, []).append(seq)
        return entry

    def _credit(self, story_id: int, entry: _Entry, published: datetime) -> int:
        """Count the entry in its story; an earlier-published copy takes the credit."""
        story = self._stories[story_id]
        story.items += 1
        if published < story.first_published:
            story.first_item_id = entry.item_id
            story.first_published = published
        return story.first_item_id
