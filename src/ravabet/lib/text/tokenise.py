"""Tokens for the search index and for queries: the words of ``search_key``.

ZWNJ joins: «اطلاع‌رسانی» is one token «اطلاعرسانی», as its fused spelling is. The inflection
affixes (می، نمی، بی / ها، های، هایی، تر، ترین) are glued whether typed with a ZWNJ, a space or
nothing, so «می‌روم», «می روم» and «میروم» all give «میروم». Numbers stay whole: «۳٫۵» → «3.5».

A compound typed with a space («اطلاع رسانی») is two tokens. To match it with the joined
spelling too, an index may add ``fused_pairs(tokens)`` to a document's tokens and a query may
accept, for two adjacent words, either both words or their fused pair.
"""

from __future__ import annotations

from itertools import pairwise

from ravabet.lib.text.normalise import search_key
from ravabet.lib.text.stopwords import STOPWORDS


def tokens(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """The search tokens of ``text`` in order; the same call serves indexing and queries."""
    key = search_key(text)
    # The key's words are never empty: only an empty key splits into [""].
    words = key.split(" ") if key else []
    if drop_stopwords:
        return [word for word in words if word not in STOPWORDS]
    return words


def fused_pairs(words: list[str]) -> list[str]:
    """Adjacent words joined, as a compound typed with a space would be typed without one.

    Only pairs of letters-only words, not both stopwords («بین الملل» fuses, «در این» does not),
    so a document gains at most one extra token per word:
    «اطلاع رسانی استان» → «اطلاعرسانی», «رسانیاستان».
    """
    return [
        first + second
        for first, second in pairwise(words)
        if first.isalpha() and second.isalpha() and not (first in STOPWORDS and second in STOPWORDS)
    ]
