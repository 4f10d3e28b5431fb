"""Highlighted snippets of the original text: each word whose normalised terms match the query
is wrapped in ``<mark>``; everything else is escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ravabet.core.search.query import Term
from ravabet.core.search.text import search_tokens

SNIPPET_CHARS = 200
# Context kept before the first highlighted word.
LEAD_CHARS = 60
_WORD = re.compile(r"[^\s\"'«»“”()\[\]{}<>،؛؟!?,;:]+")


def _matches(word: str, terms: Sequence[Term]) -> bool:
    for token in search_tokens(word):
        for term in terms:
            if token == term.text or (term.prefix and token.startswith(term.text)):
                return True
    return False


def highlight(text: str, terms: Sequence[Term], *, max_chars: int | None = None) -> SafeString:
    """``text`` escaped, matching words marked; cut to about ``max_chars`` around the first
    match (with an ellipsis where it is cut) when ``max_chars`` is given."""
    spans = [m.span() for m in _WORD.finditer(text) if terms and _matches(m.group(), terms)]
    start, end = 0, len(text)
    if max_chars is not None and len(text) > max_chars:
        first = spans[0][0] if spans else 0
        start = max(0, first - LEAD_CHARS)
        if start:
            # Begin at a word boundary.
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + max_chars)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
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
