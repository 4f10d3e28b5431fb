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
    # Each distinct word is looked at once; a text without a match is not walked at all.
    matching = _matching_words(text, terms)
    words = _WORD.finditer(text) if matching else iter(())
    spans: list[tuple[int, int]] = []
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        # Only the words up to the first match and those inside the cut are walked.
        first = next((m for m in words if m.group() in matching), None)
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
        if first is not None:
            spans.append(first.span())
            for m in words:
                if m.start() >= end:
                    break
                if m.group() in matching:
                    spans.append(m.span())
    else:
        spans = [m.span() for m in words if m.group() in matching]
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
