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
from ravabet.core.search.text import search_tokens

SNIPPET_CHARS = 200
# Context kept before the first highlighted word.
LEAD_CHARS = 60
# A snippet's first match is looked for this many characters at a time.
SCAN_CHARS = 1500
_WORD = re.compile(r"[^\s\"'«»“”()\[\]{}<>،؛؟!?,;:]+")


# The terms of each word seen in snippets, process-wide: results show the same words again and
# again, and a word's terms never change.
_WORD_TERMS: dict[str, tuple[str, ...]] = {}
WORD_CACHE_SIZE = 50_000
_CACHED_WORD_LENGTH = 40


def _word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word of a text (remembered: shown texts repeat their words)."""
    terms = _WORD_TERMS.get(word)
    if terms is None:
        terms = tuple(search_tokens(word))
        if len(word) <= _CACHED_WORD_LENGTH:
            if len(_WORD_TERMS) >= WORD_CACHE_SIZE:
                _WORD_TERMS.clear()
            _WORD_TERMS[word] = terms
    return terms


def _matching_words(text: str, terms: Sequence[Term]) -> frozenset[str]:
    """The distinct words of ``text`` whose terms match one of ``terms``."""
    if not terms:
        return frozenset()
    exact = frozenset(term.text for term in terms)
    prefixes = tuple(term.text for term in terms if term.prefix)
    words = list(set(_WORD.findall(text)))
    # Looked up and compared at C speed; only words never seen before are folded.
    cached = list(map(_WORD_TERMS.get, words))
    found = (
        [_word_terms(w) if t is None else t for w, t in zip(words, cached, strict=True)]
        if None in cached
        else cast("list[tuple[str, ...]]", cached)
    )
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
    first = _first_match(text, terms)
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
        # Only the words of the cut are folded: the first match and those after it.
        matching = _matching_words(text[first.start() : _word_end(text, end)], terms)
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


def _first_match(text: str, terms: Sequence[Term]) -> re.Match[str] | None:
    """The first matching word of ``text``, found a piece of about SCAN_CHARS at a time: a
    long article whose first match is near its top is not folded to its end."""
    piece_start = 0
    while piece_start < len(text):
        piece_end = _word_end(text, piece_start + SCAN_CHARS)
        matching = _matching_words(text[piece_start:piece_end], terms)
        if matching:
            for m in _WORD.finditer(text, piece_start):
                if m.group() in matching:
                    return m
        piece_end += 1
        piece_start = piece_end
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
