"""Fingerprints of news items: an exact-duplicate hash, MinHash sketches and LSH band keys.

The body (boilerplate stripped) becomes word 3-shingles over its search-key tokens. Each shingle
hash is simple tabulation hashing (one random 64-bit word per token and position, XORed), which
is 3-independent and costs one dictionary lookup per token. The sketch is a one-permutation
MinHash: the top bits of a hash pick one of 128 bins, each bin keeps its minimum, and empty bins
borrow from a fixed probe sequence of other bins (densification), so that a single pass replaces
128 hash functions. A second, 64-bin sketch of the first 32 words (the lead) finds a truncated
copy — a feed's summary of a longer article — whose Jaccard similarity is low but whose opening
is the same. Numbers are kept apart with the words around them.

LSH: 32 bands of 4 rows on the body sketch (a pair at Jaccard 0.4 becomes a candidate with
probability 0.56, at 0.5 with 0.87, at 0.6 with 0.99) and 21 bands of 3 rows on the lead sketch
(0.94 at 0.5). Candidates are then verified (``compare``): estimated Jaccard, or for a much
shorter item its estimated containment or its opening; numbers framed alike must agree.
"""

from __future__ import annotations

import enum
import hashlib
import struct
from dataclasses import dataclass
from itertools import compress, count

from ravabet.lib.stories.boilerplate import split_boilerplate
from ravabet.lib.text import tokens

VERSION = 1
SHINGLE = 3
BINS = 128
BANDS, ROWS = 32, 4
LEAD_WORDS = 32
LEAD_BINS = 64
LEAD_BANDS, LEAD_ROWS = 21, 3
MAX_WORDS = 2000  # longer bodies are sketched on their first words: enough to tell copies apart
TITLE_WORDS = 32
NUMBERS = 64  # numbers kept with their context, in order of appearance

JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.8
# The shorter item must be at most this share of the longer one for containment to count;
# for equal sizes containment adds nothing to Jaccard.
CONTAINMENT_ASYMMETRY = 0.7
CONTAINMENT_MIN_SHINGLES = 12  # fewer shingles (a bare title) are too few to vouch for a match
# A short item with the same opening words under a similar title is a truncated copy.
OPENING_MIN = 0.8
TITLE_MIN = 0.3
# Copies and edits keep their numbers; two earthquakes, or one price table on two days, share the
# sentences but not the numbers. Each number is kept with its context (the words either side):
# where both texts frame a number the same way, the numbers should be equal. Below this share of
# agreeing contexts, only a near-identical text (a correction) still joins.
NUMBERS_MIN = 0.75
JACCARD_DESPITE_NUMBERS = 0.85

_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1
_MIX = 0x9E3779B97F4A7C15  # odd: multiplying by it permutes 64-bit words
_EMPTY = 1 << 64
_LEAD_SHINGLES = LEAD_WORDS - SHINGLE + 1
_HEADER = struct.Struct("<BQIHBB")
_CACHE_LIMIT = 500_000


class FingerprintErrorReason(enum.StrEnum):
    """Why stored bytes could not be read back as a fingerprint."""

    MALFORMED = "malformed"
    UNKNOWN_VERSION = "unknown_version"


