"""Persian text: a display normaliser, a search-key normaliser, tokens, stopwords and slugs.

``display_text`` tidies what people see; ``search_key`` and ``tokens`` fold every typing variant
(Arabic or Persian letters, ZWNJ, digits, diacritics, kashida) to one key, the same at index and
query time. See ``normalise.py`` for the decisions.
"""

from __future__ import annotations

from ravabet.lib.text.normalise import display_text, search_key, word_keys
from ravabet.lib.text.slug import persian_slug
from ravabet.lib.text.stopwords import STOPWORDS, is_stopword
from ravabet.lib.text.tokenise import fused_pairs, tokens

__all__ = [
    "STOPWORDS",
    "display_text",
    "fused_pairs",
    "is_stopword",
    "persian_slug",
    "search_key",
    "tokens",
    "word_keys",
]
