"""Highlighted snippets of the original text: each word whose normalised terms match the query
is wrapped in ``<mark>``; everything else is escaped."""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Sequence
from typing import cast

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ravabet.core.search.query import Term
from ravabet.core.search.text import word_tokens

SNIPPET_CHARS = 200
# Context kept before the first highlighted word.
LEAD_CHARS = 60
# A snippet's first match is looked for in pieces of text growing from FIRST_SCAN_CHARS to at
# most SCAN_CHARS: the first match is most often in the opening lines.
FIRST_SCAN_CHARS = 300
SCAN_CHARS = 1500
_PUNCTUATION = "\"'«»“”()[]{}<>،؛؟!?,;:"
_WORD = re.compile(rf"[^\s{re.escape(_PUNCTUATION)}]+")


def _words(text: str) -> set[str]:
    """The distinct words of ``text``, as _WORD would find them, split at C speed: each
    punctuation mark present becomes a space (str.translate walks non-ASCII text a character at
    a time; str.replace does not), then str.split, whose whitespace is the pattern's too."""
    for mark in _PUNCTUATION:
        if mark in text:
            text = text.replace(mark, " ")
    return set(text.split())


# The terms of each word seen in snippets, process-wide: results show the same words again and
# again, and a word's terms never change.
_WORD_TERMS: dict[str, tuple[str, ...]] = {}
WORD_CACHE_SIZE = 50_000
_CACHED_WORD_LENGTH = 40


def _word_terms(words: list[str]) -> list[tuple[str, ...]]:
    """The index terms of each word of a text (remembered: shown texts repeat their words);
    the words not seen before are folded together."""
    found = list(map(_WORD_TERMS.get, words))
    if None not in found:
        return cast("list[tuple[str, ...]]", found)
    unseen = [word for word, terms in zip(words, found, strict=True) if terms is None]
    folded = dict(zip(unseen, map(tuple, word_tokens(unseen)), strict=True))
    if len(_WORD_TERMS) + len(folded) > WORD_CACHE_SIZE:
        _WORD_TERMS.clear()
    _WORD_TERMS.update(pair for pair in folded.items() if len(pair[0]) <= _CACHED_WORD_LENGTH)
    return [
        folded[word] if terms is None else terms for word, terms in zip(words, found, strict=True)
    ]


def _matching_words(text: str, terms: Sequence[Term]) -> frozenset[str]:
    """The distinct words of ``text`` whose terms match one of ``terms``."""
    if not terms:
        return frozenset()
    exact = frozenset(term.text for term in terms)
    prefixes = tuple(term.text for term in terms if term.prefix)
    words = list(_words(text))
    # Looked up and compared at C speed; only words never seen before are folded.
    found = _word_terms(words)
    if prefixes:
        hits = [any(t in exact or t.startswith(prefixes) for t in tokens) for tokens in found]
        return frozenset(itertools.compress(words, hits))
    return frozenset(itertools.compress(words, map(operator.not_, map(exact.isdisjoint, found))))


def highlight(text: str, terms: Sequence[Term], *, max_chars: int | None = None) -> SafeString:
    """``text`` escaped, matching words marked; cut to about ``max_chars`` around the first
    match (with an ellipsis where it is cut) when ``max_chars`` is given."""
    if max_chars is None or len(text) <= max_chars:
        # Each distinct word is looked at once; a text without a match is not walked at all.
        matching = _matching_words(text, terms)
        words = _WORD.finditer(text) if matching else iter(())
        spans: list[tuple[int, int]] = [m.span() for m in words if m.group() in matching]
        return _marked(text, spans, 0, len(text))
    first, matching, scanned_to = _first_match(text, terms)
    lead = first.start() if first else 0
    start = max(0, lead - LEAD_CHARS)
    if start:
        # Begin at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < lead else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    spans = []
    if first is not None:
        # The words of the piece that held the first match are known; only the rest of the cut,
        # if it runs past that piece, is looked at.
        cut_end = _word_end(text, end)
        if cut_end > scanned_to:
            matching |= _matching_words(text[scanned_to:cut_end], terms)
        for m in _WORD.finditer(text, first.start()):
            if m.start() >= end:
                break
            if m.group() in matching:
                spans.append(m.span())
    return _marked(text, spans, start, end)


def _word_end(text: str, position: int) -> int:
    """The end of the word running through ``position`` (the first space from there on)."""
    space = text.find(" ", position)
    return len(text) if space < 0 else space


def _first_match(
    text: str, terms: Sequence[Term]
) -> tuple[re.Match[str] | None, frozenset[str], int]:
    """The first matching word of ``text``, found a piece at a time (FIRST_SCAN_CHARS, twice
    that, … up to SCAN_CHARS): a long article whose first match is near its top is not folded
    to its end. Also the matching words of the piece it was found in, and where that piece
    ends."""
    if not terms:
        return None, frozenset(), len(text)
    piece_start = 0
    piece = min(FIRST_SCAN_CHARS, SCAN_CHARS)
    while piece_start < len(text):
        piece_end = _word_end(text, piece_start + piece)
        piece = min(piece * 2, SCAN_CHARS)
        matching = _matching_words(text[piece_start:piece_end], terms)
        if matching:
            first = min(
                (m for word in matching if (m := _whole_word(text, word, piece_start))),
                key=lambda m: m.start(),
                default=None,
            )
            return first, matching, piece_end
        piece_end += 1
        piece_start = piece_end
    return None, frozenset(), len(text)


def _whole_word(text: str, word: str, start: int) -> re.Match[str] | None:
    """The first occurrence of ``word`` from ``start`` on that is a whole word of ``text``
    (found with str.find, not by walking every word before it)."""
    position = text.find(word, start)
    while position >= 0:
        if position == start or not _WORD.match(text, position - 1):
            found = _WORD.match(text, position)
            if found is not None and found.group() == word:
                return found
        position = text.find(word, position + 1)
    return None


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> SafeString:
    """``text[start:end]`` escaped, the words at ``spans`` marked, an ellipsis where cut."""
    parts: list[str] = ["…"] if start else []
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text is escaped above)
