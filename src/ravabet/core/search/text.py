"""The one door from the search index to the Persian normaliser (:mod:`ravabet.lib.text`):
index and query text both pass through :func:`search_tokens`, so tantivy, the reference backend,
the query parser and the highlighter always see the same terms."""

from __future__ import annotations

from ravabet.lib.text import search_key as _search_key
from ravabet.lib.text import tokens as _tokens

# Joins the texts of several fields in one index field, so no phrase runs across two fields; no
# term can equal it.
FIELD_SEPARATOR = "|"
# Longer "words" are noise (pasted links, base64) and would only bloat the term dictionary.
MAX_TERM_LENGTH = 64


def search_key(text: str) -> str:
    """``text`` folded the way the index compares it."""
    return _search_key(text)


def search_tokens(text: str) -> list[str]:
    """The index terms of ``text``: normalised words, none containing a space or equal to the
    field separator. Stopwords are kept, so phrases match exactly."""
    return [t for t in _tokens(text) if _is_term(t)]


def _is_term(token: str) -> bool:
    return (
        bool(token)
        and len(token) <= MAX_TERM_LENGTH
        and not any(c.isspace() for c in token)
        and token != FIELD_SEPARATOR
    )