class FingerprintError(ValueError):
    """Stored bytes are not a fingerprint this code can read."""

    def __init__(self, reason: FingerprintErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What story clustering needs to know of an item; ``to_bytes`` stores it in ~700 bytes."""

    exact: int  # 64-bit hash of the search key of the title and the whole text
    size: int  # distinct shingles of the body
    signature: bytes  # BINS little-endian uint32 minima
    lead_size: int  # distinct shingles of the lead
    lead_signature: bytes  # LEAD_BINS little-endian uint32 minima
    title: bytes  # sorted distinct uint32 hashes of the title's words
    numbers: bytes  # sorted distinct (context, number) uint32 hash pairs of the body

    def to_bytes(self) -> bytes:
        """The compact form for the database."""
        header = _HEADER.pack(
            VERSION,
            self.exact,
            self.size,
            self.lead_size,
            len(self.title) // 4,
            len(self.numbers) // 8,
        )
        return header + self.signature + self.lead_signature + self.title + self.numbers

    @classmethod
    def from_bytes(cls, data: bytes) -> Fingerprint:
        """Read back ``to_bytes``; raises ``FingerprintError`` on anything else."""
        if len(data) < _HEADER.size:
            raise FingerprintError(FingerprintErrorReason.MALFORMED)
        version, exact, size, lead_size, titles, numbers = _HEADER.unpack_from(data)
        if version != VERSION:
            raise FingerprintError(FingerprintErrorReason.UNKNOWN_VERSION)
        start = _HEADER.size
        lead_start = start + BINS * 4
        title_start = lead_start + LEAD_BINS * 4
        numbers_start = title_start + titles * 4
        if len(data) != numbers_start + numbers * 8:
            raise FingerprintError(FingerprintErrorReason.MALFORMED)
        return cls(
            exact=exact,
            size=size,
            signature=bytes(data[start:lead_start]),
            lead_size=lead_size,
            lead_signature=bytes(data[lead_start:title_start]),
            title=bytes(data[title_start:numbers_start]),
            numbers=bytes(data[numbers_start:]),
        )


class _TokenHashes:
    """Three independent random 64-bit words per token, one per shingle position, cached."""

    __slots__ = ("first", "second", "third")

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.second: dict[str, int] = {}
        self.third: dict[str, int] = {}

    def fill(self, words: list[str]) -> None:
        """Hash the words not seen yet (the cache is bounded: it restarts past a limit)."""
        if len(self.first) > _CACHE_LIMIT:
            self.first.clear()
            self.second.clear()
            self.third.clear()
        first = self.first
        for word in set(words).difference(first):
            digest = hashlib.blake2b(
                word.encode(), digest_size=24, person=b"ravabet-shingle"
            ).digest()
            first[word] = int.from_bytes(digest[:8], "little")
            self.second[word] = int.from_bytes(digest[8:16], "little")
            self.third[word] = int.from_bytes(digest[16:], "little")


_HASHES = _TokenHashes()


def _shingle_hashes(words: list[str]) -> list[int]:
    """One 64-bit hash per word 3-shingle (a single shingle of all words when fewer)."""
    if not words:
        return []
    _HASHES.fill(words)
    first = list(map(_HASHES.first.__getitem__, words))
    if len(words) >= SHINGLE:
        second = list(map(_HASHES.second.__getitem__, words[1:]))
        third = list(map(_HASHES.third.__getitem__, words[2:]))
        return [a ^ b ^ c for a, b, c in zip(first, second, third)]  # noqa: B905 (shorter tails)
    tables = (_HASHES.first, _HASHES.second, _HASHES.third)
    value = 0
    for table, word in zip(tables, words):  # noqa: B905 (fewer words than tables)
        value ^= table[word]
    return [value]


def _probe_steps(bins: int) -> list[int]:
    """An odd step per bin: walking by it from the bin visits every other bin once."""
    steps = []
    for i in range(bins):
        digest = hashlib.blake2b(bytes([i, bins & 0xFF]), digest_size=2).digest()
        steps.append(2 * (int.from_bytes(digest, "little") % (bins // 2)) + 1)
    return steps


_STEPS = {BINS: _probe_steps(BINS), LEAD_BINS: _probe_steps(LEAD_BINS)}


def _sketch(hashes: list[int], bins: int) -> bytes:
    """One-permutation MinHash with densification, as ``bins`` little-endian uint32."""
    bits = bins.bit_length() - 1
    shift = 64 - bits
    minima = [_EMPTY] * bins
    for value in hashes:
        index = value >> shift
        if value < minima[index]:  # noqa: PLR1730 (twice as fast as min() in this loop)
            minima[index] = value
    if not hashes:
        return b"\xff" * (4 * bins)
    low = shift - 32
    if _EMPTY not in minima:
        return struct.pack(f"<{bins}I", *[(value >> low) & _MASK32 for value in minima])
    steps = _STEPS[bins]
    out = [0] * bins
    for index in range(bins):
        source = index
        while minima[source] == _EMPTY:
            source = (source + steps[index]) % bins
        # The 32 bits below the bin number order the values within a bin.
        out[index] = (minima[source] >> low) & _MASK32
        if source != index:
            out[index] ^= source  # a borrowed value stays distinguishable from an own one
    return struct.pack(f"<{bins}I", *out)


def _exact_hash(title_words: list[str], text_words: list[str]) -> int:
    data = " ".join(title_words) + "\x1f" + " ".join(text_words)
    digest = hashlib.blake2b(data.encode(), digest_size=8, person=b"ravabet-exact").digest()
    return int.from_bytes(digest, "little")


def _word_hashes(words: list[str]) -> bytes:
    """Sorted distinct uint32 hashes of ``words``."""
    _HASHES.fill(words)
    values = sorted({_HASHES.first[word] >> 32 for word in words})
    return struct.pack(f"<{len(values)}I", *values)


def _numbers(words: list[str]) -> bytes:
    """(context, number) hash pairs; the context is the word either side, a number being «#».

    Search keys write every number in ASCII digits, so each digit variant is one number.
    """
    # A search-key word starts with an ASCII digit or a letter, and only digits sort before ":".
    found = list(compress(count(), map(":".__gt__, words)))[: NUMBERS * 2]
    if not found:
        return b""
    last = len(words) - 1

    def context(i: int) -> tuple[str, str]:
        before = words[i - 1] if i else "^"
        after = words[i + 1] if i < last else "$"
        return ("#" if before < ":" else before, "#" if after < ":" else after)

    contexts = [context(i) for i in found]
    _HASHES.fill([word for pair in contexts for word in pair] + [words[i] for i in found])
    first, second = _HASHES.first, _HASHES.second
    in_order = dict.fromkeys(
        ((first[before] ^ second[after]) >> 32, first[words[i]] >> 32)
        for i, (before, after) in zip(found, contexts, strict=True)
    )
    pairs = sorted(list(in_order)[:NUMBERS])
    return struct.pack(f"<{2 * len(pairs)}I", *(value for pair in pairs for value in pair))


def _between(words: list[str], head: list[str], tail: list[str]) -> list[str] | None:
    """The words of a text between those of its head and tail, when the text's words open with
    the head's and close with the tail's (None otherwise): the whole text is folded once, as
    the item's watch-lists and index document fold it too (and find it remembered), and only
    the short edges on their own."""
    end = len(words) - len(tail)
    if end < len(head) or words[: len(head)] != head or words[end:] != tail:
        return None
    return words[len(head) : end]


def fingerprint(title: str, text: str) -> Fingerprint:
    """The fingerprint of a news item from its title and text (boilerplate is stripped here)."""
    title_parts = split_boilerplate(title)
    title_words = tokens(title_parts.body)
    all_title_words = tokens(title) if title_parts.head or title_parts.tail else title_words
    parts = split_boilerplate(text)
    head_words = tokens(parts.head) if parts.head else []
    tail_words = tokens(parts.tail) if parts.tail else []
    every_word = tokens(text)
    body_words = _between(every_word, head_words, tail_words)
    if body_words is None:
        body_words = tokens(parts.body)
        every_word = head_words + body_words + tail_words
    exact = _exact_hash(all_title_words, every_word)
    words = (body_words or title_words)[:MAX_WORDS]
    hashes = _shingle_hashes(words)
    lead = hashes[:_LEAD_SHINGLES]
    return Fingerprint(
        exact=exact,
        size=len(set(hashes)),
        signature=_sketch(hashes, BINS),
        lead_size=len(set(lead)),
        lead_signature=_sketch(lead, LEAD_BINS),
        title=_word_hashes(title_words[:TITLE_WORDS]),
        numbers=_numbers(words),
    )


def band_ints(fp: Fingerprint) -> list[int]:
    """The LSH band keys as 64-bit integers (an empty body has none)."""
    if not fp.size:
        return []
    keys: list[int] = []
    for tag, signature, bands, rows in (
        (0, fp.signature, BANDS, ROWS),
        (1 << 8, fp.lead_signature, LEAD_BANDS, LEAD_ROWS),
    ):
        width = rows * 4
        for band in range(bands):
            # The band's values are already random: two multiply-xor rounds fold its 96 or 128
            # bits into 64, at a fraction of the cost of a digest per band.
            chunk = int.from_bytes(signature[band * width : (band + 1) * width], "little")
            key = (((chunk & _MASK64) * _MIX) & _MASK64) ^ (chunk >> 64) ^ (tag | band)
            key = (key * _MIX) & _MASK64
            keys.append(key ^ (key >> 31))
    return keys


def band_keys(fp: Fingerprint) -> list[str]:
    """The LSH band keys as 16 hex digits, for an indexed database column.

    Two items are candidates for the same story when they share at least one key.
    """
    return [f"{key:016x}" for key in band_ints(fp)]


# --- verification ----------------------------------------------------------------------------


def _lane_masks(lanes: int) -> tuple[int, int]:
    low = int.from_bytes(b"\xff\xff\xff\x7f" * lanes, "little")
    high = int.from_bytes(b"\x00\x00\x00\x80" * lanes, "little")
    return low, high


_FULL_MASKS = _lane_masks(BINS)
_LEAD_MASKS = _lane_masks(LEAD_BINS)


def _equal_share(a: int, b: int, masks: tuple[int, int], lanes: int) -> float:
    """Share of equal uint32 lanes of two packed sketches, without a Python loop.

    A lane of ``a ^ b`` is non-zero iff adding 0x7FFFFFFF to its low 31 bits, or its own top
    bit, sets bit 31; no carry leaves a lane.
    """
    low, high = masks
    diff = a ^ b
    different = (((diff & low) + low) | diff) & high
    return (lanes - different.bit_count()) / lanes


def _title_mask(data: bytes) -> int:
    """The title's words as bits of a 1024-bit mask: a set in one small integer.

    Two ten-word titles share a bit by chance in about one comparison in ten, which moves
    their similarity by one word; a frozenset would cost five times the memory.
    """
    mask = 0
    for value in struct.unpack(f"<{len(data) // 4}I", data):
        mask |= 1 << (value & 1023)
    return mask


_NOTHING: frozenset[int] = frozenset()


def _framed(data: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """The contexts, and the (context, number) pairs as one integer each."""
    if not data:
        return _NOTHING, _NOTHING
    values = struct.unpack(f"<{len(data) // 4}I", data)
    contexts = values[::2]
    return frozenset(contexts), frozenset(
        (context << 32) | number for context, number in zip(contexts, values[1::2], strict=True)
    )


def _numbers_agree(a: Sketch, b: Sketch) -> float:
    """Share of the contexts both texts give a number in where they give the same one."""
    shared = a.contexts & b.contexts
    if not shared:
        return 1.0
    agreeing = {pair >> 32 for pair in a.numbers & b.numbers}
    return len(agreeing) / len(shared)


def _mask_jaccard(a: int, b: int) -> float:
    union = (a | b).bit_count()
    return (a & b).bit_count() / union if union else 0.0


@dataclass(frozen=True, slots=True)
class Sketch:
    """A fingerprint unpacked for fast comparison (what an index keeps in memory)."""

    size: int
    lead_size: int
    signature: int
    lead_signature: int
    title: int  # see _title_mask
    contexts: frozenset[int]  # the contexts numbers appear in
    numbers: frozenset[int]  # (context << 32) | number

    @classmethod
    def of(cls, fp: Fingerprint) -> Sketch:
        """Unpack ``fp``."""
        contexts, numbers = _framed(fp.numbers)
        return cls(
            size=fp.size,
            lead_size=fp.lead_size,
            signature=int.from_bytes(fp.signature, "little"),
            lead_signature=int.from_bytes(fp.lead_signature, "little"),
            title=_title_mask(fp.title),
            contexts=contexts,
            numbers=numbers,
        )


@dataclass(frozen=True, slots=True)
class Similarity:
    """How alike two items are, and whether that makes them one story."""

    jaccard: float  # estimated Jaccard similarity of the bodies' shingles
    containment: float  # estimated share of the shorter body's shingles in the longer one
    opening: float  # estimated Jaccard similarity of the leads (the first words)
    title: float  # Jaccard similarity of the titles' words
    numbers: float  # share of shared number contexts with equal numbers (1 when none shared)
    same_story: bool
    # Alike texts whose numbers disagree: two events told in the same words. An index keeps
    # the new item out of the other's story, whatever else in that story it matches.
    conflict: bool

    @property
    def score(self) -> float:
        """The deciding measure: Jaccard, or containment for a short item in a longer one."""
        return max(self.jaccard, self.containment)


def _containment(jaccard: float, small: int, large: int) -> float:
    """|A ∩ B| / |A| from the Jaccard similarity and the sizes (|A| = small)."""
    if not small:
        return 0.0
    common = jaccard * (small + large) / (1 + jaccard)
    return min(1.0, common / small)


def compare_sketches(a: Sketch, b: Sketch) -> Similarity:
    """Verify a candidate pair: the texts must be alike and their numbers must agree.

    Alike: an estimated Jaccard similarity of at least ``JACCARD_MIN``; or, for an item under
    ``CONTAINMENT_ASYMMETRY`` of the other's size, most of its shingles in the other
    (``CONTAINMENT_MIN``) or the same opening under a similar title — a truncated lead, whose
    few shared bins make a 128-bin containment estimate too noisy to rely on alone.
    """
    title = _mask_jaccard(a.title, b.title)
    numbers = _numbers_agree(a, b)
    if not a.size or not b.size:
        return Similarity(0.0, 0.0, 0.0, title, numbers, same_story=False, conflict=False)
    jaccard = _equal_share(a.signature, b.signature, _FULL_MASKS, BINS)
    opening = _equal_share(a.lead_signature, b.lead_signature, _LEAD_MASKS, LEAD_BINS)
    small, large = (a, b) if a.size <= b.size else (b, a)
    containment = 0.0
    truncated = False
    if small.size <= CONTAINMENT_ASYMMETRY * large.size:
        if small.size <= _LEAD_SHINGLES:
            # The short item is all lead: its lead sketch is its whole text.
            containment = _containment(opening, small.lead_size, large.lead_size)
        else:
            containment = _containment(jaccard, small.size, large.size)
        truncated = small.size >= CONTAINMENT_MIN_SHINGLES and (
            containment >= CONTAINMENT_MIN or (opening >= OPENING_MIN and title >= TITLE_MIN)
        )
    alike = jaccard >= JACCARD_MIN or truncated
    # A near-identical text with other numbers is a correction; less alike, another event.
    same = alike if numbers >= NUMBERS_MIN else jaccard >= JACCARD_DESPITE_NUMBERS
    return Similarity(
        jaccard,
        containment,
        opening,
        title,
        numbers,
        same_story=same,
        conflict=alike and not same,
    )


def compare(a: Fingerprint, b: Fingerprint) -> Similarity:
    """Verify a candidate pair of fingerprints (see ``compare_sketches``)."""
    return compare_sketches(Sketch.of(a), Sketch.of(b))


__all__ = [
    "Fingerprint",
    "FingerprintError",
    "FingerprintErrorReason",
    "Similarity",
    "Sketch",
    "band_ints",
    "band_keys",
    "compare",
    "compare_sketches",
    "fingerprint",
]
