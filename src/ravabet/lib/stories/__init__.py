"""Stories: syndicated copies and light edits of one news item, clustered as they arrive.

``strip_boilerplate`` removes datelines and attribution formulas; ``fingerprint`` turns a title
and text into an exact-duplicate hash, MinHash sketches and LSH band keys (``band_keys``) with a
compact stored form; ``StoryIndex.add`` assigns each new item to a story, crediting the
earliest-published copy. ``compare`` is the verification step, for an app that looks candidates
up through the band keys in its database instead.
"""

from __future__ import annotations

from ravabet.lib.stories.boilerplate import Split, split_boilerplate, strip_boilerplate
from ravabet.lib.stories.fingerprint import (
    Fingerprint,
    FingerprintError,
    FingerprintErrorReason,
    Similarity,
    band_ints,
    band_keys,
    compare,
    fingerprint,
)
from ravabet.lib.stories.index import (
    DEFAULT_WINDOW,
    Assignment,
    Story,
    StoryIndex,
    StoryIndexError,
    StoryIndexErrorReason,
)

__all__ = [
    "DEFAULT_WINDOW",
    "Assignment",
    "Fingerprint",
    "FingerprintError",
    "FingerprintErrorReason",
    "Similarity",
    "Split",
    "Story",
    "StoryIndex",
    "StoryIndexError",
    "StoryIndexErrorReason",
    "band_ints",
    "band_keys",
    "compare",
    "fingerprint",
    "split_boilerplate",
    "strip_boilerplate",
]
