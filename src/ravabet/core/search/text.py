"""The one door from the search index to the Persian normaliser (:mod:`ravabet.lib.text`):
index and query text both pass through :func:`search_tokens`, so tantivy, the reference backend,
the query parser and the highlighter always see the same terms."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Iterator

from ravabet.lib.text import STOPWORDS, word_keys
from ravabet.lib.text import search_key as _search_key

# Joins the texts of several fields in one index field, so no phrase runs across two fields; no
# term can equal it.
FIELD_SEPARATOR = "|"
# Longer "words" are noise (pasted links, base64) and would only bloat the term dictionary.
MAX_TERM_LENGTH = 64


def search_key(text: str) -> str:
    """``text`` folded the way the index compares it."""
    return _search_key(text)


def search_tokens(text: str) -> list[str]:
    """The index terms of ``text``: normalised words, none containing a space or the field
    separator. Stopwords are kept, so phrases match exactly."""
    return _terms(_search_key(text))


def word_tokens(words: list[str]) -> list[list[str]]:
    """``search_tokens`` of each of ``words`` (each without whitespace), folded together."""
    keys = word_keys(words)
    joined = "".join(keys)
    # Each key one term, or none when empty: checked for all of them at once.
    if (
        FIELD_SEPARATOR not in joined
        and " " not in joined
        and joined.isprintable()
        and max(map(len, keys), default=0) <= MAX_TERM_LENGTH
    ):
        return [[key] if key else [] for key in keys]
    return [_terms(key) for key in keys]


def _terms(key: str) -> list[str]:
    found = key.split(" ") if key else []  # what lib.text.tokens(text) returns
    # Checked on the whole key at C speed instead of token by token: a printable key has no
    # whitespace but the single spaces between its words.
    if FIELD_SEPARATOR in key or not key.isprintable():
        return [t for t in found if _is_term(t)]
    if len(key) > MAX_TERM_LENGTH and max(map(len, found)) > MAX_TERM_LENGTH:
        return [t for t in found if len(t) <= MAX_TERM_LENGTH]
    return found


def _is_term(token: str) -> bool:
    return (
        bool(token)
        and len(token) <= MAX_TERM_LENGTH
        and not any(c.isspace() for c in token)
        and FIELD_SEPARATOR not in token
    )


def word_pairs(terms: tuple[str, ...] | list[str], keep: Iterable[bool] | None = None) -> list[str]:
    """Each two neighbouring terms as one index term (``a|b``), never across a field boundary
    (with ``keep``, only the pairs whose flag is true): a two-word phrase becomes one term
    lookup instead of a walk through word positions."""
    pairs: Iterator[tuple[str, str]] = itertools.pairwise(terms)
    if keep is not None:
        pairs = itertools.compress(pairs, keep)
    if FIELD_SEPARATOR not in terms:
        # The common case (one field), without a Python-level step per pair.
        return list(map(FIELD_SEPARATOR.join, pairs))
    return [
        f"{first}{FIELD_SEPARATOR}{second}"
        for first, second in pairs
        if FIELD_SEPARATOR not in (first, second)
    ]


def common_pairs(terms: tuple[str, ...] | list[str]) -> list[str]:
    """The ``word_pairs`` with a common word (a stopword) in them: the pairs the index stores
    as terms, as Lucene's common-grams do. A phrase of two common words («در این») matched by
    positions would walk the positions of half the index; one of rarer words is cheap to match
    so, its rarest word's postings being short, and leaving those pairs out (most of a text's
    pairs, nearly all distinct) spares the index half its size and a rebuild over a quarter
    of its time."""
    common = list(map(STOPWORDS.__contains__, terms))
    return word_pairs(terms, map(operator.or_, common, common[1:]))
