"""Tokens for the search index and for queries: the words of ``search_key``.

ZWNJ joins: «اطلاع‌رسانی» is one token «اطلاعرسانی», as its fused spelling is. The inflection
affixes (می، نمی، بی / ها، های، هایی، تر، ترین) are glued whether typed with a ZWNJ, a space or
nothing, so «می‌روم», «می روم» and «میروم» all give «میروم». Numbers stay whole: «۳٫۵» → «3.5».
"""

from __future__ import annotations

from ravabet.lib.text.normalise import search_key
from ravabet.lib.text.stopwords import STOPWORDS


def tokens(text: str, *, drop_stopwords: bool = False) -> list[str]:
    """The search tokens of ``text`` in order; the same call serves indexing and queries."""
    words = search_key(text).split(" ")
    if drop_stopwords:
        return [word for word in words if word and word not in STOPWORDS]
    return [word for word in words if word]
